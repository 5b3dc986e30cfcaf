/**
 * NDJSON benchmark of the parse stage: generates (fixed seed) a realistic pino-style NDJSON log,
 * then measures, medians of `runs` runs each, the wall time of
 *   - `grep -c '"level":"error"'` over the file (the reference),
 *   - reading and splitting the file into lines (the project's `lineBatches`) alone,
 *   - the same plus `JSON.parse` of every line (what a naive parser does),
 *   - the same plus our `records()` stage (pre-filter, then parse only the error lines),
 *   - the same with rules no line meets (the pre-filter scan alone).
 * `npm run bench:lines` calls `runNdjsonCase`; run this file directly to print the table:
 *   npx tsx bench/ndjsonCase.ts [sizeMB=100] [dir=os.tmpdir()] [errorRates=0.01,0.03]
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { once } from 'node:events';
import { createParseStats } from '../functions/src/parse/createParseStats.js';
import { parseRules } from '../functions/src/parse/parseRules.js';
import { records } from '../functions/src/parse/records.js';
import { lineBatches } from '../functions/src/stream/lineBatches.js';
import { prng } from '../dev/local/prng.js';

/** One measured variant. */
export interface NdjsonCaseRow {
  name: string;
  /** Median wall time, ms. */
  wallMs: number;
  /** Throughput over the file size, MB/s. */
  mbPerSec: number;
  /** Median over rounds of (this variant's wall time / grep's in the same round). */
  vsGrep: number;
}

export interface NdjsonCaseResult {
  /** records() over the file (read + split + parse stage) divided by `grep -c`: the target is ≤ 2.5. */
  ndjsonWallVsGrep: number;
  /** JSON.parse of every line divided by grep: what the pre-filter avoids. */
  parseEveryLineVsGrep: number;
  /** records() when no line qualifies: the cost of the pre-filter scan alone, over grep. */
  scanOnlyVsGrep: number;
  sizeMB: number;
  lines: number;
  errorRate: number;
  /** What grep counted, and the error records our stage emitted (must be equal). */
  grepCount: number;
  records: number;
  rows: NdjsonCaseRow[];
}

const MB = 1024 * 1024;

const SERVICES = ['api', 'orders', 'billing', 'auth', 'search', 'inventory'];
const PATHS = ['/v1/orders', '/v1/orders/{id}', '/v1/users/{id}', '/v1/cart', '/health', '/v1/payments/{id}/capture', '/api/error-reports'];
const INFO = [
  'request completed',
  'cache miss, loading from db',
  'published event order.created',
  'error budget healthy', // "error" in an INFO message: the pre-filter must not be fooled
  'retrying upstream call',
  'user signed in',
];
// Error messages with variable parts, so that grouping has real work to do.
const ERRORS = [
  ['TypeError', () => "Cannot read properties of undefined (reading 'id')"],
  ['UpstreamError', (n: number) => `payment capture failed for order ${n}: upstream returned 502`],
  ['DatabaseError', (n: number) => `deadlock detected while updating inventory row ${n % 5000}`],
  ['TimeoutError', (n: number) => `request timed out after ${1000 + (n % 30) * 1000}ms calling 10.0.${n % 8}.${n % 250}:443`],
] as const;

/** Writes the log (unless a file of that size and seed already exists) and returns its path and counts. */
export async function generateNdjson(
  dir: string, sizeMB: number, errorRate = 0.01, seed = 20240301,
): Promise<{ path: string; lines: number; errors: number }> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `logsieve-ndjson-${sizeMB}MB-e${errorRate}-${seed}.ndjson`);
  const target = sizeMB * MB;
  const rand = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const hex = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rand() * 16)];
    return s;
  };
  const reuse = existsSync(path) && statSync(path).size >= target;
  const out = reuse ? undefined : createWriteStream(path);
  let bytes = 0;
  let lines = 0;
  let errors = 0;
  let t = Date.UTC(2024, 2, 1, 10, 0, 0);
  let chunk: string[] = [];
  let chunkBytes = 0;
  while (bytes < target) {
    t += Math.floor(rand() * 40);
    const r = rand();
    const level = r < errorRate ? 'error' : r < errorRate + 0.06 ? 'warn' : r < errorRate + 0.13 ? 'debug' : 'info';
    const base = `{"time":"${new Date(t).toISOString()}","level":"${level}","service":"${pick(SERVICES)}","requestId":"${hex(8)}-${hex(4)}-4${hex(3)}-${hex(4)}-${hex(12)}"`;
    let line: string;
    if (level === 'error') {
      const [type, make] = pick(ERRORS);
      const message = make(Math.floor(rand() * 1e6));
      line = `${base},"msg":"${message}","err":{"type":"${type}","message":"${message}","stack":"${type}: ${message}\\n    at handler (/var/task/index.js:${Math.floor(rand() * 200)}:13)\\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)"}}`;
      errors++;
    } else {
      const path = pick(PATHS).replace('{id}', String(Math.floor(rand() * 1e6)));
      line = `${base},"msg":"${pick(INFO)}","http":{"method":"${rand() < 0.7 ? 'GET' : 'POST'}","path":"${path}","status":${rand() < 0.95 ? 200 : 404}},"durationMs":${Math.floor(rand() * 900)},"userId":${Math.floor(rand() * 1e5)}}`;
    }
    line += '\n';
    bytes += line.length;
    lines++;
    if (out) {
      chunk.push(line);
      chunkBytes += line.length;
      if (chunkBytes >= MB) {
        if (!out.write(chunk.join(''))) await once(out, 'drain');
        chunk = [];
        chunkBytes = 0;
      }
    }
  }
  if (out) {
    out.end(chunk.join(''));
    await once(out, 'finish');
  }
  return { path, lines, errors };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const readChunks = (path: string) => createReadStream(path, { highWaterMark: MB });

/** Generates the log and measures the variants; medians of `runs` (default 3) runs. */
export async function runNdjsonCase(opts: {
  dir: string;
  sizeMB: number;
  /** Runs per variant; the median is reported. Default 3. */
  runs?: number;
  /** Fraction of ERROR lines. Default 0.01 (1 %), a busy but healthy service. */
  errorRate?: number;
}): Promise<NdjsonCaseResult> {
  const runs = opts.runs ?? 3;
  const errorRate = opts.errorRate ?? 0.01;
  const { path, lines } = await generateNdjson(opts.dir, opts.sizeMB, errorRate);
  const sizeMB = statSync(path).size / MB;

  const scanOnly = parseRules({ minLevel: 'fatal' });
  const variants: Array<[string, () => Promise<number>]> = [
    [`grep -c '"level":"error"'`, async () => Number(spawnSync('grep', ['-c', '"level":"error"', path], { encoding: 'utf8' }).stdout.trim())],
    ['read + split (lineBatches)', async () => {
      let n = 0;
      for await (const batch of lineBatches(readChunks(path))) n += batch.length;
      return n;
    }],
    ['read + split + JSON.parse every line', async () => {
      let n = 0;
      for await (const batch of lineBatches(readChunks(path))) {
        for (const line of batch) if ((JSON.parse(line.text) as { level?: string }).level === 'error') n++;
      }
      return n;
    }],
    ['read + split + records() [pre-filter]', async () => {
      let n = 0;
      const stats = createParseStats();
      for await (const batch of records(lineBatches(readChunks(path)), { source: { bucket: 'bench', key: 'app.ndjson' }, format: 'json', stats })) {
        n += batch.length;
      }
      return n;
    }],
    ['read + split + records() scan only (minLevel fatal: nothing qualifies)', async () => {
      let n = 0;
      for await (const batch of records(lineBatches(readChunks(path)), { source: { bucket: 'bench', key: 'app.ndjson' }, format: 'json', rules: scanOnly })) {
        n += batch.length;
      }
      return n;
    }],
  ];
  // Rounds interleave the variants, so that load from other processes on a shared machine hits them
  // alike; each ratio is taken within a round and the median of the rounds is reported.
  const times = variants.map(() => [] as number[]);
  const ratios = variants.map(() => [] as number[]);
  const values = variants.map(() => 0);
  await variants[3]![1](); // warm up the JIT so that the first round is not an outlier
  for (let round = 0; round < runs; round++) {
    const roundTimes: number[] = [];
    for (let v = 0; v < variants.length; v++) {
      const start = performance.now();
      values[v] = await variants[v]![1]();
      roundTimes.push(performance.now() - start);
    }
    roundTimes.forEach((ms, v) => {
      times[v]!.push(ms);
      ratios[v]!.push(ms / roundTimes[0]!);
    });
  }

  const rows: NdjsonCaseRow[] = variants.map(([name], v) => {
    const ms = median(times[v]!);
    return { name, wallMs: Math.round(ms), mbPerSec: Math.round(sizeMB / (ms / 1000)), vsGrep: Number(median(ratios[v]!).toFixed(2)) };
  });
  return {
    ndjsonWallVsGrep: rows[3]!.vsGrep,
    parseEveryLineVsGrep: rows[2]!.vsGrep,
    scanOnlyVsGrep: rows[4]!.vsGrep,
    sizeMB: Number(sizeMB.toFixed(1)),
    lines,
    errorRate,
    grepCount: values[0]!,
    records: values[3]!,
    rows,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizeMB = Number(process.argv[2] ?? 100);
  const dir = process.argv[3] ?? tmpdir();
  for (const errorRate of (process.argv[4] ?? '0.01,0.03').split(',').map(Number)) {
    const result = await runNdjsonCase({ dir, sizeMB, errorRate });
    console.log(`NDJSON case: ${result.sizeMB} MB, ${result.lines} lines, ${errorRate * 100}% errors; grep counted ${result.grepCount}, records() emitted ${result.records}`);
    console.table(result.rows);
    console.log(`records() vs grep: ${result.ndjsonWallVsGrep}x (target <= 2.5x); JSON.parse every line vs grep: ${result.parseEveryLineVsGrep}x`);
  }
}
