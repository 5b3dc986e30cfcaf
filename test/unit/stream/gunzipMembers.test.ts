import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { decompress } from '../../../functions/src/stream/decompress.js';
import { DecompressError } from '../../../functions/src/stream/errors.js';
import { SYNC_MEMBER_MAX_BYTES } from '../../../functions/src/stream/gunzipMembers.js';
import { fromChunks, splitAt } from '../../helpers/streams.js';

async function drain(chunks: Iterable<Uint8Array>, chunkSize?: number): Promise<{ out: Buffer; sizes: number[]; skipped: number }> {
  const stream = decompress(fromChunks(chunks), chunkSize === undefined ? {} : { chunkSize });
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return { out: Buffer.concat(parts), sizes: parts.map((p) => p.byteLength), skipped: stream.skippedBytes };
}

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

  it('decodes small members in one call and large or split ones streamed, to the same bytes, however the input is cut', async () => {
    // Members below and above the one-call bound, junk between some of them, random cuts (1-byte chunks too).
    const member = fc.oneof(
      fc.record({ kind: fc.constant('text' as const), n: fc.integer({ min: 0, max: 400 }) }),
      fc.record({ kind: fc.constant('large' as const), n: fc.integer({ min: 1, max: 3 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(member, fc.boolean()), { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), fc.boolean(), async (members, cuts, bytewise) => {
        const texts = members.map(([m], i) => (m.kind === 'text' ? `member ${i} line\n`.repeat(m.n) : `${i}`.padEnd(m.n * SYNC_MEMBER_MAX_BYTES + 17, 'xyz\n')));
        const bytes = Buffer.concat(members.flatMap(([, junk], i) => [gzipSync(texts[i]!), ...(junk ? [Buffer.from('junk!')] : [])]));
        const chunks = bytewise && bytes.length < 4_000 ? splitAt(bytes, Array.from({ length: bytes.length }, (_, i) => i)) : splitAt(bytes, cuts.map((c) => c % bytes.length));
        const { out, skipped } = await drain(chunks);
        expect(out.equals(Buffer.from(texts.join('')))).toBe(true);
        expect(skipped).toBe(members.filter(([, junk]) => junk).length * 5);
      }),
      { numRuns: 40 },
    );
  });

  it('keeps every output chunk within chunkSize, in one call or streamed', async () => {
    const small = gzipSync('a'.repeat(3_000));
    const large = gzipSync(randomBytes(SYNC_MEMBER_MAX_BYTES * 2).toString('hex'));
    const { sizes: oneCall } = await drain([Buffer.concat([small, small])]);
    expect(oneCall).toEqual([3_000, 3_000]);
    const { sizes: bounded } = await drain([Buffer.concat([small, large])], 1_024);
    expect(Math.max(...bounded)).toBeLessThanOrEqual(1_024);
    expect(bounded.reduce((a, b) => a + b, 0)).toBe(3_000 + SYNC_MEMBER_MAX_BYTES * 4);
  });

  it('fails a corrupt small member, or one whose trailer does not match, after the members before it', async () => {
    const good = gzipSync('first member\n');
    const corrupt = Buffer.from(gzipSync('second member\n'.repeat(50)));
    corrupt[12] = corrupt[12]! ^ 0xff;
    const badCrc = Buffer.from(gzipSync('third member\n'));
    badCrc[badCrc.length - 8] = badCrc[badCrc.length - 8]! ^ 0x01;
    for (const bad of [corrupt, badCrc]) {
      const out: string[] = [];
      const error = await (async () => {
        for await (const chunk of decompress(fromChunks([Buffer.concat([good, bad, good])]))) out.push(Buffer.from(chunk).toString());
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DecompressError);
      expect(out.join('')).toBe('first member\n');
    }
  });

  it('formats no stack for the zlib errors of members cut by a chunk\'s end (under --enable-source-maps each decoded the source map)', async () => {
    const members = Array.from({ length: 50 }, (_, i) => gzipSync(`member ${i}\n`.repeat(300)));
    const framed: string[] = [];
    Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]): string => {
      if (frames.length > 0) framed.push(`${error.name} ${String((error as { code?: unknown }).code)}`);
      return `${error.name}: ${error.message}\n${frames.map((f) => `    at ${String(f)}`).join('\n')}`;
    };
    const bytes = Buffer.concat(members);
    // Cuts every 97 bytes at first: most members start in one chunk and end in another, some span three.
    const { out } = await drain(splitAt(bytes, Array.from({ length: 40 }, (_, i) => i * 97)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.toString()).toBe(Array.from({ length: 50 }, (_, i) => `member ${i}\n`.repeat(300)).join(''));
    expect(framed.filter((e) => e.includes('Z_') || e.includes('BUFFER'))).toEqual([]);
  });
});

