import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SerializedError, TestModule } from 'vitest/node';
import ClosingLineReporter from '../../support/closingLineReporter.js';

type State = 'passed' | 'failed' | 'skipped';

/** The part of a vitest TestModule the reporter reads: its file, its tests and, when none loaded, its own errors. */
function module(file: string, tests: Array<{ name: string; state: State; message?: string }>, loadError?: string): TestModule {
  const cases = tests.map((t) => ({
    fullName: `suite > ${t.name}`,
    result: () => ({ state: t.state, errors: t.message === undefined ? [] : [{ message: t.message }] }),
  }));
  return {
    moduleId: path.join(process.cwd(), file),
    children: { size: cases.length, allTests: () => cases.values() },
    state: () => (loadError !== undefined || tests.some((t) => t.state === 'failed') ? 'failed' : 'passed'),
    errors: () => (loadError === undefined ? [] : [{ message: loadError }]),
  } as unknown as TestModule;
}

function printed(modules: TestModule[], unhandled: SerializedError[] = []): string {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    new ClosingLineReporter().onTestRunEnd(modules, unhandled);
    return write.mock.calls.map((c) => String(c[0])).join('');
  } finally {
    write.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('ClosingLineReporter', () => {
  it('ends with the totals, and names each failure above them with its first error line', () => {
    const out = printed([
      module('test/a.test.ts', [
        { name: 'works', state: 'passed' },
        { name: 'breaks', state: 'failed', message: 'expected 1 to be 2\n  at somewhere' },
        { name: 'later', state: 'skipped' },
      ]),
      module('test/b.test.ts', [], 'Cannot find module ./gone.js'),
    ], [{ name: 'TypeError', message: 'x is undefined' } as SerializedError]);
    expect(out.trimEnd().split('\n').slice(-4)).toEqual([
      'FAILED test/a.test.ts > suite > breaks: expected 1 to be 2',
      'FAILED test/b.test.ts (did not load): Cannot find module ./gone.js',
      'UNHANDLED TypeError: x is undefined',
      'vitest: 1 passed, 2 failed, 1 skipped',
    ]);
  });

  it('prints only the totals when nothing failed', () => {
    expect(printed([module('test/a.test.ts', [{ name: 'works', state: 'passed' }])])).toBe('\nvitest: 1 passed, 0 failed, 0 skipped\n');
  });

  it('names at most 20 failures, and says how many more there were', () => {
    const many = Array.from({ length: 23 }, (_, i) => ({ name: `case ${i}`, state: 'failed' as const, message: 'x'.repeat(400) }));
    const lines = printed([module('test/m.test.ts', many)]).trim().split('\n');
    expect(lines.filter((l) => l.startsWith('FAILED '))).toHaveLength(20);
    expect(lines.at(-2)).toBe('… and 3 more (see above)');
    expect(lines.at(-1)).toBe('vitest: 0 passed, 23 failed, 0 skipped');
    // An error line is cut to 300 characters.
    expect(lines[0]!.endsWith(`: ${'x'.repeat(300)}…`)).toBe(true);
  });
});
