import { App, Duration, Stack } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { PipelineSettingsError } from '../../infra/lib/errors.js';
import { resolvePipelineSettings } from '../../infra/lib/resolvePipelineSettings.js';
import type { LogProcessingPipelineProps } from '../../infra/lib/types.js';

const noContext = (): undefined => undefined;
const context = (values: Record<string, unknown>) => (key: string): unknown => values[key];

function failure(props: LogProcessingPipelineProps, ctx: Record<string, unknown> = {}): PipelineSettingsError {
  try {
    resolvePipelineSettings(props, context(ctx));
  } catch (err) {
    expect(err).toBeInstanceOf(PipelineSettingsError);
    return err as PipelineSettingsError;
  }
  throw new Error('expected a PipelineSettingsError');
}

describe('resolvePipelineSettings', () => {
  it('resolves the documented defaults', () => {
    expect(resolvePipelineSettings({}, noContext)).toEqual({
      inputBucketName: undefined,
      inputBucketKeyArn: undefined,
      inputPrefix: '',
      inputSuffixes: [],
      outputBucketName: undefined,
      outputBucketKeyArn: undefined,
      outputToInputBucket: false,
      outputPrefix: 'logsieve/',
      outputExpirationDays: undefined,
      memorySize: 1769,
      timeoutSeconds: 300,
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      maxConcurrency: 10,
      maxReceiveCount: 3,
      visibilityTimeoutSeconds: 1800,
      logRetentionDays: 30,
      alarmTopicArn: undefined,
      oldestMessageAgeAlarmSeconds: 900,
      functionErrorsAlarmThreshold: 1,
      maxLineBytes: undefined,
      longLines: undefined,
      handlerConcurrency: undefined,
      rulesJson: undefined,
      forceReprocess: false,
      serverAccessLogs: true,
      allowOutputUnderInputPrefix: false,
      rollupScheduleMinutes: 60,
      changesTopicArn: undefined,
    });
  });

  it('prefers props over context and parses context strings', () => {
    const s = resolvePipelineSettings(
      { memorySize: 3008 },
      context({ 'logsieve:memorySize': '1024', 'logsieve:batchSize': '50', 'logsieve:maxBatchingWindowSeconds': '5', 'logsieve:forceReprocess': 'true', 'logsieve:inputSuffixes': '.log, .log.gz' }),
    );
    expect(s).toMatchObject({ memorySize: 3008, batchSize: 50, maxBatchingWindowSeconds: 5, forceReprocess: true, inputSuffixes: ['.log', '.log.gz'], visibilityTimeoutSeconds: 1805 });
  });

  it('derives the visibility timeout from the timeout and batching window', () => {
    expect(resolvePipelineSettings({ timeout: Duration.minutes(15), maxBatchingWindowSeconds: 20 }, noContext).visibilityTimeoutSeconds).toBe(5420);
  });

  it('appends "/" to prefixes, as the handler does, and keeps the rules as compact JSON', () => {
    const s = resolvePipelineSettings({ inputPrefix: 'logs', outputPrefix: 'out', rules: '{ "minLevel": "warn" }' }, noContext);
    expect(s).toMatchObject({ inputPrefix: 'logs/', outputPrefix: 'out/', rulesJson: '{"minLevel":"warn"}' });
  });

  it('accepts disjoint prefixes in one bucket', () => {
    expect(resolvePipelineSettings({ outputToInputBucket: true, inputPrefix: 'logs/' }, noContext)).toMatchObject({ outputToInputBucket: true, inputPrefix: 'logs/', outputPrefix: 'logsieve/' });
  });

  const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

  it('accepts key ARNs (single- and multi-Region, any partition) from props and context', () => {
    const mrk = 'arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef';
    expect(resolvePipelineSettings({ inputBucketName: 'logs', inputBucketKeyArn: ` ${KEY} ` }, context({ 'logsieve:outputBucketName': 'results', 'logsieve:outputBucketKeyArn': mrk }))).toMatchObject({
      inputBucketKeyArn: KEY,
      outputBucketKeyArn: mrk,
    });
  });

  it('leaves the ARN unset when a key construct is given, as for buckets', () => {
    const key = Key.fromKeyArn(new Stack(new App(), 'S'), 'K', KEY);
    expect(resolvePipelineSettings({ inputBucketName: 'logs', inputBucketKey: key }, context({ 'logsieve:inputBucketKeyArn': 'not an arn' })).inputBucketKeyArn).toBeUndefined();
  });

  const cases: [string, LogProcessingPipelineProps, Record<string, unknown>, string, RegExp][] = [
    ['a timeout over 15 minutes', { timeout: Duration.minutes(16) }, {}, 'timeout', /integer from 1 to 900, got 960/],
    ['memory below 128 MB', {}, { 'logsieve:memorySize': 64 }, 'memorySize', /from 128 to 10240, got 64/],
    ['a non-numeric context value', {}, { 'logsieve:maxConcurrency': 'lots' }, 'maxConcurrency', /from 2 to 1000, got "lots"/],
    ['maxConcurrency 1 (SQS minimum is 2)', { maxConcurrency: 1 }, {}, 'maxConcurrency', /from 2 to 1000, got 1/],
    ['a batch over 10 without a window', { batchSize: 100 }, {}, 'batchSize', /maxBatchingWindowSeconds of at least 1/],
    ['a visibility timeout under 6 × timeout', { visibilityTimeoutSeconds: 600 }, {}, 'visibilityTimeoutSeconds', /at least 6 × timeout \+ maxBatchingWindowSeconds = 1800 s, got 600/],
    ['a retention CloudWatch does not offer', { logRetentionDays: 10 }, {}, 'logRetentionDays', /CloudWatch Logs retention .*got 10/],
    ['a bad bucket name', { inputBucketName: 'My_Bucket' }, {}, 'inputBucketName', /S3 bucket name.*"My_Bucket"/],
    ['a prefix starting with "/"', { outputPrefix: '/out/' }, {}, 'outputPrefix', /must not start with "\/"/],
    ['a wildcard in a prefix', { inputPrefix: 'logs/*' }, {}, 'inputPrefix', /literal key prefix/],
    ['overlapping suffixes', { inputSuffixes: ['.gz', '.log.gz'] }, {}, 'inputSuffixes', /".log.gz" ends with ".gz"/],
    ['an empty suffix', { inputSuffixes: [''] }, {}, 'inputSuffixes', /literal key suffixes/],
    ['a non-boolean flag', {}, { 'logsieve:forceReprocess': 'yes please' }, 'forceReprocess', /true or false, got "yes please"/],
    ['a topic that is not an ARN', { alarmTopicArn: 'ops-alerts' }, {}, 'alarmTopicArn', /SNS topic ARN/],
    ['unparsable rules', { rules: '{minLevel: warn}' }, {}, 'rules', /unparsable/],
    ['rules the handler rejects', { rules: { minLevel: 'loud' } }, {}, 'rules', /not a valid rules document.*minLevel/],
    ['rules too big for the Lambda environment', { rules: { exclude: Array.from({ length: 400 }, (_, i) => `noise-${i}`) } }, {}, 'rules', /must fit in 3072 bytes/],
    ['handler concurrency over 32', { handlerConcurrency: 64 }, {}, 'handlerConcurrency', /from 1 to 32, got 64/],
    ['maxLineBytes under 1 KiB', { maxLineBytes: 100 }, {}, 'maxLineBytes', /from 1024 to 67108864, got 100/],
    ['an unknown long-line policy', { longLines: 'wrap' as 'skip' }, {}, 'longLines', /"truncate" or "skip", got "wrap"/],
    ['both an output bucket and outputToInputBucket', { outputToInputBucket: true, outputBucketName: 'results' }, {}, 'outputToInputBucket', /must not be set as well/],
    ['expiring outputs in an imported bucket', { outputBucketName: 'results', outputExpirationDays: 30 }, {}, 'outputExpirationDays', /output bucket is imported/],
    ['input keys under the output prefix', { outputToInputBucket: true, inputPrefix: 'logsieve/raw/' }, {}, 'inputPrefix', /lies under outputPrefix "logsieve\/".*nothing would be processed/],
    ['outputs under the input prefix (whole bucket)', { outputToInputBucket: true }, {}, 'outputPrefix', /lies under inputPrefix "".*every output object would notify the queue/],
    ['an alias ARN as input key', { inputBucketName: 'logs', inputBucketKeyArn: 'arn:aws:kms:eu-west-1:123456789012:alias/logs' }, {}, 'inputBucketKeyArn', /expected a key ARN, got the alias ARN.*describe-key/],
    ['a bare key id', { inputBucketName: 'logs' }, { 'logsieve:inputBucketKeyArn': '1234abcd-12ab-34cd-56ef-1234567890ab' }, 'inputBucketKeyArn', /KMS key ARN \(arn:aws:kms:<region>:<account>:key\/<key id>\), got "1234abcd/],
    ['an ARN of another service as output key', { outputBucketName: 'results', outputBucketKeyArn: 'arn:aws:s3:::results' }, {}, 'outputBucketKeyArn', /KMS key ARN/],
    ['a non-string key ARN', { inputBucketName: 'logs' }, { 'logsieve:inputBucketKeyArn': 42 }, 'inputBucketKeyArn', /expected a string, got 42/],
    ['an input key for the bucket the stack creates', { inputBucketKeyArn: KEY }, {}, 'inputBucketKeyArn', /needs an existing input bucket.*SSE-S3/],
    ['an output key for the bucket the stack creates', { inputBucketName: 'logs', outputBucketKeyArn: KEY }, {}, 'outputBucketKeyArn', /needs an existing output bucket/],
    ['an output key with outputToInputBucket', { inputBucketName: 'logs', inputPrefix: 'a/', outputToInputBucket: true, outputBucketKeyArn: KEY }, {}, 'outputBucketKeyArn', /inputBucketKey\/inputBucketKeyArn covers them/],
    ['outputs under the input prefix (named buckets)', { inputBucketName: 'logs', outputBucketName: 'logs', inputPrefix: 'a/', outputPrefix: 'a/out/' }, {}, 'outputPrefix', /lies under inputPrefix "a\/"/],
  ];
  for (const [what, props, ctx, setting, message] of cases) {
    it(`rejects ${what}, naming ${setting}`, () => {
      const err = failure(props, ctx);
      expect(err.setting).toBe(setting);
      expect(err.message).toContain(`logsieve setting "${setting}"`);
      expect(err.message).toMatch(message);
    });
  }

  it('lets allowOutputUnderInputPrefix accept outputs inside the input prefix', () => {
    expect(resolvePipelineSettings({ outputToInputBucket: true, allowOutputUnderInputPrefix: true }, noContext).outputPrefix).toBe('logsieve/');
  });
});
