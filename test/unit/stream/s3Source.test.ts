import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';

import { S3ReadError, StreamOptionError } from '../../../functions/src/stream/errors.js';
import { s3Source } from '../../../functions/src/stream/s3Source.js';

// Request-level failures only; streaming, early break and sockets are tested against LocalStack in
// test/integration/s3Source.test.ts. Here a client whose send() fails the way the SDK does.
function failingClient(error: unknown): S3Client {
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
  client.send = (async () => {
    throw error;
  }) as S3Client['send'];
  return client;
}

function serviceError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
}

describe('s3Source', () => {
  it.each([
    ['NoSuchKey', 404, 'NoSuchKey'],
    ['AccessDenied', 403, 'AccessDenied'],
    ['NoSuchBucket', 404, 'NoSuchBucket'],
    ['InternalError', 500, 'Unknown'],
  ] as const)('maps the SDK error %s to code %s', async (name, status, code) => {
    const cause = serviceError(name, status);
    const error = await s3Source({ client: failingClient(cause), bucket: 'logs', key: 'a/b.gz', versionId: 'v1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3ReadError);
    expect(error).toMatchObject({ code, bucket: 'logs', key: 'a/b.gz', versionId: 'v1', bytesRead: 0 });
    expect((error as S3ReadError).cause).toBe(cause);
    expect((error as Error).message).toContain('s3://logs/a/b.gz');
  });

  it('maps a bare 403 without a code to AccessDenied', async () => {
    const error = await s3Source({ client: failingClient(serviceError('Forbidden', 403)), bucket: 'b', key: 'k' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AccessDenied' });
  });

  it('validates options up front, naming the option', async () => {
    const client = failingClient(new Error('unused'));
    await expect(s3Source({ client, bucket: '', key: 'k' })).rejects.toThrow(/bucket/);
    await expect(s3Source({ client, bucket: 'b', key: '' })).rejects.toThrow(/key/);
    await expect(s3Source({ client: {} as S3Client, bucket: 'b', key: 'k' })).rejects.toThrow(StreamOptionError);
    await expect(s3Source({ client, bucket: 'b', key: 'k', signal: 'no' as unknown as AbortSignal })).rejects.toThrow(/signal/);
  });
});
