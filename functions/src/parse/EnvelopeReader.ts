import type { Line, LineOrigin, LineStats, LongLinePolicy } from '../stream/types.js';
import { MAX_JSON_DEPTH } from './constants.js';
import { JsonScanner, JsonToken } from './JsonScanner.js';
import type { JsonScanFailure, JsonTokenType } from './JsonScanner.js';
import { messageLines } from './messageLines.js';
import type { CloudWatchLogsStats } from './types.js';

/**
 * Message text (UTF-16 units) of the log events of one envelope held while they wait for the
 * envelope's `messageType`, `owner`, `logGroup` and `logStream` keys (1 Mi). CloudWatch Logs writes
 * those keys before `logEvents`, so its envelopes never wait; past the bound the waiting events go
 * out with what is known of their envelope so far.
 */
const PENDING_MAX_CHARS = 1024 * 1024;

/**
 * Log events of one envelope held while they wait for its metadata keys (10 000), whatever their
 * messages' length; events without a string message are counted, never held.
 */
const PENDING_MAX_EVENTS = 10_000;

/** Top-level keys of an envelope the stage keeps; everything else in it is validated and dropped. */
const META_KEYS = ['messageType', 'owner', 'logGroup', 'logStream'] as const;
type MetaKey = (typeof META_KEYS)[number];
const ALL_META = (1 << META_KEYS.length) - 1;

/** What an envelope puts in the fields of its lines' records: only these keys, non-empty strings. */
type EnvelopeFields = { logGroup?: string; logStream?: string; owner?: string; logEventId?: string };

/** The first damage seen in the input, with where it is. */
export type EnvelopeFailure = JsonScanFailure;

/**
 * The envelope's fields plus `logEventId`, keys in the same order as `{ ...fields, logEventId }`
 * (named stores on a literal: V8 shares their shape; the spread was a third of the reader's time).
 */
function withEventId(fields: EnvelopeFields, logEventId: string): EnvelopeFields {
  const out: EnvelopeFields = {};
  if (fields.logGroup !== undefined) out.logGroup = fields.logGroup;
  if (fields.logStream !== undefined) out.logStream = fields.logStream;
  if (fields.owner !== undefined) out.owner = fields.owner;
  out.logEventId = logEventId;
  return out;
}

interface Pending {
  event: unknown;
  offset: number;
}

/**
 * The synchronous core of `cloudWatchLogsEvents`: feed it bytes, take the lines of the log events
 * they complete. Holds one envelope's metadata, one log event being read and the events that wait
 * for their envelope's metadata keys (bounded, see `PENDING_MAX_CHARS` and `PENDING_MAX_EVENTS`);
 * the bytes are read by `JsonScanner`: an envelope whole when it can (`onWholeTop`), else token by
 * token, building only the metadata values and the log events.
 * Damage is noted in `failure` (the first one), never thrown.
 */
export class EnvelopeReader extends JsonScanner {
  /** Lines completed and not yet taken. */
  out: Line[] = [];
  /** Envelopes started so far (1-based index of the current one). */
  envelope = 0;
  private lineNumber = 0;
  private eventStart = 0;
  private depth1String = '';
  private depth1Key = '';
  private sawLogEvents = false;
  private seen = 0; // bit i: META_KEYS[i] was read
  private meta: Partial<Record<MetaKey, unknown>> = {};
  private envelopeFields: EnvelopeFields | undefined;
  private pending: Pending[] = [];
  private pendingChars = 0;
  private pendingInvalid = 0;
  private released = false; // events of this envelope go out as they come

  constructor(
    private readonly lineOptions: { maxLineBytes: number; longLines: LongLinePolicy; stats: LineStats },
    private readonly envelopeStats: CloudWatchLogsStats,
  ) {
    // Linear time and bounded frames: a too-deep value is replaced by null and counted.
    super(MAX_JSON_DEPTH);
  }

  /** The lines completed so far; the reader starts a new array. */
  take(): Line[] {
    const batch = this.out;
    this.out = [];
    return batch;
  }

  protected onToken(type: JsonTokenType, value: unknown, offset: number): boolean {
    const depth = this.depth;
    if (depth === 0) {
      if (type !== JsonToken.leftBrace) {
        this.fail('not a CloudWatch Logs envelope: a top-level value that is not an object', offset);
        return false;
      }
      this.startEnvelope();
    }
    if (type === JsonToken.leftBrace || type === JsonToken.leftBracket) {
      if (depth === 2 && type === JsonToken.leftBrace) this.eventStart = offset;
      else if (depth === 1 && type === JsonToken.leftBracket && this.depth1Key === 'logEvents') this.sawLogEvents = true;
    } else if (depth === 1 && type === JsonToken.string) {
      this.depth1String = value as string;
    } else if (depth === 1 && type === JsonToken.colon) {
      this.depth1Key = this.depth1String;
    }
    return true;
  }

  protected afterToken(type: JsonTokenType, offset: number): void {
    if (this.depth === 0 && type === JsonToken.rightBrace) this.endEnvelope(offset);
  }

  /** The metadata values (`$.messageType`…) and the elements of `logEvents` (`$.logEvents.*`). */
  protected selects(enclosing: number, key: string | number | undefined, parentKey: string | number | undefined): boolean {
    if (enclosing === 2) return parentKey === 'logEvents';
    return enclosing === 1 && META_KEYS.includes(key as MetaKey);
  }

  /** Log events are read whole (one `JSON.parse` each). */
  protected readsWhole(enclosing: number, _key: string | number | undefined, parentKey: string | number | undefined): boolean {
    return enclosing === 2 && parentKey === 'logEvents';
  }

  /** Envelopes are read whole (one `JSON.parse` each) when they fit the bound and nothing in them needs the token path. */
  protected override readsWholeTop(): boolean {
    return true;
  }

  /**
   * An envelope read whole: its members in the order written, as the token path hands them out (the
   * metadata values, then each log event with where it starts). A `logEvents` that is not an array
   * is left to the token path, which selects the members of such an object.
   */
  protected override onWholeTop(value: Record<string, unknown>, keys: readonly string[], starts: readonly number[], _offset: number, end: number): boolean {
    const events = value.logEvents;
    if (events !== undefined && !Array.isArray(events)) return false;
    this.startEnvelope();
    for (const key of keys) {
      if (key === 'logEvents') this.wholeEvents(events as unknown[], starts);
      else if (META_KEYS.includes(key as MetaKey)) this.onValue(value[key], key);
    }
    this.endEnvelope(end);
    return true;
  }

  private wholeEvents(events: unknown[], starts: readonly number[]): void {
    this.sawLogEvents = true;
    let s = 0;
    for (let k = 0; k < events.length; k++) {
      const event = events[k];
      if (typeof event === 'object' && event !== null && !Array.isArray(event)) this.eventStart = starts[s++]!;
      this.onValue(event, k);
    }
  }

  protected onTooDeep(): void {
    this.envelopeStats.deepValues++;
  }

  protected onValue(value: unknown, key: string | number | undefined): void {
    if (typeof key === 'number') {
      if (this.released) {
        if (this.meta.messageType !== 'CONTROL_MESSAGE') this.emit(value, this.eventStart);
        return;
      }
      const message = (value as { message?: unknown } | null)?.message;
      if (typeof message !== 'string' || typeof value !== 'object' || Array.isArray(value)) {
        // Invalid whatever the metadata says: counted now (unless a control message), never held.
        this.pendingInvalid++;
        return;
      }
      this.pending.push({ event: value, offset: this.eventStart });
      this.pendingChars += message.length;
      if (this.pendingChars > PENDING_MAX_CHARS || this.pending.length >= PENDING_MAX_EVENTS) this.release();
      return;
    }
    const i = META_KEYS.indexOf(key as MetaKey);
    if (i === -1) return;
    this.meta[key as MetaKey] = value;
    this.seen |= 1 << i;
    if (this.seen === ALL_META && !this.released) this.release();
  }

  private fieldsOf(): EnvelopeFields {
    if (this.envelopeFields !== undefined) return this.envelopeFields;
    const fields: EnvelopeFields = {};
    for (const k of ['logGroup', 'logStream', 'owner'] as const) {
      const v = this.meta[k];
      if (typeof v === 'string' && v !== '') fields[k] = v;
    }
    this.envelopeFields = fields;
    return fields;
  }

  private emit(event: unknown, offset: number): void {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      this.envelopeStats.invalidEvents++;
      return;
    }
    const { id, timestamp, message } = event as Record<string, unknown>;
    if (typeof message !== 'string') {
      this.envelopeStats.invalidEvents++;
      return;
    }
    this.envelopeStats.logEvents++;
    const fields = this.fieldsOf();
    const origin: LineOrigin = {
      fields: typeof id === 'string' && id !== '' ? withEventId(fields, id) : fields,
      timestamp: typeof timestamp === 'number' && Number.isFinite(timestamp) ? timestamp : null,
    };
    this.lineNumber = messageLines(this.out, message, offset, origin, this.lineNumber, this.lineOptions);
  }

  private release(): void {
    this.released = true;
    if (this.meta.messageType !== 'CONTROL_MESSAGE') {
      this.envelopeStats.invalidEvents += this.pendingInvalid;
      for (const p of this.pending) this.emit(p.event, p.offset);
    }
    this.pending = [];
    this.pendingChars = 0;
    this.pendingInvalid = 0;
  }

  private startEnvelope(): void {
    this.envelope++;
    this.envelopeStats.envelopes++;
    this.sawLogEvents = false;
    this.seen = 0;
    this.meta = {};
    this.envelopeFields = undefined;
    this.pending = [];
    this.pendingChars = 0;
    this.pendingInvalid = 0;
    this.released = false;
    this.depth1Key = '';
  }

  private endEnvelope(offset: number): void {
    if (!this.sawLogEvents && this.seen === 0) {
      this.fail('not a CloudWatch Logs envelope: no "messageType" or "logEvents" key', offset);
      return;
    }
    if (!this.released) this.release();
    if (this.meta.messageType === 'CONTROL_MESSAGE') this.envelopeStats.controlMessages++;
  }
}
