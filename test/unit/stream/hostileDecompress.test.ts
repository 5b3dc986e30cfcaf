import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decompress } from '../../../functions/src/stream/decompress.js';
import { DecompressError, ZstdWindowError } from '../../../functions/src/stream/errors.js';
import { chunkBySizes, collect, fromChunks } from '../../helpers/streams.js';
import { textLines, zstdHugeWindowFrame, zstdRawFrame, zstdRleBomb } from '../../helpers/hostileInputs.js';

async function drain(bytes: Uint8Array, sizes: readonly number[] = [65_536], zstdDecoder: 'auto' | 'fzstd' = 'auto') {
  const stream = decompress(fromChunks(chunkBySizes(bytes, sizes)), { zstdDecoder });
  const out = Buffer.concat(await collect(stream));
  return { out, stream };
}

describe('decompress: gzip members and the bytes between them', () => {
  const first = textLines(10, 'ERROR', 'first');
  const second = textLines(300, 'ERROR', 'second');

  it('reads both members around a stray byte, and reports the byte', async () => {
    const a = gzipSync(first);
    const { out, stream } = await drain(Buffer.concat([a, Buffer.from([0x41]), gzipSync(second)]));
    expect(out.toString()).toBe(first + second);
    expect(stream.skippedBytes).toBe(1);
    expect(stream.firstSkippedAt).toBe(a.length);
  });

  it('keeps a member followed by plain text whole, and reports the text as skipped', async () => {
    const a = gzipSync(first);
    const { out, stream } = await drain(Buffer.concat([a, Buffer.from(second)]));
    expect(out.toString()).toBe(first);
    expect(stream.skippedBytes).toBe(second.length);
  });

  it('gives the same bytes however the input is chunked (property)', async () => {
    const body = Buffer.concat([gzipSync(first), Buffer.from('junk\x1f'), gzipSync(second), gzipSync(''), Buffer.from([0x1f, 0x8b])]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }), async (sizes) => {
        const { out, stream } = await drain(body, sizes);
        expect(out.toString()).toBe(first + second);
        expect(stream.skippedBytes).toBe(7);
      }),
      { numRuns: 60 },
    );
  });

  it('fails a member whose CRC-32 does not match, after what was decoded', async () => {
    const gz = gzipSync(first);
    gz[gz.length - 8]! ^= 0xff;
    const error = await collect(decompress(fromChunks([gz]))).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DecompressError);
    expect((error as Error).message).toMatch(/fails its check/);
  });
});

describe('decompress: zstd windows and frames', () => {
  for (const decoder of ['auto', 'fzstd'] as const) {
    it(`refuses a frame declaring a 1.9 GiB window before allocating it, after the frame before it (${decoder})`, async () => {
      const good = zstdRawFrame(textLines(20, 'ERROR', 'ok'));
      const chunks: Uint8Array[] = [];
      const stream = decompress(fromChunks([Buffer.concat([good, zstdHugeWindowFrame('never decoded\n')])]), { zstdDecoder: decoder });
      const error = await (async () => {
        for await (const c of stream) chunks.push(c);
      })().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ZstdWindowError);
      expect(error).toMatchObject({ windowBytes: 2013265920, offset: good.length, compression: 'zstd' });
      expect(Buffer.concat(chunks).toString()).toBe(textLines(20, 'ERROR', 'ok'));
    });
  }

  it('decodes an RLE bomb in bounded pieces with the pure-JS decoder', async () => {
    let largest = 0;
    let total = 0;
    for await (const c of decompress(fromChunks([zstdRleBomb(64 * 1024 * 1024)]), { zstdDecoder: 'fzstd' })) {
      total += c.byteLength;
      largest = Math.max(largest, c.byteLength);
    }
    expect(total).toBe(64 * 1024 * 1024);
    expect(largest).toBeLessThanOrEqual(128 * 1024);
  });

  it('skips bytes between frames and a skippable frame, and reports only the stray bytes (property over chunking)', async () => {
    const skippable = Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0]), Buffer.from('abc')]);
    const a = textLines(5, 'ERROR', 'a');
    const b = textLines(50, 'ERROR', 'b');
    const body = Buffer.concat([zstdRawFrame(a), skippable, Buffer.from('xy'), zstdRawFrame(b), Buffer.from('z')]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 6 }), async (sizes) => {
        const { out, stream } = await drain(body, sizes, 'fzstd');
        expect(out.toString()).toBe(a + b);
        expect(stream.skippedBytes).toBe(3);
      }),
      { numRuns: 40 },
    );
  });
});
