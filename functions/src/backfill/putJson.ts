import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';

/**
 * Writes `value` as a JSON object at `s3://bucket/key` (compact: manifest pages can hold 100 000 objects).
 *
 * @example await putJson(s3, 'logs', 'logsieve/backfills/x/plan.json', plan);
 */
export async function putJson(s3: S3Client, bucket: string, key: string, value: unknown, signal?: AbortSignal): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value), ContentType: 'application/json' }), { abortSignal: signal });
}
