import { describe, expect, it } from 'vitest';
import { clientsFromEnv } from '../../../dev/local/clientsFromEnv.js';
import { createS3Client } from '../../../functions/src/containerClients.js';
import { S3_REQUEST_TIMEOUTS } from '../../../functions/src/stream/constants.js';

/** The options the S3 client's HTTP handler resolved (smithy's NodeHttpHandler keeps them in configProvider). */
const handlerOptions = async (s3: { config: { requestHandler: unknown } }): Promise<Record<string, unknown>> =>
  (await (s3.config.requestHandler as { configProvider: Promise<Record<string, unknown>> }).configProvider);

describe('S3 clients time out a request that never answers', () => {
  it.each([
    ['the CLI against LocalStack', () => clientsFromEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }).s3],
    ['the CLI against AWS', () => clientsFromEnv({}).s3],
    ['the function', () => createS3Client()],
  ])('%s: 5 s to connect, 30 s of socket silence', async (_name, build) => {
    const options = await handlerOptions(build());
    expect(options).toMatchObject({ connectionTimeout: 5_000, socketTimeout: 30_000 });
    expect(S3_REQUEST_TIMEOUTS).toEqual({ connectionTimeout: 5_000, socketTimeout: 30_000 });
  });
});
