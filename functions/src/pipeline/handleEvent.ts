import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { triggerContent } from '../events/triggerContent.js';
import type { ObjectRef } from '../events/types.js';
import { S3ReadError } from '../stream/errors.js';
import { createLimiter } from './createLimiter.js';
import type { ProcessDeps } from './processObject.js';
import { processObject } from './processObject.js';
import type { Summary } from './types.js';

/** Reports what the handler decided about each object: the Powertools logger, or anything shaped like it. */
export type HandleEventLog = Pick<Logger, 'info' | 'warn' | 'error'>;

/**
 * Processes one Lambda trigger: SQS messages carrying S3 notifications (answered with a partial
 * batch response), a direct S3 notification, or an EventBridge "Object Created" event. At most
 * `config.concurrency` objects are processed at once.
 *
 * @example export const handler = (event, context) => handleEvent(deps, event, context);
 */
export async function handleEvent(
  deps: ProcessDeps & { log: HandleEventLog },
  event: unknown,
  context?: Context,
): Promise<SQSBatchResponse | Summary[]> {
  const limit = createLimiter(deps.config.concurrency);
  const processRefs = async (refs: ObjectRef[]): Promise<Summary[]> => {
    const wanted = refs.filter((ref) => {
      if (!isOwnOutput(deps, ref)) return true;
      deps.log.warn('ignoring an event for a key under the output prefix (recursion guard)', { bucket: ref.bucket, key: ref.key });
      return false;
    });
    const done = await Promise.all(wanted.map((ref) => limit(() => processOrAcknowledge(deps, ref))));
    return done.filter((s): s is Summary => s !== undefined);
  };

  if (isSqsEvent(event)) {
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(
      event,
      async (record: SQSRecord) => {
        const content = triggerContent(JSON.parse(record.body) as unknown, record.messageId);
        for (const reason of content.ignored) deps.log.info('ignored', { reason, messageId: record.messageId });
        await processRefs(content.refs);
      },
      processor,
      // A fully failed batch is reported like a partial one: every message comes back, nothing is lost.
      { ...(context ? { context } : {}), throwOnFullBatchFailure: false },
    );
  }

  const content = triggerContent(event);
  for (const reason of content.ignored) deps.log.info('ignored', { reason });
  return processRefs(content.refs);
}

/** Processes one object; an object deleted before it could be read is logged and acknowledged, not retried for ever. */
async function processOrAcknowledge(deps: ProcessDeps & { log: HandleEventLog }, ref: ObjectRef): Promise<Summary | undefined> {
  try {
    return await processObject(deps, ref);
  } catch (err) {
    if (err instanceof S3ReadError && err.code === 'NoSuchKey') {
      deps.log.warn('object no longer exists; acknowledged without processing', { bucket: ref.bucket, key: ref.key, versionId: ref.versionId });
      return undefined;
    }
    throw err;
  }
}

function isSqsEvent(event: unknown): event is SQSEvent {
  const records = (event as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.length > 0 && (records[0] as { eventSource?: unknown }).eventSource === 'aws:sqs';
}

function isOwnOutput(deps: ProcessDeps, ref: ObjectRef): boolean {
  return ref.bucket === deps.config.outputBucket && deps.config.outputPrefix !== '' && ref.key.startsWith(deps.config.outputPrefix);
}
