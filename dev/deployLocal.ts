import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startLocalStack } from './localstack/harness.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CDKLOCAL = createRequire(import.meta.url).resolve('aws-cdk-local/bin/cdklocal');

/** LocalStack's fixed account. */
export const LOCALSTACK_ACCOUNT = '000000000000';

export interface DeployLocalOptions {
  /** LocalStack base URL, e.g. `http://127.0.0.1:4566`. */
  endpoint: string;
  /** CloudFormation stack name (`logsieve:stackName` context). Default 'Logsieve'. */
  stackName?: string;
  /** Default 'us-east-1'. */
  region?: string;
  /** Extra `-c key=value` context, e.g. `{ 'logsieve:inputPrefix': 'logs/' }`. */
  context?: Record<string, string>;
  /** Keep what was created when a resource fails (LocalStack keeps it either way for retained buckets). Default true. */
  rollback?: boolean;
  /** Receives every line cdklocal prints. Default: stderr. */
  log?: (line: string) => void;
}

export interface DeployLocalResult {
  /** cdklocal deploy exited with 0. */
  ok: boolean;
  /** Stack outputs (from `--outputs-file`), empty when the deploy failed. */
  outputs: Record<string, string>;
  /** The CREATE_FAILED / UPDATE_FAILED lines and error lines of the deploy, for messages. */
  failures: string[];
}

/**
 * Bootstraps LocalStack's account/region with cdklocal (idempotent) and deploys the logsieve
 * stack there. The AWS environment is replaced, not inherited: cdklocal only ever talks to
 * `endpoint`, with LocalStack's dummy credentials.
 *
 * @example
 * const { ok, outputs, failures } = await deployToLocalStack({ endpoint: 'http://127.0.0.1:4566' });
 */
export async function deployToLocalStack(options: DeployLocalOptions): Promise<DeployLocalResult> {
  const region = options.region ?? 'us-east-1';
  const stackName = options.stackName ?? 'Logsieve';
  const log = options.log ?? ((line: string) => process.stderr.write(`[cdklocal] ${line}\n`));
  const env = localEnv(options.endpoint, region);
  const workDir = mkdtempSync(path.join(tmpdir(), 'logsieve-deploy-local-'));
  try {
    const boot = await run(['bootstrap', `aws://${LOCALSTACK_ACCOUNT}/${region}`, '--no-notices', '-o', path.join(workDir, 'bootstrap')], env, log);
    if (boot.code !== 0) return { ok: false, outputs: {}, failures: [`cdklocal bootstrap exited with ${boot.code}`, ...boot.failures] };

    const outputsFile = path.join(workDir, 'outputs.json');
    const context = { 'logsieve:stackName': stackName, ...options.context };
    const args = [
      'deploy', stackName,
      '--require-approval', 'never', '--no-notices', '--progress', 'events',
      '-o', path.join(workDir, 'cdk.out'), '--outputs-file', outputsFile,
      ...Object.entries(context).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
      ...(options.rollback === false ? ['--no-rollback'] : []),
    ];
    const deploy = await run(args, env, log);
    let outputs: Record<string, string> = {};
    if (deploy.code === 0) {
      const all = JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>;
      outputs = all[stackName] ?? {};
    }
    return { ok: deploy.code === 0, outputs, failures: deploy.failures };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The process environment without any AWS_* setting, plus what points cdklocal at LocalStack. */
function localEnv(endpoint: string, region: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('CDK_')));
  return {
    ...env,
    // cdklocal requires both; with an IP endpoint the SDK addresses S3 path-style.
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ENVAR_ALLOWLIST: 'AWS_REGION,AWS_DEFAULT_REGION',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  };
}

function run(args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<{ code: number; failures: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CDKLOCAL, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const failures: string[] = [];
    let pending = '';
    const onData = (chunk: Buffer): void => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        log(line);
        if ((/_FAILED\s+\|/.test(line) || /❌|Error:/.test(line)) && !failures.includes(line.trim())) failures.push(line.trim());
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('close', (code) => {
      if (pending) log(pending);
      resolve({ code: code ?? 1, failures });
    });
  });
}

/**
 * `npm run deploy:local [-- --stop]`: finds or starts LocalStack through the harness, deploys, prints
 * the outputs. LocalStack the harness started keeps running until Ctrl-C (or stops at once with --stop).
 */
async function main(): Promise<number> {
  const localstack = await startLocalStack();
  console.log(`LocalStack: ${localstack.description}`);
  let code = 0;
  try {
    const result = await deployToLocalStack({ endpoint: localstack.endpoint });
    if (result.ok) {
      console.log('Deployed. Outputs:');
      for (const [k, v] of Object.entries(result.outputs)) console.log(`  ${k} = ${v}`);
    } else {
      code = 1;
      console.error(`Deploy to LocalStack failed:\n  ${result.failures.join('\n  ')}`);
      if (localstack.mode === 'host') {
        console.error(`LocalStack on the host runs Lambda functions with the host-node executor; its log says more: ${localstack.logFile ?? ''}`);
      }
    }
    if (localstack.mode !== 'endpoint' && !process.argv.includes('--stop')) {
      console.log(`LocalStack keeps running at ${localstack.endpoint}; Ctrl-C stops it.`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
  } finally {
    await localstack.stop();
  }
  return code;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
