import type {} from '@vitest/runner';

/** One line of the fault table: what a case expected, what it saw, and how many records it lost. */
export interface FaultRow {
  case: string;
  expected: string;
  observed: string;
  /**
   * Expected error records the test generated minus records found in the written error part
   * (lines instead of records for line-count cases). Computed by the test, never a constant.
   */
  lost: number;
}

declare module '@vitest/runner' {
  interface TaskMeta {
    /** Set by a fault case before it asserts, so the table shows what it saw even when it fails. */
    fault?: FaultRow;
  }
}

/** The header and column order `npm run test:faults` prints. */
export const FAULT_TABLE_COLUMNS = ['case', 'expected', 'observed', 'records lost'] as const;

/** A row as the reporter renders it: the case's own row, or a stand-in for a case that failed before recording one. */
export interface RenderedRow extends Omit<FaultRow, 'lost'> {
  lost: number | undefined;
  failed: boolean;
}

/**
 * Renders rows as a Markdown table (readable in a terminal, and as a CI artifact). A failed case
 * is marked in `observed`; a case that recorded no count shows `?` as records lost.
 *
 * @example renderFaultTable([{ case: 'cut once', expected: '…', observed: '…', lost: 0, failed: false }])
 */
export function renderFaultTable(rows: readonly RenderedRow[]): string {
  const cells = rows.map((r) => [r.case, r.expected, r.failed ? `FAILED: ${r.observed}` : r.observed, r.lost === undefined ? '?' : String(r.lost)]);
  const all = [[...FAULT_TABLE_COLUMNS], ...cells].map((row) => row.map((c) => c.replaceAll('|', '\\|').replaceAll('\n', ' ')));
  const widths = FAULT_TABLE_COLUMNS.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  const line = (row: string[]): string => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const [header, ...body] = all;
  return [line(header!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
