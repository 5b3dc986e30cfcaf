import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import type { RenderedRow } from './faultTable.js';
import { renderFaultTable } from './faultTable.js';

/** Table order: the order (faults in transit, bad inputs, load); other files after them. */
const FILE_ORDER = ['transit.test.ts', 'badInputs.test.ts', 'load.test.ts'];

/** Where the table is also written, for CI to keep as an artifact (`out/` is git-ignored). */
export const FAULT_TABLE_FILE = 'out/faults/fault-table.md';

/**
 * Vitest reporter that prints the fault table (case, expected, observed, records lost) of every
 * test under test/faults/ once the run ends, and writes it to {@link FAULT_TABLE_FILE}.
 */
export default class FaultTableReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows: RenderedRow[] = [];
    const rank = (m: TestModule): number => {
      const i = FILE_ORDER.indexOf(path.basename(m.moduleId));
      return i === -1 ? FILE_ORDER.length : i;
    };
    const modules = [...testModules].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId));
    for (const module of modules) {
      if (!module.moduleId.includes(`${path.sep}faults${path.sep}`)) continue;
      for (const test of module.children.allTests()) {
        const result = test.result();
        // Filtered out (-t) or skipped: not a case of this run.
        if (result.state === 'skipped' || result.state === 'pending') continue;
        const failed = result.state === 'failed';
        const row = test.meta().fault;
        const firstError = result.errors?.[0]?.message?.split('\n')[0] ?? '';
        if (row) rows.push({ ...row, observed: failed && firstError ? `${row.observed} (${firstError})` : row.observed, failed });
        else rows.push({ case: test.name, expected: '(case recorded no row)', observed: failed ? firstError : result.state, lost: undefined, failed });
      }
    }
    if (rows.length === 0) return;
    const table = renderFaultTable(rows);
    const lost = rows.reduce((n, r) => n + (r.lost ?? 0), 0);
    const text = `\nFault and bad-input cases (${rows.length}; records lost in total: ${lost})\n\n${table}\n`;
    process.stdout.write(text);
    mkdirSync(path.dirname(FAULT_TABLE_FILE), { recursive: true });
    writeFileSync(FAULT_TABLE_FILE, text);
  }
}
