import { ParseOptionsError } from './errors.js';
import { hash64 } from './groupKey.js';
import { VARIABLE } from './maskVariables.js';

/** Options of {@link TemplateMiner}: one configuration for every log. */
export interface TemplateMinerOptions {
  /**
   * Levels of the prefix tree, as in Drain: the token count, then `depth - 2` leading tokens,
   * then the clusters. Default 4 (two leading tokens).
   */
  depth?: number;
  /** Share of positions a message must have equal to a cluster's template to join it, 0 to 1. Default 0.5. */
  similarity?: number;
  /** Children of one tree node; tokens beyond it go under `<*>`. Default 100. */
  maxChildren?: number;
  /**
   * Most clusters; once reached, a message that fits none is left unclustered (the caller groups it
   * by its masked text alone) and counted in `unclustered`. Each cluster holds its template's
   * tokens (≤ 512 characters of masked text), so ≈ 1 KB each: ≈ 10 MB at the default 10 000.
   */
  maxClusters?: number;
}

/**
 * One learned template: the tokens of the masked messages that joined it, with `<*>` wherever they
 * differed. Its `template` only gains placeholders, so its `groupId` (a 64-bit hash of class and
 * template, as {@link groupKey} computes it) changes at most once per token.
 */
export class TemplateCluster {
  /** Creation order in its miner: 0, 1, 2… */
  readonly index: number;
  readonly cls: string;
  /** Messages that joined it. */
  count = 0;
  #tokens: string[];
  #template: string | undefined;
  #groupId: string | undefined;

  constructor(index: number, cls: string, tokens: string[]) {
    this.index = index;
    this.cls = cls;
    this.#tokens = tokens;
  }

  get tokens(): readonly string[] {
    return this.#tokens;
  }

  /** The template now: tokens joined by one space. */
  get template(): string {
    return (this.#template ??= this.#tokens.join(' '));
  }

  /** 16 hex digits: hash of class and the template now. */
  get groupId(): string {
    return (this.#groupId ??= hash64(`${this.cls}\u0000${this.template}`));
  }

  /** Makes position `at` a placeholder. */
  wildcard(at: number): void {
    if (this.#tokens[at] === VARIABLE) return;
    this.#tokens[at] = VARIABLE;
    this.#template = undefined;
    this.#groupId = undefined;
  }

  /** Replaces with `<*>` each position where `tokens` differs; true when the template changed. */
  generalize(tokens: readonly string[]): boolean {
    let changed = false;
    const own = this.#tokens;
    for (let i = 0; i < own.length; i++) {
      if (own[i] !== VARIABLE && own[i] !== tokens[i]) {
        own[i] = VARIABLE;
        changed = true;
      }
    }
    if (changed) {
      this.#template = undefined;
      this.#groupId = undefined;
    }
    return changed;
  }
}

type TreeNode = Map<string, TreeNode | TemplateCluster[]>;

/** A prefix tree node as JSON: its entries in order; a leaf list (key `''`) holds cluster indexes. */
export type TreeNodeState = Array<[string, TreeNodeState | number[]]>;

/** A miner as JSON ({@link TemplateMiner.state}): clusters in creation order, the tree, the counter. */
export interface TemplateMinerState {
  clusters: Array<[cls: string, tokens: string[], count: number]>;
  tree: TreeNodeState;
  unclustered: number;
}

/** Distinct clusters that must differ in one position only for that position to be a variable. */
const FAMILY_SIZE = 5;
/** Longest template, in tokens, that {@link TemplateMiner.mergeFamilies} looks at. */
const FAMILY_MAX_TOKENS = 64;
/** Constant words by convention, never merged into a variable: HTTP methods. */
const CONSTANT_WORD = /^(?:GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|CONNECT|TRACE)$/;

/**
 * The learned step on top of masking: a streaming, Drain-style clustering of masked messages
 * (He et al., "Drain: An Online Log Parsing Approach with Fixed Depth Tree", ICWS 2017). A message
 * is split on spaces; a fixed-depth prefix tree keyed by class and token count, then by the first
 * `depth - 2` tokens that are not placeholders (a placeholder carries no information about the
 * statement, and skipping it keeps "<*> Instance spawned" and "<*> Instance destroyed" apart),
 * leads to a short list of clusters. The message joins the most similar one (the share of
 * positions equal, a placeholder in the template matching anything) when that share reaches
 * `similarity`, and the positions that differ become `<*>`; otherwise it starts a new cluster.
 *
 * Deterministic: the same messages in the same order give the same clusters (ties go to the
 * cluster made first). Bounded: at most `maxClusters` clusters, then unmatched messages are counted
 * in `unclustered` and `match` returns null.
 *
 * @example
 * const miner = new TemplateMiner();
 * miner.match('Failed password for root from <*> port <*>', 'level');
 * miner.match('Failed password for guest from <*> port <*>', 'level')!.template
 * // 'Failed password for <*> from <*> port <*>'
 */
export class TemplateMiner {
  readonly #root: TreeNode = new Map();
  readonly #all: TemplateCluster[] = [];
  readonly #depth: number;
  readonly #similarity: number;
  readonly #maxChildren: number;
  readonly #maxClusters: number;
  #clusters = 0;
  /** Messages that fitted no cluster after `maxClusters` was reached. */
  unclustered = 0;

  constructor(options: TemplateMinerOptions = {}) {
    this.#depth = option(options.depth, 'depth', 4, 3, 16);
    this.#maxChildren = option(options.maxChildren, 'maxChildren', 100, 1, 1e6);
    this.#maxClusters = option(options.maxClusters, 'maxClusters', 10_000, 1, 1e7);
    const sim = options.similarity ?? 0.5;
    if (typeof sim !== 'number' || !(sim >= 0 && sim <= 1)) throw new ParseOptionsError('similarity', 'a number from 0 to 1', sim);
    this.#similarity = sim;
  }

  /** Everything the miner learned, as JSON: {@link TemplateMiner.fromState} makes the same miner again. */
  state(): TemplateMinerState {
    const tree = (node: TreeNode): TreeNodeState =>
      [...node].map(([k, v]) => [k, v instanceof Map ? tree(v) : v.map((c) => c.index)]);
    return { clusters: this.#all.map((c) => [c.cls, [...c.tokens], c.count]), tree: tree(this.#root), unclustered: this.unclustered };
  }

  /**
   * A miner that goes on where the one that gave `state` stopped (a resumed analysis).
   *
   * @example const again = TemplateMiner.fromState(JSON.parse(JSON.stringify(miner.state())));
   */
  static fromState(state: TemplateMinerState, options: TemplateMinerOptions = {}): TemplateMiner {
    const miner = new TemplateMiner(options);
    for (const [cls, tokens, count] of state.clusters) {
      const cluster = new TemplateCluster(miner.#all.length, cls, [...tokens]);
      cluster.count = count;
      miner.#all.push(cluster);
    }
    miner.#clusters = miner.#all.length;
    const build = (entries: TreeNodeState, node: TreeNode): void => {
      for (const [k, v] of entries) {
        if (k === '') node.set(k, (v as number[]).map((i) => miner.#all[i]!));
        else node.set(k, new Map());
        if (k !== '') build(v as TreeNodeState, node.get(k) as TreeNode);
      }
    };
    build(state.tree, miner.#root);
    miner.unclustered = state.unclustered;
    return miner;
  }

  /** The cluster made `index`-th. */
  cluster(index: number): TemplateCluster | undefined {
    return this.#all[index];
  }

  /** Clusters made so far. */
  get size(): number {
    return this.#clusters;
  }

  /** The cluster a masked message joins (made or generalised as needed), or null past the bound. */
  match(masked: string, cls: string): TemplateCluster | null {
    const tokens = masked === '' ? [] : masked.split(' ');
    const leaf = this.#leaf(tokens, cls);
    let best: TemplateCluster | undefined;
    let bestScore = -1;
    for (const cluster of leaf) {
      const score = similarity(cluster.tokens, tokens);
      if (score > bestScore) {
        best = cluster;
        bestScore = score;
      }
    }
    if (best !== undefined && bestScore >= this.#similarity) {
      best.generalize(tokens);
      best.count++;
      return best;
    }
    if (this.#clusters >= this.#maxClusters) {
      this.unclustered++;
      return null;
    }
    const made = new TemplateCluster(this.#clusters++, cls, tokens);
    made.count = 1;
    leaf.push(made);
    this.#all.push(made);
    return made;
  }

  /**
   * The end-of-stream step: clusters of one class and length that are equal but for one position,
   * and that are at least 5 (`FAMILY_SIZE`) with 5 distinct words there, get `<*>` at that position,
   * so that they end with one template (and one group id). The prefix tree cannot see this when the
   * varying word is one of its leading tokens ("Cache green evicted <*>", "Cache west evicted <*>"…);
   * two to four alternatives ("VM Started", "VM Stopped") are taken for constant words and kept
   * apart, and HTTP methods always are. Deterministic; O(clusters × tokens), once.
   */
  mergeFamilies(): number {
    const families = new Map<string, TemplateCluster[]>();
    for (const cluster of this.#all) {
      const tokens = cluster.tokens;
      if (tokens.length < 2 || tokens.length > FAMILY_MAX_TOKENS) continue;
      for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i]!;
        if (t === VARIABLE || CONSTANT_WORD.test(t)) continue;
        const key = `${cluster.cls}\u0000${i}\u0000${tokens.slice(0, i).join(' ')}\u0000${tokens.slice(i + 1).join(' ')}`;
        const family = families.get(key);
        if (family === undefined) families.set(key, [cluster]);
        else family.push(cluster);
      }
    }
    let merged = 0;
    const changes: Array<[TemplateCluster, number]> = [];
    for (const [key, family] of families) {
      if (family.length < FAMILY_SIZE) continue;
      const at = Number(key.slice(key.indexOf('\u0000') + 1, key.indexOf('\u0000', key.indexOf('\u0000') + 1)));
      for (const cluster of family) changes.push([cluster, at]);
      merged += family.length;
    }
    for (const [cluster, at] of changes) cluster.wildcard(at);
    return merged;
  }

  /** The cluster list at the end of the message's path, made on the way when missing. */
  #leaf(tokens: readonly string[], cls: string): TemplateCluster[] {
    const top = `${cls}\u0000${tokens.length}`;
    let node = this.#root.get(top) as TreeNode | undefined;
    if (node === undefined) this.#root.set(top, (node = new Map()));
    let level = 0;
    for (let i = 0; i < tokens.length && level < this.#depth - 2; i++) {
      const token = tokens[i]!;
      if (token === VARIABLE) continue;
      level++;
      let next = node.get(token) as TreeNode | undefined;
      if (next === undefined) {
        // A full node sends new tokens under the placeholder, as Drain does.
        const key = node.size >= this.#maxChildren ? VARIABLE : token;
        next = node.get(key) as TreeNode | undefined;
        if (next === undefined) node.set(key, (next = new Map()));
      }
      node = next;
    }
    let leaf = node.get('') as TemplateCluster[] | undefined;
    if (leaf === undefined) node.set('', (leaf = []));
    return leaf;
  }
}

/** Share of positions where the template has a placeholder or the same token. */
function similarity(template: readonly string[], tokens: readonly string[]): number {
  if (tokens.length === 0) return 1;
  let same = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = template[i];
    if (t === VARIABLE || t === tokens[i]) same++;
  }
  return same / tokens.length;
}

function option(value: number | undefined, name: string, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw new ParseOptionsError(name, `an integer from ${min} to ${max}`, v);
  return v;
}
