import type { CompressionFormat } from '../stream/types.js';

/** Version of the summary JSON layout; bumped on any incompatible change. */
export const SUMMARY_SCHEMA = 'logsieve.summary/1';

/** What `processObject` writes to `<outputPrefix>summaries/<source key>.json`. */
export interface Summary {
  schema: typeof SUMMARY_SCHEMA;
  status: 'complete' | 'failed';
  /** Why the status is `failed`. */
  reason?: string;
  source: {
    bucket: string;
    key: string;
    versionId?: string;
    etag?: string;
    size?: number;
    compression?: CompressionFormat;
  };
  counts: {
    lines: number;
    /** Lines that contain `ERROR`. */
    errorLines: number;
    /** Bytes read from S3. */
    bytesIn: number;
    /** Bytes after decompression. */
    bytesOut: number;
    truncatedLines: number;
    skippedLines: number;
    invalidUtf8Lines: number;
  };
  processing: {
    startedAt: string;
    durationMs: number;
    /** Decompressed megabytes (10^6 bytes) per second. */
    mbPerSec: number;
  };
  outputs: {
    summaryKey: string;
  };
}
