/** One S3 object a trigger asks us to process. `key` is already URL-decoded. */
export interface ObjectRef {
  bucket: string;
  key: string;
  versionId?: string;
  etag?: string;
  size?: number;
  /** Set when the trigger was a continuation message: where the checkpoint to resume from is. */
  continuation?: { checkpointKey: string; sequence: number; token?: string };
}

/** What one trigger payload (an S3 notification, an EventBridge event, or an SQS message body) holds. */
export interface TriggerContent {
  refs: ObjectRef[];
  /** Why parts of the payload were not turned into refs (test events, non-create events), for the log. */
  ignored: string[];
}
