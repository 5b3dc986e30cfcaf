import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Annotations, Capture, Match } from 'aws-cdk-lib/assertions';
import type { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPipelineStack, buildStack, HANDLER_ENTRY } from './support/buildStack.js';

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids, `${type} ${prefix}*`).toHaveLength(1);
  return ids[0] as string;
}

const objectsArn = (bucketId: string, suffix: string): unknown => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, suffix]] });

describe('LogProcessingPipeline', () => {
  let outdir: string;
  let template: Template;
  let ids: { input: string; output: string; queue: string; dlq: string; queuePolicy: string; fn: string; logs: string; role: string };

  beforeAll(() => {
    if (!existsSync(HANDLER_ENTRY)) throw new Error(`the Lambda entry ${HANDLER_ENTRY} is missing: the stack cannot bundle without it`);
    outdir = mkdtempSync(path.join(tmpdir(), 'logsieve-infra-'));
    // The one bundled stack of this file: esbuild runs once, here.
    template = buildStack({
      bundle: true,
      outdir,
      pipeline: { inputPrefix: 'logs/', inputSuffixes: ['.log', '.gz'], maxLineBytes: 2048, handlerConcurrency: 8, rules: { minLevel: 'warn' } },
    }).template;
    ids = {
      input: logicalId(template, 'AWS::S3::Bucket', 'PipelineInputBucket'),
      output: logicalId(template, 'AWS::S3::Bucket', 'PipelineOutputBucket'),
      queue: logicalId(template, 'AWS::SQS::Queue', 'PipelineQueue'),
      dlq: logicalId(template, 'AWS::SQS::Queue', 'PipelineDeadLetterQueue'),
      queuePolicy: logicalId(template, 'AWS::SQS::QueuePolicy', 'PipelineQueuePolicy'),
      fn: logicalId(template, 'AWS::Lambda::Function', 'PipelineProcessor'),
      logs: logicalId(template, 'AWS::Logs::LogGroup', 'PipelineProcessorLogs'),
      role: logicalId(template, 'AWS::IAM::Role', 'PipelineProcessorRole'),
    };
  }, 180_000);

  afterAll(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  describe('notification wiring', () => {
    it('sends ObjectCreated under the input prefix, one filter per suffix, to the queue', () => {
      const queueArn = new Capture();
      template.hasResourceProperties('AWS::S3::Bucket', {
        NotificationConfiguration: {
          QueueConfigurations: [
            { Event: 's3:ObjectCreated:*', Queue: queueArn, Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'logs/' }, { Name: 'suffix', Value: '.log' }] } } },
            { Event: 's3:ObjectCreated:*', Queue: Match.anyValue(), Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'logs/' }, { Name: 'suffix', Value: '.gz' }] } } },
          ],
        },
      });
      expect(queueArn.asObject()).toEqual({ 'Fn::GetAtt': [ids.queue, 'Arn'] });
      // Nothing else notifies: no custom resource, no other bucket with a notification.
      template.resourceCountIs('Custom::S3BucketNotifications', 0);
      expect(Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { NotificationConfiguration: Match.anyValue() } }))).toEqual([ids.input]);
    });

    it('lets only the input bucket of this account send to the queue, and creates the bucket after that policy', () => {
      const bucketName = new Capture();
      template.hasResourceProperties('AWS::S3::Bucket', { BucketName: bucketName, NotificationConfiguration: Match.anyValue() });
      template.hasResource('AWS::S3::Bucket', { DependsOn: Match.arrayWith([ids.queuePolicy]), Properties: { NotificationConfiguration: Match.anyValue() } });
      const sourceArn = new Capture();
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: ids.queue }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Sid: 'AllowInputBucketNotifications',
              Effect: 'Allow',
              Principal: { Service: 's3.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
              Condition: { ArnEquals: { 'aws:SourceArn': sourceArn }, StringEquals: { 'aws:SourceAccount': '123456789012' } },
            },
          ]),
        },
      });
      // The ARN is built from the same name expression as the bucket's, not from a reference to it.
      const [namePrefix, stackUuid] = (bucketName.asObject() as { 'Fn::Join': [string, [string, unknown]] })['Fn::Join'][1];
      expect(sourceArn.asObject()).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${namePrefix}`, stackUuid]] });
      // Unique per stack and construct, valid as a bucket name: logsieve-<8 hex>-<stack uuid>.
      expect(bucketName.asObject()).toEqual({
        'Fn::Join': ['', [expect.stringMatching(/^logsieve-[0-9a-f]{8}-$/), { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]],
      });
    });
  });

  describe('IAM', () => {
    it('grants exactly: read input prefix, write output prefix, read summaries, summary 404s, consume the queue, write its logs', () => {
      const statements = new Capture();
      template.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: ids.role }], PolicyDocument: { Statement: statements } });
      expect(statements.asArray()).toEqual([
        { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [ids.logs, 'Arn'] } },
        { Sid: 'ReadSourceObjects', Action: 's3:GetObject', Effect: 'Allow', Resource: objectsArn(ids.input, '/logs/*') },
        { Sid: 'WriteOutputs', Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Effect: 'Allow', Resource: objectsArn(ids.output, '/logsieve/*') },
        { Sid: 'ReadSummaries', Action: 's3:GetObject', Effect: 'Allow', Resource: objectsArn(ids.output, '/logsieve/summaries/*') },
        {
          Sid: 'SummaryNotFoundAs404',
          Action: 's3:ListBucket',
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [ids.output, 'Arn'] },
          Condition: { StringLike: { 's3:prefix': ['logsieve/summaries/*'] } },
        },
        // Continuation: its checkpoints, the parts of a replaced object, and the queue to send to.
        { Sid: 'Checkpoints', Action: ['s3:DeleteObject', 's3:GetObject'], Effect: 'Allow', Resource: objectsArn(ids.output, '/logsieve/checkpoints/*') },
        { Sid: 'DeleteReplacedObjectParts', Action: 's3:DeleteObject', Effect: 'Allow', Resource: objectsArn(ids.output, '/logsieve/errors/*') },
        {
          Sid: 'CheckpointNotFoundAs404',
          Action: 's3:ListBucket',
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [ids.output, 'Arn'] },
          Condition: { StringLike: { 's3:prefix': ['logsieve/checkpoints/*'] } },
        },
        { Sid: 'SendContinuations', Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [ids.queue, 'Arn'] } },
        {
          Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
        },
      ]);
      // The other policy is the rollup writer's (test/infra/rollups.test.ts).
      template.resourceCountIs('AWS::IAM::Policy', 2);
    });

    it('sends continuations to its own queue: the function gets the queue URL', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ LOGSIEVE_CONTINUATION_QUEUE_URL: { Ref: ids.queue } }) },
      });
    });

    it('gives the function a role of its own with no managed policies', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }] },
        ManagedPolicyArns: Match.absent(),
      });
      template.hasResourceProperties('AWS::Lambda::Function', { Role: { 'Fn::GetAtt': [ids.role, 'Arn'] } });
    });
  });

  describe('queue and dead-letter queue', () => {
    it('redrives to the DLQ after maxReceiveCount, with a visibility timeout of 6 × the function timeout', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] }, maxReceiveCount: 3 },
        VisibilityTimeout: 1800,
        MessageRetentionPeriod: 4 * 86_400,
        SqsManagedSseEnabled: true,
      });
      template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 86_400, SqsManagedSseEnabled: true, RedrivePolicy: Match.absent() });
      template.resourceCountIs('AWS::SQS::Queue', 2);
    });

    it('refuses non-TLS access to both queues', () => {
      for (const queue of [ids.queue, ids.dlq]) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: queue }],
          PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
        });
      }
    });
  });

  describe('function', () => {
    it('runs Node.js 22 on arm64 with the documented memory, timeout, JSON logs and environment', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 1769,
        Timeout: 300,
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: ids.logs } },
        Environment: {
          Variables: {
            NODE_OPTIONS: '--enable-source-maps',
            LOGSIEVE_OUTPUT_BUCKET: { Ref: ids.output },
            LOGSIEVE_OUTPUT_PREFIX: 'logsieve/',
            LOGSIEVE_MAX_LINE_BYTES: '2048',
            LOGSIEVE_CONCURRENCY: '8',
            LOGSIEVE_RULES: '{"minLevel":"warn"}',
            LOGSIEVE_FORCE_REPROCESS: 'false',
            POWERTOOLS_SERVICE_NAME: 'logsieve',
            POWERTOOLS_METRICS_NAMESPACE: 'Logsieve',
          },
        },
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    });

    it('ships an ESM bundle with a linked source map, the AWS SDK inside', () => {
      const code = new Capture();
      template.hasResourceProperties('AWS::Lambda::Function', { Code: { S3Key: code } });
      const hash = code.asString().replace(/\.zip$/, '');
      const dir = readdirSync(outdir).find((d) => d === `asset.${hash}`);
      expect(dir, `asset.${hash} in ${outdir}`).toBeDefined();
      const files = readdirSync(path.join(outdir, dir as string)).sort();
      expect(files).toEqual(['index.mjs', 'index.mjs.map']);
      const bundle = readFileSync(path.join(outdir, dir as string, 'index.mjs'), 'utf8');
      // Booleans, not the text: a failing match must not print a 500 kB bundle.
      expect(bundle.slice(0, 120)).toMatch(/^import \{ createRequire as \w+ \} from 'node:module'; const require = /);
      expect(bundle.slice(-60)).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
      expect(/export\s*\{[^}]*\bas handler\b[^}]*\}/.test(bundle.slice(-2000)), 'ESM export of handler').toBe(true);
      expect(/[;}\n]import[^;"]*from\s*"@aws-sdk\//.test(bundle), 'an import of @aws-sdk/* left outside the bundle').toBe(false);
      const map = JSON.parse(readFileSync(path.join(outdir, dir as string, 'index.mjs.map'), 'utf8')) as { sources: string[] };
      expect(map.sources.some((s) => s.endsWith('functions/handlers/processLog.ts'))).toBe(true);
    });

    it('consumes the queue in batches with partial batch responses and bounded concurrency', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
        FunctionName: { Ref: ids.fn },
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: Match.absent(),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 10 },
      });
    });
  });

  describe('bucket hygiene', () => {
    it('encrypts every bucket, blocks public access and denies non-TLS requests', () => {
      const buckets = template.findResources('AWS::S3::Bucket');
      expect(Object.keys(buckets)).toHaveLength(3);
      for (const id of Object.keys(buckets)) {
        template.hasResource('AWS::S3::Bucket', {
          Properties: Match.objectLike({
            BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
            PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          }),
          UpdateReplacePolicy: 'Retain',
          DeletionPolicy: 'Retain',
        });
        template.hasResourceProperties('AWS::S3::BucketPolicy', {
          Bucket: { Ref: id },
          PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
        });
      }
    });

    it('logs server access of the input and output buckets and aborts stale multipart uploads of outputs', () => {
      const accessLogs = logicalId(template, 'AWS::S3::Bucket', 'PipelineAccessLogsBucket');
      for (const [id, prefix] of [[ids.input, 'input/'], [ids.output, 'output/']] as const) {
        expect(template.toJSON().Resources[id].Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: accessLogs }, LogFilePrefix: prefix });
      }
      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: { Rules: [{ Id: 'AbortIncompleteOutputUploads', Prefix: 'logsieve/', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' }] },
      });
    });
  });

  describe('alarms', () => {
    it('watches a non-empty DLQ, function errors, the age of the oldest message and failed objects, with no actions by default', () => {
      template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.dlq, 'QueueName'] } }],
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: Match.absent(),
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.fn } }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.queue, 'QueueName'] } }],
        Threshold: 900,
        EvaluationPeriods: 5,
      });
      // The handler's EMF metric (namespace and service as the function's environment sets them).
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Logsieve',
        MetricName: 'FailedObjects',
        Dimensions: [{ Name: 'service', Value: 'logsieve' }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ POWERTOOLS_METRICS_NAMESPACE: 'Logsieve', POWERTOOLS_SERVICE_NAME: 'logsieve' }) },
      });
    });
  });
});

describe('LogProcessingPipeline variants', () => {
  it('sets notifications on an imported bucket through CDK\'s custom resource and scopes IAM to its name', () => {
    const { template } = buildStack({ pipeline: { inputBucketName: 'existing-logs', inputPrefix: 'app/', inputSuffixes: ['.log'], outputToInputBucket: true } });
    template.resourceCountIs('AWS::S3::Bucket', 0);
    const queue = logicalId(template, 'AWS::SQS::Queue', 'PipelineQueue');
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: 'existing-logs',
      Managed: false,
      NotificationConfiguration: {
        QueueConfigurations: [
          { Events: ['s3:ObjectCreated:*'], QueueArn: { 'Fn::GetAtt': [queue, 'Arn'] }, Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.log' }, { Name: 'prefix', Value: 'app/' }] } } },
        ],
      },
    });
    const arn = (suffix: string): string => `arn:aws:s3:::existing-logs${suffix}`;
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'ReadSourceObjects', Resource: arn('/app/*') }),
          Match.objectLike({ Sid: 'WriteOutputs', Resource: arn('/logsieve/*') }),
          Match.objectLike({ Sid: 'ReadSummaries', Resource: arn('/logsieve/summaries/*') }),
          Match.objectLike({ Sid: 'SummaryNotFoundAs404', Resource: arn('') }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Environment: { Variables: Match.objectLike({ LOGSIEVE_OUTPUT_BUCKET: 'existing-logs', LOGSIEVE_OUTPUT_PREFIX: 'logsieve/' }) },
    });
  });

  it('notifies the alarm topic on alarm and on recovery', () => {
    const topic = 'arn:aws:sns:eu-west-1:123456789012:ops';
    const { template } = buildStack({ pipeline: { alarmTopicArn: topic } });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topic]);
      expect(alarm.Properties.OKActions).toEqual([topic]);
    }
  });

  it('expires outputs under the output prefix when outputExpirationDays is set', () => {
    const { template } = buildStack({ pipeline: { outputExpirationDays: 30 } });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([{ Id: 'ExpireOutputs', Prefix: 'logsieve/', ExpirationInDays: 30, Status: 'Enabled' }]) },
    });
  });

  it('reads settings from context, as `-c logsieve:<key>=<value>` gives them (strings)', () => {
    const { template } = buildStack({ context: { 'logsieve:memorySize': '2048', 'logsieve:timeoutSeconds': '600', 'logsieve:maxConcurrency': '50', 'logsieve:inputSuffixes': '.log,.log.gz' } });
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 2048, Timeout: 600 });
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 3600, RedrivePolicy: Match.anyValue() });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 50 } });
    template.hasResourceProperties('AWS::S3::Bucket', {
      NotificationConfiguration: {
        QueueConfigurations: [
          Match.objectLike({ Filter: { S3Key: { Rules: [{ Name: 'suffix', Value: '.log' }] } } }),
          Match.objectLike({ Filter: { S3Key: { Rules: [{ Name: 'suffix', Value: '.log.gz' }] } } }),
        ],
      },
    });
  });

  it('warns when outputs are allowed under the input prefix of the same bucket', () => {
    const { stack } = buildStack({ pipeline: { outputToInputBucket: true, allowOutputUnderInputPrefix: true } });
    Annotations.fromStack(stack).hasWarning('/Logsieve/Pipeline', Match.stringLikeRegexp('outputPrefix "logsieve/" lies under inputPrefix ""'));
  });
});

describe('LogProcessingPipeline SSE-KMS keys', () => {
  const INPUT_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const OUTPUT_KEY = 'arn:aws:kms:eu-west-1:210987654321:key/mrk-0123456789abcdef0123456789abcdef';
  const viaS3 = { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } };

  /** Every statement of the processor role's policy. */
  function roleStatements(template: Template): Record<string, unknown>[] {
    const role = logicalId(template, 'AWS::IAM::Role', 'PipelineProcessorRole');
    const statements = new Capture();
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: role }], PolicyDocument: { Statement: statements } });
    return statements.asArray() as Record<string, unknown>[];
  }
  const kmsStatements = (template: Template): Record<string, unknown>[] =>
    roleStatements(template).filter((st) => [st.Action].flat().some((a) => String(a).startsWith('kms:')));

  it('grants kms:Decrypt on the key ARN of an imported input bucket, only through S3 for that bucket and prefix, nothing wider', () => {
    const { template } = buildStack({ pipeline: { inputBucketName: 'trail-logs', inputPrefix: 'AWSLogs/', inputBucketKeyArn: INPUT_KEY, outputBucketName: 'results' } });
    expect(kmsStatements(template)).toEqual([
      {
        Sid: 'DecryptSourceObjects',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: INPUT_KEY,
        Condition: { ...viaS3, StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::trail-logs', 'arn:aws:s3:::trail-logs/AWSLogs/*'] } },
      },
    ]);
    // No other policy in the stack (the notifications handler's included) names KMS or a key.
    const otherPolicies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => !JSON.stringify(p).includes('DecryptSourceObjects'));
    expect(JSON.stringify(otherPolicies)).not.toMatch(/kms/i);
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  it('grants kms:GenerateDataKey and kms:Decrypt (multipart parts, summaries read back) on the output key, for the output prefix only', () => {
    const { template } = buildStack({ pipeline: { inputBucketName: 'app-logs', outputBucketName: 'results', outputPrefix: 'sieved/', outputBucketKeyArn: OUTPUT_KEY } });
    expect(kmsStatements(template)).toEqual([
      {
        Sid: 'EncryptOutputs',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: OUTPUT_KEY,
        Condition: { ...viaS3, StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::results', 'arn:aws:s3:::results/sieved/*'] } },
      },
    ]);
    // Writes rely on the bucket's default encryption: no key id reaches the function.
    const env = new Capture();
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: env } });
    expect(JSON.stringify(env.asObject())).not.toMatch(/kms/i);
  });

  it('uses the encryptionKey a bucket construct carries, for input and output, without a setting', () => {
    const { template } = buildPipelineStack((stack) => {
      const key = new Key(stack, 'LogsKey', { enableKeyRotation: true });
      const results = Bucket.fromBucketAttributes(stack, 'Results', { bucketName: 'results', encryptionKey: Key.fromKeyArn(stack, 'ResultsKey', OUTPUT_KEY) });
      return { inputBucket: new Bucket(stack, 'Logs', { encryption: BucketEncryption.KMS, encryptionKey: key }), inputPrefix: 'app/', outputBucket: results };
    });
    const keyId = logicalId(template, 'AWS::KMS::Key', 'LogsKey');
    const logsId = logicalId(template, 'AWS::S3::Bucket', 'Logs');
    expect(kmsStatements(template)).toEqual([
      {
        Sid: 'DecryptSourceObjects',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
        Condition: { ...viaS3, StringLike: { 'kms:EncryptionContext:aws:s3:arn': [{ 'Fn::GetAtt': [logsId, 'Arn'] }, objectsArn(logsId, '/app/*')] } },
      },
      expect.objectContaining({ Sid: 'EncryptOutputs', Resource: OUTPUT_KEY, Condition: expect.objectContaining(viaS3) }),
    ]);
  });

  it('prefers an explicit key over the one the bucket construct carries', () => {
    const { template } = buildPipelineStack((stack) => ({
      inputBucket: Bucket.fromBucketAttributes(stack, 'Logs', { bucketName: 'logs', encryptionKey: Key.fromKeyArn(stack, 'OldKey', OUTPUT_KEY) }),
      inputBucketKeyArn: INPUT_KEY,
    }));
    expect(kmsStatements(template).map((st) => [st.Sid, st.Resource])).toEqual([['DecryptSourceObjects', INPUT_KEY]]);
  });

  it('applies the input key to outputs written into the input bucket, each grant with its own prefix', () => {
    const { template } = buildStack({ context: { 'logsieve:inputBucketName': 'trail-logs', 'logsieve:inputPrefix': 'AWSLogs/', 'logsieve:outputToInputBucket': 'true', 'logsieve:inputBucketKeyArn': INPUT_KEY } });
    expect(kmsStatements(template)).toEqual([
      expect.objectContaining({ Sid: 'DecryptSourceObjects', Action: 'kms:Decrypt', Resource: INPUT_KEY, Condition: { ...viaS3, StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::trail-logs', 'arn:aws:s3:::trail-logs/AWSLogs/*'] } } }),
      expect.objectContaining({ Sid: 'EncryptOutputs', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: INPUT_KEY, Condition: { ...viaS3, StringLike: { 'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::trail-logs', 'arn:aws:s3:::trail-logs/logsieve/*'] } } }),
    ]);
  });

  it('grants nothing of KMS without a key: defaults and imported buckets alike', () => {
    for (const pipeline of [{}, { inputBucketName: 'app-logs', outputBucketName: 'results' }, { inputBucketName: 'app-logs', inputPrefix: 'app/', outputToInputBucket: true }]) {
      const { template } = buildStack({ pipeline });
      expect(kmsStatements(template), JSON.stringify(pipeline)).toEqual([]);
      expect(JSON.stringify(template.toJSON()), JSON.stringify(pipeline)).not.toMatch(/kms:/i);
    }
  });

  it('fails synth on a key ARN that is not one, naming the setting', () => {
    expect(() => buildStack({ pipeline: { inputBucketName: 'logs', inputBucketKeyArn: 'alias/logs' } })).toThrow(/logsieve setting "inputBucketKeyArn" expected a KMS key ARN/);
    expect(() => buildStack({ context: { 'logsieve:outputBucketName': 'results', 'logsieve:outputBucketKeyArn': 'arn:aws:kms:eu-west-1:123456789012:alias/results' } })).toThrow(
      /logsieve setting "outputBucketKeyArn" expected a key ARN, got the alias ARN/,
    );
    expect(() => buildStack({ pipeline: { inputBucketKeyArn: INPUT_KEY } })).toThrow(/logsieve setting "inputBucketKeyArn" needs an existing input bucket/);
  });
});
