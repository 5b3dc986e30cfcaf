import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { main } from '../../../../cli/main.js';
import type { CliIO } from '../../../../cli/types.js';

/** The `bin` shim, run as a user runs `npx logsieve`. */
export const SHIM = path.resolve(import.meta.dirname, '../../../../dev/logsieve.mjs');

/** What a finished CLI run left. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a child run: this one without AWS/LocalStack endpoints or an `up` state
 * (tests say what they want), plus `extra`.
 */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(AWS_|LOCALSTACK_ENDPOINT|LOGSIEVE_|POWERTOOLS_)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Starts `node dev/logsieve.mjs …args` and gathers its output as it comes. */
export function startCli(args: string[], env: Record<string, string>): { child: ChildProcess; run: Promise<CliRun>; output: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [SHIM, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (output.stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (output.stderr += s));
  const run = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, ...output }));
  });
  return { child, run, output };
}

/** Runs the CLI as a child process to the end. */
export function runCli(args: string[], env: Record<string, string> = childEnv()): Promise<CliRun> {
  return startCli(args, env).run;
}

/** Runs the CLI in this process through `main`, capturing what it prints. */
export async function runInProcess(args: string[], io: Partial<CliIO> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'logsieve', ...args], {
    out: (s) => (stdout += s),
    err: (s) => (stderr += s),
    tty: false,
    env: {},
    signal: new AbortController().signal,
    ...io,
  });
  return { code, stdout, stderr };
}

/** Resolves once `predicate` holds, checking every 100 ms; fails after `timeoutMs` saying what it waited for. */
export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
