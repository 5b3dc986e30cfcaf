import type { ContinuationMessage } from '../events/continuationMessage.js';
import { ContinuationSendError } from './errors.js';

/** Sends one continuation message; `functionArn` is the invocation's own (`context.invokedFunctionArn`). */
export type ContinuationSender = (message: ContinuationMessage, functionArn: string | undefined) => Promise<void>;

/** Where continuations go: the queue when one is set (the construct's own), else the function itself. */
export interface ContinuationSenderOptions {
  /** `LOGSIEVE_CONTINUATION_QUEUE_URL`: SQS SendMessage to it (needs sqs:SendMessage on it). */
  queueUrl: string | undefined;
  /** Settings of the SQS or Lambda client (a LocalStack endpoint, region, credentials); the SDK's defaults otherwise. */
  clientConfig?: { endpoint?: string; region?: string; credentials?: { accessKeyId: string; secretAccessKey: string } };
}

/**
 * The sender of continuation messages. With a queue URL: `SendMessage` of the message's JSON to
 * that queue, whatever triggered the invocation (the construct's queue: the continuation is then
 * retried and dead-lettered like any notification). Without: an asynchronous `Invoke`
 * (InvocationType `Event`) of the function's own ARN with the message as payload (needs
 * lambda:InvokeFunction on itself; Lambda retries an async invocation twice). The SDK client is
 * loaded on the first send and kept.
 *
 * @example const send = createContinuationSender({ queueUrl: config.continuationQueueUrl });
 */
export function createContinuationSender(options: ContinuationSenderOptions): ContinuationSender {
  let sqs: Promise<(body: string) => Promise<void>> | undefined;
  let lambda: Promise<(arn: string, body: string) => Promise<void>> | undefined;
  const clientConfig = options.clientConfig ?? {};
  return async (message, functionArn) => {
    const body = JSON.stringify(message);
    const destination = options.queueUrl ?? functionArn;
    if (destination === undefined) {
      throw new ContinuationSendError(message.bucket, message.key, '(nowhere)', { cause: new Error('no LOGSIEVE_CONTINUATION_QUEUE_URL and no Lambda context to invoke the function itself') });
    }
    try {
      if (options.queueUrl !== undefined) {
        const queueUrl = options.queueUrl;
        sqs ??= import('@aws-sdk/client-sqs').then(({ SQSClient, SendMessageCommand }) => {
          const client = new SQSClient(clientConfig);
          return async (text: string) => void (await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: text })));
        });
        await (await sqs)(body);
      } else {
        lambda ??= import('@aws-sdk/client-lambda').then(({ LambdaClient, InvokeCommand }) => {
          const client = new LambdaClient(clientConfig);
          return async (arn: string, text: string) => void (await client.send(new InvokeCommand({ FunctionName: arn, InvocationType: 'Event', Payload: Buffer.from(text) })));
        });
        await (await lambda)(destination, body);
      }
    } catch (err) {
      throw new ContinuationSendError(message.bucket, message.key, destination, { cause: err });
    }
  };
}
