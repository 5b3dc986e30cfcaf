import { StreamOptionError } from './errors.js';
import { NOT_READY, readyThisTurn } from './readyThisTurn.js';

/**
 * Joins small chunks of a byte stream into chunks of at least `minBytes` (the last one may be
 * smaller); a chunk that is large enough on its own, with nothing held, passes through uncopied.
 *
 * S3 bodies arrive in socket reads of 16 KiB (one TLS record) to 64 KiB. Every chunk costs each
 * stage after it a round trip: through zlib's thread pool, where a 16 KiB write inflates in a
 * quarter of a millisecond and then waits for the main thread to hand it the next one (so inflate
 * stopped whenever the parser was busy), and through the line stage, where each chunk boundary
 * splits a line. Joined, the pipeline sees a few hundred KiB at a time.
 *
 * Only what is ready is joined: when the next read has not arrived by the next event-loop turn (a slow or
 * stalled body), the bytes held are handed on at once, so a stall never keeps read bytes from the stages after.
 *
 * Memory: at most `minBytes` plus one source chunk held. Bytes held when the source fails are
 * handed on before its error, so nothing read is lost; breaking out of the loop returns the source.
 *
 * @example const decompressed = decompress(coalesce(s3Body, 256 * 1024));
 */
export async function* coalesce(source: AsyncIterable<Uint8Array>, minBytes: number): AsyncGenerator<Uint8Array> {
  if (!Number.isSafeInteger(minBytes) || minBytes < 1) throw new StreamOptionError('minBytes', 'a positive integer (bytes)', minBytes);
  const iterator = source[Symbol.asyncIterator]();
  let parts: Uint8Array[] = [];
  let held = 0;
  let finished = false;
  const take = (): Uint8Array => {
    const out = parts.length === 1 ? parts[0]! : Buffer.concat(parts, held);
    parts = [];
    held = 0;
    return out;
  };
  try {
    for (;;) {
      let result: IteratorResult<Uint8Array>;
      try {
        const next = iterator.next();
        // Held bytes never wait on a slow source: when the next read is not ready within this turn, they go on now.
        const ready = held === 0 ? await next : await readyThisTurn(next);
        if (ready === NOT_READY) {
          yield take();
          result = await next;
        } else {
          result = ready;
        }
      } catch (error) {
        finished = true;
        if (held > 0) yield take();
        throw error;
      }
      if (result.done === true) {
        finished = true;
        break;
      }
      const chunk = result.value;
      if (chunk.byteLength === 0) continue;
      if (held === 0 && chunk.byteLength >= minBytes) {
        yield chunk;
        continue;
      }
      parts.push(chunk);
      held += chunk.byteLength;
      if (held >= minBytes) yield take();
    }
    if (held > 0) yield take();
  } finally {
    if (!finished) await iterator.return?.();
  }
}
