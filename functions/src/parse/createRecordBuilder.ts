import type { LineOrigin } from '../stream/types.js';
import { ERROR_RECORD_SCHEMA, HISTOGRAM_MAX_BUCKETS } from './constants.js';
import { createRedactor, isNotSecret, secretFieldKind } from './createRedactor.js';
import { detached } from './detached.js';
import { isoOfEpochMs } from './findTimestamp.js';
import { TemplateGrouper } from './TemplateGrouper.js';
import type { ErrorClass, ErrorRecord, FieldValue, GroupSink, Level, LogFormat, ParsedLine, ParseStats, RedactionKind, Rules, SourceRef } from './types.js';

/**
 * Characters kept past a cap before redacting, then cut: a secret that starts before the cap ends
 * within this (URL user info is at most 512 characters) or is redacted to the end of the text (key
 * blocks, quoted and bare values), so the cut text is redacted as the whole would be, at the cost of
 * the kept part rather than of a 1 MiB line.
 */
const REDACT_MARGIN = 16 * 1024;

/** `text` cut to `cap` + {@link REDACT_MARGIN} characters, for redaction before the real cap. */
function head(text: string, cap: number): string {
  return text.length > cap + REDACT_MARGIN ? text.slice(0, cap + REDACT_MARGIN) : text;
}

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
  groups?: GroupSink | undefined;
  grouper?: TemplateGrouper | undefined;
}): (event: EventInput) => ErrorRecord | null {
  const { source, rules, stats, groups } = options;
  const grouper = options.grouper ?? new TemplateGrouper();
  const redactor = createRedactor(rules.redaction);
  const count = (kind: RedactionKind): void => {
    stats.redactions++;
    stats.redactionsByKind[kind] = (stats.redactionsByKind[kind] ?? 0) + 1;
  };
  const sourceCopy: SourceRef = { bucket: source.bucket, key: source.key };
  if (source.versionId !== undefined) sourceCopy.versionId = source.versionId;
  if (source.etag !== undefined) sourceCopy.etag = source.etag;
  let histogramKeys = Object.keys(stats.errorsPerMinute).length;

  return (event) => {
    if (isExcluded(event.text, rules)) {
      stats.excluded++;
      return null;
    }
    // Redact before capping, so that a cap cannot cut a secret into a shape the patterns miss.
    const kept = head(event.text, rules.maxRawBytes);
    // The pre-check alone first: most raw texts hold no hint of a secret, and a piece of such a text
    // (the text formats' message is the first line without its header) holds none either.
    const cleanRaw = !redactor.mayHold(kept);
    const redacted = cleanRaw ? kept : redactor(kept, count);
    const raw = capUtf8(redacted, rules.maxRawBytes);
    // Message, fields and template are redacted on their own, whether or not `raw` changed: they are
    // decoded (JSON escapes, a JSON body inside a string field), so a secret that the raw text hides
    // behind escapes is plain in them.
    const scrub = (v: string): string => redactor(v, count);
    const messageHead = head(event.parsed.message, rules.maxMessageChars);
    let message = cleanRaw && kept.includes(messageHead) ? messageHead : scrub(messageHead);
    if (message.length > rules.maxMessageChars) message = message.slice(0, rules.maxMessageChars);
    const fields = redactFields(event.parsed.fields, event.origin, rules, redactor, count);
    const template = event.parsed.template === undefined ? undefined : scrub(event.parsed.template);
    // The group's id now: a learned cluster's template may still gain placeholders later, and the
    // summary lists this id among the group's aliases when it does.
    const group = grouper.group(message, event.cls, template);
    const groupId = group.groupId;
    const timestamp = eventTimestamp(event, stats);
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
      truncated: event.truncated || kept !== event.text || raw.length !== redacted.length,
    };
    stats.records++;
    if (timestamp !== null && countMinute(stats, timestamp, histogramKeys)) histogramKeys++;
    groups?.add(record, group);
    return record;
  };
}

/** Whether `include` (when given) misses the text or `exclude` matches it. */
function isExcluded(text: string, rules: Rules): boolean {
  return (rules.include.length > 0 && !rules.include.some((re) => re.test(text))) || rules.exclude.some((re) => re.test(text));
}

/**
 * The record's fields: the parsed ones redacted (by name, since a parsed field has lost its `key=`
 * context, and by value) and capped, then the envelope's, which win over a same-named one.
 */
function redactFields(
  parsed: Record<string, FieldValue>,
  origin: LineOrigin | undefined,
  rules: Rules,
  redactor: ReturnType<typeof createRedactor>,
  count: (kind: RedactionKind) => void,
): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  for (const k in parsed) {
    const v = parsed[k]!;
    // A parsed field has lost its `key=` context (logfmt `password=x`), so its name decides.
    const byName = v === null || typeof v === 'boolean' ? undefined : secretFieldKind(k, rules.redaction);
    if (byName !== undefined && !isNotSecret(String(v))) {
      count(byName);
      fields[k] = `[REDACTED:${byName}]`;
    } else if (typeof v === 'string') fields[k] = capUtf8(redactor(head(v, rules.maxMessageChars), count), rules.maxMessageChars);
    else if (typeof v === 'number' && v >= 1e12) {
      // A long number may be a card number (logfmt `pan=4111…`): it is a string once redacted.
      const text = String(v);
      const redacted = redactor(text, count);
      fields[k] = redacted === text ? v : redacted;
    } else fields[k] = v;
  }
  if (origin !== undefined) {
    // The envelope's fields are not in the text; they win over a same-named field of the message.
    for (const k in origin.fields) fields[k] = capUtf8(redactor(origin.fields[k]!, count), rules.maxMessageChars);
  }
  return fields;
}

/** The line's own time, unless it had to guess the year and the envelope knows the time exactly; counts a guessed year kept. */
function eventTimestamp(event: EventInput, stats: ParseStats): string | null {
  const parsedTime = event.parsed.timestamp;
  const originTime = event.origin?.timestamp != null ? isoOfEpochMs(event.origin.timestamp) : null;
  const guessed = event.parsed.yearInferred === true;
  const timestamp = parsedTime !== null && !guessed ? parsedTime : originTime ?? parsedTime;
  if (guessed && timestamp !== null && timestamp === parsedTime && originTime === null) stats.yearsInferred++;
  return timestamp;
}

/**
 * Widens the time range to `ts` and counts it in its minute of the histogram (at most
 * HISTOGRAM_MAX_BUCKETS minutes; past them, `histogramOverflow`). True when a new minute was added.
 */
function countMinute(stats: ParseStats, ts: string, minutes: number): boolean {
  // Two strings, so at most two regions kept: not worth a copy per record of a sorted log.
  if (stats.timeRange.min === null || ts < stats.timeRange.min) stats.timeRange.min = ts;
  if (stats.timeRange.max === null || ts > stats.timeRange.max) stats.timeRange.max = ts;
  const minute = ts.slice(0, 16);
  const current = stats.errorsPerMinute[minute];
  if (current !== undefined) {
    stats.errorsPerMinute[minute] = current + 1;
    return false;
  }
  if (minutes < HISTOGRAM_MAX_BUCKETS) {
    stats.errorsPerMinute[detached(minute)] = 1;
    return true;
  }
  stats.histogramOverflow++;
  return false;
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
