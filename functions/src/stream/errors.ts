import type { CompressionFormat } from './types.js';

/**
 * Base class of every error raised by the streaming core.
 *
 * `linesEmitted` is filled in by the line stage (`lineBatches`/`lines`) when the error passes
 * through it, so a caller sees how far the object had been read in lines as well as bytes.
 */
export class StreamError extends Error {
  override name = 'StreamError';
  /** Lines emitted by the line stage before the error surfaced; undefined if no line stage saw it. */
  linesEmitted: number | undefined;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An option had a value outside what the stage accepts. */
export class StreamOptionError extends StreamError {
  override name = 'StreamOptionError';
  /** Name of the offending option, e.g. `maxLineBytes`. */
  readonly option: string;
  /** The value that was passed. */
  readonly value: unknown;

  constructor(option: string, expected: string, value: unknown) {
    super(`Option ${option} must be ${expected}; got ${describe(value)}`);
    this.option = option;
    this.value = value;
  }
}

/** Why an S3 read failed, so callers can branch without parsing messages. */
export type S3ReadErrorCode =
  | 'NoSuchKey'
  | 'NoSuchBucket'
  | 'AccessDenied'
  | 'Aborted'
  | 'BodyReadFailed'
  | 'NoBody'
  | 'ObjectChanged'
  | 'Unknown';

/** GetObject failed, or its body failed while being read. */
export class S3ReadError extends StreamError {
  override name = 'S3ReadError';
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  /** Machine-readable reason; `NoSuchKey` and `AccessDenied` come from S3's error codes. */
  readonly code: S3ReadErrorCode;
  /** Body bytes received before the failure (0 when the request itself failed). */
  readonly bytesRead: number;

  constructor(
    message: string,
    context: {
      bucket: string;
      key: string;
      versionId?: string | undefined;
      code: S3ReadErrorCode;
      bytesRead?: number;
      cause?: unknown;
    },
  ) {
    super(`${message} (s3://${context.bucket}/${context.key}, code ${context.code})`, {
      cause: context.cause,
    });
    this.bucket = context.bucket;
    this.key = context.key;
    this.versionId = context.versionId;
    this.code = context.code;
    this.bytesRead = context.bytesRead ?? 0;
  }
}

/**
 * The object was replaced while it was being read: a resumed read's `If-Match` on the first
 * response's ETag failed. Nothing of the new content was handed on.
 */
export class ObjectChangedError extends S3ReadError {
  override name = 'ObjectChangedError';
  /** ETag of the version whose first `bytesRead` bytes were read. */
  readonly etag: string;

  constructor(context: { bucket: string; key: string; versionId?: string | undefined; etag: string; bytesRead: number; cause?: unknown }) {
    super(`object changed while being read: ETag ${context.etag} no longer matches at byte ${context.bytesRead}`, {
      ...context,
      code: 'ObjectChanged',
    });
    this.etag = context.etag;
  }
}

/** The compressed input was corrupt or ended early. */
export class DecompressError extends StreamError {
  override name = 'DecompressError';
  readonly compression: CompressionFormat;
  /**
   * Compressed bytes handed to the decoder when the failure surfaced: the error lies at or before
   * this offset (decoders buffer, so it is an upper bound, exact to within one input chunk).
   */
  readonly offset: number;
  /** Decompressed bytes produced before the failure. */
  readonly bytesOut: number;

  constructor(
    message: string,
    context: { compression: CompressionFormat; offset: number; bytesOut: number; cause?: unknown },
  ) {
    super(`${message} (${context.compression}, at compressed byte ${context.offset})`, {
      cause: context.cause,
    });
    this.compression = context.compression;
    this.offset = context.offset;
    this.bytesOut = context.bytesOut;
  }
}

/** A zstd frame declared a window larger than the decoder may allocate. */
export class ZstdWindowError extends DecompressError {
  override name = 'ZstdWindowError';
  /** The window the frame declares, bytes. */
  readonly windowBytes: number;
  /** The bound it exceeds, bytes. */
  readonly maxWindowBytes: number;

  constructor(context: { windowBytes: number; maxWindowBytes: number; offset: number; bytesOut: number; frame: number }) {
    super(
      `zstd frame ${context.frame} declares a ${mib(context.windowBytes)} window, more than the ${mib(context.maxWindowBytes)} this decoder allows ` +
        `(compress without --long, or with --long=${Math.floor(Math.log2(context.maxWindowBytes))} or less)`,
      { compression: 'zstd', offset: context.offset, bytesOut: context.bytesOut },
    );
    this.windowBytes = context.windowBytes;
    this.maxWindowBytes = context.maxWindowBytes;
  }
}

function mib(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

/**
 * Records on a StreamError how many lines the line stage had emitted when it passed through, and
 * returns it (any other error is returned untouched). A value set further upstream is kept.
 */
export function withLinesEmitted(error: unknown, linesEmitted: number): unknown {
  if (error instanceof StreamError && error.linesEmitted === undefined) error.linesEmitted = linesEmitted;
  return error;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

/** The message of anything thrown: an Error's message, or the value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reading was stopped on purpose before the end (by `stopReading`'s signal, e.g. the invocation's
 * deadline). What was read before it is whole and was handed on.
 */
export class ReadStoppedError extends StreamError {
  override name = 'ReadStoppedError';
  /** Source bytes read before the stop. */
  readonly bytesRead: number;

  constructor(reason: string, bytesRead: number) {
    super(`Reading stopped after ${bytesRead} bytes: ${reason}`);
    this.bytesRead = bytesRead;
  }
}
