import { relative } from 'node:path';
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/** At most this many failures are named in the closing lines (the default output has them all). */
const NAMED_FAILURES = 20;

/** The first line of an error's message, cut to 300 characters. */
function firstLine(error: SerializedError | undefined): string {
  const line = (error?.message ?? 'no error recorded').split('\n', 1)[0]!;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/**
 * Ends the run with one plain line, `vitest: N passed, N failed, N skipped`, counted over every
 * test, so CI logs state the totals in a form any reader can parse. Each failed test (and each file
 * that failed to load, and each error outside a test) is named just above it, with the first line of
 * its error: a CI log that keeps only its tail still says what failed.
 */
export default class ClosingLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const named: string[] = [];
    for (const module of testModules) {
      const file = relative(process.cwd(), module.moduleId);
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') passed++;
        else if (result.state === 'failed') {
          failed++;
          named.push(`FAILED ${file} > ${test.fullName}: ${firstLine(result.errors?.[0])}`);
        } else skipped++;
      }
      // A file that failed to load has no tests to count, and is a failure all the same.
      if (module.state() === 'failed' && module.children.size === 0) {
        failed++;
        named.push(`FAILED ${file} (did not load): ${firstLine(module.errors()[0])}`);
      }
    }
    for (const error of unhandledErrors) named.push(`UNHANDLED ${error.name ?? 'Error'}: ${firstLine(error)}`);
    const shown = named.slice(0, NAMED_FAILURES);
    if (named.length > shown.length) shown.push(`… and ${named.length - shown.length} more (see above)`);
    const list = shown.length > 0 ? `\n${shown.join('\n')}` : '';
    process.stdout.write(`${list}\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
