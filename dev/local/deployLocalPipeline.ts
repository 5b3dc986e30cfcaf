import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { deployToLocalStack } from '../deployLocal.js';
import type { LocalPipeline } from './provisionLocalPipeline.js';

/** The deployed stack, named as `logsieve up` records it. */
export interface DeployedPipeline extends LocalPipeline {
  stackName: string;
  /** The processing function the SQS event source mapping invokes. */
  functionName: string;
}

/** The deploy failed; `failures` holds cdklocal's failed-resource and error lines. */
export class LocalDeployError extends Error {
  override name = 'LocalDeployError';
  constructor(
    readonly stackName: string,
    readonly failures: readonly string[],
  ) {
    super(`cdklocal deploy of ${stackName} failed:\n  ${failures.join('\n  ') || '(no failure lines; see the cdklocal output)'}`);
  }
}

/**
 * Deploys the real stack (infra/, the construct and its esbuild bundle) to LocalStack with
 * cdklocal, as `npm run deploy:local` does, and reads back what the rest of the CLI needs: the
 * buckets, the queues with their visibility timeout and maxReceiveCount, the function. About a
 * minute here (synth and bundle, then CloudFormation); an unchanged stack is not touched again.
 *
 * @example const pipeline = await deployLocalPipeline({ endpoint, sqs, stackName: 'Logsieve' });
 */
export async function deployLocalPipeline(options: {
  endpoint: string;
  sqs: SQSClient;
  stackName: string;
  context?: Record<string, string>;
  log?: (line: string) => void;
}): Promise<DeployedPipeline> {
  const result = await deployToLocalStack({
    endpoint: options.endpoint,
    stackName: options.stackName,
    log: options.log ?? (() => {}),
    ...(options.context ? { context: options.context } : {}),
  });
  if (!result.ok) throw new LocalDeployError(options.stackName, result.failures);
  const o = result.outputs;
  const need = (name: string): string => {
    const value = o[name];
    if (!value) throw new LocalDeployError(options.stackName, [`stack output ${name} is missing`]);
    return value;
  };
  const queueUrl = need('QueueUrl');
  const attrs = (await options.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn', 'VisibilityTimeout', 'RedrivePolicy'] }))).Attributes ?? {};
  const redrive = JSON.parse(attrs.RedrivePolicy ?? '{}') as { maxReceiveCount?: number | string };
  const outputPrefix = need('OutputPrefix');
  return {
    stackName: options.stackName,
    functionName: need('ProcessorFunctionName'),
    inputBucket: need('InputBucketName'),
    outputBucket: need('OutputBucketName'),
    // The stack prints "(bucket root)" for an empty prefix.
    outputPrefix: outputPrefix.startsWith('(') ? '' : outputPrefix,
    queueUrl,
    queueArn: attrs.QueueArn ?? '',
    deadLetterQueueUrl: need('DeadLetterQueueUrl'),
    visibilityTimeoutSeconds: Number(attrs.VisibilityTimeout ?? 0),
    maxReceiveCount: Number(redrive.maxReceiveCount ?? 0),
  };
}
