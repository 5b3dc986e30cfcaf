import { jsonLines } from '../../../test/helpers/hostileInputs.js';
import type { HostileCase } from '../types.js';
import { writeOnce } from '../writeOnce.js';

/** `blocks` blocks of 1 000 JSON lines: 999 INFO and one `bad` ERROR line in the middle. */
function* ndjsonWith(bad: string, blocks: number): Generator<Buffer> {
  for (let b = 0; b < blocks; b++) {
    yield Buffer.from(`${jsonLines(500, 'info', `a${b}`)}${bad}\n${jsonLines(499, 'info', `b${b}`)}`);
  }
}

const DEEP_10K = JSON.stringify({ level: 'error', msg: 'deep' }).replace(/}$/, `,"d":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`);

export const cases: HostileCase[] = [
  {
    class: 'badLines', name: 'NDJSON, in each 1 000 lines one ERROR line with "timestamp":3e17',
    make: (dir) => writeOnce(dir, 'epoch-3e17-info.ndjson', () => ndjsonWith('{"level":"error","msg":"far future","timestamp":3e17}', 1_000)),
    expect: { status: 'complete', records: 1_000 },
  },
  {
    class: 'badLines', name: 'NDJSON, in each 1 000 lines one ERROR line nested 10 000 deep',
    make: (dir) => writeOnce(dir, 'deep-10k-info.ndjson', () => ndjsonWith(DEEP_10K, 1_000)),
    expect: { status: 'complete', records: 1_000 },
  },
  {
    class: 'badLines', name: 'NDJSON, in each 1 000 lines one ERROR line of invalid JSON',
    make: (dir) => writeOnce(dir, 'invalid-info.ndjson', () => ndjsonWith('{"level":"error","msg":"cut', 1_000)),
    expect: { status: 'complete', records: 1_000 },
  },
];
