import type { StepFunctionsClient } from './createStepFunctionsClient.js';
import { StepFunctionsCallError } from './createStepFunctionsClient.js';

/** Item counts of a backfill execution, summed over its map runs (one per manifest page). */
export interface ExecutionProgress {
  status: string;
  /** Map runs started: the page being processed is the last. */
  mapRuns: number;
  succeeded: number;
  failed: number;
  running: number;
  pending: number;
}

/** What `DescribeExecution` answers that the backfill reads. */
export interface ExecutionDescription {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';
  error?: string;
  cause?: string;
}

type ItemCounts = { succeeded?: number; failed?: number; running?: number; pending?: number; timedOut?: number; aborted?: number };

/**
 * Polls a Step Functions execution every `intervalMs` (default 2 s) until it stops, telling
 * `onProgress` the items done in its Distributed Map runs (ListMapRuns, DescribeMapRun), and
 * resolves to its final description. `signal` stops following, not the execution.
 *
 * @example const done = await followExecution(sfn, executionArn, { onProgress: (p) => bar.update(p) });
 */
export async function followExecution(
  sfn: StepFunctionsClient,
  executionArn: string,
  options: { intervalMs?: number; onProgress?: (progress: ExecutionProgress) => void; signal?: AbortSignal } = {},
): Promise<ExecutionDescription> {
  const { signal } = options;
  let last: ExecutionProgress = { status: 'RUNNING', mapRuns: 0, succeeded: 0, failed: 0, running: 0, pending: 0 };
  for (;;) {
    signal?.throwIfAborted();
    const execution = await sfn.call<ExecutionDescription>('DescribeExecution', { executionArn }, signal);
    // The counts are for the display only: a failed look-up keeps the last ones (LocalStack 4.14
    // answers ListMapRuns with an InternalError until the execution reaches its first map).
    last = (await mapRunCounts(sfn, executionArn, execution.status, signal).catch((err: unknown) => {
      if (err instanceof StepFunctionsCallError) return undefined;
      throw err;
    })) ?? { ...last, status: execution.status };
    options.onProgress?.(last);
    if (execution.status !== 'RUNNING') return execution;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, options.intervalMs ?? 2_000);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      }, { once: true });
    });
  }
}

async function mapRunCounts(sfn: StepFunctionsClient, executionArn: string, status: string, signal: AbortSignal | undefined): Promise<ExecutionProgress> {
  const progress: ExecutionProgress = { status, mapRuns: 0, succeeded: 0, failed: 0, running: 0, pending: 0 };
  let nextToken: string | undefined;
  do {
    const page = await sfn.call<{ mapRuns?: { mapRunArn: string }[]; nextToken?: string }>('ListMapRuns', { executionArn, ...(nextToken ? { nextToken } : {}) }, signal);
    for (const run of page.mapRuns ?? []) {
      const counts = (await sfn.call<{ itemCounts?: ItemCounts }>('DescribeMapRun', { mapRunArn: run.mapRunArn }, signal)).itemCounts ?? {};
      progress.mapRuns++;
      progress.succeeded += counts.succeeded ?? 0;
      progress.failed += (counts.failed ?? 0) + (counts.timedOut ?? 0) + (counts.aborted ?? 0);
      progress.running += counts.running ?? 0;
      progress.pending += counts.pending ?? 0;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return progress;
}
