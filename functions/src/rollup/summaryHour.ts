import type { Summary } from '../pipeline/types.js';

/**
 * The UTC hour a summary belongs to, `YYYY-MM-DDTHH`: the hour of its first record, so a late
 * object lands with the records it holds; a summary without records, the hour it was processed.
 *
 * @example summaryHour(summary) // '2026-11-26T10'
 */
export function summaryHour(summary: Pick<Summary, 'time' | 'processing'>): string {
  const at = summary.time.first ?? summary.processing.startedAt;
  return new Date(at).toISOString().slice(0, 13);
}
