import { Readable } from 'node:stream';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { generateAppLog } from '../../dev/local/generateAppLog.js';
import type { ObjectOutcome } from '../../functions/src/pipeline/handleEvent.js';
import type { Summary } from '../../functions/src/pipeline/types.js';
import type { ErrorRecord } from '../../functions/src/parse/types.js';
import { createNotificationPipe, receiveNotifications } from '../../dev/local/notificationPipe.js';
import { localstackClients, uniqueName, useLocalstackEnv } from '../helpers/localstackClients.js';
import { sampleLog } from '../helpers/sampleLog.js';

const { endpoint, s3, sqs } = localstackClients();
const outputBucket = uniqueName('logsieve-out');

type Handler = typeof import('../../functions/handlers/processLog.js').handler;
let handler: Handler;
const ctx = (id: string) => ({ awsRequestId: id, functionName: 'logsieve-test' }) as never;

beforeAll(async () => {
  console.log(`[processLog.test] LocalStack via ${inject('localstackMode')} at ${endpoint}`);
  await s3.send(new CreateBucketCommand({ Bucket: outputBucket }));
  useLocalstackEnv(endpoint, { LOGSIEVE_OUTPUT_BUCKET: outputBucket, LOGSIEVE_OUTPUT_PREFIX: 'out/' });
  // The entry reads its configuration at import, as a Lambda cold start does.
  ({ handler } = await import('../../functions/handlers/processLog.js'));
});

async function getText(key: string): Promise<string> {
  const res = await s3.send(new GetObjectCommand({ Bucket: outputBucket, Key: key }));
  return res.Body!.transformToString();
}

async function readSummary(key: string): Promise<Summary> {
  return JSON.parse(await getText(`out/summaries/${key}.json`)) as Summary;
}

async function readErrorRecords(key: string): Promise<ErrorRecord[]> {
  const res = await s3.send(new GetObjectCommand({ Bucket: outputBucket, Key: `out/errors/${key}/part-00000.ndjson.gz` }));
  const text = gunzipSync(await res.Body!.transformToByteArray()).toString('utf8');
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as ErrorRecord);
}

describe('processLog handler', () => {
  it('processes the real S3 → SQS notification of a multi-MB upload: summary, error records, report', async () => {
    const pipe = await createNotificationPipe(s3, sqs);
    const log = sampleLog(120_000);
    expect(log.text.length).toBeGreaterThan(8 * 1024 * 1024);
    const key = 'app/2026/11/26/app server.log';
    await s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: key, Body: log.text }));

    const event = await receiveNotifications(sqs, pipe, 1);
    // The notification carries the key URL-encoded (AWS writes '+' for the space, LocalStack '%20').
    expect(event.Records[0]!.body).toMatch(/app(\+|%20)server\.log/);

    expect(await handler(event, ctx('plain'))).toEqual({ batchItemFailures: [] });

    const summary = await readSummary(key);
    expect(summary).toMatchObject({
      schema: 'logsieve.summary/1',
      status: 'complete',
      source: { bucket: pipe.bucket, key, size: Buffer.byteLength(log.text), compression: 'none', format: 'text' },
      counts: { lines: log.lines, errors: log.errorLines, records: log.errorLines, bytesOut: Buffer.byteLength(log.text) },
      outputs: { summaryKey: `out/summaries/${key}.json`, reportKey: `out/summaries/${key}.html` },
    });
    expect(summary.source.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(summary.outputs.errorParts).toEqual([
      expect.objectContaining({ key: `out/errors/${key}/part-00000.ndjson.gz`, records: log.errorLines }),
    ]);
    // One message shape, one group: "payment failed for order <*>: upstream returned <*> after <*> ms".
    expect(summary.topGroups).toHaveLength(1);
    expect(summary.topGroups[0]!.count).toBe(log.errorLines);
    expect(summary.time.first).toBe('2026-11-26T12:00:00.481Z');

    const written = await readErrorRecords(key);
    expect(written).toHaveLength(log.errorLines);
    expect(written[0]).toMatchObject({ schema: 'logsieve.error/1', firstLine: 37, level: 'error', source: { bucket: pipe.bucket, key } });
    expect(await getText(`out/summaries/${key}.html`)).toContain('<svg');
  });

  it('detects gzip from the bytes, not the key, and joins stack traces into their error record', async () => {
    const pipe = await createNotificationPipe(s3, sqs);
    const log = generateAppLog({ bytes: 6 * 1024 * 1024, seed: 7 });
    await new Upload({ client: s3, params: { Bucket: pipe.bucket, Key: 'no-suffix', Body: gzipStream(log) } }).done();

    expect(await handler(await receiveNotifications(sqs, pipe, 1), ctx('gzip'))).toEqual({ batchItemFailures: [] });

    const summary = await readSummary('no-suffix');
    expect(summary.source.compression).toBe('gzip');
    expect(summary.counts).toMatchObject({ lines: log.counts.lines, errors: log.counts.errorLines, records: log.counts.errorLines, bytesOut: log.counts.bytes });
    const written = await readErrorRecords('no-suffix');
    expect(written).toHaveLength(log.counts.errorLines);
    // Every stack frame line belongs to one record: the records' line spans cover all of them.
    expect(written.reduce((n, r) => n + (r.lastLine - r.firstLine), 0)).toBe(log.counts.stackLines);
  });

  it("dates RFC 3164 syslog stamps with the year of the object's LastModified", async () => {
    const pipe = await createNotificationPipe(s3, sqs);
    const year = new Date().getUTCFullYear();
    await s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: 'var/log/syslog', Body: '<11>Jan  1 00:00:01 web-1 app[9]: failed to start\n<14>Jan  1 00:00:02 web-1 app[9]: ok\n' }));
    expect(await handler(await receiveNotifications(sqs, pipe, 1), ctx('syslog'))).toEqual({ batchItemFailures: [] });
    const summary = await readSummary('var/log/syslog');
    expect(summary.source.format).toBe('syslog');
    // Uploaded now, so 1 January is this year's.
    expect(summary.time).toMatchObject({ first: `${year}-01-01T00:00:01.000Z`, yearsInferred: 1 });
    expect((await readErrorRecords('var/log/syslog'))[0]?.timestamp).toBe(`${year}-01-01T00:00:01.000Z`);
  });

  it('fails only the bad messages of a batch, and acknowledges an object deleted before it was read', async () => {
    const pipe = await createNotificationPipe(s3, sqs);
    await s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: 'present.log', Body: sampleLog(10).text }));
    const event = await receiveNotifications(sqs, pipe, 1);
    const good = event.Records[0]!;
    const deleted = { ...good, messageId: 'deleted-1', body: good.body.replace('present.log', 'absent.log') };
    const garbled = { ...good, messageId: 'garbled-1', body: '{"not":"an s3 event"}' };
    const noBucket = { ...good, messageId: 'no-bucket-1', body: good.body.replaceAll(pipe.bucket, 'logsieve-no-such-bucket-x') };

    const response = await handler({ Records: [good, deleted, garbled, noBucket] }, ctx('partial'));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'garbled-1' }, { itemIdentifier: 'no-bucket-1' }] });
    expect((await readSummary('present.log')).counts.lines).toBe(10);
    await expect(readSummary('absent.log')).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('is idempotent on redelivery: the same version is skipped, its outputs untouched', async () => {
    const pipe = await createNotificationPipe(s3, sqs);
    await s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: 'again.log', Body: sampleLog(5_000).text }));
    const event = await receiveNotifications(sqs, pipe, 1);
    expect(await handler(event, ctx('first'))).toEqual({ batchItemFailures: [] });
    const first = await s3.send(new HeadObjectCommand({ Bucket: outputBucket, Key: 'out/summaries/again.log.json' }));

    const direct = (await handler(JSON.parse(event.Records[0]!.body) as never, ctx('redelivered'))) as ObjectOutcome[];
    expect(direct).toEqual([expect.objectContaining({ outcome: 'skipped', summaryKey: 'out/summaries/again.log.json' })]);
    const second = await s3.send(new HeadObjectCommand({ Bucket: outputBucket, Key: 'out/summaries/again.log.json' }));
    expect(second.ETag).toBe(first.ETag);
    expect(second.LastModified).toEqual(first.LastModified);

    // A new version of the object under the same key is processed again.
    await s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: 'again.log', Body: sampleLog(6_000).text }));
    expect(await handler(await receiveNotifications(sqs, pipe, 1), ctx('new-version'))).toEqual({ batchItemFailures: [] });
    expect((await readSummary('again.log')).counts.lines).toBe(6_000);
  });

  it('writes a failed summary with the reason, and the records before the damage, for truncated gzip', async () => {
    const pipe = await createNotificationPipe(s3, sqs);
    const log = sampleLog(60_000, 10);
    const gz = gzipSync(log.text);
    await s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: 'cut.log.gz', Body: gz.subarray(0, Math.floor(gz.length * 0.6)) }));

    expect(await handler(await receiveNotifications(sqs, pipe, 1), ctx('cut'))).toEqual({ batchItemFailures: [] });
    const summary = await readSummary('cut.log.gz');
    expect(summary.status).toBe('failed');
    expect(summary.reason).toMatch(/gzip/i);
    expect(summary.counts.lines).toBeGreaterThan(0);
    expect(summary.counts.lines).toBeLessThan(log.lines);
    const written = await readErrorRecords('cut.log.gz');
    expect(written.length).toBe(summary.counts.records);
    expect(written.length).toBeGreaterThan(0);
  });
});

function gzipStream(source: AsyncIterable<Uint8Array>): Readable {
  // The upload streams: the test never holds the object.
  return Readable.from(source).pipe(createGzip());
}
