import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ErrorGroups } from '../../../functions/src/parse/ErrorGroups.js';
import { ParseOptionsError } from '../../../functions/src/parse/errors.js';
import { records } from '../../../functions/src/parse/records.js';
import type { GroupRef } from '../../../functions/src/parse/TemplateGrouper.js';
import { TemplateGrouper } from '../../../functions/src/parse/TemplateGrouper.js';
import { lineBatches } from '../../../functions/src/stream/lineBatches.js';
import { errorRecord } from '../../helpers/errorRecord.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];

/** Chunks of 5 000 distinct error templates, each among 300 INFO lines, as the line stage gets them. */
function* logfmtChunks(groups: number): Generator<Buffer> {
  let n = 0;
  for (let g = 0; g < groups; g++) {
    const [a, b, c, d] = [g % 10, Math.floor(g / 10) % 10, Math.floor(g / 100) % 10, Math.floor(g / 1000) % 10].map((i) => WORDS[i]!);
    let text = `ts=2026-11-26T00:00:${String(g % 60).padStart(2, '0')}.000Z level=error msg="${a} ${b} ${c} ${d} failed in stage"\n`;
    for (let i = 0; i < 300; i++) text += `ts=2026-11-26T00:00:00.000Z level=info msg="request ${n++} served"\n`;
    yield Buffer.from(text);
  }
}

async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** A fixed group, as the grouper gives for a structured template. */
function ref(groupId: string, template = groupId): GroupRef {
  return { key: `t${groupId}`, groupId, template, learned: false };
}

describe('ErrorGroups', () => {
  it('counts records per group and keeps the first record as sample, last seen updated', () => {
    const groups = new ErrorGroups();
    const first = errorRecord(3, { groupId: 'g1', timestamp: '2026-11-26T00:00:01.000Z' });
    groups.add(first, ref('g1', 'a <*>'));
    groups.add(errorRecord(9, { groupId: 'g1', timestamp: '2026-11-26T00:00:05.000Z' }), ref('g1', 'a <*>'));
    groups.add(errorRecord(4, { groupId: 'g2' }), ref('g2', 'b <*>'));
    const [top, second] = groups.top(5);
    expect(top).toMatchObject({ groupId: 'g1', template: 'a <*>', count: 2, countError: 0, aliases: [], firstSeen: { line: 3 }, lastSeen: { line: 9, timestamp: '2026-11-26T00:00:05.000Z' } });
    expect(top!.sample).toStrictEqual(first);
    expect(second).toMatchObject({ groupId: 'g2', count: 1 });
    expect(groups.total).toBe(3);
    expect(groups.ungrouped).toBe(0);
  });

  it('is a Space-Saving table: a new group takes over the smallest counter, whose count becomes its error', () => {
    const groups = new ErrorGroups({ maxGroups: 2 });
    for (const id of ['a', 'a', 'a', 'b', 'c', 'c', 'c']) groups.add(errorRecord(1, { groupId: id }), ref(id));
    // c took over b's counter (count 1): 1 + 3 records, 1 of which may be b's.
    expect(groups.groups().map((g) => [g.groupId, g.count, g.countError, g.aliases])).toEqual([['c', 4, 1, ['b']], ['a', 3, 0, []]]);
    expect(groups.ungrouped).toBe(1);
    expect(groups.size).toBe(2);
    expect(() => new ErrorGroups({ maxGroups: 0 })).toThrow(ParseOptionsError);
  });

  it('never loses a group of more than total / maxGroups records, whatever comes first', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 12 }), (ids, k) => {
      const groups = new ErrorGroups({ maxGroups: k });
      const truth = new Map<number, number>();
      for (const id of ids) {
        groups.add(errorRecord(1, { groupId: String(id) }), ref(String(id)));
        truth.set(id, (truth.get(id) ?? 0) + 1);
      }
      const kept = new Map(groups.groups().map((g) => [g.groupId, g]));
      for (const [id, n] of truth) {
        const g = kept.get(String(id));
        if (n > ids.length / k) expect(g).toBeDefined();
        if (g) expect(n).toBeGreaterThanOrEqual(g.count - g.countError);
        if (g) expect(n).toBeLessThanOrEqual(g.count);
      }
      // Every id a record carried is listed, as a group or an alias.
      const listed = new Set(groups.groups().flatMap((g) => [g.groupId, ...g.aliases]));
      for (const id of truth.keys()) expect(listed.has(String(id))).toBe(true);
    }), { numRuns: 300 });
  });

  it('reports a learned group under its final id, with the ids its records carried before as aliases', () => {
    const grouper = new TemplateGrouper();
    const groups = new ErrorGroups();
    const carried: string[] = [];
    for (const user of ['root', 'guest', 'admin']) {
      const group = grouper.group(`Failed password for ${user} from 10.0.0.1 port 22 ssh2`, 'level');
      const record = errorRecord(carried.length + 1, { groupId: group.groupId });
      carried.push(group.groupId);
      groups.add(record, group);
    }
    const [only, ...rest] = groups.groups();
    expect(rest).toEqual([]);
    expect(only!.template).toBe('Failed password for <*> from <*> port <*>');
    expect(only!.count).toBe(3);
    expect(carried[0]).not.toBe(only!.groupId);
    expect(new Set([only!.groupId, ...only!.aliases])).toEqual(new Set(carried));
  });

  it('bounds the aliases it lists and counts the others', () => {
    const groups = new ErrorGroups({ maxGroups: 1, maxAliases: 3 });
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) groups.add(errorRecord(1, { groupId: id }), ref(id));
    const [g] = groups.groups();
    expect(g!.aliases).toEqual(['a', 'b', 'c']);
    expect(groups.unlistedIds).toBe(2);
  });

  it('holds nothing else of the input alive: 5 000 groups (from 100 MB of logfmt) retain only their own samples', async () => {
    // Each line is a view of a decoded region of the input; a sample kept by reference would keep
    // its region (tens of KiB) alive for the whole run: ≈ 90 MiB here before samples were copied.
    const before = heapAfterGc();
    let groups: ErrorGroups | undefined = new ErrorGroups({ maxGroups: 5_000 });
    for await (const batch of records(lineBatches(asAsync(logfmtChunks(5_000))), { source: { bucket: 'b', key: 'k' }, groups })) void batch;
    const kept = groups.groups().reduce((n, g) => n + g.sample.raw.length + g.template.length, 0);
    expect(groups.total).toBe(5_000);
    const retained = heapAfterGc() - before;
    groups = undefined;
    // The samples' own text is ≈ 0.5 MB; objects and the group map add a few MB.
    expect(kept).toBeLessThan(1_000_000);
    expect(retained / 2 ** 20).toBeLessThan(15);
  });
});
