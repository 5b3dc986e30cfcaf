import { errorMessage, ReadStoppedError, StreamOptionError } from './errors.js';

/**
 * Passes a byte stream through until `signal` fires, then returns the source (closing an S3 body)
 * and raises a `ReadStoppedError` with the bytes read and the signal's reason. Unlike an abort,
 * this ends the input, not the work: the stages after it finish what they hold (the line stage
 * its lines, `records` its open event) and hand on the error, and a writer still writes what came
 * before. A read that is waiting when the signal fires (a stalled body) is not waited for. Holds
 * nothing: no chunk stays reachable once handed on.
 *
 * @example
 * const deadline = AbortSignal.timeout(context.getRemainingTimeInMillis() - 15_000);
 * for await (const batch of lineBatches(decompress(stopReading(source.bytes, deadline)))) …
 */
export async function* stopReading(bytes: AsyncIterable<Uint8Array>, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  if (!(signal instanceof AbortSignal)) throw new StreamOptionError('signal', 'an AbortSignal', signal);
  const iterator = bytes[Symbol.asyncIterator]();
  let bytesRead = 0;
  let finished = false;
  const stop = (): ReadStoppedError => new ReadStoppedError(errorMessage(signal.reason), bytesRead);
  try {
    for (;;) {
      if (signal.aborted) throw stop();
      const next = iterator.next();
      const result = await nextOrStopped(next, signal);
      if (result === STOPPED) {
        // The pending read settles (or fails) when the source is closed; nobody waits for it.
        next.catch(() => {});
        throw stop();
      }
      if (result.done === true) {
        finished = true;
        return;
      }
      bytesRead += result.value.byteLength;
      yield result.value;
    }
  } catch (error) {
    if (!(error instanceof ReadStoppedError)) finished = true; // the source failed: it is done
    throw error;
  } finally {
    if (!finished) void Promise.resolve(iterator.return?.()).catch(() => {});
  }
}

const STOPPED = Symbol('stopped');

/**
 * The read, or STOPPED when the signal fires first. One listener per read, removed once the read
 * settles: `Promise.race([next, stopped])` against one promise for the whole stream left a reaction
 * on that promise per read, each holding its chunk, so the whole object stayed in memory.
 */
function nextOrStopped(next: Promise<IteratorResult<Uint8Array>>, signal: AbortSignal): Promise<IteratorResult<Uint8Array> | typeof STOPPED> {
  return new Promise((resolve, reject) => {
    const onStop = (): void => resolve(STOPPED);
    signal.addEventListener('abort', onStop, { once: true });
    next.then(
      (result) => {
        signal.removeEventListener('abort', onStop);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onStop);
        reject(error);
      },
    );
  });
}
