import { servicesReady } from '../dev/localstack/hostLocalStack.js';
import type { UpState } from '../dev/local/upState.js';
import { readUpState, removeUpState } from '../dev/local/upState.js';
import { DEFAULT_STATE_FILE } from './constants.js';

/** The `up` state file in use: `LOGSIEVE_STATE_FILE`, else `.localstack/up.json`. */
export function stateFilePath(env: Record<string, string | undefined>): string {
  return env.LOGSIEVE_STATE_FILE?.trim() || DEFAULT_STATE_FILE;
}

/**
 * The state `logsieve up` left, if what it describes still runs: its keeper process is alive (when
 * it has one) and LocalStack answers its health check. A stale file is removed.
 *
 * @example const state = await liveUpState(stateFilePath(process.env));
 */
export async function liveUpState(file: string): Promise<UpState | undefined> {
  const state = await readUpState(file);
  if (!state) return undefined;
  if ((state.keeperPid === null || isAlive(state.keeperPid)) && (await servicesReady(state.endpoint))) return state;
  await removeUpState(file);
  return undefined;
}

/** True when a process with this id exists (signal 0 tests without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
