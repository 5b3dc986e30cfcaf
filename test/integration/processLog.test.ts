import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Summary } from '../../functions/src/pipeline/types.js';
import { localstackClients, uniqueName, useLocalstackEnv } from '../helpers/localstackClients.js';
import { createNotificationPipe, receiveNotifications } from '../../scripts/local/notificationPipe.js';
import { sampleLog } from '../helpers/sampleLog.js';

const { endpoint, s3, sqs } = localstackClients();
const outputBucket = uniqueName('logsieve-out');

type Handler = typeof import('../../functions/handlers/processLog.js').handler;
let handler: Handler;

beforeAll(async () => {
  console.log(`[processLog.test] LocalStack via ${inject('localstackMode')} at ${endpoint}`);
  await s3.send(new CreateBucketCommand({ Bucket: outputBucket }));
  useLocalstackEnv(endpoint, { LOGSIEVE_OUTPUT_BUCKET: outputBucket, LOGSIEVE_OUTPUT_PREFIX: 'out/' });
  // The entry reads its configuration at import, as a Lambda cold start does.
  ({ handler } = await import('../../functions/handlers/processLog.js'));
});

async function readSummary(key: string): Promise<Summary> {
  const res = await s3.send(new GetObjectCommand({ Bucket: outputBucket, Key: `out/summaries/${key}.json` }));
  return JSON.parse(await res.Body!.transformToString()) as Summary;
}

describe('processLog handler', () => {
  it('processes the real S3 → SQS notification of a multi-MB upload and writes its summary', async () => {
    const pipe = await createNotificationPipe(s3, sqs);
    const log = sampleLog(120_000);
    expect(log.text.length).toBeGreaterThan(8 * 1024 * 1024);
    await s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: 'app/2026/11/26/app server.log', Body: log.text }));

    const event = await receiveNotifications(sqs, pipe, 1);
    // The notification carries the key URL-encoded (AWS writes '+' for the space, LocalStack '%20').
    expect(event.Records[0]!.body).toMatch(/app(\+|%20)server\.log/);

    const response = await handler(event, { awsRequestId: 'test-1' } as never);
    expect(response).toEqual({ batchItemFailures: [] });

    const summary = await readSummary('app/2026/11/26/app server.log');
    expect(summary).toMatchObject({
      schema: 'logsieve.summary/1',
      status: 'complete',
      source: { bucket: pipe.bucket, key: 'app/2026/11/26/app server.log', size: Buffer.byteLength(log.text), compression: 'none' },
      counts: { lines: log.lines, errorLines: log.errorLines, bytesOut: Buffer.byteLength(log.text) },
    });
    expect(summary.source.etag).toMatch(/^[0-9a-f]{32}$/);
  });

  it('detects gzip from the bytes, not the key, and counts the same lines', async () => {
    const pipe = await createNotificationPipe(s3, sqs);
    const log = sampleLog(50_000, 13);
    const gz = gzipSync(log.text);
    await s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: 'no-suffix', Body: gz }));

    const response = await handler(await receiveNotifications(sqs, pipe, 1), { awsRequestId: 'test-2' } as never);
    expect(response).toEqual({ batchItemFailures: [] });

    const summary = await readSummary('no-suffix');
    expect(summary.source.compression).toBe('gzip');
    expect(summary.counts).toMatchObject({ lines: log.lines, errorLines: log.errorLines, bytesIn: gz.length, bytesOut: Buffer.byteLength(log.text) });
  });

  it('fails only the bad message of a batch, and acknowledges an object deleted before it was read', async () => {
    const pipe = await createNotificationPipe(s3, sqs);
    await s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: 'present.log', Body: sampleLog(10).text }));
    const event = await receiveNotifications(sqs, pipe, 1);
    const good = event.Records[0]!;
    const deleted = { ...good, messageId: 'deleted-1', body: good.body.replace('present.log', 'absent.log') };
    const garbled = { ...good, messageId: 'garbled-1', body: '{"not":"an s3 event"}' };

    const response = await handler({ Records: [good, deleted, garbled] }, { awsRequestId: 'test-3' } as never);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'garbled-1' }] });
    expect((await readSummary('present.log')).counts.lines).toBe(10);
    await expect(readSummary('absent.log')).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});
