import type { MapRunItemCounts, SFNClient } from '@aws-sdk/client-sfn';
import { DescribeExecutionCommand, DescribeMapRunCommand, ListMapRunsCommand, SFNServiceException } from '@aws-sdk/client-sfn';

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
  error?: string | undefined;
  cause?: string | undefined;
}

/**
 * Polls a Step Functions execution every `intervalMs` (default 2 s) until it stops, telling
 * `onProgress` the items done in its Distributed Map runs (ListMapRuns, DescribeMapRun), and
 * resolves to its final description. `signal` stops following, not the execution.
 *
 * @example const done = await followExecution(sfn, executionArn, { onProgress: (p) => bar.update(p) });
 */
export async function followExecution(
  sfn: SFNClient,
  executionArn: string,
  options: { intervalMs?: number; onProgress?: (progress: ExecutionProgress) => void; signal?: AbortSignal } = {},
): Promise<ExecutionDescription> {
  const { signal } = options;
  let last: ExecutionProgress = { status: 'RUNNING', mapRuns: 0, succeeded: 0, failed: 0, running: 0, pending: 0 };
  for (;;) {
    signal?.throwIfAborted();
    const { status, error, cause } = await sfn.send(new DescribeExecutionCommand({ executionArn }), { abortSignal: signal });
    const execution: ExecutionDescription = { status: status ?? 'RUNNING', error, cause };
    // The counts are for the display only: a failed look-up keeps the last ones (LocalStack 4.14
    // answers ListMapRuns with an InternalError until the execution reaches its first map).
    last = (await mapRunCounts(sfn, executionArn, execution.status, signal).catch((err: unknown) => {
      if (err instanceof SFNServiceException) return undefined;
      throw err;
    })) ?? { ...last, status: execution.status };
    options.onProgress?.(last);
    if (execution.status !== 'RUNNING') return execution;
    await pause(options.intervalMs ?? 2_000, signal);
  }
}

/**
 * Waits `ms`, or rejects with the signal's reason when it aborts first. The abort listener goes when
 * the wait ends: one left behind per poll added up over a long backfill (Node's leak warning at 11).
 */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function mapRunCounts(sfn: SFNClient, executionArn: string, status: string, signal: AbortSignal | undefined): Promise<ExecutionProgress> {
  const progress: ExecutionProgress = { status, mapRuns: 0, succeeded: 0, failed: 0, running: 0, pending: 0 };
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListMapRunsCommand({ executionArn, nextToken }), { abortSignal: signal });
    for (const run of page.mapRuns ?? []) {
      const counts: Partial<MapRunItemCounts> = (await sfn.send(new DescribeMapRunCommand({ mapRunArn: run.mapRunArn }), { abortSignal: signal })).itemCounts ?? {};
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
