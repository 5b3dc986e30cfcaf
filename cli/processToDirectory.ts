import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../functions/src/config/types.js';
import type { ObjectRef } from '../functions/src/events/types.js';
import { renderReport } from '../functions/src/output/renderReport.js';
import { writeRecordsFile } from '../functions/src/output/writeRecordsFile.js';
import type { ErrorRecord } from '../functions/src/parse/types.js';
import type { Progress } from '../functions/src/pipeline/analyzeBytes.js';
import { analyzeBytes } from '../functions/src/pipeline/analyzeBytes.js';
import { buildSummary } from '../functions/src/pipeline/buildSummary.js';
import type { Summary } from '../functions/src/pipeline/types.js';
import { checkOutputPaths, outputBaseName } from './checkOutputPaths.js';
import type { ProgressFigures } from './createProgressBar.js';

/** Options of {@link processToDirectory}. */
export interface ProcessToDirectoryOptions {
  /** The object's bytes: a file stream, or an S3 body. Read once, never held whole. */
  bytes: AsyncIterable<Uint8Array>;
  /** Where the bytes come from: bucket `''` for a local file, whose path is the key. */
  ref: ObjectRef;
  identity?: { etag?: string; versionId?: string };
  size?: number | undefined;
  config: Pick<Config, 'rules' | 'maxLineBytes' | 'longLines'>;
  /** Directory for `<name>.summary.json`, `<name>.report.html` and (by default) `<name>.errors.ndjson.gz`. */
  outDir: string;
  /** Error records file instead of the one in `outDir`; gzip when it ends in `.gz`. */
  errorsOut?: string | undefined;
  /** The local input file, never to be written over (compared by device and inode). */
  inputPath?: string | undefined;
  /** Overwrite existing files that are not logsieve outputs (default: refuse them). */
  force?: boolean | undefined;
  signal?: AbortSignal;
  /** When the object was written (LastModified, a file's mtime): the year of year-less stamps. */
  referenceTime?: Date | undefined;
  /** GetObject resumes so far, read when the summary is built (an S3 source); 0 when absent. */
  resumes?: () => number;
  /** Called per chunk read (bytes and errors are live; lines and decompressed bytes every 5 s). */
  onProgress?: (figures: ProgressFigures) => void;
}

/** What was written. */
export interface DirectoryOutputs {
  summary: Summary;
  summaryPath: string;
  reportPath: string;
  errorsPath: string;
}

/**
 * The local twin of `processObject`: the same `analyzeBytes` pipeline, with the error records
 * written to a local NDJSON file and the HTML report and JSON summary next to it (summary last,
 * each written under a temporary name and renamed, so a file that exists is whole). Names are the
 * source's base name plus `.summary.json`, `.report.html`, `.errors.ndjson.gz`; a base name too long
 * for the file system is cut and given a hash (`outputBaseName`). Before any byte is read it
 * refuses an output that is the input file, or an existing file that is not a logsieve output
 * unless `force` (`checkOutputPaths`).
 *
 * @example const out = await processToDirectory({ bytes: createReadStream(file), ref: { bucket: '', key: file }, config, outDir: 'logsieve-out' });
 */
export async function processToDirectory(options: ProcessToDirectoryOptions): Promise<DirectoryOutputs> {
  const { ref, config, signal } = options;
  const startedAt = new Date();
  const base = path.join(options.outDir, outputBaseName(ref.key));
  const summaryPath = `${base}.summary.json`;
  const reportPath = `${base}.report.html`;
  const errorsPath = options.errorsOut ?? `${base}.errors.ndjson.gz`;
  await checkOutputPaths({
    input: options.inputPath,
    outDir: options.outDir,
    files: [
      { path: summaryPath, what: 'summary' },
      { path: reportPath, what: 'report' },
      { path: errorsPath, what: options.errorsOut === undefined ? 'error records' : '--errors-out' },
    ],
    force: options.force === true,
  });
  await mkdir(options.outDir, { recursive: true });

  const figures: ProgressFigures = { bytesIn: 0, bytesOut: 0, lines: 0, errors: 0 };
  const report = options.onProgress;
  const counted = report ? countBytes(options.bytes, (n) => report(Object.assign(figures, { bytesIn: figures.bytesIn + n }))) : options.bytes;

  const analysis = await analyzeBytes(counted, {
    source: { bucket: ref.bucket, key: ref.key, ...options.identity },
    config,
    ...(signal ? { signal } : {}),
    ...(options.referenceTime ? { referenceTime: options.referenceTime } : {}),
    onProgress: (p: Progress) => report?.(Object.assign(figures, { bytesOut: Math.max(figures.bytesOut, p.bytesOut), lines: Math.max(figures.lines, p.lines) })),
    writeRecords: (found) =>
      writeRecordsFile(report ? countRecords(found, figures) : found, { path: errorsPath, ...(signal ? { signal } : {}) }),
  });

  const summary = buildSummary({
    ...analysis,
    ref,
    identity: options.identity ?? {},
    size: options.size,
    topGroups: config.rules.topGroups,
    keys: { summary: summaryPath, report: reportPath },
    startedAt,
    resumes: options.resumes?.() ?? 0,
  });
  await writeWhole(reportPath, renderReport(summary));
  await writeWhole(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
  report?.(Object.assign(figures, { bytesOut: summary.counts.bytesOut, lines: summary.counts.lines, errors: summary.counts.errors }));
  return { summary, summaryPath, reportPath, errorsPath };
}

async function* countBytes(source: AsyncIterable<Uint8Array>, onChunk: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    onChunk(chunk.byteLength);
    yield chunk;
  }
}

/**
 * Counts error records as they pass. A record's last line and byte offset are also live lower
 * bounds of the lines and decompressed bytes read, fresher than the pipeline's own counters
 * (reported every 5 s).
 */
async function* countRecords(found: AsyncIterable<ErrorRecord[]>, figures: ProgressFigures): AsyncGenerator<ErrorRecord[]> {
  for await (const group of found) {
    for (const record of group) {
      if (record.level === 'error' || record.level === 'fatal') figures.errors++;
      if (record.lastLine > figures.lines) figures.lines = record.lastLine;
      if (record.byteOffset > figures.bytesOut) figures.bytesOut = record.byteOffset;
    }
    yield group;
  }
}

async function writeWhole(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.partial`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}
