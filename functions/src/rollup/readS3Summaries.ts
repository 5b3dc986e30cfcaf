import { setMaxListeners } from 'node:events';
import type { S3Client } from '@aws-sdk/client-s3';
import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import type { Summary } from '../pipeline/types.js';
import { mapConcurrent } from '../stream/mapConcurrent.js';
import { ROLLUP_DEFAULTS } from './constants.js';
import { getJson } from './getJson.js';

/** A stored summary, with its key and the ETag it was read at. */
export interface StoredSummary {
  key: string;
  etag: string | undefined;
  summary: Summary;
}

/** Options of {@link readS3Summaries}. */
export interface ReadS3SummariesOptions {
  s3: S3Client;
  bucket: string;
  /** Keys to read, in order; or a prefix to list (every `.json` under it, rollups excepted). */
  keys: AsyncIterable<string> | Iterable<string> | { prefix: string };
  /** GETs in flight; holds at most this many parsed summaries not yet consumed. Default 16. */
  concurrency?: number;
  signal?: AbortSignal;
}

/**
 * Reads summaries from S3 in key order, `concurrency` GETs at a time (default 16). A key that is
 * gone by the time it is read (NoSuchKey) is left out; a body that is not JSON fails with
 * RollupInputError; a JSON document that is not a summary is left out.
 *
 * @example for await (const s of readS3Summaries({ s3, bucket, keys: { prefix: 'logsieve/summaries/' } })) merger.add(fromSummary(s.summary));
 */
export async function* readS3Summaries(options: ReadS3SummariesOptions): AsyncGenerator<StoredSummary> {
  const { s3, bucket, signal } = options;
  const keys = 'prefix' in options.keys ? listJsonKeys(s3, bucket, options.keys.prefix, signal) : options.keys;
  const read = mapConcurrent(
    keys,
    async (key, _i, aborted): Promise<StoredSummary | undefined> => {
      // Every worker's request listens on the one signal mapConcurrent shares.
      setMaxListeners(0, aborted);
      const found = await getJson<Summary>(s3, bucket, key, aborted);
      if (found?.doc?.schema !== 'logsieve.summary/1') return undefined;
      return { key, etag: found.etag?.replaceAll('"', ''), summary: found.doc };
    },
    { concurrency: options.concurrency ?? ROLLUP_DEFAULTS.readConcurrency, ...(signal ? { signal } : {}) },
  );
  for await (const stored of read) if (stored) yield stored;
}

async function* listJsonKeys(s3: S3Client, bucket: string, prefix: string, signal: AbortSignal | undefined): AsyncGenerator<string> {
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    signal?.throwIfAborted();
    for (const o of page.Contents ?? []) {
      // Rollups sit next to the summaries (`<prefix>rollups/`): not inputs.
      if (o.Key?.endsWith('.json') && !o.Key.slice(prefix.length).startsWith('rollups/')) yield o.Key;
    }
  }
}
