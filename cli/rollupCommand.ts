import { writeFile } from 'node:fs/promises';
import { buildRollup } from '../functions/src/rollup/buildRollup.js';
import { createMerger } from '../functions/src/rollup/createMerger.js';
import { fromSummary } from '../functions/src/rollup/fromSummary.js';
import { limitHeapGrowth } from '../functions/src/runtime/limitHeapGrowth.js';
import type { StoredSummary } from '../functions/src/rollup/readS3Summaries.js';
import { readS3Summaries } from '../functions/src/rollup/readS3Summaries.js';
import { renderRollup } from '../functions/src/rollup/renderRollup.js';
import { summaryHour } from '../functions/src/rollup/summaryHour.js';
import type { Rollup, RollupInput } from '../functions/src/rollup/types.js';
import { clientsFromEnv } from '../dev/local/clientsFromEnv.js';
import { UsageError } from './errors.js';
import { parseS3Uri } from './parseS3Uri.js';
import { readLocalSummaries } from './readLocalSummaries.js';
import type { CliIO } from './types.js';

/** Options of `logsieve rollup`. */
export interface RollupCommandOptions {
  /** Only summaries whose hour (of their first record) starts at or after this time (ISO 8601). */
  since?: string | undefined;
  /** Only summaries whose hour starts before this time. */
  until?: string | undefined;
  /** Print the rollup JSON instead of the readable lines. */
  json?: boolean | undefined;
  /** Also write the HTML rollup to this file. */
  html?: string | undefined;
}

/**
 * `logsieve rollup <s3://bucket/prefix | dir>`: merges every summary under an S3 prefix (16 GETs at
 * a time) or in a local directory (the `./logsieve-out` of `logsieve process`: no AWS needed) into
 * one `logsieve.rollup/1` document, in bounded memory. `--since`/`--until` keep the summaries whose
 * hour falls in [since, until). Prints a readable digest, or with `--json` the rollup JSON.
 *
 * @example await rollupCommand('logsieve-out', { json: true }, io);
 */
export async function rollupCommand(input: string, options: RollupCommandOptions, io: CliIO): Promise<Rollup> {
  const since = instant(options.since, '--since');
  const until = instant(options.until, '--until');
  if (since !== undefined && until !== undefined && since >= until) throw new UsageError(`--since (${options.since}) must be before --until (${options.until})`);
  // The CLI runs one command a process: the merge's heap grows to at most 1.5× what the last full GC kept.
  limitHeapGrowth();
  let source: AsyncIterable<StoredSummary>;
  if (input.startsWith('s3://')) {
    const { bucket, key: prefix } = parseS3Uri(input, '<input>', { keyRequired: false });
    source = readS3Summaries({ s3: clientsFromEnv(io.env).s3, bucket, keys: { prefix }, signal: io.signal });
  } else {
    source = readLocalSummaries(input);
  }
  const merger = createMerger();
  const inputs: RollupInput[] = [];
  for await (const stored of source) {
    io.signal.throwIfAborted();
    const hour = Date.parse(`${summaryHour(stored.summary)}:00:00Z`);
    if ((since !== undefined && hour < since) || (until !== undefined && hour >= until)) continue;
    merger.add(fromSummary(stored.summary));
    inputs.push({ key: stored.key, ...(stored.etag ? { etag: stored.etag } : {}), status: stored.summary.status });
  }
  const rollup = buildRollup({
    period: { kind: 'range', start: since === undefined ? null : new Date(since).toISOString(), end: until === undefined ? null : new Date(until).toISOString() },
    merged: merger.result(),
    inputs,
  });
  if (options.html) await writeFile(options.html, renderRollup(rollup));
  io.out(options.json ? `${JSON.stringify(rollup, null, 2)}\n` : digest(rollup, options.html));
  return rollup;
}

function instant(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`${option} expects an ISO 8601 time such as 2026-11-26T10:00Z, got "${value}"`);
  return t;
}

function digest(rollup: Rollup, html: string | undefined): string {
  const { counts, time, summaries } = rollup;
  const lines = [
    `${summaries.complete + summaries.failed} summaries (${summaries.failed} failed): ${counts.lines} lines, ${counts.errors} errors, ${counts.warnings} warnings, ${counts.records} records`,
    `time: ${time.first ?? '–'} – ${time.last ?? '–'}`,
    ...Object.entries(rollup.bySource).map(([s, f]) => `  ${s}: ${f.summaries} summaries, ${f.errors} errors`),
    'top groups:',
    ...rollup.topGroups.slice(0, 10).map((g) => `  ${String(g.count).padStart(7)}${g.countError ? ` ±${g.countError}` : ''}  ${g.level}  ${g.template.slice(0, 100)}`),
    ...(html ? [`html: ${html}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
