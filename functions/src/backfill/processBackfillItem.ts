import type { ProcessDeps } from '../pipeline/processObject.js';
import { createMerger } from '../rollup/createMerger.js';
import { fromSummary } from '../rollup/fromSummary.js';
import { backfillKeys } from './backfillKeys.js';
import { BACKFILL_SCHEMAS } from './constants.js';
import type { BackfillObjectOptions } from './processBackfillObject.js';
import { processBackfillObject } from './processBackfillObject.js';
import { putJson } from './putJson.js';
import type { BackfillFailure, BackfillItem, BackfillItemResult } from './types.js';

/** Options of {@link processBackfillItem}. */
export interface BackfillItemOptions extends BackfillObjectOptions {
  /**
   * Runs each object's work: a limiter (createLimiter) shared by every item of an in-process run,
   * or one of `config.concurrency` in the Lambda. Holds one waiting call per object of the item.
   */
  limit: <T>(task: () => Promise<T>) => Promise<T>;
  /** Called after each object. */
  onObject?: (outcome: 'processed' | 'skipped' | 'failed') => void;
}

/**
 * Processes the objects of one manifest item (see processBackfillObject: never throws for an
 * object's sake) and writes the item's result to `<outputPrefix>backfills/<id>/results/<itemId>.json`,
 * overwriting the result of an earlier attempt of the same item. The result carries the complete
 * summaries of its objects, processed now or skipped (read again), merged into one (`merged`, at
 * most 200 groups), which the final step merges into the backfill's rollup.
 *
 * @example const result = await processBackfillItem({ s3, config }, item, { limit: createLimiter(4) });
 */
export async function processBackfillItem(deps: ProcessDeps, item: BackfillItem, options: BackfillItemOptions): Promise<BackfillItemResult> {
  const started = Date.now();
  const counts = { objects: item.objects.length, processed: 0, skipped: 0, failed: 0, bytesIn: 0, records: 0 };
  const failures: BackfillFailure[] = [];
  // The summaries of the objects processed or skipped, merged (bounded: see createMerger) for the backfill's rollup.
  const merger = createMerger();
  const { limit, onObject, ...objectOptions } = options;
  await Promise.all(
    item.objects.map((object) =>
      limit(async () => {
        const outcome = await processBackfillObject(deps, { bucket: item.bucket, key: object.key, size: object.size }, objectOptions);
        if (outcome.outcome === 'processed') {
          counts.processed++;
          counts.bytesIn += outcome.bytesIn;
          counts.records += outcome.records;
          merger.add(fromSummary(outcome.summary));
        } else if (outcome.outcome === 'skipped') {
          counts.skipped++;
          if (outcome.summary) merger.add(fromSummary(outcome.summary));
        } else {
          counts.failed++;
          failures.push(outcome.failure);
        }
        onObject?.(outcome.outcome);
      }),
    ),
  );
  // Settled in any order: the result lists failures in manifest order.
  const order = new Map(item.objects.map((o, i) => [o.key, i]));
  failures.sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));
  const result: BackfillItemResult = {
    schema: BACKFILL_SCHEMAS.item,
    backfillId: item.backfillId,
    itemId: item.id,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    counts,
    failures,
    merged: merger.result(),
  };
  await putJson(deps.s3, deps.config.outputBucket, backfillKeys(deps.config.outputPrefix, item.backfillId).result(item.id), result, options.signal);
  return result;
}
