import { GetEventSourceMappingCommand, ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import type { LambdaClient } from '@aws-sdk/client-lambda';

/** Bound on waiting for a mapping to reach Disabled or Enabled. */
const STATE_TIMEOUT_MS = 60_000;

/**
 * Disables the function's enabled event source mappings (the deployed stack's SQS trigger), waits
 * until they are Disabled, and returns what enables them again. `logsieve watch` runs the handler
 * in its own process meanwhile, so that it, not the deployed function, receives the messages.
 *
 * @example const resume = await pauseEventSource(lambda, 'Logsieve-Processor'); try { … } finally { await resume(); }
 */
export async function pauseEventSource(lambda: LambdaClient, functionName: string): Promise<() => Promise<void>> {
  const { EventSourceMappings = [] } = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: functionName }));
  const paused = EventSourceMappings.filter((m) => m.UUID && m.State !== 'Disabled' && m.State !== 'Disabling').map((m) => m.UUID as string);
  for (const uuid of paused) await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
  await waitForStates(lambda, paused, 'Disabled');
  return async () => {
    for (const uuid of paused) await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
    await waitForStates(lambda, paused, 'Enabled');
  };
}

async function waitForStates(lambda: LambdaClient, uuids: string[], state: 'Enabled' | 'Disabled'): Promise<void> {
  const deadline = Date.now() + STATE_TIMEOUT_MS;
  for (const uuid of uuids) {
    for (;;) {
      const current = (await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State;
      if (current === state) break;
      if (Date.now() > deadline) throw new Error(`event source mapping ${uuid} is ${current ?? 'unknown'}, not ${state}, after ${STATE_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
