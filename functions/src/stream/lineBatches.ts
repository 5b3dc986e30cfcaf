import { setImmediate as nextTurn } from 'node:timers/promises';

import { SYNC_SLICE_BYTES } from './constants.js';
import { createLineSplitter, resolveLineOptions } from './createLineSplitter.js';
import type { LineSplitter } from './createLineSplitter.js';
import { withLinesEmitted } from './errors.js';
import type { Line, LineOptions } from './types.js';

/**
 * Splits a byte stream into lines, yielding one array per input chunk: the pipeline's shape.
 *
 * Arrays are never empty; a chunk that completes no line yields nothing, and a chunk larger than
 * 256 KiB (`SYNC_SLICE_BYTES`) is split in slices, one array each, with an event-loop turn between
 * them so that no turn does more than one slice of work. Memory: besides the input chunk being
 * split and the array being yielded, the stage holds at most `maxLineBytes + 1` bytes of an unfinished line (default
 * 1 MiB); a longer line is truncated or skipped per `longLines` and counted in `stats`. An error
 * from the source propagates unchanged; a `StreamError` gets `linesEmitted` filled in on the way.
 * Breaking out of the loop returns the source iterator (which closes an S3 body).
 *
 * @example
 * const stats = createLineStats();
 * for await (const batch of lineBatches(decompress(source.bytes), { stats })) {
 *   for (const line of batch) if (line.text.includes('ERROR')) errors.push(line);
 * }
 */
export function lineBatches(bytes: AsyncIterable<Uint8Array>, options: LineOptions = {}): AsyncIterable<Line[]> {
  const resolved = resolveLineOptions(options);
  return generate(bytes, createLineSplitter(resolved));
}

async function* generate(bytes: AsyncIterable<Uint8Array>, splitter: LineSplitter): AsyncGenerator<Line[]> {
  const iterator = bytes[Symbol.asyncIterator]();
  try {
    for (;;) {
      let result: IteratorResult<Uint8Array>;
      try {
        result = await iterator.next();
      } catch (error) {
        throw withLinesEmitted(error, splitter.linesEmitted);
      }
      if (result.done === true) break;
      const chunk = result.value;
      if (chunk.byteLength <= SYNC_SLICE_BYTES) {
        const batch = splitter.push(chunk);
        if (batch.length > 0) yield batch;
        continue;
      }
      for (let from = 0; from < chunk.byteLength; from += SYNC_SLICE_BYTES) {
        if (from > 0) await nextTurn();
        const batch = splitter.push(chunk.subarray(from, from + SYNC_SLICE_BYTES));
        if (batch.length > 0) yield batch;
      }
    }
  } finally {
    // Reached on break, error or exhaustion; return() is a no-op on an exhausted iterator.
    await iterator.return?.();
  }
  const last = splitter.end();
  if (last.length > 0) yield last;
}
