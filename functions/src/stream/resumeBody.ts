import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

import { errorMessage, S3ReadError, StreamOptionError } from './errors.js';
import type { S3ReadErrorCode } from './errors.js';

/** Default bound on resumes of one body (`maxResumes`). */
export const DEFAULT_MAX_RESUMES = 5;
/** Default wait before the first resume, doubled for each further one (`baseDelayMs`). */
export const DEFAULT_RESUME_BASE_DELAY_MS = 100;
/** Longest wait between two resumes (`maxDelayMs`). */
export const DEFAULT_RESUME_MAX_DELAY_MS = 3_000;
/** Default longest silence of a body while a chunk is awaited before it counts as cut (`idleTimeoutMs`). */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** Reopen failures that another attempt cannot mend. */
const FATAL_REOPEN_CODES: ReadonlySet<S3ReadErrorCode> = new Set(['ObjectChanged', 'NoSuchKey', 'NoSuchBucket', 'AccessDenied', 'Aborted', 'NoBody']);

/** One resume, as reported to `onResume` before its wait. */
export interface ResumeEvent {
  /** Bytes received so far: the resumed request asks for `bytes=<bytesRead>-`. */
  bytesRead: number;
  /** 1-based attempt number, at most `maxResumes`. */
  attempt: number;
  maxResumes: number;
  /** Wait before the request, ms. */
  delayMs: number;
  /** Why the body (or the previous resume) failed. */
  cause: string;
}

/** Options of {@link resumeBody}. */
export interface ResumeBodyOptions {
  /** The first response's body. */
  body: Readable;
  /**
   * Opens the object again from byte `start` (a Range request conditional on the ETag). Throws an
   * `S3ReadError`; code `ObjectChanged`, `NoSuchKey`, `AccessDenied` or `Aborted` ends the read.
   */
  reopen: (start: number) => Promise<Readable>;
  /** Content-Length of the whole object; a body that ends short of it is resumed too. */
  contentLength: number | undefined;
  /** Where the bytes come from, for error messages. */
  context: { bucket: string; key: string; versionId?: string | undefined };
  /** Resumes allowed for the whole body (default 5); 0 turns resuming off. */
  maxResumes?: number;
  /** Wait before the first resume (default 100 ms), doubled each time up to `maxDelayMs` (default 3 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * A body that sends nothing for this long while a chunk is awaited is destroyed and resumed
   * (default 30 s; 0 turns it off). Time the consumer spends on a chunk does not count. Without it a
   * stalled connection would hang until the Lambda times out, unless the client has a socket timeout.
   */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  /** Called before each resume, e.g. to log "resuming GetObject at byte N (attempt k/5)". */
  onResume?: (event: ResumeEvent) => void;
}

/** A body that resumes itself; counters are live. */
export interface ResumableBody extends AsyncIterable<Uint8Array> {
  /** Resume requests made so far. */
  readonly resumes: number;
  /** Bytes handed on so far. */
  readonly bytesRead: number;
  /** Destroys the current body without reading it (for a body opened but never iterated). */
  close(): void;
}

/**
 * Streams an S3 body and, when the connection fails midway, goes silent for `idleTimeoutMs` (30 s),
 * or the body ends short of its Content-Length, asks for the rest with `reopen(bytesRead)`: at most `maxResumes` times per
 * body, waiting 100 ms, 200 ms, 400 ms… (capped at 3 s) before each. Bytes are handed on as they
 * arrive, so nothing is re-read and nothing is held: memory is one HTTP stream's buffer.
 *
 * Failures are `S3ReadError`s: `ObjectChanged` when the object was replaced while being read (the
 * ETag precondition failed), `BodyReadFailed` when the resumes are spent, `Aborted` on the signal.
 * Breaking out of `for await`, an error or `close()` destroys the current body.
 *
 * @example
 * const body = resumeBody({ body: first, reopen: (start) => getRange(start, etag), contentLength, context });
 * for await (const chunk of body) handle(chunk);
 */
export function resumeBody(options: ResumeBodyOptions): ResumableBody {
  const maxResumes = options.maxResumes ?? DEFAULT_MAX_RESUMES;
  if (!Number.isSafeInteger(maxResumes) || maxResumes < 0) throw new StreamOptionError('maxResumes', 'an integer ≥ 0', maxResumes);
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_RESUME_BASE_DELAY_MS;
  if (!Number.isFinite(baseDelayMs) || baseDelayMs < 0) throw new StreamOptionError('baseDelayMs', 'a number ≥ 0 (ms)', baseDelayMs);
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_RESUME_MAX_DELAY_MS;
  if (!Number.isFinite(maxDelayMs) || maxDelayMs < baseDelayMs) {
    throw new StreamOptionError('maxDelayMs', `a number ≥ baseDelayMs (${baseDelayMs} ms)`, maxDelayMs);
  }
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  if (!Number.isFinite(idleTimeoutMs) || idleTimeoutMs < 0) throw new StreamOptionError('idleTimeoutMs', 'a number ≥ 0 (ms, 0 = off)', idleTimeoutMs);
  return new Resumable(options, maxResumes, baseDelayMs, maxDelayMs, idleTimeoutMs);
}

class Resumable implements ResumableBody {
  resumes = 0;
  bytesRead = 0;
  private body: Readable;
  private iterated = false;
  /** `close()` was called: the body's end or failure after that is the reader's doing, not a cut. */
  private closed = false;

  constructor(
    private readonly options: ResumeBodyOptions,
    private readonly maxResumes: number,
    private readonly baseDelayMs: number,
    private readonly maxDelayMs: number,
    private readonly idleTimeoutMs: number,
  ) {
    this.body = options.body;
  }

  close(): void {
    this.iterated = true;
    this.closed = true;
    if (!this.body.destroyed) this.body.destroy();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (this.iterated) throw new StreamOptionError('bytes', 'iterated once (an S3 body is single-use)', 'a second iteration');
    this.iterated = true;
    const { signal, contentLength, context } = this.options;
    const onAbort = (): void => {
      this.body.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    // Set while a chunk is awaited, cleared while the consumer has one: only the body's silence counts.
    let waitingSince: number | undefined = performance.now();
    const watchdog =
      this.idleTimeoutMs > 0
        ? setInterval(() => {
            if (waitingSince !== undefined && performance.now() - waitingSince >= this.idleTimeoutMs) {
              waitingSince = undefined;
              this.body.destroy(new Error(`no bytes for ${this.idleTimeoutMs} ms`));
            }
          }, Math.max(10, this.idleTimeoutMs / 4)).unref()
        : undefined;
    try {
      for (;;) {
        let failure: unknown;
        try {
          waitingSince = performance.now();
          for await (const chunk of this.body) {
            waitingSince = undefined;
            if (aborted(signal)) break;
            const bytes = chunk as Buffer;
            this.bytesRead += bytes.byteLength;
            yield bytes;
            if (aborted(signal)) break;
            waitingSince = performance.now();
          }
        } catch (error) {
          failure = error;
        }
        waitingSince = undefined;
        // Closed by its reader (who stopped reading): nothing to resume, nobody waiting for more.
        if (this.closed) return;
        if (aborted(signal)) {
          throw new S3ReadError('Aborted while reading the body', { ...context, code: 'Aborted', bytesRead: this.bytesRead, cause: signal?.reason });
        }
        if (failure === undefined) {
          if (contentLength === undefined || this.bytesRead === contentLength) return;
          if (this.bytesRead > contentLength) {
            throw new S3ReadError(`Body sent ${this.bytesRead} bytes, more than its Content-Length ${contentLength}`, {
              ...context,
              code: 'BodyReadFailed',
              bytesRead: this.bytesRead,
            });
          }
          failure = new Error(`body ended after ${this.bytesRead} of ${contentLength} bytes`);
        }
        // Every byte arrived: a failure now (e.g. a checksum mismatch) is not a cut connection.
        if (contentLength !== undefined && this.bytesRead >= contentLength) {
          throw new S3ReadError(`Reading the body failed after ${this.bytesRead} bytes: ${errorMessage(failure)}`, {
            ...context,
            code: 'BodyReadFailed',
            bytesRead: this.bytesRead,
            cause: failure,
          });
        }
        this.body = await this.resume(failure);
      }
    } finally {
      clearInterval(watchdog);
      signal?.removeEventListener('abort', onAbort);
      // An unfinished IncomingMessage destroys its socket; a finished one has already gone back to the pool.
      if (!this.body.destroyed) this.body.destroy();
    }
  }

  /** Reopens from `bytesRead`, retrying a failed reopen within the same bound. */
  private async resume(failure: unknown): Promise<Readable> {
    const { signal, context } = this.options;
    let cause = failure;
    for (;;) {
      if (this.resumes >= this.maxResumes) {
        throw new S3ReadError(`Reading the body failed after ${this.bytesRead} bytes and ${this.resumes} resumes: ${errorMessage(cause)}`, {
          ...context,
          code: 'BodyReadFailed',
          bytesRead: this.bytesRead,
          cause,
        });
      }
      this.resumes++;
      const delayMs = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (this.resumes - 1));
      this.options.onResume?.({ bytesRead: this.bytesRead, attempt: this.resumes, maxResumes: this.maxResumes, delayMs, cause: errorMessage(cause) });
      try {
        await sleep(delayMs, undefined, signal === undefined ? {} : { signal });
      } catch {
        throw new S3ReadError('Aborted while waiting to resume the body', { ...context, code: 'Aborted', bytesRead: this.bytesRead, cause: signal?.reason });
      }
      if (this.closed) throw new S3ReadError('Closed while waiting to resume the body', { ...context, code: 'Aborted', bytesRead: this.bytesRead });
      try {
        return await this.options.reopen(this.bytesRead);
      } catch (error) {
        if (error instanceof S3ReadError && FATAL_REOPEN_CODES.has(error.code)) throw error;
        cause = error;
      }
    }
  }
}

/** A function, so TypeScript does not narrow `aborted` across awaits where it can change. */
function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

