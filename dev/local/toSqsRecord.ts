import type { Message } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/**
 * A received SQS message shaped as the Lambda SQS event source delivers it, so the handler core
 * sees locally exactly what it sees in AWS. The region is read from the queue ARN.
 *
 * @example const event = { Records: messages.map((m) => toSqsRecord(m, queueArn)) };
 */
export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: (message.Attributes ?? {}) as unknown as SQSRecord['attributes'],
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] || 'us-east-1',
  };
}
