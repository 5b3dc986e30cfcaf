import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createLogger, createS3Client } from '../src/containerClients.js';
import { loadRollupConfig } from '../src/config/loadRollupConfig.js';
import { RollupRunError } from '../src/rollup/errors.js';
import { publishChange } from '../src/rollup/publishChange.js';
import type { RunReport } from '../src/rollup/runRollups.js';
import { runRollups } from '../src/rollup/runRollups.js';
import { limitHeapGrowth } from '../src/runtime/limitHeapGrowth.js';

// The heap grows to at most 1.5× what the last full GC kept, whatever the number of summaries (limitHeapGrowth).
limitHeapGrowth();

// Built once per container: a bad setting fails the cold start with the variable's name.
const config = loadRollupConfig(process.env);
const logger = createLogger();
const s3 = createS3Client();
// Endpoint, region and credentials from the environment as for S3 (AWS_ENDPOINT_URL: LocalStack);
// each attempt bounded by 5 s to connect and 10 s without an answer, the SDK's 3 attempts.
const publish = config.events
  ? publishChange(new EventBridgeClient({ requestHandler: { connectionTimeout: 5_000, requestTimeout: 10_000 } }), config.eventBusName)
  : undefined;

/**
 * Lambda entry of the scheduled rollup writer (EventBridge schedule; any event runs it): rewrites
 * the dirty hours and their days, puts `Error groups changed` events. Fails the invocation when an
 * hour or day failed (its markers stay; the next run retries it).
 */
export const handler = async (): Promise<RunReport> => {
  const report = await runRollups({ s3, bucket: config.outputBucket, outputPrefix: config.outputPrefix, settings: config.settings }, publish);
  logger.info('rollups written', { hours: report.hours.length, days: report.days.length, events: report.events, markersDeleted: report.markersDeleted });
  if (report.failures.length > 0) {
    logger.error('rollups failed', { failures: report.failures });
    throw new RollupRunError(report.failures);
  }
  return report;
};
