import { readFileSync } from 'node:fs';
import { constants, gunzipSync, gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { decompress, nodeZstdDecompress } from '../../../functions/src/stream/decompress.js';
import { DecompressError, S3ReadError, StreamOptionError } from '../../../functions/src/stream/errors.js';
import { lineBatches } from '../../../functions/src/stream/lineBatches.js';
import { lines } from '../../../functions/src/stream/lines.js';
import { chunkBySizes, collect, fixtureText, fromChunks, splitAt, trackedSource } from '../../helpers/streams.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/stream/${name}`, import.meta.url));

async function text(stream: AsyncIterable<Uint8Array>): Promise<string> {
  return Buffer.concat(await collect(stream)).toString('utf8');
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

const sample = fixtureText(7, 3000);

describe('decompress', () => {
  it('passes plain text through, detected from the first bytes', async () => {
    const stream = decompress(fromChunks(splitAt(Buffer.from(sample), [1, 2, 3, 5000])));
    expect(stream.compression).toBeUndefined();
    expect(await text(stream)).toBe(sample);
    expect(stream.compression).toBe('none');
    expect(stream.bytesIn).toBe(Buffer.byteLength(sample));
    expect(stream.bytesOut).toBe(Buffer.byteLength(sample));
  });

  it('passes through input shorter than any magic number, and empty input', async () => {
    const one = decompress(fromChunks(['x']));
    expect(await text(one)).toBe('x');
    expect(one.compression).toBe('none');
    const empty = decompress(fromChunks([]));
    expect(await text(empty)).toBe('');
    expect(empty.compression).toBe('none');
  });

  it('decodes gzip even when the magic bytes arrive one at a time', async () => {
    const gz = gzipSync(sample);
    const stream = decompress(fromChunks(chunkBySizes(gz, [1, 1, 1, 7, 4096])));
    expect(await text(stream)).toBe(sample);
    expect(stream.compression).toBe('gzip');
    expect(stream.bytesIn).toBe(gz.length);
    expect(stream.bytesOut).toBe(Buffer.byteLength(sample));
  });

  it('decodes multi-member gzip (cat a.gz b.gz) whole', async () => {
    const parts = [fixtureText(1, 500), fixtureText(2, 10), '', fixtureText(3, 800)];
    const gz = Buffer.concat(parts.map((p) => gzipSync(p)));
    expect(await text(decompress(fromChunks(chunkBySizes(gz, [333]))))).toBe(parts.join(''));
  });

  it('ignores the name: a .gz key holding plain text is passed through', async () => {
    // decompress never sees a key; this pins that detection uses bytes only.
    const stream = decompress(fromChunks(['not gzip at all\n']));
    expect(await text(stream)).toBe('not gzip at all\n');
    expect(stream.compression).toBe('none');
  });

  it('uses 1 MiB output chunks for gzip by default', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 'abcdefgh\n');
    const chunks = await collect(decompress(fromChunks([gzipSync(big)])));
    expect(chunks[0]?.byteLength).toBe(1024 * 1024);
    expect(Buffer.concat(chunks).equals(big)).toBe(true);
  });

  it('raises DecompressError with the offset reached and lines emitted for truncated gzip', async () => {
    const gz = gzipSync(sample);
    const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
    const seen: string[] = [];
    const error = await failure(async () => {
      for await (const line of lines(decompress(fromChunks(chunkBySizes(cut, [1000]))))) seen.push(line.text);
    });
    expect(error).toBeInstanceOf(DecompressError);
    const e = error as DecompressError;
    expect(e.compression).toBe('gzip');
    expect(e.offset).toBeGreaterThan(0);
    expect(e.offset).toBeLessThanOrEqual(cut.length);
    expect(e.linesEmitted).toBe(seen.length);
    expect(e.message).toMatch(/gzip/);
    expect(sample.startsWith(seen.join('\n'))).toBe(true);
  });

  it('hands on every byte zlib decoded before the end of a truncated gzip, however large the object and its chunks', async () => {
    // Several MiB of output, so that output chunks would be waiting in the inflater when it fails
    // (a read-ahead there once dropped them: the stream iterator throws without its buffer).
    const text = fixtureText(4, 60_000);
    const gz = gzipSync(text);
    const cut = gz.subarray(0, Math.floor(gz.length * 0.7));
    const decodable = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH });
    for (const size of [1 << 20, 16 * 1024]) {
      const out: Uint8Array[] = [];
      const error = await failure(async () => {
        for await (const chunk of decompress(fromChunks(chunkBySizes(cut, [size])))) {
          out.push(chunk);
          // A slow consumer (the parser), so that zlib would have time to run ahead.
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      });
      expect(error).toBeInstanceOf(DecompressError);
      expect(Buffer.concat(out).equals(decodable)).toBe(true);
    }
  });

  it('raises DecompressError near the damage for corrupt gzip', async () => {
    const gz = Buffer.from(gzipSync(fixtureText(9, 20000)));
    const damageAt = Math.floor(gz.length / 2);
    for (let i = damageAt; i < damageAt + 64; i++) gz[i] = 0xff;
    const error = await failure(() => collect(lineBatches(decompress(fromChunks(chunkBySizes(gz, [4096]))))));
    expect(error).toBeInstanceOf(DecompressError);
    const e = error as DecompressError;
    expect(e.offset).toBeGreaterThan(damageAt - 64 * 1024);
    expect(e.offset).toBeLessThanOrEqual(gz.length);
    expect(e.linesEmitted).toBeGreaterThan(0);
    expect(e.cause).toBeInstanceOf(Error);
  });

  it('lets a source error through unchanged, not as a DecompressError', async () => {
    const gz = gzipSync(fixtureText(4, 5000));
    const boom = new S3ReadError('connection reset', { bucket: 'b', key: 'k.gz', code: 'BodyReadFailed' });
    const chunks = chunkBySizes(gz, [2048]);
    const { source, probe } = trackedSource(chunks, { failAt: 3, error: boom });
    const error = await failure(() => collect(lines(decompress(source))));
    expect(error).toBe(boom);
    expect(boom.linesEmitted).toBeGreaterThan(0);
    expect(probe.pulled).toBe(3);
  });

  it('returns the source when the consumer breaks early', async () => {
    // 2.9 MB: well over the 512 KiB of ready input a streamed inflate joins into one write.
    const gz = gzipSync(fixtureText(5, 200000));
    const { source, probe } = trackedSource(chunkBySizes(gz, [1024]));
    for await (const line of lines(decompress(source))) {
      if (line.number === 10) break;
    }
    expect(probe.returned).toBe(true);
    expect(probe.exhausted).toBe(false);
    expect(probe.pulled).toBeLessThan(chunkBySizes(gz, [1024]).length);
  });

  it('returns the source on early break of plain text too', async () => {
    const { source, probe } = trackedSource(['a\n', 'b\n', 'c\n']);
    for await (const line of lines(decompress(source))) if (line.text === 'a') break;
    expect(probe.returned).toBe(true);
  });

  it('validates options up front, naming the option', () => {
    expect(() => decompress(fromChunks([]), { chunkSize: 10 })).toThrow(StreamOptionError);
    expect(() => decompress(fromChunks([]), { chunkSize: 10 })).toThrow(/chunkSize/);
    expect(() => decompress(fromChunks([]), { zstdDecoder: 'lz4' as 'node' })).toThrow(/zstdDecoder/);
  });

  it('is single-use', async () => {
    const stream = decompress(fromChunks(['x']));
    await collect(stream);
    await expect(collect(stream)).rejects.toThrow(StreamOptionError);
  });
});

const zstdDecoders = nodeZstdDecompress === undefined ? (['fzstd'] as const) : (['fzstd', 'node'] as const);

describe.each(zstdDecoders)('decompress zstd (%s decoder)', (zstdDecoder) => {
  it('decodes a single-frame, multi-block, checksummed file', async () => {
    const zst = fixture('lines-a.zst');
    const stream = decompress(fromChunks(chunkBySizes(zst, [1, 3, 5000, 70000])), { zstdDecoder });
    expect(await text(stream)).toBe(fixtureText(1, 4000));
    expect(stream.compression).toBe('zstd');
    expect(stream.bytesIn).toBe(zst.length);
    expect(stream.bytesOut).toBe(Buffer.byteLength(fixtureText(1, 4000)));
  });

  it('decodes concatenated frames', async () => {
    const stream = decompress(fromChunks(chunkBySizes(fixture('lines-two-frames.zst'), [777])), { zstdDecoder });
    expect(await text(stream)).toBe(fixtureText(2, 300) + fixtureText(3, 200));
  });

  it('raises DecompressError for truncated zstd, with lines emitted so far', async () => {
    const zst = fixture('lines-a.zst');
    const cut = zst.subarray(0, zst.length - 100);
    const seen: string[] = [];
    const error = await failure(async () => {
      for await (const line of lines(decompress(fromChunks(chunkBySizes(cut, [4096])), { zstdDecoder }))) seen.push(line.text);
    });
    expect(error).toBeInstanceOf(DecompressError);
    expect(error).toMatchObject({ compression: 'zstd', linesEmitted: seen.length });
    expect((error as DecompressError).offset).toBeLessThanOrEqual(cut.length);
    expect(seen.length).toBeGreaterThan(0);
  });

  it('raises DecompressError for a corrupt frame header', async () => {
    const zst = Buffer.from(fixture('lines-two-frames.zst'));
    zst[4] = 0xff; // frame header descriptor: reserved bit set
    zst[5] = 0xff;
    const error = await failure(() => collect(decompress(fromChunks([zst]), { zstdDecoder })));
    expect(error).toBeInstanceOf(DecompressError);
    expect(error).toMatchObject({ compression: 'zstd' });
  });
});
