import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ErrorGroups } from '../../../functions/src/parse/ErrorGroups.js';
import { TemplateGrouper } from '../../../functions/src/parse/TemplateGrouper.js';
import { errorRecord } from '../../helpers/errorRecord.js';

const WORDS = ['cache', 'db', 'queue', 'green', 'west', 'evicted', 'refused', 'timeout', 'GET', 'retry'];

/** A message of a few words and numbers; `structured` ones carry their own template (access logs). */
const messageArb = fc.record({
  words: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }),
  n: fc.nat({ max: 300 }),
  cls: fc.constantFrom('level', 'exception', 'http-5xx'),
  structured: fc.boolean(),
});

type Message = { words: string[]; n: number; cls: string; structured: boolean };

function feed(grouper: TemplateGrouper, groups: ErrorGroups, messages: readonly Message[], from: number): void {
  messages.forEach((m, i) => {
    const text = `${m.words.join(' ')} ${m.n}`;
    const ref = m.structured ? grouper.group(text, m.cls, `${m.words[0]} <*>`) : grouper.group(text, m.cls);
    groups.add(errorRecord(from + i, { message: text, groupId: ref.groupId, class: m.cls as never }), ref);
  });
}

describe('ErrorGroups and TemplateGrouper state', () => {
  it('a table and grouper restored from JSON midway go on exactly as the ones never stopped', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { minLength: 1, maxLength: 300 }), fc.nat(), fc.integer({ min: 1, max: 12 }), (messages, cut, maxGroups) => {
        const at = cut % (messages.length + 1);
        const grouper = new TemplateGrouper({ maxClusters: 20 });
        const groups = new ErrorGroups({ maxGroups, maxAliases: 25 });
        feed(grouper, groups, messages, 1);

        const first = new TemplateGrouper({ maxClusters: 20 });
        const firstGroups = new ErrorGroups({ maxGroups, maxAliases: 25 });
        feed(first, firstGroups, messages.slice(0, at), 1);
        const json = JSON.parse(JSON.stringify({ grouper: first.state(), groups: firstGroups.state((r) => first.refState(r)) }));
        const again = TemplateGrouper.fromState(json.grouper, { maxClusters: 20 });
        const againGroups = ErrorGroups.fromState(json.groups, (s) => again.ref(s), { maxGroups, maxAliases: 25 });
        feed(again, againGroups, messages.slice(at), at + 1);

        grouper.finish();
        again.finish();
        expect(againGroups.groups()).toEqual(groups.groups());
        expect([againGroups.total, againGroups.ungrouped, againGroups.unlistedIds]).toEqual([groups.total, groups.ungrouped, groups.unlistedIds]);
        expect([again.unclustered, again.miner.size]).toEqual([grouper.unclustered, grouper.miner.size]);
      }),
      { numRuns: 300 },
    );
  });
});
