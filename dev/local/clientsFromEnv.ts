import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { S3_REQUEST_TIMEOUTS } from '../../functions/src/stream/constants.js';
import { LOCAL_AWS } from './localClients.js';

/** Clients for the endpoint the environment names, and that endpoint (undefined: AWS itself). */
export interface EnvClients {
  s3: S3Client;
  sqs: SQSClient;
  endpoint: string | undefined;
}

/**
 * The endpoint a developer points the CLI at: `AWS_ENDPOINT_URL` (the SDK's own variable), else
 * `LOCALSTACK_ENDPOINT` (the harness's). Undefined means AWS.
 *
 * @example endpointFromEnv({ LOCALSTACK_ENDPOINT: 'http://127.0.0.1:4566' }) // 'http://127.0.0.1:4566'
 */
export function endpointFromEnv(env: Record<string, string | undefined>): string | undefined {
  const value = env.AWS_ENDPOINT_URL?.trim() || env.LOCALSTACK_ENDPOINT?.trim();
  return value ? value.replace(/\/+$/, '') : undefined;
}

/**
 * S3 and SQS clients as the CLI builds them: against `endpoint` (or the one from the environment)
 * with path-style buckets, LocalStack's dummy credentials and region filled in where the
 * environment has none (LocalStack accepts any); against AWS with the SDK's usual credential chain.
 * S3 has the function's timeouts (S3_REQUEST_TIMEOUTS), so a stalled request is retried, never waited on forever.
 *
 * @example const { s3, sqs } = clientsFromEnv(process.env);
 */
export function clientsFromEnv(env: Record<string, string | undefined>, endpoint = endpointFromEnv(env)): EnvClients {
  if (!endpoint) return { s3: new S3Client({ requestHandler: { ...S3_REQUEST_TIMEOUTS } }), sqs: new SQSClient({}), endpoint };
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || LOCAL_AWS.region;
  // Only when the environment has no keys: real ones (or a profile) are left to the SDK's chain.
  const credentials = env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE ? {} : { credentials: LOCAL_AWS.credentials };
  return {
    s3: new S3Client({ region, endpoint, forcePathStyle: true, requestHandler: { ...S3_REQUEST_TIMEOUTS }, ...credentials }),
    sqs: new SQSClient({ region, endpoint, ...credentials }),
    endpoint,
  };
}

/**
 * The configuration clientsFromEnv gives S3 and SQS, for another client (Lambda, Step Functions):
 * the endpoint, region, and LocalStack's dummy credentials where the environment has none.
 *
 * @example const lambda = new LambdaClient(lambdaClientConfig(process.env, endpoint));
 */
export function lambdaClientConfig(
  env: Record<string, string | undefined>,
  endpoint = endpointFromEnv(env),
): { region?: string; endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } {
  if (!endpoint) return {};
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || LOCAL_AWS.region;
  return { region, endpoint, ...(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE ? {} : { credentials: LOCAL_AWS.credentials }) };
}
