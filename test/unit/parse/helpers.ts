import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Line } from '../../../functions/src/stream/types.js';
import { cloudTrailRecords } from '../../../functions/src/parse/cloudTrailRecords.js';
import { createParseStats } from '../../../functions/src/parse/createParseStats.js';
import { ErrorGroups } from '../../../functions/src/parse/ErrorGroups.js';
import { parseRules } from '../../../functions/src/parse/parseRules.js';
import { records } from '../../../functions/src/parse/records.js';
import type { ErrorRecord, LogFormat, ParseStats } from '../../../functions/src/parse/types.js';

/** Text of a fixture under test/fixtures/parse. */
export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/parse/${name}`, import.meta.url)), 'utf8');
}

/**
 * Lines of a text as the line stage would give them (LF or CRLF terminators stripped, byte
 * offsets), cut into batches of `batchSize` lines.
 */
export function lineBatchesOf(text: string, batchSize = 1_000): Line[][] {
  const lines: Line[] = [];
  let offset = 0;
  let number = 0;
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  for (const part of parts) {
    const content = part.endsWith('\r') ? part.slice(0, -1) : part;
    const bytes = Buffer.byteLength(content);
    lines.push({ text: content, number: ++number, offset, bytes, truncated: false });
    offset += Buffer.byteLength(part) + 1;
  }
  const batches: Line[][] = [];
  for (let i = 0; i < lines.length; i += batchSize) batches.push(lines.slice(i, i + batchSize));
  return batches;
}

export async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

export interface RunResult {
  records: ErrorRecord[];
  batches: ErrorRecord[][];
  stats: ParseStats;
  groups: ErrorGroups;
}

/** Runs the records stage over a text and collects everything. */
export async function run(
  text: string,
  options: { format?: LogFormat; rules?: unknown; batchSize?: number; key?: string; referenceTime?: Date } = {},
): Promise<RunResult> {
  const stats = createParseStats();
  const groups = new ErrorGroups();
  const batches: ErrorRecord[][] = [];
  const stage = records(asAsync(lineBatchesOf(text, options.batchSize)), {
    source: { bucket: 'logs', key: options.key ?? 'test.log' },
    rules: parseRules(options.rules ?? {}),
    stats,
    groups,
    ...(options.format ? { format: options.format } : {}),
    ...(options.referenceTime ? { referenceTime: options.referenceTime } : {}),
  });
  for await (const batch of stage) batches.push(batch);
  return { records: batches.flat(), batches, stats, groups };
}

/** Runs cloudTrailRecords over the given chunks. */
export async function runCloudTrail(chunks: Iterable<Uint8Array>, rules: unknown = {}): Promise<RunResult> {
  const stats = createParseStats();
  const groups = new ErrorGroups();
  const batches: ErrorRecord[][] = [];
  for await (const batch of cloudTrailRecords(asAsync(chunks), {
    source: { bucket: 'trail', key: 'AWSLogs/111122223333/CloudTrail/x.json.gz' },
    rules: parseRules(rules),
    stats,
    groups,
  })) batches.push(batch);
  return { records: batches.flat(), batches, stats, groups };
}
