import type { ErrorClass, Level, LogFormat, RedactionKind } from './types.js';

/** Schema identifier written in every error record. */
export const ERROR_RECORD_SCHEMA = 'logsieve.error/1';

/** Numeric rank of each level; `any` ranks below all of them. */
export const LEVEL_RANK = {
  any: 0,
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
} as const;

export const LEVELS: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export const LOG_FORMATS: readonly LogFormat[] = [
  'json', 'logfmt', 'syslog', 'text', 'access', 'alb', 'elb', 'cloudfront', 's3-access', 'vpc-flow',
  'waf', 'cloudtrail', 'cloudwatch-logs', 'unknown',
];

export const ERROR_CLASSES: readonly ErrorClass[] = [
  'none', 'level', 'exception', 'http-5xx', 'http-4xx', 'elb-error', 'edge-error', 'aws-error-code',
  'console-login-failure', 'waf-block', 'waf-challenge', 'vpc-reject', 'vpc-nodata', 'vpc-skipdata',
  'pattern',
];

/** Classes that are counted but only become records when the rules list them. */
export const OPT_IN_CLASSES: readonly ErrorClass[] = ['vpc-reject', 'vpc-nodata', 'vpc-skipdata'];

export const REDACTION_KINDS: readonly RedactionKind[] = [
  'aws-access-key-id', 'secret-value', 'bearer-token', 'authorization-header', 'url-password', 'private-key',
  'session-cookie', 'card-number',
];

export const DEFAULTS = {
  minLevel: 'error',
  multilineMaxLines: 200,
  multilineMaxBytes: 65_536,
  maxRawBytes: 8_192,
  maxMessageChars: 1_024,
  topGroups: 20,
  keptGroups: 200,
} as const;

/** Bound of the errors-per-minute histogram: one week of minutes. */
export const HISTOGRAM_MAX_BUCKETS = 10_080;

/**
 * Deepest JSON nesting read (512 levels): a JSON line nested deeper is a parse failure kept as
 * text; in CloudTrail documents and CloudWatch Logs envelopes a deeper value is replaced by `null`
 * and counted (`parseFailures`; `cloudWatchLogs.deepValues`). Real logs nest a few levels; 10 000
 * would overflow the stack of the recursive walks, and the streaming parser's stack grows with it.
 */
export const MAX_JSON_DEPTH = 512;

/** Lines `detectFormat` looks at. */
export const DETECT_LINES = 20;

/** A level name as written in logs (any case handled by the caller) to its level. */
export const LEVEL_NAMES: Readonly<Record<string, Level>> = {
  trace: 'trace', verbose: 'trace', finest: 'trace', finer: 'trace',
  debug: 'debug', dbg: 'debug', fine: 'debug',
  info: 'info', information: 'info', informational: 'info', notice: 'info', config: 'info', log: 'info',
  warn: 'warn', warning: 'warn',
  error: 'error', err: 'error', severe: 'error',
  crit: 'fatal', critical: 'fatal', fatal: 'fatal', panic: 'fatal', emerg: 'fatal', emergency: 'fatal',
  alert: 'fatal', dpanic: 'fatal',
};

/** syslog severity (PRI % 8) to level: 0–2 fatal, 3 error, 4 warning, 5–6 info, 7 debug. */
export const SYSLOG_SEVERITY: readonly Level[] = ['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug'];
