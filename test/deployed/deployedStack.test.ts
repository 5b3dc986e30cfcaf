import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  GetFunctionCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { GetBucketNotificationConfigurationCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Summary } from '../../functions/src/pipeline/types.js';
import { generateAppLog } from '../../dev/local/generateAppLog.js';
import { waitForSummaries } from '../../dev/local/waitForSummaries.js';
import { readUpState } from '../../dev/local/upState.js';
import type { UpState } from '../../dev/local/upState.js';
import { filterLogEvents } from '../helpers/filterLogEvents.js';
import type { LogEvent } from '../helpers/filterLogEvents.js';
import { LOCAL_AWS, localstackClients } from '../helpers/localstackClients.js';
import { sampleLog } from '../helpers/sampleLog.js';
import { runInProcess, waitFor } from '../unit/cli/support/runCli.js';

// The stack as it ships (construct, esbuild bundle, notification, queue, event source mapping),
// deployed by `logsieve up` (cdklocal) to the run's LocalStack; only the timeout and maxReceiveCount
// are made short (DEPLOYED_TEST_CONTEXT) so that a poison message reaches the DLQ within the run.
// One deploy for the whole file: the CLI commands that use it (demo --deployed, watch) come last.
/**
 * The only settings changed from the shipped defaults: an 8 s timeout makes the visibility timeout
 * 6 × 8 = 48 s instead of 1800 (a failed message comes back within the run), and one receive
 * before the DLQ instead of three. 8 s leave 3 s of reading before the 5 s deadline margin: plenty
 * for the small objects; the 200 MB one gets a longer timeout (BIG_OBJECT_TIMEOUT_SECONDS).
 */
const DEPLOYED_TEST_CONTEXT = { 'logsieve:timeoutSeconds': '8', 'logsieve:maxReceiveCount': '1' } as const;
/** The function's timeout, set with UpdateFunctionConfiguration, for the 200 MB object (some 6 s of work here, more when busy). */
const BIG_OBJECT_TIMEOUT_SECONDS = 60;
const { endpoint, s3, sqs } = localstackClients();
const mode = inject('localstackMode');
const lambda = new LambdaClient({ ...LOCAL_AWS, endpoint });
const MiB = 1024 * 1024;
const stackName = `LogsieveDeployed${Date.now().toString(36)}`;
const timeoutSeconds = Number(DEPLOYED_TEST_CONTEXT['logsieve:timeoutSeconds']);

let env: Record<string, string>;
let upRun: { code: number; stdout: string; stderr: string };
let state: UpState;
let output: { outputBucket: string; outputPrefix: string };
let functionName: string;
/** When the poison message was first handed to the function: it is due in the DLQ one visibility timeout later. */
let poisonSentAt = 0;
const poisonKey = 'gone/never-there.log';

async function functionLogs(): Promise<LogEvent[]> {
  return filterLogEvents(endpoint, `/aws/lambda/${functionName}`);
}

/** The function's structured (Powertools) log lines, parsed; platform lines (START, REPORT) left out. */
async function structuredLogs(): Promise<Record<string, unknown>[]> {
  return (await functionLogs()).flatMap((e) => {
    try {
      const line = JSON.parse(e.message) as unknown;
      return line && typeof line === 'object' ? [line as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function readText(bucket: string, key: string): Promise<Buffer> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

async function mappingState(uuid: string): Promise<string> {
  return (await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State ?? '';
}

beforeAll(async () => {
  const started = Date.now();
  const stateFile = path.join(await mkdtemp(path.join(tmpdir(), 'logsieve-state-')), 'up.json');
  env = { LOCALSTACK_ENDPOINT: endpoint, LOGSIEVE_STATE_FILE: stateFile };
  const contextArgs = Object.entries(DEPLOYED_TEST_CONTEXT).flatMap(([k, v]) => ['--context', `${k}=${v}`]);
  upRun = await runInProcess(['up', '--stack-name', stackName, ...contextArgs], { env });
  if (upRun.code !== 0) throw new Error(`logsieve up (cdklocal deploy of ${stackName}) failed: ${upRun.stderr}`);
  console.log(`[deployed] logsieve up: cdklocal bootstrap + deploy of ${stackName} (${mode}): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  state = (await readUpState(stateFile))!;
  functionName = state.functionName as string;
  output = { outputBucket: state.outputBucket, outputPrefix: state.outputPrefix };
}, 600_000);

afterAll(() => lambda.destroy());

describe(`the deployed stack on LocalStack (${mode}): S3 → SQS → the function's bundle`, () => {
  it('logsieve up deploys the function from the construct bundle, Active, with its SQS event source and the bucket notification', async () => {
    expect(state).toMatchObject({ endpoint, keeperPid: null, outputPrefix: 'logsieve/', maxReceiveCount: 1, visibilityTimeoutSeconds: 6 * timeoutSeconds, functionName: expect.any(String) as unknown });
    expect(upRun.stdout).toContain(`function        ${state.functionName}`);
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: functionName }));
    expect(fn.Configuration).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], State: 'Active', MemorySize: 1769, Timeout: timeoutSeconds, Handler: 'index.handler' });
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: state.queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
    const { EventSourceMappings = [] } = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: functionName }));
    expect(EventSourceMappings).toEqual([expect.objectContaining({ EventSourceArn: queueArn, BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] })]);
    const notification = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: state.inputBucket }));
    expect(notification.QueueConfigurations?.[0]?.QueueArn).toBe(queueArn);
  });

  it('answers a batch with one unreadable object among good ones with a partial failure: only that message comes back', async () => {
    const { EventSourceMappings = [] } = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: functionName }));
    const uuid = EventSourceMappings[0]?.UUID as string;
    // Paused, so that the real notifications of two uploads and the poison message wait in the queue and arrive in one batch.
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    await eventually('mapping disabled', 60_000, async () => ((await mappingState(uuid)) === 'Disabled' ? true : undefined));
    const good = ['batch/one.log', 'batch/two.log'];
    for (const key of good) await s3.send(new PutObjectCommand({ Bucket: state.inputBucket, Key: key, Body: sampleLog(300, 30).text }));
    // An S3 notification for an object whose bucket does not exist: every read fails (NoSuchBucket), so every delivery fails.
    // (A deleted object, NoSuchKey, is acknowledged by design: see README "How the handler behaves".)
    const missingBucket = `logsieve-deleted-${Date.now().toString(36)}`;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: state.queueUrl,
        MessageBody: JSON.stringify({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', eventTime: new Date().toISOString(), s3: { bucket: { name: missingBucket }, object: { key: poisonKey, size: 10 } } }] }),
      }),
    );
    await eventually('three messages queued', 30_000, async () => {
      const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: state.queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes;
      return Number(a?.ApproximateNumberOfMessages) >= 3 ? true : undefined;
    });
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
    poisonSentAt = Date.now();

    const arrived = await waitForSummaries(s3, output, state.inputBucket, good, 120_000);
    for (const { summary } of arrived) expect(summary).toMatchObject({ status: 'complete', counts: { lines: 300, errors: 10 } });
    // The good messages were deleted; the poison one is in flight (received, not deleted), waiting out its visibility timeout.
    const attrs = await eventually('only the failed message left in flight', 30_000, async () => {
      const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: state.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes;
      return a?.ApproximateNumberOfMessagesNotVisible === '1' && a.ApproximateNumberOfMessages === '0' ? a : undefined;
    });
    expect(attrs).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1' });
    // One invocation had all three: their log lines share its request id, and it named the poison key as failed.
    const lines = await eventually('log lines of the three keys', 30_000, async () => {
      const all = await structuredLogs();
      return [...good, poisonKey].every((k) => all.some((l) => l.key === k)) ? all : undefined;
    });
    const requestIds = new Set(lines.filter((l) => [...good, poisonKey].includes(String(l.key))).map((l) => l.function_request_id));
    expect(requestIds.size).toBe(1);
  });

  it('processes gzip and plain uploads from their S3 notifications: summaries, reports and error parts with the generated counts', async () => {
    const plain = sampleLog(2_000, 37);
    const zipped = sampleLog(5_000, 23);
    const objects = [
      { key: 'app/2026/12/01/plain.log', body: Buffer.from(plain.text), log: plain, compression: 'none' },
      { key: 'app/2026/12/01/zipped.log.gz', body: gzipSync(zipped.text), log: zipped, compression: 'gzip' },
    ];
    const started = Date.now();
    for (const o of objects) await s3.send(new PutObjectCommand({ Bucket: state.inputBucket, Key: o.key, Body: o.body }));
    const uploadedMs = Date.now() - started;
    const arrived = await waitForSummaries(s3, output, state.inputBucket, objects.map((o) => o.key), 120_000);
    console.log(`[deployed] first PutObject to summary: ${arrived.map((a) => `${a.key} ${uploadedMs + a.afterMs} ms`).join(', ')}`);

    for (const [i, o] of objects.entries()) {
      const summary = arrived[i]?.summary as Summary;
      expect(summary).toMatchObject({
        status: 'complete',
        source: { bucket: state.inputBucket, key: o.key, size: o.body.length, compression: o.compression, format: 'text' },
        counts: { lines: o.log.lines, errors: o.log.errorLines, records: o.log.errorLines, bytesOut: Buffer.byteLength(o.log.text) },
      });
      expect(summary.processing.invocations).toBe(1);
      const report = await s3.send(new HeadObjectCommand({ Bucket: output.outputBucket, Key: summary.outputs.reportKey }));
      expect(report.ContentType).toMatch(/text\/html/);
      expect(summary.outputs.errorParts.map((p) => p.records).reduce((a, b) => a + b, 0)).toBe(o.log.errorLines);
      const records = gunzipSync(await readText(output.outputBucket, summary.outputs.errorParts[0]?.key as string)).toString('utf8').trim().split('\n');
      expect(records).toHaveLength(o.log.errorLines);
      expect(JSON.parse(records[0] as string)).toMatchObject({ schema: 'logsieve.error/1', level: 'error' });
    }
  });

  it("writes the function's log lines to LocalStack's CloudWatch Logs, each with the request id and the key", async () => {
    const key = 'app/2026/12/01/plain.log';
    const lines = await eventually(`log lines for ${key}`, 30_000, async () => {
      const found = (await structuredLogs()).filter((l) => l.key === key);
      return found.length > 0 ? found : undefined;
    });
    const events = await functionLogs();
    for (const line of lines) {
      expect(line).toMatchObject({ bucket: state.inputBucket, key, function_name: functionName });
      const id = String(line.function_request_id);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      // The request id is the invocation's: LocalStack's START line of that invocation carries it.
      expect(events.some((e) => e.message.startsWith(`START RequestId: ${id}`))).toBe(true);
    }
  });

  it('processes a 200 MB object inside the deployed function', async () => {
    // Only the function's timeout changes; the queue keeps its 48 s visibility (more than the work takes).
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: functionName, Timeout: BIG_OBJECT_TIMEOUT_SECONDS }));
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 60 }, { FunctionName: functionName });
    const key = 'app/big/app-200mb.log';
    const log = generateAppLog({ bytes: 200 * MiB, seed: 200 });
    await new Upload({ client: s3, params: { Bucket: state.inputBucket, Key: key, Body: Readable.from(log) }, partSize: 16 * MiB }).done();
    const started = Date.now();
    const [arrived] = await waitForSummaries(s3, output, state.inputBucket, [key], BIG_OBJECT_TIMEOUT_SECONDS * 1000 * 2, 500);
    const summary = arrived?.summary as Summary;
    console.log(`[deployed] 200 MB object: summary ${Date.now() - started} ms after the upload completed; ${summary.processing.durationMs} ms in the function, ${summary.processing.mbPerSec} MB/s, peak RSS ${summary.processing.peakRssMiB} MiB`);
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: log.counts.lines, bytesOut: log.counts.bytes, errors: log.counts.errorLines } });
    expect(log.counts.bytes).toBeGreaterThanOrEqual(200 * MiB);
  });

  it('moves the poison message to the dead-letter queue after maxReceiveCount receives', async () => {
    const maxReceiveCount = Number(DEPLOYED_TEST_CONTEXT['logsieve:maxReceiveCount']);
    const redrive = JSON.parse((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: state.queueUrl, AttributeNames: ['RedrivePolicy', 'VisibilityTimeout'] }))).Attributes?.RedrivePolicy ?? '{}') as { maxReceiveCount?: number };
    expect(redrive.maxReceiveCount).toBe(maxReceiveCount);
    // Due one visibility timeout (6 × the function timeout) after each failed receive.
    const dueMs = maxReceiveCount * 6 * timeoutSeconds * 1000;
    const waitMs = Math.max(0, poisonSentAt + dueMs - Date.now()) + 60_000;
    const message = await eventually('the poison message in the DLQ', waitMs, async () => {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: state.deadLetterQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 5, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
      expect(Messages.length).toBeLessThanOrEqual(1);
      return Messages[0];
    });
    expect(message.Body).toContain(poisonKey);
    const main = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: state.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes;
    expect(main).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    // Each delivery failed in the function: it logged the read failure once per receive.
    const failures = (await structuredLogs()).filter((l) => l.key === poisonKey && l.level === 'ERROR');
    expect(failures.length).toBe(maxReceiveCount);
  }, 900_000);
  it('demo --deployed: the deployed function processes the demo objects, the same table', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'logsieve-demo-'));
    const run = await runInProcess(['demo', '--deployed', '--size-mb', '3', '--out-dir', outDir], { env });
    expect(run.stderr).not.toMatch(/^logsieve:/m);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`waiting for the deployed function ${functionName}`);
    const rows = run.stdout.split('\n').filter((l) => /^\S+\s{2,}(ALB access log|CloudTrail Records|VPC flow logs|Lambda JSON log|CloudWatch Logs via Firehose|app log \(gzip\))\s/.test(l));
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      const [, errors, expected] = /\s([\d,]+)\s+([\d,]+)\s+([\d,]+)\s{2}/.exec(row)!.slice(1);
      expect(errors, row).toBe(expected);
    }
  }, 300_000);

  it("watch: pauses the function's event source, processes uploads in-process, and resumes it; down forgets the endpoint", async () => {
    const { EventSourceMappings = [] } = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: functionName }));
    const uuid = EventSourceMappings[0]!.UUID!;
    const controller = new AbortController();
    const watching = runInProcess(['watch', '--wait-time-seconds', '1', '--log-level', 'warn'], { env, signal: controller.signal });
    await waitFor('the event source paused', async () => (await mappingState(uuid)) === 'Disabled');
    await s3.send(new PutObjectCommand({ Bucket: state.inputBucket, Key: 'app/watch/one.log', Body: sampleLog(200).text }));
    await waitForSummaries(s3, output, state.inputBucket, ['app/watch/one.log'], 60_000);
    controller.abort();
    const run = await watching;
    expect(run.code).toBe(0);
    // The line watch prints for each object it processed itself.
    expect(run.stdout).toMatch(/app\/watch\/one\.log: processed/);
    expect(await mappingState(uuid)).toBe('Enabled');
    expect((await runInProcess(['down'], { env })).code).toBe(0);
  }, 300_000);
});
