import { backfillKeys } from '../functions/src/backfill/backfillKeys.js';
import { BackfillOptionError } from '../functions/src/backfill/errors.js';
import { runBackfill } from '../functions/src/backfill/runBackfill.js';
import type { BackfillPlanSettings, BackfillReport, BackfillSource } from '../functions/src/backfill/types.js';
import { clientsFromEnv } from '../dev/local/clientsFromEnv.js';
import { createBackfillProgress } from './createBackfillProgress.js';
import { CliError, UsageError } from './errors.js';
import { loadCliConfig } from './loadCliConfig.js';
import { parseS3Uri } from './parseS3Uri.js';
import type { CliIO } from './types.js';

/** Options of `logsieve backfill`. */
export interface BackfillCommandOptions {
  /** Keep keys ending in one of these (any key when empty). */
  suffix?: string[] | undefined;
  /** Keep objects last modified at or after this date or time. */
  since?: string | undefined;
  /** Keep objects last modified before this date or time. */
  until?: string | undefined;
  /** Objects at once in this process. Default 8. */
  concurrency?: number | undefined;
  /** `s3://bucket/prefix/` of the outputs. Default: LOGSIEVE_OUTPUT_BUCKET, else the input bucket, under LOGSIEVE_OUTPUT_PREFIX (logsieve/). */
  out?: string | undefined;
  /** Rules JSON file. */
  config?: string | undefined;
  /** Planner settings. */
  maxItemKeys?: number | undefined;
  maxItemBytes?: number | undefined;
  itemsPerPage?: number | undefined;
  /** Print the report JSON on stdout. */
  json?: boolean | undefined;
  /** Run on the deployed state machine instead of in this process. */
  onAws?: boolean | undefined;
  /** The backfill state machine (stack output BackfillStateMachineArn); env LOGSIEVE_BACKFILL_STATE_MACHINE_ARN. */
  stateMachineArn?: string | undefined;
}

/**
 * `logsieve backfill s3://bucket/prefix/`: plans the prefix (every page of the listing, filtered
 * by suffix and LastModified), processes it in this process with `--concurrency` objects at once
 * through the Lambda's own code (objects whose summary is complete are skipped, so a failed run can
 * simply be run again), writes the item results and the report under
 * `<outputPrefix>backfills/<id>/`, and prints the report. With `--on-aws` the deployed state
 * machine processes the plan instead (runBackfillOnAws). Fails (exit 1) when an object failed.
 *
 * @example await backfillCommand('s3://logs/alb/', { suffix: ['.gz'], since: '2026-11-01' }, io);
 */
export async function backfillCommand(prefixUri: string, options: BackfillCommandOptions, io: CliIO): Promise<BackfillReport> {
  const input = parseS3Uri(prefixUri, '<prefix>', { keyRequired: false });
  const out = options.out === undefined ? undefined : parseS3Uri(options.out, '--out', { keyRequired: false });
  const config = loadCliConfig({
    env: io.env,
    rulesFile: options.config,
    outputBucket: out?.bucket ?? io.env.LOGSIEVE_OUTPUT_BUCKET ?? input.bucket,
    outputPrefix: out ? out.key : undefined,
  });
  const source: BackfillSource = {
    bucket: input.bucket,
    prefix: input.key,
    suffixes: options.suffix ?? [],
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.until !== undefined ? { until: options.until } : {}),
  };
  const settings: Partial<BackfillPlanSettings> = {
    ...(options.maxItemKeys !== undefined ? { maxItemKeys: options.maxItemKeys } : {}),
    ...(options.maxItemBytes !== undefined ? { maxItemBytes: options.maxItemBytes } : {}),
    ...(options.itemsPerPage !== undefined ? { itemsPerPage: options.itemsPerPage } : {}),
  };
  const stateMachineArn = options.stateMachineArn ?? io.env.LOGSIEVE_BACKFILL_STATE_MACHINE_ARN;
  if (options.onAws && !stateMachineArn) {
    throw new UsageError('--on-aws needs --state-machine-arn (the stack output BackfillStateMachineArn) or LOGSIEVE_BACKFILL_STATE_MACHINE_ARN');
  }
  if (!options.onAws && options.stateMachineArn) throw new UsageError('--state-machine-arn goes with --on-aws');
  const { s3, endpoint } = clientsFromEnv(io.env);
  const bar = createBackfillProgress({ enabled: io.tty && !options.json && !options.onAws, label: prefixUri });
  let report: BackfillReport;
  try {
    if (options.onAws) {
      const output = { bucket: config.outputBucket, prefix: config.outputPrefix };
      // Loaded here only: the Step Functions client is for --on-aws.
      const { runBackfillOnAws } = await import('./runBackfillOnAws.js');
      ({ report } = await runBackfillOnAws({ s3, endpoint, stateMachineArn: stateMachineArn!, source, output, settings, progress: io.tty && !options.json }, io));
    } else {
      ({ report } = await runBackfill({
        deps: { s3, config },
        source,
        settings,
        ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
        signal: io.signal,
        onProgress: (p) => bar.update(p),
      }));
    }
  } catch (err) {
    if (err instanceof BackfillOptionError) throw new UsageError(err.message.replace(/^backfill option /, ''), { cause: err });
    throw err;
  } finally {
    bar.stop();
    s3.destroy();
  }
  io.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, config.outputBucket));
  if (report.status !== 'complete') {
    throw new CliError(`${report.counts.failed} of ${report.counts.objects} objects failed; reasons in s3://${config.outputBucket}/${backfillKeys(report.output.prefix, report.backfillId).report}`);
  }
  return report;
}

/** The report as a person reads it: the counts, then the first failures. */
export function formatReport(report: BackfillReport, outputBucket: string): string {
  const c = report.counts;
  const lines = [
    `backfill ${report.backfillId}: s3://${report.source.bucket}/${report.source.prefix} (${report.status})`,
    `  objects ${c.objects} in ${c.items} items: ${c.processed} processed, ${c.skipped} skipped (complete summary), ${c.failed} failed`,
    `  read ${(c.bytesIn / 1e6).toFixed(1)} MB, ${c.records} error records written`,
    ...report.failures.slice(0, 10).map((f) => `  failed: ${f.key}: ${f.reason}`),
    ...(report.failures.length > 10 || report.failuresOmitted > 0 ? [`  … ${Math.max(0, report.failures.length - 10) + report.failuresOmitted} more failures in the report`] : []),
    ...(report.mapError ? [`  the map stopped: ${report.mapError.error}${report.mapError.cause ? `: ${report.mapError.cause}` : ''}`] : []),
    `  report: s3://${outputBucket}/${backfillKeys(report.output.prefix, report.backfillId).report}`,
    // A report written before the rollup existed has no rollupKey.
    ...(report.rollupKey ? [`  rollup: s3://${outputBucket}/${report.rollupKey} (.html next to it)`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
