import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { generateAppLog } from '../dev/local/generateAppLog.js';
import type { Summary } from '../functions/src/pipeline/types.js';
import { clientsFromEnv } from '../dev/local/clientsFromEnv.js';
import { demoObjects } from '../dev/local/demoObjects.js';
import type { LocalPipeline } from '../dev/local/provisionLocalPipeline.js';
import { deployLocalPipeline, LocalDeployError } from '../dev/local/deployLocalPipeline.js';
import { provisionLocalPipeline } from '../dev/local/provisionLocalPipeline.js';
import { SummaryTimeoutError, waitForSummaries } from '../dev/local/waitForSummaries.js';
import type { ObjectSummary } from '../dev/local/readSummaries.js';
import { acquireLocalStack } from './acquireLocalStack.js';
import type { CliLogLevel } from './createCliLogger.js';
import { createProgressBar } from './createProgressBar.js';
import { CliError } from './errors.js';
import { liveUpState, stateFilePath } from './liveUpState.js';
import type { CliIO } from './types.js';
import { ensureUp } from './upCommand.js';
import { watchCommand } from './watchCommand.js';

/** Options of `logsieve demo`. */
export interface DemoCommandOptions {
  /** Decompressed size of the generated app log, MiB (default 100). */
  sizeMb: number;
  seed: number;
  /** Where the HTML reports and summaries are downloaded. */
  outDir: string;
  /** Leave LocalStack running (in the background, as `up` does). */
  keep: boolean;
  /** Through the function deployed to LocalStack (S3 notification → SQS → event source mapping), not the in-process handler. */
  deployed?: boolean | undefined;
  logLevel?: CliLogLevel | undefined;
}

/** Stack name of a `demo --deployed` on a LocalStack of its own. */
const DEMO_STACK = 'LogsieveDemo';
/** Bound on waiting for the handler to get through every upload. */
const PROCESS_TIMEOUT_MS = 10 * 60_000;
const MiB = 1024 * 1024;

/**
 * `logsieve demo`: LocalStack with the construct's resources (reusing a live `logsieve up`), a
 * seeded gzip app log of `sizeMb` MiB with stack traces streamed through gzip into lib-storage's
 * Upload (never held in memory), five small logs in AWS formats, then the local event source
 * (`watch`) running the real handler until every object has its summary; prints a table of the
 * summaries, downloads the HTML reports to `outDir`, and stops LocalStack unless `keep`. With
 * `deployed`, the stack is deployed with cdklocal (or the one of a live `up` is used) and the
 * deployed function processes the uploads through the S3 notification and SQS; the same table.
 *
 * @example await demoCommand({ sizeMb: 100, seed: 42, outDir: 'logsieve-demo', keep: false }, io);
 */
export async function demoCommand(options: DemoCommandOptions, io: CliIO): Promise<void> {
  const say = (line: string): void => io.err(`[demo] ${line}\n`);
  const started = Date.now();
  const env = await demoLocalStack(options, io, say);
  const { s3 } = clientsFromEnv(io.env, env.endpoint);
  try {
    const { pipeline: p } = env;
    say(`input s3://${p.inputBucket} → queue ${p.queueUrl} → output s3://${p.outputBucket}/${p.outputPrefix}`);

    const small = demoObjects(options.seed);
    for (const o of small) {
      await s3.send(new PutObjectCommand({ Bucket: p.inputBucket, Key: o.key, Body: o.body }), { abortSignal: io.signal });
      say(`uploaded ${o.kind}: s3://${p.inputBucket}/${o.key} (${(o.body.length / 1024).toFixed(0)} KiB, ${o.lines.toLocaleString('en-US')} lines)`);
    }
    const app = await uploadAppLog(s3, p.inputBucket, options, io, say);
    const expected = new Map<string, { kind: string; errors: number }>([
      ...small.map((o) => [o.key, { kind: o.kind, errors: o.expectedErrors }] as const),
      [app.key, { kind: 'app log (gzip)', errors: app.errorLines }],
    ]);

    const processingStarted = Date.now();
    let summaries: Map<string, Summary>;
    if (options.deployed) {
      say(`waiting for the deployed function ${env.functionName ?? ''} to process ${expected.size} objects (S3 notification → SQS → event source mapping)`);
      const arrived = await waitForSummaries(s3, p, p.inputBucket, [...expected.keys()], PROCESS_TIMEOUT_MS, 250).catch((err: unknown) => {
        throw err instanceof SummaryTimeoutError ? new CliError(`not processed by the deployed function within ${PROCESS_TIMEOUT_MS / 60_000} min: ${err.missing.join(', ')}`) : err;
      });
      summaries = new Map(arrived.map((a) => [a.key, a.summary]));
    } else {
      say(`processing ${expected.size} objects with the real handler (the local event source, as logsieve watch runs it)`);
      summaries = await watchUntilDone(io, env.endpoint, p, [...expected.keys()], options.logLevel, env.functionName);
    }
    const processingMs = Date.now() - processingStarted;

    await mkdir(options.outDir, { recursive: true });
    const rows: string[][] = [['key', 'kind', 'format', 'lines', 'errors', 'expected', 'top error group (count)']];
    const reports: string[] = [];
    for (const [key, { kind, errors }] of expected) {
      const summary = summaries.get(key)!;
      const top = summary.topGroups[0];
      rows.push([
        elide(key, 48),
        kind,
        summary.source.messageFormat ? `${summary.source.format} (${summary.source.messageFormat})` : summary.source.format,
        summary.counts.lines.toLocaleString('en-US'),
        summary.counts.errors.toLocaleString('en-US'),
        errors.toLocaleString('en-US'),
        top ? `${shorten(top.template, 60)} (${top.count.toLocaleString('en-US')})` : '–',
      ]);
      const local = path.join(options.outDir, `${path.basename(key)}.report.html`);
      await download(s3, p.outputBucket, summary.outputs.reportKey, local, io.signal);
      reports.push(`  s3://${p.outputBucket}/${summary.outputs.reportKey}\n    → ${local}`);
      await download(s3, p.outputBucket, summary.outputs.summaryKey, path.join(options.outDir, `${path.basename(key)}.summary.json`), io.signal);
    }
    io.out(`\n${table(rows)}\n`);
    const big = summaries.get(app.key)!;
    io.out(
      [
        `app log: ${(big.counts.bytesOut / 1e6).toFixed(1)} MB (${(big.counts.bytesIn / 1e6).toFixed(1)} MB gzip) processed in ${(big.processing.durationMs / 1000).toFixed(1)} s, ${big.processing.mbPerSec} MB/s, peak RSS ${big.processing.peakRssMiB} MiB`,
        `upload: ${(app.seconds).toFixed(1)} s; all ${expected.size} objects processed in ${(processingMs / 1000).toFixed(1)} s; demo total ${((Date.now() - started) / 1000).toFixed(1)} s`,
        'HTML reports (in S3, and downloaded to open in a browser; the summaries sit next to them as .json, error records under ' +
          `s3://${p.outputBucket}/${p.outputPrefix}errors/):`,
        ...reports,
        '',
      ].join('\n'),
    );
  } finally {
    s3.destroy();
    await env.release();
  }
}

interface DemoLocalStack {
  endpoint: string;
  pipeline: LocalPipeline;
  /** The deployed function, when there is one (the in-process run pauses its event source). */
  functionName?: string | undefined;
  /** Stops LocalStack when the demo started it and was not told to keep it. */
  release(): Promise<void>;
}

/** A live `up` is reused (and left alone); with --keep a background one is started; else one for this run only. */
async function demoLocalStack(options: DemoCommandOptions, io: CliIO, say: (line: string) => void): Promise<DemoLocalStack> {
  const existing = await liveUpState(stateFilePath(io.env));
  if (existing) {
    if (options.deployed && !existing.functionName) {
      throw new CliError('demo --deployed needs the function, and this logsieve up has none (--no-deploy): logsieve down, then logsieve up');
    }
    say(`using the LocalStack of logsieve up: ${existing.description}${existing.functionName ? ` (function ${existing.functionName})` : ''}`);
    return { endpoint: existing.endpoint, pipeline: existing, functionName: existing.functionName, release: async () => {} };
  }
  if (options.keep) {
    const { state } = await ensureUp(io, { deploy: Boolean(options.deployed) });
    say(`LocalStack: ${state.description}`);
    return {
      endpoint: state.endpoint,
      pipeline: state,
      functionName: state.functionName,
      release: async () => say(`LocalStack keeps running. Reuse it: export LOCALSTACK_ENDPOINT=${state.endpoint}; logsieve watch; stop it: logsieve down`),
    };
  }
  const localstack = await acquireLocalStack(io);
  say(`LocalStack: ${localstack.description}`);
  try {
    const { s3, sqs } = clientsFromEnv(io.env, localstack.endpoint);
    try {
      let pipeline: LocalPipeline;
      let functionName: string | undefined;
      if (options.deployed) {
        say('deploying the stack with cdklocal (synth, esbuild bundle, CloudFormation: about a minute)');
        const started = Date.now();
        const deployed = await deployLocalPipeline({ endpoint: localstack.endpoint, sqs, stackName: DEMO_STACK }).catch((err: unknown) => {
          throw err instanceof LocalDeployError ? new CliError(err.message) : err;
        });
        say(`deployed in ${((Date.now() - started) / 1000).toFixed(1)} s: function ${deployed.functionName}`);
        ({ functionName } = deployed);
        pipeline = deployed;
      } else {
        pipeline = await provisionLocalPipeline(s3, sqs);
      }
      return {
        endpoint: localstack.endpoint,
        pipeline,
        functionName,
        release: async () => {
          await localstack.stop();
          say(localstack.mode === 'endpoint' ? 'done (LocalStack was given by LOCALSTACK_ENDPOINT; left running)' : 'LocalStack stopped (use --keep to leave it running)');
        },
      };
    } finally {
      s3.destroy();
      sqs.destroy();
    }
  } catch (err) {
    await localstack.stop();
    throw err;
  }
}

/**
 * Streams the generated log through gzip into a multipart upload: lib-storage holds at most
 * queueSize × partSize = 4 × 8 MiB of compressed bytes; the generator yields 1 MiB chunks on demand.
 */
async function uploadAppLog(
  s3: S3Client,
  bucket: string,
  options: DemoCommandOptions,
  io: CliIO,
  say: (line: string) => void,
): Promise<{ key: string; errorLines: number; seconds: number }> {
  const key = 'app/orders-service/2026/11/26/orders-service.log.gz';
  const total = options.sizeMb * MiB;
  const log = generateAppLog({ bytes: total, seed: options.seed, errorRate: 0.02 });
  const gzip = createGzip({ level: 6 });
  const generated = pipeline(Readable.from(log), gzip);
  const upload = new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: gzip, ContentType: 'text/plain' }, queueSize: 4, partSize: 8 * MiB });
  let stored = 0;
  upload.on('httpUploadProgress', (progress) => {
    stored = Math.max(stored, progress.loaded ?? 0);
  });
  const bar = createProgressBar({ enabled: io.tty, totalBytes: total, label: 'generate+gzip+upload' });
  const timer = setInterval(() => bar.update({ bytesIn: log.counts.bytes, bytesOut: log.counts.bytes, lines: log.counts.lines, errors: log.counts.errorLines }), 200);
  const onAbort = (): void => void upload.abort().catch(() => {});
  io.signal.addEventListener('abort', onAbort, { once: true });
  const started = Date.now();
  try {
    await Promise.all([generated, upload.done()]);
  } catch (err) {
    gzip.destroy();
    await upload.abort().catch(() => {});
    throw err;
  } finally {
    clearInterval(timer);
    bar.update({ bytesIn: log.counts.bytes, bytesOut: log.counts.bytes, lines: log.counts.lines, errors: log.counts.errorLines });
    bar.stop();
    io.signal.removeEventListener('abort', onAbort);
  }
  const seconds = (Date.now() - started) / 1000;
  const c = log.counts;
  say(
    `uploaded app log: s3://${bucket}/${key}: ${(c.bytes / 1e6).toFixed(1)} MB (${(stored / 1e6).toFixed(1)} MB gzip), ` +
      `${c.lines.toLocaleString('en-US')} lines, ${c.errorLines.toLocaleString('en-US')} ERROR lines with ${c.stackLines.toLocaleString('en-US')} stack frames, ` +
      `in ${seconds.toFixed(1)} s (${(c.bytes / 1e6 / seconds).toFixed(1)} MB/s generated, gzipped and uploaded)`,
  );
  return { key, errorLines: c.errorLines, seconds };
}

/** Runs `watch` in-process until every key has a summary, then stops it through its signal. */
async function watchUntilDone(
  io: CliIO,
  endpoint: string,
  p: LocalPipeline,
  keys: string[],
  logLevel: CliLogLevel | undefined,
  functionName: string | undefined,
): Promise<Map<string, Summary>> {
  const pending = new Set(keys);
  const summaries = new Map<string, Summary>();
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(io.signal.reason);
  io.signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => stop.abort(new Error('timeout')), PROCESS_TIMEOUT_MS);
  try {
    await watchCommand(
      {
        queueUrl: p.queueUrl,
        functionName,
        outputBucket: p.outputBucket,
        outputPrefix: p.outputPrefix,
        // The demo tells its own story; the handler's INFO lines would bury it (--log-level info shows them).
        logLevel: logLevel ?? 'warn',
        waitTimeSeconds: 2,
        onObject: ({ ref, summary }: ObjectSummary) => {
          if (!summary || !pending.has(ref.key)) return;
          pending.delete(ref.key);
          summaries.set(ref.key, summary);
          if (pending.size === 0) stop.abort();
        },
      },
      // Per-object lines are progress here: the table on stdout is the result.
      { ...io, out: io.err, env: { ...io.env, AWS_ENDPOINT_URL: endpoint }, signal: stop.signal },
    );
  } finally {
    clearTimeout(timer);
    io.signal.removeEventListener('abort', onAbort);
  }
  if (io.signal.aborted) throw new CliError('interrupted');
  if (pending.size > 0) throw new CliError(`not processed within ${PROCESS_TIMEOUT_MS / 60_000} min: ${[...pending].join(', ')}`);
  return summaries;
}

async function download(s3: S3Client, bucket: string, key: string, file: string, signal: AbortSignal): Promise<void> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  await pipeline(res.Body as Readable, createWriteStream(file), { signal });
}

/** Keeps both ends of a long key: the prefix says the service, the tail the file. */
function elide(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor((max - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const numeric = new Set([3, 4, 5]);
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}
