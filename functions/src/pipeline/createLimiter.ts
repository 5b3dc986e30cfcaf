/**
 * A semaphore for async work: at most `concurrency` calls of the returned function run at once;
 * the rest wait in FIFO order. Holds one pending promise per waiting call.
 *
 * @example
 * const limit = createLimiter(4);
 * await Promise.all(records.map((r) => limit(() => handle(r))));
 */
export function createLimiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be an integer >= 1, got ${String(concurrency)}`);
  }
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
