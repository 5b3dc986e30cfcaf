import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';

/** Region and dummy credentials every LocalStack client and the handler under test use. */
export const LOCAL_AWS = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } as const;

/** The endpoint the global setup started, plus S3 and SQS clients pointed at it. */
export function localstackClients(): { endpoint: string; s3: S3Client; sqs: SQSClient } {
  const endpoint = inject('localstackEndpoint');
  return {
    endpoint,
    s3: new S3Client({ ...LOCAL_AWS, endpoint, forcePathStyle: true }),
    sqs: new SQSClient({ ...LOCAL_AWS, endpoint }),
  };
}

/**
 * Points the AWS SDK of code under test (the Lambda entry builds its own clients) at LocalStack,
 * the way `AWS_ENDPOINT_URL` does on a developer's machine.
 */
export function useLocalstackEnv(endpoint: string, extra: Record<string, string> = {}): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    POWERTOOLS_LOG_LEVEL: 'WARN',
    ...extra,
  });
}

/** A bucket or queue name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
