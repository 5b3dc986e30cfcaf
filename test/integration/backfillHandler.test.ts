import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { backfillKeys } from '../../functions/src/backfill/backfillKeys.js';
import { BackfillItemIncompleteError, BackfillOptionError } from '../../functions/src/backfill/errors.js';
import { getJson } from '../../functions/src/backfill/getJson.js';
import { handleBackfillEvent } from '../../functions/src/backfill/handleBackfillEvent.js';
import { planBackfill } from '../../functions/src/backfill/planBackfill.js';
import type { BackfillItem, BackfillItemResult, BackfillReport } from '../../functions/src/backfill/types.js';
import { loadConfig } from '../../functions/src/config/loadConfig.js';
import type { Rollup } from '../../functions/src/rollup/types.js';
import { localstackClients, uniqueName } from '../helpers/localstackClients.js';
import { putObjects } from '../helpers/putObjects.js';
import { sampleLog } from '../helpers/sampleLog.js';

const { s3 } = localstackClients();
const bucket = uniqueName('logsieve-bf-handler');
const config = loadConfig({ LOGSIEVE_OUTPUT_BUCKET: bucket, LOGSIEVE_CONCURRENCY: '2' });
const log = new Logger({ serviceName: 'logsieve-test', logLevel: 'ERROR' });
const deps = { s3, config, log };
const context = (remainingMs: number): Context => ({ getRemainingTimeInMillis: () => remainingMs }) as Context;
const keys = Array.from({ length: 5 }, (_, i) => `logs/${i}.log`);
let items: BackfillItem[];
let backfillId: string;

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await putObjects(s3, bucket, keys.map((key) => ({ key, body: sampleLog(50, 10).text })));
  const plan = await planBackfill({ s3, source: { bucket, prefix: 'logs/', suffixes: [] }, output: { bucket, prefix: 'logsieve/' }, settings: { maxItemKeys: 3 } });
  backfillId = plan.backfillId;
  items = (await getJson<BackfillItem[]>(s3, bucket, plan.pages[0]!.key))!;
});

describe('handleBackfillEvent (the backfill function, on LocalStack S3)', () => {
  it('an item whose objects the deadline leaves unstarted: the result is written, then BackfillItemIncompleteError for the retry', async () => {
    const run = handleBackfillEvent(deps, { action: 'item', item: items[0] }, context(0));
    await expect(run).rejects.toThrow(BackfillItemIncompleteError);
    await expect(run).rejects.toThrow(/backfill item 00000-00000: 3 object\(s\) failed for a reason a retry may mend/);
    const result = await getJson<BackfillItemResult>(s3, bucket, backfillKeys('logsieve/', backfillId).result(items[0]!.id));
    expect(result?.counts).toMatchObject({ objects: 3, processed: 0, failed: 3 });
    // The deadline fires on the next turn of the event loop: an object is stopped at once or not started.
    expect(result?.failures.map((f) => [f.key, f.retryable])).toEqual([['logs/0.log', true], ['logs/1.log', true], ['logs/2.log', true]]);
    for (const f of result!.failures) expect(f.reason).toMatch(/deadline/);
  });

  it('the retry of that item and the other item process everything; the report step sums them, writes their rollup and EMF metrics', async () => {
    const metrics: Array<[string, string, number]> = [];
    const withMetrics = { ...deps, metrics: { addMetric: (name: string, unit: string, value: number) => metrics.push([name, unit, value]) } };
    for (const item of items) {
      await expect(handleBackfillEvent(withMetrics, { action: 'item', item }, context(60_000))).resolves.toMatchObject({ itemId: item.id, counts: { failed: 0 } });
    }
    const answer = await handleBackfillEvent(withMetrics, { action: 'report', backfillId }, context(60_000));
    expect(answer).toEqual({ backfillId, status: 'complete', counts: expect.objectContaining({ objects: 5, processed: 5, skipped: 0, failed: 0, items: 2 }) });
    const report = await getJson<BackfillReport>(s3, bucket, backfillKeys('logsieve/', backfillId).report);
    expect(report?.counts.records).toBe(5 * 5);
    // The rollup of what the backfill processed: the five summaries merged, one input per item result.
    expect(report?.rollupKey).toBe(`logsieve/backfills/${backfillId}/rollup.json`);
    const rollup = await getJson<Rollup>(s3, bucket, report!.rollupKey);
    expect(rollup).toMatchObject({ schema: 'logsieve.rollup/1', period: { kind: 'range' }, summaries: { complete: 5, failed: 0 }, counts: { records: 25, lines: 5 * 50 } });
    expect(rollup!.inputs.map((i) => i.key)).toEqual(items.map((item) => backfillKeys('logsieve/', backfillId).result(item.id)));
    expect(rollup!.groups.reduce((n, g) => n + g.count, 0)).toBe(25);
    expect((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `logsieve/backfills/${backfillId}/rollup.html` }))).ContentType).toMatch(/text\/html/);
    const sumOf = (name: string): number => metrics.filter(([n]) => n === name).reduce((n, [, , v]) => n + v, 0);
    expect([sumOf('BackfillItems'), sumOf('BackfillObjectsProcessed'), sumOf('BackfillObjectsSkipped'), sumOf('BackfillObjectsFailed'), sumOf('BackfillRecords')]).toEqual([2, 5, 0, 0, 25]);
    expect(metrics).toContainEqual(['BackfillBytes', 'Bytes', expect.any(Number)]);
    expect(metrics.filter(([n]) => n.endsWith('Reports'))).toEqual([['BackfillReports', 'Count', 1], ['BackfillFailedReports', 'Count', 0]]);
  });

  it('a second run of the items skips every object, and its rollup still holds them all (their summaries read again)', async () => {
    for (const item of items) {
      await expect(handleBackfillEvent(deps, { action: 'item', item }, context(60_000))).resolves.toMatchObject({ counts: { processed: 0, skipped: item.objects.length } });
    }
    const answer = await handleBackfillEvent(deps, { action: 'report', backfillId }, context(60_000));
    expect(answer.counts).toMatchObject({ processed: 0, skipped: 5 });
    const rollup = await getJson<Rollup>(s3, bucket, `logsieve/backfills/${backfillId}/rollup.json`);
    expect(rollup).toMatchObject({ summaries: { complete: 5 }, counts: { records: 25 } });
  });

  it("the report step carries the map's error when the map stopped", async () => {
    const answer = await handleBackfillEvent(deps, { action: 'report', backfillId, mapError: { Error: 'States.ExceedToleratedFailureThreshold', Cause: 'too many' } });
    expect(answer).toMatchObject({ status: 'failed' });
    const report = await getJson<BackfillReport>(s3, bucket, backfillKeys('logsieve/', backfillId).report);
    expect(report?.mapError).toEqual({ error: 'States.ExceedToleratedFailureThreshold', cause: 'too many' });
  });

  it.each([
    [{}, /event.action must be "item" or "report"/],
    [{ action: 'item', item: { id: 'x' } }, /event.item must be a manifest item/],
    [{ action: 'report' }, /event.backfillId must be the id of the backfill/],
  ])('refuses a malformed event: %j', async (event, message) => {
    await expect(handleBackfillEvent(deps, event)).rejects.toThrow(BackfillOptionError);
    await expect(handleBackfillEvent(deps, event)).rejects.toThrow(message);
  });
});
