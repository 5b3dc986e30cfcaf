import { isAscii, isUtf8 } from 'node:buffer';
import { StringReplay } from './StringReplay.js';
import type { ReplayedString } from './StringReplay.js';

/** Token kinds, numbered as @streamparser/json numbers them (the scanner took its place, offsets and all). */
export const JsonToken = {
  leftBrace: 0, rightBrace: 1, leftBracket: 2, rightBracket: 3, colon: 4, comma: 5,
  true: 6, false: 7, null: 8, string: 9, number: 10,
} as const;
export type JsonTokenType = (typeof JsonToken)[keyof typeof JsonToken];

/** The first damage seen in the input, with where it is. */
export interface JsonScanFailure {
  message: string;
  offset: number;
  cause?: unknown;
}

type Key = string | number | undefined;
interface DecodingBuffer {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}
type Container = Record<string, unknown> | unknown[];
interface Frame {
  key: Key;
  container: Container | undefined;
  array: boolean | undefined;
  members: number;
  emit: boolean;
}

const enum State { Value, Key, Colon, Comma }
const EMPTY = Buffer.alloc(0);
const BOM = [0xef, 0xbb, 0xbf];
const BOM_BYTES = Buffer.from(BOM);
const LITERALS: Record<number, { bytes: number[]; type: JsonTokenType; value: boolean | null }> = {
  0x74: { bytes: [0x74, 0x72, 0x75, 0x65], type: JsonToken.true, value: true },
  0x66: { bytes: [0x66, 0x61, 0x6c, 0x73, 0x65], type: JsonToken.false, value: false },
  0x6e: { bytes: [0x6e, 0x75, 0x6c, 0x6c], type: JsonToken.null, value: null },
};
const PUNCTUATION: Record<number, JsonTokenType> = {
  0x7b: JsonToken.leftBrace, 0x7d: JsonToken.rightBrace, 0x5b: JsonToken.leftBracket,
  0x5d: JsonToken.rightBracket, 0x3a: JsonToken.colon, 0x2c: JsonToken.comma,
};
/** Sentinels of the token readers: wait for more bytes; the scan failed; read it token by token instead. */
const MORE = -1;
const STOPPED = -2;
const BY_TOKENS = -3;
/**
 * Longest top-level object read whole (1 MiB): `JSON.parse` builds all of it at once, so this bounds
 * what one call holds beside the bytes. CloudWatch Logs envelopes are usually tens of KB (56 KiB on
 * average in bench:e2e's Firehose-like object); a longer one is read token by token.
 */
const WHOLE_TOP_MAX_BYTES = 1024 * 1024;
/** Most keys a top-level object read whole may have (an envelope has 7): one with more is read token by token. */
const WHOLE_TOP_MAX_KEYS = 32;
/** Bytes that may stand between the strings of a value read whole: anything else is left to the token path. */
const STRUCTURE = new Uint8Array(256);
for (const c of ' \t\n\r{}[]:,-+.0123456789eEtruefalsn') STRUCTURE[c.charCodeAt(0)] = 1;
/** What may follow a string's closing quote inside a value read whole (besides whitespace). */
const AFTER_STRING = new Uint8Array(256);
for (const c of ':,}]') AFTER_STRING[c.charCodeAt(0)] = 1;

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

/** Index of the quote that closes the string opened at `v[q0]`, searching from `from`; -1 when not in `v`. */
function closingQuote(v: Buffer, q0: number, from: number): number {
  let at = from;
  for (;;) {
    const q = v.indexOf(0x22, at);
    if (q === -1) return -1;
    let k = q - 1;
    while (k > q0 && v[k] === 0x5c) k--;
    if (((q - 1 - k) & 1) === 0) return q;
    at = q + 1;
  }
}

/** `JSON.parse` of `v[i…end]` decoded as latin1 (`ascii`) or UTF-8; `BY_TOKENS` when it refuses them. */
function parseText(v: Buffer, i: number, end: number, ascii: boolean): unknown {
  try {
    // Node's own decoders behind toString('latin1' | 'utf8'), without its argument handling.
    const text = v as unknown as DecodingBuffer;
    return JSON.parse(ascii ? text.latin1Slice(i, end + 1) : text.utf8Slice(i, end + 1));
  } catch {
    // Damage: the token path names it.
    return BY_TOKENS;
  }
}

/** Index of the first byte ≥ 0x80 in `v[from…to)`, or -1: `isAscii` (SIMD) per 1 KiB block, then the block's bytes. */
function nextNonAscii(v: Buffer, from: number, to: number): number {
  for (let b = from; b < to; b += 1024) {
    const e = b + 1024 < to ? b + 1024 : to;
    if (isAscii(v.subarray(b, e))) continue;
    for (let j = b; j < e; j++) if (v[j]! >= 0x80) return j;
  }
  return -1;
}

/** The objects that are elements of the array members of `value`, as [array, index], in the order written. */
function arrayObjects(value: Record<string, unknown>, keys: readonly string[]): Array<[unknown[], number]> {
  const out: Array<[unknown[], number]> = [];
  for (const key of keys) {
    const member = value[key];
    if (!Array.isArray(member)) continue;
    for (let k = 0; k < member.length; k++) {
      const element: unknown = member[k];
      if (typeof element === 'object' && element !== null && !Array.isArray(element)) out.push([member, k]);
    }
  }
  return out;
}

function skipDigits(v: Uint8Array, j: number): number {
  while (j < v.length && v[j]! >= 0x30 && v[j]! <= 0x39) j++;
  return j;
}

/**
 * A streaming JSON scanner for a sequence of top-level values, fed bytes in slices of any size, that
 * gives exactly what the @streamparser/json tokenizer and token parser it replaced gave (values,
 * offsets, and the place and kind of damage) at a fraction of the cost. Structure is tokenized byte by
 * byte; strings are jumped over with `indexOf` and decoded with one `JSON.parse` of their bytes once
 * they check as UTF-8; an object a subclass `readsWhole` (a log event) that closes within the bytes at
 * hand is found the same way and read with one `JSON.parse`, and so is a whole top-level object a
 * subclass `readsWholeTop` (an envelope, up to `WHOLE_TOP_MAX_BYTES`), its members handed to
 * `onWholeTop` with where each object in its arrays starts. A string that is damaged or cut by the
 * end of a slice is replayed byte by byte (`StringReplay`) to fail where and how the old tokenizer
 * failed, in the same slice. Values are built only where a subclass `selects` them, and handed to
 * `onValue` whole; containers opened deeper than `maxDepth` are read past (brackets counted, tokens
 * still checked) and stand as `null`, counted by `onTooDeep`.
 *
 * Holds one unfinished token (a string is whole in memory before it is decoded; a replayed one as its
 * decoded text and ≤ 64 KiB of bytes), the selected value being built, and the open containers
 * (≤ `maxDepth` frames). Damage is noted (`failure`), never thrown; the scanner then reads no further
 * slice (in the one it was in, it counts too-deep values on, as the old depth cap did).
 */
export abstract class JsonScanner {
  /** Nesting depth right now (0 between top-level values). */
  depth = 0;
  /** Top-level values read whole (see `readsWholeTop`); the others were read token by token. */
  wholeTopValues = 0;
  /** Bytes written so far. */
  consumed = 0;
  /** Offset of the last token taken: where undecodable UTF-8 is reported, as before. */
  protected lastOffset = 0;
  protected failed: JsonScanFailure | undefined;
  private view: Buffer = EMPTY;
  private pos = 0;
  private base = 0;
  private owned: Buffer | undefined;
  /** The string cut by the end of the bytes (or damaged), replayed as it comes, and its token offset. */
  private replay: StringReplay | undefined;
  private replayOffset = 0;
  /** Next byte order mark in `markView` at or after `markFrom` (-1: none): see `hasMark`. */
  private markView: Buffer = EMPTY;
  private markFrom = 0;
  private markNext = -1;
  /** Whether all of `asciiView` is ASCII: one check per slice instead of one per log event (see `readWhole`). */
  private asciiView: Buffer = EMPTY;
  private asciiAll = false;
  /** Bytes of a byte order mark matched (0: one may still come; 3: done with). */
  private bomAt = 0;
  /** The old tokenizer did not count a leading byte order mark in token offsets (it did in error positions). */
  private shift = 0;
  private skipping = 0;
  /** The depth cap's own count: after damage it goes on counting too-deep values to the slice's end, as before. */
  private capDepth = 0;
  private stopped = false;
  private state = State.Value;
  private array: boolean | undefined;
  private key: Key;
  private members = 0;
  private container: Container | undefined;
  private readonly frames: Frame[] = [];
  /** Deepest nesting inside the last value read whole. */
  private wholeMax = 0;
  /** The last top-level object read whole: its keys in order, where the objects in its arrays start (then their offsets) and end. */
  private readonly topKeys: string[] = [];
  private readonly topStarts: number[] = [];
  private readonly topEnds: number[] = [];
  /** Absolute offset of a `{` the whole path gave up on: read token by token. */
  private byTokensAt = -1;
  /** The input ended: a number may end at the last byte, a string that does not close is replayed. */
  private ending = false;

  constructor(private readonly maxDepth: number) {}

  /** The first damage seen, if any. */
  get failure(): JsonScanFailure | undefined {
    return this.failed;
  }

  /** Takes the next bytes; the values they complete are handed out before it returns. */
  write(slice: Uint8Array): void {
    this.consumed += slice.byteLength;
    if (this.failed !== undefined) return;
    this.append(slice);
    this.run();
  }

  /** Ends the input: a cut token or structure becomes the failure. */
  end(): void {
    if (this.failed === undefined && (this.replay !== undefined || this.pos < this.view.length)) {
      // What was held back (a value read whole, an unfinished token) is read token by token, to its end.
      this.ending = true;
      this.byTokensAt = this.base + this.pos;
      this.run();
      if (this.failed === undefined && (this.replay !== undefined || this.pos < this.view.length)) this.fail('invalid JSON', this.lastOffset);
    }
    if (this.failed === undefined && this.bomAt > 0 && this.bomAt < BOM.length) this.fail('invalid JSON', this.lastOffset);
    if (this.depth > 0) this.fail('invalid JSON', this.consumed);
  }

  protected fail(message: string, offset: number, cause?: unknown): void {
    this.failed ??= { message, offset, cause };
  }

  /** Damage in a token: the old tokenizer stopped there (after other damage it read on to the slice's end). */
  private failTokenizer(offset: number): void {
    this.fail('invalid JSON', offset);
    this.stopped = true;
  }

  /** A token about to reach the grammar, `depth` not yet moved; false when it was refused (a failure noted). */
  protected abstract onToken(type: JsonTokenType, value: unknown, offset: number): boolean;
  /** A token the grammar took, `depth` moved. */
  protected abstract afterToken(type: JsonTokenType, offset: number): void;
  /** Whether the value starting now is selected: `enclosing` containers deep, under `key`, in a container under `parentKey`. */
  protected abstract selects(enclosing: number, key: Key, parentKey: Key): boolean;
  /** A selected value, complete. */
  protected abstract onValue(value: unknown, key: Key): void;
  /** A container opened deeper than `maxDepth`: it stands as `null`. */
  protected abstract onTooDeep(): void;
  /** Whether the selected object starting now may be read whole with `JSON.parse` (same value, much faster). */
  protected abstract readsWhole(enclosing: number, key: Key, parentKey: Key): boolean;
  /** Whether a top-level object may be read whole and handed to `onWholeTop` instead of token by token. */
  protected readsWholeTop(): boolean {
    return false;
  }
  /**
   * A top-level object read whole, from its `{` at `offset` to its `}` at `end`: what the token path
   * would have made of it, or false (before any change of state) to have it read token by token.
   * `keys` are its members' keys in the order written, all different; `starts` the offsets of the
   * objects that are elements of its array members, in the order written.
   */
  protected onWholeTop(_value: Record<string, unknown>, _keys: readonly string[], _starts: readonly number[], _offset: number, _end: number): boolean {
    return false;
  }

  /** Keeps the unread bytes and the new slice in one view; the unread part is at most one unfinished token. */
  private append(slice: Uint8Array): void {
    const keep = this.view.length - this.pos;
    if (keep === 0) {
      this.view = Buffer.isBuffer(slice) ? slice : Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength);
      this.base = this.consumed - slice.byteLength;
      this.pos = 0;
      return;
    }
    const need = keep + slice.byteLength;
    // Grown by doubling, so a long string arriving slice by slice is copied O(length) times, not O(length²).
    let target = this.owned;
    if (target === undefined || target.length < need) target = Buffer.allocUnsafe(Math.max(need, 2 * keep, 64 * 1024));
    this.view.copy(target, 0, this.pos, this.view.length);
    target.set(slice, keep);
    this.owned = target;
    this.base += this.pos;
    this.view = target.subarray(0, need);
    this.pos = 0;
  }

  private run(): void {
    const v = this.view;
    let i = this.pos;
    if (this.replay !== undefined) {
      i = this.replayed(this.replay.feed(v, this.base), this.replayOffset);
      if (i < 0) {
        if (this.replay !== undefined) this.pos = this.replay.resume - this.base;
        return;
      }
    }
    while (i < v.length && !this.stopped) {
      const b = v[i]!;
      if (this.bomAt > 0 && this.bomAt < BOM.length) {
        i = this.bom(v, i);
        continue;
      }
      if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
        i++;
        continue;
      }
      if (b === BOM[0] && this.bomAt === 0) {
        i = this.bom(v, i);
        continue;
      }
      const next = this.readToken(v, i, this.ending);
      if (next < 0) {
        // A string being replayed keeps only its unread bytes; anything else waits whole from its start.
        if (next === MORE && this.replay !== undefined) i = this.replay.resume - this.base;
        break;
      }
      i = next;
    }
    this.pos = i;
  }

  /**
   * A byte order mark is skipped, as the old tokenizer skipped one anywhere before the first string,
   * number or literal (not counted in the token offsets after it, counted in error positions).
   */
  private bom(v: Buffer, i: number): number {
    let j = i;
    while (j < v.length && this.bomAt < BOM.length) {
      if (v[j] !== BOM[this.bomAt]) {
        this.failTokenizer(this.base + j);
        return v.length;
      }
      this.bomAt++;
      j++;
    }
    if (this.bomAt === BOM.length) this.shift = BOM.length;
    return j;
  }

  /** Reads the token at `v[i]`: the index after it, `MORE` (unfinished; kept), or `STOPPED` (failed). */
  private readToken(v: Buffer, i: number, final: boolean): number {
    const b = v[i]!;
    const at = this.base + i;
    const offset = at - this.shift;
    if (b === 0x7b && this.failed === undefined && this.bomAt === BOM.length && this.state === State.Value && this.skipping === 0 && at !== this.byTokensAt) {
      const top = this.frames.length === 0;
      if (top ? this.readsWholeTop() : this.readsWhole(this.frames.length, this.key, this.frames[this.frames.length - 1]?.key)) {
        const next = top ? this.readWholeTop(v, i, offset) : this.readWhole(v, i, offset);
        if (next !== BY_TOKENS) return next;
        this.byTokensAt = at;
      }
    }
    const punctuation = PUNCTUATION[b];
    if (punctuation !== undefined) {
      this.token(punctuation, undefined, offset);
      return i + 1;
    }
    // The first string, number or literal closes the window for a byte order mark.
    this.bomAt = BOM.length;
    if (b === 0x22) return this.readString(v, i, offset);
    if (isDigit(b) || b === 0x2d) return this.readNumber(v, i, offset, final);
    const literal = LITERALS[b];
    if (literal === undefined) {
      this.failTokenizer(at);
      return STOPPED;
    }
    for (let k = 1; k < literal.bytes.length; k++) {
      if (i + k >= v.length) return MORE;
      if (v[i + k] !== literal.bytes[k]) {
        this.failTokenizer(at + k);
        return STOPPED;
      }
    }
    this.token(literal.type, literal.value, offset);
    return i + literal.bytes.length;
  }

  /**
   * The fast path of a selected object (a log event): its end found by jumping over its strings, then
   * one `JSON.parse` of its validated bytes. Equal to what the token path builds whenever `JSON.parse`
   * takes it and it nests no deeper than the cap; otherwise `BY_TOKENS`, and the token path decides.
   */
  private readWhole(v: Buffer, i: number, offset: number): number {
    const end = this.closingBracket(v, i, false);
    if (end < 0) return end;
    const value = this.parseWhole(v, i, end);
    if (value === BY_TOKENS) return BY_TOKENS;
    // What the tokens of the value would have done: its `{` seen, the value taken, its `}` seen.
    this.lastOffset = offset;
    if (!this.onToken(JsonToken.leftBrace, undefined, offset)) return STOPPED;
    if (this.container !== undefined) this.attach(value);
    this.members++;
    this.state = State.Comma;
    this.lastOffset = offset + end - i;
    this.onValue(value, this.key);
    this.afterToken(JsonToken.rightBrace, this.lastOffset);
    return end + 1;
  }

  /**
   * The value `v[i…end]` by one `JSON.parse`, or `BY_TOKENS` when the token path must decide: it nests
   * deeper than the cap, holds a byte order mark, is not UTF-8, or `JSON.parse` refuses it.
   */
  private parseWhole(v: Buffer, i: number, end: number): unknown {
    if (this.depth + this.wholeMax > this.maxDepth || this.hasMark(v, i, end)) return BY_TOKENS;
    const bytes = v.subarray(i, end + 1);
    if (this.allAscii(v) || isAscii(bytes)) return parseText(v, i, end, true);
    return isUtf8(bytes) ? parseText(v, i, end, false) : BY_TOKENS;
  }

  /**
   * `parseWhole` of a top-level object. One with bytes that are not ASCII only inside the objects of
   * its arrays (the log events that hold them) is parsed as latin1, a one-byte string that
   * `JSON.parse` reads several times faster than the UTF-8 decoding of the whole, and those objects are
   * parsed again from their UTF-8 (the structure, and every string of ASCII bytes, is the same in both).
   */
  private parseTop(v: Buffer, i: number, end: number): unknown {
    if (this.depth + this.wholeMax > this.maxDepth || this.hasMark(v, i, end)) return BY_TOKENS;
    const bytes = v.subarray(i, end + 1);
    if (this.allAscii(v) || isAscii(bytes)) return parseText(v, i, end, true);
    if (!isUtf8(bytes)) return BY_TOKENS;
    const value = parseText(v, i, end, true);
    if (value === BY_TOKENS || this.decodeElements(v, i, end, value as Record<string, unknown>)) return value;
    return parseText(v, i, end, false);
  }

  /**
   * Parses again from their UTF-8 the objects of the arrays of `value` (parsed as latin1 from
   * `v[i…end]`) that hold bytes that are not ASCII; false when such a byte lies outside them.
   */
  private decodeElements(v: Buffer, i: number, end: number, value: Record<string, unknown>): boolean {
    const starts = this.topStarts;
    const ends = this.topEnds;
    const elements = arrayObjects(value, this.topKeys);
    if (elements.length !== starts.length) return false;
    let k = 0;
    for (let at = nextNonAscii(v, i, end + 1); at !== -1; at = nextNonAscii(v, ends[k - 1]! + 1, end + 1)) {
      while (k < ends.length && ends[k]! < at) k++;
      if (k === ends.length || starts[k]! > at) return false;
      const element = parseText(v, starts[k]!, ends[k]!, false);
      if (element === BY_TOKENS) return false;
      const [array, index] = elements[k]!;
      array[index] = element;
      k++;
    }
    return true;
  }

  /**
   * The fast path of a top-level object (an envelope): one pass over its structure (strings jumped
   * with `indexOf`) that finds its end, its keys and where the objects in its arrays start, then one
   * `JSON.parse` of it, handed to `onWholeTop`. `BY_TOKENS` whenever the token path could differ.
   */
  private readWholeTop(v: Buffer, i: number, offset: number): number {
    const end = this.closingBracket(v, i, true);
    if (end < 0) return end;
    const value = this.parseTop(v, i, end);
    if (value === BY_TOKENS) return BY_TOKENS;
    const starts = this.topStarts;
    for (let k = 0; k < starts.length; k++) starts[k] = starts[k]! + offset - i;
    const endOffset = offset + end - i;
    if (!this.onWholeTop(value as Record<string, unknown>, this.topKeys, this.topStarts, offset, endOffset)) return BY_TOKENS;
    // What the tokens of the value would have left: the byte order mark's window closed, one more value read.
    this.members++;
    this.lastOffset = endOffset;
    this.wholeTopValues++;
    return end + 1;
  }

  /** Adds the key `v[from…to)` to `topKeys`: false when it is escaped, not ASCII, or already there. */
  private takeKey(v: Buffer, from: number, to: number): boolean {
    const keys = this.topKeys;
    if (keys.length >= WHOLE_TOP_MAX_KEYS) return false;
    for (let k = from; k < to; k++) if (v[k]! === 0x5c || v[k]! >= 0x80) return false;
    const key = (v as unknown as DecodingBuffer).latin1Slice(from, to);
    if (keys.includes(key)) return false;
    keys.push(key);
    return true;
  }

  /**
   * Index of the bracket that closes the one at `v[i]`, or `BY_TOKENS`: when it is not in these bytes
   * (the token path then finds damage in the same slice as before), or a byte between strings is no
   * JSON structure (damage the token path names). With `layout` (a top-level object), also its keys
   * in `topKeys` and where the objects in its arrays start and end in `topStarts` and `topEnds`, and
   * `BY_TOKENS` when it is longer than `WHOLE_TOP_MAX_BYTES` or a key is written twice, escaped, or is
   * not ASCII.
   */
  private closingBracket(v: Buffer, i: number, layout: boolean): number {
    this.topKeys.length = 0;
    this.topStarts.length = 0;
    this.topEnds.length = 0;
    const last = layout ? Math.min(v.length, i + WHOLE_TOP_MAX_BYTES) : v.length;
    let depth = 1;
    let max = 1;
    let afterString = false;
    let inArray = false; // the member being read (depth 2) is an array
    let keyFrom = -1; // a depth-1 string, until the `:` that makes it a key
    let keyTo = -1;
    for (let j = i + 1; j < last; j++) {
      const b = v[j]!;
      if (b === 0x22) {
        const q = closingQuote(v, j, j + 1);
        if (q < 0) return BY_TOKENS;
        if (layout && depth === 1) {
          keyFrom = j + 1;
          keyTo = q;
        }
        j = q;
        afterString = true;
        continue;
      }
      if (afterString && b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) {
        if (AFTER_STRING[b] === 0) return BY_TOKENS;
        afterString = false;
      }
      if (b === 0x7b || b === 0x5b) {
        if (layout && depth === 1) inArray = b === 0x5b;
        else if (layout && depth === 2 && inArray && b === 0x7b) this.topStarts.push(j);
        if (++depth > max) max = depth;
      } else if (b === 0x7d || b === 0x5d) {
        if (layout && depth === 3 && inArray && b === 0x7d) this.topEnds.push(j);
        if (--depth === 0) {
          this.wholeMax = max;
          return j;
        }
      } else if (layout && b === 0x3a && depth === 1) {
        if (keyFrom < 0 || !this.takeKey(v, keyFrom, keyTo)) return BY_TOKENS;
        keyFrom = -1;
      } else if (STRUCTURE[b] === 0) {
        return BY_TOKENS;
      }
    }
    return BY_TOKENS;
  }

  /**
   * A string: its closing quote found with `indexOf`, its bytes checked and decoded at once. One the
   * slice cuts is replayed as it comes (the old tokenizer's verdict on its damage, in the same slice).
   */
  private readString(v: Buffer, q0: number, offset: number): number {
    const q = closingQuote(v, q0, q0 + 1);
    let value: unknown;
    if (q >= 0 && !this.hasMark(v, q0, q) && isUtf8(v.subarray(q0, q + 1))) {
      try {
        value = JSON.parse((v as unknown as DecodingBuffer).utf8Slice(q0, q + 1));
      } catch {
        value = undefined;
      }
    }
    if (typeof value === 'string') {
      this.token(JsonToken.string, value, offset);
      return q + 1;
    }
    this.replay = new StringReplay(this.base + q0 + 1);
    this.replayOffset = offset;
    return this.replayed(this.replay.feed(v, this.base), offset);
  }

  private replayed(result: ReplayedString, offset: number): number {
    if (result.kind === 'more') return MORE;
    this.replay = undefined;
    if (result.kind === 'string') {
      this.token(JsonToken.string, result.value, offset);
      return result.close + 1 - this.base;
    }
    this.failTokenizer(result.kind === 'badByte' ? result.at : this.lastOffset);
    return STOPPED;
  }

  /** Whether every byte of `v` is ASCII, checked once per slice (`isAscii` runs at memory speed; a subarray per event did not). */
  private allAscii(v: Buffer): boolean {
    if (this.asciiView !== v) {
      this.asciiView = v;
      this.asciiAll = isAscii(v);
    }
    return this.asciiAll;
  }

  /**
   * Whether `v[from…to)` holds a byte order mark (EF BB BF). The old tokenizer's decoder dropped one
   * that began a decoded piece (a string's first bytes, or after a lone surrogate), so strings with
   * one take the replay. Searched once per slice and range, with `indexOf`: linear overall.
   */
  private hasMark(v: Buffer, from: number, to: number): boolean {
    if (this.markView !== v || from < this.markFrom || (this.markNext !== -1 && this.markNext < from)) {
      this.markView = v;
      this.markFrom = from;
      this.markNext = v.indexOf(BOM_BYTES, from);
    }
    return this.markNext !== -1 && this.markNext < to;
  }

  /** A number, read as the old tokenizer's states read it (`01` is two numbers, `1.` waits for a digit). */
  private readNumber(v: Buffer, i: number, offset: number, final: boolean): number {
    let j = i;
    if (v[j] === 0x2d) j++;
    if (j >= v.length) return MORE;
    if (!isDigit(v[j])) return this.badNumberByte(j);
    j = v[j] === 0x30 ? j + 1 : skipDigits(v, j + 1);
    if (j < v.length && v[j] === 0x2e) {
      j++;
      if (j >= v.length) return MORE;
      if (!isDigit(v[j])) return this.badNumberByte(j);
      j = skipDigits(v, j);
    }
    if (j < v.length && (v[j] === 0x65 || v[j] === 0x45)) {
      j++;
      if (j < v.length && (v[j] === 0x2b || v[j] === 0x2d)) j++;
      if (j >= v.length) return MORE;
      if (!isDigit(v[j])) return this.badNumberByte(j);
      j = skipDigits(v, j);
    }
    // A number that reaches the end of the bytes may go on in the next slice.
    if (j >= v.length && !final) return MORE;
    this.token(JsonToken.number, Number(v.toString('latin1', i, j)), offset);
    return j;
  }

  private badNumberByte(j: number): number {
    this.failTokenizer(this.base + j);
    return STOPPED;
  }

  /** The depth cap, then the envelope's hook, then the grammar. */
  private token(type: JsonTokenType, value: unknown, offset: number): void {
    const opens = type === JsonToken.leftBrace || type === JsonToken.leftBracket;
    const closes = type === JsonToken.rightBrace || type === JsonToken.rightBracket;
    if (this.skipping > 0) {
      if (opens) this.skipping++;
      else if (closes && --this.skipping === 0) this.forward(JsonToken.null, null, offset);
      return;
    }
    if (opens) {
      if (this.capDepth >= this.maxDepth) {
        this.skipping = 1;
        this.onTooDeep();
        return;
      }
      this.capDepth++;
    } else if (closes) {
      this.capDepth--;
    }
    this.forward(type, value, offset);
  }

  private forward(type: JsonTokenType, value: unknown, offset: number): void {
    if (this.failed !== undefined) return;
    this.lastOffset = offset;
    if (!this.onToken(type, value, offset)) return;
    if (type === JsonToken.leftBrace || type === JsonToken.leftBracket) this.depth++;
    else if (type === JsonToken.rightBrace || type === JsonToken.rightBracket) this.depth--;
    if (!this.grammar(type, value)) {
      this.fail('invalid JSON', offset);
      return;
    }
    this.afterToken(type, offset);
  }

  /** JSON's grammar over the tokens, building the selected values: false for a token it refuses. */
  private grammar(type: JsonTokenType, value: unknown): boolean {
    switch (this.state) {
      case State.Value:
        if (type >= JsonToken.true) {
          this.primitive(value);
          return true;
        }
        if (type === JsonToken.leftBrace || type === JsonToken.leftBracket) {
          this.open(type === JsonToken.leftBracket);
          return true;
        }
        if (type === JsonToken.rightBracket && this.array === true && this.members === 0) return this.close();
        return false;
      case State.Key:
        if (type === JsonToken.string) {
          this.key = value as string;
          this.state = State.Colon;
          return true;
        }
        return type === JsonToken.rightBrace && this.members === 0 && this.close();
      case State.Colon:
        if (type !== JsonToken.colon) return false;
        this.state = State.Value;
        return true;
      case State.Comma:
        if (type === JsonToken.comma) {
          if (this.array === true) (this.key as number)++;
          this.state = this.array === true ? State.Value : State.Key;
          return true;
        }
        return (type === JsonToken.rightBrace && this.array === false) || (type === JsonToken.rightBracket && this.array === true)
          ? this.close() : false;
    }
  }

  private primitive(value: unknown): void {
    if (this.array !== undefined) {
      if (this.container !== undefined) this.attach(value);
      this.state = State.Comma;
      this.members++;
    }
    if (this.selects(this.frames.length, this.key, this.frames[this.frames.length - 1]?.key)) this.onValue(value, this.key);
  }

  private open(array: boolean): void {
    this.members++;
    const emit = this.selects(this.frames.length, this.key, this.frames[this.frames.length - 1]?.key);
    this.frames.push({ key: this.key, container: this.container, array: this.array, members: this.members, emit });
    const child: Container | undefined = this.container !== undefined || emit ? (array ? [] : {}) : undefined;
    if (this.container !== undefined) this.attach(child);
    this.container = child;
    this.array = array;
    this.state = array ? State.Value : State.Key;
    this.key = array ? 0 : undefined;
    this.members = 0;
  }

  private close(): true {
    const value = this.container;
    const frame = this.frames.pop()!;
    this.key = frame.key;
    this.container = frame.container;
    this.array = frame.array;
    this.members = frame.members;
    this.state = this.array !== undefined ? State.Comma : State.Value;
    if (frame.emit) this.onValue(value, this.key);
    return true;
  }

  /** Puts a value in the container being built; `__proto__` becomes an own key, as JSON.parse makes it. */
  private attach(value: unknown): void {
    const container = this.container!;
    if (Array.isArray(container)) container.push(value);
    else if (this.key === '__proto__') Object.defineProperty(container, '__proto__', { value, writable: true, enumerable: true, configurable: true });
    else container[this.key as string] = value;
  }
}
