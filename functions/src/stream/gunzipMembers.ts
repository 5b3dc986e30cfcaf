import * as zlib from 'node:zlib';
import type { Transform } from 'node:stream';

import { Magic } from './constants.js';
import { DecompressError, errorMessage } from './errors.js';
import { NOT_READY, readyThisTurn } from './readyThisTurn.js';

/** What `gunzipMembers` reports while it runs. */
export interface GunzipProgress {
  /** Compressed bytes taken from the source so far. */
  bytesIn: number;
  /** Decompressed bytes yielded so far. */
  bytesOut: number;
  /** Bytes between or after members that were no gzip member, skipped (0 for a clean stream). */
  skippedBytes: number;
  /** Compressed offset of the first skipped byte, or -1. */
  firstSkippedAt: number;
  /** Members read whole. */
  members: number;
  /**
   * Called at each member whose header is valid, with its compressed offset and the decompressed
   * offset its output starts at (`bytesOut` then): a place the stream can be read again from.
   */
  onMember?: (compressedOffset: number, decompressedOffset: number) => void;
}

const FTEXT_HCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const GZIP_TRAILER_BYTES = 8;
/** Longest header kept while it is read (FEXTRA holds at most 64 KiB; names are short). */
const MAX_HEADER_BYTES = 256 * 1024;

type Crc32 = (data: Uint8Array, value?: number) => number;
const crc32: Crc32 | undefined = (zlib as unknown as { crc32?: Crc32 }).crc32;

/**
 * gzip, member by member (RFC 1952): each member's header is read here, its deflate data goes
 * through zlib's raw inflate (in one synchronous call when it lies in the chunk at hand and decodes
 * to at most 256 KiB, as Firehose's small members do; otherwise streamed on the thread pool), and
 * its trailer (CRC-32 where `zlib.crc32` exists, size) is checked here. Unlike zlib's gunzip, which fails at (and drops the last output chunk
 * before) any byte after a member that starts no new member, bytes that are no member are
 * skipped up to the next member header and counted in `progress.skippedBytes` (its first offset in
 * `firstSkippedAt`), so the members around them are still read. Memory: the inflater's output
 * chunk (`chunkSize`; a member inflated at once is at most that too), one source chunk in flight
 * (two joined, for a small member cut by a chunk's end; for a streamed member, the chunks ready
 * joined up to `STREAMED_INPUT_BYTES`, 512 KiB), one member header (≤ 256 KiB).
 *
 * @throws DecompressError on a corrupt member (bad deflate data, CRC or size mismatch) or input
 * that ends inside a member, after yielding what was decoded before it.
 * @example
 * const progress = { bytesIn: 0, bytesOut: 0, skippedBytes: 0, firstSkippedAt: -1, members: 0 };
 * for await (const chunk of gunzipMembers(source, 1 << 20, progress)) write(chunk);
 */
export async function* gunzipMembers(
  source: AsyncIterable<Uint8Array>,
  chunkSize: number,
  progress: GunzipProgress,
): AsyncGenerator<Uint8Array> {
  const reader = new PushbackReader(source[Symbol.asyncIterator](), progress);
  try {
    for (;;) {
      const found = await findMember(reader, progress);
      if (!found) return;
      const start = reader.offset;
      const header = await readHeader(reader);
      if (header === undefined) {
        // A magic number with no valid header after it: skip the magic's first byte, look again.
        reader.unshift(Buffer.from(Magic.gzip.slice(1)));
        skipped(progress, reader.offset - 1, 1);
        continue;
      }
      progress.onMember?.(start, progress.bytesOut);
      yield* inflateMember(reader, chunkSize, progress, start);
      progress.members++;
    }
  } finally {
    await reader.close();
  }
}

function skipped(progress: GunzipProgress, at: number, bytes: number): void {
  if (bytes <= 0) return;
  if (progress.firstSkippedAt < 0) progress.firstSkippedAt = at;
  progress.skippedBytes += bytes;
}

/** Reads up to the next `1f 8b 08`; bytes before it are skipped and counted. False at the end of input. */
async function findMember(reader: PushbackReader, progress: GunzipProgress): Promise<boolean> {
  for (;;) {
    const head = await reader.peekConcat(3);
    if (head === undefined) {
      const rest = await reader.peekAll();
      skipped(progress, reader.offset, rest.length);
      await reader.skip(rest.length);
      return false;
    }
    if (head[0] === Magic.gzip[0] && head[1] === Magic.gzip[1] && head[2] === 8) return true;
    const chunk = (await reader.next())!;
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let i = buf.indexOf(Magic.gzip[0], 1);
    if (i < 0) i = buf.length;
    skipped(progress, reader.offset - buf.length, i);
    if (i < buf.length) reader.unshift(buf.subarray(i));
  }
}

/** Consumes one member header at the reader's position; undefined (nothing consumed past the magic) when it is not one. */
async function readHeader(reader: PushbackReader): Promise<true | undefined> {
  const fixed = await reader.peekConcat(10);
  if (fixed === undefined) return undefined;
  const flags = fixed[3]!;
  if ((flags & 0xe0) !== 0) {
    await reader.skip(2);
    return undefined;
  }
  let length = 10;
  if (flags & FEXTRA) {
    const x = await reader.peekConcat(length + 2);
    if (x === undefined) return failHeader(reader);
    length += 2 + (x[length]! | (x[length + 1]! << 8));
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if ((flags & flag) === 0) continue;
    // A zero-terminated string.
    for (;;) {
      if (length >= MAX_HEADER_BYTES) return failHeader(reader);
      const h = await reader.peekConcat(Math.min(length + 1024, MAX_HEADER_BYTES));
      const available = h ?? (await reader.peekAll());
      const end = available.indexOf(0, length);
      if (end >= 0) {
        length = end + 1;
        break;
      }
      if (h === undefined) return failHeader(reader);
      length = h.length;
    }
  }
  if (flags & FTEXT_HCRC) length += 2;
  if ((await reader.peekConcat(length)) === undefined) return failHeader(reader);
  await reader.skip(length);
  return true;
}

async function failHeader(reader: PushbackReader): Promise<undefined> {
  await reader.skip(2);
  return undefined;
}

/**
 * Members whose decompressed data is at most this many bytes, and whose deflate data lies in the
 * chunk at hand, are inflated in one synchronous call (at most about 1 ms of the event loop) instead
 * of through a stream on the thread pool: Firehose writes one member per CloudWatch Logs envelope,
 * of a few KiB each, and a stream per member cost about 30× the inflate itself.
 */
export const SYNC_MEMBER_MAX_BYTES = 256 * 1024;

/**
 * Output chunk of that one call (128 KiB): the decoded bytes of most such members fit one chunk, which
 * is handed on as it is. With zlib's default of 16 KiB, a 56 KiB envelope took four chunks joined by a
 * copy, and the inflate took a third longer (4 613 Firehose members: 328–399 ms against 226–282).
 */
const SYNC_INFLATE_CHUNK_BYTES = 128 * 1024;

/** Inflates one member's deflate data, then checks its trailer. */
async function* inflateMember(reader: PushbackReader, chunkSize: number, progress: GunzipProgress, memberStart: number): AsyncGenerator<Uint8Array> {
  const whole = await inflateInChunk(reader, Math.min(SYNC_MEMBER_MAX_BYTES, chunkSize));
  if (whole === undefined) {
    await checkTrailer(reader, progress, memberStart, yield* inflateStreamed(reader, chunkSize, progress));
    return;
  }
  // Checked before it is yielded: a member decoded at once that fails its trailer yields nothing.
  await checkTrailer(reader, progress, memberStart, { crc: crc32 ? crc32(whole) : 0, size: whole.byteLength });
  progress.bytesOut += whole.byteLength;
  if (whole.byteLength > 0) yield whole;
}

/** A member cut by the end of a chunk smaller than this is tried once more in one call, that chunk joined with the next. */
const SYNC_MEMBER_MAX_INPUT = 1024 * 1024;

/**
 * The member's decompressed bytes when its deflate data ends inside the reader's next chunk (or,
 * when that chunk is under SYNC_MEMBER_MAX_INPUT bytes, inside it joined with the one after) and
 * decodes to at most `maxOutputLength` (SYNC_MEMBER_MAX_BYTES, or `chunkSize` when smaller); the
 * rest is given back. Otherwise (it goes on further, is larger, or is corrupt) undefined with
 * nothing consumed, and the streamed path reads it, with its own errors and offsets. Such a miss
 * costs the one call's work, at most `maxOutputLength` of output (about 1 ms), once per member.
 */
async function inflateInChunk(reader: PushbackReader, maxOutputLength: number): Promise<Buffer | undefined> {
  let input = await reader.next();
  for (let joined = false; input !== undefined; joined = true) {
    const result = inflateAtOnce(input, maxOutputLength);
    if (typeof result !== 'string') {
      reader.unshift(input.subarray(result.consumed));
      return result.bytes;
    }
    reader.unshift(input);
    // Only a member cut by the chunk's end (zlib wants more input) is tried once more, with the next chunk joined.
    if (joined || result !== 'Z_BUF_ERROR' || input.byteLength >= SYNC_MEMBER_MAX_INPUT) return undefined;
    // peekConcat leaves the joined bytes in place as one chunk: the next read returns them whole.
    if ((await reader.peekConcat(input.byteLength + 1)) === undefined) return undefined;
    input = await reader.next();
  }
  return undefined;
}

/**
 * One `inflateRawSync` call: the bytes and how much input they took, or the code of zlib's error.
 * The error gets no stack (the limit is 0 for this synchronous call only): Node formats the stack
 * of every zlib error, and under --enable-source-maps the first one decoded the bundle's source
 * map for good (+60 MiB RSS on CloudWatch Logs envelopes, where members cut by a chunk's end miss).
 */
function inflateAtOnce(input: Uint8Array, maxOutputLength: number): { bytes: Buffer; consumed: number } | string {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const { buffer, engine } = zlib.inflateRawSync(input, { info: true, maxOutputLength, chunkSize: Math.max(zlib.constants.Z_MIN_CHUNK, Math.min(maxOutputLength, SYNC_INFLATE_CHUNK_BYTES)) }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    return { bytes: buffer, consumed: engine.bytesWritten };
  } catch (error) {
    return String((error as { code?: unknown }).code ?? 'error');
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * Most compressed input written to a streamed inflate at once (512 KiB): the source's chunks that
 * are already there are joined up to it (a copy). Each write ends with a round trip through the
 * main thread (its callback, the next read) while the inflater waits; with the source's 256 KiB
 * chunks a write lasted about 1.3 MiB of output. Through LocalStack on 2 cores, 512 MiB objects,
 * the handler alternating with the bundle before (medians of 6): typical gzip log 1 408 against
 * 1 572 ms, error-heavy 2 275 against 2 503; peak RSS 2–6 MiB more. 1 MiB gained a little more, with
 * 5–18 MiB more RSS on the error-heavy log.
 */
const STREAMED_INPUT_BYTES = 512 * 1024;

/** Inflates one member's deflate data through zlib's raw inflate on the thread pool; returns its CRC-32 and size. */
async function* inflateStreamed(reader: PushbackReader, chunkSize: number, progress: GunzipProgress): AsyncGenerator<Uint8Array, { crc: number; size: number }> {
  const inflater = zlib.createInflateRaw({ chunkSize });
  const dataStart = reader.offset;
  let fed = 0;
  let sourceError: unknown;
  let failed = false;
  const pump = (async (): Promise<void> => {
    try {
      while (!inflater.destroyed) {
        const chunk = await reader.nextJoined(STREAMED_INPUT_BYTES);
        if (chunk === undefined) {
          inflater.end();
          return;
        }
        const chunkStart = fed;
        fed += chunk.byteLength;
        // One write at a time: a chunk written after the deflate stream ended would be an error.
        await written(inflater, chunk);
        if (!inflater.destroyed && inflater.bytesWritten < fed) {
          // The deflate stream ended inside this chunk: the rest is the trailer and what follows.
          reader.unshift(chunk.subarray(inflater.bytesWritten - chunkStart));
          return;
        }
      }
    } catch (error) {
      sourceError = error;
      failed = true;
      if (!inflater.destroyed) inflater.end();
    }
  })();
  let crc = 0;
  let size = 0;
  try {
    // Not destroyed by the loop's end: the member's writable side is left open when its deflate data
    // ends inside a chunk, so the iterator would destroy it with an AbortError, one per member, whose
    // stack was then formatted (with --enable-source-maps: the bundle's source map decoded, +40 MiB).
    for await (const out of inflater.iterator({ destroyOnReturn: false })) {
      const bytes = out as Buffer;
      if (crc32) crc = crc32(bytes, crc);
      size += bytes.byteLength;
      progress.bytesOut += bytes.byteLength;
      yield bytes;
    }
  } catch (error) {
    if (!inflater.destroyed) inflater.destroy();
    await pump;
    if (failed) throw sourceError;
    throw new DecompressError(`Corrupt or truncated gzip input: ${errorMessage(error)}`, {
      compression: 'gzip',
      offset: dataStart + inflater.bytesWritten,
      bytesOut: progress.bytesOut,
      cause: error,
    });
  } finally {
    if (!inflater.destroyed) inflater.destroy();
    // The source must not be read by the pump once this member is done with.
    await pump;
  }
  if (failed) throw sourceError;
  return { crc, size };
}

/** Reads the member's trailer and checks its CRC-32 (where `zlib.crc32` exists) and size against what was decoded. */
async function checkTrailer(reader: PushbackReader, progress: GunzipProgress, memberStart: number, decoded: { crc: number; size: number }): Promise<void> {
  const trailer = await reader.peekConcat(GZIP_TRAILER_BYTES);
  if (trailer === undefined) {
    throw new DecompressError('Corrupt or truncated gzip input: the member ends without its trailer', {
      compression: 'gzip', offset: reader.offset, bytesOut: progress.bytesOut, cause: new Error('unexpected end of file'),
    });
  }
  const storedCrc = trailer.readUInt32LE(0);
  const storedSize = trailer.readUInt32LE(4);
  const { crc, size } = decoded;
  const check = storedSize !== size % 2 ** 32 ? `size: trailer says ${storedSize}, ${size % 2 ** 32} decoded`
    : crc32 && storedCrc !== crc >>> 0 ? `CRC-32: trailer says ${storedCrc}, ${crc >>> 0} decoded` : undefined;
  if (check !== undefined) {
    throw new DecompressError(`Corrupt gzip input: the member that starts at byte ${memberStart} fails its check`, {
      compression: 'gzip', offset: reader.offset, bytesOut: progress.bytesOut, cause: new Error(check),
    });
  }
  await reader.skip(GZIP_TRAILER_BYTES);
}

/** Resolves once `chunk` was processed (or the stream closed). */
function written(stream: Transform, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('close', done);
      resolve();
    };
    stream.once('close', done);
    stream.write(chunk, done);
  });
}

/** A source iterator with pushback and small peeks; counts the bytes it takes from the source. */
class PushbackReader {
  /** Compressed offset of the next byte `next()` returns. */
  offset = 0;
  private readonly back: Uint8Array[] = [];
  private done = false;
  /** A read of the source that `nextJoined` stopped waiting for: the next read takes it first. */
  private pending: Promise<IteratorResult<Uint8Array>> | undefined;

  constructor(
    private readonly source: AsyncIterator<Uint8Array>,
    private readonly progress: GunzipProgress,
  ) {}

  async next(): Promise<Uint8Array | undefined> {
    const held = this.back.pop();
    if (held !== undefined) {
      this.offset += held.byteLength;
      return held;
    }
    if (this.done) return undefined;
    for (;;) {
      const pending = this.pending;
      this.pending = undefined;
      const result = await (pending ?? this.source.next());
      if (result.done === true) {
        this.done = true;
        return undefined;
      }
      if (result.value.byteLength === 0) continue;
      this.take(result.value);
      return result.value;
    }
  }

  /** Counts a chunk taken from the source. */
  private take(chunk: Uint8Array): void {
    this.progress.bytesIn += chunk.byteLength;
    this.offset += chunk.byteLength;
  }

  /**
   * The next chunk joined with those after it that are ready by the next event-loop turn, until
   * `maxBytes` (a chunk is never split; one that is not ready is read by the next call).
   */
  async nextJoined(maxBytes: number): Promise<Uint8Array | undefined> {
    const first = await this.next();
    if (first === undefined || first.byteLength >= maxBytes) return first;
    const parts = [first];
    let have = first.byteLength;
    while (have < maxBytes && this.back.length === 0 && !this.done) {
      const next = this.pending ?? this.source.next();
      // A source that fails is failed by the next read, after the bytes joined so far are handed on.
      const ready = await readyThisTurn(next).catch((): typeof NOT_READY => NOT_READY);
      if (ready === NOT_READY) {
        this.pending = next;
        break;
      }
      this.pending = undefined;
      if (ready.done === true) {
        this.done = true;
        break;
      }
      if (ready.value.byteLength === 0) continue;
      if (have + ready.value.byteLength > maxBytes) {
        this.take(ready.value);
        this.unshift(ready.value);
        break;
      }
      this.take(ready.value);
      parts.push(ready.value);
      have += ready.value.byteLength;
    }
    return parts.length === 1 ? first : Buffer.concat(parts, have);
  }

  /** Gives bytes back: the next `next()` returns them first. */
  unshift(bytes: Uint8Array): void {
    if (bytes.byteLength === 0) return;
    this.offset -= bytes.byteLength;
    this.back.push(bytes);
  }

  /** The next `n` bytes without consuming them, or undefined when the input ends first. */
  async peekConcat(n: number): Promise<Buffer | undefined> {
    const parts: Uint8Array[] = [];
    let have = 0;
    while (have < n) {
      const chunk = await this.next();
      if (chunk === undefined) break;
      parts.push(chunk);
      have += chunk.byteLength;
    }
    for (let i = parts.length - 1; i >= 0; i--) this.unshift(parts[i]!);
    if (have < n) return undefined;
    if (parts.length === 1) {
      const only = parts[0]!;
      return Buffer.from(only.buffer, only.byteOffset, only.byteLength).subarray(0, n);
    }
    const joined = Buffer.concat(parts, have);
    // Keep one joined chunk in place of the parts, so peeks do not re-concatenate.
    for (let i = 0; i < parts.length; i++) this.back.pop();
    this.back.push(joined);
    return joined.subarray(0, n);
  }

  /** Every byte left (only used on a short tail). */
  async peekAll(): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    for (let c = await this.next(); c !== undefined; c = await this.next()) parts.push(c);
    const joined = Buffer.concat(parts);
    this.unshift(joined);
    return joined;
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      const chunk = await this.next();
      if (chunk === undefined) return;
      if (chunk.byteLength > left) {
        this.unshift(chunk.subarray(left));
        return;
      }
      left -= chunk.byteLength;
    }
  }

  async close(): Promise<void> {
    if (!this.done) await this.source.return?.();
    this.done = true;
  }
}
