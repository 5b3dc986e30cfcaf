import type { ErrorRecord } from '../parse/types.js';

/** Options of {@link ndjsonChunks}. */
export interface NdjsonChunksOptions {
  /** Most records in one chunk (≥ 1). */
  maxItems: number;
  /** Most bytes in one chunk (≥ 1); a record larger than this travels alone. */
  maxBytes: number;
}

/** One chunk of NDJSON: whole records, each ended by `\n`. */
export interface NdjsonChunk {
  bytes: Buffer;
  records: number;
}

/**
 * Serialises batches of error records as NDJSON (`JSON.stringify` of each, one per line) in chunks
 * of at most `maxItems` records and `maxBytes` bytes, in order, cut where `batch()` of the records'
 * lines would cut them. Each record's JSON is written into the chunk's buffer as soon as it is made,
 * so no record's string outlives it (strings held for a whole chunk lived long enough to be copied
 * by the young-generation GC and promoted) and no joined string is made: a chunk is off the
 * JavaScript heap. Memory: one chunk being filled, `maxBytes` bytes (or one larger record).
 *
 * @example
 * for await (const chunk of ndjsonChunks(found, { maxItems: 1000, maxBytes: 1 << 20 })) gzip.write(chunk.bytes);
 */
export async function* ndjsonChunks(batches: AsyncIterable<ErrorRecord[]>, options: NdjsonChunksOptions): AsyncGenerator<NdjsonChunk> {
  const { maxItems, maxBytes } = options;
  if (!Number.isSafeInteger(maxItems) || maxItems < 1) throw new RangeError(`Option maxItems must be a positive integer; got ${maxItems}`);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`Option maxBytes must be a positive integer; got ${maxBytes}`);
  let buffer = Buffer.allocUnsafe(maxBytes);
  let used = 0;
  let records = 0;
  const take = (): NdjsonChunk => {
    const chunk = { bytes: buffer.subarray(0, used), records };
    buffer = Buffer.allocUnsafe(maxBytes);
    used = 0;
    records = 0;
    return chunk;
  };
  for await (const group of batches) {
    for (const record of group) {
      const text = JSON.stringify(record);
      if (used + 3 * text.length < maxBytes) {
        // Room for the worst case (3 UTF-8 bytes per UTF-16 unit): written without measuring it first.
        used += buffer.write(text, used, 'utf8');
      } else {
        const size = Buffer.byteLength(text, 'utf8') + 1;
        if (records > 0 && used + size > maxBytes) yield take();
        if (size > maxBytes) {
          // Larger than a chunk: alone in a buffer of its own (`used` is 0 here).
          buffer = Buffer.allocUnsafe(size);
        }
        used += buffer.write(text, used, size - 1, 'utf8');
      }
      buffer[used++] = 0x0a;
      records++;
      if (records >= maxItems || used >= maxBytes) yield take();
    }
  }
  if (records > 0) yield take();
}
