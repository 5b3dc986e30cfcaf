import { setMaxListeners } from 'node:events';
import { createLimiter } from '../pipeline/createLimiter.js';
import type { ProcessDeps } from '../pipeline/processObject.js';
import { mapConcurrent } from '../stream/mapConcurrent.js';
import { BACKFILL_BOUNDS, BACKFILL_DEFAULTS } from './constants.js';
import { BackfillDocumentError } from './errors.js';
import { getJson } from './getJson.js';
import { planBackfill } from './planBackfill.js';
import { processBackfillItem } from './processBackfillItem.js';
import type { BackfillItem, BackfillPlan, BackfillReport, BackfillSource } from './types.js';
import type { BackfillPlanSettingsInput } from './validatePlanOptions.js';
import { integer } from './validatePlanOptions.js';
import { writeBackfillReport } from './writeBackfillReport.js';

/** Abort listeners one object's processing may hold at once (its GetObject, HEAD, uploads, stages). */
const LISTENERS_PER_OBJECT = 4;

/** Where an in-process backfill is, for a progress display. */
export interface BackfillProgress {
  phase: 'planning' | 'processing' | 'reporting';
  /** Keys listed so far. */
  listed: number;
  /** Objects selected (final once planning is over). */
  objects: number;
  processed: number;
  skipped: number;
  failed: number;
}

/** Options of {@link runBackfill}. */
export interface RunBackfillOptions {
  /** S3 client and the pipeline's settings: outputs go to `config.outputBucket` under `config.outputPrefix`. */
  deps: ProcessDeps;
  source: BackfillSource;
  settings?: BackfillPlanSettingsInput;
  /** Objects processed at once, 1–64. Default 8. */
  concurrency?: number;
  backfillId?: string;
  onProgress?: (progress: BackfillProgress) => void;
  signal?: AbortSignal;
}

/**
 * A backfill in this process, the laptop's way against LocalStack or AWS: plans it (planBackfill),
 * then processes the manifest page by page with at most `concurrency` objects at once through the
 * Lambda's own processing code (objects with a complete summary are skipped, so a run that failed
 * can simply be run again), writes each item's result as the Step Functions children do, and
 * writes the report. Memory: one manifest page, `concurrency` objects in flight.
 *
 * @example const { report } = await runBackfill({ deps: { s3, config }, source: { bucket: 'logs', prefix: 'alb/', suffixes: [] } });
 */
export async function runBackfill(options: RunBackfillOptions): Promise<{ plan: BackfillPlan; report: BackfillReport }> {
  const { deps, source } = options;
  const concurrency = integer('concurrency', options.concurrency, BACKFILL_DEFAULTS.concurrency, 1, BACKFILL_BOUNDS.concurrency);
  // Every request in flight listens on the signal: a run's own signal, following the caller's,
  // is allowed that many listeners without Node's leak warning.
  const controller = new AbortController();
  setMaxListeners(LISTENERS_PER_OBJECT * concurrency + 16, controller.signal);
  const onAbort = (): void => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await run(options, concurrency, controller.signal);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

async function run(options: RunBackfillOptions, concurrency: number, signal: AbortSignal): Promise<{ plan: BackfillPlan; report: BackfillReport }> {
  const { deps, source } = options;
  const { outputBucket, outputPrefix } = deps.config;
  const progress: BackfillProgress = { phase: 'planning', listed: 0, objects: 0, processed: 0, skipped: 0, failed: 0 };
  const tell = (): void => options.onProgress?.({ ...progress });

  const plan = await planBackfill({
    s3: deps.s3,
    source,
    output: { bucket: outputBucket, prefix: outputPrefix },
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.backfillId ? { backfillId: options.backfillId } : {}),
    signal,
    onProgress: (p) => {
      progress.listed = p.listed;
      progress.objects = p.objects;
      tell();
    },
  });
  progress.phase = 'processing';
  progress.objects = plan.counts.objects;
  tell();

  const limit = createLimiter(concurrency);
  const onObject = (outcome: 'processed' | 'skipped' | 'failed'): void => {
    progress[outcome]++;
    tell();
  };
  for (const page of plan.pages) {
    const items = await getJson<BackfillItem[]>(deps.s3, outputBucket, page.key, signal);
    if (!Array.isArray(items)) throw new BackfillDocumentError(outputBucket, page.key, 'the manifest page just written is missing or not a JSON array');
    const processItem = (item: BackfillItem): Promise<unknown> => processBackfillItem(deps, item, { limit, onObject, signal });
    // Items run side by side so that one slow object does not hold the others back; objects share `limit`.
    for await (const _ of mapConcurrent(items, processItem, { concurrency, signal }));
  }

  progress.phase = 'reporting';
  tell();
  const report = await writeBackfillReport({ s3: deps.s3, outputBucket, outputPrefix, backfillId: plan.backfillId, signal });
  return { plan, report };
}
