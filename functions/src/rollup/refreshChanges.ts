import { buildRollup, mergedOfRollup } from './buildRollup.js';
import { OTHER_SOURCES } from './constants.js';
import { RollupConflictError } from './errors.js';
import { findChanges } from './findChanges.js';
import { readRollups } from './readRollups.js';
import { rollupKeys } from './rollupKeys.js';
import type { RollupWriterDeps } from './writeHour.js';
import { MAX_ATTEMPTS, readHistory } from './writeHour.js';
import type { WriteOutcome } from './writeRollupDocument.js';
import { writeRollupDocument } from './writeRollupDocument.js';

/** What refreshing one stored hourly rollup did. */
export interface RefreshResult {
  hour: string;
  scope: string;
  outcome: Exclude<WriteOutcome, 'conflict'>;
}

/**
 * Finds the changes of an hour's stored hourly rollups again, the all-sources one and each source
 * prefix it lists, against their earlier rollups as they are now, and rewrites those whose changes
 * or baseline differ (conditionally, like `writeHour`); the merged figures are kept as stored, not
 * read from the summaries again. The rollup writer runs it on the hours after a rewritten one,
 * whose trailing history that hour is part of. An hour with no rollup gives nothing.
 *
 * @throws RollupConflictError after 5 lost races on one rollup.
 * @example const results = await refreshChanges(deps, '2026-11-26T11');
 */
export async function refreshChanges(deps: RollupWriterDeps, hour: string): Promise<RefreshResult[]> {
  const { s3, bucket, settings, signal } = deps;
  const keys = rollupKeys(deps.outputPrefix);
  const [all] = await readRollups(s3, bucket, [keys.hourly(hour)], 1, signal);
  if (!all?.rollup) return [];
  const scopes = ['*', ...Object.keys(all.rollup.bySource).filter((name) => name !== OTHER_SOURCES)];
  const results: RefreshResult[] = [];
  for (const scope of scopes) {
    for (let attempt = 1; ; attempt++) {
      const [stored] = await readRollups(s3, bucket, [keys.hourly(hour, scope)], 1, signal);
      // A source beyond the per-hour bound has no rollup of its own.
      if (!stored?.rollup) break;
      const { rollup } = stored;
      const found = findChanges(mergedOfRollup(rollup), await readHistory(deps, hour, scope), settings);
      const next = buildRollup({
        period: rollup.period, scope, merged: mergedOfRollup(rollup), inputs: rollup.inputs, ...found,
        ...(rollup.seenGroups ? { seen: rollup.seenGroups } : {}), topGroups: settings.topGroups,
      });
      const outcome = await writeRollupDocument(s3, bucket, stored, next, signal);
      if (outcome !== 'conflict') {
        results.push({ hour, scope, outcome });
        break;
      }
      if (attempt >= MAX_ATTEMPTS) throw new RollupConflictError(keys.hourly(hour, scope), MAX_ATTEMPTS);
    }
  }
  return results;
}
