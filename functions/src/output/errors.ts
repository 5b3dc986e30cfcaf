import { errorMessage } from '../stream/errors.js';

/** Base class for failures to write results back to S3. */
export class OutputError extends Error {
  override name = 'OutputError';
}

/** Writing the error records object failed; its multipart upload was aborted, no part is left. */
export class ErrorPartWriteError extends OutputError {
  override name = 'ErrorPartWriteError';
  constructor(
    readonly bucket: string,
    readonly key: string,
    /** Records serialised into the upload before it failed (a batch not yet flushed is not counted). */
    readonly records: number,
    options?: { cause?: unknown },
  ) {
    const why = errorMessage(options?.cause);
    super(`writing error records to s3://${bucket}/${key} failed after ${records} records: ${why}`, options);
  }
}
