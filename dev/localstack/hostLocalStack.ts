import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { gatewayServer, LOCALSTACK } from './constants.js';
import { LocalStackStartError } from './errors.js';
import type { Progress } from './installLocalStack.js';
import { installLocalStack } from './installLocalStack.js';
import type { LocalStackHandle } from './types.js';

/**
 * Runs LocalStack itself on the host from the project's venv: `python -m localstack.runtime.main`
 * bound to 127.0.0.1 on a free port, persistence and analytics off, its log in a file, stopped by
 * its own PID. Lambda functions run as host processes on this Node.js (the host-node executor). Waits at most {@link LOCALSTACK.startTimeoutMs} for s3 and sqs to be available.
 */
export async function startHostLocalStack(progress: Progress): Promise<LocalStackHandle> {
  const python = await installLocalStack(progress);
  const port = await freePort();
  const runDir = path.join(LOCALSTACK.home, 'run', String(port));
  await rm(runDir, { recursive: true, force: true });
  await mkdir(runDir, { recursive: true });
  // Outside the repository: Lambda code is unzipped under TMPDIR, and Node.js would read the
  // project's package.json ("type": "module") as the function's own, which AWS's /var/task never has.
  const tmpDir = await mkdtemp(path.join(tmpdir(), `logsieve-localstack-${port}-`));
  const logFile = path.join(LOCALSTACK.home, 'logs', `localstack-${port}.log`);
  await mkdir(path.dirname(logFile), { recursive: true });
  const logFd = openSync(logFile, 'w');

  const endpoint = `http://127.0.0.1:${port}`;
  const gateway = gatewayServer();
  const child = spawn(python, ['-m', 'localstack.runtime.main'], {
    cwd: runDir,
    stdio: ['ignore', logFd, logFd],
    detached: false,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? runDir,
      TMPDIR: tmpDir,
      GATEWAY_LISTEN: `127.0.0.1:${port}`,
      GATEWAY_SERVER: gateway,
      LOCALSTACK_HOST: `127.0.0.1:${port}`,
      LOCALSTACK_VOLUME_DIR: runDir,
      PERSISTENCE: '0',
      // No analytics, no certificate download, no DNS server on port 53: nothing leaves the machine.
      DISABLE_EVENTS: '1',
      SKIP_SSL_CERT_DOWNLOAD: '1',
      DNS_ADDRESS: '0',
      // Queue URLs that resolve without DNS: http://127.0.0.1:<port>/queue/<region>/<account>/<name>.
      SQS_ENDPOINT_STRATEGY: 'path',
      // No Docker engine on the host: functions run as node processes through the project's executor
      // plugin (dev/localstack/lambda-host-executor), on this Node.js, idle ones stopped soon.
      LAMBDA_RUNTIME_EXECUTOR: process.env.LAMBDA_RUNTIME_EXECUTOR ?? LOCALSTACK.hostExecutorName,
      LAMBDA_KEEPALIVE_MS: process.env.LAMBDA_KEEPALIVE_MS ?? String(LOCALSTACK.hostLambdaKeepAliveMs),
      LOGSIEVE_LAMBDA_NODE: process.env.LOGSIEVE_LAMBDA_NODE ?? process.execPath,
    },
  });
  closeSync(logFd);

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), LOCALSTACK.stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    }
    await rm(tmpDir, { recursive: true, force: true });
  };

  const tail = async (): Promise<string> =>
    (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-25).join('\n');

  progress(`starting LocalStack ${LOCALSTACK.version} on the host at ${endpoint} (pid ${child.pid}, log ${logFile})`);
  const started = Date.now();
  const deadline = started + LOCALSTACK.startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new LocalStackStartError(`LocalStack exited with code ${child.exitCode} before it was ready`, logFile, await tail());
    }
    if (await servicesReady(endpoint)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new LocalStackStartError(
        `LocalStack did not report ${LOCALSTACK.requiredServices.join(', ')} available within ${LOCALSTACK.startTimeoutMs} ms`,
        logFile,
        await tail(),
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  progress(`LocalStack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  return { endpoint, mode: 'host', description: `LocalStack ${LOCALSTACK.version} on the host (gateway ${gateway}, pid ${child.pid}, log ${logFile})`, pid: child.pid, logFile, stop };
}

/** True when `/_localstack/health` lists every required service as available or running. */
export async function servicesReady(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/_localstack/health`, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) return false;
    const body = (await res.json()) as { services?: Record<string, string> };
    return LOCALSTACK.requiredServices.every((s) => ['available', 'running'].includes(body.services?.[s] ?? ''));
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
