import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOSTILE_LINES } from '../../../dev/local/hostileLines.js';

const PROBE = path.join(import.meta.dirname, 'support', 'hostileProbe.ts');
const MiB = 1024 * 1024;
/**
 * Generous on purpose: a linear pattern reads a 1 MiB line in milliseconds, and every case here takes
 * well under a second even on a busy machine; the quadratic pre-check this guards against took 74 s
 * for 200 lines of 16 KiB, and did not finish one line of 1 MiB in 120 s.
 */
const CASE_LIMIT_MS = 15_000;
const RUN_LIMIT_MS = 300_000;

interface ProbeRun {
  cases: Array<{ case: string; ms: number }>;
  /** The case started and never finished, when the run was stopped. */
  unfinished: string | undefined;
  finished: boolean;
  stderr: string;
}

/** Runs the probe in a child process that is killed at `RUN_LIMIT_MS` (a hung regex ignores SIGTERM). */
function probe(bytes: number): Promise<ProbeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', PROBE, String(bytes)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
    child.once('error', reject);
    child.once('close', () => {
      clearTimeout(timer);
      const cases: ProbeRun['cases'] = [];
      let unfinished: string | undefined;
      for (const line of stdout.split('\n')) {
        if (line.startsWith('start ')) unfinished = line.slice(6);
        else if (line.startsWith('{')) {
          cases.push(JSON.parse(line) as { case: string; ms: number });
          unfinished = undefined;
        }
      }
      resolve({ cases, unfinished, finished: stdout.endsWith('done\n'), stderr });
    });
  });
}

describe('built-in and user patterns on hostile lines', () => {
  it('read a 1 MiB line of each hostile kind in linear time, through detection, every parser, the redactor, the user patterns and grouping', async () => {
    const run = await probe(MiB);
    expect(run.unfinished, `stopped after ${RUN_LIMIT_MS} ms inside this case`).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.finished).toBe(true);
    // Every hostile line was run through detection, nine parsers and the error patterns.
    expect(run.cases).toHaveLength(HOSTILE_LINES.length * 11);
    const slow = run.cases.filter((c) => c.ms > CASE_LIMIT_MS);
    expect(slow).toEqual([]);
  }, RUN_LIMIT_MS + 10_000);
});
