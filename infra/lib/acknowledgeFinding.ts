import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on `scope` and its children, for a finding that names an IAM
 * resource: `AwsSolutions-IAM5[Resource::<Bucket.Arn>/logs/*]`. The resource token is flattened
 * the way cdk-nag flattens it (GetAtt → `<Id.Attr>`, Ref → `<Id>`, Join concatenated).
 *
 * @example acknowledgeResourceFinding(role, 'AwsSolutions-IAM5', bucket.arnForObjects('logs/*'), 'reads source objects by key');
 */
export function acknowledgeResourceFinding(scope: IConstruct, ruleId: string, resource: string, reason: string): void {
  const flat = flattenReference(Stack.of(scope).resolve(resource));
  Validations.of(scope).acknowledge({ id: `${ruleId}[Resource::${flat}]`, reason });
}

function flattenReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>;
    if (Array.isArray(o['Fn::Join'])) {
      const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
      return items.map(flattenReference).join(delimiter);
    }
    if (o['Fn::Sub'] !== undefined) return flattenReference(o['Fn::Sub']);
    if (Array.isArray(o['Fn::GetAtt'])) {
      const [id, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenReference(id)}.${flattenReference(attribute)}>`;
    }
    if (o.Ref !== undefined) return `<${flattenReference(o.Ref)}>`;
  }
  return JSON.stringify(node);
}
