import { StreamOptionError } from './errors.js';

/** Options of `mapConcurrent`. */
export interface MapConcurrentOptions {
  /** Workers, i.e. most calls of `fn` in flight at once (≥ 1). */
  concurrency: number;
  /** Stops pulling, aborts the signal passed to `fn`, and makes iteration throw `signal.reason`. */
  signal?: AbortSignal;
}

/**
 * Maps `fn` over an iterable with `concurrency` workers pulling from one shared iterator, yielding
 * results in input order.
 *
 * Bound: at most `concurrency` items are taken from the source and not yet yielded, in flight or
 * finished and waiting for their turn; a worker that gets ahead waits rather than pulling more
 * (never an unbounded `Promise.all`). `fn` gets a signal that aborts when iteration stops early.
 * On the first failure (of `fn` or the source) no new items are pulled; results before it are
 * still yielded in order, then its error is thrown once in-flight calls have settled. Breaking out
 * waits for in-flight calls, then returns the source iterator.
 *
 * @example
 * for await (const key of mapConcurrent(batches, (b, i) => putBatch(b, i), { concurrency: 4, signal })) {
 *   written.push(key);
 * }
 */
export function mapConcurrent<T, R>(
  iterable: AsyncIterable<T> | Iterable<T>,
  fn: (item: T, index: number, signal: AbortSignal) => Promise<R>,
  options: MapConcurrentOptions,
): AsyncIterable<R> {
  if (iterable === null || typeof iterable !== 'object' || !(Symbol.asyncIterator in iterable || Symbol.iterator in iterable)) {
    throw new StreamOptionError('iterable', 'an AsyncIterable or Iterable', iterable);
  }
  if (typeof fn !== 'function') throw new StreamOptionError('fn', 'a function returning a Promise', fn);
  if (options === null || typeof options !== 'object') throw new StreamOptionError('options', 'an object', options);
  const { concurrency, signal } = options;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new StreamOptionError('concurrency', 'a positive integer', concurrency);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new StreamOptionError('signal', 'an AbortSignal or undefined', signal);
  }
  return {
    [Symbol.asyncIterator]: (): AsyncIterator<R> => new ConcurrentMap(iterable, fn, concurrency, signal),
  };
}

type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

class ConcurrentMap<T, R> implements AsyncIterator<R> {
  private readonly iterator: AsyncIterator<T> | Iterator<T>;
  private readonly controller = new AbortController();
  private readonly results = new Map<number, Settled<R>>();
  private workers: Promise<void>[] | undefined;
  /** Slots handed out to workers; slot i pulls the i-th item. */
  private reserved = 0;
  private nextToYield = 0;
  /** Number of items in the source, once a pull has found its end or failed. */
  private total: number | undefined;
  /** Set on failure, break or abort: workers pull nothing more. */
  private stopping = false;
  private closed = false;
  private pullChain: Promise<unknown> = Promise.resolve();
  private wakeConsumer: (() => void) | undefined;
  private wakeWorkers: (() => void)[] = [];
  private readonly onAbort = (): void => this.stop();

  constructor(
    iterable: AsyncIterable<T> | Iterable<T>,
    private readonly fn: (item: T, index: number, signal: AbortSignal) => Promise<R>,
    private readonly concurrency: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.iterator =
      Symbol.asyncIterator in iterable ? iterable[Symbol.asyncIterator]() : (iterable as Iterable<T>)[Symbol.iterator]();
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  async next(): Promise<IteratorResult<R>> {
    if (this.closed) return { value: undefined, done: true };
    this.workers ??= Array.from({ length: this.concurrency }, () => this.work());
    for (;;) {
      if (this.signal?.aborted === true) {
        await this.close();
        throw this.signal.reason;
      }
      const settled = this.results.get(this.nextToYield);
      if (settled !== undefined) {
        this.results.delete(this.nextToYield);
        this.nextToYield += 1;
        this.notifyWorkers();
        if (!settled.ok) {
          this.stop();
          await this.close();
          throw settled.error;
        }
        return { value: settled.value, done: false };
      }
      if (this.total !== undefined && this.nextToYield >= this.total) {
        await this.close();
        return { value: undefined, done: true };
      }
      await new Promise<void>((resolve) => {
        this.wakeConsumer = resolve;
      });
    }
  }

  async return(): Promise<IteratorResult<R>> {
    this.stop();
    await this.close();
    return { value: undefined, done: true };
  }

  private async work(): Promise<void> {
    for (;;) {
      while (!this.stopping && this.reserved - this.nextToYield >= this.concurrency) {
        await new Promise<void>((resolve) => this.wakeWorkers.push(resolve));
      }
      if (this.stopping || this.total !== undefined) return;
      const index = this.reserved++;
      const pulled = await this.pull(index);
      if (pulled === undefined) return;
      let settled: Settled<R>;
      try {
        settled = { ok: true, value: await this.fn(pulled.value, index, this.controller.signal) };
      } catch (error) {
        settled = { ok: false, error };
        // Pull nothing more; earlier results still reach the consumer in order.
        this.stopping = true;
        this.total = Math.min(this.total ?? Infinity, index + 1);
        this.notifyWorkers();
      }
      this.results.set(index, settled);
      this.wakeConsumer?.();
    }
  }

  /** Pulls item `index`; pulls run one at a time in slot order, as iterators require. */
  private pull(index: number): Promise<{ value: T } | undefined> {
    const result = this.pullChain.then(async (): Promise<{ value: T } | undefined> => {
      if (this.stopping || (this.total !== undefined && index >= this.total)) return undefined;
      try {
        const next = await this.iterator.next();
        if (next.done === true) {
          this.total = Math.min(this.total ?? Infinity, index);
          this.wakeConsumer?.();
          this.notifyWorkers();
          return undefined;
        }
        return { value: next.value };
      } catch (error) {
        this.results.set(index, { ok: false, error });
        this.total = Math.min(this.total ?? Infinity, index + 1);
        this.stopping = true;
        this.wakeConsumer?.();
        this.notifyWorkers();
        return undefined;
      }
    });
    this.pullChain = result;
    return result;
  }

  private notifyWorkers(): void {
    const wake = this.wakeWorkers;
    this.wakeWorkers = [];
    for (const resolve of wake) resolve();
  }

  private stop(): void {
    this.stopping = true;
    this.wakeConsumer?.();
    this.notifyWorkers();
  }

  /** Aborts in-flight calls, waits for the workers, and closes the source if it was not exhausted. */
  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    const exhausted = this.total !== undefined && !this.stopping;
    if (this.stopping) this.controller.abort(this.signal?.reason);
    this.notifyWorkers();
    if (this.workers !== undefined) await Promise.all(this.workers);
    await this.pullChain;
    if (!exhausted) await this.iterator.return?.();
  }
}
