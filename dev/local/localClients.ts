import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

/** Region and dummy credentials LocalStack accepts. */
export const LOCAL_AWS = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } as const;

/** S3 (path-style) and SQS clients for a LocalStack endpoint. */
export function localClients(endpoint: string): { s3: S3Client; sqs: SQSClient } {
  return {
    s3: new S3Client({ ...LOCAL_AWS, endpoint, forcePathStyle: true }),
    sqs: new SQSClient({ ...LOCAL_AWS, endpoint }),
  };
}
