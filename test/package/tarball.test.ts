import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../dev/localstack/constants.js';
import type { InstalledTarball } from '../../dev/pack/installPackedTarball.js';
import { installPackedTarball } from '../../dev/pack/installPackedTarball.js';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string; bin: { logsieve: string } };
const versionOf = (name: string): string => (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** The environment of a user's shell: no endpoints, no tsx loader, no state of this repository. */
function userEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(AWS_|LOCALSTACK_ENDPOINT|LOGSIEVE_|POWERTOOLS_|NODE_OPTIONS|VITEST|npm_)/.test(k)) continue;
    env[k] = v;
  }
  return env;
}

const SMALL_LOG = [
  '2026-11-26T00:00:00.000Z INFO orders order 1001 accepted',
  '2026-11-26T00:00:01.000Z ERROR orders payment declined for order 1002',
  '2026-11-26T00:00:02.000Z WARN orders retrying order 1003',
  '2026-11-26T00:00:03.000Z ERROR orders payment declined for order 1004',
  '',
].join('\n');

let installed: InstalledTarball;
const temp: string[] = [];

beforeAll(async () => {
  // npm test builds first; packing here skips the `prepare` build so it does not run twice.
  if (!existsSync(path.join(REPO_ROOT, pkg.bin.logsieve))) throw new Error(`${pkg.bin.logsieve} is missing: run npm run build (npm test does)`);
  installed = await installPackedTarball({ skipBuild: true });
  temp.push(installed.dir, path.dirname(installed.tarball));
});
afterAll(() => {
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the built package and no source, test, bench or fixture file', async () => {
    const { stdout } = await run('tar', ['-tzf', installed.tarball]);
    const files = stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/cli/logsieve.mjs', 'dist/function/index.mjs', 'dist/infra/index.js', 'dist/infra/index.d.ts', 'dist/functions/src/index.js', 'dist/functions/src/index.d.ts']));
    expect(files.filter((f) => /(^|\/)(test|bench|fixtures?)\//.test(f) || /\.test\.|\.ts$/.test(f.replace(/\.d\.ts$/, '')))).toEqual([]);
  });

  it('installs with production dependencies only: no tsx, no test tooling', () => {
    const modules = readdirSync(path.join(installed.dir, 'node_modules'));
    expect(modules).toContain('logsieve');
    for (const dev of ['tsx', 'vitest', 'typescript', 'esbuild', 'aws-cdk-lib', 'commander']) expect(modules, dev).not.toContain(dev);
  });
});

describe('the installed logsieve command', () => {
  it('npx logsieve --version prints the package version', async () => {
    const { stdout } = await run('npx', ['--no-install', 'logsieve', '--version'], { cwd: installed.dir, env: userEnv() });
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('npx logsieve process writes the summary, report and error records of a small file', async () => {
    writeFileSync(path.join(installed.dir, 'small.log'), SMALL_LOG);
    const { stdout } = await run('npx', ['--no-install', 'logsieve', 'process', 'small.log', '--out', 'out', '--json'], { cwd: installed.dir, env: userEnv() });
    const summary = JSON.parse(stdout) as { status: string; counts: { lines: number; errors: number; warnings: number } };
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: 4, errors: 2, warnings: 0 } });
    expect(readdirSync(path.join(installed.dir, 'out')).sort()).toEqual(['small.log.errors.ndjson.gz', 'small.log.report.html', 'small.log.summary.json']);
  });

  it('exports the pipeline (logsieve, logsieve/pipeline) and the function bundle loads', async () => {
    const script = [
      "const root = await import('logsieve'); const pipeline = await import('logsieve/pipeline');",
      "const fn = await import('logsieve/dist/function/index.mjs').catch(() => import(new URL('./node_modules/logsieve/dist/function/index.mjs', 'file://' + process.cwd() + '/').href));",
      'console.log(JSON.stringify({ root: [typeof root.processObject, typeof root.analyzeBytes, typeof root.decompress, typeof root.lines, typeof root.records], same: root.analyzeBytes === pipeline.analyzeBytes, handler: typeof fn.handler }));',
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: installed.dir, env: { ...userEnv(), LOGSIEVE_OUTPUT_BUCKET: 'out', AWS_REGION: 'eu-west-1' } });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ root: ['function', 'function', 'function', 'function', 'function'], same: true, handler: 'function' });
  });
});

describe('a fresh CDK app that depends on the tarball', () => {
  let app: string;
  let template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

  beforeAll(async () => {
    app = mkdtempSync(path.join(tmpdir(), 'logsieve-cdk-app-'));
    temp.push(app);
    writeFileSync(path.join(app, 'package.json'), `${JSON.stringify({ name: 'my-logs-app', private: true, type: 'module' }, null, 2)}\n`);
    writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, outDir: 'build', types: [] }, include: ['bin'] }),
    );
    mkdirSync(path.join(app, 'bin'));
    writeFileSync(
      path.join(app, 'bin', 'app.ts'),
      [
        "import { App, Stack } from 'aws-cdk-lib';",
        "import { LogProcessingPipeline } from 'logsieve/cdk';",
        '',
        "const app = new App({ outdir: 'cdk.out' });",
        "const stack = new Stack(app, 'MyLogs', { env: { account: '123456789012', region: 'eu-west-1' } });",
        "const pipeline = new LogProcessingPipeline(stack, 'Logs', { inputPrefix: 'app/', outputToInputBucket: true });",
        "const prefix: string = pipeline.settings.outputPrefix;",
        "console.log(`output prefix ${prefix}`);",
        'app.synth();',
        '',
      ].join('\n'),
    );
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', installed.tarball, `aws-cdk-lib@${versionOf('aws-cdk-lib')}`, `constructs@${versionOf('constructs')}`], {
      cwd: app,
      env: userEnv(),
      maxBuffer: 16 * 1024 * 1024,
    });
    // The app's own TypeScript build, with this repository's compiler: the app depends on nothing else.
    await run(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], { cwd: app });
    const { stdout } = await run(process.execPath, ['build/app.js'], { cwd: app, env: userEnv() });
    expect(stdout).toContain('output prefix logsieve/');
    template = JSON.parse(readFileSync(path.join(app, 'cdk.out', 'MyLogs.template.json'), 'utf8')) as typeof template;
  });

  const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

  it('synthesizes offline, with only the tarball, aws-cdk-lib and constructs installed', () => {
    const manifest = JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['aws-cdk-lib', 'constructs', 'logsieve']);
    expect(existsSync(path.join(app, 'node_modules', 'esbuild')), 'no esbuild: the function is not bundled at synth').toBe(false);
  });

  it('has the function, from the shipped bundle', () => {
    const fns = ofType('AWS::Lambda::Function').filter(([id]) => id.startsWith('LogsProcessor'));
    expect(fns).toHaveLength(1);
    expect(fns[0]![1].Properties).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs22.x', Architectures: ['arm64'], MemorySize: 1769 });
    const assets = readdirSync(path.join(app, 'cdk.out')).filter((d) => d.startsWith('asset.') && existsSync(path.join(app, 'cdk.out', d, 'index.mjs')));
    // The processor's and the rollup writer's bundles, each alone in its asset.
    expect(assets).toHaveLength(2);
    for (const asset of assets) expect(readdirSync(path.join(app, 'cdk.out', asset)).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const writers = ofType('AWS::Lambda::Function').filter(([id]) => id.startsWith('LogsRollupWriter'));
    expect(writers).toHaveLength(1);
    expect(writers[0]![1].Properties).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs22.x' });
  });

  it('has the queue with its dead-letter queue, the event source and the input bucket notifying the queue', () => {
    const queues = ofType('AWS::SQS::Queue');
    const dlq = queues.find(([id]) => id.startsWith('LogsDeadLetterQueue'));
    const queue = queues.find(([id]) => id.startsWith('LogsQueue'));
    expect(dlq).toBeDefined();
    expect(queue![1].Properties).toMatchObject({ RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq![0], 'Arn'] }, maxReceiveCount: 3 } });
    expect(ofType('AWS::Lambda::EventSourceMapping')[0]![1].Properties).toMatchObject({ EventSourceArn: { 'Fn::GetAtt': [queue![0], 'Arn'] }, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    // A bucket the construct makes carries the notification itself (no custom resource).
    const input = ofType('AWS::S3::Bucket').filter(([id]) => id.startsWith('LogsInputBucket'));
    expect(input).toHaveLength(1);
    expect(input[0]![1].Properties).toMatchObject({
      NotificationConfiguration: { QueueConfigurations: [{ Event: 's3:ObjectCreated:*', Queue: { 'Fn::GetAtt': [queue![0], 'Arn'] }, Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'app/' }] } } }] },
    });
  });
});
