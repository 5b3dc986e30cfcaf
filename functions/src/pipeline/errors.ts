/** Base class of the pipeline's own errors. */
export class PipelineError extends Error {
  override name = 'PipelineError';
}

/** The function's role may not read the object: says which permission to grant. */
export class ObjectAccessDeniedError extends PipelineError {
  override name = 'ObjectAccessDeniedError';
  constructor(
    readonly bucket: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(
      `access denied reading s3://${bucket}/${key}: the function's role needs s3:GetObject on arn:aws:s3:::${bucket}/${key} ` +
        `(and kms:Decrypt when the bucket uses SSE-KMS)`,
      options,
    );
  }
}
