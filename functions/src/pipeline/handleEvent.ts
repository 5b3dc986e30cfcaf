import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ContinuationMessage } from '../events/continuationMessage.js';
import { triggerContent } from '../events/triggerContent.js';
import type { ObjectRef } from '../events/types.js';
import { errorMessage, S3ReadError } from '../stream/errors.js';
import { causeOfType } from './causeOfType.js';
import { createDeadline } from './createDeadline.js';
import type { Deadline } from './createDeadline.js';
import type { ContinuationSender } from './createContinuationSender.js';
import { createLimiter } from './createLimiter.js';
import { ObjectAccessDeniedError, ObjectNotFinishedError } from './errors.js';
import type { ProcessDeps, ProcessResult } from './processObject.js';
import { processObject } from './processObject.js';

export { causeOfType } from './causeOfType.js';

/** The handler's dependencies: processing deps plus Powertools logger and metrics. */
export interface HandlerDeps extends ProcessDeps {
  log: Logger;
  /** Where the per-object metrics go: Powertools `Metrics` (EMF) in the Lambda. */
  metrics?: { addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): unknown };
  /** Sends continuation messages (`createContinuationSender`); none: an object stopped at the deadline is retried whole, as before continuation. */
  sendContinuation?: ContinuationSender;
}

/**
 * How long after an invocation's timeout its lease on a checkpoint still holds: Lambda has ended it
 * by then, and sandboxes' clocks (Amazon Time Sync) differ by far less. The queue's visibility
 * timeout (≥ 6 × timeout) lies beyond it, so a retried message finds a crashed invocation's lease expired.
 */
export const LEASE_GRACE_MS = 2_000;

/** One invocation's means to continue objects: the sender bound to its function ARN, and its lease. */
interface Continuing {
  send: (message: ContinuationMessage) => Promise<void>;
  lease: { owner: string; untilMs: number; lengthMs: number };
}

/** What happened to one object of a trigger. */
export type ObjectOutcome =
  | ProcessResult
  | { outcome: 'ignored'; reason: string; bucket: string; key: string }
  | { outcome: 'gone'; bucket: string; key: string };

/**
 * Processes one Lambda trigger: SQS messages carrying S3 notifications (answered with a partial
 * batch response, so one bad object does not bring the others back), a direct S3 notification, or
 * an EventBridge "Object Created" event. At most `config.concurrency` objects are processed at
 * once across all messages of the batch. With a Lambda `context`, reading stops at a deadline kept
 * back from the timeout (see `createDeadline`, `config.deadlineMarginMs`): with `sendContinuation` an
 * object stopped there is checkpointed and continued by the next invocation (README, "Continuation")
 * and its message acknowledged; without, it gets its records so far and a `failed` summary. One not
 * yet started is left alone, and its message retried.
 *
 * @example export const handler = (event, context) => handleEvent(deps, event, context);
 */
export async function handleEvent(deps: HandlerDeps, event: unknown, context?: Context): Promise<SQSBatchResponse | ObjectOutcome[]> {
  const remainingMs = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
  const deadline = remainingMs === undefined ? undefined : createDeadline(remainingMs, deps.config.deadlineMarginMs);
  const send = deps.sendContinuation;
  const continuing: Continuing | undefined =
    remainingMs !== undefined && send && deps.config.continuation
      ? {
          send: (message) => send(message, context?.invokedFunctionArn),
          lease: { owner: `${context?.awsRequestId ?? 'local'}/${randomUUID()}`, untilMs: Date.now() + remainingMs + LEASE_GRACE_MS, lengthMs: remainingMs + LEASE_GRACE_MS },
        }
      : undefined;
  try {
    return await handleWithin(deps, event, context, deadline, continuing);
  } finally {
    deadline?.dispose();
  }
}

async function handleWithin(
  deps: HandlerDeps,
  event: unknown,
  context: Context | undefined,
  deadline: Deadline | undefined,
  continuing: Continuing | undefined,
): Promise<SQSBatchResponse | ObjectOutcome[]> {
  const limit = createLimiter(deps.config.concurrency);
  const processRefs = (refs: ObjectRef[]): Promise<ObjectOutcome[]> =>
    Promise.all(refs.map((ref) => limit(() => processOne(deps, ref, deadline?.signal, continuing))));

  if (isSqsEvent(event)) {
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(
      event,
      async (record: SQSRecord) => {
        let content;
        try {
          content = triggerContent(parseBody(record), record.messageId);
        } catch (err) {
          // Powertools reports the failure but logs nothing: say which message and why.
          deps.log.error('message is not an S3 notification; it will be retried, then go to the DLQ', { messageId: record.messageId, error: err as Error });
          throw err;
        }
        for (const reason of content.ignored) deps.log.info('ignored part of the event', { reason, messageId: record.messageId });
        await processRefs(content.refs);
      },
      processor,
      // A fully failed batch is reported like a partial one: every message comes back, nothing is lost.
      { ...(context ? { context } : {}), throwOnFullBatchFailure: false },
    );
  }

  const content = triggerContent(event);
  for (const reason of content.ignored) deps.log.info('ignored part of the event', { reason });
  return processRefs(content.refs);
}

/**
 * Processes one object with a logger that carries its key. An object under the output prefix is
 * ignored (recursion guard); one deleted before it could be read is logged and acknowledged, not
 * retried for ever; AccessDenied fails with a message that says which permission is missing
 * (kms:Decrypt on the bucket's key when S3 says KMS refused).
 */
async function processOne(deps: HandlerDeps, ref: ObjectRef, stopReading: AbortSignal | undefined, continuing: Continuing | undefined): Promise<ObjectOutcome> {
  const log = deps.log.createChild({ persistentKeys: { bucket: ref.bucket, key: ref.key, ...(ref.versionId ? { versionId: ref.versionId } : {}) } });
  const { outputBucket, outputPrefix } = deps.config;
  if (ref.bucket === outputBucket && outputPrefix !== '' && ref.key.startsWith(outputPrefix)) {
    log.warn('ignoring an event for a key under the output prefix (recursion guard)', { outputPrefix });
    return { outcome: 'ignored', reason: `under the output prefix ${outputPrefix}`, bucket: ref.bucket, key: ref.key };
  }
  if (stopReading?.aborted) {
    const notStarted = new ObjectNotFinishedError(ref.bucket, ref.key, undefined, { cause: stopReading.reason });
    log.error(notStarted.message);
    throw notStarted;
  }
  try {
    const result = await processObject(deps, ref, {
      ...(stopReading ? { stopReading } : {}),
      ...(continuing ? { continuation: continuing.send, lease: continuing.lease } : {}),
      onProgress: (p) => log.info('progress', { ...p, mbPerSec: Math.round(p.bytesOut / 1e3 / Math.max(1, p.elapsedMs)) }),
      onResume: (r) => log.warn(`resuming GetObject at byte ${r.bytesRead} (attempt ${r.attempt}/${r.maxResumes})`, { cause: r.cause, delayMs: r.delayMs }),
    });
    if (result.outcome === 'skipped') {
      log.info(ref.continuation ? 'continuation skipped' : 'skipped: already processed', { reason: result.reason, summaryKey: result.summaryKey });
      if (ref.continuation) deps.metrics?.addMetric('ContinuationsSkipped', MetricUnit.Count, 1);
      return result;
    }
    if (result.outcome === 'continued' || result.outcome === 'handed-over') {
      log.info(result.outcome === 'continued' ? "stopped at the invocation's deadline; checkpointed, the next invocation goes on" : 'a checkpoint of this object exists: handed over to it', { ...result });
      deps.metrics?.addMetric('Continuations', MetricUnit.Count, 1);
      return result;
    }
    const { summary } = result;
    const logLine = { status: summary.status, reason: summary.reason, lines: summary.counts.lines, records: summary.counts.records, errors: summary.counts.errors, durationMs: summary.processing.durationMs, mbPerSec: summary.processing.mbPerSec, summaryKey: summary.outputs.summaryKey };
    if (result.outcome === 'stopped') log.error("stopped at the invocation's deadline; wrote what was read; the message will be retried", logLine);
    else if (summary.status === 'failed') log.error('input is corrupt or truncated; wrote what was read', logLine);
    else log.info('processed', logLine);
    const m = deps.metrics;
    if (m) {
      m.addMetric('Objects', MetricUnit.Count, 1);
      m.addMetric('Lines', MetricUnit.Count, summary.counts.lines);
      m.addMetric('Bytes', MetricUnit.Bytes, summary.counts.bytesIn);
      m.addMetric('Errors', MetricUnit.Count, summary.counts.errors);
      m.addMetric('DurationMs', MetricUnit.Milliseconds, summary.processing.durationMs);
      m.addMetric('ThroughputMBps', MetricUnit.MegabytesPerSecond, summary.processing.mbPerSec);
      // 0 or 1, so that the metric exists before the first failure; the CDK alarm sums it.
      m.addMetric('FailedObjects', MetricUnit.Count, summary.status === 'failed' ? 1 : 0);
    }
    if (result.outcome === 'stopped') throw new ObjectNotFinishedError(ref.bucket, ref.key, summary.outputs.summaryKey, { cause: summary.reason });
    return result;
  } catch (err) {
    if (err instanceof ObjectNotFinishedError) throw err; // logged above
    // A read that fails midway reaches here as the cause of the records writer's error.
    const readError = causeOfType(err, S3ReadError);
    if (readError?.code === 'NoSuchKey') {
      log.warn('object no longer exists; acknowledged without processing', { cause: readError.message });
      return { outcome: 'gone', bucket: ref.bucket, key: ref.key };
    }
    if (readError?.code === 'AccessDenied') {
      // S3's own message tells a KMS refusal from a missing s3:GetObject.
      const s3Message = errorMessage(readError.cause ?? readError);
      const denied = new ObjectAccessDeniedError(ref.bucket, ref.key, { cause: readError, s3Message });
      log.error(denied.message, { cause: s3Message });
      throw denied;
    }
    if (readError?.code === 'ObjectChanged') {
      log.error('object changed while being read; nothing written, the message will be retried', { cause: readError.message });
      throw err;
    }
    log.error('processing failed; the message will be retried', { error: err as Error });
    throw err;
  }
}

function parseBody(record: SQSRecord): unknown {
  try {
    return JSON.parse(record.body) as unknown;
  } catch (err) {
    throw new SyntaxError(`SQS message ${record.messageId} body is not JSON: ${(err as Error).message}`, { cause: err });
  }
}

function isSqsEvent(event: unknown): event is SQSEvent {
  const records = (event as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.length > 0 && (records[0] as { eventSource?: unknown }).eventSource === 'aws:sqs';
}
