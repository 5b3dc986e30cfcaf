import { describe, expect, it } from 'vitest';
import { parseRules } from '../../../functions/src/parse/parseRules.js';
import type { ErrorRecord } from '../../../functions/src/parse/types.js';
import type { AnalyzeOptions } from '../../../functions/src/pipeline/analyzeBytes.js';
import { analyzeBytes } from '../../../functions/src/pipeline/analyzeBytes.js';
import { buildSummary } from '../../../functions/src/pipeline/buildSummary.js';
import type { Summary } from '../../../functions/src/pipeline/types.js';
import { fromChunks } from '../../helpers/streams.js';

const config: AnalyzeOptions['config'] = { rules: parseRules({}), maxLineBytes: 1024 * 1024, longLines: 'truncate' };

/** The Lambda's analysis and summary of one object made of `lines`; also the records it wrote. */
async function summarize(key: string, lines: Iterable<string>): Promise<{ summary: Summary; written: ErrorRecord[] }> {
  const written: ErrorRecord[] = [];
  const chunks = (function* () {
    let chunk = '';
    for (const line of lines) {
      chunk += `${line}\n`;
      if (chunk.length > 1 << 16) {
        yield Buffer.from(chunk);
        chunk = '';
      }
    }
    if (chunk) yield Buffer.from(chunk);
  })();
  const analysis = await analyzeBytes(fromChunks(chunks), {
    source: { bucket: 'logs', key },
    config,
    writeRecords: async (found) => {
      for await (const batch of found) written.push(...batch);
      return { key: 'errors/part-00000.ndjson.gz', records: written.length, bytes: 0, storedBytes: 0 };
    },
  });
  const summary = buildSummary({
    ...analysis, ref: { bucket: 'logs', key }, identity: {}, size: undefined, topGroups: config.rules.topGroups,
    keys: { summary: 's.json', report: 's.html' }, startedAt: new Date(), resumes: 0,
  });
  return { summary, written };
}

/** A word of letters only, different for every n: a one-off message no mask or cluster can join. */
function word(n: number): string {
  let w = '';
  for (let i = 0; i < 4; i++, n = Math.floor(n / 26)) w += String.fromCharCode(97 + (n % 26));
  return w;
}

function listedIds(summary: Summary): Set<string> {
  return new Set(summary.groups.flatMap((g) => [g.groupId, ...(g.aliases ?? [])]));
}

describe('summary groups', () => {
  it('keeps the heaviest group after 6 000 one-off errors, with its count bounded by countError', async () => {
    const lines = function* () {
      for (let i = 0; i < 6_000; i++) yield `2026-11-26T00:00:00.000Z ERROR ${word(i)}x ${word(i)}y ${word(i)}z ${word(i)}q`;
      for (let i = 0; i < 100_000; i++) yield `2026-11-26T00:01:00.000Z ERROR disk full on volume ${i % 7}`;
    };
    const { summary, written } = await summarize('heavy.log', lines());
    expect(summary.counts.records).toBe(106_000);
    const [top] = summary.topGroups;
    expect(top!.template).toBe('disk full on volume <*>');
    // Space-Saving: the true count (100 000) lies in [count - countError, count], and the error is
    // at most the records before it over the table's size (6 000 / 200).
    expect(top!.count - top!.countError).toBeLessThanOrEqual(100_000);
    expect(top!.count).toBeGreaterThanOrEqual(100_000);
    expect(top!.countError).toBeLessThanOrEqual(6_000 / 200);
    expect(summary.groups.length).toBe(200);
    expect(summary.topGroups).toEqual(summary.groups.slice(0, 20));
    expect(summary.counts.ungroupedRecords).toBe(summary.groups.reduce((n, g) => n + g.countError, 0));
    expect(summary.counts.ungroupedRecords).toBeLessThan(6_000);
    // Every id a record carries is in the summary, as a group's id or an alias.
    const listed = listedIds(summary);
    const carried = new Set(written.map((r) => r.groupId));
    expect([...carried].filter((id) => !listed.has(id))).toEqual([]);
    expect(summary.counts.unlistedGroupIds).toBe(0);
  });

  it('gives the same statement the same groupId in two objects whose variable values differ', async () => {
    const a = await summarize('a.log', [
      '2026-11-26T00:00:00.000Z ERROR Failed password for root from 10.0.0.1 port 22 ssh2',
      '2026-11-26T00:00:01.000Z ERROR Timeout after 30s calling db-primary-2 at 10.0.0.7',
      '2026-11-26T00:00:02.000Z ERROR Failed password for guest from 10.0.0.9 port 2201 ssh2',
    ]);
    const b = await summarize('b.log', [
      '2026-11-27T00:00:00.000Z ERROR Timeout after 5000ms calling cache-west at 172.16.0.1',
      '2026-11-27T00:00:01.000Z ERROR Failed password for admin from 192.168.0.1 port 80 ssh2',
      '2026-11-27T00:00:02.000Z ERROR Failed password for oracle from 192.168.0.2 port 81 ssh2',
      '2026-11-27T00:00:03.000Z ERROR Failed password for nagios from 192.168.0.3 port 82 ssh2',
    ]);
    const ids = (s: Summary) => new Map(s.groups.map((g) => [g.template, g.groupId]));
    expect([...ids(a.summary).keys()].sort()).toEqual(['Failed password for <*> from <*> port <*>', 'Timeout after <*> calling <*> at <*>']);
    expect(ids(b.summary)).toEqual(ids(a.summary));
    // Records carry the id of their cluster when written; the first one's is an alias of the final group.
    const failed = a.summary.groups.find((g) => g.template.startsWith('Failed'))!;
    expect(failed.aliases).toEqual([a.written[0]!.groupId]);
    for (const { summary, written } of [a, b]) for (const r of written) expect(listedIds(summary).has(r.groupId)).toBe(true);
  });

  it('learns a digit-less variable only from two values: one value alone stays in the template (documented)', async () => {
    const c = await summarize('c.log', [
      '2026-11-28T00:00:00.000Z ERROR Failed password for root from 10.0.0.1 port 22 ssh2',
      '2026-11-28T00:00:01.000Z ERROR Failed password for root from 10.0.0.2 port 23 ssh2',
    ]);
    expect(c.summary.groups.map((g) => g.template)).toEqual(['Failed password for root from <*> port <*>']);
  });
});
