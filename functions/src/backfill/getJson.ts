import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { BackfillDocumentError } from './errors.js';

/**
 * Reads the JSON object at `s3://bucket/key`; `undefined` when there is none. A body that is not
 * JSON is a {@link BackfillDocumentError}.
 *
 * @example const plan = await getJson<BackfillPlan>(s3, 'logs', 'logsieve/backfills/x/plan.json');
 */
export async function getJson<T>(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<T | undefined> {
  let text: string;
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    text = (await response.Body?.transformToString('utf8')) ?? '';
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new BackfillDocumentError(bucket, key, `not JSON: ${(err as Error).message}`, { cause: err });
  }
}
