/**
 * Rollup benchmark: `npm run bench:rollup [-- --counts 1000,10000 --runs 3 --concurrency 16]`.
 *
 * Puts generated summaries into LocalStack (through the harness), `counts` sets under their own
 * prefixes, each summary with 20 groups drawn from 600 templates (more than the 200 a merge keeps,
 * so the Space-Saving floor is exercised), then times, in a fresh child process per run and round
 * robin:
 *   - merge: what `logsieve rollup s3://…` and the rollup writer do: list, GET `concurrency` at a
 *     time, parse, `fromSummary`, `createMerger`, `buildRollup`, serialise;
 *   - drain: the same listing and GETs through the SDK, the bodies read as text and dropped;
 *   - bare: the same GETs as plain unsigned HTTP on a keep-alive agent (`concurrency` sockets), no
 *     SDK: what LocalStack itself serves, the ceiling of any client here;
 *   - memory: the same summaries as JSON text made in the process, parsed and merged (the CPU limit of
 *     the merge itself, no S3).
 * Figures are medians of `--runs`. The last line is one JSON object with `summariesPerSec` and
 * `peakRssMiB` of the largest count, the merge/drain ratio, and `rssGrowth`: peak RSS at the largest
 * count over the smallest (targets: ≥ 500 summaries/s, growth within 10 %), and, from one more run
 * per count with a full GC every 100 summaries, `liveHeapMiB` and `liveHeapGrowth`: what the merge
 * keeps, apart from how far V8 lets the heap grow before it collects. Each case also gives the
 * CPU LocalStack's process used while it ran (% of one core, from /proc: at about 100 % LocalStack
 * is the bound) and the merge's largest V8 heap and external memory, sampled every 100 summaries.
 * This machine is shared and noisy: compare ratios, not absolute figures.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, GetObjectCommand, paginateListObjectsV2, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Summary } from '../functions/src/pipeline/types.js';
import { mapConcurrent } from '../functions/src/stream/mapConcurrent.js';
import { startLocalStack } from '../dev/localstack/harness.js';
import { LOCAL_AWS } from '../dev/local/localClients.js';
import { prng } from '../dev/local/prng.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const SELF = fileURLToPath(import.meta.url);
const BUCKET = 'logsieve-bench-rollup';
const CASES = ['merge', 'drain', 'bare', 'memory'] as const;
/** `heap`: the merge once more, with a full GC and a heap reading every 100 summaries (slower; not timed). */
type Case = (typeof CASES)[number] | 'heap';

interface ChildResult {
  case: Case;
  count: number;
  wallMs: number;
  summaries: number;
  maxRssMiB: number;
  rollupBytes: number;
  /** `heap` only: the largest heap in use right after a full GC, MiB. */
  liveHeapMiB?: number;
  /** `merge`: the largest V8 heap (total, committed) and external memory (Buffers) seen, MiB. */
  heapTotalMiB?: number;
  externalMiB?: number;
  /** Set by the parent: CPU seconds of LocalStack's process over the run's wall time, % of one core. */
  localstackCpuPct?: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** A summary of object `i`: 20 groups of a pool of 600 templates, records in one hour. */
export function benchSummary(i: number): Summary {
  const rand = prng(i + 1);
  const key = `src-${i % 7}/2026/11/26/10/obj-${String(i).padStart(6, '0')}.log.gz`;
  const minute = `2026-11-26T10:${String(i % 60).padStart(2, '0')}`;
  const groups = Array.from({ length: 20 }, (_, g) => {
    const t = Math.floor(rand() ** 2 * 600);
    const count = 1 + Math.floor(rand() * 50);
    const ts = `${minute}:${String(g).padStart(2, '0')}.000Z`;
    return {
      groupId: `g${String(t).padStart(15, '0')}`, template: `ERROR [svc-${t % 13}] operation ${t} failed after <*> ms calling <*>`, class: 'level' as const, level: 'error' as const,
      count, countError: 0, firstSeen: { line: g * 10 + 1, timestamp: ts }, lastSeen: { line: g * 10 + 9, timestamp: ts },
      sample: { message: `ERROR [svc-${t % 13}] operation ${t} failed after 30000 ms calling 10.0.0.${t % 250}`, firstLine: g * 10 + 1, timestamp: ts },
    };
  }).filter((g, j, all) => all.findIndex((o) => o.groupId === g.groupId) === j);
  groups.sort((a, b) => b.count - a.count);
  const records = groups.reduce((n, g) => n + g.count, 0);
  return {
    schema: 'logsieve.summary/1', status: 'complete',
    source: { bucket: 'logs', key, etag: 'e'.repeat(32), size: 50_000, compression: 'gzip', format: 'text' },
    counts: {
      lines: 5_000, bytesIn: 50_000, bytesOut: 600_000, events: 4_900, records, errors: records, warnings: 0,
      levels: { trace: 0, debug: 0, info: 4_900 - records, warn: 0, error: records, fatal: 0, none: 0 }, classes: { level: records },
      truncatedLines: 0, skippedLines: 0, invalidUtf8Lines: 0, headerLines: 0, redactions: 0, redactionsByKind: {}, parseFailures: 0, fallbackLines: 0,
      multilineCuts: 0, excluded: 0, ungroupedRecords: 0, unclusteredRecords: 0, unlistedGroupIds: 0,
    },
    time: { first: `${minute}:00.000Z`, last: `${minute}:19.000Z`, errorsPerMinute: { [minute]: records }, histogramOverflow: 0, yearsInferred: 0 },
    topGroups: groups, groups,
    outputs: { summaryKey: `logsieve/summaries/${key}.json`, reportKey: `logsieve/summaries/${key}.html`, errorParts: [] },
    processing: { startedAt: '2026-11-26T10:05:00.000Z', durationMs: 50, mbPerSec: 12, peakRssMiB: 90, invocations: 1, resumes: 0 },
  };
}

async function child(which: Case, endpoint: string, count: number, concurrency: number): Promise<void> {
  const s3 = new S3Client({ ...LOCAL_AWS, endpoint, forcePathStyle: true });
  const { readS3Summaries } = await import('../functions/src/rollup/readS3Summaries.js');
  const { createMerger } = await import('../functions/src/rollup/createMerger.js');
  const { fromSummary } = await import('../functions/src/rollup/fromSummary.js');
  const { buildRollup } = await import('../functions/src/rollup/buildRollup.js');
  const { limitHeapGrowth } = await import('../functions/src/runtime/limitHeapGrowth.js');
  const prefix = `n${count}/`;
  const started = performance.now();
  let summaries = 0;
  let rollupBytes = 0;
  let liveHeap = 0;
  let heapTotal = 0;
  let external = 0;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (which === 'merge' || which === 'heap') {
    // As the rollup writer and `logsieve rollup` do at start.
    limitHeapGrowth();
    const merger = createMerger();
    const inputs = [];
    for await (const stored of readS3Summaries({ s3, bucket: BUCKET, keys: { prefix }, concurrency })) {
      merger.add(fromSummary(stored.summary));
      inputs.push({ key: stored.key, ...(stored.etag ? { etag: stored.etag } : {}), status: stored.summary.status });
      summaries++;
      if (summaries % 100 === 0) {
        const m = process.memoryUsage();
        heapTotal = Math.max(heapTotal, m.heapTotal);
        external = Math.max(external, m.external);
      }
      if (which === 'heap' && summaries % 100 === 0 && gc) {
        gc();
        liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
      }
    }
    rollupBytes = JSON.stringify(buildRollup({ period: { kind: 'range', start: null, end: null }, merged: merger.result(), inputs })).length;
  } else if (which === 'memory') {
    const merger = createMerger();
    const inputs = [];
    const texts = Array.from({ length: count }, (_, i) => JSON.stringify(benchSummary(i), null, 2));
    const t0 = performance.now();
    for (const text of texts) {
      const summary = JSON.parse(text) as Summary;
      merger.add(fromSummary(summary));
      inputs.push({ key: summary.outputs.summaryKey, status: summary.status });
      summaries++;
    }
    rollupBytes = JSON.stringify(buildRollup({ period: { kind: 'range', start: null, end: null }, merged: merger.result(), inputs })).length;
    const result: ChildResult = { case: which, count, wallMs: performance.now() - t0, summaries, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), rollupBytes };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  } else {
    const keys = (async function* () {
      for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: BUCKET, Prefix: prefix })) for (const o of page.Contents ?? []) yield o.Key!;
    })();
    const get = which === 'bare' ? bareGet(endpoint, concurrency) : async (Key: string) => (await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }))).Body!.transformToString()).length;
    for await (const n of mapConcurrent(keys, get, { concurrency })) {
      if (n > 0) summaries++;
    }
  }
  const result: ChildResult = {
    case: which, count, wallMs: performance.now() - started, summaries, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), rollupBytes,
    ...(which === 'heap' ? { liveHeapMiB: Math.round((liveHeap / 2 ** 20) * 10) / 10 } : {}),
    ...(which === 'merge' ? { heapTotalMiB: Math.round((heapTotal / 2 ** 20) * 10) / 10, externalMiB: Math.round((external / 2 ** 20) * 10) / 10 } : {}),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** A GET as plain HTTP (path style, unsigned: LocalStack serves it), the body counted and dropped. */
function bareGet(endpoint: string, sockets: number): (key: string) => Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(endpoint);
  return (key) =>
    new Promise((resolve, reject) => {
      const req = http.get({ hostname, port, path: `/${BUCKET}/${key.split('/').map(encodeURIComponent).join('/')}`, agent }, (res) => {
        let n = 0;
        res.on('data', (b: Buffer) => (n += b.length));
        res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`GET ${key}: HTTP ${res.statusCode}`))));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is none. */
async function cpuSeconds(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields ? (Number(fields[11]) + Number(fields[12])) / 100 : undefined;
}

async function runMeasured(which: Case, endpoint: string, count: number, concurrency: number, pid: number | undefined): Promise<ChildResult> {
  const before = await cpuSeconds(pid);
  const result = await runChild(which, endpoint, count, concurrency);
  const after = await cpuSeconds(pid);
  if (before === undefined || after === undefined) return result;
  return { ...result, localstackCpuPct: Math.round(((after - before) / (result.wallMs / 1000)) * 100) };
}

function runChild(which: Case, endpoint: string, count: number, concurrency: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...(which === 'heap' ? ['--expose-gc'] : []), '--import', 'tsx', SELF, '--child', which, '--endpoint', endpoint, '--count', String(count), '--concurrency', String(concurrency)], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`child ${which} ${count} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult);
    });
  });
}

async function seed(s3: S3Client, counts: number[]): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const count of counts) {
    const started = performance.now();
    const puts = mapConcurrent(
      Array.from({ length: count }, (_, i) => i),
      async (i) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `n${count}/summaries/${benchSummary(i).source.key}.json`, Body: JSON.stringify(benchSummary(i), null, 2) })),
      { concurrency: 32 },
    );
    for await (const _ of puts);
    console.log(`[bench:rollup] put ${count} summaries in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' }, endpoint: { type: 'string' }, count: { type: 'string' },
      counts: { type: 'string', default: '1000,10000' }, runs: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '16' },
    },
  });
  const concurrency = Number(values.concurrency);
  if (values.child) return child(values.child as Case, values.endpoint!, Number(values.count), concurrency);
  const counts = values.counts!.split(',').map(Number).sort((a, b) => a - b);
  const runs = Number(values.runs);
  const localstack = await startLocalStack();
  try {
    const s3 = new S3Client({ ...LOCAL_AWS, endpoint: localstack.endpoint, forcePathStyle: true });
    await seed(s3, counts);
    const loadBefore = loadavg()[0]!;
    const results: ChildResult[] = [];
    for (let r = 0; r < runs; r++) for (const count of counts) for (const c of CASES) results.push(await runMeasured(c, localstack.endpoint, count, concurrency, localstack.pid));
    // Live memory: once per count, apart, since the GCs it forces would flatten the timed runs' RSS.
    for (const count of [counts[0]!, counts[counts.length - 1]!]) results.push(await runChild('heap', localstack.endpoint, count, concurrency));
    const pick = (c: Case, count: number, f: (x: ChildResult) => number): number => median(results.filter((x) => x.case === c && x.count === count).map(f));
    const perSec = (c: Case, count: number): number => pick(c, count, (x) => x.summaries / (x.wallMs / 1000));
    const cpu = (c: Case, count: number): string => {
      const xs = results.filter((x) => x.case === c && x.count === count && x.localstackCpuPct !== undefined);
      return c === 'memory' || xs.length === 0 ? '' : `${median(xs.map((x) => x.localstackCpuPct!))} %`;
    };
    console.log('\ncase    summaries   median summaries/s   peak RSS (median)   LocalStack CPU (median, % of a core)');
    for (const count of counts) {
      for (const c of CASES) console.log(`${c.padEnd(7)} ${String(count).padStart(9)}   ${perSec(c, count).toFixed(0).padStart(12)}         ${String(pick(c, count, (x) => x.maxRssMiB)).padStart(6)} MiB          ${cpu(c, count)}`);
    }
    const big = counts[counts.length - 1]!;
    const small = counts[0]!;
    const json = {
      bench: 'rollup',
      loadAverage: [Math.round(loadBefore * 10) / 10, Math.round(loadavg()[0]! * 10) / 10],
      summaries: big,
      concurrency,
      runs,
      summariesPerSec: Math.round(perSec('merge', big)),
      peakRssMiB: pick('merge', big, (x) => x.maxRssMiB),
      drainSummariesPerSec: Math.round(perSec('drain', big)),
      memorySummariesPerSec: Math.round(perSec('memory', big)),
      bareGetsPerSec: Math.round(perSec('bare', big)),
      mergeVsDrain: Math.round((perSec('merge', big) / perSec('drain', big)) * 100) / 100,
      mergeVsBare: Math.round((perSec('merge', big) / perSec('bare', big)) * 100) / 100,
      drainVsBare: Math.round((perSec('drain', big) / perSec('bare', big)) * 100) / 100,
      localstackCpuPct: { merge: pick('merge', big, (x) => x.localstackCpuPct ?? NaN), drain: pick('drain', big, (x) => x.localstackCpuPct ?? NaN), bare: pick('bare', big, (x) => x.localstackCpuPct ?? NaN) },
      heapTotalMiB: { [small]: pick('merge', small, (x) => x.heapTotalMiB ?? 0), [big]: pick('merge', big, (x) => x.heapTotalMiB ?? 0) },
      externalMiB: { [small]: pick('merge', small, (x) => x.externalMiB ?? 0), [big]: pick('merge', big, (x) => x.externalMiB ?? 0) },
      peakRssMiBSmall: pick('merge', small, (x) => x.maxRssMiB),
      rssGrowth: Math.round((pick('merge', big, (x) => x.maxRssMiB) / pick('merge', small, (x) => x.maxRssMiB)) * 1000) / 1000,
      liveHeapMiB: pick('heap', big, (x) => x.liveHeapMiB ?? 0),
      liveHeapMiBSmall: pick('heap', small, (x) => x.liveHeapMiB ?? 0),
      liveHeapGrowth: Math.round((pick('heap', big, (x) => x.liveHeapMiB ?? 0) / pick('heap', small, (x) => x.liveHeapMiB ?? 1)) * 1000) / 1000,
      rollupBytes: pick('merge', big, (x) => x.rollupBytes),
    };
    console.log(JSON.stringify(json));
  } finally {
    await localstack.stop();
  }
}

// Imported (for its generator) rather than run: do nothing.
if (process.argv[1] === SELF) await main();
