import type { S3Client } from '@aws-sdk/client-s3';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Config } from '../config/types.js';
import type { ObjectRef } from '../events/types.js';
import { renderReport } from '../output/renderReport.js';
import { writeErrorRecords } from '../output/writeErrorRecords.js';
import { cloudTrailRecords } from '../parse/cloudTrailRecords.js';
import { createParseStats } from '../parse/createParseStats.js';
import { CloudTrailParseError } from '../parse/errors.js';
import { ErrorGroups } from '../parse/ErrorGroups.js';
import { records } from '../parse/records.js';
import { sniffFormat } from '../parse/sniffFormat.js';
import type { ErrorRecord } from '../parse/types.js';
import { createLineStats } from '../stream/createLineStats.js';
import { decompress } from '../stream/decompress.js';
import { DecompressError } from '../stream/errors.js';
import { lineBatches } from '../stream/lineBatches.js';
import { s3Source } from '../stream/s3Source.js';
import { buildSummary } from './buildSummary.js';
import { outputKeys } from './outputKeys.js';
import { peekBytes } from './peekBytes.js';
import { hasCompleteSummary, summaryMetadata } from './summaryMetadata.js';
import type { Summary } from './types.js';
import { withProgress } from './withProgress.js';

/** Decompressed bytes read before the format is chosen. */
const SNIFF_BYTES = 64 * 1024;
/** Time between progress reports on a long object. */
const PROGRESS_INTERVAL_MS = 5_000;

/** What `processObject` needs from its caller; built once per Lambda container. */
export interface ProcessDeps {
  s3: S3Client;
  config: Config;
}

/** Live counters handed to a progress callback. */
export interface Progress {
  key: string;
  elapsedMs: number;
  bytesIn: number;
  bytesOut: number;
  lines: number;
  records: number;
}

/** Per-call options of `processObject`. */
export interface ProcessOptions {
  signal?: AbortSignal;
  /** Called about every 5 s while an object is read. */
  onProgress?: (progress: Progress) => void;
}

/** The outcome for one object. */
export type ProcessResult =
  | { outcome: 'processed'; summary: Summary }
  | { outcome: 'skipped'; reason: string; summaryKey: string };

/**
 * Processes one S3 object: streams it (gzip/zstd detected from its bytes), picks the format from
 * its first 64 KiB, turns lines (or CloudTrail records) into error records, writes them as gzip
 * NDJSON, then the HTML report, then the JSON summary, last. Memory is bounded by the stages, not by
 * the object: one decompressed chunk, one `maxLineBytes` partial line, one open multi-line event,
 * the tracked groups, and the upload's queueSize × partSize (16 MiB).
 *
 * Corrupt or truncated input is not retried: the records found before the damage are written and
 * the summary says `failed` with the reason. Read and write failures are raised for a retry.
 *
 * @example const result = await processObject({ s3, config }, { bucket: 'logs', key: 'app.log.gz' });
 */
export async function processObject(deps: ProcessDeps, ref: ObjectRef, options: ProcessOptions = {}): Promise<ProcessResult> {
  const { s3, config } = deps;
  const { signal } = options;
  const startedAt = new Date();
  const keys = outputKeys(config.outputPrefix, ref);

  const source = await s3Source({ client: s3, bucket: ref.bucket, key: ref.key, versionId: ref.versionId, signal });
  const identity = { etag: source.etag?.replace(/^"|"$/g, ''), versionId: source.versionId };
  if (!config.forceReprocess && (await hasCompleteSummary(s3, config.outputBucket, keys.summary, identity, signal))) {
    source.close();
    return { outcome: 'skipped', reason: 'a complete summary exists for this object version', summaryKey: keys.summary };
  }

  const bytes = decompress(source.bytes);
  const lineStats = createLineStats();
  const parseStats = createParseStats();
  const groups = new ErrorGroups();
  const sourceRef = { bucket: ref.bucket, key: ref.key, ...identity };
  let inputError: Error | undefined;
  const tally = { errors: 0, warnings: 0 };

  const progressed = withProgress(bytes, PROGRESS_INTERVAL_MS, (elapsedMs) =>
    options.onProgress?.({
      key: ref.key,
      elapsedMs,
      bytesIn: bytes.bytesIn,
      bytesOut: bytes.bytesOut,
      lines: lineStats.lines,
      records: parseStats.records,
    }),
  );

  let part;
  try {
    const { head, rest } = await peekBytes(progressed, SNIFF_BYTES);
    const format = sniffFormat(head, ref.key);
    const recordOptions = { source: sourceRef, rules: config.rules, stats: parseStats, groups, signal };
    const found =
      format === 'cloudtrail'
        ? cloudTrailRecords(rest, recordOptions)
        : records(lineBatches(rest, { maxLineBytes: config.maxLineBytes, longLines: config.longLines, stats: lineStats }), {
            ...recordOptions,
            format,
          });
    part = await writeErrorRecords(
      tallyRecords(found, tally, (err) => {
        inputError = err;
      }),
      { s3, bucket: config.outputBucket, key: keys.errorsPart(0), signal },
    );
  } catch (err) {
    source.close();
    throw err;
  }

  const summary = buildSummary({
    ref,
    identity,
    size: source.contentLength,
    compression: bytes.compression,
    bytesIn: bytes.bytesIn,
    bytesOut: bytes.bytesOut,
    lineStats,
    parseStats,
    groups,
    topGroups: config.rules.topGroups,
    keys,
    errorParts: part ? [part] : [],
    tally,
    startedAt,
    failure: inputError ? describeInputError(inputError, lineStats.lines) : undefined,
  });

  await put(s3, config.outputBucket, keys.report, renderReport(summary), 'text/html; charset=utf-8', undefined, signal);
  await put(s3, config.outputBucket, keys.summary, JSON.stringify(summary, null, 2), 'application/json', summaryMetadata(summary), signal);
  return { outcome: 'processed', summary };
}

/**
 * Passes records through, counting them by level, and ends the stream quietly at corrupt or
 * truncated input, handing the error to `onError`, so the records found before the damage are
 * still written. Any other error propagates.
 */
async function* tallyRecords(
  found: AsyncIterable<ErrorRecord[]>,
  tally: { errors: number; warnings: number },
  onError: (err: Error) => void,
): AsyncGenerator<ErrorRecord[]> {
  try {
    for await (const group of found) {
      for (const record of group) {
        if (record.level === 'error' || record.level === 'fatal') tally.errors++;
        else if (record.level === 'warn') tally.warnings++;
      }
      yield group;
    }
  } catch (err) {
    if (err instanceof DecompressError || err instanceof CloudTrailParseError) {
      onError(err);
      return;
    }
    throw err;
  }
}

function describeInputError(err: Error, lines: number): string {
  if (err instanceof DecompressError) {
    return `${err.message}; ${err.bytesOut} bytes decompressed and ${err.linesEmitted ?? lines} lines read before it`;
  }
  return err.message;
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
