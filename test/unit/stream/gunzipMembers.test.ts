import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { decompress } from '../../../functions/src/stream/decompress.js';
import { fromChunks } from '../../helpers/streams.js';

const original = Error.prepareStackTrace;
afterEach(() => {
  Error.prepareStackTrace = original;
});

describe('gunzipMembers (through decompress)', () => {
  it('ends each member without an error: no AbortError per member, whose stack was formatted (a source map decoded) every time', async () => {
    const members = Array.from({ length: 20 }, (_, i) => gzipSync(`member ${i}\n`.repeat(100)));
    const formatted: string[] = [];
    Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]): string => {
      formatted.push(error.name);
      return `${error.name}: ${error.message}\n${frames.map((f) => `    at ${String(f)}`).join('\n')}`;
    };
    // Members cut across chunk edges and many in one chunk: the deflate data ends inside a chunk.
    const bytes = Buffer.concat(members);
    const out: Buffer[] = [];
    for await (const chunk of decompress(fromChunks([bytes.subarray(0, 1000), bytes.subarray(1000)]))) out.push(Buffer.from(chunk));
    await new Promise((resolve) => setImmediate(resolve));
    expect(Buffer.concat(out).toString()).toBe(Array.from({ length: 20 }, (_, i) => `member ${i}\n`.repeat(100)).join(''));
    expect(formatted.filter((name) => name === 'AbortError')).toEqual([]);
  });
});
