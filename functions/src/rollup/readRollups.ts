import { setMaxListeners } from 'node:events';
import type { S3Client } from '@aws-sdk/client-s3';
import { mapConcurrent } from '../stream/mapConcurrent.js';
import { ROLLUP_SCHEMA } from './constants.js';
import { RollupInputError } from './errors.js';
import { getJson } from './getJson.js';
import type { Rollup } from './types.js';

/** A stored rollup and the ETag it was read at; `rollup` undefined when there is none. */
export interface StoredRollup {
  key: string;
  etag: string | undefined;
  rollup: Rollup | undefined;
  /** The stored bytes, to tell an unchanged rewrite. */
  text: string | undefined;
}

/**
 * Reads rollup JSON documents (`<key>.json`), `concurrency` GETs at a time (default 8), in the given
 * order; a missing one comes back with `rollup` undefined.
 *
 * @throws RollupInputError when a stored document is not a `logsieve.rollup/1`.
 * @example const [current] = await readRollups(s3, bucket, [keys.hourly(hour)]);
 */
export async function readRollups(s3: S3Client, bucket: string, keys: readonly string[], concurrency = 8, signal?: AbortSignal): Promise<StoredRollup[]> {
  const out: StoredRollup[] = [];
  const read = mapConcurrent(
    keys,
    async (key, _i, aborted): Promise<StoredRollup> => {
      // Every worker's request listens on the one signal mapConcurrent shares.
      setMaxListeners(0, aborted);
      const found = await getJson<Rollup>(s3, bucket, `${key}.json`, aborted);
      if (!found) return { key, etag: undefined, rollup: undefined, text: undefined };
      if (found.doc?.schema !== ROLLUP_SCHEMA) throw new RollupInputError(`s3://${bucket}/${key}.json`, `not a ${ROLLUP_SCHEMA} document`);
      return { key, etag: found.etag, rollup: found.doc, text: found.text };
    },
    { concurrency, ...(signal ? { signal } : {}) },
  );
  for await (const r of read) out.push(r);
  return out;
}
