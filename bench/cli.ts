/**
 * CLI start-up benchmark: `npm run bench:cli [-- --runs 7 --target tarball|repo]`.
 *
 * Times whole `logsieve` processes, wall clock from spawn to exit, round-robin so the machine's
 * drift hits every case alike:
 *   - node: `node -e 0`, the baseline every figure is also given against (the floor of any Node CLI);
 *   - help: `logsieve --help`;
 *   - processSmall: `logsieve process` of a 1 KiB app log (4 errors) to a fresh `--out` directory;
 *     the run counts only when the summary, report and error records are on disk afterwards.
 * `--target tarball` (default) packs the repository (`npm pack`, which builds), installs the tarball
 * with production dependencies only in a temporary directory and runs its `logsieve` command;
 * `--target repo` runs the repository's `bin` file in place. Either way the command's file is run
 * with this Node (`node <bin>`), as `npx logsieve` ends up doing, without npx's own start-up.
 * Figures are medians of `--runs` (at least 5). The last line is one JSON object.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../dev/localstack/constants.js';
import { installPackedTarball } from '../dev/pack/installPackedTarball.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, target: { type: 'string', default: 'tarball' } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 5) throw new Error(`--runs expects an integer of at least 5, got "${values.runs}"`);
if (values.target !== 'tarball' && values.target !== 'repo') throw new Error(`--target expects tarball or repo, got "${values.target}"`);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** 1 KiB of app log: INFO lines with four ERRORs among them. */
function smallLog(): string {
  const lines: string[] = [];
  for (let i = 0; lines.join('\n').length < 1000; i++) {
    const t = `2026-11-26T00:00:${String(i).padStart(2, '0')}.000Z`;
    lines.push(i % 4 === 3 ? `${t} ERROR orders req=${i.toString(16)} payment declined for order ${1000 + i}` : `${t} INFO orders req=${i.toString(16)} order ${1000 + i} accepted`);
  }
  return `${lines.join('\n')}\n`;
}

async function binFile(): Promise<{ bin: string; where: string; temp: string[] }> {
  if (values.target === 'repo') {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: { logsieve: string } };
    return { bin: path.join(REPO_ROOT, pkg.bin.logsieve), where: 'repository', temp: [] };
  }
  const installed = await installPackedTarball();
  return { bin: await realpath(installed.bin), where: 'installed tarball', temp: [installed.dir, path.dirname(installed.tarball)] };
}

const { bin, where, temp } = await binFile();
const work = await mkdtemp(path.join(os.tmpdir(), 'logsieve-bench-cli-'));
const log = path.join(work, 'small.log');
await writeFile(log, smallLog());
// No endpoint, no up state: the local path only, as a new user runs it.
const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(AWS_|LOCALSTACK_ENDPOINT|LOGSIEVE_)/.test(k)) env[k] = v;

type Case = 'node' | 'help' | 'processSmall';
const CASES: Case[] = ['node', 'help', 'processSmall'];
let outs = 0;

function timeOnce(which: Case): number {
  let args: string[];
  let out: string | undefined;
  if (which === 'node') args = ['-e', '0'];
  else if (which === 'help') args = [bin, '--help'];
  else {
    out = path.join(work, `out-${outs++}`);
    args = [bin, 'process', log, '--out', out];
  }
  const started = performance.now();
  const res = spawnSync(process.execPath, args, { cwd: work, env, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (res.status !== 0) throw new Error(`${which}: exit ${res.status}: ${res.stderr}`);
  if (which === 'help' && !res.stdout.includes('process')) throw new Error(`help printed no command list: ${res.stdout}`);
  if (out !== undefined) checkOutputs(out);
  return ms;
}

function checkOutputs(out: string): void {
  for (const suffix of ['summary.json', 'report.html', 'errors.ndjson.gz']) {
    const file = path.join(out, `small.log.${suffix}`);
    if (!existsSync(file)) throw new Error(`processSmall left no ${file}`);
  }
}

const times: Record<Case, number[]> = { node: [], help: [], processSmall: [] };
timeOnce('help'); // warm the file cache once; not counted
for (let r = 0; r < runs; r++) for (const c of CASES) times[c].push(timeOnce(c));
const lastOut = path.join(work, `out-${outs - 1}`);
const written = await readdir(lastOut, { recursive: true });
for (const dir of [work, ...temp]) await rm(dir, { recursive: true, force: true });

const med = Object.fromEntries(CASES.map((c) => [c, Math.round(median(times[c]))])) as Record<Case, number>;
console.log(`logsieve CLI start-up, ${where}; ${runs} runs each, medians (wall ms, busy shared machine: noisy)`);
console.log('case          median   min    max   × node -e 0');
for (const c of CASES) {
  const xs = times[c];
  console.log(`${c.padEnd(13)} ${String(med[c]).padStart(6)} ${String(Math.round(Math.min(...xs))).padStart(5)} ${String(Math.round(Math.max(...xs))).padStart(6)}   ${(med[c] / med.node).toFixed(1)}`);
}
console.log(`processSmall wrote: ${written.join(', ')}`);
console.log(
  JSON.stringify({
    bench: 'cli',
    target: values.target,
    runs,
    helpMs: med.help,
    processSmallMs: med.processSmall,
    nodeMs: med.node,
    helpVsNode: Number((med.help / med.node).toFixed(2)),
    processSmallVsNode: Number((med.processSmall / med.node).toFixed(2)),
    targets: { helpMs: 300, processSmallMs: 600 },
  }),
);
