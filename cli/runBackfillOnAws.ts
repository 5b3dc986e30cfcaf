import type { S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import cliProgress from 'cli-progress';
import { backfillKeys } from '../functions/src/backfill/backfillKeys.js';
import { getJson } from '../functions/src/backfill/getJson.js';
import { planBackfill } from '../functions/src/backfill/planBackfill.js';
import type { BackfillOutput, BackfillPlan, BackfillReport, BackfillSource } from '../functions/src/backfill/types.js';
import type { BackfillPlanSettingsInput } from '../functions/src/backfill/validatePlanOptions.js';
import { lambdaClientConfig } from '../dev/local/clientsFromEnv.js';
import { CliError, UsageError } from './errors.js';
import type { ExecutionProgress } from './followExecution.js';
import { followExecution } from './followExecution.js';
import type { CliIO } from './types.js';

/** Step Functions' bound on an execution's input. */
const MAX_EXECUTION_INPUT_BYTES = 256 * 1024;

/** Options of {@link runBackfillOnAws}. */
export interface RunBackfillOnAwsOptions {
  s3: S3Client;
  /** Step Functions endpoint (LocalStack); default AWS. */
  endpoint: string | undefined;
  stateMachineArn: string;
  source: BackfillSource;
  /** Must be the deployed backfill function's output bucket and prefix. */
  output: BackfillOutput;
  settings: BackfillPlanSettingsInput;
  /** Draw a progress bar (a TTY, not --json). */
  progress: boolean;
  /** Poll interval while following. Default 2 s. */
  intervalMs?: number;
}

/**
 * `logsieve backfill --on-aws`: plans the prefix here (the manifest goes to `output`), starts the
 * deployed backfill state machine on it, named after the backfill id, and follows the execution
 * with a progress bar of items until it stops; then reads and returns the report the final step
 * wrote. Ctrl-C stops following, not the execution.
 *
 * @throws CliError when the execution stopped without a report.
 */
export async function runBackfillOnAws(options: RunBackfillOnAwsOptions, io: CliIO): Promise<{ plan: BackfillPlan; report: BackfillReport; executionArn: string }> {
  // Configured as the S3 client is: the endpoint (LocalStack), region and dummy credentials, or AWS's chain.
  const sfn = new SFNClient({ ...lambdaClientConfig(io.env, options.endpoint), requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 } });
  try {
    return await startAndFollow(options, sfn, io);
  } finally {
    sfn.destroy();
  }
}

async function startAndFollow(options: RunBackfillOnAwsOptions, sfn: SFNClient, io: CliIO): Promise<{ plan: BackfillPlan; report: BackfillReport; executionArn: string }> {
  const { s3, output } = options;
  const plan = await planBackfill({ s3, source: options.source, output, settings: options.settings, signal: io.signal });
  const input = JSON.stringify({ backfillId: plan.backfillId, pages: plan.pages.map((p) => p.key) });
  if (Buffer.byteLength(input) > MAX_EXECUTION_INPUT_BYTES) {
    throw new UsageError(`the plan has ${plan.pages.length} manifest pages, too many to name in an execution input (256 KiB); raise --items-per-page or --max-item-keys`);
  }
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: options.stateMachineArn, name: plan.backfillId, input }), { abortSignal: io.signal });
  if (!executionArn) throw new CliError(`StartExecution on ${options.stateMachineArn} answered no executionArn`);
  io.err(`logsieve: backfill ${plan.backfillId}: ${plan.counts.objects} objects in ${plan.counts.items} items on ${plan.pages.length} pages; execution ${executionArn}\n`);

  const bar = options.progress ? itemBar(plan.counts.items) : undefined;
  let execution;
  try {
    execution = await followExecution(sfn, executionArn, {
      signal: io.signal,
      ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
      onProgress: (p) => bar?.update(p, plan.pages.length),
    });
  } catch (err) {
    if (io.signal.aborted) io.err(`logsieve: stopped following; the execution goes on: ${executionArn}\n`);
    throw err;
  } finally {
    bar?.stop();
  }
  const report = await getJson<BackfillReport>(s3, output.bucket, backfillKeys(output.prefix, plan.backfillId).report);
  if (report === undefined) {
    throw new CliError(`the execution ended ${execution.status} without a report${execution.error ? `: ${execution.error}${execution.cause ? `: ${execution.cause}` : ''}` : ''} (${executionArn})`);
  }
  return { plan, report, executionArn };
}

function itemBar(items: number): { update(p: ExecutionProgress, pages: number): void; stop(): void } {
  const bar = new cliProgress.SingleBar(
    { format: 'backfill {bar} {value}/{total} items | {failed} failed, {running} running | page {page}/{pages} | {status}', fps: 5, hideCursor: true, stream: process.stderr, barsize: 24 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(1, items), 0, { failed: 0, running: 0, page: 0, pages: 0, status: 'RUNNING' });
  return {
    update: (p, pages) => bar.update(p.succeeded + p.failed, { failed: p.failed, running: p.running, page: p.mapRuns, pages, status: p.status }),
    stop: () => bar.stop(),
  };
}
