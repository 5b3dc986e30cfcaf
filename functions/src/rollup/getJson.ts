import type { S3Client } from '@aws-sdk/client-s3';
import { readJsonObject } from '../output/readJsonObject.js';
import { RollupInputError } from './errors.js';

/**
 * GETs a JSON object ({@link readJsonObject}): its parsed document, the stored text and ETag, or
 * undefined when there is no such key.
 *
 * @throws RollupInputError when the body is not JSON.
 * @example const found = await getJson(s3, 'out', 'logsieve/rollups/daily/2026/11/26.json', signal);
 */
export function getJson<T>(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<{ doc: T; text: string; etag: string | undefined } | undefined> {
  return readJsonObject<T>(s3, bucket, key, (cause) => new RollupInputError(`s3://${bucket}/${key}`, 'not JSON', { cause }), signal);
}
