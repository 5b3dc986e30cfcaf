/**
 * One core against two: `npm run bench:cores [-- --size-mb 512 --cw-size-mib 64 --runs 3]`.
 *
 * What a second vCPU buys the analysis. Lambda gives one vCPU up to 1 769 MB and two from 3 538 MB;
 * in between, two vCPUs with a CPU quota of memory ÷ 1 769 MB. The inflate of a gzip object runs on
 * libuv's pool and the records' gzip too, beside the main thread's parsing, so with two cores the
 * wall can fall from their sum towards the main thread's own CPU time.
 *
 * Each case is `analyzeBytes` on a file (no LocalStack: nothing else competes for the cores), with
 * the error records serialised and gzipped as the Lambda's writer does (upload dropped), in a fresh
 * child process pinned with `taskset` to one core (`-c 0`) or two (`-c 0,1`), round-robin, medians
 * of `--runs`:
 *   - gzipTypical, gzipHeavy, plainTypical: the app logs of bench:lines (about 0.25 % and 2 % ERROR
 *     lines, the second with 17 % of its lines in records);
 *   - cloudWatch: the Firehose-like CloudWatch Logs envelopes of bench:envelopes.
 * Per case:
 *   - the walls on one and two cores and their ratio;
 *   - the main thread's and the other threads' CPU time (from /proc);
 *   - `offMainShare`: the other threads' part of it (2-core run), the steadiest figure on a shared machine;
 *   - `speedupBound`: all CPU over the main thread's, the most any number of cores could give;
 *   - `quotaToSaturate`: the CPU quota (in vCPUs) beyond which a second vCPU no longer shortens the
 *     wall, the 1-core run's total CPU over the 2-core run's main-thread CPU (a bound: the wall is at
 *     least the larger of the main thread's time and all CPU ÷ the quota), with the Lambda memory
 *     setting that gives that quota.
 * The last line is JSON.
 */
import { createReadStream } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { ensureAppLogFiles } from '../dev/local/generateAppLog.js';
import { parseRules } from '../functions/src/parse/parseRules.js';
import { analyzeBytes } from '../functions/src/pipeline/analyzeBytes.js';
import { discardingWriter } from './discardingWriter.js';
import { envelopeCorpus } from './envelopeCorpus.js';
import { runJsonChild } from './runJsonChild.js';
import { threadCpuMs } from './threadCpuMs.js';

const SELF = fileURLToPath(import.meta.url);
const DATA = fileURLToPath(new URL('./.data/', import.meta.url));
/** bench:lines' seed: its corpora are reused when it has run. */
const SEED = 20261126;
/** Lambda: one vCPU's worth of CPU per 1 769 MB of memory. */
const MB_PER_VCPU = 1769;
const CASES = ['gzipTypical', 'gzipHeavy', 'plainTypical', 'cloudWatch'] as const;
type Case = (typeof CASES)[number];

interface ChildResult { wallMs: number; mainCpuMs: number; otherCpuMs: number; bytes: number; records: number }
interface Run extends ChildResult { case: Case; cores: 1 | 2 }

async function child(file: string): Promise<ChildResult> {
  const cpu0 = threadCpuMs();
  const t0 = performance.now();
  const analysis = await analyzeBytes(createReadStream(file, { highWaterMark: 1024 * 1024 }), {
    source: { bucket: 'bench', key: file.split('/').at(-1)! },
    config: { rules: parseRules({}), maxLineBytes: 1024 * 1024, longLines: 'truncate' },
    writeRecords: discardingWriter,
  });
  const wallMs = performance.now() - t0;
  const cpu = threadCpuMs();
  if (analysis.failure !== undefined) throw new Error(`analysis of ${file} failed: ${analysis.failure}`);
  return { wallMs, mainCpuMs: cpu.main - cpu0.main, otherCpuMs: cpu.others - cpu0.others, bytes: analysis.bytesOut, records: analysis.part?.records ?? 0 };
}

/** The child pinned with `taskset` (util-linux) to `cores` cores; resolves to the JSON it printed last. */
function pinned(cores: 1 | 2, file: string): Promise<ChildResult> {
  return runJsonChild<ChildResult>(SELF, ['--child', file], { ...process.env }, ['--import', 'tsx'], ['taskset', '-c', cores === 1 ? '0' : '0,1']);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round2 = (x: number): number => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    'size-mb': { type: 'string', default: '512' }, 'cw-size-mib': { type: 'string', default: '64' },
    runs: { type: 'string', default: '3' }, child: { type: 'string' },
  } });
  if (values.child !== undefined) {
    console.log(JSON.stringify(await child(values.child)));
    return;
  }
  if (cpus().length < 2) throw new Error('bench:cores needs a machine with at least 2 cores');
  const sizeMB = Number(values['size-mb']);
  const runs = Number(values.runs);
  const say = (m: string): void => console.log(`[bench:cores] ${m}`);
  const typical = await ensureAppLogFiles({ dir: DATA, sizeMB, seed: SEED, errorRate: 0.0025, log: say });
  const heavy = await ensureAppLogFiles({ dir: DATA, sizeMB, seed: SEED, errorRate: 0.02, log: say });
  const files: Record<Case, string> = {
    gzipTypical: typical.gz, gzipHeavy: heavy.gz, plainTypical: typical.plain,
    cloudWatch: envelopeCorpus(DATA, Number(values['cw-size-mib'])).path,
  };
  const load = loadavg()[0]!.toFixed(1);
  const all: Run[] = [];
  for (let r = 0; r < runs; r++) {
    for (const which of CASES) {
      for (const cores of [1, 2] as const) all.push({ case: which, cores, ...(await pinned(cores, files[which])) });
    }
  }
  const rows = CASES.map((which) => {
    const of = (cores: 1 | 2, f: (r: Run) => number): number => median(all.filter((r) => r.case === which && r.cores === cores).map(f));
    const wall1 = of(1, (r) => r.wallMs);
    const wall2 = of(2, (r) => r.wallMs);
    const total1 = of(1, (r) => r.mainCpuMs + r.otherCpuMs);
    const main2 = of(2, (r) => r.mainCpuMs);
    const other2 = of(2, (r) => r.otherCpuMs);
    const quota = Math.min(2, total1 / main2);
    const bytes = all.find((r) => r.case === which)!.bytes;
    return {
      case: which, MB: Math.round(bytes / 1e6),
      wall1Ms: Math.round(wall1), wall2Ms: Math.round(wall2), speedup: round2(wall1 / wall2),
      MBps1: Math.round(bytes / 1e3 / wall1), MBps2: Math.round(bytes / 1e3 / wall2),
      main2CpuMs: Math.round(main2), other2CpuMs: Math.round(other2), total1CpuMs: Math.round(total1),
      offMainShare: round2(other2 / (main2 + other2)), speedupBound: round2((main2 + other2) / main2),
      quotaToSaturate: round2(quota), memoryMBToSaturate: Math.round(quota * MB_PER_VCPU),
    };
  });
  say(`analyzeBytes from files, medians of ${runs} runs, ${cpus().length} CPUs, load ${load} at start (shared, noisy machine); ${process.version}`);
  console.table(rows);
  console.log(JSON.stringify({
    speedup: Object.fromEntries(rows.map((r) => [r.case, r.speedup])),
    speedupBound: Object.fromEntries(rows.map((r) => [r.case, r.speedupBound])),
    memoryMBToSaturate: Object.fromEntries(rows.map((r) => [r.case, r.memoryMBToSaturate])),
    sizeMB, runs, loadAtStart: Number(load), rows,
  }));
}

await main();
