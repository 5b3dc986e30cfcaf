import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ErrorGroups } from '../../../functions/src/parse/ErrorGroups.js';
import { ParseOptionsError } from '../../../functions/src/parse/errors.js';
import { records } from '../../../functions/src/parse/records.js';
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

describe('ErrorGroups', () => {
  it('counts records per group and keeps the first record as sample, last seen updated', () => {
    const groups = new ErrorGroups();
    const first = errorRecord(3, { groupId: 'g1', timestamp: '2026-11-26T00:00:01.000Z' });
    groups.add(first, 'a <*>');
    groups.add(errorRecord(9, { groupId: 'g1', timestamp: '2026-11-26T00:00:05.000Z' }), 'a <*>');
    groups.add(errorRecord(4, { groupId: 'g2' }), 'b <*>');
    const [top, second] = groups.top(5);
    expect(top).toMatchObject({ groupId: 'g1', template: 'a <*>', count: 2, firstSeen: { line: 3 }, lastSeen: { line: 9, timestamp: '2026-11-26T00:00:05.000Z' } });
    expect(top!.sample).toStrictEqual(first);
    expect(second).toMatchObject({ groupId: 'g2', count: 1 });
    expect(groups.total).toBe(3);
  });

  it('tracks at most maxGroups and counts the records of the others as untracked', () => {
    const groups = new ErrorGroups({ maxGroups: 2 });
    for (const id of ['a', 'b', 'c', 'c', 'a']) groups.add(errorRecord(1, { groupId: id }), id);
    expect(groups.size).toBe(2);
    expect(groups.untracked).toBe(2);
    expect(groups.top(5).map((g) => [g.groupId, g.count])).toEqual([['a', 2], ['b', 1]]);
    expect(() => new ErrorGroups({ maxGroups: 0 })).toThrow(ParseOptionsError);
  });

  it('holds nothing else of the input alive: 5 000 groups (from 100 MB of logfmt) retain only their own samples', async () => {
    // Each line is a view of a decoded region of the input; a sample kept by reference would keep
    // its region (tens of KiB) alive for the whole run: ≈ 90 MiB here before samples were copied.
    const before = heapAfterGc();
    let groups: ErrorGroups | undefined = new ErrorGroups();
    for await (const batch of records(lineBatches(asAsync(logfmtChunks(5_000))), { source: { bucket: 'b', key: 'k' }, groups })) void batch;
    expect(groups.size).toBe(5_000);
    const retained = heapAfterGc() - before;
    const kept = groups.all().reduce((n, g) => n + g.sample.raw.length + g.template.length, 0);
    groups = undefined;
    // The samples' own text is ≈ 0.5 MB; objects and the group map add a few MB.
    expect(kept).toBeLessThan(1_000_000);
    expect(retained / 2 ** 20).toBeLessThan(15);
  });
});
