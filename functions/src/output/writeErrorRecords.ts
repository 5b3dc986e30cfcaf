import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ErrorRecord } from '../parse/types.js';
import { ERROR_PART, recordsGzipOptions } from './constants.js';
import { ErrorPartWriteError } from './errors.js';
import { ndjsonChunks } from './ndjsonChunks.js';

/** Options of {@link writeErrorRecords}. */
export interface WriteErrorRecordsOptions {
  s3: S3Client;
  bucket: string;
  key: string;
  signal?: AbortSignal;
  /** Multipart part size in bytes (≥ 5 MiB). Default 8 MiB. */
  partSize?: number;
  /** Parts in flight at once. Default 2. Memory bound: queueSize × partSize. */
  queueSize?: number;
  /** Records per write into the gzip stream. Default 1 000. */
  batchMaxItems?: number;
  /** NDJSON bytes per write into the gzip stream. Default 1 MiB. */
  batchMaxBytes?: number;
}

/** What was written. */
export interface ErrorPart {
  key: string;
  records: number;
  /** NDJSON bytes before compression. */
  bytes: number;
  /** Bytes stored (gzip). */
  storedBytes: number;
}

/**
 * Writes error records as one gzip NDJSON object through lib-storage's `Upload`, which turns
 * multipart once the object passes one part. Records are serialised one by one into chunks
 * (`ndjsonChunks`) of at most 1 000 records or 1 MiB, one write each; up to 4 MiB of them wait for
 * the gzip stream (`gzipWriteAheadBytes`: compression on the thread pool runs while the records
 * after them are made), and the upload holds at most queueSize × partSize (2 × 8 MiB) of compressed
 * bytes. Nothing is written for zero records.
 * When the records' source fails, or the upload does, the multipart upload is aborted so that no
 * parts are left behind, and the error is raised as {@link ErrorPartWriteError}.
 *
 * @example
 * const part = await writeErrorRecords(records(lines, opts), { s3, bucket: 'out', key: 'logsieve/errors/app.log/part-00000.ndjson.gz' });
 */
export async function writeErrorRecords(
  batches: AsyncIterable<ErrorRecord[]>,
  options: WriteErrorRecordsOptions,
): Promise<ErrorPart | undefined> {
  const { s3, bucket, key, signal } = options;
  let records = 0;
  let bytes = 0;
  let storedBytes = 0;
  let uploaded: Promise<unknown> | undefined;
  let gzip: ReturnType<typeof createGzip> | undefined;

  try {
    for await (const chunk of ndjsonChunks(batches, {
      maxItems: options.batchMaxItems ?? ERROR_PART.batchMaxItems,
      maxBytes: options.batchMaxBytes ?? ERROR_PART.batchMaxBytes,
    })) {
      signal?.throwIfAborted();
      if (!gzip) {
        gzip = createGzip(recordsGzipOptions(ERROR_PART.gzipLevel));
        const upload = new Upload({
          client: s3,
          params: { Bucket: bucket, Key: key, Body: gzip, ContentType: 'application/x-ndjson' },
          partSize: options.partSize ?? ERROR_PART.partSize,
          queueSize: options.queueSize ?? ERROR_PART.queueSize,
          leavePartsOnError: false,
        });
        upload.on('httpUploadProgress', (p) => {
          if (typeof p.loaded === 'number') storedBytes = Math.max(storedBytes, p.loaded);
        });
        uploaded = upload.done();
        // Surface an upload failure at the next write instead of an unhandled rejection.
        uploaded.catch(() => {});
      }
      records += chunk.records;
      bytes += chunk.bytes.byteLength;
      if (!gzip.write(chunk.bytes)) await Promise.race([once(gzip, 'drain'), uploaded]);
    }
    if (!gzip || !uploaded) return undefined;
    gzip.end();
    await uploaded;
    return { key, records, bytes, storedBytes };
  } catch (err) {
    // Failing the body (rather than Upload.abort(), whose done() rejects before the multipart upload
    // is aborted) makes lib-storage wait for the parts in flight, send AbortMultipartUpload, then
    // reject: once `uploaded` settles, no part is left behind.
    gzip?.destroy(err instanceof Error ? err : new Error(String(err)));
    await uploaded?.catch(() => {});
    throw new ErrorPartWriteError(bucket, key, records, { cause: err });
  }
}
