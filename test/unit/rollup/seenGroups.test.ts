import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollupInputError } from '../../../functions/src/rollup/errors.js';
import { SEEN_BITS, seenGroupsFilter } from '../../../functions/src/rollup/seenGroups.js';

const ids = (n: number, tag: string): string[] => Array.from({ length: n }, (_, i) => `${tag}${(i * 2654435761 % 2 ** 32).toString(16).padStart(16, '0')}`);

describe('seenGroupsFilter', () => {
  it('never forgets an id it was given, alone or through any union of filters', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 30 }), { minLength: 1, maxLength: 5 }), (parts) => {
        const union = seenGroupsFilter();
        for (const part of parts) {
          const f = seenGroupsFilter();
          for (const id of part) f.add(id);
          union.union(f.toJSON());
        }
        const again = seenGroupsFilter(union.toJSON());
        for (const id of parts.flat()) expect(again.has(id)).toBe(true);
      }),
    );
  });

  it('gives the same bytes for the same ids in any order and grouping, and its union is idempotent', () => {
    const all = ids(500, 'g');
    const a = seenGroupsFilter();
    for (const id of all) a.add(id);
    const b = seenGroupsFilter();
    for (const id of [...all].reverse()) b.add(id);
    const left = seenGroupsFilter();
    const right = seenGroupsFilter();
    all.forEach((id, i) => (i % 3 ? left : right).add(id));
    const joined = seenGroupsFilter(left.toJSON());
    joined.union(right.toJSON());
    joined.union(right.toJSON());
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(joined.toJSON()).toEqual(a.toJSON());
    expect(a.toJSON().filter).toHaveLength(Math.ceil(SEEN_BITS / 8 / 3) * 4);
  });

  it('estimates the ids it holds, and at 1 000 ids says yes to under 0.1 % of 20 000 others', () => {
    const f = seenGroupsFilter();
    for (const id of ids(1000, 'in')) f.add(id);
    expect(f.toJSON().ids).toBeGreaterThan(970);
    expect(f.toJSON().ids).toBeLessThan(1030);
    const wrong = ids(20_000, 'out').filter((id) => f.has(id)).length;
    expect(wrong).toBeLessThan(20);
    expect(seenGroupsFilter().toJSON().ids).toBe(0);
  });

  it('refuses a stored filter of another size, naming what it expected', () => {
    const f = seenGroupsFilter().toJSON();
    expect(() => seenGroupsFilter({ ...f, bits: 1024 })).toThrow(RollupInputError);
    expect(() => seenGroupsFilter({ ...f, filter: 'AAAA' })).toThrow(/a filter of 16384 bytes, got 3/);
  });
});
