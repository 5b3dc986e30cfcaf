import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createLineStats } from '../../../functions/src/stream/createLineStats.js';
import { discardBytes } from '../../../functions/src/stream/discardBytes.js';
import { DecompressError, ReadStoppedError, StreamOptionError } from '../../../functions/src/stream/errors.js';
import { lineBatches } from '../../../functions/src/stream/lineBatches.js';
import { splitAfterStop } from '../../../functions/src/stream/splitAfterStop.js';
import type { BoundarySearch } from '../../../functions/src/stream/splitAfterStop.js';
import { chunkBySizes, collect, fromChunks, trackedSource } from '../../helpers/streams.js';

/** Yields `chunks`, aborting `stop` just before chunk number `at` is handed out. */
async function* stopBefore(chunks: Uint8Array[], at: number, stop: AbortController): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < chunks.length; i++) {
    if (i === at) stop.abort(new Error('deadline'));
    await Promise.resolve();
    yield chunks[i]!;
  }
}

describe('splitAfterStop', () => {
  it('passes chunks through untouched until the stop, then one line per chunk, the bytes unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.constantFrom('a', 'é', '\n', '\r', 'x') }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1 }), fc.nat(), async (text, sizes, at) => {
        const bytes = Buffer.from(text);
        const chunks = chunkBySizes(bytes, sizes);
        const stop = new AbortController();
        const search: BoundarySearch = { searching: false, before: undefined };
        const out = await collect(splitAfterStop(stopBefore(chunks, at % (chunks.length + 1), stop), { signal: stop.signal, stats: createLineStats(), search, maxBytes: 1 << 20 }));
        expect(Buffer.concat(out).equals(bytes)).toBe(true);
        const stopAt = at % (chunks.length + 1);
        out.slice(0, stopAt).forEach((c, i) => expect(c).toBe(chunks[i]));
        // After the stop: no piece holds an LF but as its last byte.
        for (const piece of out.slice(stopAt)) expect(piece.indexOf(0x0a)).toBeOneOf([-1, piece.length - 1]);
        expect(search.searching).toBe(stopAt < chunks.length && bytes.length > 0);
      }),
    );
  });

  it("notes the line stage's counters before each line: those of the lines before it", async () => {
    const stats = createLineStats();
    const stop = new AbortController();
    stop.abort(new Error('deadline'));
    const search: BoundarySearch = { searching: false, before: undefined };
    const seen: Array<[number, number]> = [];
    for await (const batch of lineBatches(splitAfterStop(fromChunks(['a\n\nbb\nccc', '\nd\n']), { signal: stop.signal, stats, search, maxBytes: 100 }), { stats, emptyLines: 'count' })) {
      for (const line of batch) seen.push([line.number, search.before!.lines]);
    }
    // The empty line 2 is counted, never emitted: line 3's counters include it.
    expect(seen).toEqual([[1, 0], [3, 2], [4, 3], [5, 4]]);
  });

  it('gives up with a ReadStoppedError past maxBytes after the stop, and returns the source', async () => {
    const stop = new AbortController();
    stop.abort(new Error('deadline'));
    const { source, probe } = trackedSource(['aaaa\n', 'bbbb\n', 'cccc\n', 'dddd\n']);
    const search: BoundarySearch = { searching: false, before: undefined };
    await expect(collect(splitAfterStop(source, { signal: stop.signal, stats: createLineStats(), search, maxBytes: 10 }))).rejects.toBeInstanceOf(ReadStoppedError);
    expect(probe.returned).toBe(true);
  });

  it('refuses bad options, naming them', async () => {
    const signal = new AbortController().signal;
    const search: BoundarySearch = { searching: false, before: undefined };
    await expect(collect(splitAfterStop(fromChunks(['a']), { signal: 'x' as never, stats: createLineStats(), search, maxBytes: 1 }))).rejects.toThrow(StreamOptionError);
    await expect(collect(splitAfterStop(fromChunks(['a']), { signal, stats: createLineStats(), search, maxBytes: 0 }))).rejects.toThrow(/maxBytes/);
  });
});

describe('discardBytes', () => {
  it('drops exactly the first count bytes, however the input is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1 }), fc.nat(), async (bytes, sizes, n) => {
        const count = bytes.length === 0 ? 0 : n % (bytes.length + 1);
        const out = await collect(discardBytes(fromChunks(chunkBySizes(Buffer.from(bytes), sizes)), count, 'gzip'));
        expect(Buffer.concat(out).equals(Buffer.from(bytes).subarray(count))).toBe(true);
        expect(out.every((c) => c.length > 0)).toBe(true);
      }),
    );
  });

  it('fails with a DecompressError when the input ends before the count', async () => {
    await expect(collect(discardBytes(fromChunks(['abc']), 5, 'gzip'))).rejects.toBeInstanceOf(DecompressError);
  });

  it('returns the source when the consumer stops early', async () => {
    const { source, probe } = trackedSource(['abc', 'def', 'ghi']);
    for await (const _ of discardBytes(source, 4, 'none')) break;
    expect(probe.returned).toBe(true);
  });
});
