import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorPartWriteError } from '../../functions/src/output/errors.js';
import { writeErrorRecords } from '../../functions/src/output/writeErrorRecords.js';
import type { ErrorRecord } from '../../functions/src/parse/types.js';
import { errorRecord } from '../helpers/errorRecord.js';
import { localstackClients, uniqueName } from '../helpers/localstackClients.js';

const { s3 } = localstackClients();
const bucket = uniqueName('logsieve-parts');

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

/** A record whose raw text is random hex, so gzip cannot shrink it below a multipart part. */
function record(n: number, rawBytes = 4096): ErrorRecord {
  return errorRecord(n, { raw: randomBytes(rawBytes / 2).toString('hex') });
}

async function* recordsThenFail(count: number, error?: Error): AsyncGenerator<ErrorRecord[]> {
  for (let i = 1; i <= count; i += 100) {
    yield Array.from({ length: Math.min(100, count - i + 1) }, (_, j) => record(i + j));
  }
  if (error) throw error;
}

describe('writeErrorRecords', () => {
  it('writes every record as gzip NDJSON, multipart once past one part', async () => {
    const key = 'errors/big/part-00000.ndjson.gz';
    const part = await writeErrorRecords(recordsThenFail(5_000), { s3, bucket, key, partSize: 5 * 1024 * 1024 });
    expect(part).toMatchObject({ key, records: 5_000 });
    expect(part!.bytes).toBeGreaterThan(20 * 1024 * 1024);

    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    // A multipart ETag ends in "-<parts>".
    expect(head.ETag).toMatch(/-\d+"$/);
    const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const lines = gunzipSync(await body.Body!.transformToByteArray()).toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(5_000);
    expect((JSON.parse(lines[4_999]!) as ErrorRecord).firstLine).toBe(5_000);
  });

  it('writes nothing for zero records', async () => {
    expect(await writeErrorRecords(recordsThenFail(0), { s3, bucket, key: 'errors/none.ndjson.gz' })).toBeUndefined();
    await expect(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'errors/none.ndjson.gz' }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('aborts its multipart upload when the records fail midway: no object, no parts left', async () => {
    const key = 'errors/failed/part-00000.ndjson.gz';
    const failure = new Error('source broke after 3000 records');
    const caught = await writeErrorRecords(recordsThenFail(3_000, failure), { s3, bucket, key, partSize: 5 * 1024 * 1024 }).catch(
      (err: unknown) => err,
    );
    expect(caught).toBeInstanceOf(ErrorPartWriteError);
    expect(caught).toMatchObject({ bucket, key });
    // Records already compressed into parts when the source broke (the last, unflushed batch is not).
    expect((caught as ErrorPartWriteError).records).toBeGreaterThan(2_000);
    expect((caught as Error).cause).toBe(failure);

    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(uploads.Uploads ?? []).toEqual([]);
    await expect(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).rejects.toMatchObject({ name: 'NotFound' });
  });
});
