import type { Context } from 'aws-lambda';
import type { BackfillAnswer } from '../src/backfill/handleBackfillEvent.js';
import { handleBackfillEvent } from '../src/backfill/handleBackfillEvent.js';
import { createLogger, createMetrics, createS3Client } from '../src/containerClients.js';
import { loadConfig } from '../src/config/loadConfig.js';

// Built once per container, as in processLog.ts: a bad setting fails the cold start with its name.
const config = loadConfig(process.env);
const logger = createLogger();
const metrics = createMetrics();
const s3 = createS3Client();

/** Lambda entry of the backfill state machine: one manifest item (`action: "item"`) or the final report (`action: "report"`). */
export const handler = async (event: unknown, context: Context): Promise<BackfillAnswer> => {
  logger.addContext(context);
  try {
    return await handleBackfillEvent({ s3, config, log: logger, metrics }, event, context);
  } finally {
    metrics.publishStoredMetrics();
  }
};
