import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findTimestamp, findYearlessTimestamp, toIsoTimestamp, yearlessTimestamp } from '../../../functions/src/parse/findTimestamp.js';

describe('findTimestamp', () => {
  it.each([
    ['2024-03-01T10:00:00Z x', '2024-03-01T10:00:00.000Z'],
    ['2024-03-01 10:00:00,250 ERROR', '2024-03-01T10:00:00.250Z'],
    ['2024/03/01 10:00:00 go log', '2024-03-01T10:00:00.000Z'],
    ['[ERROR]\t2024-03-01T10:00:00.5+02:00\tid', '2024-03-01T08:00:00.500Z'],
    ['1.2.3.4 - - [01/Mar/2024:10:00:00 -0700] "GET /"', '2024-03-01T17:00:00.000Z'],
    ['[Fri Mar 01 10:00:00.123 2024] [error] x', '2024-03-01T10:00:00.123Z'],
    ['no time here', null],
    ['2024-13-01T10:00:00Z', null],
  ])('%j -> %s', (line, iso) => {
    expect(findTimestamp(line)).toBe(iso);
  });

  it('reads canonical UTC stamps as the calendar does, rolling over or refusing the impossible ones', () => {
    const two = (n: number): string => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        fc.record({ y: fc.integer({ min: 1970, max: 2100 }), mo: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }),
          h: fc.integer({ min: 0, max: 25 }), mi: fc.integer({ min: 0, max: 61 }), s: fc.integer({ min: 0, max: 61 }), ms: fc.integer({ min: 0, max: 999 }) }),
        ({ y, mo, d, h, mi, s, ms }) => {
          const stamp = `${y}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}.${String(ms).padStart(3, '0')}Z`;
          const valid = mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60;
          expect(findTimestamp(`${stamp} ERROR x`)).toBe(valid ? new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms)).toISOString() : null);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('converts epoch seconds, milliseconds and numeric strings', () => {
    expect(toIsoTimestamp(1709287200)).toBe('2024-03-01T10:00:00.000Z');
    expect(toIsoTimestamp(1709287200123)).toBe('2024-03-01T10:00:00.123Z');
    expect(toIsoTimestamp('1709287200')).toBe('2024-03-01T10:00:00.000Z');
    expect(toIsoTimestamp(true)).toBeNull();
    expect(toIsoTimestamp(-5)).toBeNull();
  });
});

describe('yearlessTimestamp', () => {
  const at = (iso: string): number => Date.parse(iso);
  it.each([
    ['Nov 26 06:29:03', '2026-11-26T07:00:00Z', '2026-11-26T06:29:03.000Z'],
    ['Dec 31 23:59:59', '2027-01-02T00:00:00Z', '2026-12-31T23:59:59.000Z'], // written after new year: last year's
    ['Jan  2 10:00:00', '2027-01-01T12:00:00Z', '2027-01-02T10:00:00.000Z'], // within a day after: clock skew, this year
    ['Jan  3 10:00:00', '2027-01-01T12:00:00Z', '2026-01-03T10:00:00.000Z'], // more than a day after: last year's
    ['Feb 29 12:00:00', '2028-03-01T00:00:00Z', '2028-02-29T12:00:00.000Z'], // leap year
    ['Feb 29 12:00:00', '2027-03-01T00:00:00Z', null], // neither 2027 nor 2026 has the day
    ['Feb 30 12:00:00', '2027-03-01T00:00:00Z', null],
    ['Foo 12 12:00:00', '2027-03-01T00:00:00Z', null],
    ['Mar  1 10:00:00.250', '2027-03-02T00:00:00Z', '2027-03-01T10:00:00.250Z'],
  ])('%j written %s -> %s', (stamp, written, iso) => {
    expect(yearlessTimestamp(stamp, at(written))).toBe(iso);
  });

  it('finds the stamp in a line head, and nothing without one', () => {
    expect(findYearlessTimestamp('<11>Nov 26 06:29:03 web sshd[7]: error', at('2026-11-27T00:00:00Z'))).toBe('2026-11-26T06:29:03.000Z');
    expect(findYearlessTimestamp('kernel: Out of memory', at('2026-11-27T00:00:00Z'))).toBeNull();
    expect(findTimestamp('<11>Nov 26 06:29:03 web sshd[7]: error')).toBeNull(); // never without a reference
  });
});
