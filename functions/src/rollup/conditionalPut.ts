import type { S3Client } from '@aws-sdk/client-s3';
import { PutObjectCommand } from '@aws-sdk/client-s3';

/**
 * PUTs `body` only if the object is still at `etag` (If-Match), or still absent when `etag` is
 * undefined (If-None-Match: *): S3's conditional writes (2024; LocalStack 4.14 enforces both).
 * Resolves false when another writer got there first (412 PreconditionFailed, or 409
 * ConditionalRequestConflict), so the caller reads again and retries.
 *
 * @example if (!(await conditionalPut(s3, bucket, key, text, current.etag))) continue;
 */
export async function conditionalPut(s3: S3Client, bucket: string, key: string, body: string, etag: string | undefined, contentType: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ...(etag === undefined ? { IfNoneMatch: '*' } : { IfMatch: etag }) }),
      { abortSignal: signal },
    );
    return true;
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'PreconditionFailed' || e.name === 'ConditionalRequestConflict' || e.$metadata?.httpStatusCode === 412 || e.$metadata?.httpStatusCode === 409) return false;
    throw err;
  }
}
