import { gzipSync } from 'node:zlib';
import { DeleteObjectCommand, ListMultipartUploadsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines } from '../../functions/src/stream/lines.js';
import type { ResumeEvent } from '../../functions/src/stream/resumeBody.js';
import { s3Source } from '../../functions/src/stream/s3Source.js';
import type { NotificationPipe } from '../../dev/local/notificationPipe.js';
import { createNotificationPipe, receiveNotifications } from '../../dev/local/notificationPipe.js';
import type { FaultProxy, ProxyLogEntry } from '../helpers/faultProxy.js';
import { getObjectOf, startFaultProxy, uploadPartOf } from '../helpers/faultProxy.js';
import { LOCAL_AWS } from '../helpers/localstackClients.js';
import { sampleLog } from '../helpers/sampleLog.js';
import type { FaultRow } from './support/faultTable.js';
import { incompressibleErrorLog } from './support/inputs.js';
import type { PipelineRig } from './support/pipelineRig.js';
import { createPipelineRig, OUT } from './support/pipelineRig.js';

// Every case runs the handler core (handleEvent → processObject) on the real S3 → SQS notification,
// with its S3 client pointed at a fault proxy in front of LocalStack.
let rig: PipelineRig;
let proxy: FaultProxy;
let pipe: NotificationPipe;

beforeAll(async () => {
  rig = await createPipelineRig();
  proxy = await startFaultProxy(rig.endpoint);
  pipe = await createNotificationPipe(rig.s3, rig.sqs);
});

afterAll(async () => {
  await proxy?.close();
});

/** Uploads `body` under `key` straight to LocalStack and returns its notification, as SQS delivers it. */
async function upload(key: string, body: Buffer): Promise<SQSEvent> {
  await rig.s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: key, Body: body }));
  return receiveNotifications(rig.sqs, pipe, 1);
}

/** GetObject requests of `key` the proxy saw. */
function getsOf(key: string): ProxyLogEntry[] {
  return proxy.log.filter((e) => e.method === 'GET' && decodeURIComponent(e.path) === `/${pipe.bucket}/${key}`);
}

function record(task: { meta: { fault?: FaultRow } }, row: FaultRow): void {
  task.meta.fault = row;
}

/** Log lines mentioning `text` anywhere (message, error, cause chain). */
function logsMentioning(text: string | RegExp): string[] {
  return rig.logs.map((l) => JSON.stringify(l)).filter((s) => (typeof text === 'string' ? s.includes(text) : text.test(s)));
}

describe('faults in transit', () => {
  it('cut once mid-body: resumes with Range from the last byte and If-Match, loses nothing', async ({ task }) => {
    proxy.clear();
    const log = sampleLog(60_000);
    const key = 'transit/cut-once.log';
    const event = await upload(key, Buffer.from(log.text));
    const cutAt = 2_500_001;
    proxy.add({ name: 'cut-once', match: getObjectOf(pipe.bucket), action: { kind: 'cut', afterBytes: cutAt } });

    const response = await rig.runSqs(rig.deps({ endpoint: proxy.endpoint }), event);
    const summary = await rig.summary(key);
    const written = await rig.recordsWritten(key);
    const gets = getsOf(key);
    record(task, {
      case: 'cut once (GetObject body dropped at 2.5 MB)',
      expected: `complete; ${log.lines} lines, ${log.errorLines} records; 1 resume`,
      observed: `${summary?.status}; ${summary?.counts.lines} lines, ${written} records; ${gets.length - 1} resume (Range ${gets[1]?.range}, If-Match ${gets[1]?.ifMatch})`,
      lost: log.errorLines - written,
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(proxy.applied('cut-once')).toBe(1);
    expect(gets.map((g) => g.range)).toEqual([undefined, `bytes=${cutAt}-`]);
    expect(gets[1]!.ifMatch).toBe(`"${summary!.source.etag}"`);
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: log.lines, errors: log.errorLines, records: log.errorLines }, processing: { resumes: 1 } });
    expect(written).toBe(log.errorLines);
  });

  it('cut 5 times (gzip): 5 resumes, each from the byte reached, the decoder never notices', async ({ task }) => {
    proxy.clear();
    const log = sampleLog(60_000);
    const gz = gzipSync(log.text);
    const key = 'transit/cut-five.log.gz';
    const event = await upload(key, gz);
    const slice = Math.floor(gz.length / 7);
    proxy.add({ name: 'cut-five', match: getObjectOf(pipe.bucket), action: { kind: 'cut', afterBytes: slice }, times: 5 });

    const response = await rig.runSqs(rig.deps({ endpoint: proxy.endpoint }), event);
    const summary = await rig.summary(key);
    const written = await rig.recordsWritten(key);
    const gets = getsOf(key);
    // A dropped connection loses what was still in flight: each resume starts at the byte received.
    const starts = gets.slice(1).map((g) => Number(/^bytes=(\d+)-$/.exec(g.range ?? '')?.[1]));
    record(task, {
      case: 'cut 5 times (gzip object, every GET dropped after 1/7)',
      expected: `complete; ${log.lines} lines, ${log.errorLines} records; 5 resumes`,
      observed: `${summary?.status}; ${summary?.counts.lines} lines, ${written} records; ${gets.length - 1} resumes (from bytes ${starts.join(', ')})`,
      lost: log.errorLines - written,
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(gets).toHaveLength(6);
    expect(gets[0]!.range).toBeUndefined();
    starts.forEach((start, k) => {
      expect(start).toBeGreaterThan(k === 0 ? 0 : starts[k - 1]!);
      expect(start).toBeLessThanOrEqual((k + 1) * slice);
    });
    expect(new Set(gets.slice(1).map((g) => g.ifMatch))).toEqual(new Set([`"${summary!.source.etag}"`]));
    expect(summary).toMatchObject({ status: 'complete', source: { compression: 'gzip' }, counts: { lines: log.lines, errors: log.errorLines } });
    expect(written).toBe(log.errorLines);
  });

  it("deadline: a body stalled near the invocation's end is stopped in time; what was read is written, both messages come back", async ({ task }) => {
    proxy.clear();
    rig.logs.length = 0;
    const log = sampleLog(30_000);
    const stalled = 'transit/deadline-stalled.log';
    const waiting = 'transit/deadline-waiting.log';
    await rig.s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: stalled, Body: Buffer.from(log.text) }));
    await rig.s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: waiting, Body: Buffer.from(log.text) }));
    const event = await receiveNotifications(rig.sqs, pipe, 2);
    // Each object's message in the order of the objects; the first is processed first (concurrency 1).
    event.Records.sort((a, b) => (a.body.includes(stalled) ? -1 : b.body.includes(stalled) ? 1 : 0));
    proxy.add({ name: 'deadline-stall', match: getObjectOf(pipe.bucket, (k) => k === stalled), action: { kind: 'stall', afterBytes: 1_000_000 } });
    const deps = rig.deps({ endpoint: proxy.endpoint, env: { LOGSIEVE_CONCURRENCY: '1' } });
    // 6 s left: the deadline keeps back its least margin, 5 s, so reading stops 1 s in.
    const context = { awsRequestId: 'deadline', getRemainingTimeInMillis: () => 6_000 } as never;

    const started = Date.now();
    const first = await rig.runSqs(deps, event, context);
    const tookMs = Date.now() - started;
    const summary = await rig.summary(stalled);
    const written = await rig.recordsWritten(stalled);
    const waitingOutputs = await rig.outputsOf(waiting);
    const stoppedLogs = logsMentioning("stopped at the invocation's deadline");
    const notStartedLogs = logsMentioning('was not started');
    const linesRead = summary?.counts.lines ?? 0;
    const getsBeforeRedelivery = getsOf(stalled).length;
    proxy.clear();
    const redelivered = await rig.runSqs(rig.deps({ endpoint: proxy.endpoint }), event);
    const writtenAfter = await rig.recordsWritten(stalled);
    record(task, {
      case: "deadline: body stalls after 1 MB, 6 s left in the invocation (margin 5 s); a second object waits",
      expected: `stopped at 1 s: failed summary, the ${Math.floor(linesRead / 37)} records of the lines read; both retried; redelivery complete`,
      observed: `${summary?.status} after ${tookMs} ms (${summary?.reason?.split(':')[0]}), ${written} records of ${linesRead} lines; ${first.batchItemFailures.length} retried, ${waitingOutputs.length} outputs for the waiting one; redelivery ${writtenAfter} records`,
      lost: log.errorLines - writtenAfter,
    });
    expect(first.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(event.Records.map((r) => r.messageId).sort());
    expect(tookMs).toBeLessThan(5_000); // stopped at the deadline, not when the body or the function gave up
    expect(summary).toMatchObject({ status: 'failed' });
    expect(summary!.reason).toMatch(/^Reading stopped after 1000000 bytes: the invocation's deadline \(5 s before the function's timeout/);
    expect(linesRead).toBeGreaterThan(0);
    expect(linesRead).toBeLessThan(log.lines);
    expect(written).toBe(Math.floor(linesRead / 37)); // every 37th line is an ERROR line
    expect(stoppedLogs).toHaveLength(1);
    expect(notStartedLogs).toHaveLength(1);
    expect(waitingOutputs).toEqual([]);
    expect(getsBeforeRedelivery).toBe(1); // the stopped body is closed, not resumed
    expect(redelivered).toEqual({ batchItemFailures: [] });
    expect(await rig.summary(stalled)).toMatchObject({ status: 'complete', counts: { lines: log.lines, errors: log.errorLines } });
    expect(await rig.summary(waiting)).toMatchObject({ status: 'complete', counts: { lines: log.lines, errors: log.errorLines } });
    expect(writtenAfter).toBe(log.errorLines);
  });

  it('cut 6 times: gives up after 5 resumes with a clear error, the message is retried, redelivery succeeds', async ({ task }) => {
    proxy.clear();
    rig.logs.length = 0;
    const log = sampleLog(40_000);
    const key = 'transit/cut-six.log';
    const event = await upload(key, Buffer.from(log.text));
    const slice = Math.floor(log.text.length / 8);
    proxy.add({ name: 'cut-six', match: getObjectOf(pipe.bucket), action: { kind: 'cut', afterBytes: slice }, times: 6 });

    const first = await rig.runSqs(rig.deps({ endpoint: proxy.endpoint }), event);
    const afterFailure = await rig.outputsOf(key);
    const failureLogs = logsMentioning('and 5 resumes');
    proxy.clear();
    const redelivered = await rig.runSqs(rig.deps({ endpoint: proxy.endpoint }), event);
    const summary = await rig.summary(key);
    const written = await rig.recordsWritten(key);
    record(task, {
      case: 'cut 6 times (one more than the resume bound)',
      expected: 'message retried, error logged, no output; redelivery complete',
      observed: `${first.batchItemFailures.length} retried, ${failureLogs.length} error line, ${afterFailure.length} outputs; redelivery ${summary?.status}, ${written} records`,
      lost: log.errorLines - written,
    });
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]!.messageId }]);
    expect(getsOf(key).filter((g) => g.rule === 'cut-six')).toHaveLength(6);
    expect(failureLogs).toHaveLength(1);
    expect(failureLogs[0]).toMatch(/"level":"ERROR".*processing failed; the message will be retried/);
    expect(afterFailure).toEqual([]);
    expect(redelivered).toEqual({ batchItemFailures: [] });
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: log.lines, errors: log.errorLines } });
    expect(written).toBe(log.errorLines);
  });

  it('object replaced while being read: If-Match fails, a clear ObjectChanged error, never mixed content', async ({ task }) => {
    proxy.clear();
    rig.logs.length = 0;
    const before = sampleLog(30_000);
    const after = sampleLog(20_000, 13);
    const key = 'transit/replaced.log';
    const event = await upload(key, Buffer.from(before.text));
    proxy.add({ name: 'cut', match: getObjectOf(pipe.bucket), action: { kind: 'cut', afterBytes: 1_000_000 } });
    proxy.add({
      name: 'replace-before-resume',
      match: (r) => getObjectOf(pipe.bucket)(r) && r.headers.range !== undefined,
      action: { kind: 'before', run: async () => void (await rig.s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: key, Body: after.text }))) },
    });

    const first = await rig.runSqs(rig.deps({ endpoint: proxy.endpoint }), event);
    const afterFailure = await rig.outputsOf(key);
    const changedLogs = logsMentioning('object changed while being read');
    // The replacement sent its own notification; the retried message reads the new version whole.
    await receiveNotifications(rig.sqs, pipe, 1);
    proxy.clear();
    const redelivered = await rig.runSqs(rig.deps({ endpoint: proxy.endpoint }), event);
    const summary = await rig.summary(key);
    const written = await rig.recordsWritten(key);
    record(task, {
      case: 'object replaced between a cut and its resume',
      expected: 'ObjectChanged error logged, message retried, no output; redelivery reads the new version only',
      observed: `${first.batchItemFailures.length} retried, ${changedLogs.length} error line, ${afterFailure.length} outputs; redelivery ${summary?.status}, ${summary?.counts.lines} lines, ${written} records`,
      lost: after.errorLines - written,
    });
    expect(first.batchItemFailures).toHaveLength(1);
    expect(changedLogs).toHaveLength(1);
    expect(changedLogs[0]).toMatch(/^\{"level":"ERROR","message":"object changed while being read; nothing written/);
    expect(afterFailure).toEqual([]);
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: after.lines, errors: after.errorLines } });
    expect(written).toBe(after.errorLines);
  });

  it('503 SlowDown on GetObject: the SDK backs off and retries, the object completes', async ({ task }) => {
    proxy.clear();
    const log = sampleLog(20_000);
    const key = 'transit/slowdown.log';
    const event = await upload(key, Buffer.from(log.text));
    proxy.add({ name: 'slowdown', match: getObjectOf(pipe.bucket), action: { kind: 'status', status: 503, code: 'SlowDown' }, times: 2 });

    const response = await rig.runSqs(rig.deps({ endpoint: proxy.endpoint }), event);
    const summary = await rig.summary(key);
    const written = await rig.recordsWritten(key);
    const gets = getsOf(key);
    record(task, {
      case: '503 SlowDown on GetObject (twice)',
      expected: `complete after 3 GETs; ${log.errorLines} records`,
      observed: `${summary?.status} after ${gets.length} GETs (${gets.filter((g) => g.rule).length} answered SlowDown); ${written} records`,
      lost: log.errorLines - written,
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(gets.map((g) => g.rule)).toEqual(['slowdown', 'slowdown', undefined]);
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: log.lines, errors: log.errorLines } });
    expect(written).toBe(log.errorLines);
  });

  it('cut, then 503 SlowDown on the resumed GET: the SDK backs off inside the resume, nothing lost', async ({ task }) => {
    proxy.clear();
    const log = sampleLog(30_000);
    const key = 'transit/cut-then-slowdown.log';
    const event = await upload(key, Buffer.from(log.text));
    proxy.add({ name: 'cut', match: getObjectOf(pipe.bucket), action: { kind: 'cut', afterBytes: 700_000 } });
    proxy.add({ name: 'slowdown-on-resume', match: (r) => getObjectOf(pipe.bucket)(r) && r.headers.range !== undefined, action: { kind: 'status', status: 503, code: 'SlowDown' }, times: 2 });

    const response = await rig.runSqs(rig.deps({ endpoint: proxy.endpoint }), event);
    const summary = await rig.summary(key);
    const written = await rig.recordsWritten(key);
    const gets = getsOf(key);
    record(task, {
      case: 'cut, then 503 SlowDown twice on the resumed GET',
      expected: `complete after 1 + 3 GETs (SDK retries within 1 resume); ${log.errorLines} records`,
      observed: `${summary?.status} after ${gets.length} GETs (${gets.map((g) => g.rule ?? 'ok').join(', ')}); ${written} records`,
      lost: log.errorLines - written,
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(gets.map((g) => g.rule)).toEqual(['cut', 'slowdown-on-resume', 'slowdown-on-resume', undefined]);
    expect(new Set(gets.slice(1).map((g) => g.range))).toEqual(new Set([gets[3]!.range]));
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: log.lines, errors: log.errorLines } });
    expect(written).toBe(log.errorLines);
  });

  it('timeout: a body that stalls mid-stream is dropped by the socket timeout and resumed', async ({ task }) => {
    proxy.clear();
    const log = sampleLog(30_000);
    const key = 'transit/stall.log';
    const event = await upload(key, Buffer.from(log.text));
    proxy.add({ name: 'stall', match: getObjectOf(pipe.bucket), action: { kind: 'stall', afterBytes: 1_000_000 } });
    // The idle-socket timeout is what turns a silent connection into an error that can be resumed.
    const deps = rig.deps({ endpoint: proxy.endpoint, clientConfig: { requestHandler: { socketTimeout: 1_500 } } });

    const response = await rig.runSqs(deps, event);
    const summary = await rig.summary(key);
    const written = await rig.recordsWritten(key);
    const gets = getsOf(key);
    record(task, {
      case: 'timeout: body stalls after 1 MB (socket idle timeout 1.5 s)',
      expected: `complete; resumed at byte 1000000; ${log.errorLines} records`,
      observed: `${summary?.status}; resumed with Range ${gets[1]?.range}; ${written} records`,
      lost: log.errorLines - written,
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(gets.map((g) => g.range)).toEqual([undefined, 'bytes=1000000-']);
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: log.lines, errors: log.errorLines } });
    expect(written).toBe(log.errorLines);
  });

  it("timeout without a client timeout: the reader's idle watchdog drops a silent body and resumes it", async ({ task }) => {
    proxy.clear();
    const log = sampleLog(30_000);
    const key = 'transit/stall-watchdog.log';
    await upload(key, Buffer.from(log.text));
    proxy.add({ name: 'stall-watchdog', match: getObjectOf(pipe.bucket), action: { kind: 'stall', afterBytes: 1_500_000 } });
    // The Lambda's own client: no socket timeout at all.
    const client = new S3Client({ ...LOCAL_AWS, endpoint: proxy.endpoint, forcePathStyle: true });
    const resumes: ResumeEvent[] = [];
    const source = await s3Source({ client, bucket: pipe.bucket, key, idleTimeoutMs: 1_000, onResume: (e) => resumes.push(e) });
    let count = 0;
    let errors = 0;
    for await (const line of lines(source.bytes)) {
      count++;
      if (line.text.includes(' ERROR ')) errors++;
    }
    client.destroy();
    record(task, {
      case: 'timeout: body stalls after 1.5 MB, client without timeout (reader idle watchdog 1 s)',
      expected: `all ${log.lines} lines, ${log.errorLines} error lines; 1 resume at byte 1500000`,
      observed: `${count} lines, ${errors} error lines; ${source.resumes} resume at byte ${resumes[0]?.bytesRead} (cause: ${resumes[0]?.cause})`,
      lost: log.errorLines - errors,
    });
    expect(resumes).toEqual([expect.objectContaining({ bytesRead: 1_500_000, attempt: 1, maxResumes: 5, cause: 'no bytes for 1000 ms' })]);
    expect(getsOf(key).map((g) => g.range)).toEqual([undefined, 'bytes=1500000-']);
    expect(count).toBe(log.lines);
    expect(errors).toBe(log.errorLines);
  });

  it('object deleted between a cut and its resume: acknowledged as gone, logged, no output', async ({ task }) => {
    proxy.clear();
    rig.logs.length = 0;
    const key = 'transit/deleted-mid-read.log';
    const event = await upload(key, Buffer.from(sampleLog(30_000).text));
    proxy.add({ name: 'cut', match: getObjectOf(pipe.bucket), action: { kind: 'cut', afterBytes: 1_000_000 } });
    proxy.add({
      name: 'delete-before-resume',
      match: (r) => getObjectOf(pipe.bucket)(r) && r.headers.range !== undefined,
      action: { kind: 'before', run: async () => void (await rig.s3.send(new DeleteObjectCommand({ Bucket: pipe.bucket, Key: key }))) },
    });

    const response = await rig.runSqs(rig.deps({ endpoint: proxy.endpoint }), event);
    const goneLogs = rig.logs.filter((l) => l.message.includes('object no longer exists'));
    const outputs = await rig.outputsOf(key);
    const written = await rig.recordsWritten(key);
    record(task, {
      case: 'object deleted between a cut and its resume',
      expected: 'acknowledged as gone (not retried), 1 WARN line with the cause, no output',
      observed: `${response.batchItemFailures.length} retried, ${goneLogs.length} ${goneLogs[0]?.level ?? ''} line, ${outputs.length} outputs`,
      // Nothing left to find: expected 0 records, minus those written.
      lost: 0 - written,
    });
    expect(proxy.applied('delete-before-resume')).toBe(1);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(goneLogs).toEqual([expect.objectContaining({ level: 'WARN', cause: expect.stringMatching(/NoSuchKey/) })]);
    expect(outputs).toEqual([]);
  });

  it('403 AccessDenied on GetObject: the message fails with the permission to grant, nothing is written', async ({ task }) => {
    proxy.clear();
    const key = 'transit/denied.log';
    const event = await upload(key, Buffer.from(sampleLog(1_000).text));
    proxy.add({ name: 'denied', match: getObjectOf(pipe.bucket), action: { kind: 'status', status: 403, code: 'AccessDenied' } });

    const response = await rig.runSqs(rig.deps({ endpoint: proxy.endpoint }), event);
    const deniedLogs = rig.logs.filter((l) => l.message.includes('access denied reading'));
    const outputs = await rig.outputsOf(key);
    record(task, {
      case: '403 AccessDenied on GetObject',
      expected: 'message retried (then DLQ), 1 ERROR line naming s3:GetObject on the object, no output',
      observed: `${response.batchItemFailures.length} retried, ${deniedLogs.length} ${deniedLogs[0]?.level ?? ''} line, ${outputs.length} outputs`,
      lost: 0,
    });
    expect(response.batchItemFailures).toHaveLength(1);
    expect(deniedLogs).toEqual([
      expect.objectContaining({ level: 'ERROR', message: expect.stringContaining(`needs s3:GetObject on arn:aws:s3:::${pipe.bucket}/${key}`) }),
    ]);
    expect(outputs).toEqual([]);
  });

  it('403 AccessDenied from KMS on GetObject: the message names kms:Decrypt on the key S3 named, not s3:GetObject', async ({ task }) => {
    proxy.clear();
    const key = 'transit/kms-denied.log';
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const event = await upload(key, Buffer.from(sampleLog(1_000).text));
    // S3's wording when the role has s3:GetObject but not kms:Decrypt on the bucket's key.
    const message = `User: arn:aws:sts::123456789012:assumed-role/logsieve/fn is not authorized to perform: kms:Decrypt on resource: ${keyArn} because no identity-based policy allows the kms:Decrypt action`;
    proxy.add({ name: 'kms-denied', match: getObjectOf(pipe.bucket), action: { kind: 'status', status: 403, code: 'AccessDenied', message } });

    const response = await rig.runSqs(rig.deps({ endpoint: proxy.endpoint }), event);
    const deniedLogs = rig.logs.filter((l) => l.message.includes('access denied reading') && l.key === key);
    const outputs = await rig.outputsOf(key);
    record(task, {
      case: '403 AccessDenied from KMS on GetObject',
      expected: 'message retried (then DLQ), 1 ERROR line naming kms:Decrypt on the key, no output',
      observed: `${response.batchItemFailures.length} retried, ${deniedLogs.length} ${deniedLogs[0]?.level ?? ''} line${deniedLogs[0]?.message.includes(`kms:Decrypt on ${keyArn}`) ? ' naming kms:Decrypt on the key' : ''}, ${outputs.length} outputs`,
      lost: 0,
    });
    expect(response.batchItemFailures).toHaveLength(1);
    expect(deniedLogs).toEqual([
      expect.objectContaining({ level: 'ERROR', message: expect.stringContaining(`KMS refused to decrypt it; the function's role needs kms:Decrypt on ${keyArn}`), cause: expect.stringContaining(message) }),
    ]);
    expect(deniedLogs[0]?.message).not.toContain('s3:GetObject');
    expect(outputs).toEqual([]);
  });

  it('delay: a first byte slower than the socket timeout fails that attempt, the SDK retries it', async ({ task }) => {
    proxy.clear();
    const log = sampleLog(10_000);
    const key = 'transit/slow-first-byte.log';
    const event = await upload(key, Buffer.from(log.text));
    proxy.add({ name: 'delay', match: getObjectOf(pipe.bucket), action: { kind: 'delay', ms: 2_500 } });
    const deps = rig.deps({ endpoint: proxy.endpoint, clientConfig: { requestHandler: { socketTimeout: 1_500 } } });

    const response = await rig.runSqs(deps, event);
    const summary = await rig.summary(key);
    const written = await rig.recordsWritten(key);
    const gets = getsOf(key);
    record(task, {
      case: 'delay: GetObject answers after 2.5 s (timeout 1.5 s)',
      expected: `complete after 2 GETs; ${log.errorLines} records`,
      observed: `${summary?.status} after ${gets.length} GETs; ${written} records`,
      lost: log.errorLines - written,
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(gets.map((g) => g.rule)).toEqual(['delay', undefined]);
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: log.lines, errors: log.errorLines } });
    expect(written).toBe(log.errorLines);
  });

  it('500 on UploadPart: the multipart upload is aborted, no parts are left, redelivery succeeds', async ({ task }) => {
    proxy.clear();
    rig.logs.length = 0;
    const input = incompressibleErrorLog(8_000, 2, 4_096);
    const key = 'transit/upload-part-500.log';
    const event = await upload(key, input.body);
    // Part 1 succeeds (so there is a part to clean up); part 2 fails on every SDK attempt.
    proxy.add({ name: 'part-500', match: uploadPartOf(rig.outputBucket, 2), action: { kind: 'status', status: 500, code: 'InternalError' }, times: Infinity });

    const first = await rig.runSqs(rig.deps({ endpoint: proxy.endpoint }), event);
    const uploads = await rig.s3.send(new ListMultipartUploadsCommand({ Bucket: rig.outputBucket, Prefix: `${OUT}errors/${key}/` }));
    const afterFailure = await rig.outputsOf(key);
    const partOnes = proxy.log.filter((e) => e.method === 'PUT' && e.query.includes('partNumber=1')).length;
    const aborts = proxy.log.filter((e) => e.method === 'DELETE' && e.query.includes('uploadId=')).length;
    const failureLogs = logsMentioning(/processing failed; the message will be retried/);
    proxy.clear();
    const redelivered = await rig.runSqs(rig.deps({ endpoint: proxy.endpoint }), event);
    const summary = await rig.summary(key);
    const written = await rig.recordsWritten(key);
    record(task, {
      case: '500 InternalError on UploadPart 2 (every attempt)',
      expected: 'upload aborted, 0 parts left, no output, message retried; redelivery complete',
      observed: `${aborts} abort, ${(uploads.Uploads ?? []).length} uploads left, ${afterFailure.length} outputs, ${first.batchItemFailures.length} retried; redelivery ${summary?.status}, ${written} records`,
      lost: input.errorLines - written,
    });
    expect(proxy.applied('part-500')).toBeGreaterThanOrEqual(1);
    expect(partOnes).toBeGreaterThanOrEqual(1);
    expect(aborts).toBe(1);
    expect(uploads.Uploads ?? []).toEqual([]);
    expect(afterFailure).toEqual([]);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]!.messageId }]);
    expect(failureLogs).toHaveLength(1);
    expect(redelivered).toEqual({ batchItemFailures: [] });
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: input.lines, errors: input.errorLines } });
    expect(summary!.outputs.errorParts[0]!.storedBytes).toBeGreaterThan(8 * 1024 * 1024);
    expect(written).toBe(input.errorLines);
  });
});
