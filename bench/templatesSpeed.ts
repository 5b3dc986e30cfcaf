/**
 * Speed of `logsieve templates` on a typical application log: `npm run bench:templates [-- --size-mb 64 --runs 3]`.
 *
 * Generates (once, into bench/.data/) the seeded app log the other benches use (JSON-free text
 * lines with request ids, paths, key=value pairs, 2 % ERROR lines with stack traces), then runs,
 * each in a fresh child process so that peak RSS is its own, round-robin so drift hits both alike:
 *   - templates: `collectTemplates` as the command runs it (line stage, format detection,
 *     multi-line joining, every event a record, masking + learned templates), with the per-line
 *     assignments kept (4 bytes a line), as `--assignments` does;
 *   - lines: the same file through the line stage only (decompress + lineBatches), the baseline.
 * Figures are medians of `--runs`: lines per second of wall time, lines per CPU-second of the
 * process (user + system, all its threads: the fairer "one core" figure on a busy machine), and
 * peak RSS. The machine is shared and noisy; the CPU-second figure moves less than the wall one.
 * The last line is JSON.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLineStats } from '../functions/src/stream/createLineStats.js';
import { decompress } from '../functions/src/stream/decompress.js';
import { lineBatches } from '../functions/src/stream/lineBatches.js';
import { collectTemplates } from '../cli/collectTemplates.js';
import { ensureAppLogFiles } from '../dev/local/generateAppLog.js';

const SELF = fileURLToPath(import.meta.url);
const HERE = path.dirname(SELF);
const CASES = ['templates', 'lines'] as const;
type Case = (typeof CASES)[number];

interface Run { case: Case; lines: number; wallMs: number; cpuMs: number; peakRssMiB: number; templates: number }

async function child(which: Case, file: string): Promise<Run> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let lines = 0;
  let templates = 0;
  if (which === 'templates') {
    const table = await collectTemplates(createReadStream(file), { multiline: true, assignments: true, name: file });
    lines = table.lines;
    templates = table.rows.length;
  } else {
    const stats = createLineStats();
    for await (const batch of lineBatches(decompress(createReadStream(file)), { maxLineBytes: 1 << 20, longLines: 'truncate', stats })) void batch;
    lines = stats.lines;
  }
  const cpu = process.cpuUsage(c0);
  return { case: which, lines, wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), templates };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const { values } = parseArgs({ options: { 'size-mb': { type: 'string', default: '64' }, runs: { type: 'string', default: '3' }, child: { type: 'string' }, file: { type: 'string' } } });
if (values.child !== undefined) {
  process.stdout.write(`${JSON.stringify(await child(values.child as Case, values.file!))}\n`);
} else {
  const sizeMB = Number(values['size-mb']);
  const runs = Number(values.runs);
  const log = await ensureAppLogFiles({ dir: path.join(HERE, '.data'), sizeMB, seed: 1, log: (m) => console.error(m) });
  const results: Run[] = [];
  for (let i = 0; i < runs; i++) {
    for (const which of CASES) {
      const res = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', which, '--file', log.plain], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (res.status !== 0) throw new Error(`${which} run failed: ${res.stderr}`);
      results.push(JSON.parse(res.stdout.trim().split('\n').pop()!) as Run);
    }
  }
  const summary = CASES.map((which) => {
    const rs = results.filter((r) => r.case === which);
    return {
      case: which,
      lines: rs[0]!.lines,
      linesPerSec: Math.round(median(rs.map((r) => (r.lines / r.wallMs) * 1000))),
      linesPerCpuSec: Math.round(median(rs.map((r) => (r.lines / r.cpuMs) * 1000))),
      peakRssMiB: median(rs.map((r) => r.peakRssMiB)),
      templates: rs[0]!.templates,
    };
  });
  console.log(`logsieve templates on ${sizeMB} MiB of generated app log (${summary[0]!.lines.toLocaleString('en-US')} lines), medians of ${runs} runs:`);
  console.table(summary);
  const [t, l] = summary as [typeof summary[0], typeof summary[0]];
  console.log(JSON.stringify({
    sizeMB, lines: t.lines, runs, templates: t.templates,
    templatesLinesPerSec: t.linesPerSec, templatesLinesPerCpuSec: t.linesPerCpuSec, templatesPeakRssMiB: t.peakRssMiB,
    lineStageLinesPerSec: l.linesPerSec, lineStagePeakRssMiB: l.peakRssMiB,
    vsLineStage: Math.round((t.linesPerSec / l.linesPerSec) * 1000) / 1000,
  }));
}
