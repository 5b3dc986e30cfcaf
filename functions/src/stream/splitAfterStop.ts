import { Byte } from './constants.js';
import { ReadStoppedError, StreamOptionError } from './errors.js';
import type { LineStats } from './types.js';

/** What {@link splitAfterStop} tells the stages after the line stage. */
export interface BoundarySearch {
  /** Set once `signal` fired and the bytes go on one line per chunk. */
  searching: boolean;
  /**
   * The line stage's counters as they were before the chunk last handed on: the counters of the
   * lines before the one that chunk completes (its own `bytes` is not meaningful).
   */
  before: LineStats | undefined;
}

/** Options of {@link splitAfterStop}. */
export interface SplitAfterStopOptions {
  /** When it fires, the search for an event boundary starts. */
  signal: AbortSignal;
  /** The line stage's counters (the `stats` given to `lineBatches`). */
  stats: LineStats;
  /** Filled in while the bytes pass. */
  search: BoundarySearch;
  /** Bytes handed on after the stop before giving up: a `ReadStoppedError` then. */
  maxBytes: number;
}

/**
 * Passes a byte stream through until `signal` fires; from then on hands on one line per chunk (the
 * bytes up to and including the next LF), noting the line stage's counters before each, so that a
 * stage after the line stage can stop exactly before a line (an event boundary) with counters that
 * hold only the lines before it. The line stage must be the next stage (it pushes each chunk before
 * asking for the next). Gives up with a `ReadStoppedError` once `maxBytes` passed after the stop
 * without the consumer stopping. Holds one input chunk.
 *
 * @example for await (const batch of lineBatches(splitAfterStop(bytes, { signal, stats, search, maxBytes }), { stats })) …
 */
export async function* splitAfterStop(bytes: AsyncIterable<Uint8Array>, options: SplitAfterStopOptions): AsyncGenerator<Uint8Array> {
  const { signal, stats, search, maxBytes } = options;
  if (!(signal instanceof AbortSignal)) throw new StreamOptionError('signal', 'an AbortSignal', signal);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new StreamOptionError('maxBytes', 'a positive integer (bytes)', maxBytes);
  let after = 0;
  for await (const chunk of bytes) {
    if (!signal.aborted) {
      yield chunk;
      continue;
    }
    search.searching = true;
    for (let p = 0; p < chunk.byteLength; ) {
      if (after >= maxBytes) {
        throw new ReadStoppedError(`no event boundary within ${maxBytes} bytes after the stop (${String(signal.reason)})`, after);
      }
      const lf = chunk.indexOf(Byte.LF, p);
      const end = lf === -1 ? chunk.byteLength : lf + 1;
      search.before = { ...stats };
      after += end - p;
      yield chunk.subarray(p, end);
      p = end;
    }
  }
}
