import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';

import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { decompress } from '../../functions/src/stream/decompress.js';
import { S3ReadError } from '../../functions/src/stream/errors.js';
import { lines } from '../../functions/src/stream/lines.js';
import { s3Source } from '../../functions/src/stream/s3Source.js';
import { fixtureText } from '../helpers/streams.js';

const endpoint = inject('localstackEndpoint');
const bucket = `stream-src-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
const BIG_KEY = 'big/plain.log';
const GZ_KEY = 'logs/app.log.gz';
const BIG_GZ_KEY = 'logs/big.log.gz';
// Large enough that one break leaves most of the body unread on the socket.
const BIG = Buffer.from(fixtureText(11, 60_000));

// A dedicated agent, so its socket tables show exactly what this client leaves open. Unlimited
// maxSockets: a leak then piles up and shows in the count instead of stalling the loop.
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
const client = new S3Client({
  endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  requestHandler: { httpAgent: agent },
});

/** Sockets the agent holds: in use (a response still attached) and idle keep-alive ones. */
function agentSockets(): { busy: number; idle: number } {
  const count = (table: NodeJS.ReadOnlyDict<unknown[]>): number =>
    Object.values(table).reduce((n, list) => n + (list?.length ?? 0), 0);
  return { busy: count(agent.sockets), idle: count(agent.freeSockets) };
}

/** TCP handles alive in this process (sockets to LocalStack included). */
function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

/** Destroyed sockets leave the agent's tables on their 'close' event; give that a moment. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50 && agentSockets().busy > 0; i++) await sleep(20);
}

beforeAll(async () => {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: BIG_KEY, Body: BIG }));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: GZ_KEY, Body: gzipSync(fixtureText(12, 2000)) }));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: BIG_GZ_KEY, Body: gzipSync(fixtureText(13, 150_000)) }));
});

afterAll(() => {
  client.destroy();
  agent.destroy();
});

describe('s3Source', () => {
  it('streams the whole body with its metadata', async () => {
    const source = await s3Source({ client, bucket, key: BIG_KEY });
    expect(source.contentLength).toBe(BIG.length);
    expect(source.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(source.lastModified).toBeInstanceOf(Date);
    const chunks: Buffer[] = [];
    for await (const chunk of source.bytes) chunks.push(Buffer.from(chunk));
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(BIG)).toBe(true);
    await settle();
    expect(agentSockets().busy).toBe(0);
  });

  it('feeds decompress and lines end to end from a gzip object', async () => {
    const source = await s3Source({ client, bucket, key: GZ_KEY });
    const stream = decompress(source.bytes);
    const got: string[] = [];
    for await (const line of lines(stream)) got.push(line.text);
    expect(stream.compression).toBe('gzip');
    expect(got.join('\n') + '\n').toBe(fixtureText(12, 2000));
  });

  it('counts a leak: bodies left unread keep their sockets busy (control for the next test)', async () => {
    const before = tcpHandles();
    const leaked = await Promise.all(
      [1, 2, 3].map(() => client.send(new GetObjectCommand({ Bucket: bucket, Key: BIG_KEY }))),
    );
    await sleep(50);
    expect(agentSockets().busy).toBe(3);
    expect(tcpHandles()).toBeGreaterThanOrEqual(before + 3);
    for (const response of leaked) (response.Body as { destroy(): void }).destroy();
    await settle();
    expect(agentSockets().busy).toBe(0);
  });

  it('leaves no socket open after 1,000 early breaks', async () => {
    const before = tcpHandles();
    let firstChunks = 0;
    for (let i = 0; i < 1000; i++) {
      const source = await s3Source({ client, bucket, key: BIG_KEY });
      for await (const chunk of source.bytes) {
        firstChunks += chunk.byteLength > 0 ? 1 : 0;
        break;
      }
    }
    expect(firstChunks).toBe(1000);
    await settle();
    // Each break destroyed an unfinished response, so its socket closed rather than going idle.
    expect(agentSockets()).toEqual({ busy: 0, idle: 0 });
    expect(tcpHandles()).toBeLessThanOrEqual(before);
  });

  it('leaves no socket open after 200 early breaks out of lines(decompress(body))', async () => {
    const before = tcpHandles();
    let partial = 0;
    for (let i = 0; i < 200; i++) {
      const source = await s3Source({ client, bucket, key: BIG_GZ_KEY });
      const stream = decompress(source.bytes);
      for await (const line of lines(stream)) {
        if (line.number === 100) break;
      }
      // The break came while most of the body was still unread (else there would be nothing to free).
      if (stream.bytesIn < (source.contentLength ?? 0) / 2) partial += 1;
    }
    expect(partial).toBe(200);
    await settle();
    expect(agentSockets()).toEqual({ busy: 0, idle: 0 });
    expect(tcpHandles()).toBeLessThanOrEqual(before);
  });

  it('destroys the body when the signal aborts mid-read, with code Aborted', async () => {
    const controller = new AbortController();
    const source = await s3Source({ client, bucket, key: BIG_KEY, signal: controller.signal });
    let received = 0;
    let caught: unknown;
    try {
      for await (const chunk of source.bytes) {
        received += chunk.byteLength;
        controller.abort(new Error('Lambda is out of time'));
      }
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(S3ReadError);
    expect(caught).toMatchObject({ code: 'Aborted', bucket, key: BIG_KEY });
    expect(received).toBeLessThan(BIG.length);
    await settle();
    expect(agentSockets()).toEqual({ busy: 0, idle: 0 });
  });

  it('closes a source that is opened but never iterated', async () => {
    const source = await s3Source({ client, bucket, key: BIG_KEY });
    expect(agentSockets().busy).toBe(1);
    source.close();
    await settle();
    expect(agentSockets().busy).toBe(0);
  });

  it('reports a missing key as S3ReadError code NoSuchKey with its context', async () => {
    const error = await s3Source({ client, bucket, key: 'missing.log' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3ReadError);
    expect(error).toMatchObject({ code: 'NoSuchKey', bucket, key: 'missing.log' });
    expect((error as S3ReadError).cause).toBeDefined();
  });

  it('reports a missing bucket as code NoSuchBucket', async () => {
    const error = await s3Source({ client, bucket: `${bucket}-nope`, key: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'S3ReadError', code: 'NoSuchBucket' });
  });

  it('refuses to start with an already aborted signal', async () => {
    const error = await s3Source({ client, bucket, key: BIG_KEY, signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'S3ReadError', code: 'Aborted' });
    expect(agentSockets().busy).toBe(0);
  });
});
