import { Readable } from 'node:stream';

import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';

import { errorMessage, ObjectChangedError, S3ReadError, StreamOptionError } from './errors.js';
import type { S3ReadErrorCode } from './errors.js';
import { coalesce } from './coalesce.js';
import { COALESCE_BYTES } from './constants.js';
import { resumeBody } from './resumeBody.js';
import type { ResumeEvent } from './resumeBody.js';
import type { S3ObjectSource } from './types.js';

/** Options of `s3Source`. */
export interface S3SourceOptions {
  client: S3Client;
  bucket: string;
  key: string;
  /** Read this version instead of the latest. */
  versionId?: string;
  /** Aborts the GetObject request, or destroys the body if it is already streaming. */
  signal?: AbortSignal;
  /** Resumes of a cut body allowed (default 5, 0 turns resuming off); see `resumeBody`. */
  maxResumes?: number;
  /** Wait before the first resume (default 100 ms), doubled for each further one, at most 3 s. */
  resumeBaseDelayMs?: number;
  /** Called before each resume, e.g. to log "resuming GetObject at byte N (attempt k/5)". */
  onResume?: (event: ResumeEvent) => void;
  /** A body silent this long while a chunk is awaited is treated as cut and resumed (default 30 s, 0 = off). */
  idleTimeoutMs?: number;
  /**
   * Read from this byte on (`Range: bytes=<start>-`, a continued analysis): `bytes` then yields the
   * object's bytes from `start`, `contentLength` is still the whole object's size. Needs `ifMatch`.
   */
  start?: number;
  /**
   * The ETag the object must still have (`If-Match`, quotes included): a replaced object fails with
   * `ObjectChangedError` (code `ObjectChanged`) instead of splicing another version's bytes in.
   */
  ifMatch?: string;
}

/**
 * Opens an S3 object for streaming: sends GetObject and exposes its body as
 * `AsyncIterable<Uint8Array>` (the Node stream, never buffered into a string).
 *
 * Memory: the HTTP stream's own buffer (Node's default highWaterMark, 16 KiB, plus the socket's) and up to 256 KiB of
 * reads joined before they are handed on (`coalesce`: fewer, larger chunks for zlib and the line stage),
 * then handed on. Breaking out of `for await`, an error, or `signal`
 * aborting destroys the body, which ends the HTTP request and frees its socket. A source that is
 * opened but never iterated must be `close()`d. Failures are `S3ReadError`s whose `code` tells
 * `NoSuchKey`, `AccessDenied`, `Aborted`, … apart.
 *
 * A body cut midway is resumed with `Range: bytes=<received>-` and `If-Match: <ETag>`, at most
 * `maxResumes` (5) times with doubling waits (`resumeBody`); `resumes` counts them. An object
 * replaced meanwhile fails with `ObjectChangedError` (code `ObjectChanged`), never mixed content.
 *
 * @example
 * const source = await s3Source({ client, bucket: 'logs', key: 'app/2026/11/26/x.gz', signal });
 * for await (const line of lines(decompress(source.bytes))) handle(line);
 */
export async function s3Source(options: S3SourceOptions): Promise<S3ObjectSource> {
  validate(options);
  const { bucket, key, versionId, signal } = options;
  const context = { bucket, key, versionId };
  const { body, response, contentLength, bodyLength } = await openBody(options);
  const etag = response.ETag;
  const resumable = resumeBody({
    body,
    // Without an ETag a resumed read could not prove it reads the same object: no resumes then.
    maxResumes: etag === undefined ? 0 : options.maxResumes,
    baseDelayMs: options.resumeBaseDelayMs,
    idleTimeoutMs: options.idleTimeoutMs,
    reopen: (bodyStart) => reopenBody(options, etag, (options.start ?? 0) + bodyStart),
    contentLength: bodyLength,
    context,
    signal,
    onResume: options.onResume,
  });

  return {
    // Socket-sized reads (16–64 KiB) joined to 256 KiB: each chunk is a round trip through zlib's pool and the line stage.
    bytes: coalesce(resumable, COALESCE_BYTES),
    bucket,
    key,
    etag,
    versionId: response.VersionId,
    contentLength,
    lastModified: response.LastModified,
    get resumes(): number {
      return resumable.resumes;
    },
    close(): void {
      resumable.close();
    },
  };
}

/**
 * The first GetObject (ranged from `start` when given, conditional on `ifMatch`): its Node stream
 * body, checked (an ignored If-Match or a Content-Range other than asked destroys the body and
 * throws), with the whole object's size and the body's own length.
 */
async function openBody(options: S3SourceOptions): Promise<{ body: Readable; response: GetObjectCommandOutput; contentLength: number | undefined; bodyLength: number | undefined }> {
  const { client, bucket, key, versionId, signal } = options;
  const context = { bucket, key, versionId };
  const base = options.start ?? 0;
  if (aborted(signal)) {
    throw new S3ReadError('Aborted before GetObject', { ...context, code: 'Aborted', cause: signal?.reason });
  }
  let response: GetObjectCommandOutput;
  try {
    response = await client.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        VersionId: versionId,
        ...(options.start === undefined ? {} : { Range: `bytes=${base}-` }),
        ...(options.ifMatch === undefined ? {} : { IfMatch: options.ifMatch }),
      }),
      signal === undefined ? {} : { abortSignal: signal },
    );
  } catch (error) {
    const code = aborted(signal) ? 'Aborted' : codeOf(error);
    if (code === 'ObjectChanged' && options.ifMatch !== undefined) {
      throw new ObjectChangedError({ ...context, etag: options.ifMatch, bytesRead: base, cause: error });
    }
    throw new S3ReadError(`GetObject${options.start === undefined ? '' : ` from byte ${base}`} failed: ${errorMessage(error)}`, { ...context, code, cause: error });
  }
  const rawBody = response.Body as unknown;
  if (!(rawBody instanceof Readable)) {
    destroyQuietly(rawBody);
    throw new S3ReadError('GetObject returned no Node stream body', { ...context, code: 'NoBody' });
  }
  const body: Readable = rawBody;
  if (aborted(signal)) {
    body.destroy();
    throw new S3ReadError('Aborted after GetObject', { ...context, code: 'Aborted', cause: signal?.reason });
  }
  if (options.ifMatch !== undefined && response.ETag !== options.ifMatch) {
    // A server that ignored If-Match must not hand another version's bytes on.
    body.destroy();
    throw new ObjectChangedError({ ...context, etag: options.ifMatch, bytesRead: base });
  }
  const ranged = options.start === undefined ? undefined : rangeOf(response.ContentRange, base, response.ContentLength);
  if (ranged === null) {
    body.destroy();
    throw new S3ReadError(`GetObject from byte ${base} answered Content-Range ${response.ContentRange ?? '(none)'}`, { ...context, code: 'Unknown' });
  }
  // The whole object's size; the body's own length is what the range holds.
  return {
    body,
    response,
    contentLength: ranged === undefined ? response.ContentLength : ranged.total,
    bodyLength: ranged === undefined ? response.ContentLength : ranged.length,
  };
}

/** The rest of the same version from byte `start` of the object: conditional on its ETag, checked against Content-Range. */
async function reopenBody(options: S3SourceOptions, etag: string | undefined, start: number): Promise<Readable> {
  const { client, bucket, key, versionId, signal } = options;
  const range = { bucket, key, versionId, bytesRead: start };
  let rest;
  try {
    rest = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, Range: `bytes=${start}-`, IfMatch: etag }),
      signal === undefined ? {} : { abortSignal: signal },
    );
  } catch (error) {
    const code = aborted(signal) ? 'Aborted' : codeOf(error);
    if (code === 'ObjectChanged') throw new ObjectChangedError({ ...range, etag: etag!, cause: error });
    throw new S3ReadError(`GetObject from byte ${start} failed: ${errorMessage(error)}`, { ...range, code, cause: error });
  }
  const restBody = rest.Body as unknown;
  // A server that ignored If-Match or Range must not splice another version or offset in.
  if (rest.ETag !== etag) {
    destroyQuietly(restBody);
    throw new ObjectChangedError({ ...range, etag: etag! });
  }
  if (!rest.ContentRange?.startsWith(`bytes ${start}-`)) {
    destroyQuietly(restBody);
    throw new S3ReadError(`GetObject from byte ${start} answered Content-Range ${rest.ContentRange ?? '(none)'}`, { ...range, code: 'Unknown' });
  }
  if (!(restBody instanceof Readable)) {
    destroyQuietly(restBody);
    throw new S3ReadError('GetObject returned no Node stream body', { ...range, code: 'NoBody' });
  }
  return restBody;
}

/** Content-Range `bytes <base>-<end>/<total>` of a ranged GetObject, or null when it is not that range. */
function rangeOf(contentRange: string | undefined, base: number, length: number | undefined): { total: number; length: number } | null {
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange ?? '');
  if (m === null || Number(m[1]) !== base) return null;
  return { total: Number(m[3]), length: length ?? Number(m[2]) - base + 1 };
}

function validate(options: S3SourceOptions): void {
  if (options === null || typeof options !== 'object') throw new StreamOptionError('options', 'an object', options);
  if (options.client === null || typeof options.client?.send !== 'function') {
    throw new StreamOptionError('client', 'an S3Client', options.client);
  }
  if (typeof options.bucket !== 'string' || options.bucket === '') {
    throw new StreamOptionError('bucket', 'a non-empty string', options.bucket);
  }
  if (typeof options.key !== 'string' || options.key === '') {
    throw new StreamOptionError('key', 'a non-empty string', options.key);
  }
  if (options.versionId !== undefined && (typeof options.versionId !== 'string' || options.versionId === '')) {
    throw new StreamOptionError('versionId', 'a non-empty string or undefined', options.versionId);
  }
  if (options.onResume !== undefined && typeof options.onResume !== 'function') {
    throw new StreamOptionError('onResume', 'a function or undefined', options.onResume);
  }
  if (options.start !== undefined && (!Number.isSafeInteger(options.start) || options.start < 0)) {
    throw new StreamOptionError('start', 'an integer ≥ 0 (bytes) or undefined', options.start);
  }
  if (options.ifMatch !== undefined && (typeof options.ifMatch !== 'string' || options.ifMatch === '')) {
    throw new StreamOptionError('ifMatch', 'a non-empty ETag string or undefined', options.ifMatch);
  }
  if (options.start !== undefined && options.ifMatch === undefined && options.versionId === undefined) {
    throw new StreamOptionError('ifMatch', 'the ETag the bytes before `start` were read from (or a versionId)', options.ifMatch);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new StreamOptionError('signal', 'an AbortSignal or undefined', options.signal);
  }
}

/** Maps the SDK's error (name, or Code from the XML body) to our code. */
function codeOf(error: unknown): S3ReadErrorCode {
  const e = error as { name?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: number } } | null;
  const name = typeof e?.Code === 'string' ? e.Code : typeof e?.name === 'string' ? e.name : '';
  if (name === 'NoSuchKey' || name === 'NotFound') return 'NoSuchKey';
  if (name === 'NoSuchBucket') return 'NoSuchBucket';
  if (name === 'AccessDenied' || name === 'Forbidden' || e?.$metadata?.httpStatusCode === 403) return 'AccessDenied';
  if (name === 'AbortError') return 'Aborted';
  if (name === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412) return 'ObjectChanged';
  return 'Unknown';
}

/** A function, so TypeScript does not narrow `aborted` across awaits where it can change. */
function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function destroyQuietly(body: unknown): void {
  const destroy = (body as { destroy?: unknown } | null)?.destroy;
  if (typeof destroy === 'function') destroy.call(body);
}

