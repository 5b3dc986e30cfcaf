import { S3Client } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

import { S3_REQUEST_TIMEOUTS } from './stream/constants.js';

const service = (): string => process.env.POWERTOOLS_SERVICE_NAME ?? 'logsieve';

/** The Powertools logger of a function, named by POWERTOOLS_SERVICE_NAME (default `logsieve`). */
export const createLogger = (): Logger => new Logger({ serviceName: service() });

/** The Powertools EMF metrics of a function, namespace POWERTOOLS_METRICS_NAMESPACE (default `logsieve`). */
export const createMetrics = (): Metrics =>
  new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'logsieve', serviceName: service() });

/**
 * The S3 client of a function, built once per container. A custom endpoint (LocalStack) serves
 * buckets by path, not by virtual host. Timeouts (S3_REQUEST_TIMEOUTS) bound a request that never
 * answers; the reader resumes a body that is cut or stalls
 * (functions/src/stream/resumeBody.ts).
 */
export const createS3Client = (): S3Client =>
  new S3Client({
    forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL),
    requestHandler: { ...S3_REQUEST_TIMEOUTS },
  });
