import { DEFAULTS } from './constants.js';
import { detached } from './detached.js';
import { ParseOptionsError } from './errors.js';
import type { GroupRef, GroupRefState } from './TemplateGrouper.js';
import type { ErrorGroup, ErrorRecord, GroupSink } from './types.js';

/** Options of {@link ErrorGroups}. */
export interface ErrorGroupsOptions {
  /**
   * Counters of the heavy-hitters table (Space-Saving): any group with more than `total /
   * maxGroups` records is always among them. Each holds a template and one sample of at most
   * `maxRawBytes` + `maxMessageChars` (≈ 10 KB with the default rules): ≈ 2 MB at the default 200
   * (rules `keptGroups`). Samples and templates are copies, so they hold nothing else of the input alive.
   */
  maxGroups?: number;
  /**
   * Most ids listed as aliases over all groups (ids records carried before their cluster's template
   * changed, and ids of groups whose counter was taken over); the ones past it are counted in
   * `unlistedIds`. Default 10 000 (≈ 200 KB of summary JSON at most).
   */
  maxAliases?: number;
}

/** The table as JSON ({@link ErrorGroups.state}): counters in heap order, groups named by their grouper. */
export interface ErrorGroupsState {
  counters: Array<Omit<Counter, 'key' | 'ref' | 'at'> & { ref: GroupRefState }>;
  aliases: number;
  unlistedIds: number;
  total: number;
}

/** One counter of the table. */
interface Counter {
  key: string;
  /** The group as the last record met it: its template and id now. */
  ref: GroupRef;
  record: Pick<ErrorRecord, 'class' | 'level'>;
  count: number;
  /** Records counted here that may belong to groups whose counter this one took over. */
  error: number;
  firstSeen: ErrorGroup['firstSeen'];
  lastSeen: ErrorGroup['lastSeen'];
  sample: ErrorRecord;
  /** Ids the records of this group carried, in order (one per template change). */
  ids: string[];
  /** Ids of the groups whose counter this one took over, with their own aliases. */
  absorbed: string[];
  /** Position in the heap. */
  at: number;
}

/**
 * Accumulates records into groups with a bounded heavy-hitters table (Space-Saving, Metwally,
 * Agrawal and El Abbadi, "Efficient Computation of Frequent and Top-k Elements in Data Streams",
 * ICDT 2005): at most `maxGroups` counters; a record of a group without one takes over the counter
 * with the fewest records, whose count it inherits as its error. So any group with more than
 * `total / maxGroups` records is always tracked, and each count is at most `countError` above the
 * true one. Per record: one map lookup and a sift in a heap of `maxGroups` (O(log maxGroups)).
 *
 * A group is the key of its {@link GroupRef} (a learned cluster stays one group while its template
 * gains placeholders); `groups()` reports it under the id of its final template, with the earlier
 * ids its records carried, and the ids of the groups it took over, as `aliases`: every id a record
 * carried appears in the result (up to `maxAliases`).
 *
 * @example
 * const groups = new ErrorGroups({ maxGroups: 200 });
 * for await (const batch of records(lines, { source, groups })) write(batch);
 * summary.groups = groups.groups();
 */
export class ErrorGroups implements GroupSink {
  readonly #counters = new Map<string, Counter>();
  /** Min-heap on count: the counter to take over is at the top. */
  readonly #heap: Counter[] = [];
  readonly #maxGroups: number;
  readonly #maxAliases: number;
  #aliases = 0;
  /** Alias ids left out past `maxAliases`. */
  unlistedIds = 0;
  /** Records added. */
  total = 0;

  constructor(options: ErrorGroupsOptions = {}) {
    const max = options.maxGroups ?? DEFAULTS.keptGroups;
    if (!Number.isInteger(max) || max < 1) throw new ParseOptionsError('maxGroups', 'a positive integer', max);
    const aliases = options.maxAliases ?? 10_000;
    if (!Number.isInteger(aliases) || aliases < 0) throw new ParseOptionsError('maxAliases', 'a non-negative integer', aliases);
    this.#maxGroups = max;
    this.#maxAliases = aliases;
  }

  /** Adds one record, given the group it was given. */
  add(record: ErrorRecord, group: GroupRef): void {
    this.total++;
    const seen = { line: record.firstLine, timestamp: detached(record.timestamp), key: record.source.key };
    const counter = this.#counters.get(group.key);
    if (counter !== undefined) {
      counter.count++;
      counter.lastSeen = seen;
      counter.ref = group;
      if (record.groupId !== counter.ids[counter.ids.length - 1]) this.#noteId(counter, record.groupId);
      this.#down(counter.at);
      return;
    }
    let count = 1;
    let error = 0;
    let absorbed: string[] = [];
    if (this.#counters.size >= this.#maxGroups) {
      // Space-Saving: take over the smallest counter; its records stay counted here, as the error.
      const victim = this.#heap[0]!;
      this.#counters.delete(victim.key);
      count = victim.count + 1;
      error = victim.count;
      absorbed = victim.absorbed;
      for (const id of victim.ids) this.#pushAlias(absorbed, id);
      if (!victim.ids.includes(victim.ref.groupId)) this.#pushAlias(absorbed, victim.ref.groupId);
    }
    const made: Counter = {
      key: detached(group.key),
      ref: group,
      record: { class: record.class, level: record.level },
      count,
      error,
      firstSeen: seen,
      lastSeen: seen,
      // A copy, not a reference: the record's strings are slices of the decoded input, and a slice
      // keeps its whole parent (a region of up to 32 KiB) alive for as long as the group lives.
      sample: structuredClone(record),
      ids: [detached(record.groupId)],
      absorbed,
      at: 0,
    };
    this.#counters.set(made.key, made);
    if (error > 0) {
      made.at = 0;
      this.#heap[0] = made;
      this.#down(0);
    } else {
      made.at = this.#heap.length;
      this.#heap.push(made);
      this.#up(made.at);
    }
  }

  /** The table as JSON; `refState` names a counter's group (`TemplateGrouper.refState`). */
  state(refState: (ref: GroupRef) => GroupRefState): ErrorGroupsState {
    const counters = this.#heap.map(({ key: _key, ref, at: _at, ...rest }) => ({ ...rest, ref: refState(ref) }));
    return { counters, aliases: this.#aliases, unlistedIds: this.unlistedIds, total: this.total };
  }

  /**
   * A table that goes on where the one that gave `state` stopped (a resumed analysis); `ref`
   * resolves a group (`TemplateGrouper.ref` of the grouper restored with it).
   *
   * @example const again = ErrorGroups.fromState(groups.state((r) => grouper.refState(r)), (s) => grouper.ref(s));
   */
  static fromState(state: ErrorGroupsState, ref: (state: GroupRefState) => GroupRef, options: ErrorGroupsOptions = {}): ErrorGroups {
    const groups = new ErrorGroups(options);
    state.counters.forEach((c, at) => {
      const group = ref(c.ref);
      const counter: Counter = { ...c, key: group.key, ref: group, at };
      groups.#heap.push(counter);
      groups.#counters.set(counter.key, counter);
    });
    groups.#aliases = state.aliases;
    groups.unlistedIds = state.unlistedIds;
    groups.total = state.total;
    return groups;
  }

  /** Number of groups tracked (counters in use). */
  get size(): number {
    return this.#counters.size;
  }

  /**
   * Records the groups cannot name exactly: the sum of the errors, i.e. the records counted in a
   * group whose counter they may not belong to. 0 when no counter was ever taken over.
   */
  get ungrouped(): number {
    let n = 0;
    for (const c of this.#counters.values()) n += c.error;
    return n;
  }

  /**
   * Every tracked group under the id of its final template, by count (descending) then first
   * line. Counters whose templates ended up equal are one group (counts and errors added). Each id
   * is listed once, as a group's `groupId` or else as an alias of the first group that has it.
   */
  groups(): ErrorGroup[] {
    const byId = new Map<string, ErrorGroup>();
    const counters = [...this.#counters.values()].sort((a, b) => a.firstSeen.line - b.firstSeen.line);
    for (const c of counters) {
      const groupId = c.ref.groupId;
      const aliases = [...c.ids, ...c.absorbed];
      const known = byId.get(groupId);
      if (known !== undefined) {
        known.count += c.count;
        known.countError += c.error;
        if (c.lastSeen.line > known.lastSeen.line) known.lastSeen = c.lastSeen;
        known.aliases.push(...aliases);
        continue;
      }
      byId.set(groupId, {
        groupId,
        template: detached(c.ref.template),
        class: c.record.class,
        level: c.record.level,
        count: c.count,
        countError: c.error,
        firstSeen: c.firstSeen,
        lastSeen: c.lastSeen,
        sample: c.sample,
        aliases,
      });
    }
    const sorted = [...byId.values()].sort((a, b) => b.count - a.count || a.firstSeen.line - b.firstSeen.line);
    const listed = new Set(byId.keys());
    for (const g of sorted) {
      g.aliases = g.aliases.filter((id) => !listed.has(id) && (listed.add(id), true));
    }
    return sorted;
  }

  /** The `n` largest groups (default 20) of {@link groups}. */
  top(n: number = DEFAULTS.topGroups): ErrorGroup[] {
    if (!Number.isInteger(n) || n < 0) throw new ParseOptionsError('n', 'a non-negative integer', n);
    return this.groups().slice(0, n);
  }

  #noteId(counter: Counter, id: string): void {
    // A cluster's id changes only forward (its template only gains placeholders), so an id seen
    // before is rare: a cache hit on an older message. Kept once.
    if (!counter.ids.includes(id)) this.#pushAlias(counter.ids, id);
  }

  #pushAlias(list: string[], id: string): void {
    if (this.#aliases >= this.#maxAliases) {
      this.unlistedIds++;
      return;
    }
    this.#aliases++;
    list.push(detached(id));
  }

  #up(i: number): void {
    const heap = this.#heap;
    const item = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.count <= item.count) break;
      heap[i] = heap[parent]!;
      heap[i]!.at = i;
      i = parent;
    }
    heap[i] = item;
    item.at = i;
  }

  #down(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const item = heap[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && heap[right]!.count < heap[left]!.count ? right : left;
      if (heap[child]!.count >= item.count) break;
      heap[i] = heap[child]!;
      heap[i]!.at = i;
      i = child;
    }
    heap[i] = item;
    item.at = i;
  }
}
