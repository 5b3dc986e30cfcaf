import type { S3Client } from '@aws-sdk/client-s3';
import { readJsonObject } from '../output/readJsonObject.js';
import { BackfillDocumentError } from './errors.js';

/**
 * Reads the JSON object at `s3://bucket/key` ({@link readJsonObject}); `undefined` when there is
 * none. A body that is not JSON is a {@link BackfillDocumentError}.
 *
 * @example const plan = await getJson<BackfillPlan>(s3, 'logs', 'logsieve/backfills/x/plan.json');
 */
export async function getJson<T>(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<T | undefined> {
  const found = await readJsonObject<T>(s3, bucket, key, (cause) => new BackfillDocumentError(bucket, key, `not JSON: ${cause.message}`, { cause }), signal);
  return found?.doc;
}
