import { createHash } from 'node:crypto';
import { Annotations, Aws, Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, EventType, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { BucketProps, CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { BackfillStateMachine } from './BackfillStateMachine.js';
import { PIPELINE_DEFAULTS } from './constants.js';
import { FUNCTION_BUNDLE, ROLLUP_WRITER_BUNDLE } from './functionBundle.js';
import { makeFunction } from './makeFunction.js';
import { grantContinuation } from './processorAccess.js';
import type { LogProcessor } from './makeFunction.js';
import { resolveBackfillSettings } from './resolveBackfillSettings.js';
import { resolvePipelineSettings } from './resolvePipelineSettings.js';
import type { LogProcessingPipelineProps, PipelineSettings } from './types.js';

/** The pipeline's function, whichever way its code was built; both carry the bind…() helpers. */
export type { LogProcessor } from './makeFunction.js';

/** Id of the singleton CDK adds to a stack for notifications on buckets it does not own. */
const NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

/**
 * The whole logsieve pipeline as one construct: input bucket → S3 notification → SQS queue (with
 * DLQ) → processing function → outputs under a prefix of the output bucket, with alarms.
 * Settings come from props, then `logsieve:*` context, then PIPELINE_DEFAULTS; a bad one fails
 * synth with a PipelineSettingsError naming it.
 *
 * @example
 * new LogProcessingPipeline(this, 'Logs', { inputBucketName: 'my-logs', inputPrefix: 'app/', outputToInputBucket: true });
 */
export class LogProcessingPipeline extends Construct {
  readonly settings: PipelineSettings;
  readonly inputBucket: IBucket;
  readonly outputBucket: IBucket;
  /** SSE-KMS key of the input bucket the function may decrypt with, if any. */
  readonly inputBucketKey: IKey | undefined;
  /** SSE-KMS key of the output bucket the function may encrypt and decrypt with, if any. */
  readonly outputBucketKey: IKey | undefined;
  /** Destination of S3 server access logs, when this construct made one. */
  readonly accessLogsBucket: Bucket | undefined;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Bundled at synth from the TypeScript source in a clone, from the shipped bundle when installed (see makeFunction). */
  readonly processor: LogProcessor;
  /** The scheduled rollup writer and its schedule; undefined when `rollupSchedule` is 'off'. */
  readonly rollupWriter: LogProcessor | undefined;
  readonly rollupSchedule: Rule | undefined;
  /** Rule routing `Error groups changed` events to `changesTopic`, when one is given. */
  readonly changesRule: Rule | undefined;
  readonly alarmTopic: ITopic | undefined;
  /** The backfill state machine and its function, when the `backfill` setting asks for it. */
  readonly backfill: BackfillStateMachine | undefined;
  readonly alarms: { readonly deadLetterQueueNotEmpty: IAlarm; readonly functionErrors: IAlarm; readonly oldestMessageAge: IAlarm; readonly failedObjects: IAlarm };

  constructor(scope: Construct, id: string, props: LogProcessingPipelineProps = {}) {
    super(scope, id);
    // The buckets enforce bucket-owner object ownership (no ACLs), so S3 access logs must be granted
    // by bucket policy. cdk.json of this repository sets the flag for the whole app; an app that
    // embeds the construct may not, and synth would then fail on the access-logs bucket. Set here,
    // before any child exists, it applies to this construct's subtree only.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const s = resolvePipelineSettings(props, (key) => this.node.tryGetContext(key));
    this.settings = s;

    // Before the buckets: bucketHygiene points them at it.
    const createsInput = !props.inputBucket && s.inputBucketName === undefined;
    const createsOutput = !s.outputToInputBucket && !props.outputBucket && s.outputBucketName === undefined;
    this.accessLogsBucket = s.serverAccessLogs && (createsInput || createsOutput) ? this.makeAccessLogsBucket() : undefined;
    const { inputBucket } = ({ inputBucket: this.inputBucket, outputBucket: this.outputBucket, inputBucketKey: this.inputBucketKey, outputBucketKey: this.outputBucketKey } = this.makeBuckets(props, s));
    ({ deadLetterQueue: this.deadLetterQueue, queue: this.queue } = this.makeQueues(s));
    // Notifications
    if (inputBucket instanceof Bucket && inputBucket.node.scope === this) {
      this.notifyNewBucket(inputBucket, s);
    } else {
      this.notifyImportedBucket(inputBucket, s);
    }
    this.processor = this.makeProcessor(props, s);
    ({ writer: this.rollupWriter, schedule: this.rollupSchedule, changesRule: this.changesRule } = this.addRollups(s, props));

    // Backfill
    const backfill = resolveBackfillSettings(props.backfill, (key) => this.node.tryGetContext(key));
    this.backfill = backfill && new BackfillStateMachine(this, 'Backfill', {
      settings: backfill,
      inputBucket: this.inputBucket, inputPrefix: s.inputPrefix, inputBucketKey: this.inputBucketKey,
      outputBucket: this.outputBucket, outputPrefix: s.outputPrefix, outputBucketKey: this.outputBucketKey,
      memorySize: s.memorySize,
      timeout: Duration.seconds(s.timeoutSeconds),
      logRetention: s.logRetentionDays as RetentionDays,
      environment: handlerEnvironment(s),
    });

    this.alarmTopic = props.alarmTopic ?? (s.alarmTopicArn !== undefined ? Topic.fromTopicArn(this, 'AlarmTopic', s.alarmTopicArn) : undefined);
    this.alarms = this.makeAlarms(s);
  }

  /** The input and output buckets (created, imported by name, or given) and their keys. */
  private makeBuckets(props: LogProcessingPipelineProps, s: PipelineSettings): { inputBucket: IBucket; outputBucket: IBucket; inputBucketKey: IKey | undefined; outputBucketKey: IKey | undefined } {
    const inputBucket = props.inputBucket
      ?? (s.inputBucketName !== undefined
        ? Bucket.fromBucketName(this, 'InputBucket', s.inputBucketName)
        : new Bucket(this, 'InputBucket', {
          ...this.bucketHygiene('input/'),
          // A name known before the bucket exists lets the queue policy name it exactly without a cycle (see notifyNewBucket).
          bucketName: Fn.join('', [`logsieve-${shortHash(this.node.path)}-`, Fn.select(2, Fn.split('/', Aws.STACK_ID))]),
        }));
    const outputBucket: IBucket = s.outputToInputBucket
      ? inputBucket
      : props.outputBucket
        ?? (s.outputBucketName !== undefined
          ? Bucket.fromBucketName(this, 'OutputBucket', s.outputBucketName)
          : new Bucket(this, 'OutputBucket', this.bucketHygiene('output/')));
    if (outputBucket instanceof Bucket && outputBucket.node.scope === this) {
      outputBucket.addLifecycleRule({
        id: 'AbortIncompleteOutputUploads',
        prefix: s.outputPrefix || undefined,
        abortIncompleteMultipartUploadAfter: Duration.days(PIPELINE_DEFAULTS.abortIncompleteUploadDays),
      });
      if (s.outputExpirationDays !== undefined) {
        outputBucket.addLifecycleRule({ id: 'ExpireOutputs', prefix: s.outputPrefix || undefined, expiration: Duration.days(s.outputExpirationDays) });
      }
    }
    // An explicit key wins over the one a bucket construct carries; one bucket has one key.
    const inputBucketKey = props.inputBucketKey
      ?? (s.inputBucketKeyArn !== undefined ? Key.fromKeyArn(this, 'InputBucketKey', s.inputBucketKeyArn) : inputBucket.encryptionKey);
    const sameBucket = outputBucket === inputBucket || (s.inputBucketName !== undefined && s.inputBucketName === s.outputBucketName);
    const outputBucketKey = props.outputBucketKey
      ?? (s.outputBucketKeyArn !== undefined
        ? Key.fromKeyArn(this, 'OutputBucketKey', s.outputBucketKeyArn)
        : sameBucket ? inputBucketKey : outputBucket.encryptionKey);
    if (outputBucket === inputBucket && s.outputPrefix.startsWith(s.inputPrefix)) {
      Annotations.of(this).addWarningV2(
        'logsieve:outputUnderInputPrefix',
        `outputPrefix "${s.outputPrefix}" lies under inputPrefix "${s.inputPrefix}" in the same bucket: each output object notifies the queue and the handler drops it.`,
      );
    }

    return { inputBucket, outputBucket, inputBucketKey, outputBucketKey };
  }

  /** The notification queue and its dead-letter queue. */
  private makeQueues(s: PipelineSettings): { deadLetterQueue: Queue; queue: Queue } {
    const deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(PIPELINE_DEFAULTS.deadLetterRetentionDays),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the notification queue; a DLQ of a DLQ would only move the problem.',
    });
    const queue = new Queue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(s.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(PIPELINE_DEFAULTS.queueRetentionDays),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: s.maxReceiveCount },
    });

    return { deadLetterQueue, queue };
  }

  /** The processing function: its bucket grants, continuation, and the queue as its event source. */
  private makeProcessor(props: LogProcessingPipelineProps, s: PipelineSettings): LogProcessor {
    const processor = makeFunction(this, 'Processor', props.entry, FUNCTION_BUNDLE, {
      memorySize: s.memorySize,
      timeout: Duration.seconds(s.timeoutSeconds),
      logRetention: s.logRetentionDays as RetentionDays,
      description: 'logsieve: finds error records in S3 log objects named by SQS-delivered S3 notifications',
      environment: handlerEnvironment(s),
    });
    processor.bindInputBucket(this.inputBucket, s.inputPrefix, this.inputBucketKey);
    processor.bindOutputBucket(this.outputBucket, s.outputPrefix, this.outputBucketKey);
    // Continuation (README, "Continuation"): an object the timeout cuts short is checkpointed and a
    // continuation message goes to this same queue, whatever the trigger. The queue's sizing needs
    // no change for it: each continuation is a message of its own, acknowledged when its invocation
    // ends, so the visibility timeout (≥ 6 × timeout) still covers one invocation and lies beyond the
    // lease a crashed invocation leaves on the checkpoint (its timeout + 30 s), so the retry finds it
    // free; maxReceiveCount still counts the failed attempts of one step, never the object's
    // invocations (a duplicate that finds the lease held is acknowledged, not retried).
    grantContinuation(processor, this.outputBucket, s.outputPrefix, this.queue);
    processor.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: s.batchSize,
        maxBatchingWindow: s.maxBatchingWindowSeconds > 0 ? Duration.seconds(s.maxBatchingWindowSeconds) : undefined,
        reportBatchItemFailures: true,
        maxConcurrency: s.maxConcurrency,
      }),
    );
    Validations.of(processor).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22.x is the runtime logsieve is built and tested for (issue 6) and a supported LTS runtime; the runtime moves with the handler, not ahead of it.',
    });
    return processor;
  }

  /** The four alarms, each sending to `alarmTopic` when there is one. */
  private makeAlarms(s: PipelineSettings): LogProcessingPipeline['alarms'] {
    const alarms = {
      deadLetterQueueNotEmpty: new Alarm(this, 'DeadLetterQueueNotEmptyAlarm', {
        alarmDescription: 'logsieve: messages in the dead-letter queue (objects that failed maxReceiveCount times)',
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      functionErrors: new Alarm(this, 'FunctionErrorsAlarm', {
        alarmDescription: 'logsieve: the processing function threw (whole batch returned to the queue)',
        metric: this.processor.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: s.functionErrorsAlarmThreshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      oldestMessageAge: new Alarm(this, 'OldestMessageAgeAlarm', {
        alarmDescription: 'logsieve: the queue is falling behind (oldest notification waiting too long)',
        metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: s.oldestMessageAgeAlarmSeconds,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 5,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      // Corrupt or truncated objects are acknowledged (a retry cannot mend them), so neither the DLQ
      // nor the function's errors see them: the handler's EMF metric does.
      failedObjects: new Alarm(this, 'FailedObjectsAlarm', {
        alarmDescription: 'logsieve: objects with a failed summary (corrupt or truncated input, or stopped at the deadline): see the summaries and the ERROR lines',
        metric: new Metric({
          namespace: PIPELINE_DEFAULTS.metricsNamespace,
          metricName: 'FailedObjects',
          dimensionsMap: { service: PIPELINE_DEFAULTS.serviceName },
          period: Duration.minutes(5),
          statistic: 'Sum',
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    };
    if (this.alarmTopic) {
      const action = new SnsAction(this.alarmTopic);
      for (const alarm of Object.values(alarms)) {
        (alarm as Alarm).addAlarmAction(action);
        (alarm as Alarm).addOkAction(action);
      }
    }
    return alarms;
  }

  /**
   * The scheduled rollup writer (see functions/src/rollup/runRollups.ts): an EventBridge schedule
   * every `rollupScheduleMinutes`, s3 access to the rollups, events:PutEvents on the default bus,
   * and, with a changes topic, a rule from `Error groups changed` events to it.
   */
  private addRollups(s: PipelineSettings, props: LogProcessingPipelineProps): { writer?: LogProcessor; schedule?: Rule; changesRule?: Rule } {
    if (s.rollupScheduleMinutes === 0) return {};
    const writer = makeFunction(this, 'RollupWriter', undefined, ROLLUP_WRITER_BUNDLE, {
      memorySize: PIPELINE_DEFAULTS.rollupMemorySize,
      timeout: Duration.seconds(PIPELINE_DEFAULTS.rollupTimeoutSeconds),
      logRetention: s.logRetentionDays as RetentionDays,
      description: 'logsieve: writes the dirty hourly and daily rollups of the summaries, puts Error groups changed events',
      environment: { POWERTOOLS_SERVICE_NAME: PIPELINE_DEFAULTS.serviceName },
    });
    writer.bindRollupOutputs(this.outputBucket, s.outputPrefix, this.outputBucketKey);
    const stack = Stack.of(this);
    writer.addToRolePolicy(
      new PolicyStatement({ sid: 'PutChangeEvents', actions: ['events:PutEvents'], resources: [`arn:${Aws.PARTITION}:events:${stack.region}:${stack.account}:event-bus/default`] }),
    );
    Validations.of(writer).acknowledge({ id: 'AwsSolutions-L1', reason: 'Node.js 22.x, as the processing function: the runtime logsieve is built and tested for.' });
    const schedule = new Rule(this, 'RollupSchedule', {
      description: 'logsieve: runs the rollup writer',
      schedule: Schedule.rate(Duration.minutes(s.rollupScheduleMinutes)),
      targets: [new LambdaFunction(writer, { retryAttempts: 2 })],
    });
    const topic = props.changesTopic ?? (s.changesTopicArn !== undefined ? Topic.fromTopicArn(this, 'ChangesTopic', s.changesTopicArn) : undefined);
    const changesRule = topic
      ? new Rule(this, 'ErrorGroupsChangedRule', {
        description: 'logsieve: new or rising error groups in an hourly rollup, to the changes topic',
        eventPattern: { source: ['logsieve'], detailType: ['Error groups changed'] },
        targets: [new SnsTopic(topic)],
      })
      : undefined;
    return { writer, schedule, ...(changesRule ? { changesRule } : {}) };
  }

  private bucketHygiene(accessLogsPrefix: string): BucketProps {
    if (!this.accessLogsBucket) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'Server access logging of the pipeline buckets was turned off with the serverAccessLogs setting (false) by whoever deploys this stack.',
      });
    }
    return {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: this.accessLogsBucket ? accessLogsPrefix : undefined,
    };
  }

  private makeAccessLogsBucket(): Bucket {
    const bucket = new Bucket(this, 'AccessLogsBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: Duration.days(PIPELINE_DEFAULTS.accessLogsRetentionDays) }],
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the server-access-log destination of the pipeline buckets; logging it into itself would log its own log deliveries.',
    });
    return bucket;
  }

  /**
   * A bucket made here carries its notification in its own NotificationConfiguration: no custom
   * resource and no extra Lambda function. S3 checks at that moment that it may send to the queue,
   * so the bucket waits for the queue policy; the policy names the bucket by its precomputed ARN
   * instead of a reference, which would close a dependency cycle.
   */
  private notifyNewBucket(bucket: Bucket, s: PipelineSettings): void {
    const cfnBucket = bucket.node.defaultChild as CfnBucket;
    const bucketArn = Fn.join('', [`arn:${Aws.PARTITION}:s3:::`, cfnBucket.bucketName as string]);
    this.queue.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowInputBucketNotifications',
        principals: [new ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': bucketArn }, StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    cfnBucket.notificationConfiguration = {
      queueConfigurations: filters(s).map((rules) => ({
        event: 's3:ObjectCreated:*',
        queue: this.queue.queueArn,
        ...(rules.length > 0 ? { filter: { s3Key: { rules } } } : {}),
      })),
    };
    const queuePolicy = this.queue.node.tryFindChild('Policy');
    if (queuePolicy) cfnBucket.node.addDependency(queuePolicy);
  }

  /** A bucket made elsewhere can only be changed through CDK's notifications custom resource. */
  private notifyImportedBucket(bucket: IBucket, s: PipelineSettings): void {
    for (const rules of filters(s)) {
      const filter = Object.fromEntries(rules.map((r) => [r.name, r.value]));
      bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.queue), ...(rules.length > 0 ? [filter] : []));
    }
    const handler = Stack.of(this).node.tryFindChild(NOTIFICATIONS_HANDLER_ID);
    if (handler) {
      Validations.of(handler).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: "CDK's own BucketNotificationsHandler (sets notifications on an imported bucket) logs through AWSLambdaBasicExecutionRole; aws-cdk-lib does not let its role be replaced.",
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: "aws-cdk-lib grants its BucketNotificationsHandler s3:PutBucketNotification on '*'; it only changes the buckets named by its custom resources.",
        },
        { id: 'AwsSolutions-L1', reason: "The runtime of CDK's BucketNotificationsHandler is chosen by aws-cdk-lib, not by this project." },
      );
    }
  }
}

/** One S3 key filter (prefix and/or suffix rules) per input suffix, or one for any suffix. */
function filters(s: PipelineSettings): { name: 'prefix' | 'suffix'; value: string }[][] {
  const prefixRule = s.inputPrefix ? [{ name: 'prefix' as const, value: s.inputPrefix }] : [];
  if (s.inputSuffixes.length === 0) return [prefixRule];
  return s.inputSuffixes.map((suffix) => [...prefixRule, { name: 'suffix' as const, value: suffix }]);
}

function handlerEnvironment(s: PipelineSettings): Record<string, string> {
  const env: Record<string, string> = {
    POWERTOOLS_SERVICE_NAME: PIPELINE_DEFAULTS.serviceName,
    POWERTOOLS_METRICS_NAMESPACE: PIPELINE_DEFAULTS.metricsNamespace,
    LOGSIEVE_FORCE_REPROCESS: String(s.forceReprocess),
    // The rollup writer reads the hours the processing function marks; with no writer, no marks.
    LOGSIEVE_ROLLUPS: String(s.rollupScheduleMinutes > 0),
  };
  if (s.maxLineBytes !== undefined) env.LOGSIEVE_MAX_LINE_BYTES = String(s.maxLineBytes);
  if (s.longLines !== undefined) env.LOGSIEVE_LONG_LINES = s.longLines;
  if (s.handlerConcurrency !== undefined) env.LOGSIEVE_CONCURRENCY = String(s.handlerConcurrency);
  if (s.rulesJson !== undefined) env.LOGSIEVE_RULES = s.rulesJson;
  return env;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
