import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { StreamOptionError } from '../../../functions/src/stream/errors.js';
import { mapConcurrent } from '../../../functions/src/stream/mapConcurrent.js';
import { collect } from '../../helpers/streams.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Source of 0..n-1 that records pulls and whether it was returned early. */
function counting(n: number): { source: AsyncIterable<number>; probe: { pulled: number; returned: boolean } } {
  const probe = { pulled: 0, returned: false };
  return {
    probe,
    source: {
      [Symbol.asyncIterator]: () => ({
        async next() {
          await Promise.resolve();
          if (probe.pulled >= n) return { value: undefined, done: true as const };
          return { value: probe.pulled++, done: false as const };
        },
        async return() {
          probe.returned = true;
          return { value: undefined, done: true as const };
        },
      }),
    },
  };
}

describe('mapConcurrent', () => {
  it('yields results in input order although they finish out of order', async () => {
    const delays = [30, 5, 20, 1, 10, 0];
    const out = await collect(mapConcurrent(delays, async (d, i) => (await sleep(d), `${i}:${d}`), { concurrency: 3 }));
    expect(out).toEqual(delays.map((d, i) => `${i}:${d}`));
  });

  it('never runs more than `concurrency` calls at once, and uses all of them', async () => {
    let active = 0;
    let peak = 0;
    const out = await collect(
      mapConcurrent(
        counting(40).source,
        async (n) => {
          active += 1;
          peak = Math.max(peak, active);
          await sleep(n % 3);
          active -= 1;
          return n * 2;
        },
        { concurrency: 4 },
      ),
    );
    expect(out).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
    expect(peak).toBe(4);
  });

  it('holds at most `concurrency` items ahead of a slow consumer', async () => {
    const { source, probe } = counting(100);
    let yielded = 0;
    let worstAhead = 0;
    for await (const _ of mapConcurrent(source, async (n) => n, { concurrency: 5 })) {
      yielded += 1;
      await sleep(2);
      worstAhead = Math.max(worstAhead, probe.pulled - yielded);
    }
    expect(yielded).toBe(100);
    expect(worstAhead).toBeLessThanOrEqual(5);
  });

  it('keeps order and loses nothing for random delays and concurrency (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 4 }), { maxLength: 30 }), fc.integer({ min: 1, max: 8 }), async (delays, concurrency) => {
        const out = await collect(mapConcurrent(delays, async (d, i) => (await sleep(d), i), { concurrency }));
        expect(out).toEqual(delays.map((_, i) => i));
      }),
      { numRuns: 40 },
    );
  });

  it('yields earlier results, then throws the first failure, and pulls nothing more', async () => {
    const { source, probe } = counting(1000);
    const boom = new Error('item 5 failed');
    const seen: number[] = [];
    let caught: unknown;
    try {
      for await (const r of mapConcurrent(source, async (n) => {
        await sleep(n === 5 ? 1 : 3);
        if (n === 5) throw boom;
        return n;
      }, { concurrency: 3 })) seen.push(r);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(boom);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(probe.pulled).toBeLessThanOrEqual(5 + 3);
    expect(probe.returned).toBe(true);
  });

  it('throws a source error after the results before it', async () => {
    const boom = new Error('source broke');
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      yield 2;
      throw boom;
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const r of mapConcurrent(failing(), async (n) => n * 10, { concurrency: 2 })) seen.push(r);
      })(),
    ).rejects.toBe(boom);
    expect(seen).toEqual([10, 20]);
  });

  it('on early break aborts in-flight calls, waits for them and returns the source', async () => {
    const { source, probe } = counting(1000);
    const aborted: number[] = [];
    let running = 0;
    for await (const r of mapConcurrent(source, async (n, _i, signal) => {
      running += 1;
      try {
        await sleep(n === 0 ? 0 : 20);
        if (signal.aborted) aborted.push(n);
        return n;
      } finally {
        running -= 1;
      }
    }, { concurrency: 4 })) {
      expect(r).toBe(0);
      break;
    }
    expect(running).toBe(0);
    expect(probe.returned).toBe(true);
    expect(aborted.length).toBeGreaterThan(0);
    expect(probe.pulled).toBeLessThanOrEqual(5);
  });

  it('stops with the signal reason when the caller aborts', async () => {
    const controller = new AbortController();
    const { source, probe } = counting(1000);
    const seen: number[] = [];
    const run = (async () => {
      for await (const r of mapConcurrent(source, async (n) => (await sleep(2), n), { concurrency: 2, signal: controller.signal })) {
        seen.push(r);
        if (r === 3) controller.abort(new Error('caller gave up'));
      }
    })();
    await expect(run).rejects.toThrow('caller gave up');
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(probe.returned).toBe(true);
  });

  it('handles an empty source and a sync iterable', async () => {
    expect(await collect(mapConcurrent([], async (n: number) => n, { concurrency: 3 }))).toEqual([]);
    expect(await collect(mapConcurrent(new Set([1, 2, 3]), async (n) => n + 1, { concurrency: 8 }))).toEqual([2, 3, 4]);
  });

  it('validates options up front, naming the option', () => {
    expect(() => mapConcurrent([], async () => 1, { concurrency: 0 })).toThrow(/concurrency/);
    expect(() => mapConcurrent([], async () => 1, { concurrency: Infinity })).toThrow(StreamOptionError);
    expect(() => mapConcurrent(42 as unknown as number[], async () => 1, { concurrency: 1 })).toThrow(/iterable/);
  });
});
