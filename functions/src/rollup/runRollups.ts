import { DeleteObjectsCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { changeEvent } from './changeEvent.js';
import { hourSpan } from './hourSpan.js';
import type { RefreshResult } from './refreshChanges.js';
import { refreshChanges } from './refreshChanges.js';
import { rollupKeys } from './rollupKeys.js';
import type { ChangeEventDetail } from './types.js';
import type { HourResult, RollupWriterDeps } from './writeHour.js';
import { writeHour } from './writeHour.js';
import { writeDay } from './writeDay.js';

/** Dirty markers read per run (the rest wait for the next run), so a run's memory is bounded. */
export const MAX_MARKERS_PER_RUN = 20_000;
/** Hours rewritten per run, oldest first. */
export const MAX_HOURS_PER_RUN = 72;

/** Puts one event; the handler binds it to EventBridge PutEvents. */
export type PublishChange = (event: { source: string; detailType: string; detail: ChangeEventDetail }) => Promise<void>;

/** What a run did. */
export interface RunReport {
  hours: Array<Pick<HourResult, 'hour' | 'outcome' | 'attempts'> & { summaries: number; changes: number }>;
  days: Array<{ day: string; scope: string; outcome: string }>;
  /** Stored hourly rollups after a rewritten hour whose changes were found again (`written` when they differed). */
  refreshed: RefreshResult[];
  events: number;
  markersDeleted: number;
  failures: Array<{ what: string; error: string }>;
}

/**
 * One run of the scheduled rollup writer: lists the dirty markers (at most 20 000), rewrites each
 * dirty hour (at most 72, oldest first; see `writeHour`), then the daily rollups of the days they
 * fall in, every source and each source prefix (see `writeDay`), puts an `Error groups changed`
 * event for each hourly rollup that changed and has new or rising groups, and deletes only the
 * markers it listed for the hours it wrote. A failed hour keeps its markers and is retried next run.
 * The stored hours within `risingHours` after a rewritten one, which count it in their history, get
 * their changes found again (`refreshChanges`; no event for those) before the days are written.
 *
 * @example const report = await runRollups({ s3, bucket, outputPrefix, settings }, publish);
 */
export async function runRollups(deps: RollupWriterDeps, publish?: PublishChange): Promise<RunReport> {
  const keys = rollupKeys(deps.outputPrefix);
  const markers = await listMarkers(deps, keys.dirty);
  const report: RunReport = { hours: [], days: [], refreshed: [], events: 0, markersDeleted: 0, failures: [] };
  const days = new Map<string, Set<string>>();
  const done: string[] = [];
  for (const hour of [...markers.keys()].sort().slice(0, MAX_HOURS_PER_RUN)) {
    try {
      const result = await writeHour(deps, hour);
      report.hours.push({ hour, outcome: result.outcome, attempts: result.attempts, summaries: result.rollup.inputs.length, changes: result.rollup.changes.length });
      const scopes = days.get(hour.slice(0, 10)) ?? new Set(['*']);
      for (const s of result.sources) scopes.add(s);
      days.set(hour.slice(0, 10), scopes);
      done.push(...markers.get(hour)!);
      if (publish && result.outcome === 'written' && result.rollup.changes.length > 0) {
        await publish(changeEvent(deps.bucket, keys.hourly(hour), result.rollup));
        report.events++;
      }
    } catch (err) {
      report.failures.push({ what: `hour ${hour}`, error: err instanceof Error ? err.message : String(err) });
    }
  }
  await refreshLaterHours(deps, report, days);
  for (const [day, scopes] of [...days].sort()) {
    for (const scope of [...scopes].sort()) {
      try {
        report.days.push({ day, scope, outcome: await writeDay(deps, day, scope) });
      } catch (err) {
        report.failures.push({ what: `day ${day} ${scope}`, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  report.markersDeleted = await deleteKeys(deps, done);
  return report;
}

/** Refreshes the changes of the hours within `risingHours` after each hour written (not rewritten themselves this run). */
async function refreshLaterHours(deps: RollupWriterDeps, report: RunReport, days: Map<string, Set<string>>): Promise<void> {
  const rewritten = new Set(report.hours.map((h) => h.hour));
  const later = new Set<string>();
  for (const h of report.hours) {
    if (h.outcome !== 'written') continue;
    const span = hourSpan(h.hour);
    for (let i = 1; i <= deps.settings.risingHours; i++) {
      const next = span.before(-i);
      if (!rewritten.has(next)) later.add(next);
    }
  }
  for (const hour of [...later].sort()) {
    try {
      const results = await refreshChanges(deps, hour);
      report.refreshed.push(...results);
      const written = results.filter((r) => r.outcome === 'written');
      if (written.length === 0) continue;
      const scopes = days.get(hour.slice(0, 10)) ?? new Set(['*']);
      for (const r of written) scopes.add(r.scope);
      days.set(hour.slice(0, 10), scopes);
    } catch (err) {
      report.failures.push({ what: `changes of hour ${hour}`, error: err instanceof Error ? err.message : String(err) });
    }
  }
}

async function listMarkers(deps: RollupWriterDeps, prefix: string): Promise<Map<string, string[]>> {
  const byHour = new Map<string, string[]>();
  let n = 0;
  for await (const page of paginateListObjectsV2({ client: deps.s3 }, { Bucket: deps.bucket, Prefix: prefix })) {
    for (const o of page.Contents ?? []) {
      const hour = o.Key!.slice(prefix.length, prefix.length + 13);
      if (!/^\d{4}-\d\d-\d\dT\d\d$/.test(hour)) continue;
      const list = byHour.get(hour) ?? [];
      list.push(o.Key!);
      byHour.set(hour, list);
      if (++n >= MAX_MARKERS_PER_RUN) return byHour;
    }
  }
  return byHour;
}

async function deleteKeys(deps: RollupWriterDeps, keys: readonly string[]): Promise<number> {
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000).map((Key) => ({ Key }));
    await deps.s3.send(new DeleteObjectsCommand({ Bucket: deps.bucket, Delete: { Objects: batch, Quiet: true } }), { abortSignal: deps.signal });
  }
  return keys.length;
}
