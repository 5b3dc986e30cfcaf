/**
 * End-to-end benchmark: `npm run bench:e2e [-- --size-mb 512 --runs 3 --compression gzip|none]`.
 *
 * Puts an app log of `--size-mb` MiB decompressed (seeded, generated once into bench/.data/) into
 * LocalStack (through the harness), gzip by default or as it is with `--compression none`, then
 * times, in a fresh child process per run so peak RSS is clean and round-robin so drift hits every
 * case alike:
 *   - handler: the Lambda entry on a direct S3 notification for the object (LOGSIEVE_FORCE_REPROCESS
 *     so every run does the full work: GetObject, gunzip, lines, records, error part, report, summary);
 *   - drain: a bare GetObject that reads the body to the end (the transfer limit);
 *   - drain+gunzip (gzip only): the same body through zlib's gunzip (the decompression limit).
 * Figures are medians of `--runs`. The last line is one JSON object; for gzip it includes
 * `ceilingVsDrain`, the drain+gunzip case's own ratio to the drain: no handler that has to inflate
 * the object on one stream can do better than that.
 */
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startLocalStack } from '../dev/localstack/harness.js';
import { LOCAL_AWS } from '../dev/local/localClients.js';
import { ensureAppLogFiles } from '../dev/local/generateAppLog.js';
import { runJsonChild } from './runJsonChild.js';

// This process's own S3 client would print the SDK's Node-version notice on every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const MiB = 1024 * 1024;
const SELF = fileURLToPath(import.meta.url);
const BUCKET = 'logsieve-bench-in';
const OUT_BUCKET = 'logsieve-bench-out';
const ALL_CASES = ['handler', 'drain', 'drain+gunzip'] as const;
type Case = (typeof ALL_CASES)[number];

interface ChildResult {
  case: Case;
  wallMs: number;
  /** Decompressed bytes the case produced (compressed bytes for the bare drain). */
  bytes: number;
  maxRssMiB: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function child(which: Case, endpoint: string, key: string): Promise<void> {
  const s3 = new S3Client({ ...LOCAL_AWS, endpoint, forcePathStyle: true });
  // Module loading is a cold start's cost, not the object's: load before the clock starts.
  const { handler } = await import('../functions/handlers/processLog.js');
  const started = performance.now();
  let bytes = 0;
  if (which === 'handler') {
    const event = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key } } }] };
    const [outcome] = (await handler(event, { awsRequestId: 'bench' } as never)) as Array<{ outcome: string; summary?: { counts: { bytesOut: number } } }>;
    if (outcome?.outcome !== 'processed') throw new Error(`handler did not process the object: ${JSON.stringify(outcome)}`);
    bytes = outcome.summary!.counts.bytesOut;
  } else {
    const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const body = res.Body as AsyncIterable<Uint8Array>;
    const stream = which === 'drain' ? body : (body as unknown as NodeJS.ReadableStream).pipe(createGunzip({ chunkSize: MiB }));
    for await (const chunk of stream as AsyncIterable<Uint8Array>) bytes += chunk.length;
  }
  const result: ChildResult = { case: which, wallMs: performance.now() - started, bytes, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(which: Case, endpoint: string, key: string): Promise<ChildResult> {
  return runJsonChild<ChildResult>(SELF, ['--child', which, '--endpoint', endpoint, '--key', key], {
    ...process.env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    LOGSIEVE_OUTPUT_BUCKET: OUT_BUCKET,
    LOGSIEVE_FORCE_REPROCESS: 'true',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'size-mb': { type: 'string', default: '512' },
      compression: { type: 'string', default: 'gzip' },
      runs: { type: 'string', default: '3' },
      child: { type: 'string' },
      endpoint: { type: 'string' },
      key: { type: 'string' },
    },
  });
  if (values.child) return child(values.child as Case, values.endpoint!, values.key!);

  const sizeMB = Number(values['size-mb']);
  const runs = Number(values.runs);
  const compression = values.compression;
  if (compression !== 'gzip' && compression !== 'none') throw new Error(`--compression must be gzip or none, got ${compression}`);
  if (!(sizeMB > 0) || !Number.isInteger(runs) || runs < 1) throw new Error('--size-mb must be > 0 and --runs an integer ≥ 1');
  const CASES: readonly Case[] = compression === 'gzip' ? ALL_CASES : ['handler', 'drain'];
  const say = (m: string): void => void process.stderr.write(`[bench:e2e] ${m}\n`);
  const files = await ensureAppLogFiles({ dir: 'bench/.data', sizeMB, seed: 20261126, log: say });
  const localstack = await startLocalStack();
  say(`LocalStack: ${localstack.description}`);
  try {
    const s3 = new S3Client({ ...LOCAL_AWS, endpoint: localstack.endpoint, forcePathStyle: true });
    for (const b of [BUCKET, OUT_BUCKET]) await s3.send(new CreateBucketCommand({ Bucket: b })).catch(() => {});
    const key = compression === 'gzip' ? `bench/app-${sizeMB}MB.log.gz` : `bench/app-${sizeMB}MB.log`;
    const file = compression === 'gzip' ? files.gz : files.plain;
    const exists = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(() => true, () => false);
    if (!exists) {
      say(`uploading ${file}`);
      await new Upload({ client: s3, params: { Bucket: BUCKET, Key: key, Body: createReadStream(file, { highWaterMark: MiB }) }, partSize: 16 * MiB }).done();
    }
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    say(`object: ${((head.ContentLength ?? 0) / MiB).toFixed(1)} MiB ${compression === 'gzip' ? 'gzip' : 'plain'}, ${(files.counts.bytes / MiB).toFixed(0)} MiB decompressed, ${files.counts.lines} lines`);

    const results: Record<Case, ChildResult[]> = { handler: [], drain: [], 'drain+gunzip': [] };
    for (let r = 0; r < runs; r++) {
      for (const c of CASES) {
        const res = await runChild(c, localstack.endpoint, key);
        results[c].push(res);
        say(`run ${r + 1}/${runs} ${c}: ${res.wallMs.toFixed(0)} ms, peak RSS ${res.maxRssMiB} MiB`);
      }
    }
    const wall = (c: Case): number => median(results[c].map((x) => x.wallMs));
    const rss = (c: Case): number => median(results[c].map((x) => x.maxRssMiB));
    const decompressed = files.counts.bytes;
    console.log('\ncase            median wall   MB/s (decompressed)   peak RSS');
    for (const c of CASES) {
      console.log(`${c.padEnd(15)} ${wall(c).toFixed(0).padStart(8)} ms   ${(decompressed / 1e6 / (wall(c) / 1000)).toFixed(1).padStart(10)}           ${rss(c)} MiB`);
    }
    const ratio = (a: Case, b: Case): number => Number((wall(a) / wall(b)).toFixed(3));
    const json = {
      e2eThroughputVsDrain: ratio('drain', 'handler'),
      ...(compression === 'gzip' ? { e2eThroughputVsDrainGunzip: ratio('drain+gunzip', 'handler'), ceilingVsDrain: ratio('drain', 'drain+gunzip') } : {}),
      peakRssMiB: rss('handler'),
      mbPerSec: Number((decompressed / 1e6 / (wall('handler') / 1000)).toFixed(1)),
      compression,
      sizeMiB: Math.round(decompressed / MiB),
      runs,
    };
    if (compression === 'gzip') {
      console.log(`\nInflating alone (drain+gunzip) reaches ${json.ceilingVsDrain}× the drain: the ceiling for any handler of a gzip object on one stream.`);
    }
    console.log(JSON.stringify(json));
  } finally {
    await localstack.stop();
  }
}

await main();
