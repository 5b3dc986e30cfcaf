import type { LineOrigin } from '../stream/types.js';
import { ERROR_RECORD_SCHEMA, HISTOGRAM_MAX_BUCKETS } from './constants.js';
import { createRedactor } from './createRedactor.js';
import { detached } from './detached.js';
import type { ErrorGroups } from './ErrorGroups.js';
import { isoOfEpochMs } from './findTimestamp.js';
import { groupKey } from './groupKey.js';
import type { ErrorClass, ErrorRecord, FieldValue, Level, LogFormat, ParsedLine, ParseStats, RedactionKind, Rules, SourceRef } from './types.js';

const ESCAPE_THAT_HIDES = /\\[u/]/;

/** Entries of the message → group cache; it is cleared when full. */
const GROUP_CACHE_SIZE = 4_096;

/** One finished event that qualified as a record, before redaction and grouping. */
export interface EventInput {
  firstLine: number;
  lastLine: number;
  byteOffset: number;
  /** The event's lines joined with `\n`. */
  text: string;
  level: Level | 'none';
  cls: ErrorClass;
  format: LogFormat;
  parsed: ParsedLine;
  /** A line was truncated by the line stage or the event hit its multi-line bound. */
  truncated: boolean;
  /** The envelope's word on the event (CloudWatch Logs): fields added to the record, fallback timestamp. */
  origin?: LineOrigin | undefined;
}

/**
 * Turns qualified events into error records: applies `include`/`exclude`, redacts raw text,
 * message and string fields, caps them, computes the group, adds the record to the groups and
 * updates the counters (records, time range, errors per minute). Returns null for excluded events.
 */
export function createRecordBuilder(options: {
  source: SourceRef;
  rules: Rules;
  stats: ParseStats;
  groups?: ErrorGroups | undefined;
}): (event: EventInput) => ErrorRecord | null {
  const { source, rules, stats, groups } = options;
  const redactor = createRedactor(rules.redaction);
  const count = (kind: RedactionKind): void => {
    stats.redactions++;
    stats.redactionsByKind[kind] = (stats.redactionsByKind[kind] ?? 0) + 1;
  };
  const sourceCopy: SourceRef = { bucket: source.bucket, key: source.key };
  if (source.versionId !== undefined) sourceCopy.versionId = source.versionId;
  if (source.etag !== undefined) sourceCopy.etag = source.etag;
  let histogramKeys = Object.keys(stats.errorsPerMinute).length;
  // Messages repeat verbatim more often than not; masking and hashing them once is enough.
  const groupCache = new Map<string, { groupId: string; template: string }>();

  return (event) => {
    if (rules.include.length > 0 && !rules.include.some((re) => re.test(event.text))) {
      stats.excluded++;
      return null;
    }
    if (rules.exclude.some((re) => re.test(event.text))) {
      stats.excluded++;
      return null;
    }
    // Redact before capping, so that a cap cannot cut a secret into a shape the patterns miss.
    const redacted = redactor(event.text, count);
    const raw = capUtf8(redacted, rules.maxRawBytes);
    // Message, fields and template are cut from the raw text. When the raw text had no secret and no
    // escape that JSON decoding could turn into a pattern's character (`\u0041KIA`, `https:\/\/`),
    // they cannot have one either.
    const derivedClean = redacted === event.text && !ESCAPE_THAT_HIDES.test(event.text);
    const scrub = derivedClean ? (v: string): string => v : (v: string): string => redactor(v, count);
    let message = scrub(event.parsed.message);
    if (message.length > rules.maxMessageChars) message = message.slice(0, rules.maxMessageChars);
    const fields: Record<string, FieldValue> = {};
    for (const k in event.parsed.fields) {
      const v = event.parsed.fields[k]!;
      fields[k] = typeof v === 'string' ? capUtf8(scrub(v), rules.maxMessageChars) : v;
    }
    const origin = event.origin;
    if (origin !== undefined) {
      // The envelope's fields are not in the text; they win over a same-named field of the message.
      for (const k in origin.fields) fields[k] = capUtf8(redactor(origin.fields[k]!, count), rules.maxMessageChars);
    }
    const template = event.parsed.template === undefined ? undefined : scrub(event.parsed.template);
    const cacheKey = `${event.cls}\u0000${template ?? message}`;
    let group = groupCache.get(cacheKey);
    if (group === undefined) {
      group = groupKey(message, event.cls, template);
      // Bounded: a log whose messages never repeat would otherwise grow it without end.
      if (groupCache.size >= GROUP_CACHE_SIZE) groupCache.clear();
      // Copies: the key is built on the message, a view of the decoded input; kept as it is, every
      // entry would hold a 32 KiB region alive until the cache is cleared (V8 then promotes them all).
      group = { groupId: group.groupId, template: detached(group.template) };
      groupCache.set(detached(cacheKey), group);
    }
    const { groupId, template: groupTemplate } = group;
    // The line's own time, unless it had to guess the year and the envelope knows the time exactly.
    const parsedTime = event.parsed.timestamp;
    const originTime = origin?.timestamp != null ? isoOfEpochMs(origin.timestamp) : null;
    const guessed = event.parsed.yearInferred === true;
    const timestamp = parsedTime !== null && !guessed ? parsedTime : originTime ?? parsedTime;
    if (guessed && timestamp !== null && timestamp === parsedTime && originTime === null) stats.yearsInferred++;
    const record: ErrorRecord = {
      schema: ERROR_RECORD_SCHEMA,
      source: sourceCopy,
      firstLine: event.firstLine,
      lastLine: event.lastLine,
      byteOffset: event.byteOffset,
      timestamp,
      level: event.level,
      class: event.cls,
      format: event.format,
      message,
      groupId,
      fields,
      raw,
      truncated: event.truncated || raw.length !== redacted.length,
    };
    stats.records++;
    const ts = record.timestamp;
    if (ts !== null) {
      // Two strings, so at most two regions kept: not worth a copy per record of a sorted log.
      if (stats.timeRange.min === null || ts < stats.timeRange.min) stats.timeRange.min = ts;
      if (stats.timeRange.max === null || ts > stats.timeRange.max) stats.timeRange.max = ts;
      const minute = ts.slice(0, 16);
      const current = stats.errorsPerMinute[minute];
      if (current !== undefined) stats.errorsPerMinute[minute] = current + 1;
      else if (histogramKeys < HISTOGRAM_MAX_BUCKETS) {
        stats.errorsPerMinute[detached(minute)] = 1;
        histogramKeys++;
      } else stats.histogramOverflow++;
    }
    groups?.add(record, groupTemplate);
    return record;
  };
}

/** Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function capUtf8(text: string, maxBytes: number): string {
  // Each UTF-16 unit is at most 3 UTF-8 bytes, so short strings need no measuring.
  if (text.length * 3 <= maxBytes) return text;
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const buf = Buffer.from(text, 'utf8').subarray(0, maxBytes);
  let end = buf.length;
  // Step back over a partial multi-byte sequence at the cut.
  let i = end - 1;
  while (i >= 0 && (buf[i]! & 0xc0) === 0x80) i--;
  if (i >= 0) {
    const lead = buf[i]!;
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (end - i < need) end = i;
  }
  return buf.subarray(0, end).toString('utf8');
}
