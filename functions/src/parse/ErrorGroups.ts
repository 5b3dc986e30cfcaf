import { DEFAULTS } from './constants.js';
import { detached } from './detached.js';
import { ParseOptionsError } from './errors.js';
import type { ErrorGroup, ErrorRecord } from './types.js';

/** Options of {@link ErrorGroups}. */
export interface ErrorGroupsOptions {
  /**
   * Most groups tracked; a record of a new group beyond it is counted in `untracked` only.
   * Holds at most maxGroups templates and samples, each sample at most `maxRawBytes` +
   * `maxMessageChars` (with the default rules ≈ 10 KB, so ≈ 50 MB at the default bound, far less
   * in practice since most samples are one line). Samples and templates are copies, so they hold
   * nothing else of the input alive. Default 5 000.
   */
  maxGroups?: number;
}

/**
 * Accumulates records into groups by `groupId`: count, first and last seen (line, time, key) and
 * the first record as sample. Feed it every record (the `records` stage does when given one) and
 * read `top(n)` for the summary.
 *
 * @example
 * const groups = new ErrorGroups();
 * for await (const batch of records(lines, { source, groups })) write(batch);
 * summary.topGroups = groups.top(20);
 */
export class ErrorGroups {
  readonly #groups = new Map<string, ErrorGroup>();
  readonly #maxGroups: number;
  /** Records whose group could not be tracked because `maxGroups` was reached. */
  untracked = 0;
  /** Records added. */
  total = 0;

  constructor(options: ErrorGroupsOptions = {}) {
    const max = options.maxGroups ?? 5_000;
    if (!Number.isInteger(max) || max < 1) throw new ParseOptionsError('maxGroups', 'a positive integer', max);
    this.#maxGroups = max;
  }

  /** Adds one record, given the masked template its groupId was computed from. */
  add(record: ErrorRecord, template: string): void {
    this.total++;
    const seen = { line: record.firstLine, timestamp: detached(record.timestamp), key: record.source.key };
    const group = this.#groups.get(record.groupId);
    if (group) {
      group.count++;
      group.lastSeen = seen;
      return;
    }
    if (this.#groups.size >= this.#maxGroups) {
      this.untracked++;
      return;
    }
    // Copies, not references: the record's strings are slices of the decoded input, and a slice keeps
    // its whole parent (a region of up to 32 KiB) alive for as long as the group lives.
    this.#groups.set(record.groupId, {
      groupId: record.groupId,
      template: structuredClone(template),
      class: record.class,
      level: record.level,
      count: 1,
      firstSeen: seen,
      lastSeen: seen,
      sample: structuredClone(record),
    });
  }

  /** Number of distinct groups tracked. */
  get size(): number {
    return this.#groups.size;
  }

  /** The `n` largest groups (default 20), by count then by first appearance. */
  top(n: number = DEFAULTS.topGroups): ErrorGroup[] {
    if (!Number.isInteger(n) || n < 0) throw new ParseOptionsError('n', 'a non-negative integer', n);
    return [...this.#groups.values()]
      .sort((a, b) => b.count - a.count || a.firstSeen.line - b.firstSeen.line)
      .slice(0, n);
  }

  /** Every group, in first-seen order. */
  all(): ErrorGroup[] {
    return [...this.#groups.values()];
  }
}

