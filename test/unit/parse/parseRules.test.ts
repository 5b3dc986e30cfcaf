import { describe, expect, it } from 'vitest';
import { RulesConfigError } from '../../../functions/src/parse/errors.js';
import { parseRules } from '../../../functions/src/parse/parseRules.js';

describe('parseRules', () => {
  it('gives defaults for an empty document', () => {
    const rules = parseRules({});
    expect(rules).toMatchObject({
      minLevel: 'error', include: [], exclude: [], errorPatterns: [], maxRawBytes: 8192, maxMessageChars: 1024, topGroups: 20, keptGroups: 200,
      multiline: { enabled: true, maxLines: 200, maxBytes: 65536 }, redaction: { enabled: true },
    });
    expect(rules.errorClasses).toContain('http-5xx');
    expect(rules.errorClasses).not.toContain('vpc-reject');
    expect(parseRules(undefined)).toEqual(rules);
    expect(rules.keptGroups).toBe(200);
    expect(parseRules({ topGroups: 5, keptGroups: 5 }).keptGroups).toBe(5);
  });

  it('compiles regexes case-insensitively and accepts shorthand booleans', () => {
    const rules = parseRules({ include: ['db'], multiline: false, redaction: false, minLevel: 'any' });
    expect(rules.include[0]!.test('DB down')).toBe(true);
    expect(rules.multiline.enabled).toBe(false);
    expect(rules.redaction.enabled).toBe(false);
  });

  it.each([
    [{ minLevel: 'loud' }, 'minLevel'],
    [{ include: ['('] }, 'include[0]'],
    [{ exclude: 'x' }, 'exclude'],
    [{ errorPatterns: ['ok', 3] }, 'errorPatterns[1]'],
    [{ errorClasses: ['level', 'oops'] }, 'errorClasses[1]'],
    [{ multiline: { maxLines: 0 } }, 'multiline.maxLines'],
    [{ keptGroups: 0 }, 'keptGroups'],
    [{ keptGroups: 10, topGroups: 20 }, 'keptGroups'],
    [{ keptGroups: 100_001 }, 'keptGroups'],
    [{ multiline: { depth: 1 } }, 'multiline.depth'],
    [{ redaction: { kinds: ['ssn'] } }, 'redaction.kinds[0]'],
    [{ maxRawBytes: 1.5 }, 'maxRawBytes'],
    [{ minlevel: 'warn' }, 'minlevel'],
    [{ version: 2 }, 'version'],
    [[], '(root)'],
  ])('rejects %j naming %s', (doc, field) => {
    let error: unknown;
    try {
      parseRules(doc);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RulesConfigError);
    expect((error as RulesConfigError).field).toBe(field);
    expect((error as Error).message).toContain(`rules.${field}`);
  });

  it('keeps the regex error as cause', () => {
    try {
      parseRules({ include: ['[a-'] });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).cause).toBeInstanceOf(SyntaxError);
    }
  });
});
