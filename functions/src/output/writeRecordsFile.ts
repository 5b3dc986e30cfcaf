import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { ErrorRecord } from '../parse/types.js';
import { ERROR_PART, recordsGzipOptions } from './constants.js';
import { errorMessage } from '../stream/errors.js';
import { OutputError } from './errors.js';
import { ndjsonChunks } from './ndjsonChunks.js';
import type { ErrorPart } from './writeErrorRecords.js';

/** Options of {@link writeRecordsFile}. */
export interface WriteRecordsFileOptions {
  /** File to write; gzip-compressed when the name ends in `.gz`. Parent directories are created. */
  path: string;
  signal?: AbortSignal;
}

/** Writing the error records file failed; the partial file was removed. */
export class RecordsFileWriteError extends OutputError {
  override name = 'RecordsFileWriteError';
  constructor(
    readonly path: string,
    /** Records handed to the writer before it failed. */
    readonly records: number,
    options?: { cause?: unknown },
  ) {
    const why = errorMessage(options?.cause);
    super(`writing error records to ${path} failed after ${records} records: ${why}`, options);
  }
}

/**
 * Writes error records as NDJSON to a local file, the local twin of `writeErrorRecords`: gzip when
 * the name ends in `.gz`, records joined in batches of at most 1 000 records or 1 MiB per write,
 * backpressure from the file honoured (so at most one batch plus the stream buffers is held).
 * The file is written under a temporary name and renamed when complete, so a failed or aborted
 * run never leaves a half file under the real name. Unlike the S3 writer, an empty file is written
 * for zero records: a file asked for by name should exist afterwards, and not be a stale one.
 *
 * @example
 * const part = await writeRecordsFile(found, { path: 'logsieve-out/app.log.errors.ndjson.gz' });
 */
export async function writeRecordsFile(batches: AsyncIterable<ErrorRecord[]>, options: WriteRecordsFileOptions): Promise<ErrorPart> {
  const target = options.path;
  if (typeof target !== 'string' || target === '') throw new TypeError(`Option path must be a file name; got ${String(target)}`);
  const temporary = `${target}.${process.pid}.partial`;
  const counts = { records: 0, bytes: 0 };

  async function* ndjson(): AsyncGenerator<Buffer> {
    for await (const chunk of ndjsonChunks(batches, { maxItems: ERROR_PART.batchMaxItems, maxBytes: ERROR_PART.batchMaxBytes })) {
      counts.records += chunk.records;
      counts.bytes += chunk.bytes.byteLength;
      yield chunk.bytes;
    }
  }

  try {
    await mkdir(path.dirname(path.resolve(target)), { recursive: true });
    const signal = options.signal ? { signal: options.signal } : {};
    const source = Readable.from(ndjson(), { objectMode: false });
    const sink = createWriteStream(temporary);
    // The writer's queue ahead of gzip (4 MiB): compression on the thread pool runs while the next records are made.
    if (target.endsWith('.gz')) await pipeline(source, createGzip(recordsGzipOptions(6)), sink, signal);
    else await pipeline(source, sink, signal);
    await rename(temporary, target);
    const { size } = await stat(target);
    return { key: target, records: counts.records, bytes: counts.bytes, storedBytes: size };
  } catch (err) {
    await rm(temporary, { force: true }).catch(() => {});
    throw new RecordsFileWriteError(target, counts.records, { cause: err });
  }
}
