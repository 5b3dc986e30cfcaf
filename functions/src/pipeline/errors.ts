import { errorMessage } from '../stream/errors.js';

/** Base class of the pipeline's own errors. */
export class PipelineError extends Error {
  override name = 'PipelineError';
}

// What S3 says when KMS, not S3, refused: "… not authorized to perform: kms:Decrypt on resource:
// arn:aws:kms:…", "KMS.AccessDeniedException …", "… customer master key …". Case matters, and the
// caller's and the object's ARNs are cut out first: a role or bucket called "kms-…" proves nothing.
const KMS_DENIAL = /kms:|KMS|customer master key/;
const KMS_KEY_ARN = /arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+/;
const CALLER_OR_OBJECT_ARN = /arn:aws[a-z-]*:(?:s3|sts|iam):[^\s"']*/g;

/**
 * The function's role may not read the object: says which permission to grant. When S3's message
 * (`s3Message`) shows that KMS refused (an SSE-KMS object, no kms:Decrypt on its key), it names
 * kms:Decrypt on the bucket's key, with the key's ARN when S3 gave it; otherwise s3:GetObject.
 *
 * @example throw new ObjectAccessDeniedError('logs', 'a.log', { cause: err, s3Message: err.message });
 */
export class ObjectAccessDeniedError extends PipelineError {
  override name = 'ObjectAccessDeniedError';
  /** KMS refused: the missing permission is kms:Decrypt on the bucket's key, not s3:GetObject. */
  readonly kms: boolean;
  /** The key S3 named, when it named one. */
  readonly kmsKeyArn: string | undefined;

  constructor(
    readonly bucket: string,
    readonly key: string,
    options?: { cause?: unknown; s3Message?: string },
  ) {
    const denial = kmsDenial(options?.s3Message, bucket, key);
    super(
      denial.kms
        ? `access denied reading s3://${bucket}/${key}: KMS refused to decrypt it; the function's role needs kms:Decrypt on ` +
            `${denial.keyArn ?? "the bucket's KMS key"} (deploy with the logsieve setting inputBucketKeyArn; a key of another account must also allow the role in its key policy)`
        : `access denied reading s3://${bucket}/${key}: the function's role needs s3:GetObject on arn:aws:s3:::${bucket}/${key} ` +
            `(and kms:Decrypt when the bucket uses SSE-KMS)`,
      options,
    );
    this.kms = denial.kms;
    this.kmsKeyArn = denial.keyArn;
  }
}

function kmsDenial(s3Message: string | undefined, bucket: string, key: string): { kms: boolean; keyArn: string | undefined } {
  const text = (s3Message ?? '').replace(CALLER_OR_OBJECT_ARN, '').split(`s3://${bucket}/${key}`).join('');
  return { kms: KMS_DENIAL.test(text), keyArn: KMS_KEY_ARN.exec(text)?.[0] };
}

/**
 * The invocation's deadline: the reason the deadline signal carries. Reading stops `marginMs`
 * before the function's timeout, so that what was found, the report and the summary are written.
 */
export class InvocationDeadlineError extends PipelineError {
  override name = 'InvocationDeadlineError';

  constructor(readonly marginMs: number) {
    super(
      `the invocation's deadline (${Math.round(marginMs / 1000)} s before the function's timeout, kept to write what was found); ` +
        'raise the function timeout (at most 15 minutes) or its memory (more vCPU), or upload smaller objects',
    );
  }
}

/**
 * An object was not processed to its end within the invocation: not started before the deadline,
 * or stopped at it (its summary then says `failed` and how far it got). The message is retried.
 */
export class ObjectNotFinishedError extends PipelineError {
  override name = 'ObjectNotFinishedError';

  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly summaryKey: string | undefined,
    options: { cause: unknown },
  ) {
    super(
      summaryKey === undefined
        ? `s3://${bucket}/${key} was not started: the invocation's deadline was near; the message will be retried`
        : `s3://${bucket}/${key} was stopped at the invocation's deadline; what was read is in ${summaryKey}; the message will be retried`,
      options,
    );
  }
}

/**
 * A conditional write of an object's checkpoint lost: another invocation created or changed it
 * first (a duplicate message, or a retry racing the original). The loser writes nothing more.
 */
export class CheckpointConflictError extends PipelineError {
  override name = 'CheckpointConflictError';

  constructor(
    readonly bucket: string,
    readonly checkpointKey: string,
    /** `create`: If-None-Match: * found one; `replace`: If-Match found another version, or none. */
    readonly write: 'create' | 'replace',
    options?: { cause?: unknown },
  ) {
    super(
      write === 'create'
        ? `s3://${bucket}/${checkpointKey} already exists: another invocation is continuing this object`
        : `s3://${bucket}/${checkpointKey} was changed or removed by another invocation since it was read`,
      options,
    );
  }
}

/** A checkpoint document that is not one this version can resume from (not JSON, another schema, a field missing). */
export class CheckpointInvalidError extends PipelineError {
  override name = 'CheckpointInvalidError';

  constructor(
    readonly bucket: string,
    readonly checkpointKey: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`s3://${bucket}/${checkpointKey} is not a checkpoint this version can resume from: ${reason}`, options);
  }
}

/** Sending the continuation message failed: the message that triggered the invocation is retried, the checkpoint is kept. */
export class ContinuationSendError extends PipelineError {
  override name = 'ContinuationSendError';

  constructor(
    readonly bucket: string,
    readonly key: string,
    /** Where it was sent: the queue URL or the function ARN. */
    readonly destination: string,
    options?: { cause?: unknown },
  ) {
    const why = errorMessage(options?.cause);
    super(`sending the continuation of s3://${bucket}/${key} to ${destination} failed: ${why}`, options);
  }
}

/** A checkpoint that cannot be resumed from: another version, a missing or malformed field. */
export class CheckpointError extends PipelineError {
  override name = 'CheckpointError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(`cannot resume from the checkpoint: ${message}`, options);
  }
}
