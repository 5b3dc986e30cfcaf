import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Summary } from './types.js';

/** User metadata stored on a summary object, so idempotency needs a HEAD, not a download. */
export function summaryMetadata(summary: Summary): Record<string, string> {
  return {
    'logsieve-status': summary.status,
    'logsieve-source-etag': summary.source.etag ?? '',
    'logsieve-source-version-id': summary.source.versionId ?? '',
  };
}

/**
 * True when a complete summary exists for this exact source version: same versionId when the
 * bucket is versioned, else same ETag. A failed or missing summary means "process it".
 */
export async function hasCompleteSummary(
  s3: S3Client,
  bucket: string,
  summaryKey: string,
  source: { etag?: string; versionId?: string },
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: summaryKey }), { abortSignal: signal });
    const meta = head.Metadata ?? {};
    if (meta['logsieve-status'] !== 'complete') return false;
    if (source.versionId) return meta['logsieve-source-version-id'] === source.versionId;
    return Boolean(source.etag) && meta['logsieve-source-etag'] === source.etag;
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'NotFound' || name === 'NoSuchKey') return false;
    throw err;
  }
}
