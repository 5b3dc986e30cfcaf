import { BACKFILL_BUNDLE, FUNCTION_BUNDLE, ROLLUP_WRITER_BUNDLE } from './functionBundle.js';

/**
 * House defaults of the log-processing pipeline. Every one can be changed through construct props
 * or `cdk.json` context (see {@link PIPELINE_CONTEXT_KEYS}); README.md carries the table.
 */
export const PIPELINE_DEFAULTS = {
  /** Repository-relative Lambda entry point (TypeScript, bundled at synth when present). */
  entry: FUNCTION_BUNDLE.entry,
  /** '' = every key in the input bucket. */
  inputPrefix: '',
  /** Empty = any suffix; one notification per suffix otherwise. */
  inputSuffixes: [] as readonly string[],
  outputPrefix: 'logsieve/',
  outputToInputBucket: false,
  /**
   * 1769 MB is exactly one full vCPU on Lambda. Decompressing and matching lines is one JS thread
   * plus zlib on the libuv pool: below 1769 MB the function gets a fraction of a core and throughput
   * falls linearly; above it the second core is mostly idle.
   */
  memorySize: 1769,
  /**
   * Five minutes streams several GB per object at the tens of MB/s one core sustains, while keeping
   * the queue's visibility timeout (6 × timeout) at 30 minutes so a crashed batch comes back soon.
   */
  timeoutSeconds: 300,
  /** Messages (one S3 notification, usually one object each) per invocation. */
  batchSize: 10,
  maxBatchingWindowSeconds: 0,
  /** Concurrent invocations the SQS event source may drive (2–1000). */
  maxConcurrency: 10,
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: 3,
  /** AWS guidance: at least 6 × the function timeout (+ the batching window). */
  visibilityTimeoutFactor: 6,
  queueRetentionDays: 4,
  deadLetterRetentionDays: 14,
  logRetentionDays: 30,
  /** Age of the oldest queued message that raises the backlog alarm. */
  oldestMessageAgeAlarmSeconds: 900,
  /** Function errors (invocations that threw) in 5 minutes that raise the errors alarm. */
  functionErrorsAlarmThreshold: 1,
  /** Days before incomplete multipart uploads under the output prefix are aborted. */
  abortIncompleteUploadDays: 7,
  serverAccessLogs: true,
  accessLogsRetentionDays: 90,
  serviceName: 'logsieve',
  metricsNamespace: 'Logsieve',
  allowOutputUnderInputPrefix: false,
  /** Repository-relative entry of the scheduled rollup writer. */
  rollupEntry: ROLLUP_WRITER_BUNDLE.entry,
  /** Minutes between rollup runs (an EventBridge schedule). */
  rollupScheduleMinutes: 60,
  /** The rollup writer reads summaries and rollups, merges in bounded memory: 1 GB is ample. */
  rollupMemorySize: 1024,
  rollupTimeoutSeconds: 300,
} as const;

/** `cdk.json` context keys read by {@link resolvePipelineSettings}; CLI: `-c logsieve:memorySize=2048`. */
export const PIPELINE_CONTEXT_KEYS = [
  'inputBucketName',
  'inputBucketKeyArn',
  'inputPrefix',
  'inputSuffixes',
  'outputBucketName',
  'outputBucketKeyArn',
  'outputToInputBucket',
  'outputPrefix',
  'outputExpirationDays',
  'memorySize',
  'timeoutSeconds',
  'batchSize',
  'maxBatchingWindowSeconds',
  'maxConcurrency',
  'maxReceiveCount',
  'visibilityTimeoutSeconds',
  'logRetentionDays',
  'alarmTopicArn',
  'oldestMessageAgeAlarmSeconds',
  'functionErrorsAlarmThreshold',
  'maxLineBytes',
  'longLines',
  'handlerConcurrency',
  'rules',
  'forceReprocess',
  'serverAccessLogs',
  'allowOutputUnderInputPrefix',
  'rollupScheduleMinutes',
  'changesTopicArn',
] as const;

/** Prefix of every context key: `logsieve:inputPrefix`. */
export const CONTEXT_NAMESPACE = 'logsieve';

/** Lambda caps the whole environment at 4 KB; the rules get most of it. */
export const MAX_RULES_JSON_BYTES = 3072;

/**
 * Defaults and bounds of the backfill state machine (`backfill` prop, `logsieve:backfill*` context).
 */
export const BACKFILL_SETTINGS = {
  /** Repository-relative entry of the backfill function. */
  entry: BACKFILL_BUNDLE.entry,
  /**
   * Items (invocations) at once per Distributed Map run. 10, like the queue's maxConcurrency: the
   * account's Lambda concurrency (1 000 by default) is shared with every other function.
   */
  maxConcurrency: 10,
  /** Distributed Map allows up to 10 000 child executions at once. */
  maxConcurrencyBound: 10_000,
  /** Failed items tolerated before the map stops, percent. 0: any failed item stops the map (the report is still written). */
  toleratedFailurePercentage: 0,
} as const;

/** Context keys of the backfill: `-c logsieve:backfill=true -c logsieve:backfillMaxConcurrency=40`. */
export const BACKFILL_CONTEXT_KEYS = ['backfill', 'backfillMaxConcurrency', 'backfillToleratedFailurePercentage'] as const;
