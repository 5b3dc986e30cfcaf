import { bareEtag } from './bareEtag.js';
import { continuationRef, isContinuationPayload } from './continuationMessage.js';
import { decodeS3Key } from './decodeS3Key.js';
import { UnrecognisedEventError } from './errors.js';
import type { ObjectRef, TriggerContent } from './types.js';

/**
 * Reads the objects out of one trigger payload: an S3 notification (`Records[].s3`), an
 * EventBridge "Object Created" event, a logsieve continuation message (see `continuationMessage`;
 * its ref carries `continuation`), or the JSON body of an SQS message carrying any of them.
 * `s3:TestEvent` and non-create events are returned as `ignored`, never as refs.
 *
 * @throws UnrecognisedEventError when the payload is none of these.
 * @throws ContinuationMessageError when it says it is a continuation but is not a valid one.
 * @example triggerContent(JSON.parse(sqsRecord.body)).refs
 */
export function triggerContent(payload: unknown, messageId?: string): TriggerContent {
  if (!isObject(payload)) throw new UnrecognisedEventError(`expected a JSON object, got ${typeof payload}`, messageId);

  if (isContinuationPayload(payload)) return { refs: [continuationRef(payload, messageId)], ignored: [] };

  if (payload.Event === 's3:TestEvent') {
    return { refs: [], ignored: [`s3:TestEvent for bucket ${String(payload.Bucket)}`] };
  }

  if (Array.isArray(payload.Records)) {
    const content: TriggerContent = { refs: [], ignored: [] };
    for (const [i, record] of payload.Records.entries()) {
      if (!isObject(record) || !isObject(record.s3)) {
        throw new UnrecognisedEventError(`Records[${i}] has no "s3" object: not an S3 notification`, messageId);
      }
      const eventName = String(record.eventName ?? '');
      const bucket = isObject(record.s3.bucket) ? record.s3.bucket.name : undefined;
      const object = isObject(record.s3.object) ? record.s3.object : undefined;
      if (typeof bucket !== 'string' || !object || typeof object.key !== 'string') {
        throw new UnrecognisedEventError(`Records[${i}].s3 lacks bucket.name or object.key`, messageId);
      }
      if (!eventName.startsWith('ObjectCreated:')) {
        content.ignored.push(`${eventName || 'event without eventName'} for s3://${bucket}/${object.key}`);
        continue;
      }
      content.refs.push(
        ref(bucket, decodeS3Key(object.key), object.versionId, object.eTag ?? object.etag, object.size),
      );
    }
    return content;
  }

  if (payload.source === 'aws.s3' && isObject(payload.detail)) {
    const { bucket, object } = payload.detail;
    if (!isObject(bucket) || !isObject(object) || typeof bucket.name !== 'string' || typeof object.key !== 'string') {
      throw new UnrecognisedEventError('EventBridge aws.s3 event lacks detail.bucket.name or detail.object.key', messageId);
    }
    if (payload['detail-type'] !== 'Object Created') {
      return { refs: [], ignored: [`EventBridge "${String(payload['detail-type'])}" for s3://${bucket.name}/${object.key}`] };
    }
    return {
      refs: [ref(bucket.name, decodeS3Key(object.key), object['version-id'], object.etag, object.size)],
      ignored: [],
    };
  }

  throw new UnrecognisedEventError(
    'not an S3 notification (Records[].s3), an EventBridge aws.s3 event, or an s3:TestEvent',
    messageId,
  );
}

function ref(bucket: string, key: string, versionId: unknown, etag: unknown, size: unknown): ObjectRef {
  const out: ObjectRef = { bucket, key };
  if (typeof versionId === 'string' && versionId && versionId !== 'null') out.versionId = versionId;
  if (typeof etag === 'string' && etag) out.etag = bareEtag(etag);
  if (typeof size === 'number') out.size = size;
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
