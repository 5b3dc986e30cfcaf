import type { CloudWatchLogsStats, ErrorClass, Level, LogFormat, RedactionKind } from '../parse/types.js';
import type { CompressionFormat } from '../stream/types.js';

/** Version of the summary JSON layout; bumped on any incompatible change. */
export const SUMMARY_SCHEMA = 'logsieve.summary/1';

/**
 * One group in the summary: records of one log statement, by masked and learned template.
 * `groupId` is the cross-object identity: a 64-bit hash of class and the group's final template,
 * so the same final template in another object has the same id.
 */
export interface SummaryGroup {
  groupId: string;
  /** The final template: masked, then learned (positions that varied in this object are `<*>`). */
  template: string;
  class: ErrorClass;
  level: Level | 'none';
  /** Records counted; the true number lies in [count - countError, count]. */
  count: number;
  /** The Space-Saving overestimate of `count`; 0 when the count is exact. */
  countError: number;
  /**
   * Other ids that records of this group carry: a record gets the id of its cluster's template when
   * it is written, before the template learned all its placeholders; also the ids of groups whose
   * counter this one took over (their records are within `countError`). Omitted when empty.
   */
  aliases?: string[];
  /** `key`: the object the record came from; set in merged summaries (rollups), absent in a per-object summary. */
  firstSeen: { line: number; timestamp: string | null; key?: string };
  lastSeen: { line: number; timestamp: string | null; key?: string };
  sample: { message: string; firstLine: number; timestamp: string | null };
}

/**
 * What `processObject` writes to `<outputPrefix>summaries/<source key>.json`, last, after every
 * error part: a summary that exists with `status: "complete"` means the outputs it lists are whole.
 */
export interface Summary {
  schema: typeof SUMMARY_SCHEMA;
  status: 'complete' | 'failed';
  /** Why the status is `failed` (corrupt or truncated input, unparseable document). */
  reason?: string;
  source: {
    bucket: string;
    key: string;
    versionId?: string;
    etag?: string;
    size?: number;
    compression?: CompressionFormat;
    /** Only for UTF-16 text (named by its byte order mark): `utf-16le` or `utf-16be`, re-encoded as UTF-8 to be read. */
    encoding?: 'utf-16le' | 'utf-16be';
    /** Detected format; `cloudwatch-logs` for CloudWatch Logs subscription envelopes. */
    format: LogFormat;
    /** With `format: "cloudwatch-logs"`: the format detected in the log events' messages. */
    messageFormat?: LogFormat;
  };
  counts: {
    lines: number;
    /** Bytes read from S3. */
    bytesIn: number;
    /** Bytes after decompression. */
    bytesOut: number;
    /** Events: a line plus the continuation lines joined to it. */
    events: number;
    /** Error records written (every class and level the rules keep). */
    records: number;
    /** Records of level error or fatal. */
    errors: number;
    /** Records of level warn. */
    warnings: number;
    /** Events per level; `none` holds events the pre-filter ruled out without reading a level. */
    levels: Record<Level | 'none', number>;
    classes: Partial<Record<ErrorClass, number>>;
    truncatedLines: number;
    skippedLines: number;
    invalidUtf8Lines: number;
    headerLines: number;
    redactions: number;
    redactionsByKind: Partial<Record<RedactionKind, number>>;
    parseFailures: number;
    /** Only when `parseFailures` > 0: the first one's line (event index for CloudTrail) and reason. */
    firstParseFailure?: { line: number; reason: string };
    /** Lines that did not fit the detected format, classified by the generic classifier (JSON for `{…}` lines, else text). */
    fallbackLines: number;
    multilineCuts: number;
    excluded: number;
    /**
     * Records the groups cannot name exactly: the sum of `countError` over the kept groups (records
     * counted in a group whose counter they took over from another). 0 when every count is exact.
     */
    ungroupedRecords: number;
    /** Records grouped by masked text alone because the 10 000-cluster bound of the learned step was reached. */
    unclusteredRecords: number;
    /** Ids records carried that the summary does not list, past the 10 000-alias bound. */
    unlistedGroupIds: number;
    /** With `format: "cloudwatch-logs"`: envelopes, control messages skipped, log events, invalid log events. */
    cloudWatchLogs?: CloudWatchLogsStats;
  };
  time: {
    /** Earliest and latest record timestamp, ISO 8601. */
    first: string | null;
    last: string | null;
    /** Records per UTC minute (`YYYY-MM-DDTHH:MM`). */
    errorsPerMinute: Record<string, number>;
    /** Records whose minute fell outside the histogram's bound. */
    histogramOverflow: number;
    /** Records whose timestamp had no year (syslog RFC 3164): the year is the one that puts it at most a day after the object's LastModified. */
    yearsInferred: number;
  };
  /** The first `topGroups` (rules, 20) of `groups`. */
  topGroups: SummaryGroup[];
  /**
   * Every kept group (at most rules `keptGroups`, 200), count descending then first seen. A group
   * with more than records / keptGroups records is always here; every id a record carries is a
   * `groupId` or an alias here (up to the alias bound, see `unlistedGroupIds`).
   */
  groups: SummaryGroup[];
  outputs: {
    summaryKey: string;
    reportKey: string;
    errorParts: Array<{ key: string; records: number; bytes: number; storedBytes: number }>;
  };
  processing: {
    /** When processing started: the first invocation's start for a continued object. */
    startedAt: string;
    /** Processing time, summed over the invocations (the time between them, in the queue, is not counted). */
    durationMs: number;
    /** Decompressed megabytes (10^6 bytes) per second. */
    mbPerSec: number;
    /** Peak resident memory of the process so far, MiB. */
    peakRssMiB: number;
    /** Lambda invocations spent on this object: 1, or more when it was continued past a deadline (README, "Continuation"). */
    invocations: number;
    /** GetObject bodies resumed with a Range request after a cut or a stall (at most 5 per object). */
    resumes: number;
  };
}

/** Version of the checkpoint JSON layout; a checkpoint of another version is not resumed (the object restarts). */
export const CHECKPOINT_SCHEMA = 'logsieve.checkpoint/1';

/**
 * What an invocation stopped at its deadline saves under `<outputPrefix>checkpoints/<source key>.json`
 * (see README, "Continuation"), and the next invocation resumes from. Written only with S3
 * conditional writes (If-None-Match: * to create, If-Match its ETag to replace), so that two
 * invocations never both move it on; deleted after the final summary.
 */
export interface Checkpoint<State = unknown> {
  schema: typeof CHECKPOINT_SCHEMA;
  /** The version being read: a resume reads it with If-Match on `etag` (or by `versionId`), else restarts from byte 0. */
  source: { bucket: string; key: string; etag?: string; versionId?: string; size?: number };
  /** Invocations that saved their work here (0: a claim or a restart, nothing read yet). */
  sequence: number;
  /** When it was written. Unclaimed for longer than one invocation's time, it is orphaned (its message was lost) and any message for the object may take it. */
  savedAt: string;
  /** The token of the continuation message sent for it: that message goes on; another one (stale, a duplicate of an older one) does not, unless it is orphaned. */
  token?: string;
  /** Error parts written so far, in order; the next invocation writes part number `parts.length`. */
  parts: Array<{ key: string; records: number; bytes: number; storedBytes: number }>;
  /** Where the last saved invocation stopped, for people and logs (the engine's own state is in `state`). */
  position?: { bytesIn: number; bytesOut: number; lines: number };
  processing: { startedAt: string; durationMs: number; resumes: number };
  /**
   * Set while an invocation works from this checkpoint: until its timeout has passed, another
   * invocation (a duplicate message) leaves the object alone.
   */
  lease?: { owner: string; until: string };
  /** The analysis engine's partial state (`Analysis.checkpoint`); absent at sequence 0. */
  state?: State;
}
