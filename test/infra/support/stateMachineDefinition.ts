import type { Template } from 'aws-cdk-lib/assertions';

/** The one AWS::StepFunctions::StateMachine of `template`: its logical id and DefinitionString. */
export function stateMachineOf(template: Template): { id: string; definition: unknown } {
  const machines = Object.entries(template.findResources('AWS::StepFunctions::StateMachine'));
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const [id, resource] = machines[0]!;
  return { id, definition: (resource as { Properties: { DefinitionString: unknown } }).Properties.DefinitionString };
}

/**
 * The state machine's definition as Step Functions receives it: the template's DefinitionString
 * (a string or an Fn::Join) with every Ref and Fn::GetAtt replaced by `values[logicalId]` (or
 * `values['<logicalId>.<attribute>']`; or what the function `values` answers for that name), and
 * the pseudo parameters by `pseudo`.
 *
 * @example const asl = renderDefinition(definition, { [functionId + '.Arn']: arn, [bucketId]: name });
 */
export function renderDefinition(definition: unknown, values: Record<string, string> | ((name: string) => string | undefined), pseudo: Record<string, string> = { 'AWS::Partition': 'aws' }): Record<string, unknown> {
  const valueOf = (name: string): string | undefined => pseudo[name] ?? (typeof values === 'function' ? values(name) : values[name]);
  return JSON.parse(render(definition, valueOf)) as Record<string, unknown>;
}

function render(node: unknown, valueOf: (name: string) => string | undefined): string {
  if (typeof node === 'string') return node;
  const o = node as Record<string, unknown>;
  if (Array.isArray(o['Fn::Join'])) {
    const [delimiter, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => render(p, valueOf)).join(delimiter);
  }
  const name = typeof o.Ref === 'string' ? o.Ref : Array.isArray(o['Fn::GetAtt']) ? (o['Fn::GetAtt'] as string[]).join('.') : undefined;
  const value = name === undefined ? undefined : valueOf(name);
  if (value === undefined) throw new Error(`no value for ${JSON.stringify(node)}`);
  return value;
}

/** Every state of an ASL definition, nested ones (Map ItemProcessor, Parallel branches) included, by name. */
export function statesOf(asl: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const walk = (machine: { States?: Record<string, Record<string, unknown>> }): void => {
    for (const [name, state] of Object.entries(machine.States ?? {})) {
      out[name] = state;
      if (state.ItemProcessor) walk(state.ItemProcessor as typeof machine);
      for (const branch of (state.Branches as (typeof machine)[] | undefined) ?? []) walk(branch);
    }
  };
  walk(asl as { States?: Record<string, Record<string, unknown>> });
  return out;
}
