import { buildRollup, mergedOfRollup } from './buildRollup.js';
import { RollupConflictError } from './errors.js';
import { hourSpan } from './hourSpan.js';
import { mergeSummaries } from './mergeSummaries.js';
import { readRollups } from './readRollups.js';
import { rollupKeys } from './rollupKeys.js';
import { seenGroupsFilter } from './seenGroups.js';
import type { ChangedGroup, Rollup } from './types.js';
import type { RollupWriterDeps } from './writeHour.js';
import { MAX_ATTEMPTS } from './writeHour.js';
import type { WriteOutcome } from './writeRollupDocument.js';
import { writeRollupDocument } from './writeRollupDocument.js';

/**
 * Rewrites the daily rollup of one day and scope (`*` or a source prefix) from that day's 24
 * hourly rollups, never from the summaries again: inputs are the hourly rollups (key, ETag), the
 * changes are the hourlies' (each group once, from its first hour), `seenGroups` the union of
 * theirs. Conditional like `writeHour`.
 *
 * @throws RollupConflictError after 5 lost races.
 * @example await writeDay(deps, '2026-11-26', '*');
 */
export async function writeDay(deps: RollupWriterDeps, day: string, scope = '*'): Promise<Exclude<WriteOutcome, 'conflict'>> {
  const { s3, bucket, settings, signal } = deps;
  const keys = rollupKeys(deps.outputPrefix);
  const start = hourSpan(`${day}T00`);
  const hourKeys = Array.from({ length: 24 }, (_, i) => keys.hourly(`${day}T${String(i).padStart(2, '0')}`, scope));
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const [current] = await readRollups(s3, bucket, [keys.daily(day, scope)], 1, signal);
    const hourlies = (await readRollups(s3, bucket, hourKeys, settings.readConcurrency, signal)).filter((r) => r.rollup);
    const rollups = hourlies.map((r) => r.rollup!);
    const seen = seenGroupsFilter();
    for (const r of rollups) {
      if (r.seenGroups) seen.union(r.seenGroups);
      else for (const g of r.groups) for (const id of [g.groupId, ...(g.aliases ?? [])]) seen.add(id);
    }
    const merged = mergeSummaries(rollups.map(mergedOfRollup), { keptGroups: settings.keptGroups, maxSources: settings.maxSources });
    const rollup = buildRollup({
      period: { kind: 'day', start: start.start, end: new Date(Date.parse(start.start) + 86_400_000).toISOString() },
      scope,
      merged,
      inputs: hourlies.map((r) => ({ key: `${r.key}.json`, ...(r.etag ? { etag: r.etag.replaceAll('"', '') } : {}), status: r.rollup!.summaries.failed ? 'failed' : 'complete' })),
      changes: firstChanges(rollups),
      baseline: { hours: Math.max(0, ...rollups.map((r) => r.baseline.hours)), days: Math.max(0, ...rollups.map((r) => r.baseline.days)) },
      seen: seen.toJSON(),
      topGroups: settings.topGroups,
    });
    const outcome = await writeRollupDocument(s3, bucket, current!, rollup, signal);
    if (outcome !== 'conflict') return outcome;
  }
  throw new RollupConflictError(keys.daily(day, scope), MAX_ATTEMPTS);
}

function firstChanges(hourlies: readonly Rollup[]): ChangedGroup[] {
  const seen = new Set<string>();
  const out: ChangedGroup[] = [];
  for (const r of hourlies) {
    for (const c of r.changes) {
      if (seen.has(c.groupId)) continue;
      seen.add(c.groupId);
      out.push(c);
    }
  }
  return out;
}
