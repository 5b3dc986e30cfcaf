import { albLine } from '../../../test/helpers/hostileInputs.js';
import type { HostileCase } from '../types.js';
import { writeOnce } from '../writeOnce.js';

export const cases: HostileCase[] = [
  {
    class: 'wrongAnswers', name: 'JSON, nested "level" before the top-level one, 400k lines (1 in 20 an error)',
    make: (dir) => writeOnce(dir, 'nested-level-mixed.ndjson', function* () {
      for (let b = 0; b < 400; b++) {
        const lines: string[] = [];
        for (let i = 0; i < 1_000; i++) {
          lines.push(i % 20 === 0
            ? JSON.stringify({ ctx: { level: 'info', user: i }, level: 'error', msg: `real error ${i}` })
            : JSON.stringify({ ctx: { level: 'error', user: i }, level: 'info', msg: `only info ${i}` }));
        }
        yield Buffer.from(`${lines.join('\n')}\n`);
      }
    }),
    expect: { status: 'complete', records: 20_000 },
  },
  {
    class: 'wrongAnswers', name: 'ALB, one line in 3 with a missing field, 300k lines',
    make: (dir) => writeOnce(dir, 'elasticloadbalancing-missing-field.log', function* () {
      for (let b = 0; b < 300; b++) {
        const lines: string[] = [];
        for (let i = 0; i < 1_000; i++) lines.push(i % 3 === 2 ? albLine(200, i, 3) : albLine(i % 2 === 0 ? 502 : 200, i));
        yield Buffer.from(`${lines.join('\n')}\n`);
      }
    }),
    // Per block of 1 000: 667 whole lines, of which 333 (even i, not ≡ 2 mod 6) are 502s.
    expect: { status: 'complete', records: 300 * 333 },
  },
];
