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
  const walk = new FrameWalk(maxWindowBytes, progress, bytesOut);
  let offset = 0;
  for await (const chunk of source) {
    // Frame bytes of this chunk: views of block contents, copies of the headers read here.
    const pieces: Uint8Array[] = [];
    try {
      walk.scan(chunk, offset, pieces);
    } catch (error) {
      // The frame bytes before a refused header still go to the decoder.
      if (pieces.length > 0) yield concat(pieces);
      throw error;
    }
    if (pieces.length > 0) yield concat(pieces);
    offset += chunk.byteLength;
  }
  walk.end(offset);
}

/** The frame walk's state between chunks: where in a frame it is, and the header read so far. */
class FrameWalk {
  private state: number = State.Magic;
  private readonly header = new Uint8Array(18);
  private have = 0;
  private need = 4;
  /** Bytes of the current block, checksum or skippable frame still to pass or drop. */
  private left = 0;
  private lastBlock = false;
  private checksum = false;
  /** Decompressed offset the next frame starts at, while every frame so far declared its size; else -1. */
  private declared = 0;

  constructor(
    private readonly maxWindowBytes: number,
    private readonly progress: ZstdFrameProgress,
    private readonly bytesOut: () => number,
  ) {}

  /** Walks `chunk` (at compressed `offset`), pushing its frame bytes to `pieces`. */
  scan(chunk: Uint8Array, offset: number, pieces: Uint8Array[]): void {
    const n = chunk.byteLength;
    let p = 0;
    while (p < n) {
      if (this.state === State.Block || this.state === State.Checksum || this.state === State.Skip) {
        p = this.pass(chunk, p, pieces);
        continue;
      }
      while (this.have < this.need && p < n) this.header[this.have++] = chunk[p++]!;
      if (this.have < this.need) break;
      const at = offset + p - this.have;
      if (this.state === State.Magic) this.magic(at);
      else if (this.state === State.SkippableSize) this.skippableSize();
      else if (this.state === State.FrameHeader) this.frameHeader(at, pieces);
      else this.blockHeader(pieces);
    }
  }

  /** After the last chunk: a partial magic after the last frame is garbage. */
  end(offset: number): void {
    // Input that ends inside a frame is left to the decoder, which saw those bytes and reports the truncation.
    if (this.state === State.Magic && this.have > 0) {
      if (this.progress.firstSkippedAt < 0) this.progress.firstSkippedAt = offset - this.have;
      this.progress.skippedBytes += this.have;
    }
  }

  /** Block content, checksum or a skippable frame's body from `p`: passed on (or dropped); returns where it ends in the chunk. */
  private pass(chunk: Uint8Array, p: number, pieces: Uint8Array[]): number {
    const take = Math.min(this.left, chunk.byteLength - p);
    if (this.state !== State.Skip && take > 0) pieces.push(chunk.subarray(p, p + take));
    this.left -= take;
    if (this.left === 0) {
      if (this.state === State.Skip) this.expectMagic();
      else this.afterBlock();
    }
    return p + take;
  }

  private expectMagic(): void {
    this.state = State.Magic;
    this.have = 0;
    this.need = 4;
  }

  /** The state after a block's content (or a checksum) has passed. */
  private afterBlock(): void {
    if (this.state === State.Block && this.lastBlock && this.checksum) {
      this.state = State.Checksum;
      this.left = 4;
      return;
    }
    this.state = this.state === State.Block && !this.lastBlock ? State.BlockHeader : State.Magic;
    this.have = 0;
    this.need = this.state === State.Magic ? 4 : 3;
  }

  private magic(at: number): void {
    const h = this.header;
    const magic = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
    if (magic === ZSTD_MAGIC) {
      this.state = State.FrameHeader;
      this.need = 5; // the magic and the frame header descriptor, then the rest of the header
    } else if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      this.state = State.SkippableSize; // metadata only: dropped
      this.have = 0;
      this.need = 4;
    } else {
      // No frame starts here: drop one byte and look again.
      if (this.progress.firstSkippedAt < 0) this.progress.firstSkippedAt = at;
      this.progress.skippedBytes++;
      h.copyWithin(0, 1, 4);
      this.have = 3;
    }
  }

  private skippableSize(): void {
    const h = this.header;
    this.left = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
    this.state = State.Skip;
    if (this.left === 0) {
      this.state = State.Magic;
      this.need = 4;
    }
    this.have = 0;
  }

  /** A frame header: its window checked against the bound, its start reported when known, then its blocks. */
  private frameHeader(at: number, pieces: Uint8Array[]): void {
    const h = this.header;
    const fhd = h[4]!;
    const singleSegment = (fhd >> 5) & 1;
    const fcsFlag = fhd >> 6;
    const dictBytes = [0, 1, 2, 4][fhd & 3]!;
    const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
    const total = 5 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
    if (this.have < total) {
      this.need = total;
      return;
    }
    this.progress.frames++;
    this.checksum = ((fhd >> 2) & 1) === 1;
    const window = singleSegment ? contentSize(h, 5 + dictBytes, fcsBytes) : windowSize(h[5]!);
    if (window > this.maxWindowBytes) {
      throw new ZstdWindowError({ windowBytes: window, maxWindowBytes: this.maxWindowBytes, offset: at, bytesOut: this.bytesOut(), frame: this.progress.frames });
    }
    if (this.declared >= 0) this.progress.onFrame?.(at, this.declared);
    this.declared = fcsBytes === 0 || this.declared < 0 ? -1 : this.declared + contentSize(h, 5 + (singleSegment ? 0 : 1) + dictBytes, fcsBytes);
    pieces.push(h.slice(0, this.have));
    this.state = State.BlockHeader;
    this.have = 0;
    this.need = 3;
  }

  /** Block header: last flag, type, size; an RLE block holds one byte. */
  private blockHeader(pieces: Uint8Array[]): void {
    const h = this.header;
    pieces.push(h.slice(0, 3));
    const bh = h[0]! | (h[1]! << 8) | (h[2]! << 16);
    this.lastBlock = (bh & 1) === 1;
    this.left = ((bh >> 1) & 3) === 1 ? 1 : bh >>> 3;
    this.state = State.Block;
    this.have = 0;
    if (this.left === 0) this.afterBlock();
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

