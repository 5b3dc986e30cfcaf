/**
 * Scale benchmark: `npm run bench:scale [-- --objects 2000 --runs 3 --concurrency 8 --continuation-mib 2048 --only backfill|continuation]`.
 *
 * Sections, each adding fields to the one JSON line printed last (the continuation fields of issue
 * 16, `continuationOverhead` and `gzipResumeCost`, are sections of their own):
 *   - continuation (`bench/scaleContinuation.ts`): `continuationOverhead`, a `--continuation-mib`
 *     plain object over 4 invocations against 1, in process, median of each round's ratio.
 *   - backfill: `--objects` small gzip logs in LocalStack (through the harness), backfilled in
 *     process with `--concurrency` objects at once (`runBackfill`: plan, manifest, items, results,
 *     report) against a serial loop over the same keys (list, then `processObject` one at a time).
 *     LOGSIEVE_FORCE_REPROCESS makes every run do the full work. Each run is a fresh child process
 *     (clean peak RSS), the cases round-robin so drift hits both alike; rates are medians, and
 *     `backfillVsSerial` is the median of each round's serial/backfill wall-time ratio.
 *   - gzipResumeCost (bench/scaleGzipResume.ts): re-inflating a single-member gzip object to a
 *     checkpoint's offset as a fraction of the pipeline's time to it, with both MB/s.
 * The machine is shared and noisy: compare the ratio, not the absolute rates, across machines.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, paginateListObjectsV2, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { runBackfill } from '../functions/src/backfill/runBackfill.js';
import { loadConfig } from '../functions/src/config/loadConfig.js';
import { processObject } from '../functions/src/pipeline/processObject.js';
import { mapConcurrent } from '../functions/src/stream/mapConcurrent.js';
import { startLocalStack } from '../dev/localstack/harness.js';
import { LOCAL_AWS } from '../dev/local/localClients.js';
import { runJsonChild } from './runJsonChild.js';
import { continuationOverhead } from './scaleContinuation.js';
import { gzipResumeCost } from './scaleGzipResume.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const SELF = fileURLToPath(import.meta.url);
const BUCKET = 'logsieve-bench-scale';
const PREFIX = 'backfill/';
const CASES = ['backfill', 'serial'] as const;
type Case = (typeof CASES)[number];

interface ChildResult {
  case: Case;
  wallMs: number;
  objects: number;
  maxRssMiB: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** A small app log (about 15 KB, 1 line in 25 an ERROR), gzip: one object of the backfill. */
function smallLog(seed: number): Buffer {
  const lines: string[] = [];
  const start = Date.UTC(2026, 10, 26) + seed * 60_000;
  for (let i = 0; i < 150; i++) {
    const ts = new Date(start + i * 200).toISOString();
    lines.push(i % 25 === 7 ? `${ts} ERROR [orders] payment ${seed}-${i} failed: upstream 502 after ${i * 3} ms` : `${ts} INFO  [http] GET /api/orders/${seed * 1000 + i} 200 ${i % 90} ms`);
  }
  return gzipSync(`${lines.join('\n')}\n`);
}

async function child(which: Case, concurrency: number): Promise<void> {
  const s3 = new S3Client({ ...LOCAL_AWS, endpoint: process.env.AWS_ENDPOINT_URL!, forcePathStyle: true });
  const config = loadConfig(process.env);
  const started = performance.now();
  let objects = 0;
  if (which === 'backfill') {
    const { report } = await runBackfill({ deps: { s3, config }, source: { bucket: BUCKET, prefix: PREFIX, suffixes: [] }, concurrency });
    if (report.counts.failed > 0) throw new Error(`backfill: ${report.counts.failed} objects failed: ${JSON.stringify(report.failures.slice(0, 3))}`);
    objects = report.counts.processed;
  } else {
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: BUCKET, Prefix: PREFIX })) {
      for (const o of page.Contents ?? []) {
        const result = await processObject({ s3, config }, { bucket: BUCKET, key: o.Key! });
        if (result.outcome !== 'processed' || result.summary.status !== 'complete') throw new Error(`serial: ${o.Key} was not processed`);
        objects++;
      }
    }
  }
  const result: ChildResult = { case: which, wallMs: performance.now() - started, objects, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(which: Case, endpoint: string, concurrency: number): Promise<ChildResult> {
  return runJsonChild<ChildResult>(SELF, ['--child', which, '--concurrency', String(concurrency)], {
    ...process.env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    LOGSIEVE_OUTPUT_BUCKET: BUCKET,
    LOGSIEVE_OUTPUT_PREFIX: `logsieve-${which}/`,
    LOGSIEVE_FORCE_REPROCESS: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
}

/** The backfill section: its table lines and its JSON fields. */
async function backfillSection(endpoint: string, objects: number, runs: number, concurrency: number, say: (m: string) => void): Promise<Record<string, number>> {
  const s3 = new S3Client({ ...LOCAL_AWS, endpoint, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch(() => {});
  say(`uploading ${objects} small gzip logs`);
  const body = Array.from({ length: 50 }, (_, i) => smallLog(i));
  const puts = mapConcurrent(
    Array.from({ length: objects }, (_, i) => i),
    (i) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}${String(i).padStart(6, '0')}.log.gz`, Body: body[i % body.length] })),
    { concurrency: 16 },
  );
  for await (const _ of puts);
  s3.destroy();

  const results: Record<Case, ChildResult[]> = { backfill: [], serial: [] };
  for (let r = 0; r < runs; r++) {
    for (const c of CASES) {
      const res = await runChild(c, endpoint, concurrency);
      if (res.objects !== objects) throw new Error(`${c} processed ${res.objects} of ${objects} objects`);
      results[c].push(res);
      say(`run ${r + 1}/${runs} ${c}: ${res.wallMs.toFixed(0)} ms (${(objects / (res.wallMs / 1000)).toFixed(1)} objects/s), peak RSS ${res.maxRssMiB} MiB`);
    }
  }
  const perSec = (c: Case): number => objects / (median(results[c].map((x) => x.wallMs)) / 1000);
  const rss = (c: Case): number => median(results[c].map((x) => x.maxRssMiB));
  console.log('\ncase                      median objects/s   peak RSS');
  console.log(`backfill, concurrency ${String(concurrency).padEnd(3)} ${perSec('backfill').toFixed(1).padStart(12)}       ${rss('backfill')} MiB`);
  console.log(`serial loop               ${perSec('serial').toFixed(1).padStart(12)}       ${rss('serial')} MiB`);
  // Each round's two runs are neighbours in time: their ratio cancels most of the machine's drift.
  const paired = median(results.backfill.map((b, i) => results.serial[i]!.wallMs / b.wallMs));
  console.log(`\nbackfill against the serial loop, median of each round's ratio: ${paired.toFixed(2)}×`);
  console.log('Host LocalStack answers S3 from one Python process: on 2 cores its request rate, not the backfill, is the ceiling.');
  return {
    backfillObjectsPerSec: Number(perSec('backfill').toFixed(1)),
    serialObjectsPerSec: Number(perSec('serial').toFixed(1)),
    backfillVsSerial: Number(paired.toFixed(2)),
    backfillConcurrency: concurrency,
    backfillObjects: objects,
    peakRssMiB: rss('backfill'),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      objects: { type: 'string', default: '2000' },
      runs: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '8' },
      'continuation-mib': { type: 'string', default: '2048' },
      only: { type: 'string' },
      child: { type: 'string' },
    },
  });
  const concurrency = Number(values.concurrency);
  if (values.child) return child(values.child as Case, concurrency);
  const objects = Number(values.objects);
  const runs = Number(values.runs);
  if (!Number.isInteger(objects) || objects < 1 || !Number.isInteger(runs) || runs < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error('--objects, --runs and --concurrency must be integers ≥ 1');
  }
  const say = (m: string): void => void process.stderr.write(`[bench:scale] ${m}\n`);
  const localstack = await startLocalStack();
  say(`LocalStack: ${localstack.description}`);
  try {
    const only = values.only;
    if (only !== undefined && only !== 'backfill' && only !== 'continuation') throw new Error(`--only must be backfill or continuation, got ${only}`);
    const sizeMiB = Number(values['continuation-mib']);
    if (!Number.isInteger(sizeMiB) || sizeMiB < 1) throw new Error('--continuation-mib must be an integer ≥ 1');
    const json = {
      ...(only !== 'continuation' ? await backfillSection(localstack.endpoint, objects, runs, concurrency, say) : {}),
      ...(only !== 'backfill' ? await continuationOverhead({ endpoint: localstack.endpoint, sizeMiB, runs, say }) : {}),
      runs,
    };
    if (only !== 'backfill') Object.assign(json, await gzipResumeCost(say));
    console.log(JSON.stringify(json));
  } finally {
    await localstack.stop();
  }
}

await main();
