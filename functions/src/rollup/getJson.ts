import type { S3Client } from '@aws-sdk/client-s3';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { RollupInputError } from './errors.js';

/**
 * GETs a JSON object: its parsed document, the stored text and ETag (quoted, as S3 sends it), or
 * undefined when there is no such key.
 *
 * @throws RollupInputError when the body is not JSON.
 * @example const found = await getJson(s3, 'out', 'logsieve/rollups/daily/2026/11/26.json', signal);
 */
export async function getJson<T>(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<{ doc: T; text: string; etag: string | undefined } | undefined> {
  let res;
  try {
    res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
    throw err;
  }
  const text = await res.Body!.transformToString();
  try {
    return { doc: JSON.parse(text) as T, text, etag: res.ETag };
  } catch (err) {
    throw new RollupInputError(`s3://${bucket}/${key}`, 'not JSON', { cause: err });
  }
}
