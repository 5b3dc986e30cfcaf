import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildStack } from './support/buildStack.js';

const VARIANTS = {
  'defaults (new input and output buckets)': {},
  'imported input bucket, outputs under a prefix of it, suffix filters': {
    inputBucketName: 'existing-logs',
    inputPrefix: 'app/',
    inputSuffixes: ['.log', '.gz'],
    outputToInputBucket: true,
  },
  'imported buckets, no access logs, alarm topic': {
    inputBucketName: 'existing-logs',
    outputBucketName: 'existing-results',
    serverAccessLogs: false,
    alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops',
  },
  'new buckets without server access logs': { serverAccessLogs: false },
  'imported SSE-KMS buckets with their keys': {
    inputBucketName: 'trail-logs',
    inputPrefix: 'AWSLogs/',
    inputBucketKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    outputBucketName: 'existing-results',
    outputBucketKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef',
  },
} as const;

function acknowledgments(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason }))),
  );
}

describe('cdk-nag AwsSolutions', () => {
  for (const [name, pipeline] of Object.entries(VARIANTS)) {
    it(`leaves no finding unacknowledged: ${name}`, () => {
      const { stack } = buildStack({ pipeline });
      const report = new AwsSolutionsChecks().validateScope(stack);
      const findings = report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}: ${v.description}`);
      expect(findings).toEqual([]);
      expect(report.success).toBe(true);
    });
  }

  it('gives every acknowledgment a reason of substance', () => {
    const { stack } = buildStack({ pipeline: VARIANTS['imported input bucket, outputs under a prefix of it, suffix filters'] });
    const acks = [...acknowledgments(stack), ...acknowledgments(buildStack().stack)];
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id, ack.path).toMatch(/^(Annotation::)?AwsSolutions-/);
      expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThan(40);
    }
  });
});
