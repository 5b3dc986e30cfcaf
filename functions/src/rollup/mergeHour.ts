import type { S3Client } from '@aws-sdk/client-s3';
import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { createMerger } from './createMerger.js';
import type { Merger } from './createMerger.js';
import { fromSummary } from './fromSummary.js';
import { readS3Summaries } from './readS3Summaries.js';
import type { SeenGroups, SeenGroupsFilter } from './seenGroups.js';
import { seenGroupsFilter } from './seenGroups.js';
import { rollupKeys } from './rollupKeys.js';
import { sourcePrefix } from './sourcePrefix.js';
import { summaryHour } from './summaryHour.js';
import type { MergedSummary, RollupInput, RollupSettings } from './types.js';

/** One hour merged: every source, and each of the first `maxSources` source prefixes apart. */
export interface HourMerge {
  all: MergedSummary;
  inputs: RollupInput[];
  /** Every group id (and alias) the summaries listed. */
  seen: SeenGroups;
  sources: Map<string, { merged: MergedSummary; inputs: RollupInput[]; seen: SeenGroups }>;
}

/**
 * Merges the summaries indexed under an hour (`rollups/index/…/HH/`), read in key order with
 * `readConcurrency` GETs. A summary whose records now fall in another hour (its object was
 * rewritten) is left out. Memory: one merger and one 16 KiB seen-groups filter per source prefix
 * kept (at most `maxSources`), each bounded (see `createMerger`), plus the list of inputs.
 *
 * @example const { all, inputs } = await mergeHour({ s3, bucket, outputPrefix }, '2026-11-26T10', settings);
 */
export async function mergeHour(
  deps: { s3: S3Client; bucket: string; outputPrefix: string },
  hour: string,
  settings: RollupSettings,
  signal?: AbortSignal,
): Promise<HourMerge> {
  const keys = rollupKeys(deps.outputPrefix);
  const options = { keptGroups: settings.keptGroups, maxSources: settings.maxSources };
  const all = createMerger(options);
  const inputs: RollupInput[] = [];
  const seen = seenGroupsFilter();
  const sources = new Map<string, { merger: Merger; inputs: RollupInput[]; seen: SeenGroupsFilter }>();
  const summaryKeys = (async function* (): AsyncGenerator<string> {
    for await (const page of paginateListObjectsV2({ client: deps.s3 }, { Bucket: deps.bucket, Prefix: keys.index(hour) })) {
      signal?.throwIfAborted();
      for (const o of page.Contents ?? []) if (o.Key) yield keys.summaryOfIndex(o.Key, hour);
    }
  })();
  for await (const stored of readS3Summaries({ s3: deps.s3, bucket: deps.bucket, keys: summaryKeys, concurrency: settings.readConcurrency, ...(signal ? { signal } : {}) })) {
    if (summaryHour(stored.summary) !== hour) continue;
    const part = fromSummary(stored.summary, settings.sourceDepth);
    const input: RollupInput = { key: stored.key, ...(stored.etag ? { etag: stored.etag } : {}), status: stored.summary.status };
    all.add(part);
    inputs.push(input);
    const scope = sourcePrefix(stored.summary.source.key, settings.sourceDepth);
    let source = sources.get(scope);
    if (!source && sources.size < settings.maxSources) sources.set(scope, (source = { merger: createMerger(options), inputs: [], seen: seenGroupsFilter() }));
    source?.merger.add(part);
    source?.inputs.push(input);
    for (const g of part.groups) {
      for (const id of [g.groupId, ...(g.aliases ?? [])]) {
        seen.add(id);
        source?.seen.add(id);
      }
    }
  }
  return {
    all: all.result(),
    inputs,
    seen: seen.toJSON(),
    sources: new Map([...sources].map(([scope, s]) => [scope, { merged: s.merger.result(), inputs: s.inputs, seen: s.seen.toJSON() }])),
  };
}
