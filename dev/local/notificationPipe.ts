import { CreateBucketCommand, PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { toSqsRecord } from './toSqsRecord.js';
import { uniqueName } from './uniqueName.js';

/** An input bucket whose ObjectCreated notifications go to an SQS queue, as the CDK construct wires it. */
export interface NotificationPipe {
  bucket: string;
  queueUrl: string;
  queueArn: string;
}

/** Options of {@link createNotificationPipe}; names default to unique ones. */
export interface NotificationPipeOptions {
  /** Key prefix the notification is filtered on. */
  prefix?: string;
  bucket?: string;
  queueName?: string;
  /** Queue attributes set at creation (VisibilityTimeout, RedrivePolicy…). */
  queueAttributes?: Record<string, string>;
}

/** Creates a bucket, a queue, the queue policy and the bucket's notification configuration. */
export async function createNotificationPipe(s3: S3Client, sqs: SQSClient, options: NotificationPipeOptions = {}): Promise<NotificationPipe> {
  const bucket = options.bucket ?? uniqueName('logsieve-in');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const { QueueUrl: queueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: options.queueName ?? uniqueName('logsieve-q'), ...(options.queueAttributes ? { Attributes: options.queueAttributes } : {}) }),
  );
  if (!queueUrl) throw new Error('CreateQueue returned no QueueUrl');
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const queueArn = attrs.Attributes?.QueueArn;
  if (!queueArn) throw new Error('GetQueueAttributes returned no QueueArn');
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: queueUrl,
      Attributes: {
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 's3.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: queueArn,
              Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${bucket}` } },
            },
          ],
        }),
      },
    }),
  );
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            QueueArn: queueArn,
            Events: ['s3:ObjectCreated:*'],
            ...(options.prefix ? { Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: options.prefix }] } } } : {}),
          },
        ],
      },
    }),
  );
  return { bucket, queueUrl, queueArn };
}

/**
 * Long-polls the queue until `count` messages that are not `s3:TestEvent` have arrived (or the
 * deadline passes), deletes them, and returns them shaped as the Lambda SQS event source delivers them.
 */
export async function receiveNotifications(sqs: SQSClient, pipe: NotificationPipe, count: number, timeoutMs = 30_000): Promise<SQSEvent> {
  const records: SQSRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (records.length < count && Date.now() < deadline) {
    const res = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: pipe.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }),
    );
    const messages = res.Messages ?? [];
    if (messages.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: pipe.queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
    for (const m of messages) {
      if (m.Body?.includes('s3:TestEvent')) continue;
      records.push(toSqsRecord(m, pipe.queueArn));
    }
  }
  if (records.length < count) throw new Error(`expected ${count} S3 notifications on ${pipe.queueUrl}, got ${records.length} within ${timeoutMs} ms`);
  return { Records: records };
}
