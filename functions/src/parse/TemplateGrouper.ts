import { detached } from './detached.js';
import { hash64 } from './groupKey.js';
import { maskPrepared, prepareMask } from './maskVariables.js';
import type { TemplateMinerOptions, TemplateMinerState } from './TemplateMiner.js';
import { TemplateMiner } from './TemplateMiner.js';

/** Entries of the message → group cache; it is cleared when full. */
const CACHE_SIZE = 4_096;

/**
 * A group as a record meets it: `key` names it for the whole object (a learned cluster keeps its
 * key while its template gains placeholders), `groupId` and `template` are what they are now.
 */
export interface GroupRef {
  readonly key: string;
  readonly groupId: string;
  readonly template: string;
  /** True for a learned cluster, whose template may still change. */
  readonly learned: boolean;
}

/** A group whose template is fixed: a structured format's template, or a message past the cluster bound. */
class FixedGroup implements GroupRef {
  readonly cls: string;
  readonly key: string;
  readonly groupId: string;
  readonly template: string;
  readonly learned = false;
  /** Grouped by masked text because the miner's cluster bound was reached. */
  readonly pastBound: boolean;
  constructor(cls: string, template: string, pastBound = false) {
    this.cls = cls;
    this.pastBound = pastBound;
    this.template = template;
    this.groupId = hash64(`${cls}\u0000${template}`);
    this.key = `t${this.groupId}`;
  }
}

/** A group as JSON: a learned cluster's index, or a fixed group's class, template and whether it is past the bound. */
export type GroupRefState = number | [cls: string, template: string, pastBound: boolean];

/** A grouper as JSON ({@link TemplateGrouper.state}). */
export interface TemplateGrouperState {
  miner: TemplateMinerState;
  /** The message → group cache: which messages skip the miner decides its learning. */
  cache: Array<[string, GroupRefState]>;
  unclustered: number;
}

/** A learned cluster seen as a {@link GroupRef}. */
class ClusterGroup implements GroupRef {
  readonly index: number;
  readonly key: string;
  readonly learned = true;
  readonly #cluster: { readonly groupId: string; readonly template: string };
  constructor(index: number, cluster: { readonly groupId: string; readonly template: string }) {
    this.index = index;
    this.key = `c${index}`;
    this.#cluster = cluster;
  }
  get groupId(): string {
    return this.#cluster.groupId;
  }
  get template(): string {
    return this.#cluster.template;
  }
}

/**
 * Masking, then the learned step: gives each message its group. A message is masked
 * ({@link maskVariables}), then clustered by a {@link TemplateMiner} with one configuration for
 * every log; a structured format's own template (access logs) is used as it is, and a message past
 * the miner's cluster bound is grouped by its masked text alone (counted in `unclustered`).
 * Messages equal after {@link prepareMask} are looked up in a cache of 4 096 entries (cleared when
 * full), so a message of a statement seen before costs one pass over its tokens and a map lookup. Holds the miner's clusters plus the cache.
 *
 * @example
 * const grouper = new TemplateGrouper();
 * grouper.group('Failed password for root from 10.0.0.1 port 22 ssh2', 'level').template;
 */
export class TemplateGrouper {
  readonly miner: TemplateMiner;
  readonly #cache = new Map<string, GroupRef>();
  readonly #clusterRefs: ClusterGroup[] = [];

  constructor(options: TemplateMinerOptions = {}, miner?: TemplateMiner) {
    this.miner = miner ?? new TemplateMiner(options);
  }

  /** Everything that decides the groups of later messages, as JSON (clusters, tree, cache). */
  state(): TemplateGrouperState {
    return { miner: this.miner.state(), cache: [...this.#cache].map(([k, ref]) => [k, this.refState(ref)]), unclustered: this.unclustered };
  }

  /**
   * A grouper that goes on where the one that gave `state` stopped (a resumed analysis).
   *
   * @example const again = TemplateGrouper.fromState(JSON.parse(JSON.stringify(grouper.state())));
   */
  static fromState(state: TemplateGrouperState, options: TemplateMinerOptions = {}): TemplateGrouper {
    const grouper = new TemplateGrouper(options, TemplateMiner.fromState(state.miner, options));
    for (const [k, ref] of state.cache) grouper.#cache.set(k, grouper.ref(ref));
    grouper.unclustered = state.unclustered;
    return grouper;
  }

  /** A group given by this grouper, as JSON. */
  refState(ref: GroupRef): GroupRefState {
    if (ref instanceof ClusterGroup) return ref.index;
    const fixed = ref as FixedGroup;
    return [fixed.cls, fixed.template, fixed.pastBound];
  }

  /** The group a {@link refState} names (a learned cluster's is the live one: its template goes on changing). */
  ref(state: GroupRefState): GroupRef {
    if (typeof state !== 'number') return new FixedGroup(state[0], state[1], state[2]);
    const cluster = this.miner.cluster(state);
    if (cluster === undefined) throw new RangeError(`no cluster ${state} in the grouper's state`);
    return (this.#clusterRefs[state] ??= new ClusterGroup(state, cluster));
  }

  /** Messages grouped by masked text alone because the cluster bound was reached. */
  unclustered = 0;

  /**
   * Ends the stream: merges families of clusters that differ in one word only
   * ({@link TemplateMiner.mergeFamilies}). Call once, after the last message and before reading
   * final templates; a message grouped after it still gets a group.
   */
  finish(): void {
    this.miner.mergeFamilies();
  }

  /** The group of one message of class `cls`; `template` is a structured format's own template. */
  group(message: string, cls: string, template?: string): GroupRef {
    // Keyed on the prepared message (digits, ids and paths in plain tokens already `<*>`), so that
    // the messages of one statement share an entry whatever their values.
    const prepared = template === undefined ? prepareMask(message) : template;
    const cacheKey = `${cls}${template === undefined ? '\u0000' : '\u0001'}${prepared}`;
    let ref = this.#cache.get(cacheKey);
    if (ref !== undefined) {
      if (ref instanceof FixedGroup && ref.pastBound) this.unclustered++;
      return ref;
    }
    if (template !== undefined) {
      ref = new FixedGroup(cls, detached(template));
    } else {
      const masked = maskPrepared(prepared);
      const cluster = this.miner.match(masked, cls);
      if (cluster === null) {
        ref = new FixedGroup(cls, detached(masked), true);
        this.unclustered++;
      }
      else ref = this.#clusterRefs[cluster.index] ??= new ClusterGroup(cluster.index, cluster);
    }
    // Bounded: a log whose messages never repeat would otherwise grow it without end.
    if (this.#cache.size >= CACHE_SIZE) this.#cache.clear();
    // A copy: the message is a view of the decoded input, and as a key it would hold its region alive.
    this.#cache.set(detached(cacheKey), ref);
    return ref;
  }
}
