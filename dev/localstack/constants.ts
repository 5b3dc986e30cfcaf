import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Repository root, found from this file's place in it. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const LOCALSTACK = {
  /** localstack-core release run on the host: the last community release that starts without an auth token. */
  version: '4.14.0',
  /** Container image for the testcontainers path; `LOCALSTACK_IMAGE` overrides it. Same release as the host one. */
  image: 'localstack/localstack:4.14.0',
  /** Git-ignored home of the venv, per-instance state and logs. */
  home: path.join(REPO_ROOT, '.localstack'),
  /** Exact dependency set the venv is installed with (pip freeze of a venv that starts). */
  constraintsFile: path.join(REPO_ROOT, 'dev', 'localstack', 'constraints.txt'),
  /** The Lambda runtime executor plugin (a Python package) installed into the venv beside localstack-core. */
  hostExecutorDir: path.join(REPO_ROOT, 'dev', 'localstack', 'lambda-host-executor'),
  /** Its name in the `localstack.lambda.runtime_executor` entry points, the value of LAMBDA_RUNTIME_EXECUTOR on the host. */
  hostExecutorName: 'host-node',
  /**
   * LAMBDA_KEEPALIVE_MS on the host: an idle function's runtime process is stopped after this
   * (LocalStack's default is 10 minutes; short runs end with no idle node processes waiting).
   */
  hostLambdaKeepAliveMs: 30_000,
  /**
   * GATEWAY_SERVER of the LocalStack the harness starts on the host: hypercorn, not the default
   * twisted. Twisted reads an S3 object's file ahead of a reader slower than the drain and queues it
   * in memory: a 512 MiB body read by the function took LocalStack from 334 to 822–923 MiB and
   * 1.0–3.2 s of CPU (mostly the kernel zeroing those pages, on the cores the function shares),
   * against a flat 158 MiB and 0.5–0.7 s with hypercorn, which waits for the reader as S3 does. Safe
   * with the project's plugin only (its `nonblocking_accept` hook: without it hypercorn aborts a
   * response whose reader pauses for a second), so the container keeps twisted.
   * `LOCALSTACK_GATEWAY_SERVER` overrides it.
   */
  gatewayServer: 'hypercorn',
  /** Services the harness waits for before it hands out the endpoint. */
  requiredServices: ['s3', 'sqs'],
  /** Bound on waiting for `/_localstack/health` to report the required services. */
  startTimeoutMs: 120_000,
  /** Grace period after SIGTERM before SIGKILL at teardown. */
  stopTimeoutMs: 10_000,
} as const;

export const VENV_DIR = path.join(LOCALSTACK.home, 'venv');
export const VENV_PYTHON = path.join(VENV_DIR, 'bin', 'python');
/** Written after a successful install; holds the version, a hash of the constraints and one of the executor plugin. */
export const VENV_MARKER = path.join(VENV_DIR, '.logsieve-installed');

/** GATEWAY_SERVER for the LocalStack the harness starts on the host: `LOCALSTACK_GATEWAY_SERVER`, else {@link LOCALSTACK.gatewayServer}. */
export function gatewayServer(): string {
  return process.env.LOCALSTACK_GATEWAY_SERVER?.trim() || LOCALSTACK.gatewayServer;
}
