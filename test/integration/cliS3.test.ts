import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../functions/src/pipeline/types.js';
import { localstackClients, uniqueName } from '../helpers/localstackClients.js';
import { childEnv, runCli, runInProcess } from '../unit/cli/support/runCli.js';

const { endpoint, s3 } = localstackClients();
const fixtures = path.resolve(import.meta.dirname, '../fixtures/cli');
const expected = JSON.parse(await readFile(path.join(fixtures, 'orders.expected.json'), 'utf8')) as { counts: object };
const inputBucket = uniqueName('logsieve-cli-in');
const outputBucket = uniqueName('logsieve-cli-out');
const key = 'app/2026/11/26/orders service.log';

const tempDir = (): Promise<string> => mkdtemp(path.join(tmpdir(), 'logsieve-cli-s3-'));
const getText = async (bucket: string, k: string): Promise<string> =>
  (await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: k }))).Body!.transformToString());

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: inputBucket }));
  await s3.send(new CreateBucketCommand({ Bucket: outputBucket }));
  await s3.send(new PutObjectCommand({ Bucket: inputBucket, Key: key, Body: await readFile(path.join(fixtures, 'orders.log')) }));
});

describe('logsieve process s3://… on LocalStack', () => {
  it('reads the object through LOCALSTACK_ENDPOINT and writes local outputs (child process, --json)', async () => {
    const out = await tempDir();
    const run = await runCli(['process', `s3://${inputBucket}/${key}`, '--out', out, '--json'], childEnv({ LOCALSTACK_ENDPOINT: endpoint }));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary.counts).toMatchObject(expected.counts);
    expect(summary.source).toMatchObject({ bucket: inputBucket, key, size: 2457, etag: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(JSON.parse(await readFile(path.join(out, 'orders service.log.summary.json'), 'utf8'))).toEqual(summary);
  });

  it('writes to an s3:// --out through the Lambda code path (AWS_ENDPOINT_URL works too)', async () => {
    const run = await runInProcess(['process', `s3://${inputBucket}/${key}`, '--out', `s3://${outputBucket}/run-1/`], { env: { AWS_ENDPOINT_URL: endpoint } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(await getText(outputBucket, `run-1/summaries/${key}.json`)) as Summary;
    expect(summary.counts).toMatchObject(expected.counts);
    expect(await getText(outputBucket, `run-1/summaries/${key}.html`)).toContain('<!doctype html>');
    const part = await s3.send(new GetObjectCommand({ Bucket: outputBucket, Key: `run-1/errors/${key}/part-00000.ndjson.gz` }));
    expect(gunzipSync(await part.Body!.transformToByteArray()).toString('utf8').trimEnd().split('\n')).toHaveLength(4);
    expect(run.stdout).toContain(`summary: s3://${outputBucket}/run-1/summaries/${key}.json`);
  });

  it.each([
    ['a missing key', () => `s3://${inputBucket}/no/such.log`, /no such object/],
    ['a missing bucket', () => `s3://${uniqueName('logsieve-none')}/x.log`, /no such bucket/],
  ])('%s: 3, one line', async (_what, uri, message) => {
    const run = await runCli(['process', uri(), '--out', await tempDir()], childEnv({ LOCALSTACK_ENDPOINT: endpoint }));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
