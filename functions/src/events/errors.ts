/** Base class for trigger payloads the handler cannot read. */
export class EventError extends Error {
  override name = 'EventError';
}

/** The payload is neither an S3 notification, an EventBridge S3 event, nor SQS messages carrying them. */
export class UnrecognisedEventError extends EventError {
  override name = 'UnrecognisedEventError';
  constructor(
    message: string,
    /** The SQS message id when the payload came in a message. */
    readonly messageId?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A message that says it is a logsieve continuation (`"logsieve": "continuation/1"`) but is not a
 * valid one: an unknown version, or a field missing or of the wrong type. `field` names it.
 */
export class ContinuationMessageError extends EventError {
  override name = 'ContinuationMessageError';
  constructor(
    message: string,
    /** The field that is wrong (`bucket`, `key`, `checkpointKey`, `sequence`, …), or `logsieve` for the version. */
    readonly field: string,
    /** The SQS message id when the payload came in a message. */
    readonly messageId?: string,
  ) {
    super(`continuation message${messageId ? ` ${messageId}` : ''}: ${message}`);
  }
}
