import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../functions/src/pipeline/CheckpointStore.js';
import { CheckpointConflictError, CheckpointInvalidError } from '../../functions/src/pipeline/errors.js';
import type { Checkpoint } from '../../functions/src/pipeline/types.js';
import { CHECKPOINT_SCHEMA } from '../../functions/src/pipeline/types.js';
import { localstackClients, uniqueName } from '../helpers/localstackClients.js';

const { s3 } = localstackClients();
const bucket = uniqueName('logsieve-checkpoints');

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

const checkpoint = (sequence: number): Checkpoint => ({
  schema: CHECKPOINT_SCHEMA,
  source: { bucket: 'logs', key: 'app.log', etag: 'abc' },
  sequence,
  savedAt: new Date().toISOString(),
  parts: [],
  processing: { startedAt: new Date().toISOString(), durationMs: 0, resumes: 0 },
});

describe('CheckpointStore (against LocalStack S3)', () => {
  it('creates once (If-None-Match), replaces only the version read (If-Match), and deletes', async () => {
    const store = new CheckpointStore(s3, bucket);
    const key = 'out/checkpoints/a.json';
    expect(await store.load(key)).toBeUndefined();
    const first = await store.create(key, checkpoint(0));
    await expect(store.create(key, checkpoint(0))).rejects.toMatchObject({ name: 'CheckpointConflictError', write: 'create', checkpointKey: key });

    const loaded = (await store.load(key))!;
    expect(loaded).toEqual({ checkpoint: expect.objectContaining({ sequence: 0, schema: CHECKPOINT_SCHEMA }), etag: first });
    const second = await store.replace(key, checkpoint(1), loaded.etag);
    // A second writer that read the same version loses: exactly one moves it on.
    const lost = await store.replace(key, checkpoint(1), loaded.etag).catch((err: unknown) => err);
    expect(lost).toBeInstanceOf(CheckpointConflictError);
    expect((await store.load(key))!).toMatchObject({ checkpoint: { sequence: 1 }, etag: second });

    await store.delete(key);
    expect(await store.load(key)).toBeUndefined();
    await expect(store.replace(key, checkpoint(2), second)).rejects.toBeInstanceOf(CheckpointConflictError);
  });

  it('refuses a document that is not a checkpoint, naming what is wrong', async () => {
    const store = new CheckpointStore(s3, bucket);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'out/checkpoints/bad.json', Body: '{"schema":"logsieve.checkpoint/0"}' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'out/checkpoints/notjson.json', Body: 'nope' }));
    await expect(store.load('out/checkpoints/bad.json')).rejects.toThrow(/schema is "logsieve.checkpoint\/0", expected "logsieve.checkpoint\/1"/);
    await expect(store.load('out/checkpoints/notjson.json')).rejects.toBeInstanceOf(CheckpointInvalidError);
  });
});
