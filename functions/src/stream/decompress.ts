import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import * as zlib from 'node:zlib';
import type { Transform } from 'node:stream';

import { Decompress as FzstdDecompress } from 'fzstd';

import { Compression, FZSTD_MAX_WINDOW_BYTES, FZSTD_MIN_SLICE_BYTES, FZSTD_OUTPUT_BUDGET_BYTES, FZSTD_SLICE_BYTES, FZSTD_YIELD_AFTER_MS, Magic, ZLIB_CHUNK_SIZE, ZSTD_MAX_WINDOW_BYTES } from './constants.js';
import { DecompressError, errorMessage, StreamOptionError } from './errors.js';
import { gunzipMembers } from './gunzipMembers.js';
import type { GunzipProgress } from './gunzipMembers.js';
import { zstdFrames } from './zstdFrames.js';
import type { ZstdFrameProgress } from './zstdFrames.js';
import type { CompressionFormat, DecompressedStream, RestartPoint } from './types.js';

/** Options of `decompress`. */
export interface DecompressOptions {
  /**
   * zlib output chunk size in bytes. Default 1 MiB (`ZLIB_CHUNK_SIZE`): far fewer thread-pool round
   * trips than zlib's 16 KiB. Memory: at most three output chunks at a time (the one being read,
   * one buffered, one being filled), plus the decoder's window (32 KiB gzip, ≤ 8 MiB zstd).
   */
  chunkSize?: number;
  /**
   * zstd decoder: `auto` (default) uses Node's zlib zstd where it exists (Node ≥ 22.15), else the
   * pure-JS `fzstd`; `node` requires Node's; `fzstd` forces the fallback.
   */
  zstdDecoder?: 'auto' | 'node' | 'fzstd';
  /** The format, when known already (a stream continued from a member or frame start): not sniffed then. */
  compression?: CompressionFormat;
}

type ZstdFactory = (options: zlib.ZlibOptions) => Transform;

/** Node's zstd decompressor when this runtime has one (Node ≥ 22.15), otherwise undefined. */
export const nodeZstdDecompress: ZstdFactory | undefined = (
  zlib as unknown as { createZstdDecompress?: ZstdFactory }
).createZstdDecompress;

/**
 * Decompresses a byte stream whose format is detected from its first bytes (magic numbers), never
 * from the key suffix or Content-Encoding: gzip (multi-member too, as Firehose writes), zstd (multi
 * frame too), anything else passes through unchanged.
 *
 * The returned stream reports `compression` once iteration has read the first bytes, and running
 * `bytesIn`/`bytesOut`. Corrupt or truncated input raises a `DecompressError` carrying the
 * compressed offset reached; an error from the source propagates unchanged. Memory: at most three
 * `chunkSize` output buffers (default 1 MiB each), the decoder's window and two source chunks; the
 * pure-JS zstd fallback (Node < 22.15, not Lambda's Node 22) holds what one 64 KiB input slice
 * decodes to, i.e. 64 KiB × the compression ratio, plus its window.
 * Breaking out of the loop destroys the decoder and returns the source iterator.
 *
 * @example
 * const stream = decompress(source.bytes);
 * for await (const line of lines(stream)) handle(line);
 * console.log(stream.compression, stream.bytesIn, stream.bytesOut);
 */
export function decompress(bytes: AsyncIterable<Uint8Array>, options: DecompressOptions = {}): DecompressedStream {
  if (options === null || typeof options !== 'object') {
    throw new StreamOptionError('options', 'an object', options);
  }
  const chunkSize = options.chunkSize ?? ZLIB_CHUNK_SIZE;
  // zlib's own floor is 64 bytes.
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 64) {
    throw new StreamOptionError('chunkSize', 'an integer ≥ 64 (bytes)', chunkSize);
  }
  const zstdDecoder = options.zstdDecoder ?? 'auto';
  if (zstdDecoder !== 'auto' && zstdDecoder !== 'node' && zstdDecoder !== 'fzstd') {
    throw new StreamOptionError('zstdDecoder', `'auto', 'node' or 'fzstd'`, zstdDecoder);
  }
  if (zstdDecoder === 'node' && nodeZstdDecompress === undefined) {
    throw new StreamOptionError('zstdDecoder', `'auto' or 'fzstd' on ${process.version} (no zlib zstd)`, zstdDecoder);
  }
  const forced = options.compression;
  if (forced !== undefined && forced !== 'none' && forced !== 'gzip' && forced !== 'zstd') {
    throw new StreamOptionError('compression', `'none', 'gzip', 'zstd' or undefined`, forced);
  }
  return new Decompressed(bytes, chunkSize, zstdDecoder, forced);
}

/** Format named by the first bytes; needs up to 4 bytes (fewer only when the input is that short). */
function detect(head: Uint8Array): CompressionFormat {
  if (head.length >= 2 && head[0] === Magic.gzip[0] && head[1] === Magic.gzip[1]) return Compression.gzip;
  if (head.length >= 4 && Magic.zstd.every((byte, i) => head[i] === byte)) return Compression.zstd;
  return Compression.none;
}

const MAGIC_BYTES = 4;
/** Restart points kept (member or frame starts): 1 024 × 4 numbers; older ones fall back to the stream's start. */
const MAX_RESTART_POINTS = 1_024;

class Decompressed implements DecompressedStream {
  compression: CompressionFormat | undefined;
  bytesIn = 0;
  bytesOut = 0;
  private started = false;
  private gzip: GunzipProgress | undefined;
  private zstd: ZstdFrameProgress | undefined;
  /** Member or frame starts, oldest first (at most MAX_RESTART_POINTS). */
  private readonly points: RestartPoint[] = [];

  get skippedBytes(): number {
    return this.gzip?.skippedBytes ?? this.zstd?.skippedBytes ?? 0;
  }

  get firstSkippedAt(): number {
    return this.gzip?.firstSkippedAt ?? this.zstd?.firstSkippedAt ?? -1;
  }

  constructor(
    private readonly source: AsyncIterable<Uint8Array>,
    private readonly chunkSize: number,
    private readonly zstdDecoder: 'auto' | 'node' | 'fzstd',
    private readonly forced: CompressionFormat | undefined,
  ) {}

  restartPoint(decompressedOffset: number): RestartPoint {
    if (this.compression === Compression.none) return { compressedOffset: decompressedOffset, decompressedOffset, skippedBytes: 0, firstSkippedAt: -1 };
    for (let i = this.points.length - 1; i >= 0; i--) {
      if (this.points[i]!.decompressedOffset <= decompressedOffset) return this.points[i]!;
    }
    return { compressedOffset: 0, decompressedOffset: 0, skippedBytes: 0, firstSkippedAt: -1 };
  }

  /** Notes a member or frame start; the skip counters are those of the bytes before it. */
  private notePoint(compressedOffset: number, decompressedOffset: number): void {
    if (this.points.length >= MAX_RESTART_POINTS) this.points.shift();
    this.points.push({ compressedOffset, decompressedOffset, skippedBytes: this.skippedBytes, firstSkippedAt: this.firstSkippedAt });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (this.started) throw new StreamOptionError('bytes', 'iterated once (decompress() is single-use)', 'a second iteration');
    this.started = true;
    const iterator = this.source[Symbol.asyncIterator]();
    const head: Uint8Array[] = [];
    let headBytes = 0;
    let ended = false;
    try {
      while (headBytes < MAGIC_BYTES) {
        const result = await iterator.next();
        if (result.done === true) {
          ended = true;
          break;
        }
        if (result.value.byteLength === 0) continue;
        head.push(result.value);
        headBytes += result.value.byteLength;
        this.bytesIn += result.value.byteLength;
      }
    } catch (error) {
      ended = true;
      throw error;
    } finally {
      if (!ended && headBytes < MAGIC_BYTES) await iterator.return?.();
    }
    const first = head.length === 1 ? head[0]! : Buffer.concat(head, headBytes);
    this.compression = this.forced ?? detect(first.subarray(0, MAGIC_BYTES));
    const input = this.replay(head, ended ? undefined : iterator);

    if (this.compression === Compression.none) {
      for await (const chunk of input) {
        this.bytesOut += chunk.byteLength;
        yield chunk;
      }
      return;
    }
    if (this.compression === Compression.gzip) {
      const progress: GunzipProgress = {
        bytesIn: 0, bytesOut: 0, skippedBytes: 0, firstSkippedAt: -1, members: 0, onMember: (at, out) => this.notePoint(at, out),
      };
      this.gzip = progress;
      for await (const chunk of gunzipMembers(input, this.chunkSize, progress)) {
        this.bytesOut += chunk.byteLength;
        yield chunk;
      }
      return;
    }
    // Frames are walked ahead of the decoder: a window above the bound is refused before it is allocated.
    const progress: ZstdFrameProgress = { skippedBytes: 0, firstSkippedAt: -1, frames: 0, onFrame: (at, out) => this.notePoint(at, out) };
    this.zstd = progress;
    const native = this.zstdDecoder !== 'fzstd' && nodeZstdDecompress !== undefined;
    const frames = zstdFrames(input, native ? ZSTD_MAX_WINDOW_BYTES : FZSTD_MAX_WINDOW_BYTES, progress, () => this.bytesOut);
    if (native) {
      yield* this.viaZlib(nodeZstdDecompress!({ chunkSize: this.chunkSize }), frames);
      return;
    }
    yield* this.viaFzstd(frames);
  }

  /** The peeked chunks, then the rest of the source, counting compressed bytes as they pass. */
  private async *replay(head: Uint8Array[], rest: AsyncIterator<Uint8Array> | undefined): AsyncGenerator<Uint8Array> {
    let finished = rest === undefined;
    try {
      yield* head;
      if (rest === undefined) return;
      for (;;) {
        const result = await rest.next();
        if (result.done === true) {
          finished = true;
          return;
        }
        this.bytesIn += result.value.byteLength;
        yield result.value;
      }
    } catch (error) {
      // A source that threw is finished; one that did not is returned below.
      finished = true;
      throw error;
    } finally {
      // Returned early (also while still replaying the head): close the source, e.g. an S3 body.
      if (!finished) await rest?.return?.();
    }
  }

  /**
   * Runs a zlib transform on the thread pool: a pump writes input with backpressure while this
   * generator reads output, so decoding and line splitting overlap.
   */
  private async *viaZlib(decoder: Transform, input: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
    const compression = this.compression!;
    let sourceFailed = false;
    let sourceError: unknown;
    const pump = (async (): Promise<void> => {
      try {
        for await (const chunk of input) {
          if (decoder.destroyed) return;
          if (!decoder.write(chunk)) await drainedOrClosed(decoder);
          if (decoder.destroyed) return;
        }
        decoder.end();
      } catch (error) {
        sourceFailed = true;
        sourceError = error;
        // End rather than destroy: output already decoded still reaches the consumer before the
        // source's error is rethrown (the decoder's own end-of-input complaint is not reported).
        if (!decoder.destroyed) decoder.end();
      }
    })();
    try {
      for await (const chunk of decoder) {
        const bytes = chunk as Buffer;
        this.bytesOut += bytes.byteLength;
        yield bytes;
      }
    } catch (error) {
      if (sourceFailed) throw sourceError;
      if (error instanceof DecompressError) throw error;
      throw new DecompressError(`Corrupt or truncated ${compression} input: ${errorMessage(error)}`, {
        compression,
        offset: consumedBy(decoder, this.bytesIn),
        bytesOut: this.bytesOut,
        cause: error,
      });
    } finally {
      if (!decoder.destroyed) decoder.destroy();
      // Wait for the pump so that the source is closed (an S3 body destroyed) before we return.
      await pump;
    }
    if (sourceFailed) throw sourceError;
  }

  /** Pure-JS zstd for runtimes without zlib zstd; sliced and paced so the event loop keeps turning. */
  private async *viaFzstd(input: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
    const out: Uint8Array[] = [];
    const decoder = new FzstdDecompress((data) => {
      if (data.byteLength > 0) out.push(data);
    });
    let consumed = 0;
    let lastYield = performance.now();
    const fail = (error: unknown): DecompressError =>
      new DecompressError(`Corrupt or truncated zstd input: ${errorMessage(error)}`, {
        compression: Compression.zstd,
        offset: consumed,
        bytesOut: this.bytesOut,
        cause: error,
      });
    // fzstd decodes all it is given at once, so a slice of RLE blocks (4 bytes for 128 KiB each)
    // would expand 32 768-fold in memory: the slice shrinks while the output per push is above the
    // budget, and grows back when it is below.
    // Starts small: a first slice of 64 KiB could already be 2 GiB of RLE blocks.
    let sliceBytes = FZSTD_MIN_SLICE_BYTES;
    for await (const chunk of input) {
      for (let p = 0; p < chunk.byteLength; ) {
        const slice = chunk.subarray(p, Math.min(p + sliceBytes, chunk.byteLength));
        p += slice.byteLength;
        try {
          decoder.push(slice, false);
        } catch (error) {
          throw fail(error);
        }
        consumed += slice.byteLength;
        let produced = 0;
        while (out.length > 0) {
          const data = out.shift()!;
          produced += data.byteLength;
          this.bytesOut += data.byteLength;
          yield data;
        }
        if (produced > FZSTD_OUTPUT_BUDGET_BYTES) sliceBytes = Math.max(FZSTD_MIN_SLICE_BYTES, sliceBytes >> 2);
        else if (produced < FZSTD_OUTPUT_BUDGET_BYTES / 4) sliceBytes = Math.min(FZSTD_SLICE_BYTES, sliceBytes * 2);
        if (performance.now() - lastYield > FZSTD_YIELD_AFTER_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
    }
    try {
      decoder.push(new Uint8Array(0), true);
    } catch (error) {
      throw fail(error);
    }
    for (const data of out) {
      this.bytesOut += data.byteLength;
      yield data;
    }
  }
}

function drainedOrClosed(stream: Transform): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

/** Compressed bytes the engine actually consumed, when zlib exposes it; else bytes handed over. */
function consumedBy(decoder: Transform, handedOver: number): number {
  const written = (decoder as unknown as { bytesWritten?: unknown }).bytesWritten;
  return typeof written === 'number' && written > 0 && written <= handedOver ? written : handedOver;
}

