import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Summary } from '../pipeline/types.js';
import { rollupKeys } from './rollupKeys.js';
import { summaryHour } from './summaryHour.js';

/**
 * Called by the processing function after it wrote a summary: indexes the summary under the hour of
 * its records (`rollups/index/…/HH/<source key>`, empty; the key as the summary has it) and marks that hour dirty with a marker of
 * its own (`rollups/dirty/<hour>/<hash of the summary key>.<ms>`), so that the rollup writer, which
 * deletes only the markers it listed before it read the index, never loses a later one. Two PUTs,
 * neither conditional: each key belongs to one summary. Both empty, with their length given: the SDK sends
 * an empty body without a content-length and warns of "a Stream of unknown length" on the console, twice
 * an object, into the function's own log. The index key is named after the summary's
 * own key, which `outputKeys` already bounded, so it fits S3's 1 024 bytes whatever the source key.
 *
 * @example await markDirty({ s3, bucket, outputPrefix: 'logsieve/' }, summary);
 */
export async function markDirty(deps: { s3: S3Client; bucket: string; outputPrefix: string }, summary: Summary, signal?: AbortSignal): Promise<string> {
  const hour = summaryHour(summary);
  const keys = rollupKeys(deps.outputPrefix);
  const put = (Key: string): Promise<unknown> => deps.s3.send(new PutObjectCommand({ Bucket: deps.bucket, Key, Body: '', ContentLength: 0 }), { abortSignal: signal });
  await put(keys.indexOfSummary(summary.outputs.summaryKey, hour));
  const id = createHash('sha256').update(summary.outputs.summaryKey).digest('hex').slice(0, 20);
  await put(`${keys.dirty}${hour}/${id}.${Date.parse(summary.processing.startedAt)}`);
  return hour;
}
