import { describe, expect, it } from 'vitest';

import { createLineSplitter } from '../../../functions/src/stream/createLineSplitter.js';
import { createLineStats } from '../../../functions/src/stream/createLineStats.js';
import { S3ReadError, StreamOptionError } from '../../../functions/src/stream/errors.js';
import { lineBatches } from '../../../functions/src/stream/lineBatches.js';
import { lines } from '../../../functions/src/stream/lines.js';
import type { Line, LineOptions } from '../../../functions/src/stream/types.js';
import { bytesOf, collect, fromChunks, referenceLines, trackedSource } from '../../helpers/streams.js';

type Shape = (bytes: AsyncIterable<Uint8Array>, options?: LineOptions) => AsyncIterable<Line>;

const viaLines: Shape = (bytes, options) => lines(bytes, options);
const viaBatches: Shape = (bytes, options) => {
  const batches = lineBatches(bytes, options);
  return {
    async *[Symbol.asyncIterator]() {
      for await (const batch of batches) yield* batch;
    },
  };
};

async function texts(shape: Shape, chunks: (string | Uint8Array)[], options?: LineOptions): Promise<string[]> {
  return (await collect(shape(fromChunks(chunks), options))).map((line) => line.text);
}

describe.each([
  ['lines', viaLines],
  ['lineBatches', viaBatches],
] as const)('%s', (_name, shape) => {
  it('splits at a newline that falls exactly on a chunk edge', async () => {
    const out = await collect(shape(fromChunks(['alpha\n', 'beta\n', 'gamma'])));
    expect(out).toEqual([
      { text: 'alpha', number: 1, offset: 0, bytes: 5, truncated: false },
      { text: 'beta', number: 2, offset: 6, bytes: 4, truncated: false },
      { text: 'gamma', number: 3, offset: 11, bytes: 5, truncated: false },
    ]);
  });

  it('splits at a newline that starts a chunk', async () => {
    expect(await texts(shape, ['alpha', '\nbeta', '\n'])).toEqual(['alpha', 'beta']);
  });

  it('strips a CR whose LF arrives in the next chunk', async () => {
    const out = await collect(shape(fromChunks(['one\r', '\ntwo\r\n', '\r', '\n', 'three'])));
    expect(out.map((l) => l.text)).toEqual(['one', 'two', '', 'three']);
    expect(out.map((l) => l.bytes)).toEqual([3, 3, 0, 5]);
    expect(out.map((l) => l.offset)).toEqual([0, 5, 10, 12]);
  });

  it('keeps a CR that is not followed by LF', async () => {
    expect(await texts(shape, ['a\rb\n', 'c\r'])).toEqual(['a\rb', 'c\r']);
  });

  it('decodes a multi-byte character split across chunks, byte by byte', async () => {
    const content = bytesOf('héllo €uro 𝄞 clef\n');
    const chunks = [...content].map((b) => Uint8Array.of(b));
    const out = await collect(shape(fromChunks(chunks)));
    expect(out).toEqual([{ text: 'héllo €uro 𝄞 clef', number: 1, offset: 0, bytes: content.length - 1, truncated: false }]);
  });

  it('replaces invalid UTF-8 with U+FFFD and counts the line', async () => {
    const stats = createLineStats();
    const out = await collect(
      shape(fromChunks([Uint8Array.of(0x61, 0xff, 0x62, 0x0a), 'ok\n', Uint8Array.of(0xe2, 0x82, 0x0a)]), { stats }),
    );
    expect(out.map((l) => l.text)).toEqual(['a\uFFFDb', 'ok', '\uFFFD']);
    expect(out.map((l) => l.bytes)).toEqual([3, 2, 2]);
    expect(stats.invalidUtf8Lines).toBe(2);
  });

  it('flushes a last line that has no newline', async () => {
    const out = await collect(shape(fromChunks(['first\nlast'])));
    expect(out.at(-1)).toEqual({ text: 'last', number: 2, offset: 6, bytes: 4, truncated: false });
  });

  it('gives zero lines for empty input, with or without empty chunks', async () => {
    expect(await texts(shape, [])).toEqual([]);
    expect(await texts(shape, ['', new Uint8Array(0)])).toEqual([]);
  });

  it('gives one empty line for a lone newline and keeps empty lines', async () => {
    expect(await texts(shape, ['\n'])).toEqual(['']);
    expect(await texts(shape, ['\n\n', 'x\n\n'])).toEqual(['', '', 'x', '']);
  });

  it('strips a leading BOM, also when it is split across chunks, and only at the start', async () => {
    const out = await collect(shape(fromChunks([Uint8Array.of(0xef), Uint8Array.of(0xbb), Uint8Array.of(0xbf, 0x61, 0x0a), '\uFEFFb\n'])));
    expect(out.map((l) => l.text)).toEqual(['a', '\uFEFFb']);
    expect(out.map((l) => l.offset)).toEqual([3, 5]);
  });

  it('treats a BOM prefix that is the whole input as a line', async () => {
    expect(await texts(shape, [Uint8Array.of(0xef, 0xbb)])).toEqual(['\uFFFD']);
    expect(await texts(shape, [Uint8Array.of(0xef, 0xbb, 0xbf)])).toEqual([]);
  });

  it('truncates an over-long line to maxLineBytes, discards the rest, marks and counts it', async () => {
    const stats = createLineStats();
    const long = 'x'.repeat(25);
    const out = await collect(shape(fromChunks(['short\n', long.slice(0, 7), long.slice(7) + '\r', '\nnext\n']), { maxLineBytes: 10, stats }));
    expect(out).toEqual([
      { text: 'short', number: 1, offset: 0, bytes: 5, truncated: false },
      { text: 'x'.repeat(10), number: 2, offset: 6, bytes: 25, truncated: true },
      { text: 'next', number: 3, offset: 33, bytes: 4, truncated: false },
    ]);
    expect(stats).toMatchObject({ lines: 3, truncatedLines: 1, skippedLines: 0 });
  });

  it('truncates an over-long line inside one chunk without cutting a character', async () => {
    const out = await collect(shape(fromChunks(['abcdefgh€€\nok\n']), { maxLineBytes: 10 }));
    // 'abcdefgh' is 8 bytes; the next '€' (3 bytes) would cross 10, so it is left out whole.
    expect(out[0]).toEqual({ text: 'abcdefgh', number: 1, offset: 0, bytes: 14, truncated: true });
    expect(out[1]?.text).toBe('ok');
  });

  it('skips an over-long line with policy skip, counts it and keeps numbering', async () => {
    const stats = createLineStats();
    const out = await collect(shape(fromChunks(['a\n', 'y'.repeat(30), 'y\nb\n', 'z'.repeat(11)]), { maxLineBytes: 10, longLines: 'skip', stats }));
    expect(out.map((l) => [l.text, l.number, l.offset])).toEqual([
      ['a', 1, 0],
      ['b', 3, 34],
    ]);
    expect(stats).toMatchObject({ lines: 2, skippedLines: 2, truncatedLines: 0, bytes: 47 });
  });

  it('accepts a line of exactly maxLineBytes plus CR LF as not over-long', async () => {
    const out = await collect(shape(fromChunks(['0123456789\r', '\n']), { maxLineBytes: 10 }));
    expect(out).toEqual([{ text: '0123456789', number: 1, offset: 0, bytes: 10, truncated: false }]);
  });

  it('returns the source when the consumer breaks early', async () => {
    const { source, probe } = trackedSource(['a\nb\n', 'c\n', 'd\n', 'e\n']);
    const seen: string[] = [];
    for await (const line of shape(source)) {
      seen.push(line.text);
      if (line.text === 'b') break;
    }
    expect(seen).toEqual(['a', 'b']);
    expect(probe.returned).toBe(true);
    expect(probe.pulled).toBe(1);
  });

  it('propagates a source error midway unchanged, after the lines before it, with linesEmitted', async () => {
    const failure = new S3ReadError('socket hang up', { bucket: 'b', key: 'k', code: 'BodyReadFailed', bytesRead: 8 });
    const { source } = trackedSource(['one\ntwo\n', 'thr'], { failAt: 2, error: failure });
    const seen: string[] = [];
    const caught = await (async () => {
      try {
        for await (const line of shape(source)) seen.push(line.text);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(seen).toEqual(['one', 'two']);
    expect(caught).toBe(failure);
    expect(failure).toMatchObject({ bucket: 'b', key: 'k', code: 'BodyReadFailed', linesEmitted: 2 });
  });

  it('propagates a plain error from the source as is', async () => {
    const failure = new Error('boom');
    const { source } = trackedSource(['x\n'], { failAt: 1, error: failure });
    await expect(collect(shape(source))).rejects.toBe(failure);
  });

  it('agrees with the reference split on a mixed sample', async () => {
    const content = bytesOf('\uFEFFa\r\nβ\n\n\r\nlong line here\nend');
    const expected = referenceLines(content).lines;
    expect(await collect(shape(fromChunks([content])))).toEqual(expected);
  });

  it('validates options up front, naming the option', () => {
    expect(() => shape(fromChunks([]), { maxLineBytes: 0 })).toThrow(StreamOptionError);
    expect(() => shape(fromChunks([]), { maxLineBytes: 1.5 })).toThrow(/maxLineBytes/);
    expect(() => shape(fromChunks([]), { longLines: 'drop' as 'skip' })).toThrow(/longLines.*'truncate' or 'skip'.*"drop"/);
  });
});

describe('lineBatches', () => {
  it('yields one array per input chunk that completes lines', async () => {
    const batches = await collect(lineBatches(fromChunks(['a\nb\n', 'c', 'd\ne', '\n', 'tail'])));
    expect(batches.map((b) => b.map((l) => l.text))).toEqual([['a', 'b'], ['cd'], ['e'], ['tail']]);
  });

  it('keeps memory bounded for a line far longer than maxLineBytes', async () => {
    // 64 MiB line with a 1 KiB cap: only the cap is held, and the result is the line's first KiB.
    const piece = Buffer.alloc(1024 * 1024, 0x61);
    const chunks: Uint8Array[] = Array.from({ length: 64 }, () => piece);
    chunks.push(Buffer.from('\nnext\n'));
    const stats = createLineStats();
    const out = (await collect(lineBatches(fromChunks(chunks), { maxLineBytes: 1024, stats }))).flat();
    expect(out[0]).toMatchObject({ text: 'a'.repeat(1024), bytes: 64 * 1024 * 1024, truncated: true });
    expect(out[1]).toMatchObject({ text: 'next', offset: 64 * 1024 * 1024 + 1 });
    expect(stats.truncatedLines).toBe(1);
  });
});

describe('pacing of large chunks', () => {
  // 1 MiB chunk of short lines: split in 256 KiB slices with an event-loop turn between them.
  const big = Buffer.from('0123456789abcdef\n'.repeat(Math.ceil((1024 * 1024) / 17)));

  async function turnsWhile(run: () => Promise<number>): Promise<{ turns: number; lines: number }> {
    let turns = 0;
    let ticking = true;
    const tick = (): void => {
      turns += 1;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const count = await run();
    ticking = false;
    return { turns, lines: count };
  }

  it.each([
    ['lines', async () => (await collect(lines(fromChunks([big])))).length],
    ['lineBatches', async () => (await collect(lineBatches(fromChunks([big])))).flat().length],
  ] as const)('%s lets the event loop turn between slices of one chunk', async (_name, run) => {
    const { turns, lines: count } = await turnsWhile(run);
    expect(count).toBe(big.length / 17);
    expect(turns).toBeGreaterThanOrEqual(3);
  });

  it('lineBatches yields one array per 256 KiB slice of a large chunk, same lines as unsliced', async () => {
    const batches = await collect(lineBatches(fromChunks([big])));
    expect(batches.length).toBe(Math.ceil(big.length / (256 * 1024)));
    expect(batches.flat()).toEqual(referenceLines(big).lines);
  });
});

describe('createLineSplitter', () => {
  it('never holds more than maxLineBytes + 1 bytes of a line, however long it grows', () => {
    const splitter = createLineSplitter({ maxLineBytes: 4096 });
    const piece = Buffer.alloc(256 * 1024, 0x62);
    let worst = 0;
    for (let i = 0; i < 256; i++) {
      expect(splitter.push(piece)).toEqual([]);
      worst = Math.max(worst, splitter.pendingBytes);
    }
    const [line] = splitter.push(Buffer.from('\n'));
    expect(worst).toBe(4097);
    expect(splitter.pendingBytes).toBe(0);
    expect(line).toMatchObject({ text: 'b'.repeat(4096), bytes: 64 * 1024 * 1024, truncated: true });
  });
});
