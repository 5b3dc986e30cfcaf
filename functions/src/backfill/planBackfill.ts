import { randomBytes } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { backfillKeys } from './backfillKeys.js';
import { BACKFILL_SCHEMAS } from './constants.js';
import { listSourceObjects } from './listSourceObjects.js';
import { putJson } from './putJson.js';
import { toManifestPages } from './toManifestPages.js';
import type { BackfillOutput, BackfillPageRef, BackfillPlan, BackfillSkips, BackfillSource } from './types.js';
import type { BackfillPlanSettingsInput } from './validatePlanOptions.js';
import { validatePlanOptions } from './validatePlanOptions.js';

/** Options of {@link planBackfill}. */
export interface PlanBackfillOptions {
  s3: S3Client;
  source: BackfillSource;
  output: BackfillOutput;
  settings?: BackfillPlanSettingsInput;
  /** Default: `<UTC time>-<6 hex digits>`, e.g. `20261201T213000Z-1a2b3c`. */
  backfillId?: string;
  /** Called after each listing page and each manifest page written. */
  onProgress?: (progress: { listed: number; objects: number; pages: number }) => void;
  signal?: AbortSignal;
}

/**
 * Plans a backfill: lists `source.prefix` page by page (any number of keys), keeps what passes the
 * filters (see listSourceObjects), cuts it into items of at most `maxItemKeys` objects and
 * `maxItemBytes` bytes (a larger object alone), and writes them as manifest pages of at most
 * `itemsPerPage` items, JSON arrays at `<outputPrefix>backfills/<id>/manifest-0000.json`, `-0001`…,
 * then `plan.json` beside them, last. Memory: one listing page and one manifest page
 * (`itemsPerPage` × `maxItemKeys` objects). An empty selection writes no page and a plan of zero items.
 *
 * @example const plan = await planBackfill({ s3, source: { bucket: 'logs', prefix: 'alb/', suffixes: ['.gz'] }, output: { bucket: 'logs', prefix: 'logsieve/' } });
 */
export async function planBackfill(options: PlanBackfillOptions): Promise<BackfillPlan> {
  const { s3, source, output, signal } = options;
  const settings = validatePlanOptions(source, output, options.settings);
  const backfillId = options.backfillId ?? newBackfillId();
  const keys = backfillKeys(output.prefix, backfillId);
  const skipped: BackfillSkips = { suffix: 0, modified: 0, outputPrefix: 0, folders: 0 };
  const counts = { listed: 0, objects: 0, bytes: 0, items: 0, pages: 0, oversizedObjects: 0 };
  const progress = (): void => options.onProgress?.({ listed: counts.listed, objects: counts.objects, pages: counts.pages });

  const objects = listSourceObjects({
    s3, source, output, skipped, signal,
    onPage: (listed) => {
      counts.listed = listed;
      progress();
    },
  });
  const pages: BackfillPageRef[] = [];
  for await (const page of toManifestPages(objects, { settings, backfillId, bucket: source.bucket })) {
    const key = keys.page(pages.length);
    await putJson(s3, output.bucket, key, page, signal);
    const ref = { key, items: page.length, objects: 0, bytes: 0 };
    for (const item of page) {
      ref.objects += item.objects.length;
      ref.bytes += item.bytes;
      if (item.objects.length === 1 && item.bytes > settings.maxItemBytes) counts.oversizedObjects++;
    }
    pages.push(ref);
    counts.items += ref.items;
    counts.objects += ref.objects;
    counts.bytes += ref.bytes;
    counts.pages = pages.length;
    progress();
  }

  const plan: BackfillPlan = {
    schema: BACKFILL_SCHEMAS.plan,
    backfillId,
    createdAt: new Date().toISOString(),
    source,
    output,
    settings,
    counts: { ...counts, skipped },
    pages,
  };
  await putJson(s3, output.bucket, keys.plan, plan, signal);
  return plan;
}

function newBackfillId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
