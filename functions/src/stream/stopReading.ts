import { errorMessage, ReadStoppedError, StreamOptionError } from './errors.js';

/**
 * Passes a byte stream through until `signal` fires, then returns the source (closing an S3 body)
 * and raises a `ReadStoppedError` with the bytes read and the signal's reason. Unlike an abort,
 * this ends the input, not the work: the stages after it finish what they hold (the line stage
 * its lines, `records` its open event) and hand on the error, and a writer still writes what came
 * before. A read that is waiting when the signal fires (a stalled body) is not waited for. Holds
 * nothing.
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
  let onStop: (() => void) | undefined;
  const stopped = new Promise<'stopped'>((resolve) => {
    onStop = () => resolve('stopped');
    signal.addEventListener('abort', onStop, { once: true });
  });
  const stop = (): ReadStoppedError => new ReadStoppedError(errorMessage(signal.reason), bytesRead);
  try {
    for (;;) {
      if (signal.aborted) throw stop();
      const next = iterator.next();
      const result = await Promise.race([next, stopped]);
      if (result === 'stopped') {
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
    if (onStop) signal.removeEventListener('abort', onStop);
    if (!finished) void Promise.resolve(iterator.return?.()).catch(() => {});
  }
}
