import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { batch } from '../../../functions/src/stream/batch.js';
import { StreamOptionError } from '../../../functions/src/stream/errors.js';
import { collect } from '../../helpers/streams.js';

async function* items<T>(values: T[], probe?: { returned: boolean; pulled: number }): AsyncGenerator<T> {
  try {
    for (const v of values) {
      await Promise.resolve();
      if (probe) probe.pulled += 1;
      yield v;
    }
  } finally {
    if (probe && probe.pulled < values.length) probe.returned = true;
  }
}

describe('batch', () => {
  it('cuts at maxItems', async () => {
    expect(await collect(batch(items([1, 2, 3, 4, 5]), { maxItems: 2, maxBytes: 1000, sizeOf: () => 1 }))).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('cuts before an item that would cross maxBytes', async () => {
    const out = await collect(batch(items(['aaa', 'bb', 'cccc', 'd']), { maxItems: 100, maxBytes: 6, sizeOf: (s) => s.length }));
    expect(out).toEqual([['aaa', 'bb'], ['cccc', 'd']]);
  });

  it('sends an item larger than maxBytes alone instead of dropping it', async () => {
    const out = await collect(batch(items(['a', 'huge-item', 'b']), { maxItems: 10, maxBytes: 4, sizeOf: (s) => s.length }));
    expect(out).toEqual([['a'], ['huge-item'], ['b']]);
  });

  it('yields nothing for empty input and accepts sync iterables', async () => {
    expect(await collect(batch(items([]), { maxItems: 3, maxBytes: 3, sizeOf: () => 1 }))).toEqual([]);
    expect(await collect(batch([1, 2, 3], { maxItems: 2, maxBytes: 99, sizeOf: () => 1 }))).toEqual([[1, 2], [3]]);
  });

  it('keeps every batch within both bounds and loses nothing (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 50 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 120 }),
        async (sizes, maxItems, maxBytes) => {
          const out = await collect(batch(items(sizes), { maxItems, maxBytes, sizeOf: (n) => n }));
          expect(out.flat()).toEqual(sizes);
          for (const group of out) {
            expect(group.length).toBeGreaterThan(0);
            expect(group.length).toBeLessThanOrEqual(maxItems);
            const total = group.reduce((a, b) => a + b, 0);
            if (group.length > 1) expect(total).toBeLessThanOrEqual(maxBytes);
          }
        },
      ),
    );
  });

  it('returns the source when the consumer breaks early', async () => {
    const probe = { returned: false, pulled: 0 };
    for await (const group of batch(items([1, 2, 3, 4, 5, 6], probe), { maxItems: 2, maxBytes: 99, sizeOf: () => 1 })) {
      expect(group).toEqual([1, 2]);
      break;
    }
    expect(probe.returned).toBe(true);
  });

  it('propagates a source error', async () => {
    const boom = new Error('boom');
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw boom;
    }
    await expect(collect(batch(failing(), { maxItems: 5, maxBytes: 5, sizeOf: () => 1 }))).rejects.toBe(boom);
  });

  it('validates options up front, naming the option', () => {
    expect(() => batch([], { maxItems: 0, maxBytes: 1, sizeOf: () => 1 })).toThrow(/maxItems/);
    expect(() => batch([], { maxItems: 1, maxBytes: -1, sizeOf: () => 1 })).toThrow(/maxBytes/);
    expect(() => batch([], { maxItems: 1, maxBytes: 1, sizeOf: 3 as unknown as () => number })).toThrow(StreamOptionError);
  });
});
