import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createDeadline } from '../pipeline/createDeadline.js';
import { createLimiter } from '../pipeline/createLimiter.js';
import type { HandlerDeps } from '../pipeline/handleEvent.js';
import type { ProcessDeps } from '../pipeline/processObject.js';
import { backfillKeys } from './backfillKeys.js';
import { BackfillItemIncompleteError, BackfillOptionError } from './errors.js';
import { processBackfillItem } from './processBackfillItem.js';
import type { BackfillCounts, BackfillItem, BackfillReport } from './types.js';
import { writeBackfillReport } from './writeBackfillReport.js';

/** What the state machine sends: one manifest item, or the final step. */
export type BackfillEvent =
  | { action: 'item'; item: BackfillItem }
  | { action: 'report'; backfillId: string; mapError?: { Error?: string; Cause?: string } };

/** What the function answers; kept small, since the Distributed Map gathers one per item. */
export type BackfillAnswer =
  | { itemId: string; counts: BackfillCounts }
  | { backfillId: string; status: BackfillReport['status']; counts: BackfillReport['counts'] };

/**
 * The backfill function's work on Step Functions. `item`: processes the item's objects,
 * `config.concurrency` at a time, reading stopped at the invocation's deadline, and writes the
 * item's result; when an object failed for a reason a retry may mend it throws
 * {@link BackfillItemIncompleteError} after that, so that the state machine retries the item (done
 * objects are then skipped). `report`: the final step (writeBackfillReport), given the map's error
 * when the map stopped. With `metrics` (Powertools, EMF in the Lambda) each item adds
 * `BackfillItems` 1, `BackfillObjectsProcessed`, `BackfillObjectsSkipped`, `BackfillObjectsFailed`,
 * `BackfillBytes`, `BackfillRecords` and `BackfillItemDurationMs`, and the report `BackfillReports` 1
 * and `BackfillFailedReports` (0 or 1).
 *
 * @example export const handler = (event, context) => handleBackfillEvent({ s3, config, log }, event, context);
 */
export async function handleBackfillEvent(deps: ProcessDeps & { log: Logger; metrics?: HandlerDeps['metrics'] }, event: unknown, context?: Context): Promise<BackfillAnswer> {
  const request = parseEvent(event);
  const { config, s3, log, metrics } = deps;
  if (request.action === 'report') {
    const mapError = request.mapError?.Error ? { error: request.mapError.Error, ...(request.mapError.Cause ? { cause: request.mapError.Cause } : {}) } : undefined;
    const report = await writeBackfillReport({ s3, outputBucket: config.outputBucket, outputPrefix: config.outputPrefix, backfillId: request.backfillId, ...(mapError ? { mapError } : {}) });
    log.info('backfill report written', { backfillId: report.backfillId, status: report.status, rollupKey: report.rollupKey, ...report.counts });
    metrics?.addMetric('BackfillReports', MetricUnit.Count, 1);
    metrics?.addMetric('BackfillFailedReports', MetricUnit.Count, report.status === 'complete' ? 0 : 1);
    return { backfillId: report.backfillId, status: report.status, counts: report.counts };
  }
  const { item } = request;
  const remainingMs = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
  const deadline = remainingMs === undefined ? undefined : createDeadline(remainingMs);
  try {
    const result = await processBackfillItem(deps, item, { limit: createLimiter(config.concurrency), ...(deadline ? { stopReading: deadline.signal } : {}) });
    const retryable = result.failures.filter((f) => f.retryable).length;
    for (const f of result.failures) log.warn('backfill object failed', { itemId: item.id, key: f.key, reason: f.reason, retryable: f.retryable });
    log.info('backfill item done', { backfillId: item.backfillId, itemId: item.id, ...result.counts });
    if (metrics) {
      metrics.addMetric('BackfillItems', MetricUnit.Count, 1);
      metrics.addMetric('BackfillObjectsProcessed', MetricUnit.Count, result.counts.processed);
      metrics.addMetric('BackfillObjectsSkipped', MetricUnit.Count, result.counts.skipped);
      metrics.addMetric('BackfillObjectsFailed', MetricUnit.Count, result.counts.failed);
      metrics.addMetric('BackfillBytes', MetricUnit.Bytes, result.counts.bytesIn);
      metrics.addMetric('BackfillRecords', MetricUnit.Count, result.counts.records);
      metrics.addMetric('BackfillItemDurationMs', MetricUnit.Milliseconds, result.durationMs);
    }
    if (retryable > 0) throw new BackfillItemIncompleteError(item.id, retryable, backfillKeys(config.outputPrefix, item.backfillId).result(item.id));
    return { itemId: item.id, counts: result.counts };
  } finally {
    deadline?.dispose();
  }
}

function parseEvent(event: unknown): BackfillEvent {
  const e = event as Partial<{ action: unknown; item: Partial<BackfillItem>; backfillId: unknown }> | null;
  if (e?.action === 'report') {
    if (typeof e.backfillId !== 'string' || e.backfillId === '') throw new BackfillOptionError('event.backfillId', 'the id of the backfill to report on', e.backfillId);
    return e as BackfillEvent;
  }
  if (e?.action === 'item') {
    const item = e.item;
    if (!item || typeof item.id !== 'string' || typeof item.backfillId !== 'string' || typeof item.bucket !== 'string' || !Array.isArray(item.objects)) {
      throw new BackfillOptionError('event.item', 'a manifest item { id, backfillId, bucket, objects }', item);
    }
    return e as BackfillEvent;
  }
  throw new BackfillOptionError('event.action', '"item" or "report"', e?.action);
}
