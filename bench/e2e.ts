/**
 * End-to-end benchmark: `npm run bench:e2e [-- --size-mb 512 --runs 3 --case gzip-typical,plain-typical --cold-runs 5 --no-build --bundle other/index.mjs --node-options '…']`.
 *
 * First builds the function bundle (dev/build/bundle.ts → dist/function/index.mjs, as `npm run build`
 * does), so every figure is the deployed artifact's: each run is a fresh plain `node` process
 * (bench/e2eChild.mjs, no tsx) that imports the bundle, with the deployed function's NODE_OPTIONS
 * (FUNCTION_BUNDLE.nodeOptions, or `--node-options`); `--bundle` runs another bundle instead, not built. Then:
 *   - cold start: `--cold-runs` (5) processes that import the bundle (its module scope loads the
 *     config and builds the clients) and exit; `coldStartMs` is from the process's start to the
 *     import's end, node's own start-up included (`bootMs`), median;
 *   - the cases, each a seeded object of `--size-mb` MiB decompressed (generated once into
 *     bench/.data/) put into LocalStack through the harness:
 *       gzip-typical   app log, 0.25 % ERROR lines: about 2 % of the lines are in error records (with their stack traces);
 *       gzip-heavy     app log, 2 % ERROR lines (bench:lines' log): about 17 % of the lines are in records;
 *       plain-typical  gzip-typical's log uncompressed;
 *       cloudwatch     CloudWatch Logs subscription envelopes as Firehose writes them (one gzip member per
 *                      envelope, dev/local/generateFirehoseLogs.ts), Lambda log events;
 *     timed as the handler on a direct S3 notification (LOGSIEVE_FORCE_REPROCESS, so every run does the
 *     full work: GetObject, decompression, records, the error part, report, summary) and against its
 *     ceiling measured in the same run: a bare GetObject drain (the transfer limit) and, for gzip,
 *     the drain through zlib's gunzip (the decompression limit: no handler that inflates the object
 *     on one stream can be faster).
 * Runs are round-robin (every case and ceiling once, then again) so drift hits them alike; figures are
 * medians of `--runs`. The handler's records are checked against the generator's counts. The load
 * average is printed before and after: the machine may be shared.
 * Each timed window also reports its CPU time: the child's (all threads), its main thread's, and the
 * machine's busy and steal time (/proc/stat; LocalStack serving the body runs on the same cores). From
 * them, `cpuBound` per case: the ratio the handler could reach at best with the work it did, however
 * well it overlapped, since a wall is at least the main thread's CPU time and at least the machine's
 * busy time ÷ its cores (`mainThreadBound` and `allCoresBound`, the smaller). A target above
 * `mainThreadBound` needs less work on the main thread; above `allCoresBound`, less work in all:
 * no overlap or worker thread gets there on these cores.
 * When LocalStack's process is known (the harness started it on the host, or `--localstack-pid` names
 * the one behind LOCALSTACK_ENDPOINT), each window also gives LocalStack's own CPU time: what serving
 * the body (and taking the handler's uploads) cost on the same cores.
 * The last line is one JSON object.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { FUNCTION_BUNDLE } from '../infra/lib/functionBundle.js';
import { startLocalStack } from '../dev/localstack/harness.js';
import { REPO_ROOT } from '../dev/localstack/constants.js';
import { LOCAL_AWS } from '../dev/local/localClients.js';
import { ensureAppLogFiles } from '../dev/local/generateAppLog.js';
import { ensureFirehoseLogFile } from '../dev/local/generateFirehoseLogs.js';
import { runJsonChild } from './runJsonChild.js';

// This process's own S3 client would print the SDK's Node-version notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const MiB = 1024 * 1024;
/** Cores the machine's busy time is spread over in `allCoresBound`. */
const CORES = availableParallelism();
const CHILD = fileURLToPath(new URL('./e2eChild.mjs', import.meta.url));
const DEFAULT_BUNDLE = path.join(REPO_ROOT, FUNCTION_BUNDLE.prebuiltDir, 'index.mjs');
const BUCKET = 'logsieve-bench-in';
const OUT_BUCKET = 'logsieve-bench-out';
const SEED = 20261126;
/** ERROR lines of the typical mix: with their stack traces (7.5 lines on average) about 2 % of the lines are in records. */
const TYPICAL_ERROR_RATE = 0.0025;
/** bench:lines' mix: 2 % ERROR lines, about 17 % of the lines in records. */
const HEAVY_ERROR_RATE = 0.02;

const CASE_NAMES = ['gzip-typical', 'gzip-heavy', 'plain-typical', 'cloudwatch'] as const;
type CaseName = (typeof CASE_NAMES)[number];
type Variant = 'handler' | 'drain' | 'drain+gunzip';

/** One object to process, what the handler must find in it, and its ceilings. */
interface BenchCase {
  name: CaseName;
  file: string;
  key: string;
  compressed: boolean;
  /** Decompressed bytes. */
  bytes: number;
  /** Error records the default rules must report. */
  expectedErrors: number;
  /** What the mix is, for the table. */
  mix: string;
}

interface RunResult {
  case: string;
  wallMs: number;
  bytes: number;
  maxRssMiB: number;
  errors?: number;
  status?: string;
  eventLoopUtilization?: number;
  heapTotalMiB?: number;
  externalMiB?: number;
  arrayBuffersMiB?: number;
  /** CPU ms in the timed window (bench/e2eChild.mjs); null fields off Linux. */
  cpu?: { processMs: number | null; mainMs: number | null; machineBusyMs: number | null; stealMs: number | null; localStackMs: number | null };
}

interface ColdResult {
  bootMs: number;
  cpuMs: number;
  importMs: number;
  coldStartMs: number;
  maxRssMiB: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, digits = 1): number => Number(x.toFixed(digits));
const say = (m: string): void => void process.stderr.write(`[bench:e2e] ${m}\n`);
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

/** Runs `node bench/e2eChild.mjs …args` (no tsx) and resolves to the JSON line it printed last. */
const runChild = <T>(args: string[], env: NodeJS.ProcessEnv): Promise<T> => runJsonChild<T>(CHILD, args, env, []);

async function prepareCases(names: readonly CaseName[], sizeMB: number): Promise<BenchCase[]> {
  const dir = 'bench/.data';
  const cases: BenchCase[] = [];
  for (const name of names) {
    if (name === 'cloudwatch') {
      const { path: file, counts } = await ensureFirehoseLogFile({ dir, sizeMB, seed: SEED, log: say });
      cases.push({
        name, file, key: `bench/firehose-${sizeMB}MB.gz`, compressed: true, bytes: counts.bytes, expectedErrors: counts.errorEvents,
        mix: `${counts.envelopes} envelopes, ${counts.logEvents} events, ${((100 * counts.errorEvents) / counts.logEvents).toFixed(1)} % ERROR`,
      });
      continue;
    }
    const errorRate = name === 'gzip-heavy' ? HEAVY_ERROR_RATE : TYPICAL_ERROR_RATE;
    const files = await ensureAppLogFiles({ dir, sizeMB, seed: SEED, errorRate, log: say });
    const compressed = name !== 'plain-typical';
    const c = files.counts;
    cases.push({
      name,
      file: compressed ? files.gz : files.plain,
      key: `bench/app-${sizeMB}MB-err${errorRate}.log${compressed ? '.gz' : ''}`,
      compressed,
      bytes: c.bytes,
      expectedErrors: c.errorLines,
      mix: `${((100 * c.errorLines) / c.lines).toFixed(2)} % ERROR lines, ${((100 * (c.errorLines + c.stackLines)) / c.lines).toFixed(1)} % in records`,
    });
  }
  return cases;
}

async function upload(s3: S3Client, c: BenchCase): Promise<void> {
  const exists = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: c.key })).then(() => true, () => false);
  if (exists) return;
  say(`uploading ${c.file}`);
  await new Upload({ client: s3, params: { Bucket: BUCKET, Key: c.key, Body: createReadStream(c.file, { highWaterMark: MiB }) }, partSize: 16 * MiB }).done();
}

function buildBundle(): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'dev/build/bundle.ts'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    proc.on('error', reject);
    proc.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`dev/build/bundle.ts exited ${code}`))));
  });
}

async function coldStarts(bundle: string, runs: number, nodeOptions: string): Promise<ColdResult[]> {
  // The settings a deployed function has (its NODE_OPTIONS too); no request is made at import.
  const env = { ...process.env, NODE_OPTIONS: nodeOptions, LOGSIEVE_OUTPUT_BUCKET: OUT_BUCKET, AWS_REGION: LOCAL_AWS.region, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const results: ColdResult[] = [];
  for (let i = 0; i < runs; i++) results.push(await runChild<ColdResult>(['cold', bundle], env));
  return results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'size-mb': { type: 'string', default: '512' },
      runs: { type: 'string', default: '3' },
      'cold-runs': { type: 'string', default: '5' },
      case: { type: 'string', default: CASE_NAMES.join(',') },
      'no-build': { type: 'boolean', default: false },
      bundle: { type: 'string' },
      'node-options': { type: 'string', default: FUNCTION_BUNDLE.nodeOptions },
      'localstack-pid': { type: 'string' },
    },
  });
  const nodeOptions = values['node-options'];
  // Another bundle (an experiment built elsewhere) is taken as it is.
  const bundle = values.bundle ? path.resolve(values.bundle) : DEFAULT_BUNDLE;
  const sizeMB = Number(values['size-mb']);
  const runs = Number(values.runs);
  const coldRuns = Number(values['cold-runs']);
  const names = values.case.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!(CASE_NAMES as readonly string[]).includes(n)) throw new Error(`--case must be a list of ${CASE_NAMES.join(', ')}; got ${n}`);
  if (!(sizeMB > 0) || !Number.isInteger(runs) || runs < 1) throw new Error('--size-mb must be > 0 and --runs an integer ≥ 1');
  if (!Number.isInteger(coldRuns) || coldRuns < 0) throw new Error('--cold-runs must be an integer ≥ 0');
  const loadBefore = load();
  say(`load average (1, 5, 15 min): ${loadBefore}`);

  if (!values['no-build'] && !values.bundle) {
    say('building the function bundle (dev/build/bundle.ts)');
    await buildBundle();
  }
  const cold = await coldStarts(bundle, coldRuns, nodeOptions);
  const cases = await prepareCases(names as CaseName[], sizeMB);

  const localstack = await startLocalStack();
  say(`LocalStack: ${localstack.description}`);
  const localStackPid = values['localstack-pid'] ?? (localstack.pid === undefined ? undefined : String(localstack.pid));
  if (localStackPid !== undefined && !/^\d+$/.test(localStackPid)) throw new Error(`--localstack-pid must be a process id; got ${localStackPid}`);
  const results = new Map<string, RunResult[]>();
  try {
    const s3 = new S3Client({ ...LOCAL_AWS, endpoint: localstack.endpoint, forcePathStyle: true });
    for (const b of [BUCKET, OUT_BUCKET]) await s3.send(new CreateBucketCommand({ Bucket: b })).catch(() => {});
    for (const c of cases) await upload(s3, c);
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL: localstack.endpoint,
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      LOGSIEVE_OUTPUT_BUCKET: OUT_BUCKET,
      LOGSIEVE_FORCE_REPROCESS: 'true',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...(localStackPid === undefined ? {} : { BENCH_LOCALSTACK_PID: localStackPid }),
    };
    for (let r = 0; r < runs; r++) {
      for (const c of cases) {
        for (const v of variantsOf(c)) {
          const args = v === 'handler' ? ['handler', bundle, BUCKET, c.key] : [v, BUCKET, c.key];
          // The handler runs with the deployed function's NODE_OPTIONS; the ceilings with node's defaults.
          const res = await runChild<RunResult>(args, v === 'handler' ? { ...env, NODE_OPTIONS: nodeOptions } : env);
          if (v === 'handler') check(c, res);
          const id = `${c.name} ${v}`;
          results.set(id, [...(results.get(id) ?? []), res]);
          say(`run ${r + 1}/${runs} ${id}: ${res.wallMs.toFixed(0)} ms, peak RSS ${res.maxRssMiB} MiB (largest V8 heap ${res.heapTotalMiB}, external ${res.externalMiB}, of it ArrayBuffers ${res.arrayBuffersMiB} MiB; load ${load()})`);
        }
      }
    }
  } finally {
    await localstack.stop();
  }
  report(cases, results, cold, { loadBefore, runs, sizeMB, bundle, nodeOptions });
}

function variantsOf(c: BenchCase): Variant[] {
  return c.compressed ? ['handler', 'drain', 'drain+gunzip'] : ['handler', 'drain'];
}

/** A fast handler that misses records is no result: its counts must be the generator's. */
function check(c: BenchCase, res: RunResult): void {
  if (res.bytes !== c.bytes) throw new Error(`${c.name}: the handler read ${res.bytes} decompressed bytes, the object has ${c.bytes}`);
  if (res.errors !== c.expectedErrors) throw new Error(`${c.name}: the handler found ${res.errors} error records, the object has ${c.expectedErrors}`);
  if (res.status !== 'complete') throw new Error(`${c.name}: summary status ${res.status}`);
}

function report(cases: BenchCase[], results: Map<string, RunResult[]>, cold: ColdResult[], meta: { loadBefore: string; runs: number; sizeMB: number; bundle: string; nodeOptions: string }): void {
  const wall = (c: BenchCase, v: Variant): number => median(results.get(`${c.name} ${v}`)!.map((x) => x.wallMs));
  const rss = (c: BenchCase, v: Variant): number => median(results.get(`${c.name} ${v}`)!.map((x) => x.maxRssMiB));
  const mbps = (c: BenchCase, v: Variant): number => c.bytes / 1e6 / (wall(c, v) / 1000);
  console.log('\ncase            mix');
  for (const c of cases) console.log(`${c.name.padEnd(15)} ${c.mix}`);
  console.log('\ncase            variant        median wall   MB/s (decompressed)   peak RSS (median)   vs ceiling');
  const medians: Record<string, Record<string, number>> = {};
  for (const c of cases) {
    const ceiling: Variant = c.compressed ? 'drain+gunzip' : 'drain';
    const m: Record<string, number> = {};
    for (const v of variantsOf(c)) {
      const vs = v === 'handler' ? `${(wall(c, ceiling) / wall(c, 'handler')).toFixed(3)}× ${ceiling}` : '';
      console.log(`${c.name.padEnd(15)} ${v.padEnd(14)} ${wall(c, v).toFixed(0).padStart(8)} ms   ${mbps(c, v).toFixed(1).padStart(10)}            ${String(rss(c, v)).padStart(6)} MiB        ${vs}`);
      m[`${v}Ms`] = Math.round(wall(c, v));
    }
    m.handlerMBps = round(mbps(c, 'handler'));
    m.handlerPeakRssMiB = rss(c, 'handler');
    m.handlerMaxOfRunsRssMiB = Math.max(...results.get(`${c.name} handler`)!.map((x) => x.maxRssMiB));
    m.handlerEventLoopUtilization = median(results.get(`${c.name} handler`)!.map((x) => x.eventLoopUtilization ?? 0));
    Object.assign(m, cpuFigures(results, c, ceiling, wall(c, ceiling)));
    medians[c.name] = m;
  }
  printCpu(cases, medians);
  const ratio = (name: CaseName): number | undefined => {
    const c = cases.find((x) => x.name === name);
    return c ? round(wall(c, c.compressed ? 'drain+gunzip' : 'drain') / wall(c, 'handler'), 3) : undefined;
  };
  const cw = cases.find((x) => x.name === 'cloudwatch');
  const coldStartMs = cold.length ? round(median(cold.map((x) => x.coldStartMs))) : undefined;
  if (cold.length) {
    console.log(`\ncold start (${cold.length} fresh processes, median): ${coldStartMs} ms from process start to the bundle imported and its config loaded; node's own start-up ${round(median(cold.map((x) => x.bootMs)))} ms, the import ${round(median(cold.map((x) => x.importMs)))} ms; CPU time ${round(median(cold.map((x) => x.cpuMs)))} ms; RSS then ${median(cold.map((x) => x.maxRssMiB))} MiB`);
  }
  const loadAfter = load();
  console.log(`load average before ${meta.loadBefore}, after ${loadAfter} (2 cores; other work on the machine slows every figure, ratios less)`);
  console.log(JSON.stringify({
    gzipTypicalVsDrainGunzip: ratio('gzip-typical'),
    gzipHeavyVsDrainGunzip: ratio('gzip-heavy'),
    plainTypicalVsDrain: ratio('plain-typical'),
    cloudWatchMBps: cw ? round(mbps(cw, 'handler')) : undefined,
    cloudWatchVsDrainGunzip: cw ? round(wall(cw, 'drain+gunzip') / wall(cw, 'handler'), 3) : undefined,
    cpuBound: Object.fromEntries(cases.map((c) => [c.name, medians[c.name]!.cpuBound])),
    cores: CORES,
    peakRssMiB: cases.length ? Math.max(...cases.map((c) => medians[c.name]!.handlerMaxOfRunsRssMiB!)) : undefined,
    coldStartMs,
    cold: cold.length ? { runs: cold.length, bootMs: round(median(cold.map((x) => x.bootMs))), importMs: round(median(cold.map((x) => x.importMs))), cpuMs: round(median(cold.map((x) => x.cpuMs))), rssMiB: median(cold.map((x) => x.maxRssMiB)) } : undefined,
    medians,
    nodeOptions: meta.nodeOptions,
    bundle: path.relative(REPO_ROOT, meta.bundle),
    sizeMiB: meta.sizeMB,
    runs: meta.runs,
    loadBefore: meta.loadBefore,
    loadAfter,
  }));
}

/** CPU medians of one case's timed windows and its `cpuBound`; empty where /proc gave none. */
function cpuFigures(results: Map<string, RunResult[]>, c: BenchCase, ceiling: Variant, ceilingWallMs: number): Record<string, number> {
  const cpu = (v: Variant, k: keyof NonNullable<RunResult['cpu']>): number | undefined => {
    const xs = results.get(`${c.name} ${v}`)!.map((x) => x.cpu?.[k]);
    return xs.every((x): x is number => typeof x === 'number') ? median(xs) : undefined;
  };
  const main = cpu('handler', 'mainMs');
  const busy = cpu('handler', 'machineBusyMs');
  const out: Record<string, number> = {};
  const put = (k: string, x: number | undefined): void => void (x !== undefined && (out[k] = x));
  put('handlerProcessCpuMs', cpu('handler', 'processMs'));
  put('handlerMainCpuMs', main);
  put('handlerMachineBusyMs', busy);
  put('handlerStealMs', cpu('handler', 'stealMs'));
  put('ceilingMachineBusyMs', cpu(ceiling, 'machineBusyMs'));
  put('handlerLocalStackCpuMs', cpu('handler', 'localStackMs'));
  put('ceilingLocalStackCpuMs', cpu(ceiling, 'localStackMs'));
  if (main !== undefined && busy !== undefined) {
    // The wall is at least the main thread's CPU time, and at least the machine's busy time spread over every core.
    out.mainThreadBound = round(ceilingWallMs / main, 3);
    out.allCoresBound = round(ceilingWallMs / (busy / CORES), 3);
    out.cpuBound = Math.min(out.mainThreadBound, out.allCoresBound);
  }
  return out;
}

function printCpu(cases: BenchCase[], medians: Record<string, Record<string, number>>): void {
  console.log(`\nCPU time in the timed windows (medians, ms; the machine's busy time includes LocalStack's, on ${CORES} cores)`);
  console.log('case            handler: process   main thread   machine busy   steal   ceiling: machine busy   bound: main thread   all cores   cpuBound');
  for (const c of cases) {
    const m = medians[c.name]!;
    if (m.cpuBound === undefined) continue;
    const f = (x: number | undefined): string => (x === undefined ? '?' : x.toFixed(0));
    console.log(`${c.name.padEnd(15)} ${f(m.handlerProcessCpuMs).padStart(17)} ${f(m.handlerMainCpuMs).padStart(13)} ${f(m.handlerMachineBusyMs).padStart(14)} ${f(m.handlerStealMs).padStart(7)} ${f(m.ceilingMachineBusyMs).padStart(23)} ${m.mainThreadBound!.toFixed(3).padStart(20)} ${m.allCoresBound!.toFixed(3).padStart(11)} ${m.cpuBound.toFixed(3).padStart(10)}`);
  }
  console.log('bounds: the ceiling\'s wall over the least wall this much work allows: the main thread\'s CPU time (however well the rest overlaps it), the machine\'s busy time ÷ cores (however the work were spread over threads); cpuBound the smaller.');
  const known = cases.filter((c) => medians[c.name]!.handlerLocalStackCpuMs !== undefined);
  if (known.length === 0) return;
  console.log('\nLocalStack\'s own CPU time in the same windows (medians, ms): serving the body, and in the handler\'s also taking its uploads');
  console.log('case            handler window   ceiling window');
  for (const c of known) {
    const m = medians[c.name]!;
    console.log(`${c.name.padEnd(15)} ${m.handlerLocalStackCpuMs!.toFixed(0).padStart(14)} ${(m.ceilingLocalStackCpuMs ?? NaN).toFixed(0).padStart(16)}`);
  }
}

await main();
