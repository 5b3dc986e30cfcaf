import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { BackfillObject, BackfillOutput, BackfillSkips, BackfillSource } from './types.js';

/** Options of {@link listSourceObjects}. */
export interface ListSourceObjectsOptions {
  s3: S3Client;
  source: BackfillSource;
  /** Keys under `output.prefix` of `output.bucket` are never listed as inputs. */
  output: BackfillOutput;
  /** Filled in while the listing runs: keys left out, by reason. */
  skipped: BackfillSkips;
  /** Called once per listing page with the keys listed so far. */
  onPage?: (listed: number) => void;
  signal?: AbortSignal;
}

/**
 * The objects under `source.prefix`, every page of ListObjectsV2 (1 000 keys a page), in key
 * order, that pass the filters: a suffix of `source.suffixes` (any when empty), LastModified in
 * [`since`, `until`), not under the output prefix, not a zero-byte folder marker. What is left out
 * is counted in `skipped`. Holds one listing page at a time.
 *
 * @example for await (const o of listSourceObjects({ s3, source, output, skipped })) console.log(o.key);
 */
export async function* listSourceObjects(options: ListSourceObjectsOptions): AsyncGenerator<BackfillObject> {
  const { s3, source, output, skipped, signal } = options;
  const since = source.since === undefined ? -Infinity : Date.parse(source.since);
  const until = source.until === undefined ? Infinity : Date.parse(source.until);
  const outputPrefix = source.bucket === output.bucket ? output.prefix : undefined;
  let listed = 0;
  const pages = paginateListObjectsV2({ client: s3, pageSize: 1000 }, { Bucket: source.bucket, Prefix: source.prefix || undefined });
  for await (const page of pages) {
    signal?.throwIfAborted();
    for (const object of page.Contents ?? []) {
      listed++;
      const key = object.Key;
      if (key === undefined) continue;
      const size = object.Size ?? 0;
      if (outputPrefix !== undefined && (outputPrefix === '' || key.startsWith(outputPrefix))) skipped.outputPrefix++;
      else if (size === 0 && key.endsWith('/')) skipped.folders++;
      else if (source.suffixes.length > 0 && !source.suffixes.some((s) => key.endsWith(s))) skipped.suffix++;
      else if (!inRange(object.LastModified, since, until)) skipped.modified++;
      else yield { key, size };
    }
    options.onPage?.(listed);
  }
}

function inRange(lastModified: Date | undefined, since: number, until: number): boolean {
  if (lastModified === undefined) return since === -Infinity && until === Infinity;
  const t = lastModified.getTime();
  return t >= since && t < until;
}
