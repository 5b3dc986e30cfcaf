import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { PIPELINE_DEFAULTS } from '../../infra/lib/constants.js';
import { createNotificationPipe } from './notificationPipe.js';
import { uniqueName } from './uniqueName.js';

/** Everything `logsieve up` creates, by name. */
export interface LocalPipeline {
  inputBucket: string;
  outputBucket: string;
  outputPrefix: string;
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
  /** Seconds a received message stays invisible; a failed one is retried after this. */
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
}

/** Options of {@link provisionLocalPipeline}. */
export interface ProvisionOptions {
  /**
   * Visibility timeout of the queue. Default 60 s: the deployed queue uses 6 × the function timeout
   * (30 min), far too long to watch a failed message come back on a laptop.
   */
  visibilityTimeoutSeconds?: number;
}

/**
 * Creates on LocalStack what the CDK construct (`LogProcessingPipeline`) deploys, minus the
 * function: an input bucket, a separate output bucket, a dead-letter queue, the notification
 * queue redriving to it after `maxReceiveCount` receives, and the input bucket's ObjectCreated
 * notification to the queue with its queue policy. Names are unique per call.
 *
 * @example const pipeline = await provisionLocalPipeline(s3, sqs);
 */
export async function provisionLocalPipeline(s3: S3Client, sqs: SQSClient, options: ProvisionOptions = {}): Promise<LocalPipeline> {
  const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 60;
  if (!Number.isInteger(visibilityTimeoutSeconds) || visibilityTimeoutSeconds < 0 || visibilityTimeoutSeconds > 43_200) {
    throw new RangeError(`Option visibilityTimeoutSeconds must be an integer from 0 to 43200; got ${visibilityTimeoutSeconds}`);
  }
  const { maxReceiveCount, outputPrefix } = PIPELINE_DEFAULTS;
  const outputBucket = uniqueName('logsieve-out');
  await s3.send(new CreateBucketCommand({ Bucket: outputBucket }));
  const { QueueUrl: deadLetterQueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('logsieve-dlq') }));
  if (!deadLetterQueueUrl) throw new Error('CreateQueue returned no QueueUrl for the dead-letter queue');
  const dlq = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['QueueArn'] }));
  const deadLetterArn = dlq.Attributes?.QueueArn;
  if (!deadLetterArn) throw new Error('GetQueueAttributes returned no QueueArn for the dead-letter queue');
  const pipe = await createNotificationPipe(s3, sqs, {
    queueAttributes: {
      VisibilityTimeout: String(visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount }),
    },
  });
  return {
    inputBucket: pipe.bucket,
    outputBucket,
    outputPrefix,
    queueUrl: pipe.queueUrl,
    queueArn: pipe.queueArn,
    deadLetterQueueUrl,
    visibilityTimeoutSeconds,
    maxReceiveCount,
  };
}
