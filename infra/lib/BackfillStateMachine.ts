import { Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  Choice, Condition, DefinitionBody, DistributedMap, Fail, JsonPath, LogLevel, Pass, S3JsonItemReader, StateMachine, StateMachineType, Succeed, TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledgeResourceFinding } from './acknowledgeFinding.js';
import { BACKFILL_SETTINGS } from './constants.js';
import { BACKFILL_BUNDLE } from './functionBundle.js';
import { makeFunction } from './makeFunction.js';
import type { LogProcessor } from './makeFunction.js';
import type { BackfillSettings } from './types.js';

/** Props of {@link BackfillStateMachine}. */
export interface BackfillStateMachineProps {
  readonly settings: BackfillSettings;
  readonly inputBucket: IBucket;
  readonly inputPrefix: string;
  readonly inputBucketKey?: IKey | undefined;
  readonly outputBucket: IBucket;
  readonly outputPrefix: string;
  readonly outputBucketKey?: IKey | undefined;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: RetentionDays;
  /** The processing function's LOGSIEVE_* and Powertools settings. */
  readonly environment: Record<string, string>;
  /** Lambda entry. Default `functions/handlers/backfill.ts`. */
  readonly entry?: string;
}

/**
 * Backfill on Step Functions: the state machine walks the manifest pages the planner wrote (the
 * execution input is `{ backfillId, pages: [key, …] }`, keys under `<outputPrefix>backfills/`),
 * one page at a time, each with a Distributed Map whose ItemReader reads the page (s3:getObject,
 * JSON) and whose children invoke the backfill function on one item each (`MaxConcurrency` at
 * once, `ToleratedFailurePercentage` of failed items tolerated); an item whose objects failed for
 * a reason a retry may mend is retried twice. The function writes each item's result to S3 (no
 * ItemBatcher, no ResultWriter: see issue 16 for what LocalStack 4.14 refuses), and a last
 * invocation writes the report; then the execution fails when an object failed or the map stopped.
 *
 * IAM: the function reads the input prefix and writes the output prefix (plus reads its
 * `backfills/` documents); the state machine reads `<outputPrefix>backfills/*` and invokes this
 * function only.
 *
 * @example new BackfillStateMachine(this, 'Backfill', { settings: { maxConcurrency: 10, toleratedFailurePercentage: 0 }, … });
 */
export class BackfillStateMachine extends Construct {
  readonly function: LogProcessor;
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: BackfillStateMachineProps) {
    super(scope, id);
    const { outputBucket, outputPrefix } = props;
    const documents = outputBucket.arnForObjects(`${outputPrefix}backfills/*`);

    this.function = makeFunction(this, 'Function', props.entry, BACKFILL_BUNDLE, {
      memorySize: props.memorySize,
      timeout: props.timeout,
      logRetention: props.logRetention,
      description: 'logsieve backfill: processes one manifest item of objects, or writes the backfill report',
      environment: props.environment,
    });
    this.function.bindInputBucket(props.inputBucket, props.inputPrefix, props.inputBucketKey);
    this.function.bindOutputBucket(outputBucket, outputPrefix, props.outputBucketKey);
    this.function.addToRolePolicy(new PolicyStatement({ sid: 'ReadBackfillDocuments', actions: ['s3:GetObject'], resources: [documents] }));
    acknowledgeResourceFinding(this.function.role as IRole, 'AwsSolutions-IAM5', documents, 'The backfill function reads the plan, manifest pages and item results of the backfills; the wildcard covers <outputPrefix>backfills/ only.');
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22.x is the runtime logsieve is built and tested for (issue 6) and a supported LTS runtime; the runtime moves with the handler, not ahead of it.',
    });

    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(this.definition(props.settings, outputBucket.bucketName)),
      stateMachineType: StateMachineType.STANDARD,
      comment: 'logsieve backfill: Distributed Map over the planner\'s manifest pages, then the report',
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    this.stateMachine.addToRolePolicy(new PolicyStatement({ sid: 'ReadManifestPages', actions: ['s3:GetObject'], resources: [documents] }));
    this.acknowledgeStateMachineFindings(documents);
  }

  private definition(settings: BackfillSettings, manifestBucket: string): Choice {
    const invoke = (id: string, payload: Record<string, unknown>, resultSelector: Record<string, unknown>): LambdaInvoke =>
      new LambdaInvoke(this, id, { lambdaFunction: this.function, payload: TaskInput.fromObject(payload), resultSelector, retryOnServiceExceptions: true });

    const processItem = invoke('ProcessItem', { action: 'item', 'item.$': '$.item' }, { 'itemId.$': '$.Payload.itemId' });
    processItem.addRetry({ errors: ['BackfillItemIncompleteError'], maxAttempts: 2, interval: Duration.seconds(30), backoffRate: 2 });

    const processPage = new DistributedMap(this, 'ProcessPage', {
      itemReader: new S3JsonItemReader({ bucketNamePath: JsonPath.stringAt('$.bucket'), key: JsonPath.stringAt('$.page.key') }),
      itemSelector: { 'item.$': '$$.Map.Item.Value' },
      maxConcurrency: settings.maxConcurrency,
      toleratedFailurePercentage: settings.toleratedFailurePercentage,
      mapExecutionType: StateMachineType.STANDARD,
      // Results are in S3 (one per item); the map's own output would grow with the page.
      resultPath: JsonPath.DISCARD,
    });
    processPage.itemProcessor(processItem);

    const report = (id: string, withMapError: boolean): LambdaInvoke =>
      invoke(id, { action: 'report', 'backfillId.$': '$.backfillId', ...(withMapError ? { 'mapError.$': '$.mapError' } : {}) }, { 'status.$': '$.Payload.status', 'counts.$': '$.Payload.counts' });
    const mapFailed = report('WriteReportAfterMapError', true).next(new Fail(this, 'MapFailed', { error: 'BackfillMapFailed', cause: 'The Distributed Map stopped (more failed items than tolerated); see report.json' }));
    processPage.addCatch(mapFailed, { errors: ['States.ALL'], resultPath: '$.mapError' });

    const done = report('WriteReport', false).next(
      new Choice(this, 'AllObjectsComplete?')
        .when(Condition.stringEquals('$.status', 'complete'), new Succeed(this, 'Complete'))
        .otherwise(new Fail(this, 'ObjectsFailed', { error: 'BackfillObjectsFailed', cause: 'Some objects have no complete summary; see report.json for the reasons' })),
    );

    const nextPage = new Pass(this, 'NextPage', {
      parameters: { 'backfillId.$': '$.backfillId', 'pages.$': '$.pages', 'bucket.$': '$.bucket', 'pageCount.$': '$.pageCount', 'index.$': 'States.MathAdd($.index, 1)' },
    });
    const selectPage = new Pass(this, 'SelectPage', { parameters: { 'key.$': 'States.ArrayGetItem($.pages, $.index)' }, resultPath: '$.page' });
    const morePages = new Choice(this, 'MorePages?')
      .when(Condition.numberLessThanJsonPath('$.index', '$.pageCount'), selectPage.next(processPage).next(nextPage))
      .otherwise(done);
    nextPage.next(morePages);
    const start = new Pass(this, 'Start', {
      parameters: { 'backfillId.$': '$.backfillId', 'pages.$': '$.pages', bucket: manifestBucket, 'pageCount.$': 'States.ArrayLength($.pages)', index: 0 },
    });
    start.next(morePages);
    return new Choice(this, 'HasBackfillId?')
      .when(Condition.isPresent('$.backfillId'), start)
      .otherwise(new Fail(this, 'BadInput', { error: 'BackfillBadInput', cause: 'The execution input must be { "backfillId": "…", "pages": ["<outputPrefix>backfills/<id>/manifest-0000.json", …] }' }));
  }

  private acknowledgeStateMachineFindings(documents: string): void {
    const machine = this.stateMachine;
    acknowledgeResourceFinding(machine, 'AwsSolutions-IAM5', documents, 'The state machine reads the manifest pages the planner wrote; the wildcard covers <outputPrefix>backfills/ only.');
    acknowledgeResourceFinding(machine, 'AwsSolutions-IAM5', `${this.function.functionArn}:*`, 'LambdaInvoke grants the versions and aliases of the backfill function, this function only.');
    // The Distributed Map's own grants on its child executions, as aws-cdk-lib words them.
    const stack = Stack.of(this);
    const name = Fn.select(6, Fn.split(':', machine.stateMachineArn));
    const executions = `arn:${stack.partition}:states:${stack.region}:${stack.account}:execution:`;
    acknowledgeResourceFinding(machine, 'AwsSolutions-IAM5', Fn.join('', [executions, name, ':*']), 'The Distributed Map describes and stops the child executions of this state machine only.');
    acknowledgeResourceFinding(machine, 'AwsSolutions-IAM5', Fn.join('', [executions, name, '/*:*']), 'The Distributed Map redrives the child executions of this state machine only.');
    Validations.of(machine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing (PutTraceSegments, PutTelemetryRecords) and CloudWatch Logs delivery (logs:CreateLogDelivery and friends) take no resource narrower than *; AWS documents both so.',
    });
  }
}
