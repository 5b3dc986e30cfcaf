import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Summary } from '../functions/src/pipeline/types.js';
import { sourceIdentity } from '../functions/src/pipeline/sourceIdentity.js';
import { DEFAULT_OUT_DIR } from './constants.js';
import { createProgressBar } from './createProgressBar.js';
import { CorruptInputError, NotFoundError, UsageError } from './errors.js';
import type { OutputLocations } from './formatSummary.js';
import { formatSummary } from './formatSummary.js';
import { loadCliConfig } from './loadCliConfig.js';
import { parseS3Uri } from './parseS3Uri.js';
import { processToDirectory } from './processToDirectory.js';
import type { CliIO } from './types.js';

/** Options of `logsieve process`. */
export interface ProcessCommandOptions {
  /** A directory (default `logsieve-out`) or `s3://bucket[/prefix/]`. */
  out?: string | undefined;
  /** A local NDJSON file for the error records; gzip when it ends in `.gz`. */
  errorsOut?: string | undefined;
  /** A rules JSON file. */
  config?: string | undefined;
  /** Print only the summary JSON on stdout. */
  json?: boolean | undefined;
  /** Overwrite existing local files that are not logsieve outputs (never the input itself). */
  force?: boolean | undefined;
}

/**
 * `logsieve process <path | s3://bucket/key>`: runs the Lambda's pipeline on one local file or S3
 * object. Outputs go to a local directory (summary JSON, HTML report, gzip NDJSON error records),
 * or to `s3://bucket/prefix/` through the Lambda's own `processObject` (always reprocessing: a
 * person asked). A local input with local outputs needs no AWS at all. Prints a readable summary,
 * or with `--json` only the summary JSON; a corrupt input still writes its outputs, then fails with
 * {@link CorruptInputError}. Local outputs never overwrite the input, nor (without `force`) a file
 * that is not a logsieve output: both are refused before any byte is read.
 *
 * @example await processCommand('app.log.gz', { out: 'out', json: true }, io);
 */
export async function processCommand(input: string, options: ProcessCommandOptions, io: CliIO): Promise<Summary> {
  const out = options.out ?? DEFAULT_OUT_DIR;
  const toS3 = out.startsWith('s3://');
  if (toS3 && options.errorsOut) throw new UsageError('--errors-out writes a local file; with an s3:// --out the error records go to the bucket');
  const target = toS3 ? parseS3Uri(out, '--out', { keyRequired: false }) : undefined;
  // Validated before any byte is read: a bad rule should not cost a 10 GB download.
  const config = loadCliConfig({
    env: io.env,
    rulesFile: options.config,
    outputBucket: target?.bucket,
    outputPrefix: target ? target.key.replace(/^\/+/, '') : undefined,
  });
  const run: Run = { options, io, out, config, progress: (totalBytes, label) => createProgressBar({ enabled: io.tty && !options.json, totalBytes, label }) };
  const { summary, where } = input.startsWith('s3://') ? await processS3Input(run, parseS3Uri(input, '<input>'), target) : await processFile(run, input);
  io.out(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary, where));
  if (summary.status === 'failed') throw new CorruptInputError(input, summary.reason ?? 'unknown damage');
  return summary;
}

/** What one `logsieve process` run has settled before it reads: its options, IO, outputs and rules. */
interface Run {
  options: ProcessCommandOptions;
  io: CliIO;
  out: string;
  config: ReturnType<typeof loadCliConfig>;
  progress: (totalBytes: number | undefined, label: string) => ReturnType<typeof createProgressBar>;
}

/** An s3:// input: processed as the function does when `--out` is s3:// (outputs in the bucket), else into the local directory. */
async function processS3Input(run: Run, ref: { bucket: string; key: string }, target: { bucket: string; key: string } | undefined): Promise<{ summary: Summary; where: OutputLocations }> {
  // The AWS SDK loads here, on the S3 path only: a local file never pays for it.
  const [{ clientsFromEnv }, { processObject }, { s3Source }] = await Promise.all([
    import('../dev/local/clientsFromEnv.js'),
    import('../functions/src/pipeline/processObject.js'),
    import('../functions/src/stream/s3Source.js'),
  ]);
  const { s3 } = clientsFromEnv(run.io.env);
  try {
    if (!target) {
      const source = await s3Source({ client: s3, bucket: ref.bucket, key: ref.key, signal: run.io.signal });
      try {
        return await toDirectory(run, { bytes: source.bytes, ref, size: source.contentLength, identity: sourceIdentity(source), resumes: () => source.resumes, referenceTime: source.lastModified });
      } finally {
        source.close();
      }
    }
    const bar = run.progress(undefined, path.basename(ref.key));
    let result;
    try {
      result = await processObject({ s3, config: { ...run.config, forceReprocess: true } }, ref, {
        signal: run.io.signal,
        onProgress: (p) => bar.update({ bytesIn: p.bytesIn, bytesOut: p.bytesOut, lines: p.lines }),
      });
    } finally {
      bar.stop();
    }
    // forceReprocess rules out 'skipped'; the check keeps the types honest.
    if (result.outcome !== 'processed') throw new Error(`s3://${ref.bucket}/${ref.key} was not processed: ${result.outcome === 'skipped' ? result.reason : 'reading was stopped'}`);
    const summary = result.summary;
    const base = `s3://${target.bucket}/`;
    return { summary, where: { summary: base + summary.outputs.summaryKey, report: base + summary.outputs.reportKey, errors: summary.outputs.errorParts[0] && base + summary.outputs.errorParts[0].key } };
  } finally {
    s3.destroy();
  }
}

/** A local file, into the local directory. */
async function processFile(run: Run, input: string): Promise<{ summary: Summary; where: OutputLocations }> {
  const info = await stat(input).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') throw new NotFoundError(input, `${input}: no such file`, { cause: err });
    throw err;
  });
  if (!info.isFile()) throw new NotFoundError(input, `${input}: not a file`);
  return toDirectory(run, { bytes: createReadStream(input, { highWaterMark: 1024 * 1024 }), ref: { bucket: '', key: input }, size: info.size, referenceTime: info.mtime, inputPath: input });
}

/** Runs the pipeline on `bytes` with local outputs, behind a progress bar. */
async function toDirectory(
  run: Run,
  input: {
    bytes: AsyncIterable<Uint8Array>;
    ref: { bucket: string; key: string };
    size: number | undefined;
    identity?: { etag?: string; versionId?: string };
    resumes?: () => number;
    referenceTime?: Date | undefined;
    inputPath?: string;
  },
): Promise<{ summary: Summary; where: OutputLocations }> {
  const { options, io, out, config } = run;
  const bar = run.progress(input.size, path.basename(input.ref.key));
  try {
    const done = await processToDirectory({
      bytes: input.bytes, ref: input.ref, identity: input.identity, size: input.size, resumes: input.resumes, referenceTime: input.referenceTime, config, outDir: out,
      errorsOut: options.errorsOut, inputPath: input.inputPath, force: options.force, signal: io.signal, onProgress: (f) => bar.update(f),
    });
    return { summary: done.summary, where: { summary: done.summaryPath, report: done.reportPath, errors: done.errorsPath } };
  } finally {
    bar.stop();
  }
}
