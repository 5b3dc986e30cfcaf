import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LogProcessingPipeline } from './LogProcessingPipeline.js';
import type { LogProcessingPipelineProps } from './types.js';

export interface LogsieveStackProps extends StackProps {
  /** Passed to the pipeline; unset props fall back to `logsieve:*` context, then the defaults. */
  readonly pipeline?: LogProcessingPipelineProps;
}

/**
 * The deployable logsieve stack: one {@link LogProcessingPipeline} and outputs naming its parts.
 *
 * @example new LogsieveStack(app, 'Logsieve', { env: { account: '123456789012', region: 'eu-west-1' } });
 */
export class LogsieveStack extends Stack {
  readonly pipeline: LogProcessingPipeline;

  constructor(scope: Construct, id: string, props: LogsieveStackProps = {}) {
    super(scope, id, { description: 'logsieve: S3 log objects -> SQS -> Lambda -> error batches and summaries in S3', ...props });
    this.pipeline = new LogProcessingPipeline(this, 'Pipeline', props.pipeline);
    new CfnOutput(this, 'InputBucketName', { value: this.pipeline.inputBucket.bucketName });
    new CfnOutput(this, 'InputPrefix', { value: this.pipeline.settings.inputPrefix || '(whole bucket)' });
    new CfnOutput(this, 'OutputBucketName', { value: this.pipeline.outputBucket.bucketName });
    new CfnOutput(this, 'OutputPrefix', { value: this.pipeline.settings.outputPrefix || '(bucket root)' });
    new CfnOutput(this, 'QueueUrl', { value: this.pipeline.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.pipeline.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'ProcessorFunctionName', { value: this.pipeline.processor.functionName });
    if (this.pipeline.backfill) new CfnOutput(this, 'BackfillStateMachineArn', { value: this.pipeline.backfill.stateMachine.stateMachineArn });
  }
}
