import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { mapConcurrent } from '../../functions/src/stream/mapConcurrent.js';

/**
 * Uploads `objects` to `bucket`, 16 at a time, and resolves once every one is stored. Each with its
 * length: an empty body without one makes the SDK warn of "a Stream of unknown length".
 *
 * @example await putObjects(s3, 'logs', [{ key: 'a.log', body: 'x\n' }]);
 */
export async function putObjects(s3: S3Client, bucket: string, objects: Iterable<{ key: string; body: string | Uint8Array }>): Promise<void> {
  const puts = mapConcurrent(
    objects,
    ({ key, body }) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: Buffer.byteLength(body) })),
    { concurrency: 16 },
  );
  for await (const _ of puts);
}
