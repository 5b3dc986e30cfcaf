import { gzipSync } from 'node:zlib';

import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { parseRules } from '../../functions/src/parse/parseRules.js';
import type { ErrorRecord } from '../../functions/src/parse/types.js';
import { analyzeBytes } from '../../functions/src/pipeline/analyzeBytes.js';
import type { AnalysisCheckpoint } from '../../functions/src/pipeline/checkpoint.js';
import { parseCheckpoint } from '../../functions/src/pipeline/checkpoint.js';
import { ObjectChangedError, StreamOptionError } from '../../functions/src/stream/errors.js';
import { s3Source } from '../../functions/src/stream/s3Source.js';
import { collect } from '../helpers/streams.js';
import { sampleLog } from '../helpers/sampleLog.js';

const endpoint = inject('localstackEndpoint');
const bucket = `stream-start-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const config = { rules: parseRules({}), maxLineBytes: 64 * 1024, longLines: 'truncate' as const };

const PLAIN = Buffer.from(sampleLog(5_000, 7).text);
// Firehose-like: many members, each cut through a line.
const MULTI = Buffer.concat(Array.from({ length: 40 }, (_, i) => gzipSync(PLAIN.subarray(Math.floor((i * PLAIN.length) / 40), Math.floor(((i + 1) * PLAIN.length) / 40)))));

beforeAll(async () => {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain.log', Body: PLAIN }));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'multi.log.gz', Body: MULTI }));
});

afterAll(() => client.destroy());

/** One analysis of s3://bucket/key, from the checkpoint when given, stopped once `stopAfter` records were written. */
async function analyzeS3(key: string, stopAfter: number | undefined, resume?: AnalysisCheckpoint, etag?: string) {
  const source = await s3Source({
    client, bucket, key, ...(resume ? { start: resume.position.compressedOffset, ifMatch: etag! } : {}),
  });
  const stop = new AbortController();
  const records: ErrorRecord[] = [];
  try {
    const analysis = await analyzeBytes(source.bytes, {
      source: { bucket, key, ...(source.etag ? { etag: source.etag } : {}) },
      config,
      ...(stopAfter !== undefined ? { stopReading: stop.signal, continuable: true } : {}),
      ...(resume ? { resume } : {}),
      writeRecords: async (found) => {
        for await (const batch of found) {
          records.push(...batch);
          if (stopAfter !== undefined && records.length >= stopAfter) stop.abort(new Error('test deadline'));
        }
        return undefined;
      },
    });
    return { analysis, records, source };
  } finally {
    source.close();
  }
}

describe('s3Source start (a continued read)', () => {
  it('reads the object from the offset with If-Match, and still reports the whole size', async () => {
    const first = await s3Source({ client, bucket, key: 'plain.log' });
    first.close();
    const from = await s3Source({ client, bucket, key: 'plain.log', start: 12_345, ifMatch: first.etag! });
    const bytes = Buffer.concat(await collect(from.bytes));
    expect(bytes.equals(PLAIN.subarray(12_345))).toBe(true);
    expect(from.contentLength).toBe(PLAIN.length);
    expect(from.etag).toBe(first.etag);
  });

  it('fails with ObjectChangedError when the object no longer has the ETag', async () => {
    await expect(s3Source({ client, bucket, key: 'plain.log', start: 10, ifMatch: '"0123456789abcdef0123456789abcdef"' })).rejects.toBeInstanceOf(ObjectChangedError);
  });

  it('refuses a start without an ETag or version to hold the object to', async () => {
    await expect(s3Source({ client, bucket, key: 'plain.log', start: 10 })).rejects.toBeInstanceOf(StreamOptionError);
  });

  for (const key of ['plain.log', 'multi.log.gz']) {
    it(`${key}: three invocations through Range GETs give the records of one pass`, async () => {
      const single = await analyzeS3(key, undefined);
      const records: ErrorRecord[] = [];
      let resume: AnalysisCheckpoint | undefined;
      let invocations = 0;
      const offsets: number[] = [];
      for (;;) {
        invocations++;
        const pass = await analyzeS3(key, Math.ceil(single.records.length / 3), resume, single.source.etag);
        records.push(...pass.records);
        if (pass.analysis.checkpoint === undefined) {
          expect(pass.analysis.failure).toBeUndefined();
          expect(pass.analysis.lineStats).toEqual(single.analysis.lineStats);
          expect(pass.analysis.parseStats).toEqual(single.analysis.parseStats);
          expect(pass.analysis.bytesIn).toBe(single.analysis.bytesIn);
          break;
        }
        offsets.push(pass.analysis.checkpoint.position.compressedOffset);
        resume = parseCheckpoint(JSON.parse(JSON.stringify(pass.analysis.checkpoint)));
      }
      expect(invocations).toBeGreaterThanOrEqual(3);
      // A continued read starts where the Range GET starts: never from byte 0 again for these two.
      expect(offsets.every((o) => o > 0)).toBe(true);
      expect(records).toEqual(single.records);
    });
  }
});
