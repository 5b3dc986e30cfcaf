import { ZstdWindowError } from './errors.js';

/** What `zstdFrames` reports while it runs. */
export interface ZstdFrameProgress {
  /** Compressed bytes that belonged to no frame (trailing garbage), skipped up to the next frame. */
  skippedBytes: number;
  /** Compressed offset of the first skipped byte, or -1. */
  firstSkippedAt: number;
  /** Frames whose header was read. */
  frames: number;
  /**
   * Called at each frame whose decompressed start is known (every frame before it declared its
   * content size), with its compressed offset and that start: a place the stream can be read again from.
   */
  onFrame?: (compressedOffset: number, decompressedOffset: number) => void;
}

const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const ZSTD_MAGIC = 0xfd2fb528;

/** States of the frame walk (numbers, not a union: the walk's helper changes the state behind the narrowing's back). */
const State = { Magic: 0, SkippableSize: 1, Skip: 2, FrameHeader: 3, BlockHeader: 4, Block: 5, Checksum: 6 } as const;

/**
 * Walks zstd frames (RFC 8878) ahead of the decoder without decoding them: reads each frame header
 * and refuses a window (or, for single-segment frames, a content size) above `maxWindowBytes`
 * before the decoder allocates it; follows block headers to each frame's end; drops skippable
 * frames; and skips bytes after a frame that start no frame up to the next frame magic, counting
 * them in `progress`. Yields only frame bytes, as views of the input. Constant memory (a header of
 * at most 18 bytes), a few operations per block.
 *
 * @throws ZstdWindowError for a frame whose window is above the bound.
 * @example for await (const bytes of zstdFrames(source, 128 << 20, progress, () => out)) decoder.push(bytes);
 */
export async function* zstdFrames(
  source: AsyncIterable<Uint8Array>,
  maxWindowBytes: number,
  progress: ZstdFrameProgress,
  bytesOut: () => number,
): AsyncGenerator<Uint8Array> {
  let state: number = State.Magic;
  const header = new Uint8Array(18);
  let have = 0;
  let need = 4;
  let left = 0; // bytes of the current block, checksum or skippable frame still to pass or drop
  let lastBlock = false;
  let checksum = false;
  let offset = 0;
  /** Decompressed offset the next frame starts at, while every frame so far declared its size; else -1. */
  let declared = 0;
  /** The state after a block's content (or a checksum) has passed. */
  const afterBlock = (): void => {
    if (state === State.Block && lastBlock && checksum) {
      state = State.Checksum;
      left = 4;
      return;
    }
    state = state === State.Block && !lastBlock ? State.BlockHeader : State.Magic;
    have = 0;
    need = state === State.Magic ? 4 : 3;
  };
  for await (const chunk of source) {
    // Frame bytes of this chunk: views of block contents, copies of the headers read here.
    const pieces: Uint8Array[] = [];
    const n = chunk.byteLength;
    let p = 0;
    while (p < n) {
      if (state === State.Block || state === State.Checksum || state === State.Skip) {
        const take = Math.min(left, n - p);
        if (state !== State.Skip && take > 0) pieces.push(chunk.subarray(p, p + take));
        p += take;
        left -= take;
        if (left === 0) {
          if (state === State.Skip) {
            state = State.Magic;
            have = 0;
            need = 4;
          } else afterBlock();
        }
        continue;
      }
      while (have < need && p < n) header[have++] = chunk[p++]!;
      if (have < need) break;
      const at = offset + p - have;
      if (state === State.Magic) {
        const magic = (header[0]! | (header[1]! << 8) | (header[2]! << 16) | (header[3]! << 24)) >>> 0;
        if (magic === ZSTD_MAGIC) {
          state = State.FrameHeader;
          need = 5; // the magic and the frame header descriptor, then the rest of the header
        } else if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
          state = State.SkippableSize; // metadata only: dropped
          have = 0;
          need = 4;
        } else {
          // No frame starts here: drop one byte and look again.
          if (progress.firstSkippedAt < 0) progress.firstSkippedAt = at;
          progress.skippedBytes++;
          header.copyWithin(0, 1, 4);
          have = 3;
        }
        continue;
      }
      if (state === State.SkippableSize) {
        left = (header[0]! | (header[1]! << 8) | (header[2]! << 16) | (header[3]! << 24)) >>> 0;
        state = State.Skip;
        if (left === 0) {
          state = State.Magic;
          need = 4;
        }
        have = 0;
        continue;
      }
      if (state === State.FrameHeader) {
        const fhd = header[4]!;
        const singleSegment = (fhd >> 5) & 1;
        const fcsFlag = fhd >> 6;
        const dictBytes = [0, 1, 2, 4][fhd & 3]!;
        const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
        const total = 5 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
        if (have < total) {
          need = total;
          continue;
        }
        progress.frames++;
        checksum = ((fhd >> 2) & 1) === 1;
        const window = singleSegment ? contentSize(header, 5 + dictBytes, fcsBytes) : windowSize(header[5]!);
        if (window > maxWindowBytes) {
          if (pieces.length > 0) yield concat(pieces);
          throw new ZstdWindowError({ windowBytes: window, maxWindowBytes, offset: at, bytesOut: bytesOut(), frame: progress.frames });
        }
        if (declared >= 0) progress.onFrame?.(at, declared);
        declared = fcsBytes === 0 || declared < 0 ? -1 : declared + contentSize(header, 5 + (singleSegment ? 0 : 1) + dictBytes, fcsBytes);
        pieces.push(header.slice(0, have));
        state = State.BlockHeader;
        have = 0;
        need = 3;
        continue;
      }
      // Block header: last flag, type, size; an RLE block holds one byte.
      pieces.push(header.slice(0, 3));
      const bh = header[0]! | (header[1]! << 8) | (header[2]! << 16);
      lastBlock = (bh & 1) === 1;
      left = ((bh >> 1) & 3) === 1 ? 1 : bh >>> 3;
      state = State.Block;
      have = 0;
      if (left === 0) afterBlock();
    }
    if (pieces.length > 0) yield concat(pieces);
    offset += n;
  }
  // A partial magic after the last frame is garbage; input that ends inside a frame is left to the
  // decoder, which saw those bytes and reports the truncation.
  if (state === State.Magic && have > 0) {
    if (progress.firstSkippedAt < 0) progress.firstSkippedAt = offset - have;
    progress.skippedBytes += have;
  }
}

/** Window_Size from a Window_Descriptor byte (RFC 8878 3.1.1.1.2). */
function windowSize(descriptor: number): number {
  const base = 2 ** (10 + (descriptor >> 3));
  return base + (base / 8) * (descriptor & 7);
}

/** Frame_Content_Size of `bytes` little-endian bytes at `from` (2-byte sizes are offset by 256). */
function contentSize(header: Uint8Array, from: number, bytes: number): number {
  let size = 0;
  for (let i = bytes - 1; i >= 0; i--) size = size * 256 + header[from + i]!;
  return bytes === 2 ? size + 256 : size;
}

function concat(pieces: Uint8Array[]): Uint8Array {
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
}

