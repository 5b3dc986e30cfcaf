import { readUpState, removeUpState } from '../dev/local/upState.js';
import { CliError } from './errors.js';
import { isAlive, stateFilePath } from './liveUpState.js';
import type { CliIO } from './types.js';

/** Bound on waiting for the keeper to stop LocalStack (its own SIGTERM→SIGKILL grace is 10 s). */
const STOP_TIMEOUT_MS = 30_000;

/**
 * `logsieve down`: stops the LocalStack that `up` left running (SIGTERM to its keeper, which stops
 * LocalStack and removes the state file) and waits until it is gone. Nothing up is not an error.
 *
 * @example await downCommand(io);
 */
export async function downCommand(io: CliIO): Promise<void> {
  const file = stateFilePath(io.env);
  const state = await readUpState(file);
  if (!state) {
    io.err(`nothing is up (no ${file})\n`);
    return;
  }
  if (state.keeperPid !== null && isAlive(state.keeperPid)) {
    process.kill(state.keeperPid, 'SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (isAlive(state.keeperPid)) {
      if (Date.now() > deadline) throw new CliError(`the LocalStack keeper (pid ${state.keeperPid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    io.err(`stopped LocalStack at ${state.endpoint}\n`);
  } else if (state.keeperPid === null) {
    io.err(`forgot ${state.endpoint} (given by LOCALSTACK_ENDPOINT; not ours to stop)\n`);
  }
  await removeUpState(file);
}
