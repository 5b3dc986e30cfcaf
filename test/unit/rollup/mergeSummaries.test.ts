import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyMerged } from '../../../functions/src/rollup/emptyMerged.js';
import { fromSummary } from '../../../functions/src/rollup/fromSummary.js';
import { mergeSummaries } from '../../../functions/src/rollup/mergeSummaries.js';
import type { MergedSummary } from '../../../functions/src/rollup/types.js';
import type { Summary, SummaryGroup } from '../../../functions/src/pipeline/types.js';
import { summaryOfText } from '../../helpers/summaryOfText.js';

const TEMPLATES = [
  (n: number) => `ERROR [orders] payment failed for order ${n}: upstream returned 502`,
  (n: number) => `ERROR [db] connection to 10.0.${n % 250}.7 timed out after ${n} ms`,
  (n: number) => `FATAL [worker] out of memory in job ${n}`,
  (n: number) => `WARN  [orders] retrying request ${n}`,
  (n: number) => `INFO  [http] GET /api/v1/orders/${n} 200 ${n % 250} ms`,
  (n: number) => `ERROR [auth] token rejected for user u${n}`,
] as const;

/** A log line: seconds after the previous one, which template, a number for its variables. */
const line = fc.record({ gap: fc.integer({ min: 0, max: 90 }), template: fc.integer({ min: 0, max: TEMPLATES.length - 1 }), n: fc.integer({ min: 1, max: 99_999 }) });

function render(lines: ReadonlyArray<{ gap: number; template: number; n: number }>): string[] {
  let t = Date.UTC(2026, 10, 26, 9, 58, 0);
  return lines.map((l) => {
    t += l.gap * 1000;
    return `${new Date(t).toISOString()} ${TEMPLATES[l.template]!(l.n)}\n`;
  });
}

/** The fields a merge must reproduce exactly: everything but where in an object a group was seen. */
function exactFields(m: MergedSummary): unknown {
  return {
    counts: m.counts,
    time: m.time,
    groups: [...m.groups]
      .sort((a, b) => (a.groupId < b.groupId ? -1 : 1))
      .map((g: SummaryGroup) => ({
        groupId: g.groupId, template: g.template, class: g.class, level: g.level, count: g.count, countError: g.countError,
        first: g.firstSeen.timestamp, last: g.lastSeen.timestamp, sample: g.sample.message,
      })),
    groupFloor: m.groupFloor,
  };
}

const CONFIG_RUNS = { numRuns: 40 } as const;

describe('mergeSummaries', () => {
  it('for any split of a log at line boundaries, the merged parts equal the whole on every exact field', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 60 }), fc.array(fc.nat(), { maxLength: 6 }), async (spec, cutsRaw) => {
        const lines = render(spec);
        const cuts = [...new Set(cutsRaw.map((c) => c % lines.length))].filter((c) => c > 0).sort((a, b) => a - b);
        const bounds = [0, ...cuts, lines.length];
        const whole = await summaryOfText(lines.join(''), 'app/whole.log');
        const parts: Summary[] = [];
        for (let i = 0; i + 1 < bounds.length; i++) {
          parts.push(await summaryOfText(lines.slice(bounds[i], bounds[i + 1]).join(''), `app/part-${String(i).padStart(3, '0')}.log`));
        }
        const merged = mergeSummaries(parts.map((p) => fromSummary(p)));
        expect(exactFields(merged)).toEqual(exactFields(fromSummary(whole)));
        expect(merged.summaries).toEqual({ complete: parts.length, failed: 0 });
        expect(merged.bySource).toEqual({ app: { summaries: parts.length, records: whole.counts.records, errors: whole.counts.errors, errorsPerMinute: whole.time.errorsPerMinute } });
      }),
      CONFIG_RUNS,
    );
  }, 120_000);

  it('gives the same result, to the byte, whatever the order and grouping of the merges', async () => {
    const summaries: MergedSummary[] = [];
    for (let i = 0; i < 6; i++) {
      const spec = Array.from({ length: 25 }, (_, j) => ({ gap: (i * 7 + j * 3) % 40, template: (i + j * j) % TEMPLATES.length, n: i * 100 + j }));
      summaries.push(fromSummary(await summaryOfText(render(spec).join(''), `src${i % 3}/obj-${i}.log`)));
    }
    const reference = JSON.stringify(mergeSummaries(summaries));
    fc.assert(
      fc.property(fc.shuffledSubarray(summaries, { minLength: summaries.length, maxLength: summaries.length }), fc.nat({ max: summaries.length }), (order, at) => {
        const flat = mergeSummaries(order);
        const nested = mergeSummaries([mergeSummaries(order.slice(0, at)), mergeSummaries(order.slice(at))]);
        expect(JSON.stringify(flat)).toBe(reference);
        expect(JSON.stringify(nested)).toBe(reference);
      }),
      { numRuns: 100 },
    );
  });

  it('has the empty summary as identity', async () => {
    const a = mergeSummaries([fromSummary(await summaryOfText(render([{ gap: 1, template: 0, n: 5 }, { gap: 2, template: 1, n: 6 }]).join(''), 'x/a.log'))]);
    expect(mergeSummaries([emptyMerged(), a])).toEqual(a);
    expect(mergeSummaries([a, emptyMerged()])).toEqual(a);
    expect(mergeSummaries([])).toEqual(mergeSummaries([emptyMerged()]));
  });

  it('keeps at most keptGroups groups, each true count within [count - countError, count], and an unlisted group under the floor', () => {
    // Objects with many distinct groups of known counts: group g occurs (g % 7) + 1 times in object o when (g + o) % 3 != 0.
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 3, max: 30 }), fc.integer({ min: 2, max: 15 }), (objects, groupsPer, kept) => {
        const truth = new Map<string, number>();
        const parts = Array.from({ length: objects }, (_, o) => {
          const groups: SummaryGroup[] = [];
          for (let g = 0; g < groupsPer * 2; g++) {
            if ((g + o) % 3 === 0) continue;
            const count = ((g * 31 + o) % 7) + 1;
            const id = `g${String(g).padStart(3, '0')}`;
            truth.set(id, (truth.get(id) ?? 0) + count);
            groups.push(group(id, count, `k${o}`));
          }
          groups.sort((a, b) => b.count - a.count);
          // Each object keeps `kept` groups, as a summary keeps `keptGroups`: the floor is its smallest kept count.
          const listed = groups.slice(0, kept);
          return { ...emptyMerged(), groups: listed, groupFloor: groups.length > kept ? listed[listed.length - 1]!.count : 0 };
        });
        const merged = mergeSummaries(parts, { keptGroups: kept });
        expect(merged.groups.length).toBeLessThanOrEqual(kept);
        for (const g of merged.groups) {
          const t = truth.get(g.groupId) ?? 0;
          expect(t).toBeLessThanOrEqual(g.count);
          expect(t).toBeGreaterThanOrEqual(g.count - g.countError);
        }
        const listed = new Set(merged.groups.map((g) => g.groupId));
        for (const [id, t] of truth) if (!listed.has(id)) expect(t).toBeLessThanOrEqual(merged.groupFloor);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the latest histogramMinutes minutes and counts the rest as overflow, whatever the grouping', () => {
    const part = (minutes: Record<string, number>): MergedSummary => ({ ...emptyMerged(), time: { ...emptyMerged().time, errorsPerMinute: minutes } });
    const a = part({ '2026-11-26T10:00': 2, '2026-11-26T10:03': 1 });
    const b = part({ '2026-11-26T10:01': 4, '2026-11-26T10:03': 5 });
    const c = part({ '2026-11-26T10:02': 3 });
    const flat = mergeSummaries([a, b, c], { histogramMinutes: 2 });
    expect(flat.time.errorsPerMinute).toEqual({ '2026-11-26T10:02': 3, '2026-11-26T10:03': 6 });
    expect(flat.time.histogramOverflow).toBe(6);
    const opts = { histogramMinutes: 2 };
    expect(mergeSummaries([mergeSummaries([a, b], opts), c], opts)).toEqual(flat);
  });

  it('falls back to topGroups for a summary without groups, and rejects what is not a summary', async () => {
    const s = await summaryOfText(render([{ gap: 1, template: 0, n: 5 }]).join(''), 'x/a.log');
    const { groups: _groups, ...old } = s;
    expect(fromSummary(old as Summary).groups.map((g) => g.groupId)).toEqual(s.topGroups.map((g) => g.groupId));
    expect(() => fromSummary({ schema: 'nope' } as unknown as Summary)).toThrow(/not a logsieve.summary\/1/);
    expect(() => mergeSummaries([], { keptGroups: 0 })).toThrow(/keptGroups must be a positive integer, got 0/);
  });
});

function group(id: string, count: number, key: string): SummaryGroup {
  return {
    groupId: id, template: id, class: 'level', level: 'error', count, countError: 0,
    firstSeen: { line: 1, timestamp: '2026-11-26T10:00:00.000Z', key }, lastSeen: { line: 2, timestamp: '2026-11-26T10:00:01.000Z', key },
    sample: { message: id, firstLine: 1, timestamp: '2026-11-26T10:00:00.000Z' },
  };
}
