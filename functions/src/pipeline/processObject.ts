import type { S3Client } from '@aws-sdk/client-s3';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Config } from '../config/types.js';
import type { ObjectRef } from '../events/types.js';
import { createLineStats } from '../stream/createLineStats.js';
import { decompress } from '../stream/decompress.js';
import { lineBatches } from '../stream/lineBatches.js';
import { s3Source } from '../stream/s3Source.js';
import { outputKeys } from './outputKeys.js';
import type { Summary } from './types.js';
import { SUMMARY_SCHEMA } from './types.js';

/** What `processObject` needs from its caller; built once per Lambda container. */
export interface ProcessDeps {
  s3: S3Client;
  config: Config;
}

/**
 * Streams one S3 object (decompressing it when its bytes say so), counts its lines and error
 * lines, and writes the JSON summary to the output bucket. Holds one decompressed chunk and at most
 * one `maxLineBytes` partial line in memory, whatever the object's size.
 *
 * @example const summary = await processObject({ s3, config }, { bucket: 'logs', key: 'app.log.gz' });
 */
export async function processObject(deps: ProcessDeps, ref: ObjectRef, signal?: AbortSignal): Promise<Summary> {
  const { s3, config } = deps;
  const startedAt = new Date();
  const source = await s3Source({ client: s3, bucket: ref.bucket, key: ref.key, versionId: ref.versionId, signal });
  const bytes = decompress(source.bytes);
  const stats = createLineStats();
  let errorLines = 0;

  for await (const batch of lineBatches(bytes, { maxLineBytes: config.maxLineBytes, longLines: config.longLines, stats })) {
    for (const line of batch) {
      if (line.text.includes('ERROR')) errorLines++;
    }
  }

  const durationMs = Date.now() - startedAt.getTime();
  const keys = outputKeys(config.outputPrefix, ref);
  const summary: Summary = {
    schema: SUMMARY_SCHEMA,
    status: 'complete',
    source: {
      bucket: ref.bucket,
      key: ref.key,
      versionId: source.versionId,
      // S3 quotes ETags in headers; events and summaries carry the bare value.
      etag: source.etag?.replace(/^"|"$/g, ''),
      size: source.contentLength,
      compression: bytes.compression,
    },
    counts: {
      lines: stats.lines,
      errorLines,
      bytesIn: bytes.bytesIn,
      bytesOut: bytes.bytesOut,
      truncatedLines: stats.truncatedLines,
      skippedLines: stats.skippedLines,
      invalidUtf8Lines: stats.invalidUtf8Lines,
    },
    processing: {
      startedAt: startedAt.toISOString(),
      durationMs,
      mbPerSec: durationMs > 0 ? Math.round((bytes.bytesOut / 1e6 / (durationMs / 1000)) * 10) / 10 : 0,
    },
    outputs: { summaryKey: keys.summary },
  };

  await s3.send(
    new PutObjectCommand({
      Bucket: config.outputBucket,
      Key: keys.summary,
      Body: JSON.stringify(summary, null, 2),
      ContentType: 'application/json',
    }),
    { abortSignal: signal },
  );
  return summary;
}
