import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LocalStackMode } from '../localstack/types.js';
import type { LocalPipeline } from './provisionLocalPipeline.js';

/** What `logsieve up` leaves for `watch`, `demo` and `down`: where LocalStack is and what it holds. */
export interface UpState extends LocalPipeline {
  endpoint: string;
  mode: LocalStackMode;
  description: string;
  /** The process that keeps LocalStack running (stop it to stop LocalStack); null when it was given by LOCALSTACK_ENDPOINT. */
  keeperPid: number | null;
  /** The keeper's own log, when detached. */
  keeperLog?: string;
  startedAt: string;
  /** The CloudFormation stack `up` deployed (absent with `up --no-deploy`: no function, `watch` runs the handler). */
  stackName?: string;
  /** The deployed function the queue's event source mapping invokes. */
  functionName?: string;
}

/**
 * Reads the `up` state file; undefined when there is none. A file that is not a state document is
 * an error naming the file.
 *
 * @example const state = await readUpState('.localstack/up.json');
 */
export async function readUpState(file: string): Promise<UpState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const state = JSON.parse(text) as Partial<UpState>;
  if (typeof state.endpoint !== 'string' || typeof state.queueUrl !== 'string' || typeof state.outputBucket !== 'string') {
    throw new Error(`${file} is not a logsieve up state (endpoint, queueUrl and outputBucket expected); delete it and run logsieve up`);
  }
  return state as UpState;
}

/** Writes the state file whole (temporary name, then rename), so a reader never sees half of it. */
export async function writeUpState(file: string, state: UpState): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.partial`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, file);
}

/** Removes the state file if it is there. */
export async function removeUpState(file: string): Promise<void> {
  await rm(file, { force: true });
}
