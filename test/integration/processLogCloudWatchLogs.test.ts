import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { ErrorRecord } from '../../functions/src/parse/types.js';
import type { Summary } from '../../functions/src/pipeline/types.js';
import { createNotificationPipe, receiveNotifications } from '../../dev/local/notificationPipe.js';
import { lambdaSubscriptionObject } from '../helpers/cloudWatchLogsEnvelope.js';
import { localstackClients, uniqueName, useLocalstackEnv } from '../helpers/localstackClients.js';

const { endpoint, s3, sqs } = localstackClients();
const outputBucket = uniqueName('logsieve-cwl-out');

type Handler = typeof import('../../functions/handlers/processLog.js').handler;
let handler: Handler;
const ctx = (id: string) => ({ awsRequestId: id, functionName: 'logsieve-test' }) as never;

beforeAll(async () => {
  console.log(`[processLogCloudWatchLogs.test] LocalStack via ${inject('localstackMode')} at ${endpoint}`);
  await s3.send(new CreateBucketCommand({ Bucket: outputBucket }));
  useLocalstackEnv(endpoint, { LOGSIEVE_OUTPUT_BUCKET: outputBucket, LOGSIEVE_OUTPUT_PREFIX: 'out/' });
  // The entry reads its configuration at import, as a Lambda cold start does.
  ({ handler } = await import('../../functions/handlers/processLog.js'));
});

async function getBytes(key: string): Promise<Uint8Array> {
  const res = await s3.send(new GetObjectCommand({ Bucket: outputBucket, Key: key }));
  return res.Body!.transformToByteArray();
}

describe('processLog handler on CloudWatch Logs subscription data', () => {
  it('unpacks a Firehose object of Lambda log envelopes: one record per ERROR event, with its log group and stream', async () => {
    const pipe = await createNotificationPipe(s3, sqs);
    const data = lambdaSubscriptionObject(3_000);
    // Key as Firehose names its objects: no suffix, the gzip is sniffed from the bytes.
    const key = 'cwl/2026/11/26/12/lambda-to-s3-1-2026-11-26-12-00-00-8c1f2e3d-4b5a-6978-8a9b-0c1d2e3f4a5b';
    await s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: key, Body: data.body }));

    expect(await handler(await receiveNotifications(sqs, pipe, 1), ctx('cwl'))).toEqual({ batchItemFailures: [] });

    const summary = JSON.parse(Buffer.from(await getBytes(`out/summaries/${key}.json`)).toString('utf8')) as Summary;
    expect(summary).toMatchObject({
      status: 'complete',
      source: { bucket: pipe.bucket, key, compression: 'gzip', format: 'cloudwatch-logs', messageFormat: 'text' },
      counts: {
        records: data.errorEvents,
        errors: data.errorEvents,
        events: data.logEvents,
        cloudWatchLogs: { envelopes: data.envelopes + 1, controlMessages: 1, logEvents: data.logEvents, invalidEvents: 0, deepValues: 0 },
      },
    });

    const ndjson = gunzipSync(await getBytes(`out/errors/${key}/part-00000.ndjson.gz`)).toString('utf8');
    const written = ndjson.trimEnd().split('\n').map((line) => JSON.parse(line) as ErrorRecord);
    expect(written).toHaveLength(data.errorEvents);
    for (const record of written) {
      expect(record.fields).toMatchObject({ logGroup: expect.stringMatching(/^\/aws\/lambda\//), logStream: expect.stringMatching(/^2026\/11\/26\/\[\$LATEST\]/) });
      expect(record.fields.logEventId).toMatch(/^\d{56,}$/);
      expect(record.source).toEqual(expect.objectContaining({ bucket: pipe.bucket, key }));
    }
    expect(new Set(written.map((r) => r.fields.logGroup))).toEqual(new Set(data.logGroups));
    // Each stack trace stays in the record of its event.
    expect(written.reduce((n, r) => n + (r.lastLine - r.firstLine), 0)).toBe(data.stackLines);
    expect(written.filter((r) => r.raw.includes('\n    at charge'))).toHaveLength(data.stackLines / 2);
  });
});
