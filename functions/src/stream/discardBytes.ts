import { DecompressError } from './errors.js';
import type { CompressionFormat } from './types.js';

/**
 * Drops the first `count` bytes of a stream and passes the rest on (a continued read: the bytes of
 * a gzip member or zstd frame before the resume position are decoded, then discarded unparsed).
 * Holds nothing; a chunk that straddles the count is handed on as a view of its rest.
 *
 * @throws DecompressError when the input ends before `count` bytes (it is not the object the
 * position was taken in).
 * @example for await (const chunk of discardBytes(decompress(body), position.skipBytes)) …
 */
export async function* discardBytes(bytes: AsyncIterable<Uint8Array>, count: number, compression: CompressionFormat): AsyncGenerator<Uint8Array> {
  let left = count;
  for await (const chunk of bytes) {
    if (left === 0) {
      yield chunk;
      continue;
    }
    if (chunk.byteLength <= left) {
      left -= chunk.byteLength;
      continue;
    }
    const rest = chunk.subarray(left);
    left = 0;
    yield rest;
  }
  if (left > 0) {
    throw new DecompressError(`Truncated input: it ended ${left} decompressed bytes before the resume position`, { compression, offset: 0, bytesOut: count - left });
  }
}
