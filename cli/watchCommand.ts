import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { handleEvent } from '../functions/src/pipeline/handleEvent.js';
import { clientsFromEnv, endpointFromEnv, lambdaClientConfig } from '../dev/local/clientsFromEnv.js';
import { pauseEventSource } from '../dev/local/pauseEventSource.js';
import type { ObjectSummary } from '../dev/local/readSummaries.js';
import { readSummaries } from '../dev/local/readSummaries.js';
import type { BatchOutcome } from '../dev/local/runEventSource.js';
import { runEventSource } from '../dev/local/runEventSource.js';
import type { CliLogLevel } from './createCliLogger.js';
import { createCliLogger } from './createCliLogger.js';
import { NotFoundError } from './errors.js';
import { liveUpState, stateFilePath } from './liveUpState.js';
import { loadCliConfig } from './loadCliConfig.js';
import type { CliIO } from './types.js';

/** Options of `logsieve watch`. */
export interface WatchCommandOptions {
  /** Default: the queue of `logsieve up`. */
  queueUrl?: string | undefined;
  /**
   * A deployed function whose event source mapping reads the same queue (default: the one of
   * `logsieve up`): paused while watching, so that this process gets the messages, and resumed after.
   */
  functionName?: string | undefined;
  /** Default: the output bucket of `logsieve up`; required with --queue-url. */
  outputBucket?: string | undefined;
  outputPrefix?: string | undefined;
  config?: string | undefined;
  logLevel?: CliLogLevel | undefined;
  batchSize?: number | undefined;
  waitTimeSeconds?: number | undefined;
  /** Print `process.getActiveResourcesInfo()` at shutdown (also LOGSIEVE_DEBUG_HANDLES=1). */
  debugHandles?: boolean | undefined;
  /** Called with each object processed; the demo uses it to know when it is done. */
  onObject?: (object: ObjectSummary) => void;
}

/**
 * `logsieve watch`: the Lambda's SQS event source mapping, run locally against the queue of
 * `logsieve up` (or `--queue-url`): long polls, invokes the real handler core (`handleEvent`) with
 * each batch, deletes what succeeded, leaves partial failures to come back after the visibility
 * timeout, and prints one line per object processed. Runs until the signal (Ctrl-C, SIGTERM), then
 * aborts the poll in flight, finishes the batch being handled, closes its clients and returns.
 *
 * @example await watchCommand({}, io); // Ctrl-C to stop
 */
export async function watchCommand(options: WatchCommandOptions, io: CliIO): Promise<{ batches: number; messages: number; failed: number }> {
  let endpoint = endpointFromEnv(io.env);
  let queueUrl = options.queueUrl;
  let outputBucket = options.outputBucket;
  let outputPrefix = options.outputPrefix;
  let functionName = options.functionName;
  if (!queueUrl) {
    const file = stateFilePath(io.env);
    const state = await liveUpState(file);
    if (!state) throw new NotFoundError(file, `no queue to watch: nothing is up (${file}); run logsieve up first, or pass --queue-url and --output-bucket`);
    ({ queueUrl } = state);
    endpoint = state.endpoint;
    outputBucket ??= state.outputBucket;
    outputPrefix ??= state.outputPrefix;
    functionName ??= state.functionName;
  } else if (!outputBucket) {
    throw new NotFoundError('--output-bucket', 'watch --queue-url needs --output-bucket (the bucket summaries are written to)');
  }
  const config = loadCliConfig({ env: io.env, rulesFile: options.config, outputBucket, outputPrefix });
  const log = createCliLogger({ level: options.logLevel, env: io.env, tty: io.tty });
  const { s3, sqs } = clientsFromEnv(io.env, endpoint);
  let resume: (() => Promise<void>) | undefined;
  const lambda = functionName ? new LambdaClient(lambdaClientConfig(io.env, endpoint)) : undefined;
  try {
    if (lambda && functionName) {
      io.err(`pausing the event source of the deployed function ${functionName} while watching (resumed at the end)\n`);
      resume = await pauseEventSource(lambda, functionName);
    }
    // Fails fast (unreachable endpoint, no such queue) and gives the ARN the event records carry.
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }), { abortSignal: io.signal });
    const queueArn = attrs.Attributes?.QueueArn ?? '';
    io.err(`watching ${queueUrl} → s3://${config.outputBucket}/${config.outputPrefix} (Ctrl-C to stop)\n`);

    const onBatch = async (outcome: BatchOutcome): Promise<void> => {
      if (outcome.error) io.err(`batch of ${outcome.records.length} failed, all will be retried after the visibility timeout: ${outcome.error.message}\n`);
      else if (outcome.failed.length > 0) io.err(`${outcome.failed.length} of ${outcome.records.length} messages failed; they come back after the visibility timeout\n`);
      for (const object of await readSummaries(s3, config, outcome.deleted)) {
        io.out(`${describeObject(object, config.outputBucket)}\n`);
        options.onObject?.(object);
      }
    };
    const totals = await runEventSource({
      sqs,
      queueUrl,
      queueArn,
      signal: io.signal,
      invoke: (event) => handleEvent({ s3, config, log }, event),
      onBatch,
      batchSize: options.batchSize,
      waitTimeSeconds: options.waitTimeSeconds,
    });
    io.err(`stopped: ${totals.batches} batches, ${totals.messages} messages, ${totals.failed} failed\n`);
    return totals;
  } finally {
    if (resume) {
      await resume().then(
        () => io.err(`resumed the event source of ${functionName}\n`),
        (err: unknown) => io.err(`could not resume the event source of ${functionName}: ${err instanceof Error ? err.message : String(err)}\n`),
      );
    }
    lambda?.destroy();
    s3.destroy();
    sqs.destroy();
    if (options.debugHandles || io.env.LOGSIEVE_DEBUG_HANDLES === '1') {
      // A destroyed socket's handle is released in the close phase of the loop, which comes after
      // setImmediate callbacks: let one whole turn pass before looking.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 0));
      io.err(`active resources at shutdown: ${JSON.stringify(process.getActiveResourcesInfo())}\n`);
    }
  }
}

function describeObject({ ref, summaryKey, summary }: ObjectSummary, outputBucket: string): string {
  const name = `s3://${ref.bucket}/${ref.key}`;
  if (!summary) return `${name}: no summary (ignored or gone; see the log)`;
  const c = summary.counts;
  const status = summary.status === 'complete' ? 'processed' : `FAILED (${summary.reason ?? 'corrupt input'})`;
  const format = summary.source.messageFormat ? `${summary.source.format} (${summary.source.messageFormat})` : summary.source.format;
  return `${name}: ${status}, ${format}, ${c.lines.toLocaleString('en-US')} lines, ${c.errors.toLocaleString('en-US')} errors, ${summary.processing.mbPerSec} MB/s → s3://${outputBucket}/${summaryKey}`;
}
