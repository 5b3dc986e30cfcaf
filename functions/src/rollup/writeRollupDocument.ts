import type { S3Client } from '@aws-sdk/client-s3';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { conditionalPut } from './conditionalPut.js';
import { renderRollup } from './renderRollup.js';
import type { StoredRollup } from './readRollups.js';
import type { Rollup } from './types.js';

/** The outcome of writing one rollup: `written`, `unchanged` (same bytes stored), or `conflict` (another writer won). */
export type WriteOutcome = 'written' | 'unchanged' | 'conflict';

/**
 * Writes `<key>.html`, then `<key>.json` only if the stored JSON is still the one read (`current`):
 * the JSON is the commit point, as the summary is for an object. Same bytes as stored: nothing is
 * written. A `conflict` means the caller must read again and rebuild.
 *
 * @example const outcome = await writeRollupDocument(s3, bucket, current, rollup);
 */
export async function writeRollupDocument(s3: S3Client, bucket: string, current: StoredRollup, rollup: Rollup, signal?: AbortSignal): Promise<WriteOutcome> {
  const text = `${JSON.stringify(rollup, null, 2)}\n`;
  if (text === current.text) return 'unchanged';
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: `${current.key}.html`, Body: renderRollup(rollup), ContentType: 'text/html; charset=utf-8' }),
    { abortSignal: signal },
  );
  return (await conditionalPut(s3, bucket, `${current.key}.json`, text, current.etag, 'application/json', signal)) ? 'written' : 'conflict';
}
