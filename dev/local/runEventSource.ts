import { DeleteMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { pollQueue } from './pollQueue.js';

/** What happened to one batch. */
export interface BatchOutcome {
  records: SQSRecord[];
  /** Messages the handler reported in `batchItemFailures`, or all of them when it threw. */
  failed: SQSRecord[];
  /** Messages deleted from the queue (the rest come back after the visibility timeout). */
  deleted: SQSRecord[];
  /** Set when the invocation itself threw: the whole batch is retried, as Lambda retries it. */
  error?: Error;
  durationMs: number;
}

/** Options of {@link runEventSource}. */
export interface EventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  /** Stops polling; a batch being handled is finished (and its messages deleted) first. */
  signal: AbortSignal;
  /** The function: here the handler core, `handleEvent`. */
  invoke: (event: SQSEvent) => Promise<unknown>;
  /** Called after each batch has been handled and its successes deleted. */
  onBatch?: (outcome: BatchOutcome) => void | Promise<void>;
  /** 1 to 10, default 10. */
  batchSize?: number;
  /** 0 to 20 s, default 20. */
  waitTimeSeconds?: number;
}

/**
 * What the Lambda SQS event source mapping does, run locally: long-polls the queue, invokes the
 * function with each batch, one batch at a time, and deletes the messages that succeeded: all but
 * those named in the `batchItemFailures` of the partial batch response. When the invocation
 * throws, nothing is deleted. Messages not deleted become visible again after the queue's
 * visibility timeout, and go to the dead-letter queue after its `maxReceiveCount`. Resolves with
 * totals when `signal` aborts.
 *
 * @example await runEventSource({ sqs, queueUrl, queueArn, signal, invoke: (e) => handleEvent(deps, e) });
 */
export async function runEventSource(options: EventSourceOptions): Promise<{ batches: number; messages: number; failed: number }> {
  const { sqs, queueUrl, queueArn, signal } = options;
  const totals = { batches: 0, messages: 0, failed: 0 };
  for await (const records of pollQueue({ sqs, queueUrl, queueArn, signal, batchSize: options.batchSize, waitTimeSeconds: options.waitTimeSeconds })) {
    const started = Date.now();
    let failedIds: Set<string>;
    let error: Error | undefined;
    try {
      const response = await options.invoke({ Records: records });
      failedIds = new Set(((response as SQSBatchResponse | undefined)?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
      failedIds = new Set(records.map((r) => r.messageId));
    }
    const deleted = records.filter((r) => !failedIds.has(r.messageId));
    if (deleted.length > 0) {
      // Not tied to `signal`: a batch that was handled must be acknowledged even while stopping.
      const res = await sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: deleted.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })) }),
      );
      if (res.Failed && res.Failed.length > 0) {
        throw new Error(`DeleteMessageBatch failed for ${res.Failed.length} of ${deleted.length} messages on ${queueUrl}: ${res.Failed[0]?.Message ?? res.Failed[0]?.Code}`);
      }
    }
    const failed = records.filter((r) => failedIds.has(r.messageId));
    totals.batches++;
    totals.messages += records.length;
    totals.failed += failed.length;
    await options.onBatch?.({ records, failed, deleted, ...(error ? { error } : {}), durationMs: Date.now() - started });
  }
  return totals;
}
