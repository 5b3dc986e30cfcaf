import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEVEL_RANK } from '../../../functions/src/parse/constants.js';
import { findLevelToken } from '../../../functions/src/parse/formats/findLevelToken.js';
import { messageOf } from '../../../functions/src/parse/formats/createTextParser.js';

describe('findLevelToken', () => {
  it.each([
    ['2024-03-01 10:00:00 ERROR boom', 50],
    ['[ERROR]\t2024-03-01T10:00:00Z\tid\tmsg', 50],
    ['2024-03-01T10:00:00Z\tid\tWARN\tslow', 40],
    ['[Fri Mar 01 2024] [core:error] [pid 1] AH1', 50],
    ['ERROR:root:failed', 50],
    ['severe: servlet failed', 50],
    ['Warning: disk almost full', 40],
    ['[alert] shutting down', 60],
    ['ALERT shutting down', 60],
    ['sent an alert to on-call', 0],
    ['notice me', 0],
    ['GET /api/error 200', 0],
    ['see error-page.html and errors.log and on_error', 0],
    ['x=error y=1', 0],
    ['INFO no ERROR here, first token wins', 30],
    ['', 0],
  ])('%j -> %i', (line, rank) => {
    expect(findLevelToken(line, 160)).toBe(rank);
  });

  it('only looks at the first `limit` characters', () => {
    expect(findLevelToken(`${'x'.repeat(200)} ERROR`, 160)).toBe(0);
    expect(findLevelToken(`${'x'.repeat(154)} ERROR`, 160)).toBe(50); // starts before the limit
    expect(findLevelToken(`${'x'.repeat(154)} ERRORS`, 160)).toBe(0); // not a whole word past it
  });

  it('equals the rules spelled out as a loop over characters, on any line and limit', () => {
    const piece = fc.oneof(
      fc.constantFrom('error', 'err', 'warn', 'warning', 'info', 'debug', 'trace', 'fatal', 'panic', 'crit', 'critical',
        'severe', 'dpanic', 'alert', 'emerg', 'emergency', 'notice', 'errors', 'information', 'erro')
        .chain((w) => fc.array(fc.boolean(), { minLength: w.length, maxLength: w.length })
          .map((up) => [...w].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''))),
      fc.constantFrom(' ', '\t', '[', ']', '(', ')', '|', ':', '<', '>', ',', ';', "'", '"', '-', '/', '.', '=', '_', '\u00a0', 'é', '\v'),
      fc.stringMatching(/^[a-z0-9]{1,6}$/),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.integer({ min: 0, max: 120 }), (pieces, limit) => {
        const line = pieces.join('');
        expect(findLevelToken(line, limit)).toBe(specification(line, limit));
      }),
      { numRuns: 3_000 },
    );
  });
});

/** The rules as a plain loop: each maximal run of ASCII letters starting before `limit`, bounded on both sides. */
function specification(text: string, limit: number): number {
  const boundary = (c: number): boolean => Number.isNaN(c) || ' \t\r\n[]()|:<>,;\'"'.includes(String.fromCharCode(c));
  const letter = (c: number): boolean => (c | 0x20) >= 97 && (c | 0x20) <= 122;
  const upper = (w: string): boolean => /^[A-Z]{2}/.test(w);
  for (let i = 0; i < Math.min(text.length, limit); ) {
    if (!letter(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && letter(text.charCodeAt(j))) j++;
    const word = text.slice(i, j);
    if (boundary(text.charCodeAt(i - 1)) && boundary(text.charCodeAt(j))) {
      const bracketed = text[i - 1] === '[' && text[j] === ']';
      const rank = ({
        err: LEVEL_RANK.error, error: LEVEL_RANK.error, severe: LEVEL_RANK.error, warn: LEVEL_RANK.warn,
        warning: LEVEL_RANK.warn, info: LEVEL_RANK.info, debug: LEVEL_RANK.debug, trace: LEVEL_RANK.trace,
        fatal: LEVEL_RANK.fatal, panic: LEVEL_RANK.fatal, dpanic: LEVEL_RANK.fatal, crit: LEVEL_RANK.fatal,
        critical: LEVEL_RANK.fatal,
        alert: upper(word) || bracketed ? LEVEL_RANK.fatal : 0, emerg: upper(word) || bracketed ? LEVEL_RANK.fatal : 0,
        notice: upper(word) || bracketed ? LEVEL_RANK.info : 0, emergency: upper(word) ? LEVEL_RANK.fatal : 0,
      } as Record<string, number>)[word.toLowerCase()] ?? 0;
      if (rank > 0) return rank;
    }
    i = j;
  }
  return 0;
}

describe('messageOf', () => {
  it.each([
    ['2024-03-01 10:00:01,002 ERROR [http-nio-8080-exec-1] c.e.Svc - Failed', 'c.e.Svc - Failed'],
    ['2024-03-01T10:00:00.200Z\t3f1c0d8e-1111-4a2b-9c3d-0123456789ab\tERROR\tInvoke Error', 'Invoke Error'],
    ['[ERROR]\t2024-03-01T10:00:00.500Z\t5d5d5d5d-3333-4c2b-8c3d-0123456789ab\tUnhandled', 'Unhandled'],
    ['03-01 10:00:02.000  1234  1234 E AndroidRuntime: FATAL EXCEPTION: main', 'AndroidRuntime: FATAL EXCEPTION: main'],
    ['ERROR', 'ERROR'],
  ])('%j -> %j', (line, message) => {
    expect(messageOf(line)).toBe(message);
  });
});
