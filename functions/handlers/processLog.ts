import { S3Client } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { loadConfig } from '../src/config/loadConfig.js';
import { createContinuationSender } from '../src/pipeline/createContinuationSender.js';
import type { ObjectOutcome } from '../src/pipeline/handleEvent.js';
import { handleEvent } from '../src/pipeline/handleEvent.js';

// Built once per container: a bad setting fails the cold start with the variable's name.
const config = loadConfig(process.env);
const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'logsieve' });
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'logsieve',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'logsieve',
});
// A custom endpoint (LocalStack) serves buckets by path, not by virtual host. Timeouts bound a
// request that never answers (5 s to connect, 30 s of socket silence); the reader resumes a body
// that is cut or stalls (functions/src/stream/resumeBody.ts).
const s3 = new S3Client({
  forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL),
  requestHandler: { connectionTimeout: 5_000, socketTimeout: 30_000 },
});

// Continuations go to the construct's queue (LOGSIEVE_CONTINUATION_QUEUE_URL), else to the function itself.
const sendContinuation = config.continuation ? createContinuationSender({ queueUrl: config.continuationQueueUrl }) : undefined;

/** Lambda entry: S3 notifications through SQS (partial batch response), direct S3 notifications, or EventBridge. */
export const handler = async (event: unknown, context: Context): Promise<SQSBatchResponse | ObjectOutcome[]> => {
  logger.addContext(context);
  try {
    return await handleEvent({ s3, config, log: logger, metrics, ...(sendContinuation ? { sendContinuation } : {}) }, event, context);
  } finally {
    metrics.publishStoredMetrics();
  }
};
