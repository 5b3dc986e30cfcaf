import { jsonLines } from '../../../test/helpers/hostileInputs.js';
import type { HostileCase } from '../types.js';
import { writeOnce } from '../writeOnce.js';

/** `blocks` blocks of 1 000 JSON error lines, each block holding one `bad` line in the middle. */
function* ndjsonWith(bad: string, blocks: number): Generator<Buffer> {
  for (let b = 0; b < blocks; b++) {
    yield Buffer.from(`${jsonLines(500, 'error', `a${b}`)}${bad}\n${jsonLines(499, 'error', `b${b}`)}`);
  }
}

const DEEP_10K = JSON.stringify({ level: 'error', msg: 'deep' }).replace(/}$/, `,"d":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`);

export const cases: HostileCase[] = [
  {
    class: 'badLines', name: 'NDJSON, one error line in 1 000 with "timestamp":3e17',
    make: (dir) => writeOnce(dir, 'epoch-3e17.ndjson', () => ndjsonWith('{"level":"error","msg":"far future","timestamp":3e17}', 200)),
    expect: { status: 'complete', records: 200_000 },
  },
  {
    class: 'badLines', name: 'NDJSON, one error line in 1 000 nested 10 000 deep',
    make: (dir) => writeOnce(dir, 'deep-10k.ndjson', () => ndjsonWith(DEEP_10K, 200)),
    expect: { status: 'complete', records: 200_000 },
  },
  {
    class: 'badLines', name: 'NDJSON, one line in 1 000 invalid JSON',
    make: (dir) => writeOnce(dir, 'invalid.ndjson', () => ndjsonWith('{"level":"error","msg":"cut', 200)),
    expect: { status: 'complete', records: 200_000 },
  },
];
