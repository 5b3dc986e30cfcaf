import { StreamOptionError } from './errors.js';

/** Options of `batch`. */
export interface BatchOptions<T> {
  /** Most items in one batch (≥ 1). */
  maxItems: number;
  /** Most bytes in one batch, as measured by `sizeOf` (≥ 1). An item larger than this travels alone. */
  maxBytes: number;
  /** Size of one item in bytes; called once per item. */
  sizeOf: (item: T) => number;
}

/**
 * Groups items into arrays of at most `maxItems` items and `maxBytes` bytes, in order.
 *
 * Memory: holds at most one batch being filled, so at most `maxItems` items and `maxBytes` bytes
 * (or a single item larger than `maxBytes`, which is emitted on its own rather than dropped).
 * The last, partial batch is flushed at the end; an empty input yields nothing. Breaking out of
 * the loop returns the source iterator.
 *
 * @example
 * for await (const group of batch(errorLines, { maxItems: 1000, maxBytes: 5 * 1024 * 1024, sizeOf: (l) => l.bytes + 1 })) {
 *   await putBatch(group);
 * }
 */
export function batch<T>(iterable: AsyncIterable<T> | Iterable<T>, options: BatchOptions<T>): AsyncIterable<T[]> {
  if (options === null || typeof options !== 'object') throw new StreamOptionError('options', 'an object', options);
  const { maxItems, maxBytes, sizeOf } = options;
  if (!Number.isSafeInteger(maxItems) || maxItems < 1) {
    throw new StreamOptionError('maxItems', 'a positive integer', maxItems);
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new StreamOptionError('maxBytes', 'a positive integer (bytes)', maxBytes);
  }
  if (typeof sizeOf !== 'function') throw new StreamOptionError('sizeOf', 'a function (item) => bytes', sizeOf);
  return generate(iterable, maxItems, maxBytes, sizeOf);
}

async function* generate<T>(
  iterable: AsyncIterable<T> | Iterable<T>,
  maxItems: number,
  maxBytes: number,
  sizeOf: (item: T) => number,
): AsyncGenerator<T[]> {
  let current: T[] = [];
  let bytes = 0;
  for await (const item of iterable) {
    const size = sizeOf(item);
    if (!Number.isFinite(size) || size < 0) {
      throw new StreamOptionError('sizeOf', 'a function returning a finite number ≥ 0', size);
    }
    if (current.length > 0 && bytes + size > maxBytes) {
      yield current;
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
    if (current.length >= maxItems || bytes >= maxBytes) {
      yield current;
      current = [];
      bytes = 0;
    }
  }
  if (current.length > 0) yield current;
}
