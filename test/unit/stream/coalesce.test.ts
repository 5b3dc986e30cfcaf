import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coalesce } from '../../../functions/src/stream/coalesce.js';
import { StreamOptionError } from '../../../functions/src/stream/errors.js';
import { bytesOf, chunkBySizes, collect, fromChunks, trackedSource } from '../../helpers/streams.js';

const text = (chunks: Uint8Array[]): string => Buffer.concat(chunks).toString('latin1');

describe('coalesce', () => {
  it('joins small chunks into chunks of at least minBytes, the last one possibly smaller', async () => {
    const out = await collect(coalesce(fromChunks(['ab', 'c', 'de', 'f', 'g']), 3));
    expect(out.map((c) => Buffer.from(c).toString())).toEqual(['abc', 'def', 'g']);
  });

  it('passes a large chunk through uncopied when nothing is held', async () => {
    const big = bytesOf('x'.repeat(10));
    async function* same(): AsyncGenerator<Uint8Array> {
      yield big;
      yield bytesOf('a');
      yield bytesOf('bcdefghijklm');
    }
    const out = await collect(coalesce(same(), 5));
    expect(out[0]).toBe(big);
    expect(out.map((c) => Buffer.from(c).toString())).toEqual(['x'.repeat(10), 'abcdefghijklm']);
  });

  it('yields nothing for an empty source, and skips empty chunks', async () => {
    expect(await collect(coalesce(fromChunks([]), 4))).toEqual([]);
    expect(text(await collect(coalesce(fromChunks(['', 'a', '', 'b']), 4)))).toBe('ab');
  });

  it('hands on the bytes it holds before the error of a source that fails midway', async () => {
    const { source } = trackedSource(['ab', 'cd'], { failAt: 2, error: new Error('socket reset') });
    const seen: string[] = [];
    await expect(async () => {
      for await (const chunk of coalesce(source, 100)) seen.push(Buffer.from(chunk).toString());
    }).rejects.toThrow('socket reset');
    expect(seen).toEqual(['abcd']);
  });

  it('returns the source when the consumer breaks early', async () => {
    const { source, probe } = trackedSource(['abc', 'def', 'ghi', 'jkl']);
    for await (const chunk of coalesce(source, 3)) {
      expect(Buffer.from(chunk).toString()).toBe('abc');
      break;
    }
    expect(probe.returned).toBe(true);
    expect(probe.exhausted).toBe(false);
  });

  it('hands on what it holds when the source stalls, instead of waiting for minBytes', async () => {
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    async function* source(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('abc');
      await stalled;
      yield Buffer.from('def');
    }
    const iterator = coalesce(source(), 1_000)[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(Buffer.from(first.value as Uint8Array).toString()).toBe('abc');
    release();
    expect(Buffer.from((await iterator.next()).value as Uint8Array).toString()).toBe('def');
    expect((await iterator.next()).done).toBe(true);
  });

  it('refuses a bad minBytes, naming it', async () => {
    await expect(collect(coalesce(fromChunks(['a']), 0))).rejects.toThrow(StreamOptionError);
    await expect(collect(coalesce(fromChunks(['a']), 0))).rejects.toThrow(/minBytes/);
  });

  it('never changes the bytes, whatever the chunking, and every chunk but the last has minBytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2_000 }), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 700 }), async (bytes, sizes, min) => {
        const out = await collect(coalesce(fromChunks(chunkBySizes(bytes, sizes)), min));
        expect(Buffer.concat(out).equals(Buffer.from(bytes))).toBe(true);
        for (const chunk of out.slice(0, -1)) expect(chunk.byteLength).toBeGreaterThanOrEqual(min);
        for (const chunk of out) expect(chunk.byteLength).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
