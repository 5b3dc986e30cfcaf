import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { LOCAL_AWS, localClients } from '../../dev/local/localClients.js';

export { LOCAL_AWS } from '../../dev/local/localClients.js';
export { uniqueName } from '../../dev/local/uniqueName.js';

/** The endpoint the global setup started, plus S3 and SQS clients pointed at it. */
export function localstackClients(): { endpoint: string; s3: S3Client; sqs: SQSClient } {
  const endpoint = inject('localstackEndpoint');
  return { endpoint, ...localClients(endpoint) };
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
