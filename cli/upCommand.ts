import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { LOCALSTACK } from '../dev/localstack/constants.js';
import { clientsFromEnv } from '../dev/local/clientsFromEnv.js';
import { deployLocalPipeline, LocalDeployError } from '../dev/local/deployLocalPipeline.js';
import { provisionLocalPipeline } from '../dev/local/provisionLocalPipeline.js';
import type { UpState } from '../dev/local/upState.js';
import { readUpState, removeUpState, writeUpState } from '../dev/local/upState.js';
import { acquireLocalStack } from './acquireLocalStack.js';
import type { ExitCode } from './constants.js';
import { CLI_SHIM, EXIT } from './constants.js';
import { CliError } from './errors.js';
import { isAlive, liveUpState, stateFilePath } from './liveUpState.js';
import type { CliIO } from './types.js';

/** Options of `logsieve up`. */
export interface UpCommandOptions {
  /** Stay in the foreground and stop LocalStack on Ctrl-C, instead of leaving it running in the background. */
  foreground?: boolean | undefined;
  /**
   * Deploy the real stack with cdklocal (default true): the function runs on every upload. False:
   * only the buckets, queues and notification, made with SDK calls in seconds; `watch` runs the handler.
   */
  deploy?: boolean | undefined;
  /** CloudFormation stack name of the deploy. Default 'Logsieve'. */
  stackName?: string | undefined;
  /** Extra CDK context for the deploy, as `cdk -c key=value`: `{ 'logsieve:timeoutSeconds': '60' }`. */
  context?: Record<string, string> | undefined;
}

/** Stack name `up` deploys by default. */
export const DEFAULT_UP_STACK = 'Logsieve';

/** Bound on the background start: the first one installs LocalStack into .localstack/venv. */
const DETACHED_START_TIMEOUT_MS = 15 * 60_000;

/**
 * `logsieve up`: LocalStack through the harness, the real stack deployed to it with cdklocal (buckets,
 * queues, S3 → SQS notification, the function and its event source mapping: an upload is processed
 * with nothing else running; `--no-deploy`: the same resources minus the function, made with SDK
 * calls), and a state file (`.localstack/up.json`) that `watch`, `demo` and `down`
 * read. By default LocalStack is left running in the background (a detached keeper process owns
 * it; `logsieve down` stops it) and `up` returns; `--foreground` keeps it until Ctrl-C. With
 * `LOCALSTACK_ENDPOINT` set, that LocalStack is used and nothing is started. Idempotent: when a
 * live `up` exists it is reported, not duplicated.
 *
 * @example await upCommand({}, io); // then: npx logsieve watch
 */
export async function upCommand(options: UpCommandOptions, io: CliIO): Promise<UpState> {
  const file = stateFilePath(io.env);
  const existing = await liveUpState(file);
  if (existing) {
    io.err(`already up (${file})\n`);
    io.out(describeUp(existing, file));
    return existing;
  }
  let state: UpState;
  if (io.env.LOCALSTACK_ENDPOINT?.trim()) state = await provisionOnly(io, file, options);
  else if (options.foreground) return runKeeper(io, file, options);
  else state = await startDetachedKeeper(io, file, options);
  io.out(describeUp(state, file));
  return state;
}

/** Starts a detached keeper (LocalStack up in the background) unless one is live; says which. */
export async function ensureUp(io: CliIO, options: UpCommandOptions = {}): Promise<{ state: UpState; started: boolean }> {
  const file = stateFilePath(io.env);
  const existing = await liveUpState(file);
  if (existing) return { state: existing, started: false };
  const state = io.env.LOCALSTACK_ENDPOINT?.trim() ? await provisionOnly(io, file, options) : await startDetachedKeeper(io, file, options);
  return { state, started: state.keeperPid !== null };
}

/** The lines `up` prints: where everything is, and how to use it from another shell. */
export function describeUp(state: UpState, file: string): string {
  return [
    `LocalStack is up: ${state.description}`,
    `  endpoint        ${state.endpoint}`,
    `  input bucket    ${state.inputBucket}   (uploads notify the queue)`,
    `  output bucket   ${state.outputBucket}   (prefix ${state.outputPrefix})`,
    `  queue           ${state.queueUrl}`,
    `  dead letters    ${state.deadLetterQueueUrl}   (after ${state.maxReceiveCount} receives; visibility ${state.visibilityTimeoutSeconds} s)`,
    ...(state.functionName ? [`  function        ${state.functionName}   (stack ${state.stackName ?? '?'}; invoked by the queue's event source mapping)`] : []),
    `  state           ${file}`,
    'Use it:',
    `  export LOCALSTACK_ENDPOINT=${state.endpoint}`,
    `  aws --endpoint-url ${state.endpoint} s3 cp app.log.gz s3://${state.inputBucket}/app/app.log.gz`,
    ...(state.functionName
      ? [
          `    → the deployed function writes s3://${state.outputBucket}/${state.outputPrefix}summaries/app/app.log.gz.json`,
          `  aws --endpoint-url ${state.endpoint} logs tail /aws/lambda/${state.functionName} --follow   # its log`,
          '  npx logsieve watch      # debugging: pauses the function\'s event source, runs the handler in this process',
        ]
      : ['  npx logsieve watch      # runs the handler on each upload, as the Lambda would']),
    state.keeperPid === null ? '  (LocalStack was given by LOCALSTACK_ENDPOINT: logsieve down only forgets it)' : '  npx logsieve down       # stops LocalStack',
    '',
  ].join('\n');
}

/** Uses the LocalStack named by LOCALSTACK_ENDPOINT: resources and state only, nothing to keep alive. */
async function provisionOnly(io: CliIO, file: string, options: UpCommandOptions): Promise<UpState> {
  const localstack = await acquireLocalStack(io);
  const state = await provision(io, localstack, null, options);
  await writeUpState(file, state);
  return state;
}

/** The stack deployed with cdklocal (or, with deploy false, the resources made by SDK calls), as a state. */
async function provision(
  io: CliIO,
  localstack: { endpoint: string; mode: UpState['mode']; description: string },
  keeperPid: number | null,
  options: UpCommandOptions,
): Promise<UpState> {
  const { s3, sqs } = clientsFromEnv(io.env, localstack.endpoint);
  try {
    const base = { endpoint: localstack.endpoint, mode: localstack.mode, description: localstack.description, keeperPid, startedAt: new Date().toISOString() };
    if (options.deploy === false) return { ...(await provisionLocalPipeline(s3, sqs)), ...base };
    const stackName = options.stackName ?? DEFAULT_UP_STACK;
    // '[localstack]' lines are the ones a detached keeper's parent relays to the terminal.
    io.err(`[localstack] deploying stack ${stackName} with cdklocal (synth, esbuild bundle, CloudFormation: about a minute)\n`);
    const started = Date.now();
    const pipeline = await deployLocalPipeline({
      endpoint: localstack.endpoint,
      sqs,
      stackName,
      ...(options.context ? { context: options.context } : {}),
      // A keeper writes them to its log file; in the terminal they would bury the summary.
      log: keeperPid === null ? () => {} : (line) => io.err(`[cdklocal] ${line}\n`),
    }).catch((err: unknown) => {
      throw err instanceof LocalDeployError ? new CliError(err.message) : err;
    });
    io.err(`[localstack] deployed ${stackName} in ${((Date.now() - started) / 1000).toFixed(1)} s: function ${pipeline.functionName}\n`);
    return { ...pipeline, ...base };
  } finally {
    s3.destroy();
    sqs.destroy();
  }
}

/**
 * The foreground `up`: owns LocalStack until the signal fires (Ctrl-C, or `logsieve down` sending
 * SIGTERM to the detached keeper), then removes the state file and stops LocalStack.
 */
async function runKeeper(io: CliIO, file: string, options: UpCommandOptions): Promise<UpState> {
  const localstack = await acquireLocalStack(io);
  try {
    const state = await provision(io, localstack, process.pid, options);
    if (io.env.LOGSIEVE_KEEPER_LOG) state.keeperLog = io.env.LOGSIEVE_KEEPER_LOG;
    await writeUpState(file, state);
    io.out(describeUp(state, file));
    io.err('LocalStack runs until Ctrl-C (or logsieve down).\n');
    if (!io.signal.aborted) await new Promise((resolve) => io.signal.addEventListener('abort', resolve, { once: true }));
    io.err('stopping LocalStack…\n');
    return state;
  } finally {
    const current = await readUpState(file).catch(() => undefined);
    if (current?.keeperPid === process.pid) await removeUpState(file);
    await localstack.stop();
  }
}

/**
 * Runs `logsieve up --foreground` as a detached process (its own session, so the terminal's Ctrl-C
 * and this process's exit leave it alone), relays its log until it has written the state file,
 * and returns that state. Fails with the keeper's last log lines if it exits first.
 */
async function startDetachedKeeper(io: CliIO, file: string, options: UpCommandOptions): Promise<UpState> {
  const logFile = path.join(LOCALSTACK.home, 'logs', `keeper-${Date.now()}.log`);
  await mkdir(path.dirname(logFile), { recursive: true });
  await removeUpState(file);
  const fd = openSync(logFile, 'w');
  const args = [CLI_SHIM, 'up', '--foreground', ...(options.deploy === false ? ['--no-deploy'] : []), ...(options.stackName ? ['--stack-name', options.stackName] : []),
    ...Object.entries(options.context ?? {}).flatMap(([k, v]) => ['--context', `${k}=${v}`])];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...io.env, LOGSIEVE_STATE_FILE: file, LOGSIEVE_KEEPER_LOG: logFile },
  });
  closeSync(fd);
  const pid = child.pid;
  // An object, not a `let`: the compiler cannot see the callback assign it.
  const exited: { code: number | null } = { code: null };
  child.once('exit', (code, signal) => {
    exited.code = code ?? (signal ? 128 : 1);
  });
  child.unref();
  if (pid === undefined) throw new CliError(`could not start the LocalStack keeper (${CLI_SHIM})`);
  io.err(`starting LocalStack in the background (keeper pid ${pid}, log ${logFile})\n`);

  let relayed = 0;
  const relay = async (): Promise<string> => {
    const text = await readFile(logFile, 'utf8').catch(() => '');
    // Only the harness's progress lines: the keeper's own summary is printed by us, from the state.
    for (const line of text.slice(relayed).split('\n').slice(0, -1)) if (line.startsWith('[localstack]')) io.err(`${line}\n`);
    relayed = text.lastIndexOf('\n') + 1;
    return text;
  };
  const deadline = Date.now() + DETACHED_START_TIMEOUT_MS;
  for (;;) {
    await relay();
    const state = await readUpState(file).catch(() => undefined);
    if (state?.keeperPid === pid) return state;
    if (exited.code !== null || !isAlive(pid)) {
      const exitCode = exited.code;
      const tail = (await relay()).trimEnd().split('\n').slice(-3).join(' | ');
      // The keeper's own exit code says why (4: LocalStack not available, 1: it failed to start).
      const code = (Object.values(EXIT) as number[]).includes(exitCode ?? -1) ? (exitCode as ExitCode) : EXIT.failure;
      throw new CliError(`the LocalStack keeper exited (code ${exitCode ?? '?'}) before LocalStack was up: ${tail} (log ${logFile})`, code);
    }
    if (Date.now() > deadline || io.signal.aborted) {
      process.kill(pid, 'SIGTERM');
      throw new CliError(io.signal.aborted ? 'interrupted while LocalStack was starting; stopped it' : `LocalStack was not up within ${DETACHED_START_TIMEOUT_MS / 60_000} min (log ${logFile})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
