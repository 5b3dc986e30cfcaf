import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createLineStats } from '../../../functions/src/stream/createLineStats.js';
import { lineBatches } from '../../../functions/src/stream/lineBatches.js';
import { lines } from '../../../functions/src/stream/lines.js';
import { chunkBySizes, collect, fromChunks, referenceLines, splitAt } from '../../helpers/streams.js';

/** Pieces chosen to hit the splitter's branches: ASCII, multi-byte, CR/LF, invalid bytes, BOM. */
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', 'Z', ' ', '0', '=', ':'), maxLength: 12 }) },
  { weight: 3, arbitrary: fc.constantFrom('\n', '\r\n', '\r', '\n\n') },
  { weight: 2, arbitrary: fc.constantFrom('é', '€', '𝄞', 'ß', '日本', '\uFEFF') },
  { weight: 1, arbitrary: fc.constantFrom([0xff], [0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9d, 0x84], [0xed, 0xa0, 0x80]) },
);

const content = fc
  .tuple(fc.boolean(), fc.array(piece, { maxLength: 80 }))
  .map(([bom, pieces]) =>
    Buffer.concat([
      bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0),
      ...pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))),
    ]),
  );

describe('lines (property)', () => {
  it('equals the reference split for any content and any chunk boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(content, fc.array(fc.nat({ max: 400 }), { maxLength: 40 }), async (bytes, cuts) => {
        const stats = createLineStats();
        const got = await collect(lines(fromChunks(splitAt(bytes, cuts)), { stats }));
        const expected = referenceLines(bytes);
        expect(got).toEqual(expected.lines);
        expect(stats.lines).toBe(expected.lines.length);
        expect(stats.invalidUtf8Lines).toBe(expected.invalidUtf8Lines);
        expect(stats.bytes).toBe(bytes.length);
      }),
      { numRuns: 400 },
    );
  });

  it('applies maxLineBytes the same way whatever the chunking, for both policies', async () => {
    await fc.assert(
      fc.asyncProperty(
        content,
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 24 }),
        fc.constantFrom('truncate' as const, 'skip' as const),
        async (bytes, sizes, maxLineBytes, longLines) => {
          const stats = createLineStats();
          const got = (await collect(lineBatches(fromChunks(chunkBySizes(bytes, sizes)), { maxLineBytes, longLines, stats }))).flat();
          const expected = referenceLines(bytes, { maxLineBytes, longLines });
          expect(got).toEqual(expected.lines);
          expect(stats.truncatedLines).toBe(expected.truncatedLines);
          expect(stats.skippedLines).toBe(expected.skippedLines);
          expect(stats.invalidUtf8Lines).toBe(expected.invalidUtf8Lines);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('equals the reference on multi-MiB content cut into chunks of 1 byte to 1 MiB', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(content, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 1024 * 1024 }), { minLength: 1, maxLength: 6 }),
        async (units, sizes) => {
          // Repeat the random units up to ~2.5 MiB so that 1 MiB chunks still cut it several times.
          const unit = Buffer.concat([...units, Buffer.from('\n')]);
          const bytes = Buffer.concat(Array.from({ length: Math.ceil((2.5 * 1024 * 1024) / unit.length) }, () => unit));
          // Tiny sizes on megabytes of input would take minutes; keep at most ~4,000 chunks.
          const floor = Math.ceil(bytes.length / 4000);
          const got = await collect(lines(fromChunks(chunkBySizes(bytes, sizes.map((s) => Math.max(s, floor))))));
          expect(got).toEqual(referenceLines(bytes).lines);
        },
      ),
      { numRuns: 6 },
    );
  });

  it('lines and lineBatches give the same lines', async () => {
    await fc.assert(
      fc.asyncProperty(content, fc.array(fc.nat({ max: 300 }), { maxLength: 20 }), async (bytes, cuts) => {
        const chunks = splitAt(bytes, cuts);
        const single = await collect(lines(fromChunks(chunks)));
        const batched = (await collect(lineBatches(fromChunks(chunks)))).flat();
        expect(batched).toEqual(single);
      }),
      { numRuns: 200 },
    );
  });
});
