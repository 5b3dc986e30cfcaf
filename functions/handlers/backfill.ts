import { S3Client } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { BackfillAnswer } from '../src/backfill/handleBackfillEvent.js';
import { handleBackfillEvent } from '../src/backfill/handleBackfillEvent.js';
import { loadConfig } from '../src/config/loadConfig.js';

// Built once per container, as in processLog.ts: a bad setting fails the cold start with its name.
const config = loadConfig(process.env);
const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'logsieve' });
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'logsieve',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'logsieve',
});
const s3 = new S3Client({
  forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL),
  requestHandler: { connectionTimeout: 5_000, socketTimeout: 30_000 },
});

/** Lambda entry of the backfill state machine: one manifest item (`action: "item"`) or the final report (`action: "report"`). */
export const handler = async (event: unknown, context: Context): Promise<BackfillAnswer> => {
  logger.addContext(context);
  try {
    return await handleBackfillEvent({ s3, config, log: logger, metrics }, event, context);
  } finally {
    metrics.publishStoredMetrics();
  }
};
