import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { toSqsRecord } from './toSqsRecord.js';

/** Options of {@link pollQueue}. */
export interface PollQueueOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  /** Ends the iteration: aborts the ReceiveMessage in flight, then returns. */
  signal: AbortSignal;
  /** Messages per batch, 1 to 10 (SQS's bound for one receive). Default 10, the construct's batch size. */
  batchSize?: number;
  /** Long-poll wait, 0 to 20 s. Default 20. */
  waitTimeSeconds?: number;
}

/**
 * The messages of a queue as an endless async iterable of batches, one batch per non-empty
 * ReceiveMessage long poll (at most `batchSize` messages), each message shaped as the Lambda SQS
 * event source delivers it. Holds one batch at a time and never deletes: the consumer does, as the
 * event source mapping does after the function returns. Ends when `signal` aborts (the request in
 * flight is aborted, which closes its socket) or when the consumer leaves the loop.
 *
 * @example
 * for await (const records of pollQueue({ sqs, queueUrl, queueArn, signal })) await handle({ Records: records });
 */
export async function* pollQueue(options: PollQueueOptions): AsyncGenerator<SQSRecord[]> {
  const { sqs, queueUrl, queueArn, signal } = options;
  const batchSize = options.batchSize ?? 10;
  const waitTimeSeconds = options.waitTimeSeconds ?? 20;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10) throw new RangeError(`Option batchSize must be an integer from 1 to 10; got ${batchSize}`);
  if (!Number.isInteger(waitTimeSeconds) || waitTimeSeconds < 0 || waitTimeSeconds > 20) {
    throw new RangeError(`Option waitTimeSeconds must be an integer from 0 to 20; got ${waitTimeSeconds}`);
  }
  // Our own controller, so that leaving the loop can abort a receive even if the caller's signal never fires.
  const inFlight = new AbortController();
  const onAbort = (): void => inFlight.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (!signal.aborted) {
      let messages;
      try {
        const res = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: batchSize, WaitTimeSeconds: waitTimeSeconds, MessageSystemAttributeNames: ['All'] }),
          { abortSignal: inFlight.signal },
        );
        messages = res.Messages ?? [];
      } catch (err) {
        if (inFlight.signal.aborted) return;
        throw err;
      }
      // Messages received as the signal fired are not handed out: like any unacknowledged
      // message they become visible again after the visibility timeout.
      if (signal.aborted) return;
      if (messages.length > 0) yield messages.map((m) => toSqsRecord(m, queueArn));
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    inFlight.abort();
  }
}
