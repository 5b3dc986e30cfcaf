import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BACKFILL_DEFAULTS } from '../../../functions/src/backfill/constants.js';
import { toManifestPages } from '../../../functions/src/backfill/toManifestPages.js';
import type { BackfillItem, BackfillObject, BackfillPlanSettings } from '../../../functions/src/backfill/types.js';
import { collect } from '../../helpers/streams.js';

const objects = (sizes: number[]): BackfillObject[] => sizes.map((size, i) => ({ key: `logs/${String(i).padStart(6, '0')}.log.gz`, size }));
const pages = (input: BackfillObject[], settings: BackfillPlanSettings): Promise<BackfillItem[][]> =>
  collect(toManifestPages(input, { settings, backfillId: 'bf-1', bucket: 'logs' }));
const sizesOf = (page: BackfillItem[]): number[][] => page.map((item) => item.objects.map((o) => o.size));

describe('toManifestPages', () => {
  it('cuts items at maxItemKeys and pages at itemsPerPage, with ids of page and index', async () => {
    const out = await pages(objects([1, 1, 1, 1, 1, 1, 1]), { maxItemKeys: 2, maxItemBytes: 100, itemsPerPage: 3 });
    expect(out.map(sizesOf)).toEqual([[[1, 1], [1, 1], [1, 1]], [[1]]]);
    expect(out.flat().map((i) => i.id)).toEqual(['00000-00000', '00000-00001', '00000-00002', '00001-00000']);
    expect(out[0]![0]).toEqual({
      id: '00000-00000',
      backfillId: 'bf-1',
      bucket: 'logs',
      objects: [{ key: 'logs/000000.log.gz', size: 1 }, { key: 'logs/000001.log.gz', size: 1 }],
      bytes: 2,
    });
  });

  it('cuts before an object that would cross maxItemBytes, and sends a larger object alone', async () => {
    const out = await pages(objects([40, 50, 20, 500, 10, 0]), { maxItemKeys: 10, maxItemBytes: 100, itemsPerPage: 10 });
    expect(out.map(sizesOf)).toEqual([[[40, 50], [20], [500], [10, 0]]]);
    expect(out[0]!.map((i) => i.bytes)).toEqual([90, 20, 500, 10]);
  });

  it('yields no page for no object', async () => {
    expect(await pages([], { maxItemKeys: 5, maxItemBytes: 5, itemsPerPage: 5 })).toEqual([]);
  });

  it('with the defaults, 2 500 small objects are 25 items on one page', async () => {
    const out = await pages(objects(Array(2500).fill(2048)), { ...BACKFILL_DEFAULTS });
    expect(out).toHaveLength(1);
    expect(out[0]!.map((i) => i.objects.length)).toEqual(Array(25).fill(100));
  });

  it('keeps every object once, in order, every item and page within its bounds (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 300 }), { maxLength: 400 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 7 }),
        async (sizes, maxItemKeys, maxItemBytes, itemsPerPage) => {
          const input = objects(sizes);
          const out = await pages(input, { maxItemKeys, maxItemBytes, itemsPerPage });
          const items = out.flat();
          expect(items.flatMap((i) => i.objects)).toEqual(input);
          for (const page of out) expect(page.length).toBeLessThanOrEqual(itemsPerPage);
          for (const page of out.slice(0, -1)) expect(page).toHaveLength(itemsPerPage);
          for (const item of items) {
            expect(item.objects.length).toBeGreaterThan(0);
            expect(item.objects.length).toBeLessThanOrEqual(maxItemKeys);
            expect(item.bytes).toBe(item.objects.reduce((n, o) => n + o.size, 0));
            if (item.objects.length > 1) expect(item.bytes).toBeLessThanOrEqual(maxItemBytes);
          }
          expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
          expect(items.map((i) => i.id)).toEqual([...items.map((i) => i.id)].sort());
        },
      ),
      { numRuns: 200 },
    );
  });
});
