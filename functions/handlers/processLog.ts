import { S3Client } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { loadConfig } from '../src/config/loadConfig.js';
import { handleEvent } from '../src/pipeline/handleEvent.js';
import type { Summary } from '../src/pipeline/types.js';

// Built once per container: a bad setting fails the cold start with the variable's name.
const config = loadConfig(process.env);
const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'logsieve' });
// A custom endpoint (LocalStack) serves buckets by path, not by virtual host.
const s3 = new S3Client({
  forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL),
});

/** Lambda entry: S3 notifications through SQS (partial batch response), direct S3 notifications, or EventBridge. */
export const handler = async (event: unknown, context: Context): Promise<SQSBatchResponse | Summary[]> => {
  logger.addContext(context);
  return handleEvent({ s3, config, log: logger }, event, context);
};
