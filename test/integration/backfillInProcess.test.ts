import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { backfillKeys } from '../../functions/src/backfill/backfillKeys.js';
import { getJson } from '../../functions/src/backfill/getJson.js';
import { processBackfillItem } from '../../functions/src/backfill/processBackfillItem.js';
import { writeBackfillReport } from '../../functions/src/backfill/writeBackfillReport.js';
import type { BackfillItemResult, BackfillReport } from '../../functions/src/backfill/types.js';
import { loadConfig } from '../../functions/src/config/loadConfig.js';
import { createLimiter } from '../../functions/src/pipeline/createLimiter.js';
import type { Summary } from '../../functions/src/pipeline/types.js';
import { localstackClients, uniqueName } from '../helpers/localstackClients.js';
import { putObjects } from '../helpers/putObjects.js';
import { sampleLog } from '../helpers/sampleLog.js';
import { runInProcess } from '../unit/cli/support/runCli.js';

const { endpoint, s3 } = localstackClients();
const bucket = uniqueName('logsieve-backfill');
const log = sampleLog(200, 20);
const good = Array.from({ length: 23 }, (_, i) => `app/2026/11/${String(i).padStart(2, '0')}.log.gz`);
const corrupt = 'app/2026/11/zz-truncated.log.gz';
const whole = gzipSync(log.text);

const backfill = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  runInProcess(['backfill', `s3://${bucket}/app/`, '--suffix', '.gz', '--max-item-keys', '4', '--items-per-page', '3', '--concurrency', '4', '--json', ...args], {
    env: { AWS_ENDPOINT_URL: endpoint },
  });

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await putObjects(s3, bucket, [
    ...good.map((key) => ({ key, body: whole })),
    { key: corrupt, body: whole.subarray(0, whole.length - 40) },
    { key: 'app/2026/11/notes.txt', body: 'not a log\n' },
  ]);
});

describe('logsieve backfill (in-process) on LocalStack', () => {
  let first: BackfillReport;

  it('processes every object of the prefix, lists the corrupt one as failed with its reason, exits 1', async () => {
    const run = await backfill();
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/logsieve: 1 of 24 objects failed; reasons in s3:\/\/.+\/logsieve\/backfills\/.+\/report\.json/);
    first = JSON.parse(run.stdout) as BackfillReport;
    expect(first.status).toBe('failed');
    expect(first.counts).toEqual({
      objects: 24, processed: 23, skipped: 0, failed: 1, items: 6, itemsWithoutResult: 0,
      bytesIn: 23 * whole.length, records: 23 * log.errorLines,
    });
    expect(first.failures).toEqual([{ key: corrupt, reason: expect.stringMatching(/^corrupt or truncated input: /), retryable: false }]);
    const summary = await getJson<Summary>(s3, bucket, `logsieve/summaries/${good[7]}.json`);
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: 200, errors: log.errorLines } });
    // The report on S3 is the one printed; each item has its result.
    const keys = backfillKeys('logsieve/', first.backfillId);
    expect(await getJson<BackfillReport>(s3, bucket, keys.report)).toEqual(first);
    const result = await getJson<BackfillItemResult>(s3, bucket, keys.result('00001-00002'));
    expect(result).toMatchObject({ itemId: '00001-00002', counts: { objects: 4, processed: 3, failed: 1 } });
  });

  it('run again: every complete object is skipped by its summary, the corrupt one fails again', async () => {
    const before = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `logsieve/summaries/${good[0]}.json` }));
    const run = await backfill();
    expect(run.code).toBe(1);
    const second = JSON.parse(run.stdout) as BackfillReport;
    expect(second.backfillId).not.toBe(first.backfillId);
    expect(second.counts).toMatchObject({ objects: 24, processed: 0, skipped: 23, failed: 1 });
    const after = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `logsieve/summaries/${good[0]}.json` }));
    expect(after.ETag).toBe(before.ETag);
  });

  it('the final step counts an item without a result (its invocation died) as failed objects', async () => {
    const keys = backfillKeys('logsieve/', first.backfillId);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: keys.result('00000-00001') }));
    const report = await writeBackfillReport({ s3, outputBucket: bucket, outputPrefix: 'logsieve/', backfillId: first.backfillId, mapError: { error: 'States.ExceedToleratedFailureThreshold' } });
    expect(report.counts).toMatchObject({ objects: 24, processed: 19, failed: 5, items: 6, itemsWithoutResult: 1 });
    expect(report.failures.map((f) => f.key)).toEqual([...good.slice(4, 8), corrupt]);
    expect(report.failures[0]!.reason).toBe('item 00000-00001 has no result: its invocation failed before writing one (see the execution\'s map run)');
    expect(report).toMatchObject({ status: 'failed', mapError: { error: 'States.ExceedToleratedFailureThreshold' } });
  });

  it('prints a readable report without --json', async () => {
    const run = await runInProcess(['backfill', `s3://${bucket}/app/2026/11/0`, '--suffix', '.gz'], { env: { AWS_ENDPOINT_URL: endpoint } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^backfill \S+: s3:\/\/\S+\/app\/2026\/11\/0 \(complete\)\n {2}objects 10 in 1 items: 0 processed, 10 skipped \(complete summary\), 0 failed\n/);
    expect(run.stdout).toMatch(/\n {2}rollup: s3:\/\/\S+\/logsieve\/backfills\/\S+\/rollup\.json \(\.html next to it\)\n$/);
  });

  it('an item names a deleted object: a failure a retry cannot mend; the others are processed', async () => {
    await putObjects(s3, bucket, [{ key: 'other/a.log', body: log.text }, { key: 'other/b.log', body: log.text }]);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'other/b.log' }));
    const config = loadConfig({ LOGSIEVE_OUTPUT_BUCKET: bucket });
    const item = { id: '00000-00000', backfillId: 'direct', bucket, objects: [{ key: 'other/a.log', size: 1 }, { key: 'other/b.log', size: 1 }], bytes: 2 };
    const result = await processBackfillItem({ s3, config }, item, { limit: createLimiter(2) });
    expect(result.counts).toMatchObject({ objects: 2, processed: 1, skipped: 0, failed: 1 });
    expect(result.failures).toEqual([{ key: 'other/b.log', reason: 'the object was deleted before it was read', retryable: false }]);
    expect(await getJson(s3, bucket, backfillKeys('logsieve/', 'direct').result(item.id))).toEqual(result);
  });

  it.each([
    [['--since', 'last week'], /--since|source.since must be an ISO 8601 date/],
    [['--out', `s3://${'x'}`, '--max-item-keys', '0'], /--max-item-keys expects an integer from 1 to 200/],
  ])('refuses bad options with exit 2: %s', async (args, message) => {
    const run = await backfill(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
