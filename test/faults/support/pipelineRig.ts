import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { loadConfig } from '../../../functions/src/config/loadConfig.js';
import type { HandlerDeps, ObjectOutcome } from '../../../functions/src/pipeline/handleEvent.js';
import { handleEvent } from '../../../functions/src/pipeline/handleEvent.js';
import type { Summary } from '../../../functions/src/pipeline/types.js';
import { LOCAL_AWS, localstackClients, uniqueName } from '../../helpers/localstackClients.js';

/** One structured log line the handler wrote, as Powertools would print it (level, message, keys). */
export interface CapturedLog {
  level: string;
  message: string;
  [key: string]: unknown;
}

/** Keeps a copy of every log item it formats, as Powertools would print it (a flat object). */
class CapturingFormatter extends LogFormatter {
  constructor(private readonly sink: CapturedLog[]) {
    super();
  }

  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const item = { level: attributes.logLevel, message: attributes.message, ...additional };
    // What the logger prints: errors (and their causes) formatted the way Powertools' replacer does.
    this.sink.push(JSON.parse(JSON.stringify(item, (_key, value: unknown) => (value instanceof Error ? this.formatError(value) : value))) as CapturedLog);
    return new LogItem({ attributes: item });
  }
}

/** An output bucket, clients, handler deps and readers for what the handler wrote. */
export interface PipelineRig {
  endpoint: string;
  /** Clients straight to LocalStack (test setup and reading results never go through a proxy). */
  s3: S3Client;
  sqs: ReturnType<typeof localstackClients>['sqs'];
  outputBucket: string;
  /** Every WARN and ERROR line the handler logged, oldest first. */
  logs: CapturedLog[];
  /** Every metric the handler added (`deps.metrics`), oldest first: the values EMF would carry. */
  metrics: Array<{ name: string; unit: string; value: number }>;
  /**
   * Handler deps whose S3 client talks to `endpoint` (a fault proxy, or LocalStack by default) and
   * whose logger records into `logs`. `clientConfig` adds to the client's settings (timeouts…).
   */
  deps(options?: { endpoint?: string; clientConfig?: S3ClientConfig; env?: Record<string, string> }): HandlerDeps;
  /** Runs `handleEvent` on an SQS event, as the Lambda event source mapping delivers it (with a Lambda context when given). */
  runSqs(deps: HandlerDeps, event: SQSEvent, context?: Context): Promise<SQSBatchResponse>;
  /** The summary written for `key`, or undefined when there is none. */
  summary(key: string): Promise<Summary | undefined>;
  /** Error records in the error part written for `key` (0 when there is no part). */
  recordsWritten(key: string): Promise<number>;
  /** Keys under the output prefix for `key` (summaries and error parts). */
  outputsOf(key: string): Promise<string[]>;
}

/** Output prefix of every rig. */
export const OUT = 'out/';

/** Creates a fresh output bucket and the helpers to drive the handler against it. */
export async function createPipelineRig(): Promise<PipelineRig> {
  const { endpoint, s3, sqs } = localstackClients();
  const outputBucket = uniqueName('logsieve-faults-out');
  await s3.send(new CreateBucketCommand({ Bucket: outputBucket }));
  const logs: CapturedLog[] = [];
  const metrics: PipelineRig['metrics'] = [];

  const text = async (key: string): Promise<Uint8Array | undefined> => {
    try {
      const res = await s3.send(new GetObjectCommand({ Bucket: outputBucket, Key: key }));
      return await res.Body!.transformToByteArray();
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  };

  return {
    endpoint,
    s3,
    sqs,
    outputBucket,
    logs,
    metrics,
    deps(options = {}) {
      const config = loadConfig({ LOGSIEVE_OUTPUT_BUCKET: outputBucket, LOGSIEVE_OUTPUT_PREFIX: OUT, ...options.env });
      const log = new Logger({ serviceName: 'logsieve-faults', logLevel: 'WARN', logFormatter: new CapturingFormatter(logs) });
      const client = new S3Client({ ...LOCAL_AWS, endpoint: options.endpoint ?? endpoint, forcePathStyle: true, ...options.clientConfig });
      return { s3: client, config, log, metrics: { addMetric: (name, unit, value) => void metrics.push({ name, unit, value }) } };
    },
    async runSqs(deps, event, context) {
      return (await handleEvent(deps, event, context)) as SQSBatchResponse;
    },
    async summary(key) {
      const bytes = await text(`${OUT}summaries/${key}.json`);
      return bytes === undefined ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as Summary);
    },
    async recordsWritten(key) {
      const bytes = await text(`${OUT}errors/${key}/part-00000.ndjson.gz`);
      if (bytes === undefined) return 0;
      const ndjson = gunzipSync(bytes).toString('utf8');
      // Every line must be a whole record: a part cut short would not parse.
      return ndjson === '' ? 0 : ndjson.trimEnd().split('\n').filter((line) => JSON.parse(line) !== null).length;
    },
    async outputsOf(key) {
      const keys: string[] = [];
      for (const prefix of [`${OUT}summaries/${key}.`, `${OUT}errors/${key}/`]) {
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: outputBucket, Prefix: prefix }));
        keys.push(...(listed.Contents ?? []).map((o) => o.Key!));
      }
      return keys;
    },
  };
}

/** Outcomes of a direct (non-SQS) invocation. */
export type Outcomes = ObjectOutcome[];
