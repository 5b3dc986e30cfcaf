import { constants as zlibConstants, createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handleEvent } from '../../functions/src/pipeline/handleEvent.js';
import type { Summary } from '../../functions/src/pipeline/types.js';
import type { NotificationPipe } from '../../dev/local/notificationPipe.js';
import { createNotificationPipe, receiveNotifications } from '../../dev/local/notificationPipe.js';
import { sampleLog } from '../helpers/sampleLog.js';
import type { FaultRow } from './support/faultTable.js';
import { countLfLines, junkBytes } from './support/inputs.js';
import type { PipelineRig } from './support/pipelineRig.js';
import { createPipelineRig, OUT } from './support/pipelineRig.js';

const MiB = 1024 * 1024;
let rig: PipelineRig;
let pipe: NotificationPipe;

beforeAll(async () => {
  rig = await createPipelineRig();
  pipe = await createNotificationPipe(rig.s3, rig.sqs);
});

beforeEach(() => {
  rig.logs.length = 0;
  rig.metrics.length = 0;
});

/** The metrics the handler added for the last object, by name. */
function metricsAdded(): Record<string, number> {
  return Object.fromEntries(rig.metrics.map((m) => [m.name, m.value]));
}

/** The ERROR line the handler writes for corrupt or truncated input, with its reason. */
function corruptInputLogs(): Array<Record<string, unknown>> {
  return rig.logs.filter((l) => l.level === 'ERROR' && l.message.startsWith('input is corrupt or truncated'));
}

interface Run {
  event: SQSEvent;
  response: SQSBatchResponse;
  summary: Summary | undefined;
  written: number;
}

/** Uploads `body` under `key`, takes its real notification off the queue and runs the handler core on it. */
async function run(key: string, body: Uint8Array | string): Promise<Run> {
  await rig.s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: key, Body: body }));
  const event = await receiveNotifications(rig.sqs, pipe, 1);
  const response = await rig.runSqs(rig.deps(), event);
  return { event, response, summary: await rig.summary(key), written: await rig.recordsWritten(key) };
}

function record(task: { meta: { fault?: FaultRow } }, row: FaultRow): void {
  task.meta.fault = row;
}

function counts(s: Summary | undefined): string {
  if (!s) return 'no summary';
  const c = s.counts;
  const extra = [
    c.truncatedLines ? `${c.truncatedLines} truncated` : '',
    c.invalidUtf8Lines ? `${c.invalidUtf8Lines} invalid-UTF-8` : '',
    c.parseFailures ? `${c.parseFailures} parse failures` : '',
  ].filter(Boolean);
  return `${s.status}; ${c.lines} lines, ${c.errors} errors${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

describe('bad inputs', () => {
  it('a zero-byte object: a complete summary of nothing', async ({ task }) => {
    const { response, summary, written } = await run('bad/empty.log', new Uint8Array(0));
    record(task, { case: 'zero-byte object', expected: 'complete; 0 lines, 0 errors, no error part', observed: `${counts(summary)}, ${written} records`, lost: 0 - written });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(summary).toMatchObject({ status: 'complete', source: { size: 0 }, counts: { lines: 0, errors: 0, records: 0 }, outputs: { errorParts: [] } });
    expect(metricsAdded()).toEqual({ Objects: 1, Lines: 0, Bytes: 0, Errors: 0, DurationMs: summary!.processing.durationMs, ThroughputMBps: 0, FailedObjects: 0 });
  });

  it('truncated gzip: a failed summary with the reason, and every record before the damage', async ({ task }) => {
    const log = sampleLog(50_000, 10);
    const gz = gzipSync(log.text);
    const cut = gz.subarray(0, Math.floor(gz.length * 0.55));
    // What any gunzip can recover from the cut bytes: the whole lines in it.
    const readable = gunzipSync(cut, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString('utf8');
    const wholeLines = readable.slice(0, readable.lastIndexOf('\n') + 1).split('\n').slice(0, -1);
    const expectedErrors = wholeLines.filter((l) => l.includes(' ERROR ')).length;

    const { response, summary, written } = await run('bad/truncated.log.gz', cut);
    record(task, {
      case: 'truncated gzip (55% of the object)',
      expected: `failed (reason names gzip); ${wholeLines.length} whole lines readable, ${expectedErrors} errors`,
      observed: `${counts(summary)}, ${written} records`,
      lost: expectedErrors - written,
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(summary?.status).toBe('failed');
    expect(summary?.reason).toMatch(/gzip/i);
    expect(corruptInputLogs()).toEqual([expect.objectContaining({ key: 'bad/truncated.log.gz', reason: summary?.reason })]);
    expect(summary?.counts.lines).toBe(wholeLines.length);
    expect(written).toBe(expectedErrors);
    // Acknowledged, so neither the DLQ nor the function's errors see it: this metric (and its alarm) does.
    expect(metricsAdded()).toMatchObject({ Objects: 1, Lines: wholeLines.length, Bytes: cut.length, Errors: expectedErrors, FailedObjects: 1 });
  });

  it('a corrupt gzip header: a failed summary that says so', async ({ task }) => {
    const gz = Buffer.from(gzipSync(sampleLog(1_000).text));
    gz[2] = 0x07; // compression method must be 8 (deflate)
    const { response, summary, written } = await run('bad/bad-header.gz', gz);
    record(task, { case: 'corrupt gzip header (method byte)', expected: 'failed, reason names gzip; 0 records', observed: `${counts(summary)}; reason: ${summary?.reason?.slice(0, 60)}`, lost: 0 - written });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(summary).toMatchObject({ status: 'failed', counts: { lines: 0, records: 0 } });
    expect(summary?.reason).toMatch(/gzip/i);
    expect(corruptInputLogs()).toEqual([expect.objectContaining({ key: 'bad/bad-header.gz', reason: summary?.reason })]);
  });

  it('gzip of binary junk: every line counted, invalid UTF-8 counted', async ({ task }) => {
    const junk = junkBytes(2 * MiB, 0xbadc0de);
    const expectedLines = countLfLines(junk);
    const { response, summary, written } = await run('bad/junk.bin.gz', gzipSync(junk));
    record(task, {
      case: 'gzip of 2 MiB of binary junk',
      expected: `complete; ${expectedLines} lines, invalid UTF-8 counted`,
      observed: `${counts(summary)}, ${written} records`,
      lost: expectedLines - (summary?.counts.lines ?? 0),
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(summary).toMatchObject({ status: 'complete', source: { compression: 'gzip' }, counts: { lines: expectedLines, bytesOut: junk.length } });
    expect(summary!.counts.invalidUtf8Lines).toBeGreaterThan(expectedLines / 2);
    expect(written).toBe(summary!.counts.records);
  });

  it('a single line of 200 MB: truncated and counted, the error in it and the line after it still found', async ({ task }) => {
    const head = '2026-11-26T12:00:00.000Z ERROR [blob] payload rejected: ';
    const tail = '\n2026-11-26T12:00:01.000Z ERROR [blob] the line after the giant\n2026-11-26T12:00:02.000Z INFO  [blob] fine\n';
    async function* giant(): AsyncGenerator<Buffer> {
      yield Buffer.from(head);
      const filler = Buffer.alloc(MiB, 'x');
      for (let i = 0; i < 200; i++) yield filler;
      yield Buffer.from(tail);
    }
    // Stored as gzip (200 KB in S3); the pipeline still decompresses and splits all 200 MB.
    const gz = await buffer(Readable.from(giant()).pipe(createGzip()));
    const { response, summary, written } = await run('bad/giant-line.log.gz', gz);
    record(task, { case: 'one line of 200 MB (then 2 short lines)', expected: 'complete; 3 lines, 1 truncated, 2 errors', observed: `${counts(summary)}, ${written} records`, lost: 2 - written });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: 3, truncatedLines: 1, errors: 2, bytesOut: head.length + 200 * MiB + tail.length } });
    expect(written).toBe(2);
  });

  it('one line of 50 MB of JSON: an error record, truncated and counted, and the line after it', async ({ task }) => {
    const giant = `{"timestamp":"2026-11-26T12:00:00.000Z","level":"error","message":"giant payload","blob":"${'a'.repeat(50 * MiB)}"}\n`;
    const rest = '{"timestamp":"2026-11-26T12:00:01.000Z","level":"error","message":"after the giant"}\n{"timestamp":"2026-11-26T12:00:02.000Z","level":"info","message":"fine"}\n';
    const { response, summary, written } = await run('bad/giant.json', giant + rest);
    record(task, { case: 'one line of 50 MB of JSON (then 2 short lines)', expected: 'complete; 3 lines, 1 truncated, 2 errors', observed: `${counts(summary)}, ${written} records`, lost: 2 - written });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: 3, truncatedLines: 1, errors: 2 } });
    expect(written).toBe(2);
  });

  it('invalid UTF-8 in lines: counted, and the error lines among them still found', async ({ task }) => {
    const parts: Buffer[] = [];
    let errors = 0;
    let invalid = 0;
    for (let i = 1; i <= 5_000; i++) {
      const level = i % 7 === 0 ? 'ERROR' : 'INFO ';
      if (level === 'ERROR') errors++;
      const bad = i % 5 === 0;
      if (bad) invalid++;
      parts.push(Buffer.from(`2026-11-26T12:00:00.000Z ${level} [codec] message ${i} `), bad ? Buffer.from([0xc3, 0x28, 0xff, 0xfe]) : Buffer.from('ok'), Buffer.from('\n'));
    }
    const { response, summary, written } = await run('bad/invalid-utf8.log', Buffer.concat(parts));
    record(task, { case: 'invalid UTF-8 in 1 of 5 lines', expected: `complete; 5000 lines, ${errors} errors, ${invalid} invalid-UTF-8`, observed: `${counts(summary)}, ${written} records`, lost: errors - written });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: 5_000, errors, invalidUtf8Lines: invalid } });
    expect(written).toBe(errors);
  });

  it('NUL bytes in lines: kept in the text, every error line found', async ({ task }) => {
    const log = sampleLog(5_000, 9);
    // A NUL in every fourth line, error lines included.
    const text = log.text.split('\n').map((line, i) => (i % 4 === 0 && line ? line.replace(' [', ' \u0000[') : line)).join('\n');
    const { response, summary, written } = await run('bad/nul.log', text);
    record(task, { case: 'NUL bytes in 1 of 4 lines', expected: `complete; ${log.lines} lines, ${log.errorLines} errors`, observed: `${counts(summary)}, ${written} records`, lost: log.errorLines - written });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: log.lines, errors: log.errorLines } });
    expect(written).toBe(log.errorLines);
  });

  it('CR-only line endings: every line and every error found', async ({ task }) => {
    const log = sampleLog(5_000, 9);
    const { response, summary, written } = await run('bad/cr-only.log', log.text.replaceAll('\n', '\r'));
    record(task, {
      case: 'CR-only line endings (5000 lines)',
      expected: `complete; ${log.lines} lines, ${log.errorLines} errors`,
      observed: `${counts(summary)}, ${written} records`,
      lost: log.errorLines - written,
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: log.lines, errors: log.errorLines } });
    expect(written).toBe(log.errorLines);
  });

  it('awkward keys (space, +, unicode, %): each summary lands under its exact key', async ({ task }) => {
    const keys = ['awkward/with space.log', 'awkward/a+b=c.log', 'awkward/ünïcødé/日本語 ログ.log', 'awkward/100% done %41%2F.log'];
    const logs = keys.map((_, i) => sampleLog(1_000 + i * 100, 11));
    for (const [i, key] of keys.entries()) await rig.s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: key, Body: logs[i]!.text }));
    const event = await receiveNotifications(rig.sqs, pipe, keys.length);
    const response = await rig.runSqs(rig.deps(), event);
    const summaries = await Promise.all(keys.map((key) => rig.summary(key)));
    const written = await Promise.all(keys.map((key) => rig.recordsWritten(key)));
    const expectedErrors = logs.reduce((n, l) => n + l.errorLines, 0);
    const found = written.reduce((n, w) => n + w, 0);
    record(task, {
      case: `awkward keys: ${keys.map((k) => JSON.stringify(k.slice('awkward/'.length))).join(', ')}`,
      expected: `${keys.length} summaries under the exact keys; ${expectedErrors} records`,
      observed: `${summaries.filter((s, i) => s?.source.key === keys[i]).length} summaries under the exact keys; ${found} records`,
      lost: expectedErrors - found,
    });
    expect(response).toEqual({ batchItemFailures: [] });
    summaries.forEach((s, i) => expect(s).toMatchObject({ status: 'complete', source: { key: keys[i] }, counts: { lines: logs[i]!.lines, errors: logs[i]!.errorLines } }));
    expect(written).toEqual(logs.map((l) => l.errorLines));
  });

  it('an object deleted between the event and the read: acknowledged as gone, logged, not retried', async ({ task }) => {
    const key = 'bad/deleted.log';
    await rig.s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: key, Body: sampleLog(100).text }));
    const event = await receiveNotifications(rig.sqs, pipe, 1);
    await rig.s3.send(new DeleteObjectCommand({ Bucket: pipe.bucket, Key: key }));
    const response = await rig.runSqs(rig.deps(), event);
    const logs = rig.logs.filter((l) => l.message.includes('object no longer exists') && l.key === key);
    const outputs = await rig.outputsOf(key);
    const written = await rig.recordsWritten(key);
    record(task, {
      case: 'object deleted between event and read',
      expected: 'acknowledged (not retried), 1 WARN line with the cause, no output',
      observed: `${response.batchItemFailures.length} retried, ${logs.length} ${logs[0]?.level} line (cause: ${String(logs[0]?.cause).slice(0, 40)}…), ${outputs.length} outputs`,
      // Nothing left to find: expected 0 records, minus those written.
      lost: 0 - written,
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(logs).toEqual([expect.objectContaining({ level: 'WARN', cause: expect.stringMatching(/NoSuchKey/) })]);
    expect(outputs).toEqual([]);
  });

  it('an event under the output prefix, in a batch with a real one: ignored and logged, the other processed', async ({ task }) => {
    const key = 'bad/neighbour.log';
    const log = sampleLog(2_000);
    await rig.s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: key, Body: log.text }));
    const event = await receiveNotifications(rig.sqs, pipe, 1);
    const real = event.Records[0]!;
    // The same notification as if the handler's own summary had triggered it.
    const echoKey = `${OUT}summaries/${key}.json`;
    const notification = JSON.parse(real.body) as { Records: Array<{ s3: { bucket: { name: string }; object: { key: string } } }> };
    for (const r of notification.Records) {
      r.s3.bucket.name = rig.outputBucket;
      r.s3.object.key = encodeURIComponent(echoKey);
    }
    const echo = { ...real, messageId: 'echo-1', body: JSON.stringify(notification) };
    const response = await rig.runSqs(rig.deps(), { Records: [real, echo] });
    const guardLogs = rig.logs.filter((l) => l.message.includes('recursion guard'));
    const written = await rig.recordsWritten(key);
    const echoOutputs = await rig.outputsOf(echoKey);
    record(task, {
      case: 'event under the output prefix (with a real one in the batch)',
      expected: `echo ignored with 1 WARN line, no output for it; real one complete with ${log.errorLines} records`,
      observed: `${guardLogs.length} ${guardLogs[0]?.level} line, ${echoOutputs.length} outputs for the echo; real one ${(await rig.summary(key))?.status} with ${written} records`,
      lost: log.errorLines - written,
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(guardLogs).toEqual([expect.objectContaining({ level: 'WARN', key: echoKey, outputPrefix: OUT })]);
    expect(echoOutputs).toEqual([]);
    expect(written).toBe(log.errorLines);
  });

  it('a duplicate delivery: twice in one batch, then once more: one set of outputs, then skipped', async ({ task }) => {
    const key = 'bad/duplicate.log';
    const log = sampleLog(30_000);
    await rig.s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: key, Body: log.text }));
    const event = await receiveNotifications(rig.sqs, pipe, 1);
    const message = event.Records[0]!;
    // SQS delivers at least once: the same notification can arrive twice, even in one batch.
    const twice = await rig.runSqs(rig.deps(), { Records: [message, { ...message, messageId: `${message.messageId}-dup` }] });
    const afterTwice = await rig.outputsOf(key);
    const summary = await rig.summary(key);
    const written = await rig.recordsWritten(key);
    const again = (await handleEvent(rig.deps(), JSON.parse(message.body))) as Array<{ outcome: string }>;
    record(task, {
      case: 'duplicate delivery (twice in one batch, then again)',
      expected: `1 summary + 1 report + 1 part, ${log.errorLines} records; redelivery skipped`,
      observed: `${afterTwice.length} outputs, ${summary?.counts.records} records in summary, ${written} in the part; redelivery ${again[0]?.outcome}`,
      lost: log.errorLines - written,
    });
    expect(twice).toEqual({ batchItemFailures: [] });
    expect(afterTwice.sort()).toEqual([`${OUT}errors/${key}/part-00000.ndjson.gz`, `${OUT}summaries/${key}.html`, `${OUT}summaries/${key}.json`]);
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: log.lines, errors: log.errorLines, records: log.errorLines } });
    expect(written).toBe(log.errorLines);
    expect(again).toEqual([expect.objectContaining({ outcome: 'skipped' })]);
  });

  it('a message that is not an S3 notification: retried (then DLQ), one ERROR line naming it', async ({ task }) => {
    const key = 'bad/beside-garbage.log';
    const log = sampleLog(1_000);
    await rig.s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: key, Body: log.text }));
    const event = await receiveNotifications(rig.sqs, pipe, 1);
    const garbled = { ...event.Records[0]!, messageId: 'garbled-1', body: '{"Records":[{"eventSource":"aws:s3","s3":{}}' };
    const response = await rig.runSqs(rig.deps(), { Records: [event.Records[0]!, garbled] });
    const logs = rig.logs.filter((l) => l.messageId === 'garbled-1');
    const written = await rig.recordsWritten(key);
    record(task, {
      case: 'SQS message whose body is not an S3 notification',
      expected: 'that message retried, 1 ERROR line with messageId and cause; the other complete',
      observed: `${response.batchItemFailures.map((f) => f.itemIdentifier).join(',')} retried, ${logs.length} ${logs[0]?.level} line; other ${written} records`,
      lost: log.errorLines - written,
    });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'garbled-1' }] });
    expect(logs).toEqual([expect.objectContaining({ level: 'ERROR', error: expect.objectContaining({ name: 'SyntaxError' }) })]);
    expect(written).toBe(log.errorLines);
  });
});
