/**
 * Hostile-input benchmark: `npm run bench:hostile [-- --class bombs --case window --runs 1 --limit-ms 500]`.
 *
 * Loads every module in bench/hostile/cases/*.ts (each exports `cases: HostileCase[]`), writes the
 * inputs once under bench/.data/hostile/ (git-ignored, reused), and runs
 * `node dev/logsieve.mjs process <file> --json` per case in a child process of its own process
 * group, under /usr/bin/time -v (peak RSS), with a time limit: after it the group gets SIGTERM,
 * then SIGKILL 2 s later, and the run checks that no process of the group is left.
 *
 * Figures: the pipeline's time (the summary's `processing.durationMs`, the CLI's start-up left out;
 * without a summary the wall time less the start-up of a run on an empty file, measured first),
 * input MB/s = the larger of the file's bytes and the decompressed bytes the summary reports
 * (`counts.bytesOut`: what the parser had to read) over that time, in 10^6 bytes, wall time, and
 * peak RSS of the whole process (start-up included).
 * A refused input (a failed summary by design) counts by what it read. With `--runs N` each case
 * runs N times and the medians are shown. Targets (issue 13): every class ≥ 1 MB/s, peak RSS ≤ 256
 * MiB for any input, no process alive after its limit. The machine is shared and noisy: the
 * throughput figures move by tens of percent between runs; the RSS figures hardly.
 *
 * The last line printed is one JSON object: per class the slowest MB/s and the peak RSS, and the
 * overall verdict against the targets.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import type { HostileCase } from './hostile/types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, 'bench', '.data', 'hostile');
const CASES_DIR = join(ROOT, 'bench', 'hostile', 'cases');
const CLI = join(ROOT, 'dev', 'logsieve.mjs');
const DEFAULT_LIMIT_MS = 120_000;
const TARGET_MBPS = 1;
const TARGET_RSS_MIB = 256;

interface RunResult {
  wallMs: number;
  rssMiB: number;
  exitCode: number | null;
  timedOut: boolean;
  aliveAfterLimit: boolean;
  summary: {
    status?: string; reason?: string; counts?: { bytesOut?: number; records?: number; lines?: number }; processing?: { durationMs?: number };
  } | undefined;
  stderrTail: string;
}

/** Runs the CLI on `file` in its own process group; kills the group at the limit and checks it is gone. */
async function runCli(file: string, outDir: string, extra: string[], limitMs: number): Promise<RunResult> {
  rmSync(outDir, { recursive: true, force: true });
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-v', process.execPath, CLI, 'process', file, '--json', '--out', outDir, ...extra], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_REGION: process.env.AWS_REGION ?? 'us-east-1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid!, 'SIGTERM');
    setTimeout(() => killGroup(child.pid!, 'SIGKILL'), 2_000).unref();
  }, limitMs);
  const exitCode = await exited;
  clearTimeout(timer);
  const wallMs = performance.now() - started;
  let aliveAfterLimit = false;
  if (timedOut) {
    // Give SIGKILL its chance, then look for any member of the group.
    await new Promise((r) => setTimeout(r, 2_500));
    aliveAfterLimit = groupAlive(child.pid!);
    if (aliveAfterLimit) killGroup(child.pid!, 'SIGKILL');
  }
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  let summary: RunResult['summary'];
  try {
    summary = JSON.parse(stdout) as RunResult['summary'];
  } catch {
    summary = undefined;
  }
  return {
    wallMs, rssMiB: rss ? Number(rss[1]) / 1024 : NaN, exitCode, timedOut, aliveAfterLimit, summary,
    stderrTail: stderr.split('\n').filter((l) => l.startsWith('logsieve:')).join(' ').slice(0, 200),
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Whether any process of group `pgid` exists (signal 0 probes without sending). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function loadCases(): Promise<HostileCase[]> {
  const all: HostileCase[] = [];
  for (const file of readdirSync(CASES_DIR).filter((f) => f.endsWith('.ts')).sort()) {
    const mod = (await import(pathToFileURL(join(CASES_DIR, file)).href)) as { cases?: HostileCase[] };
    if (!Array.isArray(mod.cases)) throw new Error(`bench/hostile/cases/${file} exports no \`cases\` array`);
    all.push(...mod.cases);
  }
  return all;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Row {
  class: string;
  name: string;
  fileMB: number;
  readMB: number;
  netS: number;
  wallS: number;
  mbPerSec: number;
  rssMiB: number;
  status: string;
  records: number | undefined;
  check: string;
  timedOut: boolean;
  alive: boolean;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { class: { type: 'string' }, case: { type: 'string' }, runs: { type: 'string', default: '1' }, 'limit-ms': { type: 'string' } },
  });
  const runs = Math.max(1, Number(values.runs));
  // Overrides every case's limit: `--limit-ms 500` shows the kill path (and that no process is left).
  const limitMs = values['limit-ms'] === undefined ? undefined : Number(values['limit-ms']);
  mkdirSync(DATA, { recursive: true });
  const selected = (await loadCases()).filter(
    (c) => (values.class === undefined || c.class === values.class) && (values.case === undefined || c.name.includes(values.case)),
  );
  const empty = join(DATA, 'empty.log');
  writeFileSync(empty, '');
  const baselines: number[] = [];
  for (let i = 0; i < 3; i++) baselines.push((await runCli(empty, join(DATA, 'out-baseline'), [], 60_000)).wallMs);
  const startupMs = median(baselines);
  console.log(`CLI start-up (empty file, median of 3): ${(startupMs / 1000).toFixed(2)} s, subtracted from every wall time`);

  const rows: Row[] = [];
  for (const c of selected) {
    const t = performance.now();
    const file = await c.make(DATA);
    const makeS = (performance.now() - t) / 1000;
    const fileBytes = statSync(file).size;
    const results: RunResult[] = [];
    for (let r = 0; r < runs; r++) results.push(await runCli(file, join(DATA, 'out'), c.args?.(DATA) ?? [], limitMs ?? c.timeLimitMs ?? DEFAULT_LIMIT_MS));
    const last = results[results.length - 1]!;
    const readBytes = Math.max(fileBytes, last.summary?.counts?.bytesOut ?? 0);
    // The pipeline's own clock (the summary's processing.durationMs) leaves the CLI's start-up out;
    // without a summary (a crash, a kill) the wall time less the measured start-up stands in.
    const netS = Math.max(0.01, median(results.map((x) => (x.summary?.processing?.durationMs ?? x.wallMs - startupMs) / 1000)));
    const status = last.timedOut ? 'TIMED OUT' : last.summary?.status ?? `no summary (exit ${last.exitCode}) ${last.stderrTail}`;
    const records = last.summary?.counts?.records;
    const problems: string[] = [];
    if (c.expect?.status !== undefined && last.summary?.status !== c.expect.status) problems.push(`status ≠ ${c.expect.status}`);
    if (c.expect?.records !== undefined && records !== c.expect.records) problems.push(`records ≠ ${c.expect.records}`);
    rows.push({
      class: c.class, name: c.name, fileMB: fileBytes / 1e6, readMB: readBytes / 1e6, netS, wallS: median(results.map((x) => x.wallMs)) / 1000, mbPerSec: readBytes / 1e6 / netS,
      rssMiB: Math.max(...results.map((x) => x.rssMiB)), status, records, check: problems.length ? problems.join(', ') : 'ok',
      timedOut: results.some((x) => x.timedOut), alive: results.some((x) => x.aliveAfterLimit),
    });
    const row = rows[rows.length - 1]!;
    console.log(`${c.class}/${c.name}: ${row.mbPerSec.toFixed(1)} MB/s, ${row.rssMiB.toFixed(0)} MiB, ${status}${last.summary?.reason ? ` (${last.summary.reason.slice(0, 100)})` : ''}, input made in ${makeS.toFixed(1)} s`);
  }
  rmSync(join(DATA, 'out'), { recursive: true, force: true });
  rmSync(join(DATA, 'out-baseline'), { recursive: true, force: true });

  console.log('');
  console.log('| class | case | file MB | read MB | pipeline s | wall s | MB/s | peak RSS MiB | status | records | check |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|');
  for (const r of rows) {
    console.log(`| ${r.class} | ${r.name} | ${r.fileMB.toFixed(1)} | ${r.readMB.toFixed(1)} | ${r.netS.toFixed(2)} | ${r.wallS.toFixed(2)} | ${r.mbPerSec.toFixed(1)} | ${r.rssMiB.toFixed(0)} | ${r.status} | ${r.records ?? '-'} | ${r.check} |`);
  }
  const classes: Record<string, { slowestMBps: number; slowestCase: string; peakRssMiB: number; cases: number; pass: boolean }> = {};
  for (const r of rows) {
    const k = (classes[r.class] ??= { slowestMBps: Infinity, slowestCase: '', peakRssMiB: 0, cases: 0, pass: true });
    k.cases++;
    if (r.mbPerSec < k.slowestMBps) {
      k.slowestMBps = r.mbPerSec;
      k.slowestCase = r.name;
    }
    k.peakRssMiB = Math.max(k.peakRssMiB, r.rssMiB);
    if (r.mbPerSec < TARGET_MBPS || r.rssMiB > TARGET_RSS_MIB || r.timedOut || r.alive) k.pass = false;
  }
  for (const k of Object.values(classes)) {
    k.slowestMBps = Math.round(k.slowestMBps * 10) / 10;
    k.peakRssMiB = Math.round(k.peakRssMiB);
  }
  const pass = rows.length > 0 && Object.values(classes).every((k) => k.pass);
  console.log(JSON.stringify({
    bench: 'hostile', startupS: Math.round(startupMs) / 1000, runs,
    targets: { minMBps: TARGET_MBPS, maxRssMiB: TARGET_RSS_MIB, aliveAfterLimit: 0 },
    classes,
    timedOut: rows.filter((r) => r.timedOut).map((r) => `${r.class}/${r.name}`),
    aliveAfterLimit: rows.filter((r) => r.alive).map((r) => `${r.class}/${r.name}`),
    wrongResults: rows.filter((r) => r.check !== 'ok').map((r) => `${r.class}/${r.name}: ${r.check}`),
    pass,
  }));
}

await main();
