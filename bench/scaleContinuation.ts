/**
 * The continuation section of `npm run bench:scale` (issue 16): `continuationOverhead`, the wall
 * time of one plain object processed over 4 invocations against 1, in the same run.
 *
 * Every case runs `processObject` in this process against LocalStack S3, as the handler calls it.
 * The single invocation runs twice a round: as deployed (a deadline that never fires, a continuation
 * sender and a lease: the baseline of `continuationOverhead`) and with none of them, as the CLI runs
 * it (`armedDeadlineCost` is the first against the second: what being continuable costs).
 * The 4-invocation case stops the first three at 0.7 of a quarter of the single pass's time after their own
 * start (the deadline, as `stopReading`) and lets the fourth read to the end, so that it is exactly 4
 * invocations whatever the machine: each stop writes its part and the checkpoint (conditional PUTs),
 * the continuation message goes to an in-memory sender (not SQS: an SQS round trip is milliseconds
 * against seconds of reading), and the next invocation loads the checkpoint, takes its lease, Range
 * GETs from the offset and restores the engine's state. The cases alternate (single, continued) so
 * that the machine's drift hits both; the figure is the median of each round's ratio.
 */
import { createReadStream } from 'node:fs';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { loadConfig } from '../functions/src/config/loadConfig.js';
import type { ContinuationMessage } from '../functions/src/events/continuationMessage.js';
import { triggerContent } from '../functions/src/events/triggerContent.js';
import type { ObjectRef } from '../functions/src/events/types.js';
import type { ProcessResult } from '../functions/src/pipeline/processObject.js';
import { processObject } from '../functions/src/pipeline/processObject.js';
import { ensureAppLogFiles } from '../dev/local/generateAppLog.js';
import { LOCAL_AWS } from '../dev/local/localClients.js';

const MiB = 1024 * 1024;
const BUCKET = 'logsieve-bench-continuation';
const INVOCATIONS = 4;

/** Options of {@link continuationOverhead}. */
export interface ContinuationOverheadOptions {
  endpoint: string;
  /** Decompressed (= stored, plain) size of the object, MiB. The figure is for 2 048. */
  sizeMiB: number;
  runs: number;
  say: (message: string) => void;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Measures `continuationOverhead` (target ≤ 1.10): median over `runs` rounds of
 * wall(4 invocations) / wall(1 invocation) of a `sizeMiB` MiB plain app log, plus the medians behind it.
 *
 * @example const fields = await continuationOverhead({ endpoint, sizeMiB: 2048, runs: 3, say });
 */
export async function continuationOverhead(options: ContinuationOverheadOptions): Promise<Record<string, number>> {
  const { endpoint, sizeMiB, runs, say } = options;
  const files = await ensureAppLogFiles({ dir: 'bench/.data', sizeMB: sizeMiB, seed: 20261126, log: say });
  const s3 = new S3Client({ ...LOCAL_AWS, endpoint, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET })).catch(() => {});
  const key = `continuation/app-${sizeMiB}MiB.log`;
  if (!(await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(() => true, () => false))) {
    say(`uploading ${files.plain} (${sizeMiB} MiB)`);
    await new Upload({ client: s3, params: { Bucket: BUCKET, Key: key, Body: createReadStream(files.plain, { highWaterMark: MiB }) }, partSize: 16 * MiB }).done();
  }
  const ref: ObjectRef = { bucket: BUCKET, key };
  const single: number[] = [];
  const singleBare: number[] = [];
  const continued: number[] = [];
  const ratios: number[] = [];
  const armedRatios: number[] = [];
  let records = 0;
  for (let r = 0; r < runs; r++) {
    // The two single passes swap places every round, so that neither is always the one after the continued run.
    const bareFirst = r % 2 === 0;
    const first = await timed(() => singlePass(s3, ref, `single-${r}-a/`, !bareFirst));
    const second = await timed(() => singlePass(s3, ref, `single-${r}-b/`, bareFirst));
    const [bare, one] = bareFirst ? [first, second] : [second, first];
    // Each of the first 3 stops after 0.7 of a quarter of the single pass: on a shared machine a slice of exactly a
    // quarter can outlast what is left of the object, and the third invocation then finishes instead of stopping.
    const four = await timed(() => fourPasses(s3, ref, `continued-${r}/`, (0.7 * one.ms) / INVOCATIONS));
    if (one.result.records !== four.result.records) throw new Error(`continued run found ${four.result.records} records, the single pass ${one.result.records}`);
    records = one.result.records;
    single.push(one.ms);
    singleBare.push(bare.ms);
    continued.push(four.ms);
    ratios.push(four.ms / one.ms);
    armedRatios.push(one.ms / bare.ms);
    say(`round ${r + 1}/${runs}: 1 invocation ${one.ms.toFixed(0)} ms (${bare.ms.toFixed(0)} ms with no deadline), ${INVOCATIONS} invocations ${four.ms.toFixed(0)} ms (${four.result.invocations} counted), ratio ${(four.ms / one.ms).toFixed(3)}`);
  }
  s3.destroy();
  console.log(`\ncontinuation, ${sizeMiB} MiB plain, ${records} records      median wall`);
  console.log(`1 invocation, no deadline                    ${median(singleBare).toFixed(0).padStart(8)} ms`);
  console.log(`1 invocation, deadline armed (as deployed)   ${median(single).toFixed(0).padStart(8)} ms`);
  console.log(`${INVOCATIONS} invocations (3 stops, checkpoints, resumes) ${median(continued).toFixed(0).padStart(8)} ms`);
  console.log(`overhead, median of each round's ratio: ${median(ratios).toFixed(3)} (target ≤ 1.10)`);
  console.log(`the armed deadline against none, median ratio: ${median(armedRatios).toFixed(3)}`);
  return {
    continuationOverhead: Number(median(ratios).toFixed(3)),
    continuationSingleMs: Math.round(median(single)),
    continuationSingleNoDeadlineMs: Math.round(median(singleBare)),
    armedDeadlineCost: Number(median(armedRatios).toFixed(3)),
    continuationFourMs: Math.round(median(continued)),
    continuationSizeMiB: sizeMiB,
  };
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await run();
  return { ms: performance.now() - started, result };
}

function depsFor(s3: S3Client, prefix: string): { s3: S3Client; config: ReturnType<typeof loadConfig> } {
  // No rollups: the figure is about reading and continuing, not the rollup index.
  const config = loadConfig({ LOGSIEVE_OUTPUT_BUCKET: BUCKET, LOGSIEVE_OUTPUT_PREFIX: prefix, LOGSIEVE_FORCE_REPROCESS: 'true', LOGSIEVE_ROLLUPS: 'false' });
  return { s3, config };
}

/**
 * The object in one invocation. `armed`: as the deployed function runs it, with a deadline (here one
 * that never fires), a continuation sender and a lease, so that it could stop and continue; else
 * with none of them, as the CLI runs it.
 */
async function singlePass(s3: S3Client, ref: ObjectRef, prefix: string, armed: boolean): Promise<{ records: number; invocations: number }> {
  const result = await processObject(depsFor(s3, prefix), ref, armed ? {
    stopReading: new AbortController().signal,
    continuation: async () => {
      throw new Error('a single pass must not continue');
    },
    lease: { owner: 'bench-single', untilMs: Date.now() + 3_600_000, lengthMs: 3_600_000 },
  } : {});
  return complete(result);
}

/** The object over exactly 4 invocations: the first 3 stopped `sliceMs` after their start. */
async function fourPasses(s3: S3Client, ref: ObjectRef, prefix: string, sliceMs: number): Promise<{ records: number; invocations: number }> {
  const deps = depsFor(s3, prefix);
  let next: ObjectRef = ref;
  for (let i = 1; i < INVOCATIONS; i++) {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), sliceMs);
    let sent: ContinuationMessage | undefined;
    let result: ProcessResult;
    try {
      result = await processObject(deps, next, {
        stopReading: stop.signal,
        continuation: async (message) => void (sent = message),
        lease: { owner: `bench-${i}`, untilMs: Date.now() + 3_600_000, lengthMs: 3_600_000 },
      });
    } finally {
      clearTimeout(timer);
    }
    if (result.outcome !== 'continued' || !sent) throw new Error(`invocation ${i} was not continued: ${result.outcome}`);
    next = triggerContent(JSON.parse(JSON.stringify(sent))).refs[0]!;
  }
  // The last one reads to the end: a stop signal that never fires, so it still takes the resume path.
  const result = await processObject(deps, next, {
    stopReading: new AbortController().signal,
    continuation: async () => {
      throw new Error('the last invocation must not continue');
    },
    lease: { owner: 'bench-last', untilMs: Date.now() + 3_600_000, lengthMs: 3_600_000 },
  });
  return complete(result);
}

function complete(result: ProcessResult): { records: number; invocations: number } {
  if (result.outcome !== 'processed' || result.summary.status !== 'complete') throw new Error(`not complete: ${JSON.stringify(result).slice(0, 300)}`);
  return { records: result.summary.counts.records, invocations: result.summary.processing.invocations };
}
