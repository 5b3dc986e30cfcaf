import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ObjectChangedError, S3ReadError, StreamOptionError } from '../../../functions/src/stream/errors.js';
import type { ResumeBodyOptions, ResumeEvent } from '../../../functions/src/stream/resumeBody.js';
import { resumeBody } from '../../../functions/src/stream/resumeBody.js';

// The resume logic alone, on in-memory bodies; against LocalStack through a fault proxy it is
// exercised in test/faults/transit.test.ts.
const context = { bucket: 'logs', key: 'app.log' };
const OBJECT = Buffer.from(Array.from({ length: 5_000 }, (_, i) => `line ${i}\n`).join(''));

/** A body that sends `object[start, cutAt)` in small chunks, then fails like a dropped socket (or ends, if `cutAt` is the end). */
function bodyOf(object: Buffer, start: number, cutAt: number): Readable {
  const chunks: Buffer[] = [];
  for (let p = start; p < cutAt; p += 1_000) chunks.push(object.subarray(p, Math.min(p + 1_000, cutAt)));
  const cut = cutAt < object.length;
  return Readable.from(
    (async function* () {
      yield* chunks;
      if (cut) throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    })(),
  );
}

/** Options where every request is cut at the next of `cuts` (absolute offsets), recording where each reopen started. */
function cutAt(cuts: number[], extra: Partial<ResumeBodyOptions> = {}): { options: ResumeBodyOptions; starts: number[]; events: ResumeEvent[] } {
  const starts: number[] = [];
  const events: ResumeEvent[] = [];
  const next = (start: number): number => cuts.find((c) => c > start) ?? OBJECT.length;
  return {
    starts,
    events,
    options: {
      body: bodyOf(OBJECT, 0, next(-1)),
      reopen: async (start) => {
        starts.push(start);
        return bodyOf(OBJECT, start, next(start));
      },
      contentLength: OBJECT.length,
      context,
      baseDelayMs: 0,
      maxDelayMs: 0,
      onResume: (e) => events.push(e),
      ...extra,
    },
  };
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

describe('resumeBody', () => {
  it('hands on every byte exactly once across up to 5 cuts at any offsets (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: OBJECT.length - 1 }), { maxLength: 5 }), async (offsets) => {
        const cuts = [...offsets].sort((a, b) => a - b);
        const { options, starts, events } = cutAt(cuts);
        const body = resumeBody(options);
        expect((await drain(body)).equals(OBJECT)).toBe(true);
        expect(starts).toEqual(cuts);
        expect(body.resumes).toBe(cuts.length);
        expect(events.map((e) => [e.attempt, e.bytesRead])).toEqual(cuts.map((c, i) => [i + 1, c]));
      }),
      { numRuns: 50 },
    );
  });

  it('gives up after maxResumes with BodyReadFailed, having handed on only what arrived', async () => {
    // The first body and 5 resumed ones are cut; the sixth cut, at 10 000, is one too many.
    const cuts = [100, 2_000, 4_000, 6_000, 8_000, 10_000];
    const { options } = cutAt(cuts);
    const body = resumeBody(options);
    let received = 0;
    const error = await (async () => {
      for await (const chunk of body) received += chunk.byteLength;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3ReadError);
    expect(error).toMatchObject({ code: 'BodyReadFailed', bytesRead: 10_000, ...context });
    expect((error as Error).message).toContain('and 5 resumes');
    expect(received).toBe(10_000);
    expect(body.resumes).toBe(5);
  });

  it('waits base × 2^(k−1) before resume k, capped at maxDelayMs', async () => {
    const { options, events } = cutAt([10, 20, 30, 40, 50], { baseDelayMs: 1, maxDelayMs: 4 });
    await drain(resumeBody(options));
    expect(events.map((e) => e.delayMs)).toEqual([1, 2, 4, 4, 4]);
  });

  it('resumes a body that ends short of its Content-Length without an error', async () => {
    const { options, starts } = cutAt([]);
    const short = { ...options, body: Readable.from([OBJECT.subarray(0, 777)]) };
    expect((await drain(resumeBody(short))).equals(OBJECT)).toBe(true);
    expect(starts).toEqual([777]);
  });

  it('stops at once when the reopen says the object changed, counting no further attempt', async () => {
    const { options } = cutAt([500]);
    const changed = new ObjectChangedError({ ...context, etag: '"abc"', bytesRead: 500 });
    const body = resumeBody({ ...options, reopen: async () => Promise.reject(changed) });
    await expect(drain(body)).rejects.toBe(changed);
    expect(changed).toMatchObject({ name: 'ObjectChangedError', code: 'ObjectChanged', etag: '"abc"' });
    expect(changed.message).toContain('object changed while being read');
    expect(body.resumes).toBe(1);
  });

  it('retries a reopen that fails transiently within the same bound', async () => {
    const { options } = cutAt([500]);
    let calls = 0;
    const body = resumeBody({
      ...options,
      reopen: async (start) => {
        calls++;
        if (calls < 3) throw new S3ReadError('503', { ...context, code: 'Unknown' });
        return bodyOf(OBJECT, start, OBJECT.length);
      },
    });
    expect((await drain(body)).equals(OBJECT)).toBe(true);
    expect(body.resumes).toBe(3);
  });

  it('does not resume a failure after the last byte (a checksum mismatch is not a cut)', async () => {
    const failsAtEnd = Readable.from(
      (async function* () {
        yield OBJECT;
        throw new Error('checksum mismatch');
      })(),
    );
    const { options, starts } = cutAt([]);
    await expect(drain(resumeBody({ ...options, body: failsAtEnd }))).rejects.toMatchObject({ code: 'BodyReadFailed' });
    expect(starts).toEqual([]);
  });

  it('aborts while waiting to resume, with code Aborted', async () => {
    const controller = new AbortController();
    const { options } = cutAt([500], { baseDelayMs: 60_000, maxDelayMs: 60_000, signal: controller.signal, onResume: () => controller.abort(new Error('out of time')) });
    await expect(drain(resumeBody(options))).rejects.toMatchObject({ name: 'S3ReadError', code: 'Aborted' });
  });

  it('destroys the current body when the consumer breaks early, and is single-use', async () => {
    const { options } = cutAt([]);
    const body = resumeBody(options);
    for await (const _ of body) break;
    expect(options.body.destroyed).toBe(true);
    await expect(drain(body)).rejects.toBeInstanceOf(StreamOptionError);
  });

  it('close() while a read waits ends the reading: no resume, no reopen', async () => {
    const stalled = new Readable({ read() {} });
    stalled.push(OBJECT.subarray(0, 300));
    const { options, starts, events } = cutAt([]);
    const body = resumeBody({ ...options, body: stalled });
    const iterator = body[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toHaveLength(300);
    const pending = iterator.next(); // waits: the body sends nothing more
    body.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(starts).toEqual([]);
    expect(events).toEqual([]);
    expect(stalled.destroyed).toBe(true);
  });

  it('treats a body silent for idleTimeoutMs as cut, but not a consumer that takes its time', async () => {
    const stalled = new Readable({ read() {} });
    stalled.push(OBJECT.subarray(0, 300));
    const { options, starts } = cutAt([], { idleTimeoutMs: 40 });
    const body = resumeBody({ ...options, body: stalled });
    const chunks: Buffer[] = [];
    for await (const chunk of body) {
      chunks.push(Buffer.from(chunk));
      // Slower than the idle timeout on every chunk: the body was not silent, the consumer was busy.
      if (chunks.length <= 3) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(Buffer.concat(chunks).equals(OBJECT)).toBe(true);
    expect(starts).toEqual([300]);
    expect(stalled.destroyed).toBe(true);
  });

  it('names the bad option', () => {
    const { options } = cutAt([]);
    expect(() => resumeBody({ ...options, maxResumes: -1 })).toThrow(/maxResumes/);
    expect(() => resumeBody({ ...options, baseDelayMs: 10, maxDelayMs: 5 })).toThrow(/maxDelayMs/);
    expect(() => resumeBody({ ...options, idleTimeoutMs: -1 })).toThrow(/idleTimeoutMs/);
  });
});
