import type { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';

/**
 * Props of {@link LogProcessingPipeline}. Every prop is optional; a prop wins over the matching
 * `logsieve:<name>` context key, which wins over the default in PIPELINE_DEFAULTS.
 */
export interface LogProcessingPipelineProps {
  /** Existing bucket to read logs from. Default: `inputBucketName`, else a new bucket. */
  readonly inputBucket?: IBucket;
  /** Name of an existing input bucket (imported; its notification is set by CDK's custom resource). */
  readonly inputBucketName?: string;
  /**
   * KMS key of an existing input bucket encrypted with SSE-KMS: the function gets kms:Decrypt on it,
   * only through S3 and only for this bucket. Default: `inputBucketKeyArn`, else `inputBucket.encryptionKey`,
   * else none (SSE-S3 and the AWS managed key aws/s3 need no grant).
   */
  readonly inputBucketKey?: IKey;
  /** ARN of the input bucket's KMS key: `arn:aws:kms:<region>:<account>:key/<key id>` (a key ARN; alias ARNs are refused). */
  readonly inputBucketKeyArn?: string;
  /** Only keys under this prefix notify the queue. Default '' (whole bucket). */
  readonly inputPrefix?: string;
  /** Only keys ending in one of these notify (one notification each). Default [] (any key). */
  readonly inputSuffixes?: readonly string[];
  /** Existing bucket to write outputs to. Default: `outputBucketName`, else a new bucket. */
  readonly outputBucket?: IBucket;
  /** Name of an existing output bucket. */
  readonly outputBucketName?: string;
  /**
   * KMS key of an existing output bucket whose default encryption is SSE-KMS: the function gets
   * kms:GenerateDataKey and kms:Decrypt on it, only through S3 and only for this bucket. Default:
   * `outputBucketKeyArn`, else the input key when outputs go to the input bucket, else
   * `outputBucket.encryptionKey`, else none.
   */
  readonly outputBucketKey?: IKey;
  /** ARN of the output bucket's KMS key (a key ARN, as for `inputBucketKeyArn`). */
  readonly outputBucketKeyArn?: string;
  /** Write outputs under `outputPrefix` in the input bucket instead of a separate bucket. Default false. */
  readonly outputToInputBucket?: boolean;
  /** Prefix of every output key; ends with '/'. Default 'logsieve/'. */
  readonly outputPrefix?: string;
  /** Expire outputs after this many days (lifecycle rule on the output prefix). Default: never. Needs a bucket this stack creates. */
  readonly outputExpirationDays?: number;
  /** Function memory in MB, 128–10240. Default 1769 (one full vCPU). */
  readonly memorySize?: number;
  /** Function timeout, 1 s–15 min. Default 5 minutes. */
  readonly timeout?: Duration;
  /** Messages per invocation, 1–10000 (over 10 needs a batching window). Default 10. */
  readonly batchSize?: number;
  /** Seconds to gather a batch, 0–300. Default 0. */
  readonly maxBatchingWindowSeconds?: number;
  /** Concurrent invocations driven by the event source, 2–1000. Default 10. */
  readonly maxConcurrency?: number;
  /** Receives before a message goes to the DLQ, 1–1000. Default 3. */
  readonly maxReceiveCount?: number;
  /** Queue visibility timeout in seconds; at least 6 × timeout + batching window. Default exactly that. */
  readonly visibilityTimeoutSeconds?: number;
  /** Function log retention in days (a CloudWatch Logs retention value). Default 30. */
  readonly logRetentionDays?: number;
  /** Topic the alarms notify (alarm and OK). Default: `alarmTopicArn`, else no actions. */
  readonly alarmTopic?: ITopic;
  /** ARN of an existing topic for the alarms. */
  readonly alarmTopicArn?: string;
  /** Oldest-message age that raises the backlog alarm, seconds. Default 900. */
  readonly oldestMessageAgeAlarmSeconds?: number;
  /** Function errors in 5 minutes that raise the errors alarm. Default 1. */
  readonly functionErrorsAlarmThreshold?: number;
  /** `LOGSIEVE_MAX_LINE_BYTES`, 1024–67108864. Default: unset (handler default 1 MiB). */
  readonly maxLineBytes?: number;
  /** `LOGSIEVE_LONG_LINES`: 'truncate' or 'skip'. Default: unset (handler default truncate). */
  readonly longLines?: 'truncate' | 'skip';
  /** `LOGSIEVE_CONCURRENCY`: objects processed at once per invocation, 1–32. Default: unset (handler default 4). */
  readonly handlerConcurrency?: number;
  /** `LOGSIEVE_RULES`: rules document (object or JSON string), checked with the handler's parseRules. Default: unset. */
  readonly rules?: unknown;
  /** `LOGSIEVE_FORCE_REPROCESS`. Default false. */
  readonly forceReprocess?: boolean;
  /** Log S3 server access for the buckets this construct creates into a new access-log bucket. Default true. */
  readonly serverAccessLogs?: boolean;
  /**
   * Same bucket only: accept an output prefix inside the input prefix (e.g. input prefix '').
   * Every output then notifies the queue and the handler drops it: no loop, but one wasted receive
   * per output object. Default false (synth fails instead).
   */
  readonly allowOutputUnderInputPrefix?: boolean;
  /**
   * Lambda entry file, bundled with esbuild at synth. Default 'functions/handlers/processLog.ts' at
   * the repository root when it exists, else (an installed package) the pre-built dist/function bundle.
   */
  readonly entry?: string;
  /**
   * How often the scheduled function writes the dirty hourly and daily rollups (an EventBridge
   * schedule), 5 minutes to 1 day, or 'off' (no rollup function; the processing function stops
   * marking hours: `LOGSIEVE_ROLLUPS=false`). Context `logsieve:rollupScheduleMinutes` (0 = off). Default 1 hour.
   */
  readonly rollupSchedule?: Duration | 'off';
  /** Topic the `Error groups changed` events are routed to (an EventBridge rule), e.g. for e-mail. Default: `changesTopicArn`, else none. */
  readonly changesTopic?: ITopic;
  /** ARN of an existing topic for the `Error groups changed` events; its policy must let events.amazonaws.com publish. */
  readonly changesTopicArn?: string;
  /**
   * Adds the backfill state machine (Step Functions Distributed Map over the manifest pages that
   * `logsieve backfill --on-aws` writes) and its function. `true` takes the defaults. Default:
   * `logsieve:backfill` context, else none.
   */
  readonly backfill?: boolean | BackfillProps;
}

/** Settings of the backfill state machine. */
export interface BackfillProps {
  /** Items processed at once (Distributed Map MaxConcurrency), 1–10000. Default 10. */
  readonly maxConcurrency?: number;
  /** Percentage of failed items the map tolerates before it stops, 0–100. Default 0. */
  readonly toleratedFailurePercentage?: number;
}

/** Resolved backfill settings. */
export interface BackfillSettings {
  maxConcurrency: number;
  toleratedFailurePercentage: number;
}

/** Fully resolved, validated settings (no construct objects). */
export interface PipelineSettings {
  inputBucketName: string | undefined;
  /** Undefined when `inputBucketKey` (a construct) or no key is given. */
  inputBucketKeyArn: string | undefined;
  inputPrefix: string;
  inputSuffixes: string[];
  outputBucketName: string | undefined;
  /** Undefined when `outputBucketKey` (a construct) or no key is given. */
  outputBucketKeyArn: string | undefined;
  outputToInputBucket: boolean;
  outputPrefix: string;
  outputExpirationDays: number | undefined;
  memorySize: number;
  timeoutSeconds: number;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  maxConcurrency: number;
  maxReceiveCount: number;
  visibilityTimeoutSeconds: number;
  logRetentionDays: number;
  alarmTopicArn: string | undefined;
  oldestMessageAgeAlarmSeconds: number;
  functionErrorsAlarmThreshold: number;
  maxLineBytes: number | undefined;
  longLines: 'truncate' | 'skip' | undefined;
  handlerConcurrency: number | undefined;
  /** Canonical JSON of the rules, or undefined. */
  rulesJson: string | undefined;
  forceReprocess: boolean;
  serverAccessLogs: boolean;
  allowOutputUnderInputPrefix: boolean;
  /** Minutes between rollup runs; 0 when rollups are off. */
  rollupScheduleMinutes: number;
  changesTopicArn: string | undefined;
}
