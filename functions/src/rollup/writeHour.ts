import type { S3Client } from '@aws-sdk/client-s3';
import { buildRollup } from './buildRollup.js';
import { OTHER_SOURCES } from './constants.js';
import { RollupConflictError } from './errors.js';
import { findChanges } from './findChanges.js';
import { dayBefore, hourSpan } from './hourSpan.js';
import { mergeHour } from './mergeHour.js';
import { readRollups } from './readRollups.js';
import { rollupKeys } from './rollupKeys.js';
import type { Rollup, RollupSettings } from './types.js';
import type { WriteOutcome } from './writeRollupDocument.js';
import { writeRollupDocument } from './writeRollupDocument.js';

/** Attempts at one hour before it is left dirty for the next run. */
export const MAX_ATTEMPTS = 5;

/** What writing one hour did. */
export interface HourResult {
  hour: string;
  /** The all-sources hourly rollup as written (or as found, unchanged). */
  rollup: Rollup;
  outcome: Exclude<WriteOutcome, 'conflict'>;
  /** Source prefixes with a rollup of their own this hour. */
  sources: string[];
  attempts: number;
}

/** Dependencies of the rollup writer. */
export interface RollupWriterDeps {
  s3: S3Client;
  bucket: string;
  outputPrefix: string;
  settings: RollupSettings;
  signal?: AbortSignal;
}

/**
 * Rewrites the hourly rollups of one hour from its index: every source, then each source prefix.
 * Each rollup's stored ETag is read before the index is listed and the JSON is written with
 * If-Match (If-None-Match when absent), so a writer whose listing is older than the stored rollup
 * loses, reads again and rebuilds: concurrent writers lose no summary. The new and rising groups
 * are found against the trailing `risingHours` hourly rollups and the `newDays` daily ones, a
 * source prefix's against its own.
 *
 * @throws RollupConflictError after {@link MAX_ATTEMPTS} lost races.
 * @example const result = await writeHour(deps, '2026-11-26T10');
 */
export async function writeHour(deps: RollupWriterDeps, hour: string): Promise<HourResult> {
  const { s3, bucket, settings, signal } = deps;
  const keys = rollupKeys(deps.outputPrefix);
  const span = hourSpan(hour);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const [current] = await readRollups(s3, bucket, [keys.hourly(hour)], 1, signal);
    const knownSources = Object.keys(current!.rollup?.bySource ?? {}).filter((name) => name !== OTHER_SOURCES);
    const currentSources = new Map((await readRollups(s3, bucket, knownSources.map((s) => keys.hourly(hour, s)), settings.readConcurrency, signal)).map((r, i) => [knownSources[i]!, r]));
    const merged = await mergeHour(deps, hour, settings, signal);
    const { changes, baseline } = findChanges(merged.all, await readHistory(deps, hour), settings);
    const period = { kind: 'hour' as const, start: span.start, end: span.end };
    const rollup = buildRollup({ period, merged: merged.all, inputs: merged.inputs, changes, baseline, seen: merged.seen, topGroups: settings.topGroups });
    const outcome = await writeRollupDocument(s3, bucket, current!, rollup, signal);
    if (outcome === 'conflict') continue;
    let lost = false;
    for (const [scope, part] of merged.sources) {
      const stored = currentSources.get(scope) ?? { key: keys.hourly(hour, scope), etag: undefined, rollup: undefined, text: undefined };
      // A source's changes are its own: against that source's earlier rollups.
      const own = findChanges(part.merged, await readHistory(deps, hour, scope), settings);
      const sourceRollup = buildRollup({ period, scope, merged: part.merged, inputs: part.inputs, ...own, seen: part.seen, topGroups: settings.topGroups });
      if ((await writeRollupDocument(s3, bucket, stored, sourceRollup, signal)) === 'conflict') lost = true;
    }
    if (lost) continue;
    return { hour, rollup, outcome, sources: [...merged.sources.keys()], attempts: attempt };
  }
  throw new RollupConflictError(keys.hourly(hour), MAX_ATTEMPTS);
}

/**
 * The earlier rollups an hour's changes are found against, of one scope (`*` or a source prefix):
 * the trailing `risingHours` hourlies and the previous `newDays` dailies that exist.
 */
export async function readHistory(deps: RollupWriterDeps, hour: string, scope = '*'): Promise<{ hourlies: Rollup[]; dailies: Rollup[] }> {
  const { s3, bucket, settings, signal } = deps;
  const keys = rollupKeys(deps.outputPrefix);
  const span = hourSpan(hour);
  const day = hour.slice(0, 10);
  const hourKeys = Array.from({ length: settings.risingHours }, (_, i) => keys.hourly(span.before(i + 1), scope));
  const dayKeys = Array.from({ length: settings.newDays }, (_, i) => keys.daily(dayBefore(day, i + 1), scope));
  const found = (list: Array<{ rollup: Rollup | undefined }>): Rollup[] => list.flatMap((r) => (r.rollup ? [r.rollup] : []));
  return {
    hourlies: found(await readRollups(s3, bucket, hourKeys, settings.readConcurrency, signal)),
    dailies: found(await readRollups(s3, bucket, dayKeys, settings.readConcurrency, signal)),
  };
}
