import type { Context, SQSBatchResponse } from 'aws-lambda';
import { createLogger, createMetrics, createS3Client } from '../src/containerClients.js';
import { loadConfig } from '../src/config/loadConfig.js';
import { createContinuationSender } from '../src/pipeline/createContinuationSender.js';
import type { ObjectOutcome } from '../src/pipeline/handleEvent.js';
import { handleEvent } from '../src/pipeline/handleEvent.js';

// Built once per container: a bad setting fails the cold start with the variable's name.
const config = loadConfig(process.env);
const logger = createLogger();
const metrics = createMetrics();
const s3 = createS3Client();

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
