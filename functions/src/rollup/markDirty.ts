import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Summary } from '../pipeline/types.js';
import { rollupKeys } from './rollupKeys.js';
import { summaryHour } from './summaryHour.js';

/** S3's bound on a key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/**
 * Called by the processing function after it wrote a summary: indexes the summary under the hour of
 * its records (`rollups/index/…/HH/<source key>`, empty) and marks that hour dirty with a marker of
 * its own (`rollups/dirty/<hour>/<hash of the summary key>.<ms>`), so that the rollup writer, which
 * deletes only the markers it listed before it read the index, never loses a later one. Two PUTs,
 * neither conditional: each key belongs to one summary. A source key too long for its index key
 * (S3's 1 024 bytes) is left out of the rollups: resolves undefined and writes nothing.
 *
 * @example await markDirty({ s3, bucket, outputPrefix: 'logsieve/' }, summary);
 */
export async function markDirty(deps: { s3: S3Client; bucket: string; outputPrefix: string }, summary: Summary, signal?: AbortSignal): Promise<string | undefined> {
  const hour = summaryHour(summary);
  const keys = rollupKeys(deps.outputPrefix);
  if (Buffer.byteLength(`${keys.index(hour)}${summary.source.key}`) > MAX_KEY_BYTES) return undefined;
  const put = (Key: string): Promise<unknown> => deps.s3.send(new PutObjectCommand({ Bucket: deps.bucket, Key, Body: '' }), { abortSignal: signal });
  await put(`${keys.index(hour)}${summary.source.key}`);
  const id = createHash('sha256').update(summary.outputs.summaryKey).digest('hex').slice(0, 20);
  await put(`${keys.dirty}${hour}/${id}.${Date.parse(summary.processing.startedAt)}`);
  return hour;
}
