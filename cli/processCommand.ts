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
  const progress = (totalBytes: number | undefined, label: string) =>
    createProgressBar({ enabled: io.tty && !options.json, totalBytes, label });

  /** Runs the pipeline on `bytes` with local outputs, behind a progress bar. */
  const toDirectory = async (
    bytes: AsyncIterable<Uint8Array>,
    ref: { bucket: string; key: string },
    size: number | undefined,
    identity?: { etag?: string; versionId?: string },
    resumes?: () => number,
    referenceTime?: Date,
    inputPath?: string,
  ): Promise<{ summary: Summary; where: OutputLocations }> => {
    const bar = progress(size, path.basename(ref.key));
    try {
      const done = await processToDirectory({
        bytes, ref, identity, size, resumes, referenceTime, config, outDir: out, errorsOut: options.errorsOut, inputPath, force: options.force, signal: io.signal, onProgress: (f) => bar.update(f),
      });
      return { summary: done.summary, where: { summary: done.summaryPath, report: done.reportPath, errors: done.errorsPath } };
    } finally {
      bar.stop();
    }
  };

  let summary: Summary;
  let where: OutputLocations;
  if (input.startsWith('s3://')) {
    const ref = parseS3Uri(input, '<input>');
    // The AWS SDK loads here, on the S3 path only: a local file never pays for it.
    const [{ clientsFromEnv }, { processObject }, { s3Source }] = await Promise.all([
      import('../dev/local/clientsFromEnv.js'),
      import('../functions/src/pipeline/processObject.js'),
      import('../functions/src/stream/s3Source.js'),
    ]);
    const { s3 } = clientsFromEnv(io.env);
    try {
      if (target) {
        const bar = progress(undefined, path.basename(ref.key));
        let result;
        try {
          result = await processObject({ s3, config: { ...config, forceReprocess: true } }, ref, {
            signal: io.signal,
            onProgress: (p) => bar.update({ bytesIn: p.bytesIn, bytesOut: p.bytesOut, lines: p.lines }),
          });
        } finally {
          bar.stop();
        }
        // forceReprocess rules out 'skipped'; the check keeps the types honest.
        if (result.outcome !== 'processed') throw new Error(`s3://${ref.bucket}/${ref.key} was not processed: ${result.outcome === 'skipped' ? result.reason : 'reading was stopped'}`);
        summary = result.summary;
        const base = `s3://${target.bucket}/`;
        where = { summary: base + summary.outputs.summaryKey, report: base + summary.outputs.reportKey, errors: summary.outputs.errorParts[0] && base + summary.outputs.errorParts[0].key };
      } else {
        const source = await s3Source({ client: s3, bucket: ref.bucket, key: ref.key, signal: io.signal });
        try {
          ({ summary, where } = await toDirectory(source.bytes, ref, source.contentLength, sourceIdentity(source), () => source.resumes, source.lastModified));
        } finally {
          source.close();
        }
      }
    } finally {
      s3.destroy();
    }
  } else {
    const info = await stat(input).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') throw new NotFoundError(input, `${input}: no such file`, { cause: err });
      throw err;
    });
    if (!info.isFile()) throw new NotFoundError(input, `${input}: not a file`);
    ({ summary, where } = await toDirectory(createReadStream(input, { highWaterMark: 1024 * 1024 }), { bucket: '', key: input }, info.size, undefined, undefined, info.mtime, input));
  }

  io.out(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary, where));
  if (summary.status === 'failed') throw new CorruptInputError(input, summary.reason ?? 'unknown damage');
  return summary;
}
