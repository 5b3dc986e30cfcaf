import { Token } from 'aws-cdk-lib';
import type { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { parseRules } from '../../functions/src/parse/parseRules.js';
import { CONTEXT_NAMESPACE, MAX_RULES_JSON_BYTES, PIPELINE_CONTEXT_KEYS, PIPELINE_DEFAULTS } from './constants.js';
import { PipelineSettingsError } from './errors.js';
import type { LogProcessingPipelineProps, PipelineSettings } from './types.js';

type ContextKey = (typeof PIPELINE_CONTEXT_KEYS)[number];
/** Reads one context value, e.g. `(key) => scope.node.tryGetContext(key)`. */
export type ContextReader = (key: string) => unknown;

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
/** A single-Region key (UUID) or a multi-Region key (mrk- and 32 hex digits). */
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const ALIAS_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:alias\//;
const RETENTION_DAYS = new Set<number>(Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'));

/**
 * Merges construct props over `logsieve:*` context over the defaults, and validates the result.
 * Context values may be typed (cdk.json) or strings (`-c logsieve:batchSize=5`).
 *
 * @throws PipelineSettingsError naming the setting, what was expected and what came.
 * @example const settings = resolvePipelineSettings({ inputPrefix: 'logs/' }, (k) => app.node.tryGetContext(k));
 */
export function resolvePipelineSettings(props: LogProcessingPipelineProps, context: ContextReader): PipelineSettings {
  const pick = (key: ContextKey, prop: unknown): unknown => prop ?? context(`${CONTEXT_NAMESPACE}:${key}`);
  const D = PIPELINE_DEFAULTS;

  const { inputBucketName, outputBucketName, outputToInputBucket, inputBucketKeyArn, outputBucketKeyArn } = bucketSettings(props, pick);

  const inputPrefix = prefix('inputPrefix', pick('inputPrefix', props.inputPrefix), D.inputPrefix);
  const outputPrefix = prefix('outputPrefix', pick('outputPrefix', props.outputPrefix), D.outputPrefix);
  const inputSuffixes = suffixes(pick('inputSuffixes', props.inputSuffixes));

  const { timeoutSeconds, batchSize, maxBatchingWindowSeconds, visibilityTimeoutSeconds } = queueTiming(props, pick, context);

  const logRetentionDays = int('logRetentionDays', pick('logRetentionDays', props.logRetentionDays), D.logRetentionDays, 1, 9999);
  if (!RETENTION_DAYS.has(logRetentionDays)) {
    throw new PipelineSettingsError('logRetentionDays', `must be a CloudWatch Logs retention (${[...RETENTION_DAYS].join(', ')}), got ${logRetentionDays}`);
  }

  const alarmTopicArn = props.alarmTopic ? undefined : topicArn('alarmTopicArn', pick('alarmTopicArn', props.alarmTopicArn));
  const changesTopicArn = props.changesTopic ? undefined : topicArn('changesTopicArn', pick('changesTopicArn', props.changesTopicArn));

  const outputExpirationDays = optionalInt('outputExpirationDays', pick('outputExpirationDays', props.outputExpirationDays), 1, 3650);
  const outputBucketImported =
    outputToInputBucket ? Boolean(props.inputBucket) || inputBucketName !== undefined : Boolean(props.outputBucket) || outputBucketName !== undefined;
  if (outputExpirationDays !== undefined && outputBucketImported) {
    throw new PipelineSettingsError('outputExpirationDays', 'needs an output bucket this stack creates; the output bucket is imported, so set its lifecycle where it is defined');
  }

  const longLines = optionalString('longLines', pick('longLines', props.longLines));
  if (longLines !== undefined && longLines !== 'truncate' && longLines !== 'skip') {
    throw new PipelineSettingsError('longLines', `expected "truncate" or "skip", got "${longLines}"`);
  }

  const settings: PipelineSettings = {
    inputBucketName,
    inputBucketKeyArn,
    inputPrefix,
    inputSuffixes,
    outputBucketName,
    outputBucketKeyArn,
    outputToInputBucket,
    outputPrefix,
    outputExpirationDays,
    memorySize: int('memorySize', pick('memorySize', props.memorySize), D.memorySize, 128, 10_240),
    timeoutSeconds,
    batchSize,
    maxBatchingWindowSeconds,
    maxConcurrency: int('maxConcurrency', pick('maxConcurrency', props.maxConcurrency), D.maxConcurrency, 2, 1000),
    maxReceiveCount: int('maxReceiveCount', pick('maxReceiveCount', props.maxReceiveCount), D.maxReceiveCount, 1, 1000),
    visibilityTimeoutSeconds,
    logRetentionDays,
    alarmTopicArn,
    oldestMessageAgeAlarmSeconds: int('oldestMessageAgeAlarmSeconds', pick('oldestMessageAgeAlarmSeconds', props.oldestMessageAgeAlarmSeconds), D.oldestMessageAgeAlarmSeconds, 60, 1_209_600),
    functionErrorsAlarmThreshold: int('functionErrorsAlarmThreshold', pick('functionErrorsAlarmThreshold', props.functionErrorsAlarmThreshold), D.functionErrorsAlarmThreshold, 1, 1_000_000),
    maxLineBytes: optionalInt('maxLineBytes', pick('maxLineBytes', props.maxLineBytes), 1024, 64 * 1024 * 1024),
    longLines,
    handlerConcurrency: optionalInt('handlerConcurrency', pick('handlerConcurrency', props.handlerConcurrency), 1, 32),
    rulesJson: rules(pick('rules', props.rules)),
    forceReprocess: bool('forceReprocess', pick('forceReprocess', props.forceReprocess), false),
    serverAccessLogs: bool('serverAccessLogs', pick('serverAccessLogs', props.serverAccessLogs), D.serverAccessLogs),
    allowOutputUnderInputPrefix: bool('allowOutputUnderInputPrefix', pick('allowOutputUnderInputPrefix', props.allowOutputUnderInputPrefix), D.allowOutputUnderInputPrefix),
    rollupScheduleMinutes: rollupMinutes(props.rollupSchedule, context(`${CONTEXT_NAMESPACE}:rollupScheduleMinutes`)),
    changesTopicArn,
  };

  const sameBucket =
    outputToInputBucket ||
    (props.inputBucket !== undefined && props.inputBucket === props.outputBucket) ||
    (inputBucketName !== undefined && inputBucketName === outputBucketName);
  if (sameBucket) checkPrefixesDisjoint(settings);
  return settings;
}

type PickSetting = (key: ContextKey, prop: unknown) => unknown;

/** Bucket names, where the outputs go, and the KMS keys: each combination that cannot work is refused. */
function bucketSettings(props: LogProcessingPipelineProps, pick: PickSetting): Pick<PipelineSettings, 'inputBucketName' | 'outputBucketName' | 'outputToInputBucket' | 'inputBucketKeyArn' | 'outputBucketKeyArn'> {
  const D = PIPELINE_DEFAULTS;
  const inputBucketName = bucketName('inputBucketName', props.inputBucket ? undefined : pick('inputBucketName', props.inputBucketName));
  const outputBucketName = bucketName('outputBucketName', props.outputBucket ? undefined : pick('outputBucketName', props.outputBucketName));
  const outputToInputBucket = bool('outputToInputBucket', pick('outputToInputBucket', props.outputToInputBucket), D.outputToInputBucket);
  if (outputToInputBucket && (outputBucketName !== undefined || props.outputBucket)) {
    throw new PipelineSettingsError('outputToInputBucket', 'is true, so outputBucket/outputBucketName must not be set as well');
  }

  const inputBucketKeyArn = keyArn('inputBucketKeyArn', props.inputBucketKey ? undefined : pick('inputBucketKeyArn', props.inputBucketKeyArn));
  const outputBucketKeyArn = keyArn('outputBucketKeyArn', props.outputBucketKey ? undefined : pick('outputBucketKeyArn', props.outputBucketKeyArn));
  const inputBucketImported = Boolean(props.inputBucket) || inputBucketName !== undefined;
  if (!inputBucketImported && (props.inputBucketKey || inputBucketKeyArn !== undefined)) {
    throw new PipelineSettingsError(
      props.inputBucketKey ? 'inputBucketKey' : 'inputBucketKeyArn',
      'needs an existing input bucket (inputBucket or inputBucketName); the input bucket this stack creates uses SSE-S3 and needs no key',
    );
  }
  if (props.outputBucketKey || outputBucketKeyArn !== undefined) {
    const setting = props.outputBucketKey ? 'outputBucketKey' : 'outputBucketKeyArn';
    if (outputToInputBucket) {
      throw new PipelineSettingsError(setting, 'must not be set with outputToInputBucket: outputs go to the input bucket, so inputBucketKey/inputBucketKeyArn covers them');
    }
    if (!props.outputBucket && outputBucketName === undefined) {
      throw new PipelineSettingsError(setting, 'needs an existing output bucket (outputBucket or outputBucketName); the output bucket this stack creates uses SSE-S3 and needs no key');
    }
  }

  return { inputBucketName, outputBucketName, outputToInputBucket, inputBucketKeyArn, outputBucketKeyArn };
}

/** The function's timeout and the queue's batching and visibility, which must cover 6 invocations. */
function queueTiming(props: LogProcessingPipelineProps, pick: PickSetting, context: ContextReader): Pick<PipelineSettings, 'timeoutSeconds' | 'batchSize' | 'maxBatchingWindowSeconds' | 'visibilityTimeoutSeconds'> {
  const D = PIPELINE_DEFAULTS;
  const timeoutSeconds = int('timeout', props.timeout?.toSeconds() ?? context(`${CONTEXT_NAMESPACE}:timeoutSeconds`), D.timeoutSeconds, 1, 900);
  const batchSize = int('batchSize', pick('batchSize', props.batchSize), D.batchSize, 1, 10_000);
  const maxBatchingWindowSeconds = int('maxBatchingWindowSeconds', pick('maxBatchingWindowSeconds', props.maxBatchingWindowSeconds), D.maxBatchingWindowSeconds, 0, 300);
  if (batchSize > 10 && maxBatchingWindowSeconds === 0) {
    throw new PipelineSettingsError('batchSize', `above 10 needs maxBatchingWindowSeconds of at least 1 (SQS rule), got batchSize ${batchSize} with no window`);
  }
  const minVisibility = D.visibilityTimeoutFactor * timeoutSeconds + maxBatchingWindowSeconds;
  const visibilityTimeoutSeconds = int('visibilityTimeoutSeconds', pick('visibilityTimeoutSeconds', props.visibilityTimeoutSeconds), minVisibility, 0, 43_200);
  if (visibilityTimeoutSeconds < minVisibility) {
    throw new PipelineSettingsError(
      'visibilityTimeoutSeconds',
      `must be at least ${D.visibilityTimeoutFactor} × timeout + maxBatchingWindowSeconds = ${minVisibility} s, got ${visibilityTimeoutSeconds}`,
    );
  }

  return { timeoutSeconds, batchSize, maxBatchingWindowSeconds, visibilityTimeoutSeconds };
}

/** An SNS topic ARN setting, checked unless it is a token. */
function topicArn(setting: 'alarmTopicArn' | 'changesTopicArn', value: unknown): string | undefined {
  const arn = optionalString(setting, value);
  if (arn !== undefined && !Token.isUnresolved(arn) && !TOPIC_ARN.test(arn)) {
    throw new PipelineSettingsError(setting, `expected an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got "${arn}"`);
  }
  return arn;
}

/** Minutes between rollup runs: a Duration or 'off' prop, else context minutes (0 = off), else 60; 5 to 1440. */
function rollupMinutes(prop: Duration | 'off' | undefined, fromContext: unknown): number {
  if (prop === 'off') return 0;
  const minutes = prop !== undefined ? prop.toMinutes() : fromContext === undefined ? PIPELINE_DEFAULTS.rollupScheduleMinutes : Number(fromContext);
  if (minutes === 0 && prop === undefined) return 0;
  if (!Number.isInteger(minutes) || minutes < 5 || minutes > 1440) {
    throw new PipelineSettingsError('rollupSchedule', `expected whole minutes from 5 to 1440, or 'off' (context 0), got ${JSON.stringify(prop === undefined ? fromContext : minutes)}`);
  }
  return minutes;
}

/**
 * Outputs and inputs share a bucket: an output key must never match the notification filter
 * (each output would notify the queue), and input keys must not sit under the output prefix
 * (the handler skips those, so nothing would be processed).
 */
function checkPrefixesDisjoint(s: PipelineSettings): void {
  if (s.inputPrefix.startsWith(s.outputPrefix)) {
    throw new PipelineSettingsError(
      'inputPrefix',
      `"${s.inputPrefix}" lies under outputPrefix "${s.outputPrefix}" in the same bucket; the handler ignores keys under the output prefix, so nothing would be processed. Choose disjoint prefixes, e.g. inputPrefix "logs/" and outputPrefix "logsieve/"`,
    );
  }
  if (s.outputPrefix.startsWith(s.inputPrefix) && !s.allowOutputUnderInputPrefix) {
    throw new PipelineSettingsError(
      'outputPrefix',
      `"${s.outputPrefix}" lies under inputPrefix "${s.inputPrefix}" in the same bucket, so every output object would notify the queue. Choose disjoint prefixes (e.g. inputPrefix "logs/", outputPrefix "logsieve/"), or set allowOutputUnderInputPrefix to accept one dropped message per output`,
    );
  }
}

function describe(raw: unknown): string {
  return typeof raw === 'string' ? `"${raw}"` : JSON.stringify(raw) ?? String(raw);
}

function int(name: string, raw: unknown, fallback: number, min: number, max: number): number {
  return optionalInt(name, raw, min, max) ?? fallback;
}

function optionalInt(name: string, raw: unknown, min: number, max: number): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = typeof raw === 'string' ? Number(raw.trim()) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new PipelineSettingsError(name, `expected an integer from ${min} to ${max}, got ${describe(raw)}`);
  }
  return value;
}

function bool(name: string, raw: unknown, fallback: boolean): boolean {
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string' && ['true', 'false'].includes(raw.trim().toLowerCase())) return raw.trim().toLowerCase() === 'true';
  throw new PipelineSettingsError(name, `expected true or false, got ${describe(raw)}`);
}

function optionalString(name: string, raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') throw new PipelineSettingsError(name, `expected a string, got ${describe(raw)}`);
  return raw.trim();
}

function bucketName(name: string, raw: unknown): string | undefined {
  const value = optionalString(name, raw);
  if (value !== undefined && !Token.isUnresolved(value) && !BUCKET_NAME.test(value)) {
    throw new PipelineSettingsError(name, `expected an S3 bucket name (3–63 of a-z 0-9 . -), got "${value}"`);
  }
  return value;
}

/**
 * A KMS key ARN. IAM matches kms:Decrypt and kms:GenerateDataKey against the key's ARN, never an
 * alias ARN, so an alias would grant nothing.
 */
function keyArn(name: string, raw: unknown): string | undefined {
  const value = optionalString(name, raw);
  if (value === undefined || Token.isUnresolved(value) || KEY_ARN.test(value)) return value;
  if (ALIAS_ARN.test(value)) {
    throw new PipelineSettingsError(
      name,
      `expected a key ARN, got the alias ARN "${value}": IAM matches kms:Decrypt against the key ARN, so a grant on an alias allows nothing. Look the key up with \`aws kms describe-key --key-id alias/<name>\` and give its KeyMetadata.Arn`,
    );
  }
  throw new PipelineSettingsError(name, `expected a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>), got "${value}"`);
}

/** A key prefix: no leading '/', '' or ending in '/' (one is appended, as the handler does). */
function prefix(name: string, raw: unknown, fallback: string): string {
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== 'string') throw new PipelineSettingsError(name, `expected a string key prefix, got ${describe(raw)}`);
  if (raw.startsWith('/')) throw new PipelineSettingsError(name, `must not start with "/", got "${raw}"`);
  if (/[*?]/.test(raw)) throw new PipelineSettingsError(name, `is a literal key prefix, not a pattern; got "${raw}"`);
  return raw === '' || raw.endsWith('/') ? raw : `${raw}/`;
}

function suffixes(raw: unknown): string[] {
  if (raw === undefined || raw === null || raw === '') return [...PIPELINE_DEFAULTS.inputSuffixes];
  const list = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : raw;
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s === '' || /[*?]/.test(s))) {
    throw new PipelineSettingsError('inputSuffixes', `expected a list of literal key suffixes like [".log", ".gz"] (or ".log,.gz"), got ${describe(raw)}`);
  }
  const unique = new Set(list as string[]);
  if (unique.size !== list.length) throw new PipelineSettingsError('inputSuffixes', `lists a suffix twice: ${describe(raw)}`);
  // S3 rejects overlapping filters on one event type: '.gz' and 'log.gz' would both match 'x.log.gz'.
  for (const a of unique) {
    for (const b of unique) {
      if (a !== b && a.endsWith(b)) throw new PipelineSettingsError('inputSuffixes', `"${a}" ends with "${b}", and S3 rejects overlapping notification filters`);
    }
  }
  return [...unique];
}

function rules(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  let doc: unknown = raw;
  if (typeof raw === 'string') {
    try {
      doc = JSON.parse(raw);
    } catch (err) {
      throw new PipelineSettingsError('rules', `expected a JSON rules document, got unparsable text: ${(err as Error).message}`, { cause: err });
    }
  }
  try {
    parseRules(doc);
  } catch (err) {
    throw new PipelineSettingsError('rules', `is not a valid rules document: ${(err as Error).message}`, { cause: err });
  }
  const json = JSON.stringify(doc);
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_RULES_JSON_BYTES) {
    throw new PipelineSettingsError('rules', `must fit in ${MAX_RULES_JSON_BYTES} bytes of JSON (Lambda environment is 4 KB in all), got ${bytes}`);
  }
  return json;
}
