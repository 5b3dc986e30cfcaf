import { describe, expect, it } from 'vitest';
import { findTimestamp, toIsoTimestamp } from '../../../functions/src/parse/findTimestamp.js';

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

  it('converts epoch seconds, milliseconds and numeric strings', () => {
    expect(toIsoTimestamp(1709287200)).toBe('2024-03-01T10:00:00.000Z');
    expect(toIsoTimestamp(1709287200123)).toBe('2024-03-01T10:00:00.123Z');
    expect(toIsoTimestamp('1709287200')).toBe('2024-03-01T10:00:00.000Z');
    expect(toIsoTimestamp(true)).toBeNull();
    expect(toIsoTimestamp(-5)).toBeNull();
  });
});
