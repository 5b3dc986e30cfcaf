import { CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { backfillKeys } from '../../functions/src/backfill/backfillKeys.js';
import { getJson } from '../../functions/src/backfill/getJson.js';
import { planBackfill } from '../../functions/src/backfill/planBackfill.js';
import type { BackfillItem, BackfillPlan } from '../../functions/src/backfill/types.js';
import { localstackClients, uniqueName } from '../helpers/localstackClients.js';
import { putObjects } from '../helpers/putObjects.js';

const { s3 } = localstackClients();
const bucket = uniqueName('logsieve-plan');
const output = { bucket, prefix: 'logsieve/' };
const early = Array.from({ length: 1100 }, (_, i) => `alb/2025/${String(i).padStart(5, '0')}.log.gz`);
const late = Array.from({ length: 950 }, (_, i) => `alb/2026/${String(i).padStart(5, '0')}.log.gz`);
const others = ['alb/2026/notes.txt', 'alb/2026/readme.md'];
const outputs = ['logsieve/summaries/alb/2025/00000.log.gz.json', 'logsieve/errors/alb/x/part-00000.ndjson.gz'];
let boundary: Date;

/** Every item of every page the plan lists. */
async function itemsOf(plan: BackfillPlan): Promise<BackfillItem[]> {
  const pages = await Promise.all(plan.pages.map((p) => getJson<BackfillItem[]>(s3, bucket, p.key)));
  return pages.flatMap((p) => p ?? []);
}

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await putObjects(s3, bucket, [...early, ...others, ...outputs, 'alb/2025/'].map((key) => ({ key, body: key.endsWith('/') ? '' : `${key}\n` })));
  const lastEarly = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: early.at(-1)! }));
  // LastModified has a resolution of a second: the late objects are written two seconds later.
  boundary = new Date(lastEarly.LastModified!.getTime() + 1000);
  await new Promise((r) => setTimeout(r, Math.max(0, boundary.getTime() + 1000 - Date.now())));
  await putObjects(s3, bucket, late.map((key) => ({ key, body: `${key}\n` })));
}, 240_000);

describe('planBackfill on LocalStack', () => {
  it('lists every page of a prefix of more than 1 000 keys, skipping outputs, folders and other suffixes', async () => {
    const plan = await planBackfill({ s3, source: { bucket, prefix: '', suffixes: ['.gz'] }, output, settings: { maxItemKeys: 50, itemsPerPage: 16 } });
    expect(plan.counts).toMatchObject({
      objects: early.length + late.length,
      items: 41,
      pages: 3,
      oversizedObjects: 0,
      skipped: { suffix: 2, modified: 0, folders: 1 },
    });
    // The listing reaches logsieve/ after the first manifest pages are written there: they are outputs too.
    const { skipped } = plan.counts;
    expect(skipped.outputPrefix).toBeGreaterThanOrEqual(outputs.length);
    expect(skipped.outputPrefix).toBeLessThanOrEqual(outputs.length + 2);
    expect(plan.counts.listed).toBe(early.length + late.length + others.length + 1 + skipped.outputPrefix);
    const items = await itemsOf(plan);
    expect(items.flatMap((i) => i.objects.map((o) => o.key))).toEqual([...early, ...late]);
    expect(plan.pages.map((p) => [p.key, p.items])).toEqual([
      [`logsieve/backfills/${plan.backfillId}/manifest-0000.json`, 16],
      [`logsieve/backfills/${plan.backfillId}/manifest-0001.json`, 16],
      [`logsieve/backfills/${plan.backfillId}/manifest-0002.json`, 9],
    ]);
    expect(items[0]).toMatchObject({ id: '00000-00000', backfillId: plan.backfillId, bucket, bytes: 50 * `${early[0]}\n`.length });
    expect(items[0]!.objects[0]).toEqual({ key: early[0], size: `${early[0]}\n`.length });
    // plan.json is written last and is what was returned.
    expect(await getJson<BackfillPlan>(s3, bucket, backfillKeys('logsieve/', plan.backfillId).plan)).toEqual(plan);
  });

  it('keeps only objects last modified in [since, until)', async () => {
    const since = await planBackfill({ s3, source: { bucket, prefix: 'alb/', suffixes: ['.log.gz'], since: boundary.toISOString() }, output });
    expect(since.counts).toMatchObject({ objects: late.length, items: 10, pages: 1, skipped: { modified: early.length, suffix: 2, folders: 1 } });
    expect((await itemsOf(since)).flatMap((i) => i.objects.map((o) => o.key))).toEqual(late);
    const until = await planBackfill({ s3, source: { bucket, prefix: 'alb/', suffixes: ['.log.gz'], until: boundary.toISOString() }, output });
    expect(until.counts).toMatchObject({ objects: early.length, skipped: { modified: late.length } });
  });

  it('plans nothing for an empty prefix: no page, a plan of zero items', async () => {
    const plan = await planBackfill({ s3, source: { bucket, prefix: 'nothing-here/', suffixes: [] }, output });
    expect(plan.counts).toMatchObject({ listed: 0, objects: 0, items: 0, pages: 0 });
    expect(plan.pages).toEqual([]);
  });
});
