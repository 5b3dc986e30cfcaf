import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCALSTACK, REPO_ROOT } from '../dev/localstack/constants.js';

/**
 * Exit codes of `logsieve`. 0 on success; otherwise the process prints one line saying why.
 * Documented in `logsieve --help`.
 */
export const EXIT = {
  ok: 0,
  /** Anything not listed below (a bug, a write that failed, LocalStack that would not start). */
  failure: 1,
  /** Bad arguments: unknown command or option, missing or malformed value. */
  usage: 2,
  /** The input file, bucket or object does not exist (or there is no `up` state to use). */
  notFound: 3,
  /** The S3/SQS endpoint (AWS, LocalStack) cannot be reached. */
  unreachable: 4,
  /** The rules file (`--config`) or a LOGSIEVE_* setting is invalid. */
  badConfig: 5,
  /** The input is corrupt or truncated: outputs were written for what could be read. */
  corruptInput: 6,
  /** An output file exists and is not a previous output of logsieve (`--force` overwrites it). */
  outputExists: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Text appended to `logsieve --help`. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  other failure (see the message)
  2  bad arguments (usage error); an output that is the input file; an output name too long
  3  input file, bucket or object not found; no \`logsieve up\` state
  4  endpoint unreachable (AWS_ENDPOINT_URL / LOCALSTACK_ENDPOINT / LocalStack not available)
  5  bad configuration (--config rules file or LOGSIEVE_* setting)
  6  input corrupt or truncated (outputs written for what was read)
  7  an output file exists and is not a logsieve output (--force overwrites it)
`;

/** Levels `--log-level` accepts (Powertools' names, any case). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'critical', 'silent'] as const;
export type CliLogLevel = (typeof LOG_LEVELS)[number];

/** Where `logsieve process` writes when `--out` is not given. */
export const DEFAULT_OUT_DIR = 'logsieve-out';

/** Where `logsieve demo` downloads the HTML reports and summaries. */
export const DEFAULT_DEMO_DIR = 'logsieve-demo';

/** State written by `logsieve up` and read by `watch`, `demo` and `down`; `LOGSIEVE_STATE_FILE` overrides. */
export const DEFAULT_STATE_FILE = path.join(LOCALSTACK.home, 'up.json');

/**
 * The command `up` runs again as its detached LocalStack keeper: the running bundle when this is
 * the built CLI (dist/cli/logsieve.mjs, where esbuild put this module), else the repository's tsx
 * shim that runs the TypeScript source.
 */
export const CLI_SHIM = import.meta.url.endsWith('.ts') ? path.join(REPO_ROOT, 'dev', 'logsieve.mjs') : fileURLToPath(import.meta.url);
