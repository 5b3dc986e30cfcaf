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
