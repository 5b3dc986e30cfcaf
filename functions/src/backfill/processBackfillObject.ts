import type { ObjectRef } from '../events/types.js';
import { causeOfType } from '../pipeline/handleEvent.js';
import type { ProcessDeps } from '../pipeline/processObject.js';
import type { Summary } from '../pipeline/types.js';
import { processObject } from '../pipeline/processObject.js';
import { errorMessage, S3ReadError } from '../stream/errors.js';
import { getJson } from './getJson.js';
import type { BackfillFailure } from './types.js';

/** What became of one object of a backfill. */
export type BackfillObjectOutcome =
  | { outcome: 'processed'; bytesIn: number; records: number; summary: Summary }
  /** `summary`: the stored one, read again for the backfill's rollup (absent when it could not be read). */
  | { outcome: 'skipped'; summary?: Summary }
  | { outcome: 'failed'; failure: BackfillFailure };

/** Options of {@link processBackfillObject}. */
export interface BackfillObjectOptions {
  signal?: AbortSignal;
  /** The invocation's deadline: reading stops, what was read is written, the object counts as failed (retryable). */
  stopReading?: AbortSignal;
}

/**
 * Processes one object of a backfill with the Lambda's own `processObject`, and never throws for
 * the object's sake: an object with a complete summary for its version is skipped (one HEAD, and
 * one GET of that summary for the backfill's rollup);
 * corrupt input (a `failed` summary), a deleted object and AccessDenied are failures a retry cannot
 * mend; read and write failures and the deadline are failures a retry may mend. Only `signal`'s
 * abort is thrown.
 *
 * @example const outcome = await processBackfillObject({ s3, config }, { bucket: 'logs', key: 'alb/x.log.gz' });
 */
export async function processBackfillObject(deps: ProcessDeps, ref: ObjectRef, options: BackfillObjectOptions = {}): Promise<BackfillObjectOutcome> {
  const failed = (reason: string, retryable: boolean): BackfillObjectOutcome => ({ outcome: 'failed', failure: { key: ref.key, reason, retryable } });
  if (options.stopReading?.aborted) return failed("not started: the invocation's deadline was near", true);
  try {
    const result = await processObject(deps, ref, { ...(options.signal ? { signal: options.signal } : {}), ...(options.stopReading ? { stopReading: options.stopReading } : {}) });
    if (result.outcome === 'skipped') {
      // For the rollup only: a summary that cannot be read again leaves the object skipped, and out of the rollup.
      const stored = await getJson<Summary>(deps.s3, deps.config.outputBucket, result.summaryKey, options.signal).catch(() => {
        options.signal?.throwIfAborted();
        return undefined;
      });
      return stored?.schema === 'logsieve.summary/1' ? { outcome: 'skipped', summary: stored } : { outcome: 'skipped' };
    }
    // Backfill passes no continuation sender, so its objects are never continued; said, not assumed.
    if (result.outcome === 'continued' || result.outcome === 'handed-over') return failed('continued in another invocation', true);
    const { summary } = result;
    if (result.outcome === 'stopped') return failed(summary.reason ?? "stopped at the invocation's deadline", true);
    if (summary.status === 'failed') return failed(`corrupt or truncated input: ${summary.reason ?? 'unknown damage'}`, false);
    return { outcome: 'processed', bytesIn: summary.counts.bytesIn, records: summary.counts.records, summary };
  } catch (err) {
    options.signal?.throwIfAborted();
    const readError = causeOfType(err, S3ReadError);
    if (readError?.code === 'NoSuchKey') return failed('the object was deleted before it was read', false);
    if (readError?.code === 'AccessDenied') return failed(`access denied: ${errorMessage(readError.cause ?? readError)}`, false);
    return failed(errorMessage(err), true);
  }
}
