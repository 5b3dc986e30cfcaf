import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern, requiredLiteral } from '../../../functions/src/parse/compilePattern.js';
import { RulesConfigError } from '../../../functions/src/parse/errors.js';
import { parseRules } from '../../../functions/src/parse/parseRules.js';

const MiB = 1024 * 1024;

describe('compilePattern', () => {
  it('runs a pattern without quantifiers on V8 and any other on RE2, both case-insensitive', () => {
    const literal = compilePattern('OutOfMemory|Task timed out', 'errorPatterns[0]');
    expect(literal.engine).toBe('v8');
    expect(literal.test('java.lang.outofmemoryerror')).toBe(true);
    const quantified = compilePattern('timed? ?out after \\d+ms', 'errorPatterns[1]');
    expect(quantified.engine).toBe('re2');
    expect(quantified.test('Request TIMED OUT AFTER 30000ms')).toBe(true);
    expect(quantified.test('timeout after ms')).toBe(false);
    // Quantifier characters that are not quantifiers: escaped, in a class, a group's `?`.
    expect(compilePattern('a\\+b[*?]c(?:d|e)', 'include[0]').engine).toBe('v8');
    expect(compilePattern('\\u0041KIA\\d{16}', 'include[1]').test('akia1234567890123456')).toBe(true);
  });

  it('runs the issue\'s catastrophic patterns on a 1 MiB line without backtracking', () => {
    // On V8 these do not finish (exponential); RE2 answers in milliseconds.
    const nested = parseRules({ errorPatterns: ['(a+)+$'], exclude: ['^(\\w+\\s?)*$'] });
    expect(nested.errorPatterns[0]!.engine).toBe('re2');
    expect(nested.errorPatterns[0]!.test(`${'a'.repeat(MiB)}!`)).toBe(false);
    expect(nested.exclude[0]!.test(`${'word '.repeat(MiB / 5)}!`)).toBe(false);
    expect(nested.exclude[0]!.test('two words')).toBe(true);
  });

  it('refuses a quantified pattern RE2 cannot run, naming the rule; lookaround without quantifiers stays allowed', () => {
    let error: unknown;
    try {
      parseRules({ exclude: ['ok', '(\\w+)\\s\\1'] });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RulesConfigError);
    expect((error as RulesConfigError).field).toBe('exclude[1]');
    expect((error as Error).message).toMatch(/^rules\.exclude\[1\]: expected a regular expression RE2 can run in linear time .*backreferences or lookaround/);
    expect(() => parseRules({ errorPatterns: ['(?=.*x)y+'] })).toThrow(/errorPatterns\[0\]/);
    expect(compilePattern('error(?! budget)', 'errorPatterns[0]').test('error budget')).toBe(false);
  });

  it('finds the literal every match must contain, or none when unsure', () => {
    expect(requiredLiteral('timed? ?out after \\d+ ?ms')).toBe('out after ');
    expect(requiredLiteral('Caused by: java\\.lang\\.\\w+Exception')).toBe('Caused by: java.lang.');
    expect(requiredLiteral('ab+cde')).toBe('cde');
    for (const source of ['(a+)+$', 'abc|def', 'x?y?z?', 'ab\\d+']) expect(requiredLiteral(source)).toBeUndefined();
  });

  it('answers as V8 does on the lines it is given (property: random patterns of literals, classes, groups, quantifiers)', () => {
    const atom = fc.constantFrom('a', 'b', 'ab', 'Ab ', 'x', ' ', '\\d', '\\.', '.', '[ab]', '[^b]', '(a|bx)', '(?:ab)');
    const quantifier = fc.constantFrom('', '', '', '?', '*', '+', '{1,2}');
    const pattern = fc.array(fc.tuple(atom, quantifier), { minLength: 1, maxLength: 6 }).chain((parts) =>
      fc.tuple(fc.constantFrom('', '^'), fc.constant(parts.map(([a, q]) => a + q).join('')), fc.constantFrom('', '$'), fc.constantFrom('', '|b1')),
    ).map(([start, body, end, alt]) => `${start}${body}${end}${alt}`);
    const text = fc.string({ unit: fc.constantFrom('a', 'A', 'b', 'B', 'x', ' ', '1', '.', '\n'), maxLength: 24 });
    fc.assert(
      fc.property(pattern, fc.array(text, { minLength: 1, maxLength: 8 }), (source, texts) => {
        const ours = compilePattern(source, 'errorPatterns[0]');
        const v8 = new RegExp(source, 'i');
        for (const t of texts) expect(ours.test(t), `${source} on ${JSON.stringify(t)} (${ours.engine})`).toBe(v8.test(t));
      }),
      { numRuns: 500 },
    );
  });
});
