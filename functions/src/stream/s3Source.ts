import { Readable } from 'node:stream';

import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';

import { S3ReadError, StreamOptionError } from './errors.js';
import type { S3ReadErrorCode } from './errors.js';
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
}

/**
 * Opens an S3 object for streaming: sends GetObject and exposes its body as
 * `AsyncIterable<Uint8Array>` (the Node stream itself, never buffered into a string).
 *
 * Memory: only the HTTP stream's own buffer (Node's default highWaterMark, 16 KiB, plus the socket's),
 * since chunks are handed on as they arrive. Breaking out of `for await`, an error, or `signal`
 * aborting destroys the body, which ends the HTTP request and frees its socket. A source that is
 * opened but never iterated must be `close()`d. Failures are `S3ReadError`s whose `code` tells
 * `NoSuchKey`, `AccessDenied`, `Aborted`, … apart.
 *
 * @example
 * const source = await s3Source({ client, bucket: 'logs', key: 'app/2026/11/26/x.gz', signal });
 * for await (const line of lines(decompress(source.bytes))) handle(line);
 */
export async function s3Source(options: S3SourceOptions): Promise<S3ObjectSource> {
  validate(options);
  const { client, bucket, key, versionId, signal } = options;
  const context = { bucket, key, versionId };
  if (aborted(signal)) {
    throw new S3ReadError('Aborted before GetObject', { ...context, code: 'Aborted', cause: signal?.reason });
  }
  let response;
  try {
    response = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }),
      signal === undefined ? {} : { abortSignal: signal },
    );
  } catch (error) {
    const code = aborted(signal) ? 'Aborted' : codeOf(error);
    throw new S3ReadError(`GetObject failed: ${messageOf(error)}`, { ...context, code, cause: error });
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
  const contentLength = response.ContentLength;
  let iterated = false;

  async function* read(): AsyncGenerator<Uint8Array> {
    if (iterated) throw new StreamOptionError('bytes', 'iterated once (an S3 body is single-use)', 'a second iteration');
    iterated = true;
    let bytesRead = 0;
    const onAbort = (): void => {
      body.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const chunk of body) {
        if (aborted(signal)) break;
        const bytes = chunk as Buffer;
        bytesRead += bytes.byteLength;
        yield bytes;
        if (aborted(signal)) break;
      }
      if (aborted(signal)) {
        throw new S3ReadError('Aborted while reading the body', { ...context, code: 'Aborted', bytesRead, cause: signal?.reason });
      }
      if (contentLength !== undefined && bytesRead !== contentLength) {
        throw new S3ReadError(`Body ended after ${bytesRead} of ${contentLength} bytes`, {
          ...context,
          code: 'BodyReadFailed',
          bytesRead,
        });
      }
    } catch (error) {
      if (error instanceof S3ReadError) throw error;
      const code: S3ReadErrorCode = aborted(signal) ? 'Aborted' : 'BodyReadFailed';
      throw new S3ReadError(`Reading the body failed after ${bytesRead} bytes: ${messageOf(error)}`, {
        ...context,
        code,
        bytesRead,
        cause: aborted(signal) ? signal?.reason : error,
      });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // An unfinished IncomingMessage destroys its socket; a finished one has already gone back to the pool.
      if (!body.destroyed) body.destroy();
    }
  }

  return {
    bytes: { [Symbol.asyncIterator]: read },
    bucket,
    key,
    etag: response.ETag,
    versionId: response.VersionId,
    contentLength,
    lastModified: response.LastModified,
    close(): void {
      iterated = true;
      if (!body.destroyed) body.destroy();
    },
  };
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
