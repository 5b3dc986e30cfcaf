import type { S3Client } from '@aws-sdk/client-s3';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Config } from '../config/types.js';
import type { ObjectRef } from '../events/types.js';
import { renderReport } from '../output/renderReport.js';
import { markDirty } from '../rollup/markDirty.js';
import { writeErrorRecords } from '../output/writeErrorRecords.js';
import type { ResumeEvent } from '../stream/resumeBody.js';
import { s3Source } from '../stream/s3Source.js';
import type { Progress } from './analyzeBytes.js';
import { analyzeBytes } from './analyzeBytes.js';
import { buildSummary } from './buildSummary.js';
import { outputKeys } from './outputKeys.js';
import { sourceIdentity } from './sourceIdentity.js';
import { hasCompleteSummary, summaryMetadata } from './summaryMetadata.js';
import type { Summary } from './types.js';

export type { Progress } from './analyzeBytes.js';

/** What `processObject` needs from its caller; built once per Lambda container. */
export interface ProcessDeps {
  s3: S3Client;
  config: Config;
}

/** Per-call options of `processObject`. */
export interface ProcessOptions {
  signal?: AbortSignal;
  /**
   * Stops reading the object when it fires (the invocation's deadline): what was found is still
   * written, with a `failed` summary that says how far it got, and the outcome is `stopped`.
   */
  stopReading?: AbortSignal;
  /** Called about every 5 s while an object is read. */
  onProgress?: (progress: Progress) => void;
  /** Called before a cut GetObject body is resumed with a Range request. */
  onResume?: (event: ResumeEvent) => void;
}

/** The outcome for one object. */
export type ProcessResult =
  | { outcome: 'processed'; summary: Summary }
  | { outcome: 'stopped'; summary: Summary }
  | { outcome: 'skipped'; reason: string; summaryKey: string };

/**
 * Processes one S3 object: skips it when a complete summary exists for the same version (unless
 * `forceReprocess`), streams and analyses it (see `analyzeBytes`), writes its error records as
 * gzip NDJSON through lib-storage (at most queueSize × partSize = 16 MiB buffered), then the HTML
 * report, then the JSON summary, last, then (with `config.rollups`) the summary's rollup index entry and
 * dirty-hour marker (see `markDirty`). Corrupt or truncated input is not retried: the summary says
 * `failed` with the reason. Reading stopped by `stopReading` writes the same way and returns the
 * outcome `stopped`. Read and write failures are raised for a retry.
 *
 * @example const result = await processObject({ s3, config }, { bucket: 'logs', key: 'app.log.gz' });
 */
export async function processObject(deps: ProcessDeps, ref: ObjectRef, options: ProcessOptions = {}): Promise<ProcessResult> {
  const { s3, config } = deps;
  const { signal } = options;
  const startedAt = new Date();
  const keys = outputKeys(config.outputPrefix, ref);

  const source = await s3Source({ client: s3, bucket: ref.bucket, key: ref.key, versionId: ref.versionId, signal, onResume: options.onResume });
  const identity = sourceIdentity(source);
  let analysis;
  try {
    if (!config.forceReprocess && (await hasCompleteSummary(s3, config.outputBucket, keys.summary, identity, signal))) {
      return { outcome: 'skipped', reason: 'a complete summary exists for this object version', summaryKey: keys.summary };
    }
    analysis = await analyzeBytes(source.bytes, {
      source: { bucket: ref.bucket, key: ref.key, ...identity },
      config,
      signal,
      ...(options.stopReading ? { stopReading: options.stopReading } : {}),
      ...(source.lastModified ? { referenceTime: source.lastModified } : {}),
      onProgress: options.onProgress,
      writeRecords: (found) => writeErrorRecords(found, { s3, bucket: config.outputBucket, key: keys.errorsPart(0), signal }),
    });
  } finally {
    // Frees the connection when the body was not read to the end (skipped, or failed midway).
    source.close();
  }

  const summary = buildSummary({ ...analysis, ref, identity, size: source.contentLength, topGroups: config.rules.topGroups, keys, startedAt, resumes: source.resumes });
  await put(s3, config.outputBucket, keys.report, renderReport(summary), 'text/html; charset=utf-8', undefined, signal);
  await put(s3, config.outputBucket, keys.summary, JSON.stringify(summary, null, 2), 'application/json', summaryMetadata(summary), signal);
  // After the summary: a marker never names a summary that is not there yet.
  if (config.rollups) await markDirty({ s3, bucket: config.outputBucket, outputPrefix: config.outputPrefix }, summary, signal);
  return { outcome: analysis.stopped ? 'stopped' : 'processed', summary };
}

async function put(
  s3: S3Client,
  bucket: string,
  key: string,
  body: string,
  contentType: string,
  metadata: Record<string, string> | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, Metadata: metadata }), {
    abortSignal: signal,
  });
}
