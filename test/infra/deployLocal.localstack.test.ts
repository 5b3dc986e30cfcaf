import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import type { Output } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  GetBucketEncryptionCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCALSTACK_ACCOUNT } from '../../dev/deployLocal.js';
import { LOCAL_AWS, localstackClients } from '../helpers/localstackClients.js';
import { buildStack } from './support/buildStack.js';

const { endpoint, s3, sqs } = localstackClients();
const mode = inject('localstackMode');
const cfn = new CloudFormationClient({ ...LOCAL_AWS, endpoint });
const cloudwatch = new CloudWatchClient({ ...LOCAL_AWS, endpoint });
const run = Date.now().toString(36);
const created: string[] = [];

/**
 * The function and what hangs off it. Left out here: this suite checks the other resources at the
 * shipped defaults (filters, DLQ, encryption, alarms) without bundling; the whole stack, function
 * included, is deployed with cdklocal and run end to end by test/deployed.
 */
const NEEDS_LAMBDA = (r: { Type: string; Properties?: { Namespace?: string; ScheduleExpression?: string } }): boolean =>
  r.Type === 'AWS::Lambda::Function' || r.Type === 'AWS::Lambda::EventSourceMapping' || (r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.Namespace === 'AWS/Lambda') ||
  // The rollup writer's schedule and its permission to invoke it.
  r.Type === 'AWS::Lambda::Permission' || (r.Type === 'AWS::Events::Rule' && r.Properties?.ScheduleExpression !== undefined);

type Template = {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string | string[] }>;
  Outputs?: Record<string, unknown>;
  Parameters?: Record<string, unknown>;
  Rules?: unknown;
};

/** The synthesized stack without the resources that need Lambda to run code, and without the bootstrap check. */
function templateWithoutLambda(template: Template): { body: string; kept: string[]; dropped: string[] } {
  const dropped = Object.entries(template.Resources).filter(([, r]) => NEEDS_LAMBDA(r as never)).map(([id]) => id);
  const resources = Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([id]) => !dropped.includes(id))
      .map(([id, r]) => {
        const dependsOn = ([] as string[]).concat(r.DependsOn ?? []).filter((d) => !dropped.includes(d));
        return [id, { ...r, DependsOn: dependsOn.length > 0 ? dependsOn : undefined }];
      }),
  );
  const outputs = Object.fromEntries(Object.entries(template.Outputs ?? {}).filter(([, o]) => !dropped.some((id) => JSON.stringify(o).includes(`"${id}"`))));
  const { BootstrapVersion: _bootstrap, ...parameters } = template.Parameters ?? {};
  const body = JSON.stringify({ ...template, Resources: resources, Outputs: outputs, Parameters: parameters, Rules: undefined });
  return { body, kept: Object.keys(resources), dropped };
}

async function waitForStack(stackName: string): Promise<{ status: string; outputs: Record<string, string>; reasons: string[] }> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
    const status = stack?.StackStatus ?? 'MISSING';
    if (!status.endsWith('_IN_PROGRESS') || Date.now() > deadline) {
      const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }))).StackEvents ?? [];
      const reasons = events.filter((e) => e.ResourceStatus?.endsWith('FAILED')).map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}: ${e.ResourceStatusReason ?? ''}`);
      const outputs = Object.fromEntries((stack?.Outputs ?? []).map((o: Output) => [o.OutputKey ?? '', o.OutputValue ?? '']));
      return { status, outputs, reasons };
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function queueAttributes(queueUrl: string): Promise<Record<string, string>> {
  return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }))).Attributes ?? {};
}

afterAll(async () => {
  for (const stackName of created) await cfn.send(new DeleteStackCommand({ StackName: stackName })).catch(() => undefined);
});

describe(`LogsieveStack on LocalStack (${mode}): the resources around the function, at the shipped defaults`, () => {
  const stackName = `LogsieveInfra${run}`;
  let outputs: Record<string, string>;
  let kept: string[];

  beforeAll(async () => {
    const { template } = buildStack({ env: { account: LOCALSTACK_ACCOUNT, region: LOCAL_AWS.region }, pipeline: { inputPrefix: 'logs/', inputSuffixes: ['.log'] } });
    const stripped = templateWithoutLambda(template.toJSON() as Template);
    // Processor, its event source and errors alarm; rollup writer, its schedule and invoke permission.
    expect(stripped.dropped).toHaveLength(6);
    kept = stripped.kept;
    created.push(stackName);
    await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: stripped.body, Capabilities: ['CAPABILITY_IAM'] }));
    const result = await waitForStack(stackName);
    if (result.status !== 'CREATE_COMPLETE') throw new Error(`stack ${stackName} ended ${result.status}: ${result.reasons.join('; ')}`);
    outputs = result.outputs;
  }, 180_000);

  it('creates every other resource of the template', async () => {
    const resources = (await cfn.send(new ListStackResourcesCommand({ StackName: stackName }))).StackResourceSummaries ?? [];
    expect(resources.map((r) => r.LogicalResourceId).sort()).toEqual([...kept].sort());
    expect(resources.filter((r) => r.ResourceStatus !== 'CREATE_COMPLETE')).toEqual([]);
  });

  it('points the input bucket notification at the queue', async () => {
    const queueArn = (await queueAttributes(outputs.QueueUrl as string)).QueueArn;
    const notification = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: outputs.InputBucketName }));
    expect(notification.QueueConfigurations).toEqual([
      expect.objectContaining({
        QueueArn: queueArn,
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: expect.arrayContaining([{ Name: 'Prefix', Value: 'logs/' }, { Name: 'Suffix', Value: '.log' }]) as unknown } },
      }),
    ]);
  });

  it('delivers S3 notifications for new log objects under the prefix with the suffix, and only for those', async () => {
    const wanted = `logs/${run}.log`;
    const ignored = [`other/${run}.log`, `logs/${run}.txt`];
    for (const key of [...ignored, wanted]) await s3.send(new PutObjectCommand({ Bucket: outputs.InputBucketName, Key: key, Body: 'ERROR boom\n' }));
    const seen: string[] = [];
    // The wanted object was written last; once its event is in, the others would have been too.
    const deadline = Date.now() + 30_000;
    while (!seen.includes(wanted) && Date.now() < deadline) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: outputs.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
      for (const m of Messages) {
        const body = JSON.parse(m.Body ?? '{}') as { Records?: { eventName: string; s3: { bucket: { name: string }; object: { key: string } } }[] };
        for (const r of body.Records ?? []) {
          expect(r.eventName).toMatch(/^ObjectCreated:/);
          expect(r.s3.bucket.name).toBe(outputs.InputBucketName);
          seen.push(r.s3.object.key);
        }
      }
    }
    expect(seen).toEqual([wanted]);
  });

  it('links the queue to its DLQ with 6 × the function timeout as visibility timeout', async () => {
    const dlqArn = (await queueAttributes(outputs.DeadLetterQueueUrl as string)).QueueArn;
    const attributes = await queueAttributes(outputs.QueueUrl as string);
    expect(JSON.parse(attributes.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 });
    expect(attributes.VisibilityTimeout).toBe('1800');
    expect(attributes.SqsManagedSseEnabled).toBe('true');
  });

  // LocalStack 4.14's AWS::S3::Bucket provider ignores LifecycleConfiguration and LoggingConfiguration
  // (no put calls in its resource provider): the lifecycle and access-log settings are covered by the
  // template tests only.
  it('encrypts the buckets, blocks public access and denies plain HTTP', async () => {
    for (const bucket of [outputs.InputBucketName, outputs.OutputBucketName]) {
      const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
      expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
      const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
      expect(block.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
      const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? '{}') as { Statement: { Effect: string; Condition?: unknown }[] };
      expect(policy.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    }
  });

  it('creates the DLQ, queue-age and failed-objects alarms', async () => {
    const { MetricAlarms = [] } = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: stackName }));
    expect(MetricAlarms.map((a) => `${a.Namespace}/${a.MetricName}`).sort()).toEqual(['AWS/SQS/ApproximateAgeOfOldestMessage', 'AWS/SQS/ApproximateNumberOfMessagesVisible', 'Logsieve/FailedObjects']);
  });
});
