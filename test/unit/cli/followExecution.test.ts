import { getEventListeners } from 'node:events';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { DescribeExecutionCommand, ListMapRunsCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { followExecution } from '../../../cli/followExecution.js';

/** An SFN client that answers RUNNING `polls` times, then SUCCEEDED; no map runs. */
function fakeSfn(polls: number): SFNClient {
  let described = 0;
  return {
    send: async (command: unknown) => {
      if (command instanceof DescribeExecutionCommand) return { status: ++described > polls ? 'SUCCEEDED' : 'RUNNING' };
      if (command instanceof ListMapRunsCommand) return { mapRuns: [] };
      throw new Error(`unexpected command ${String(command)}`);
    },
  } as unknown as SFNClient;
}

describe('followExecution', () => {
  it('polls until the execution stops, leaving no abort listener behind on the signal', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const done = await followExecution(fakeSfn(20), 'arn:aws:states:us-east-1:000000000000:execution:m:e', {
      intervalMs: 1,
      signal: controller.signal,
      onProgress: (p) => seen.push(p.status),
    });
    expect(done.status).toBe('SUCCEEDED');
    expect(seen).toHaveLength(21);
    // One listener per poll was left before (Node warned at 11): none now.
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('stops following when the signal aborts during a wait, with its reason', async () => {
    const controller = new AbortController();
    const following = followExecution(fakeSfn(Number.MAX_SAFE_INTEGER), 'arn:aws:states:us-east-1:000000000000:execution:m:e', { intervalMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('interrupted')), 20);
    await expect(following).rejects.toThrow('interrupted');
  });
});
