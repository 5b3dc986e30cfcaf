import type { S3Client } from '@aws-sdk/client-s3';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { buildRollup } from '../rollup/buildRollup.js';
import { createMerger } from '../rollup/createMerger.js';
import { renderRollup } from '../rollup/renderRollup.js';
import type { RollupInput } from '../rollup/types.js';
import { mapConcurrent } from '../stream/mapConcurrent.js';
import { backfillKeys } from './backfillKeys.js';
import { BACKFILL_DEFAULTS, BACKFILL_SCHEMAS } from './constants.js';
import { BackfillDocumentError } from './errors.js';
import { getJson } from './getJson.js';
import { putJson } from './putJson.js';
import type { BackfillFailure, BackfillItem, BackfillItemResult, BackfillPlan, BackfillReport } from './types.js';

/** Options of {@link writeBackfillReport}. */
export interface WriteBackfillReportOptions {
  s3: S3Client;
  /** Where the plan is: the backfill's output bucket and prefix. */
  outputBucket: string;
  outputPrefix: string;
  backfillId: string;
  /** Why the Distributed Map stopped, when it did. */
  mapError?: { error: string; cause?: string };
  /** Result objects read at once. Default 8. */
  concurrency?: number;
  signal?: AbortSignal;
}

/**
 * The final step of a backfill: reads `plan.json`, then page by page the items and their results
 * (`concurrency` at a time), and writes `<outputPrefix>backfills/<id>/report.json`: objects
 * processed, skipped and failed with reasons; and, before it, `<id>/rollup.json` and `.html`: a
 * `logsieve.rollup/1` (period `range`, unbounded; `time` says first and last) of every object with a
 * complete summary, merged from the items' `merged`, its inputs the item results. An item without
 * a result (its invocation failed before writing one) counts every one of its objects as failed.
 * Memory: one manifest page, the merger (bounded, see createMerger), one input per item and at most
 * `reportedFailures` (1 000) failures; the rest are counted in `failuresOmitted`.
 *
 * @throws BackfillDocumentError when the plan or a manifest page is missing.
 * @example const report = await writeBackfillReport({ s3, outputBucket: 'logs', outputPrefix: 'logsieve/', backfillId });
 */
export async function writeBackfillReport(options: WriteBackfillReportOptions): Promise<BackfillReport> {
  const { s3, outputBucket, backfillId, signal } = options;
  const keys = backfillKeys(options.outputPrefix, backfillId);
  const plan = await getJson<BackfillPlan>(s3, outputBucket, keys.plan, signal);
  if (plan === undefined) throw new BackfillDocumentError(outputBucket, keys.plan, 'no backfill plan here');
  const counts = { objects: 0, processed: 0, skipped: 0, failed: 0, bytesIn: 0, records: 0, items: 0, itemsWithoutResult: 0 };
  const failures: BackfillFailure[] = [];
  let failuresOmitted = 0;
  // The rollup: the items' merged summaries (bounded, see createMerger) and one input per item result.
  const merger = createMerger();
  const inputs: RollupInput[] = [];
  const addFailure = (failure: BackfillFailure): void => {
    if (failures.length < BACKFILL_DEFAULTS.reportedFailures) failures.push(failure);
    else failuresOmitted++;
  };

  for (const page of plan.pages) {
    const items = await getJson<BackfillItem[]>(s3, outputBucket, page.key, signal);
    if (!Array.isArray(items)) throw new BackfillDocumentError(outputBucket, page.key, 'the manifest page the plan lists is missing or not a JSON array');
    const read = (item: BackfillItem): Promise<[BackfillItem, BackfillItemResult | undefined]> =>
      getJson<BackfillItemResult>(s3, outputBucket, keys.result(item.id), signal).then((result) => [item, result]);
    for await (const [item, result] of mapConcurrent(items, read, { concurrency: options.concurrency ?? 8, ...(signal ? { signal } : {}) })) {
      counts.items++;
      counts.objects += item.objects.length;
      if (result === undefined) {
        counts.itemsWithoutResult++;
        counts.failed += item.objects.length;
        for (const o of item.objects) addFailure({ key: o.key, reason: `item ${item.id} has no result: its invocation failed before writing one (see the execution's map run)`, retryable: true });
        continue;
      }
      counts.processed += result.counts.processed;
      counts.skipped += result.counts.skipped;
      counts.failed += result.counts.failed;
      counts.bytesIn += result.counts.bytesIn;
      counts.records += result.counts.records;
      for (const f of result.failures) addFailure(f);
      if (result.merged) merger.add(result.merged);
      inputs.push({ key: keys.result(item.id), status: result.counts.failed === 0 ? 'complete' : 'failed' });
    }
  }

  const report: BackfillReport = {
    schema: BACKFILL_SCHEMAS.report,
    backfillId,
    status: counts.failed === 0 && options.mapError === undefined ? 'complete' : 'failed',
    source: plan.source,
    output: plan.output,
    planKey: keys.plan,
    writtenAt: new Date().toISOString(),
    counts,
    failures,
    failuresOmitted,
    ...(options.mapError ? { mapError: options.mapError } : {}),
    rollupKey: `${keys.rollup}.json`,
  };
  const merged = merger.result();
  const rollup = buildRollup({ period: { kind: 'range', start: null, end: null }, merged, inputs });
  await s3.send(new PutObjectCommand({ Bucket: outputBucket, Key: `${keys.rollup}.html`, Body: renderRollup(rollup), ContentType: 'text/html; charset=utf-8' }), { abortSignal: signal });
  await putJson(s3, outputBucket, `${keys.rollup}.json`, rollup, signal);
  await putJson(s3, outputBucket, keys.report, report, signal);
  return report;
}
