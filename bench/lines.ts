/**
 * Line-stage benchmark: `npm run bench:lines [-- --size-mb 512 --big-size-mb 2048 --runs 3]`.
 *
 * Generates (once, from a fixed seed; reused from bench/.data/) a realistic text log with ~2%
 * ERROR lines and stack traces, plus its .gz, and times, in a fresh child process per run so that
 * peak RSS is clean:
 *   - our pipeline, lines(decompress(file)) with a per-line `includes('ERROR')`, plain and gzip;
 *   - the same with lineBatches (the pipeline's shape);
 *   - the limits: a bare chunk drain of the file and a bare gunzip drain (1 MiB chunks);
 *   - node:readline over the plain file (what users write today);
 *   - `grep -c ERROR` and `zcat | grep -c ERROR`;
 *   - our gzip pipeline on a 4× larger input, to show that memory does not grow with input.
 * Cases run round-robin and each figure is the median of `--runs` runs. Event-loop delay is
 * sampled with perf_hooks.monitorEventLoopDelay (1 ms resolution) during every Node case.
 * The last line printed is one JSON object with the headline ratios.
 */
import { spawn } from 'node:child_process';
import { existsSync, createReadStream, readFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';

import { decompress } from '../functions/src/stream/decompress.js';
import { lineBatches } from '../functions/src/stream/lineBatches.js';
import { lines } from '../functions/src/stream/lines.js';
import { analyzeBytes } from '../functions/src/pipeline/analyzeBytes.js';
import { coalesce } from '../functions/src/stream/coalesce.js';
import { COALESCE_BYTES } from '../functions/src/stream/constants.js';
import type { RecordsWriter } from '../functions/src/pipeline/analyzeBytes.js';
import { parseRules } from '../functions/src/parse/parseRules.js';
import { ensureAppLogFiles } from '../dev/local/generateAppLog.js';
import { threadCpuMs } from './threadCpuMs.js';
import { discardingWriter } from './discardingWriter.js';
import type { AppLogFiles } from '../dev/local/generateAppLog.js';

const MiB = 1024 * 1024;
const READ_CHUNK = MiB;
const SEED = 20261126;

/** What one child run reports. */
interface ChildResult {
  case: string;
  wallMs: number;
  /** Uncompressed bytes seen (for throughput). */
  bytes: number;
  lines: number;
  errors: number;
  maxRssMiB: number;
  /** User + system CPU of the whole process (main thread, zlib's thread pool, GC), ms. */
  cpuMs: number;
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  /** Main-thread GC pauses (PerformanceObserver 'gc'): total ms and count. */
  gcMs: number;
  gcCount: number;
  /**
   * CPU ms of the main thread and of all other threads (zlib's thread pool, GC helpers), from
   * /proc (Linux; NaN elsewhere). Unlike wall time these do not depend on the machine's load: on one
   * vCPU the wall is at least their sum, on two at least their maximum.
   */
  mainCpuMs: number;
  otherCpuMs: number;
  /** Error records written (the analyze cases). */
  records?: number;
}

type NodeCase = (file: string) => Promise<{ bytes: number; lines: number; errors: number; records?: number }>;

/** Takes the records and drops them: no serialisation, so the analysis without the writer's cost. */
const droppingWriter: RecordsWriter = async (found) => {
  let records = 0;
  for await (const group of found) records += group.length;
  return { key: 'dropped', records, bytes: 0, storedBytes: 0 };
};

/** The whole analysis of the handler (decompress, sniff, lines, records, grouping, the records writer), on a file. */
async function analyzeFile(
  file: string,
  writeRecords: RecordsWriter = discardingWriter,
  bytes: AsyncIterable<Uint8Array> = createReadStream(file, { highWaterMark: READ_CHUNK }),
): Promise<{ bytes: number; lines: number; errors: number; records: number }> {
  const analysis = await analyzeBytes(bytes, {
    source: { bucket: 'bench', key: file.split('/').at(-1)! },
    config: { rules: parseRules({}), maxLineBytes: 1024 * 1024, longLines: 'truncate' },
    writeRecords,
  });
  if (analysis.failure !== undefined) throw new Error(`analysis failed: ${analysis.failure}`);
  return { bytes: analysis.bytesOut, lines: analysis.lineStats.lines, errors: analysis.tally.errors, records: analysis.part?.records ?? 0 };
}

/** Cases that run inside a child process; `file` is the plain or gzip path given by the parent. */
const NODE_CASES: Record<string, NodeCase> = {
  async idle() {
    return { bytes: 0, lines: 0, errors: 0 };
  },
  async drain(file) {
    let bytes = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK })) bytes += (chunk as Buffer).length;
    return { bytes, lines: 0, errors: 0 };
  },
  async gunzipDrain(file) {
    const gunzip = createGunzip({ chunkSize: READ_CHUNK });
    createReadStream(file, { highWaterMark: READ_CHUNK }).pipe(gunzip);
    let bytes = 0;
    for await (const chunk of gunzip) bytes += (chunk as Buffer).length;
    return { bytes, lines: 0, errors: 0 };
  },
  async ours(file) {
    const stream = decompress(createReadStream(file, { highWaterMark: READ_CHUNK }));
    let count = 0;
    let errors = 0;
    for await (const line of lines(stream)) {
      count += 1;
      if (line.text.includes('ERROR')) errors += 1;
    }
    return { bytes: stream.bytesOut, lines: count, errors };
  },
  async oursBatches(file) {
    const stream = decompress(createReadStream(file, { highWaterMark: READ_CHUNK }));
    let count = 0;
    let errors = 0;
    for await (const batch of lineBatches(stream)) {
      count += batch.length;
      for (const line of batch) if (line.text.includes('ERROR')) errors += 1;
    }
    return { bytes: stream.bytesOut, lines: count, errors };
  },
  analyze: (file) => analyzeFile(file),
  /**
   * The analysis fed as an S3 body over TLS arrives: 16 KiB chunks (one TLS record each), from
   * memory so that no file-read cost is counted (peak RSS then includes the file).
   */
  async analyzeSocketChunks(file) {
    const all = readFileSync(file);
    async function* socket(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < all.length; i += 16 * 1024) {
        if (((i >> 14) & 63) === 63) await new Promise((resolve) => setImmediate(resolve));
        yield all.subarray(i, i + 16 * 1024);
      }
    }
    // Joined as s3Source joins an S3 body's reads.
    return analyzeFile(file, discardingWriter, coalesce(socket(), COALESCE_BYTES));
  },
  analyzeNoWrite: (file) => analyzeFile(file, droppingWriter),
  async readline(file) {
    let count = 0;
    let errors = 0;
    let bytes = 0;
    const input = createReadStream(file);
    input.on('data', (chunk) => {
      bytes += chunk.length;
    });
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      count += 1;
      if (line.includes('ERROR')) errors += 1;
    }
    return { bytes, lines: count, errors };
  },
};

async function runChild(name: string, file: string): Promise<void> {
  const run = NODE_CASES[name];
  if (run === undefined) throw new Error(`Unknown --case ${name}; expected one of ${Object.keys(NODE_CASES).join(', ')}`);
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let gcMs = 0;
  let gcCount = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      gcCount++;
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  const cpuStart = process.cpuUsage();
  const threads0 = threadCpuMs();
  const start = performance.now();
  const counts = await run(file);
  const threads = threadCpuMs();
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  histogram.disable();
  // Entries are delivered asynchronously: one turn lets the last ones in.
  await new Promise((resolve) => setImmediate(resolve));
  gc.disconnect();
  const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
  const result: ChildResult = {
    case: name,
    wallMs,
    ...counts,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    cpuMs: (cpu.user + cpu.system) / 1000,
    loopP50Ms: ms(histogram.percentile(50)),
    loopP99Ms: ms(histogram.percentile(99)),
    loopMaxMs: ms(histogram.max),
    gcMs: Math.round(gcMs),
    gcCount,
    mainCpuMs: threads.main - threads0.main,
    otherCpuMs: threads.others - threads0.others,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * Bundles this file with esbuild into bench/.data/, so that children run plain JavaScript as Lambda
 * does: no TypeScript loader in the process, so its peak RSS is the pipeline's own.
 */
async function bundleChild(dir: string): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = `${dir}lines-child.mjs`;
  await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['esbuild'],
    logLevel: 'warning',
  });
  return outfile;
}

let childScript = '';

/** Spawns `node bench/.data/lines-child.mjs --case name --file f` and parses its report. */
function spawnNodeCase(name: string, file: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, '--case', name, '--file', file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`case ${name} exited with ${code}: ${out}`));
      try {
        resolve(JSON.parse(last) as ChildResult);
      } catch (error) {
        reject(new Error(`case ${name} printed no report: ${out}`, { cause: error }));
      }
    });
  });
}

/** Runs a shell pipeline, timing it from spawn to exit; returns its stdout as the error count. */
function spawnShellCase(name: string, command: string, bytes: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - start;
      // grep -c exits 1 when it counts zero; anything else is a failure.
      if (code !== 0 && code !== 1) return reject(new Error(`${command} exited with ${code}`));
      resolve({ case: name, wallMs, bytes, lines: 0, errors: Number(out.trim()), maxRssMiB: NaN, cpuMs: NaN, loopP50Ms: NaN, loopP99Ms: NaN, loopMaxMs: NaN, gcMs: NaN, gcCount: NaN, mainCpuMs: NaN, otherCpuMs: NaN });
    });
  });
}

interface CaseSpec {
  label: string;
  run: () => Promise<ChildResult>;
}

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (n: number, digits = 2): number => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      case: { type: 'string' },
      file: { type: 'string' },
      'size-mb': { type: 'string', default: '512' },
      'big-size-mb': { type: 'string', default: '2048' },
      runs: { type: 'string', default: '3' },
      /** Comma-separated case keys to run (default: all); the JSON line then holds what they allow. */
      only: { type: 'string' },
      /** ERROR-line rate of the "typical" log of the analyze cases (the default log has 0.02: 17 % of its lines in records). */
      'typical-error-rate': { type: 'string', default: '0.0025' },
    },
  });
  if (values.case !== undefined) {
    if (values.file === undefined) throw new Error('--case needs --file');
    await runChild(values.case, values.file);
    return;
  }
  const sizeMB = Number(values['size-mb']);
  const bigSizeMB = Number(values['big-size-mb']);
  const runs = Number(values.runs);
  if (!(sizeMB > 0) || !(bigSizeMB > 0) || !(runs >= 1)) throw new Error('--size-mb, --big-size-mb and --runs must be positive');
  const dir = fileURLToPath(new URL('./.data/', import.meta.url));
  const say = (m: string): void => console.log(`[bench:lines] ${m}`);

  childScript = await bundleChild(dir);
  const half: AppLogFiles = await ensureAppLogFiles({ dir, sizeMB, seed: SEED, log: say });
  const only = values.only === undefined ? undefined : new Set(values.only.split(','));
  const wanted = (key: string): boolean => only === undefined || only.has(key);
  const big: AppLogFiles = wanted('oursGzBig') ? await ensureAppLogFiles({ dir, sizeMB: bigSizeMB, seed: SEED, log: say }) : half;
  const typicalRate = Number(values['typical-error-rate']);
  const typical: AppLogFiles = wanted('analyzeTypicalGz') || wanted('analyzeTypicalPlain') || wanted('analyzeSocketTypicalGz') ? await ensureAppLogFiles({ dir, sizeMB, seed: SEED, errorRate: typicalRate, log: say }) : half;
  const uncompressed = half.counts.bytes;
  say(`input: ${(uncompressed / MiB).toFixed(0)} MiB, ${half.counts.lines} lines, ${half.counts.errorLines} ERROR lines (${((100 * half.counts.errorLines) / half.counts.lines).toFixed(2)}%); big: ${(big.counts.bytes / MiB).toFixed(0)} MiB`);
  say(`runs per case: ${runs}, round-robin; ${process.version}, ${process.platform}/${process.arch}; other work on this machine may add noise`);

  const q = (p: string): string => `'${p.replaceAll("'", "'\\''")}'`;
  const cases: Record<string, CaseSpec> = {
    idle: { label: 'node idle (RSS baseline)', run: () => spawnNodeCase('idle', half.plain) },
    drainPlain: { label: 'bare chunk drain, plain', run: () => spawnNodeCase('drain', half.plain) },
    oursPlain: { label: 'ours lines(), plain', run: () => spawnNodeCase('ours', half.plain) },
    oursBatchesPlain: { label: 'ours lineBatches(), plain', run: () => spawnNodeCase('oursBatches', half.plain) },
    readlinePlain: { label: 'node:readline, plain', run: () => spawnNodeCase('readline', half.plain) },
    grep: { label: 'grep -c ERROR', run: () => spawnShellCase('grep', `grep -c ERROR ${q(half.plain)}`, uncompressed) },
    gunzipDrain: { label: 'bare gunzip drain (1 MiB)', run: () => spawnNodeCase('gunzipDrain', half.gz) },
    oursGz: { label: 'ours lines(), gzip', run: () => spawnNodeCase('ours', half.gz) },
    oursBatchesGz: { label: 'ours lineBatches(), gzip', run: () => spawnNodeCase('oursBatches', half.gz) },
    zcatGrep: { label: 'zcat | grep -c ERROR', run: () => spawnShellCase('zcatGrep', `zcat ${q(half.gz)} | grep -c ERROR`, uncompressed) },
    oursGzBig: { label: `ours lines(), gzip, ${bigSizeMB} MB`, run: () => spawnNodeCase('ours', big.gz) },
    // The whole analysis (the handler's work without S3): records, grouping, the records' NDJSON and gzip.
    analyzePlain: { label: 'analyzeBytes, plain, 17 % in records', run: () => spawnNodeCase('analyze', half.plain) },
    analyzeGz: { label: 'analyzeBytes, gzip, 17 % in records', run: () => spawnNodeCase('analyze', half.gz) },
    analyzeSocketTypicalGz: { label: `analyzeBytes, gzip, ${typicalRate}, 16 KiB reads`, run: () => spawnNodeCase('analyzeSocketChunks', typical.gz) },
    analyzeNoWritePlain: { label: 'analyzeBytes, plain, 17 %, records dropped', run: () => spawnNodeCase('analyzeNoWrite', half.plain) },
    analyzeTypicalPlain: { label: `analyzeBytes, plain, ${typicalRate} ERROR lines`, run: () => spawnNodeCase('analyze', typical.plain) },
    analyzeTypicalGz: { label: `analyzeBytes, gzip, ${typicalRate} ERROR lines`, run: () => spawnNodeCase('analyze', typical.gz) },
  };
  for (const key of Object.keys(cases)) if (!wanted(key)) delete cases[key];
  if (only !== undefined) for (const key of only) if (!(key in cases)) throw new Error(`--only: no case ${key}; expected some of ${Object.keys(cases).join(', ')}`);
  const results: Record<string, ChildResult[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let r = 1; r <= runs; r++) {
    for (const [key, spec] of Object.entries(cases)) {
      const result = await spec.run();
      results[key]!.push(result);
      say(`run ${r}/${runs} ${spec.label}: ${(result.wallMs / 1000).toFixed(2)} s`);
    }
  }

  // Correctness first: every counting case must agree with the generator's exact count.
  const fileOf = (key: string): AppLogFiles => (key === 'oursGzBig' ? big : key.startsWith('analyzeTypical') || key.startsWith('analyzeSocketTypical') ? typical : half);
  const expectedErrors = (key: string): number => fileOf(key).counts.errorLines;
  for (const [key, list] of Object.entries(results)) {
    if (key === 'idle' || key === 'drainPlain' || key === 'gunzipDrain') continue;
    for (const r of list) {
      if (r.errors !== expectedErrors(key)) throw new Error(`${key} counted ${r.errors} ERROR lines, expected ${expectedErrors(key)}`);
    }
  }

  const med = (key: string, field: keyof ChildResult): number => median((results[key] ?? []).map((r) => r[field] as number));
  const wall = (key: string): number => med(key, 'wallMs');
  const header = ['case', 'wall s (median)', 'MiB/s', 'CPU s', 'main/other CPU s', 'GC ms (n)', 'peak RSS MiB', 'loop p50/p99/max ms', 'wall runs s'];
  const rows = Object.entries(cases).map(([key, spec]) => {
    const bytes = fileOf(key).counts.bytes;
    return [
      spec.label,
      (wall(key) / 1000).toFixed(3),
      ((bytes / MiB) / (wall(key) / 1000)).toFixed(0),
      Number.isNaN(med(key, 'cpuMs')) ? '-' : (med(key, 'cpuMs') / 1000).toFixed(2),
      Number.isNaN(med(key, 'mainCpuMs')) ? '-' : `${(med(key, 'mainCpuMs') / 1000).toFixed(2)}/${(med(key, 'otherCpuMs') / 1000).toFixed(2)}`,
      Number.isNaN(med(key, 'gcMs')) ? '-' : `${med(key, 'gcMs')} (${med(key, 'gcCount')})`,
      Number.isNaN(med(key, 'maxRssMiB')) ? '-' : med(key, 'maxRssMiB').toFixed(0),
      Number.isNaN(med(key, 'loopP99Ms')) ? '-' : `${med(key, 'loopP50Ms')}/${med(key, 'loopP99Ms')}/${med(key, 'loopMaxMs')}`,
      results[key]!.map((r) => (r.wallMs / 1000).toFixed(2)).join(' '),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log('');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log('');

  let ndjsonWallVsGrep: number | null = null;
  const ndjsonModule = new URL('./ndjsonCase.ts', import.meta.url);
  if (only !== undefined) {
    say('--only: the ndjson case is left out');
  } else if (existsSync(ndjsonModule)) {
    // A variable specifier keeps esbuild from bundling it into the child; only the parent loads it.
    const specifier = ndjsonModule.href;
    const mod = (await import(specifier)) as { runNdjsonCase?: (o: { dir: string; sizeMB: number }) => Promise<unknown> };
    if (typeof mod.runNdjsonCase === 'function') {
      const got = await mod.runNdjsonCase({ dir, sizeMB });
      const value =
        typeof got === 'number'
          ? got
          : ((got as { ndjsonWallVsGrep?: unknown; wallVsGrep?: unknown } | null)?.ndjsonWallVsGrep ??
            (got as { wallVsGrep?: unknown } | null)?.wallVsGrep);
      ndjsonWallVsGrep = typeof value === 'number' ? round(value) : null;
      say(`ndjson case: ${JSON.stringify(got)}`);
    } else {
      say('note: bench/ndjsonCase.ts has no runNdjsonCase export yet; ndjsonWallVsGrep is null');
    }
  } else {
    say('note: bench/ndjsonCase.ts does not exist yet; ndjsonWallVsGrep is null');
  }

  const worst = (field: 'loopP99Ms' | 'loopMaxMs'): number => Math.max(med('oursPlain', field), med('oursGz', field));
  const summary = {
    gzipThroughputVsDrain: round(wall('gunzipDrain') / wall('oursGz')),
    gzipWallVsZcatGrep: round(wall('oursGz') / wall('zcatGrep')),
    plainWallVsGrep: round(wall('oursPlain') / wall('grep')),
    readlineSpeedup: round(wall('readlinePlain') / wall('oursPlain')),
    loopP99Ms: round(worst('loopP99Ms')),
    loopMaxMs: round(worst('loopMaxMs')),
    peakRssMiB: round(Math.max(med('oursPlain', 'maxRssMiB'), med('oursGz', 'maxRssMiB')), 1),
    rssGrowth2GbVsHalfGb: round(med('oursGzBig', 'maxRssMiB') / med('oursGz', 'maxRssMiB'), 3),
    ndjsonWallVsGrep,
    // The same ratios for the batch shape, the one the Lambda pipeline runs (lines() above is the shape for people).
    pipelineGzipThroughputVsDrain: round(wall('gunzipDrain') / wall('oursBatchesGz')),
    pipelinePlainWallVsGrep: round(wall('oursBatchesPlain') / wall('grep')),
    // The whole analysis (no S3) against the same limits: what bench:e2e's handler can reach at best.
    analyzeGzipVsGunzipDrain: round(wall('gunzipDrain') / wall('analyzeGz')),
    analyzePlainVsDrain: round(wall('drainPlain') / wall('analyzePlain')),
    analyzeTypicalGzipVsGunzipDrain: round(wall('gunzipDrain') / wall('analyzeTypicalGz')),
    analyzeTypicalPlainVsDrain: round(wall('drainPlain') / wall('analyzeTypicalPlain')),
    analyzeGcMs: round(med('analyzeGz', 'gcMs'), 0),
    // Main-thread and other threads' CPU ms per analyze case: what bounds the wall on 1 vCPU (their sum) and on 2 (their maximum).
    analyzeThreadCpuMs: Object.fromEntries(
      Object.keys(cases).filter((k) => k.startsWith('analyze')).map((k) => [k, [round(med(k, 'mainCpuMs'), 0), round(med(k, 'otherCpuMs'), 0)]]),
    ),
  };
  say(`targets: gzipThroughputVsDrain ≥ 0.8, gzipWallVsZcatGrep ≤ 0.55, plainWallVsGrep ≤ 6, loopP99Ms ≤ 5, loopMaxMs ≤ 25, peakRssMiB ≤ 160, rssGrowth2GbVsHalfGb ≤ 1.1`);
  say(`lines() vs lineBatches(): plain ${round(wall('oursPlain') / wall('oursBatchesPlain'))}×, gzip ${round(wall('oursGz') / wall('oursBatchesGz'))}× the wall`);
  console.log(JSON.stringify(summary));
}

await main();
