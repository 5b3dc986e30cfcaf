import { isAscii, isUtf8 } from 'node:buffer';

import { ASCII_BLOCK_BYTES, Byte, DECODE_REGION_BYTES, DEFAULT_MAX_LINE_BYTES, UTF8_BOM } from './constants.js';
import { StreamOptionError } from './errors.js';
import type { Line, LineOptions, LineStats, LongLinePolicy } from './types.js';
import { createLineStats } from './createLineStats.js';

/** Synchronous core of the line stage: feed it chunks, get back the lines each one completes. */
export interface LineSplitter {
  /** Consumes one chunk and returns the lines it completes (possibly none). */
  push(chunk: Uint8Array): Line[];
  /** Signals the end of input and returns the last line if it had no terminator. */
  end(): Line[];
  /** Lines returned so far. */
  readonly linesEmitted: number;
  /** Bytes of the unfinished line held right now; never more than `maxLineBytes + 1`. */
  readonly pendingBytes: number;
}

const NO_LINES: Line[] = [];

const NON_ASCII = /[\x80-\xff]/g;

/**
 * Index (relative to `start`) of the first byte ≥ 0x80 at or after `from`, or Infinity. `str` is
 * the latin1 decoding of the same bytes, so the regex only runs inside a block known to hold one.
 */
function findNonAscii(buf: Buffer, start: number, str: string, from: number): number {
  const len = str.length;
  for (let b = from; b < len; b += ASCII_BLOCK_BYTES) {
    const end = b + ASCII_BLOCK_BYTES < len ? b + ASCII_BLOCK_BYTES : len;
    if (!isAscii(buf.subarray(start + b, start + end))) {
      NON_ASCII.lastIndex = b;
      const match = NON_ASCII.exec(str);
      return match === null ? Infinity : match.index;
    }
  }
  return Infinity;
}

/**
 * Creates the byte-level line splitter behind `lineBatches` and `lines`.
 *
 * Splits at LF on bytes and strips a CR right before the LF (also when they arrive in different
 * chunks); decodes UTF-8 per line with U+FFFD replacement; strips a leading BOM; flushes a last line
 * without terminator. Memory: it holds at most `maxLineBytes + 1` bytes of an unfinished line
 * (default 1 MiB), however long that line grows; everything else is returned as it is pushed.
 *
 * @example
 * const splitter = createLineSplitter({ maxLineBytes: 4096, longLines: 'skip' });
 * const first = splitter.push(Buffer.from('a\r\nb')); // [{ text: 'a', number: 1, offset: 0, ... }]
 * const rest = splitter.end();                        // [{ text: 'b', number: 2, offset: 3, ... }]
 */
export function createLineSplitter(options: LineOptions = {}): LineSplitter {
  const resolved = resolveLineOptions(options);
  const splitter = new Splitter(resolved.maxLineBytes, resolved.longLines, resolved.stats, resolved.emptyLines === 'count');
  if (resolved.start !== undefined) splitter.startAt(resolved.start.offset, resolved.start.line);
  return splitter;
}

/** Validated line options with defaults applied; throws StreamOptionError naming the bad option. */
export function resolveLineOptions(options: LineOptions): {
  maxLineBytes: number;
  longLines: LongLinePolicy;
  stats: LineStats;
  emptyLines: 'emit' | 'count';
  start?: { offset: number; line: number };
} {
  if (options === null || typeof options !== 'object') {
    throw new StreamOptionError('options', 'an object', options);
  }
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1) {
    throw new StreamOptionError('maxLineBytes', 'a positive integer (bytes)', maxLineBytes);
  }
  const longLines = options.longLines ?? 'truncate';
  if (longLines !== 'truncate' && longLines !== 'skip') {
    throw new StreamOptionError('longLines', `'truncate' or 'skip'`, longLines);
  }
  const stats = options.stats ?? createLineStats();
  if (stats === null || typeof stats !== 'object' || typeof stats.lines !== 'number') {
    throw new StreamOptionError('stats', 'a LineStats object (see createLineStats())', stats);
  }
  const emptyLines = options.emptyLines ?? 'emit';
  if (emptyLines !== 'emit' && emptyLines !== 'count') {
    throw new StreamOptionError('emptyLines', `'emit' or 'count'`, emptyLines);
  }
  const start = options.start;
  if (start !== undefined && (start === null || !Number.isSafeInteger(start.offset) || start.offset < 0 || !Number.isSafeInteger(start.line) || start.line < 0)) {
    throw new StreamOptionError('start', '{ offset, line } of integers ≥ 0', start);
  }
  return { maxLineBytes, longLines, stats, emptyLines, ...(start === undefined ? {} : { start }) };
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

class Splitter implements LineSplitter {
  linesEmitted = 0;

  /** Number given to the last line emitted or skipped. */
  private lineNumber = 0;
  /** Object offset of the first byte of the chunk being pushed. */
  private offset = 0;

  /** Copies of the unfinished line's first bytes; at most `max + 1` bytes in all. */
  private tailParts: Buffer[] = [];
  private tailStored = 0;
  /** Full length of the unfinished line so far, including bytes not stored. */
  private tailTotal = 0;
  private tailStart = 0;
  /** Whether the unfinished line's last byte is a CR (it may not be stored when the line is long). */
  private tailLastCR = false;

  /** Until 3 bytes have arrived we cannot tell whether the object starts with a BOM. */
  private bomPending = true;
  private bomHead: Buffer | null = null;

  constructor(
    private readonly max: number,
    private readonly policy: LongLinePolicy,
    private readonly stats: LineStats,
    private readonly countEmpty: boolean,
  ) {}

  /** Empty lines counted (not returned) during the current push or end. */
  private empties = 0;

  /** Continues an object: the next byte is at `offset`, the next line is number `line + 1`, no BOM. */
  startAt(offset: number, line: number): void {
    this.offset = offset;
    this.lineNumber = line;
    this.bomPending = false;
  }

  get pendingBytes(): number {
    return this.tailStored + (this.bomHead?.length ?? 0);
  }

  push(chunk: Uint8Array): Line[] {
    this.stats.bytes += chunk.byteLength;
    let buf = asBuffer(chunk);
    if (this.bomPending) {
      const rest = this.takeBom(buf, false);
      if (rest === null) return NO_LINES;
      buf = rest;
    }
    const out = this.split(buf);
    this.linesEmitted += out.length + this.empties;
    this.stats.lines += out.length + this.empties;
    this.empties = 0;
    return out;
  }

  end(): Line[] {
    let out: Line[] = NO_LINES;
    if (this.bomPending) {
      // Fewer than 3 bytes in the whole object, all a BOM prefix: they are ordinary bytes.
      const rest = this.takeBom(Buffer.alloc(0), true);
      if (rest !== null && rest.length > 0) out = this.split(rest);
    }
    if (this.tailTotal > 0) {
      if (out === NO_LINES) out = [];
      this.finishTail(out, false);
    }
    this.linesEmitted += out.length + this.empties;
    this.stats.lines += out.length + this.empties;
    this.empties = 0;
    return out;
  }

  private split(buf: Buffer): Line[] {
    const len = buf.length;
    const firstLF = buf.indexOf(Byte.LF);
    if (firstLF === -1) {
      this.appendTail(buf, 0, len);
      this.offset += len;
      return NO_LINES;
    }
    const out: Line[] = [];
    let start = 0;
    if (this.tailTotal > 0) {
      this.appendTail(buf, 0, firstLF);
      this.finishTail(out, true);
      start = firstLF + 1;
    }
    const lastLF = firstLF === len - 1 ? firstLF : buf.lastIndexOf(Byte.LF);
    // Decode in sub-regions of about DECODE_REGION_BYTES: smaller strings are allocated in V8's young
    // generation, where a fresh 1 MiB string would be a large object paying page faults each time.
    for (let from = start; from <= lastLF; ) {
      const probe = from + DECODE_REGION_BYTES;
      const to = probe >= lastLF ? lastLF : buf.indexOf(Byte.LF, probe);
      this.splitRegion(buf, from, to, out);
      from = to + 1;
    }
    if (lastLF + 1 < len) this.appendTail(buf, lastLF + 1, len);
    this.offset += len;
    return out;
  }

  /** Returns the bytes after a BOM (or all of them if there is none), or null while undecided. */
  private takeBom(buf: Buffer, atEnd: boolean): Buffer | null {
    const combined = this.bomHead === null ? buf : Buffer.concat([this.bomHead, buf]);
    const n = Math.min(combined.length, UTF8_BOM.length);
    let prefixMatches = true;
    for (let i = 0; i < n; i++) if (combined[i] !== UTF8_BOM[i]) prefixMatches = false;
    if (prefixMatches && combined.length < UTF8_BOM.length && !atEnd) {
      this.bomHead = Buffer.from(combined);
      return null;
    }
    this.bomPending = false;
    this.bomHead = null;
    if (prefixMatches && combined.length >= UTF8_BOM.length) {
      this.offset += UTF8_BOM.length;
      return combined.subarray(UTF8_BOM.length);
    }
    return combined;
  }

  private appendTail(buf: Buffer, from: number, to: number): void {
    const n = to - from;
    if (n === 0) return;
    if (this.tailTotal === 0) this.tailStart = this.offset + from;
    const room = this.max + 1 - this.tailStored;
    if (room > 0) {
      const take = n < room ? n : room;
      // Copy: a view would pin the whole (up to 1 MiB) chunk for as long as the line is unfinished.
      this.tailParts.push(Buffer.from(buf.subarray(from, from + take)));
      this.tailStored += take;
    }
    this.tailTotal += n;
    this.tailLastCR = buf[to - 1] === Byte.CR;
  }

  private finishTail(out: Line[], terminated: boolean): void {
    const stored =
      this.tailParts.length === 1 ? this.tailParts[0]! : Buffer.concat(this.tailParts, this.tailStored);
    const contentBytes = this.tailTotal - (terminated && this.tailLastCR ? 1 : 0);
    const start = this.tailStart;
    this.tailParts = [];
    this.tailStored = 0;
    this.tailTotal = 0;
    this.tailLastCR = false;
    this.emitBytes(stored, 0, contentBytes, start, contentBytes, out);
  }

  /**
   * Splits `buf[start..lastLF]`, which holds only complete lines. The region is decoded once as
   * latin1, which for ASCII is the identity, so string indexes are byte offsets and each line is a
   * cheap slice; this is what keeps the stage near memchr speed. Lines holding a byte ≥ 0x80 are
   * found block-wise with isAscii (SIMD) and decoded again on their own as UTF-8. (Decoding the
   * whole region as UTF-8 instead is ~5× slower than latin1 on Node 20.)
   */
  private splitRegion(buf: Buffer, start: number, lastLF: number, out: Line[]): void {
    const base = this.offset + start;
    const max = this.max;
    const str = buf.toString('latin1', start, lastLF + 1);
    const strLen = str.length;
    let nonAscii = isAscii(buf.subarray(start, lastLF)) ? Infinity : findNonAscii(buf, start, str, 0);
    let number = this.lineNumber;
    let p = 0;
    const countEmpty = this.countEmpty;
    while (p < strLen) {
      if (countEmpty && str.charCodeAt(p) === Byte.LF) {
        // A run of bare newlines: counted, no line objects.
        const from = p;
        while (p < strLen && str.charCodeAt(p) === Byte.LF) p++;
        number += p - from;
        this.empties += p - from;
        continue;
      }
      const nl = str.indexOf('\n', p);
      const e = nl > p && str.charCodeAt(nl - 1) === Byte.CR ? nl - 1 : nl;
      const n = e - p;
      if (n === 0 && countEmpty) {
        // `\r\n` alone.
        number++;
        this.empties++;
        p = nl + 1;
        continue;
      }
      if (nonAscii > nl && n <= max) {
        out.push({ text: str.slice(p, e), number: ++number, offset: base + p, bytes: n, truncated: false });
      } else {
        this.lineNumber = number;
        this.emitBytes(buf, start + p, start + e, base + p, n, out);
        number = this.lineNumber;
        if (nonAscii < nl) nonAscii = findNonAscii(buf, start, str, nl + 1);
      }
      p = nl + 1;
    }
    this.lineNumber = number;
  }

  /**
   * Emits one line whose available bytes are `buf[from..to)` and whose full content length is
   * `bytes` (larger than `to - from` only for a long line whose rest was never stored).
   */
  private emitBytes(buf: Buffer, from: number, to: number, offset: number, bytes: number, out: Line[]): void {
    const number = ++this.lineNumber;
    if (bytes === 0 && this.countEmpty) {
      this.empties++;
      return;
    }
    let end = to;
    let truncated = false;
    if (bytes > this.max) {
      if (this.policy === 'skip') {
        this.stats.skippedLines += 1;
        return;
      }
      end = from + this.max;
      // Cut before a character rather than through it, so truncation alone never yields U+FFFD.
      for (let k = 0; k < 3 && end > from && ((buf[end] ?? 0) & 0xc0) === 0x80; k++) end--;
      truncated = true;
      this.stats.truncatedLines += 1;
    }
    let text: string;
    const slice = buf.subarray(from, end);
    if (isAscii(slice)) text = buf.toString('latin1', from, end);
    else {
      if (!isUtf8(slice)) this.stats.invalidUtf8Lines += 1;
      text = buf.toString('utf8', from, end);
    }
    out.push({ text, number, offset, bytes, truncated });
  }
}
