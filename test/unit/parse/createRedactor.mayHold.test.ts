import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../functions/src/parse/createRedactor.js';
import { REDACTION_KINDS } from '../../../functions/src/parse/constants.js';

const redact = createRedactor({ enabled: true, kinds: [...REDACTION_KINDS] });
const none = (): void => {};

// Pieces that make the patterns (and their pre-checks) fire, and ordinary text around them.
const piece = fc.constantFrom(
  'password=', 'token: ', 'Bearer ', 'Authorization: ', 'AKIA', 'ASIA', 'IOSFODNN7EXAMPLE', 'sessionid=', 'sid=', 'PRIVATE KEY',
  '-----BEGIN ', '://', 'u:p@h/', '4111 1111 1111 1111', '4111111111111111', '5500-0000-0000-0004', ' ', '\n', '"', ':', '=',
  'ERROR', 'at f (a.js:1:2)', 'req=5d52', '12', '345', 'Zoë', 'x',
);
const text = fc.array(piece, { maxLength: 14 }).map((parts) => parts.join(''));

describe('createRedactor mayHold', () => {
  it('is false only for texts the redactor leaves as they are, and then for every piece of them too', () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), (t, a, b) => {
        if (redact.mayHold(t)) return;
        expect(redact(t, none)).toBe(t);
        const from = t.length === 0 ? 0 : a % t.length;
        const piece = t.slice(from, from + (b % (t.length - from + 1)));
        expect(redact.mayHold(piece)).toBe(false);
        expect(redact(piece, none)).toBe(piece);
      }),
      { numRuns: 2_000 },
    );
  });

  it('is true for a text with a secret, and false when redaction is off', () => {
    expect(redact.mayHold('login password=hunter2')).toBe(true);
    expect(redact.mayHold('card 4111 1111 1111 1111')).toBe(true);
    expect(redact.mayHold('GET /health 200 took 3ms')).toBe(false);
    expect(createRedactor({ enabled: false, kinds: [...REDACTION_KINDS] }).mayHold('password=hunter2')).toBe(false);
  });
});
