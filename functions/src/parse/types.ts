import type { Line } from '../stream/types.js';
import type { GroupRef, TemplateGrouper } from './TemplateGrouper.js';

/**
 * Log formats the parse stage recognises. `unknown` falls back to generic level detection.
 * `cloudtrail` is also the route of `{"Records":[…]}` documents (`cloudTrailRecords`);
 * `cloudwatch-logs` is only a route, for CloudWatch Logs subscription envelopes
 * (`cloudWatchLogsEvents`), whose messages then get a line format of their own.
 */
export type LogFormat =
  | 'json'
  | 'logfmt'
  | 'syslog'
  | 'text'
  | 'access'
  | 'alb'
  | 'elb'
  | 'cloudfront'
  | 's3-access'
  | 'vpc-flow'
  | 'waf'
  | 'cloudtrail'
  | 'cloudwatch-logs'
  | 'unknown';

/** Normalised severity, lowest to highest. */
export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** `minLevel` also accepts `any`: every event becomes a record, even one with no level at all. */
export type MinLevel = Level | 'any';

/**
 * Why a line was classified the way it was. `none` means no signal was found.
 * `vpc-reject`, `vpc-nodata` and `vpc-skipdata` are counted but only become records when listed in
 * `Rules.errorClasses`.
 */
export type ErrorClass =
  | 'none'
  | 'level'
  | 'exception'
  | 'http-5xx'
  | 'http-4xx'
  | 'elb-error'
  | 'edge-error'
  | 'aws-error-code'
  | 'console-login-failure'
  | 'waf-block'
  | 'waf-challenge'
  | 'vpc-reject'
  | 'vpc-nodata'
  | 'vpc-skipdata'
  | 'pattern';

/** Kinds of secret the redactor replaces. */
export type RedactionKind =
  | 'aws-access-key-id'
  | 'secret-value'
  | 'bearer-token'
  | 'authorization-header'
  | 'url-password'
  | 'private-key'
  | 'session-cookie'
  | 'card-number';

/** The S3 object a record came from. */
export interface SourceRef {
  bucket: string;
  key: string;
  versionId?: string;
  etag?: string;
}

/** A scalar field extracted from the line (HTTP status, AWS error code, request id…). */
export type FieldValue = string | number | boolean | null;

/**
 * One error record, written as one NDJSON line. Schema version {@link ERROR_RECORD_SCHEMA}; see
 * `functions/src/parse/README.md` for the field-by-field description.
 */
export interface ErrorRecord {
  /** Schema identifier, `logsieve.error/1`. Bumped on any incompatible change. */
  schema: string;
  source: SourceRef;
  /** 1-based number of the line that started the event. */
  firstLine: number;
  /** 1-based number of the last line joined into the event (same as firstLine for one-line events). */
  lastLine: number;
  /** Uncompressed byte offset of the start of the event. */
  byteOffset: number;
  /** ISO 8601 (UTC) when the line carried a timestamp the format parser understood, else null. */
  timestamp: string | null;
  /** `none` only appears with `minLevel: "any"`, for events that carry no level. */
  level: Level | 'none';
  class: ErrorClass;
  format: LogFormat;
  /** Human-readable message (redacted), at most `maxMessageChars` characters. */
  message: string;
  /** Stable 16-hex-digit id of the group: a hash of the masked message and class. */
  groupId: string;
  /** Structured fields the format parser found (status, errorCode, errorType, requestId…). */
  fields: Record<string, FieldValue>;
  /** The event's original text (redacted), lines joined with `\n`, capped at `maxRawBytes`. */
  raw: string;
  /** True when `raw` was cut, or the event hit its multi-line bound, or the line stage truncated it. */
  truncated: boolean;
}

/** Multi-line joining settings. */
export interface MultilineRules {
  /** Join continuation lines (stack frames, `Caused by:`, indented JSON) to their event. Default true. */
  enabled: boolean;
  /** Most lines kept in one event; further continuation lines are swallowed and the cut counted. Default 200. */
  maxLines: number;
  /** Most bytes of text kept in one event. Default 65 536. */
  maxBytes: number;
}

/** Redaction settings. */
export interface RedactionRules {
  /** Default true. */
  enabled: boolean;
  /** Kinds to redact; default all. */
  kinds: RedactionKind[];
}

/**
 * A compiled user pattern of the rules: case-insensitive, linear in the text it tests
 * (`compilePattern`). `engine` says which: `v8` (a pattern without quantifiers) or `re2`.
 */
export interface UserPattern {
  readonly source: string;
  readonly engine: 'v8' | 're2';
  test(text: string): boolean;
}

/** Validated rules, as returned by `parseRules`. */
export interface Rules {
  /** When not empty, a record is kept only if its raw text matches one of these. */
  include: UserPattern[];
  /** A record whose raw text matches one of these is dropped (counted in `excluded`). */
  exclude: UserPattern[];
  /** Lowest level that becomes a record. Default `error`. */
  minLevel: MinLevel;
  /** Extra patterns: a line matching one is an error of class `pattern`. Costs one regex test per line. */
  errorPatterns: UserPattern[];
  /** Classes that can become records. Default: all except the `vpc-*` classes. */
  errorClasses: ErrorClass[];
  multiline: MultilineRules;
  redaction: RedactionRules;
  /** Cap on `raw`, in UTF-8 bytes. Default 8 192. */
  maxRawBytes: number;
  /** Cap on `message`, in characters. Default 1 024. */
  maxMessageChars: number;
  /** Groups listed in the summary's `topGroups`. Default 20. */
  topGroups: number;
  /** Groups kept (the heavy-hitters table, the summary's `groups`); at least `topGroups`. Default 200. */
  keptGroups: number;
}

/** Counters of the parse stage. Read them after (or during) iteration. */
export interface ParseStats {
  /** Format used (detected from the first lines unless given). */
  format: LogFormat;
  /** Lines seen (header lines included). */
  lines: number;
  /** Lines recognised as headers or comments (`#Fields`, VPC header) and skipped. */
  headerLines: number;
  /** Events (a start line plus its continuation lines). */
  events: number;
  /** Records emitted. */
  records: number;
  /**
   * Events per detected level. `none` counts events whose level was not looked at because the
   * pre-filter ruled them out, or that carry no level.
   */
  levels: Record<Level | 'none', number>;
  /** Events per class (only classes seen appear). */
  classes: Partial<Record<ErrorClass, number>>;
  /**
   * Candidate lines whose structured parse failed (invalid JSON, short access-log line…), kept as
   * text; lines of a field-positional format (access, ALB/ELB, CloudFront, S3 access, VPC flow)
   * whose fields do not fit it; records whose building threw (kept as text when that works).
   */
  parseFailures: number;
  /** The first parse failure: its line (the event's index for CloudTrail) and why. */
  firstParseFailure: { line: number; reason: string } | null;
  /**
   * Lines that did not fit the detected format (see `LineParser.misfit`) and were classified by
   * the generic classifier: JSON for a `{…}` line, text otherwise.
   */
  fallbackLines: number;
  /** Secrets replaced, in total and per kind. */
  redactions: number;
  redactionsByKind: Partial<Record<RedactionKind, number>>;
  /** Events that hit the multi-line bound (lines or bytes). */
  multilineCuts: number;
  /** Records dropped by `include`/`exclude`. */
  excluded: number;
  /** Earliest and latest record timestamp (ISO 8601), null before any. */
  timeRange: { min: string | null; max: string | null };
  /** Records per UTC minute, keyed `YYYY-MM-DDTHH:MM`. At most `HISTOGRAM_MAX_BUCKETS` keys. */
  errorsPerMinute: Record<string, number>;
  /** Records whose minute did not fit in the histogram bound. */
  histogramOverflow: number;
  /** Records whose timestamp had no year (syslog RFC 3164) and took it from `referenceTime`. */
  yearsInferred: number;
}

/** Counters of `cloudWatchLogsEvents`. Read them after (or during) iteration. */
export interface CloudWatchLogsStats {
  /** Envelopes read, data and control. */
  envelopes: number;
  /** `CONTROL_MESSAGE` envelopes (the destination's connectivity checks), skipped with their events. */
  controlMessages: number;
  /** Log events of data envelopes whose message was turned into lines. */
  logEvents: number;
  /** Log events that were not an object with a string `message`; skipped. */
  invalidEvents: number;
  /** Values nested deeper than `MAX_JSON_DEPTH` (512) levels, replaced by `null` before they were read. */
  deepValues: number;
}

/** One group of similar records. */
export interface ErrorGroup {
  groupId: string;
  /** The group's final template: masked, then learned (positions that varied are `<*>`). */
  template: string;
  class: ErrorClass;
  level: Level | 'none';
  /** Records counted; the true number lies in [count - countError, count]. */
  count: number;
  /** Space-Saving's overestimate: records of groups whose counter this one took over. 0 when exact. */
  countError: number;
  firstSeen: { line: number; timestamp: string | null; key: string };
  lastSeen: { line: number; timestamp: string | null; key: string };
  /** The first record of the group (since its counter was taken, when `countError` > 0). */
  sample: ErrorRecord;
  /** Other ids records of this group carried (earlier templates, groups whose counter it took over). */
  aliases: string[];
}

/** What the `records` stage hands each record to, with the group the record was given. */
export interface GroupSink {
  add(record: ErrorRecord, group: GroupRef): void;
}

/** Options of the `records` stage. */
export interface RecordOptions {
  /** Object the lines come from; copied into every record. */
  source: SourceRef;
  /** Format to use; detected from the first lines of the first batch when absent. */
  format?: LogFormat;
  /** Validated rules (see `parseRules`); defaults when absent. */
  rules?: Rules;
  /** Counters to fill; create with `createParseStats()` to read them afterwards. */
  stats?: ParseStats;
  /** Accumulator every record is added to (an `ErrorGroups`); pass one to read the top groups afterwards. */
  groups?: GroupSink;
  /** Masking and learned templates that give each record its group; a new one per call when absent. */
  grouper?: TemplateGrouper;
  /** Stops iteration with the signal's reason. */
  signal?: AbortSignal;
  /** When the object was written (S3 LastModified, a file's mtime): the year of year-less stamps. */
  referenceTime?: Date;
  /** Stopping at an event boundary, and the header lines a continued read needs (a continuable analysis). */
  boundary?: EventBoundary;
}

/** How `records` stops at an event boundary, for an analysis continued by another invocation. */
export interface EventBoundary {
  /** Once true, `records` ends before the next line that starts an event (batches are one line each then). */
  readonly searching: boolean;
  /** Called with that line, after the events before it were emitted; nothing after it was read. */
  found(line: Line): void;
  /** Called with each header line (CloudFront, VPC flow `#Fields`), which sets the parser's field order. */
  header?(text: string): void;
  /** Header lines to give the parser before the first line (a continued read). */
  readonly replay?: readonly string[];
}

/** What a format classifier says about one line; `null` means "not interesting" (no allocation). */
export interface Verdict {
  level: Level | null;
  class: ErrorClass;
}

/** Everything a classifier extracted from a candidate line. */
export interface ParsedLine {
  level: Level | null;
  class: ErrorClass;
  timestamp: string | null;
  message: string;
  fields: Record<string, FieldValue>;
  /** Group template built from structured fields (access logs); when absent the message is masked. */
  template?: string;
  /** The structured parse failed; the line is treated as text. */
  failed?: boolean;
  /** With `failed`: why (`invalid JSON`, `JSON nested deeper than 512 levels`, `field 10 is not a status`…). */
  failure?: string;
  /** The timestamp had no year; it was inferred from the parser's `referenceTime`. */
  yearInferred?: boolean;
}

/** Options of `createLineParser`. */
export interface LineParserOptions {
  /**
   * When the object was written (its LastModified), epoch ms: the year of stamps that have none
   * (syslog RFC 3164). Without it those timestamps are null.
   */
  referenceTime?: number;
}

/**
 * A per-object parser of one format. `scan` is the hot path: it runs on every line, must not
 * allocate for ordinary lines, returns the level rank found (0 when none, see `LEVEL_RANK`) and
 * leaves the class in `cls`. `parse` runs only on lines that become records.
 */
export interface LineParser {
  readonly format: LogFormat;
  /** Whether multi-line events exist in this format (stack traces in text logs). */
  readonly multiline: boolean;
  /** Class of the line last scanned. */
  cls: ErrorClass;
  /**
   * Set by `scan` when the line does not have this format's shape (a text line among JSON lines, a
   * JSON object among text lines, an ALB line with a field missing); `records` then classifies it
   * with the generic classifier (JSON for a `{…}` line, else text) and counts it in `fallbackLines`.
   * Absent means the line fits.
   */
  misfit?: boolean;
  /** True for a header or comment line (`#Fields:`, VPC header); the parser may learn the layout from it. */
  isHeader(text: string): boolean;
  scan(text: string): number;
  parse(text: string): ParsedLine;
}
