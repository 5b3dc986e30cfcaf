import { readFileSync } from 'node:fs';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { localClients } from '../../dev/local/localClients.js';
import { uniqueName } from '../helpers/localstackClients.js';
import { ownHostLocalStack } from '../helpers/ownHostLocalStack.js';

const MiB = 1024 * 1024;

/** Resident memory of a process, MiB (`VmRSS` of /proc/<pid>/status). */
function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

// Its own LocalStack on the host, whose memory can be read: the one the harness starts for every
// test and the CLI. With twisted, LocalStack's default gateway, a reader slower than the server had
// the unread object held in LocalStack's memory (a 512 MiB body took it from 334 to 923 MiB).
describe('the LocalStack the harness starts', () => {
  const startOwn = ownHostLocalStack();

  it('serves a 96 MiB object to a reader that stops for 3 s without holding it in memory (gateway hypercorn)', async () => {
    const own = await startOwn();
    const pid = own.pid as number;
    const { s3 } = localClients(own.endpoint);
    const bucket = uniqueName('gateway');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const size = 96 * MiB;
    const object = Buffer.alloc(size, 'logsieve gateway line\n');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big.log', Body: object }));

    const before = rssMiB(pid);
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big.log' }));
    expect(response.$metadata.httpStatusCode).toBe(200);
    const body = response.Body as Readable;
    let received = 0;
    let paused = false;
    let peakDuringPause = before;
    for await (const chunk of body) {
      received += (chunk as Buffer).byteLength;
      if (!paused && received >= MiB) {
        paused = true;
        // Not reading: the server can only get ahead of the reader by what the sockets hold.
        for (let i = 0; i < 30; i++) {
          await new Promise((r) => setTimeout(r, 100));
          peakDuringPause = Math.max(peakDuringPause, rssMiB(pid));
        }
      }
    }
    expect(received).toBe(size);
    // Socket buffers and a few chunks in flight, never the 95 MiB the reader had not read.
    expect(peakDuringPause - before, `LocalStack's RSS ${before.toFixed(0)} → ${peakDuringPause.toFixed(0)} MiB while the reader waited`).toBeLessThan(32);
    expect(own.description).toContain('gateway hypercorn');
    s3.destroy();
  }, 120_000);
});
