import type { LineStats } from './types.js';

/**
 * Fresh, zeroed counters for the line stage.
 *
 * @example
 * const stats = createLineStats();
 * for await (const line of lines(bytes, { stats })) handle(line);
 * console.log(stats.lines, stats.truncatedLines);
 */
export function createLineStats(): LineStats {
  return { lines: 0, bytes: 0, truncatedLines: 0, skippedLines: 0, invalidUtf8Lines: 0 };
}
