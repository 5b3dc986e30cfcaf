/**
 * The CloudWatch Logs envelope reader as it was before issue 18 (@streamparser/json tokenizer and token
 * parser, byte by byte), kept as the oracle of the property test of the new scanner: same input, same
 * slices, the same lines, counters and first damage.
 */
import { Tokenizer, TokenParser } from '@streamparser/json';
import type { Line, LineOrigin, LineStats, LongLinePolicy } from '../../functions/src/stream/types.js';
import { capJsonDepth } from '../../functions/src/parse/capJsonDepth.js';
import { MAX_JSON_DEPTH } from '../../functions/src/parse/constants.js';
import { messageLines } from '../../functions/src/parse/messageLines.js';
import type { CloudWatchLogsStats } from '../../functions/src/parse/types.js';

// TokenType values of @streamparser/json (a const enum in its typings).
const LEFT_BRACE = 0;
const RIGHT_BRACE = 1;
const LEFT_BRACKET = 2;
const RIGHT_BRACKET = 3;
const COLON = 4;
const STRING = 9;
const SEPARATOR = 11;

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

/** Byte buffer the JSON tokenizer gathers a string in before decoding it (64 KiB). */
const STRING_BUFFER_BYTES = 64 * 1024;

/** Top-level keys of an envelope the stage keeps; everything else in it is validated and dropped. */
const META_KEYS = ['messageType', 'owner', 'logGroup', 'logStream'] as const;
type MetaKey = (typeof META_KEYS)[number];
const ALL_META = (1 << META_KEYS.length) - 1;

/** The first damage seen in the input, with where it is. */
export interface EnvelopeFailure {
  message: string;
  offset: number;
  cause?: unknown;
}

interface Pending {
  event: unknown;
  offset: number;
}

/**
 * The synchronous core of `cloudWatchLogsEvents`: feed it bytes, take the lines of the log events
 * they complete. Holds one envelope's metadata, one log event being read and the events that wait
 * for their envelope's metadata keys (bounded, see `PENDING_MAX_CHARS` and `PENDING_MAX_EVENTS`).
 * Damage is noted in `failure` (the first one), never thrown.
 */
export class LegacyEnvelopeReader {
  /** Lines completed and not yet taken. */
  out: Line[] = [];
  /** Envelopes started so far (1-based index of the current one). */
  envelope = 0;
  /** Nesting depth of the token stream right now (0 between envelopes). */
  depth = 0;
  /** Bytes written so far. */
  consumed = 0;
  private failed: EnvelopeFailure | undefined;
  private lineNumber = 0;
  private eventStart = 0;
  private depth1String = '';
  private depth1Key = '';
  private sawLogEvents = false;
  private seen = 0; // bit i: META_KEYS[i] was read
  private meta: Partial<Record<MetaKey, unknown>> = {};
  private envelopeFields: Record<string, string> | undefined;
  private pending: Pending[] = [];
  private pendingChars = 0;
  private pendingInvalid = 0;
  private released = false; // events of this envelope go out as they come
  private lastOffset = 0;
  private readonly tokenizer: Tokenizer;
  private readonly tokenParser: TokenParser;

  constructor(
    private readonly lineOptions: { maxLineBytes: number; longLines: LongLinePolicy; stats: LineStats },
    private readonly envelopeStats: CloudWatchLogsStats,
  ) {
    // Strings gather in a fixed 64 KiB byte buffer: measured 25% faster than string concatenation on
    // Lambda log envelopes, whose messages are most of the bytes.
    this.tokenizer = new Tokenizer({ separator: '', stringBufferSize: STRING_BUFFER_BYTES });
    // Only the metadata keys and the elements of logEvents are emitted; keepStack false lets each go
    // after use, so an envelope's events never pile up in the parser.
    this.tokenParser = new TokenParser({ paths: [...META_KEYS.map((k) => `$.${k}`), '$.logEvents.*'], keepStack: false, separator: '' });
    // Linear time and a bounded parser stack: a too-deep value is replaced by null and counted.
    this.tokenizer.onToken = capJsonDepth(MAX_JSON_DEPTH, (info) => this.onToken(info), () => {
      envelopeStats.deepValues++;
    });
    this.tokenParser.onValue = ({ value, key }) => this.onValue(value, key);
    // The default onError would throw from inside write(); note it and throw with context instead.
    this.tokenizer.onError = (err) => {
      // Its message names the position of a bad character; invalid UTF-8 in a string comes without one.
      const at = /absolute position "(\d+)"/.exec(err.message);
      this.fail('invalid JSON', at ? Number(at[1]) : this.lastOffset, err);
    };
    this.tokenParser.onError = (err) => {
      this.fail('invalid JSON', this.consumed, err);
    };
  }

  /** The first damage seen, if any. */
  get failure(): EnvelopeFailure | undefined {
    return this.failed;
  }

  write(slice: Uint8Array): void {
    this.tokenizer.write(slice);
    this.consumed += slice.byteLength;
  }

  /** Ends the input: a cut token or structure becomes the failure. */
  end(): void {
    // Both halves must be ended: the tokenizer catches a cut token, the token parser a cut structure.
    try {
      if (!this.tokenizer.isEnded) this.tokenizer.end();
      if (!this.tokenParser.isEnded) this.tokenParser.end();
    } catch (cause) {
      this.fail('invalid JSON', this.consumed, cause);
    }
    if (this.depth > 0) this.fail('truncated envelope', this.consumed);
  }

  /** The lines completed so far; the reader starts a new array. */
  take(): Line[] {
    const batch = this.out;
    this.out = [];
    return batch;
  }

  private fail(message: string, offset: number, cause?: unknown): void {
    this.failed ??= { message, offset, cause };
  }

  private onToken(info: Parameters<NonNullable<Tokenizer['onToken']>>[0]): void {
    if (this.failed !== undefined) return;
    const { token, offset } = info;
    this.lastOffset = offset;
    if (this.depth === 0 && token !== SEPARATOR) {
      if (token !== LEFT_BRACE) {
        this.fail('not a CloudWatch Logs envelope: a top-level value that is not an object', offset);
        return;
      }
      this.startEnvelope();
    }
    if (token === LEFT_BRACE || token === LEFT_BRACKET) {
      this.depth++;
      if (this.depth === 3 && token === LEFT_BRACE) this.eventStart = offset;
      else if (this.depth === 2 && token === LEFT_BRACKET && this.depth1Key === 'logEvents') this.sawLogEvents = true;
    } else if (this.depth === 1 && token === STRING) {
      this.depth1String = info.value as string;
    } else if (this.depth === 1 && token === COLON) {
      this.depth1Key = this.depth1String;
    } else if (token === RIGHT_BRACE || token === RIGHT_BRACKET) {
      this.depth--;
    }
    this.tokenParser.write(info);
    const damage = this.failed as EnvelopeFailure | undefined;
    // The token parser knows no offsets: the token it refused is where the damage is.
    if (damage !== undefined) damage.offset = offset;
    else if (this.depth === 0 && token === RIGHT_BRACE) this.endEnvelope(offset);
  }

  private onValue(value: unknown, key: string | number | undefined): void {
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

  private fieldsOf(): Record<string, string> {
    if (this.envelopeFields !== undefined) return this.envelopeFields;
    const fields: Record<string, string> = {};
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
      fields: typeof id === 'string' && id !== '' ? { ...fields, logEventId: id } : fields,
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
