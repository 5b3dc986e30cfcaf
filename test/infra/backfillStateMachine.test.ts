import { Capture, Match } from 'aws-cdk-lib/assertions';
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { PipelineSettingsError } from '../../infra/lib/errors.js';
import { buildStack } from './support/buildStack.js';
import { renderDefinition, stateMachineOf, statesOf } from './support/stateMachineDefinition.js';

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids, `${type} ${prefix}*`).toHaveLength(1);
  return ids[0] as string;
}

/** The statements of the IAM policies attached to `roleId`. */
function statementsOf(template: Template, roleId: string): Array<{ Action: string | string[]; Resource: unknown; Sid?: string; Condition?: unknown }> {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .map((p) => (p as { Properties: { Roles: unknown[]; PolicyDocument: { Statement: [] } } }).Properties)
    .filter((p) => JSON.stringify(p.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => p.PolicyDocument.Statement);
}

const actions = (s: { Action: string | string[] }): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const objectsArn = (bucketId: string, suffix: string): unknown => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, suffix]] });

describe('LogProcessingPipeline backfill option', () => {
  let template: Template;
  let ids: { machine: string; machineRole: string; fn: string; fnRole: string; processor: string; input: string; output: string };

  beforeAll(() => {
    template = buildStack({ pipeline: { inputPrefix: 'logs/', backfill: { maxConcurrency: 25, toleratedFailurePercentage: 5 } } }).template;
    ids = {
      machine: logicalId(template, 'AWS::StepFunctions::StateMachine', 'PipelineBackfillStateMachine'),
      machineRole: logicalId(template, 'AWS::IAM::Role', 'PipelineBackfillStateMachineRole'),
      fn: logicalId(template, 'AWS::Lambda::Function', 'PipelineBackfillFunction'),
      fnRole: logicalId(template, 'AWS::IAM::Role', 'PipelineBackfillFunctionRole'),
      processor: logicalId(template, 'AWS::Lambda::Function', 'PipelineProcessor'),
      input: logicalId(template, 'AWS::S3::Bucket', 'PipelineInputBucket'),
      output: logicalId(template, 'AWS::S3::Bucket', 'PipelineOutputBucket'),
    };
  }, 120_000);

  it('adds nothing without the option', () => {
    const plain = buildStack({ pipeline: { inputPrefix: 'logs/' } }).template;
    plain.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    // The processor and the rollup writer; no backfill function.
    plain.resourceCountIs('AWS::Lambda::Function', 2);
    expect(Object.keys(plain.findResources('AWS::Lambda::Function')).filter((id) => id.includes('Backfill'))).toEqual([]);
    expect(Object.keys(plain.findOutputs('BackfillStateMachineArn'))).toEqual([]);
  });

  it('defines a Distributed Map reading the manifest page with s3:getObject JSON, with the settings, no ItemBatcher or ResultWriter', () => {
    const asl = renderDefinition(stateMachineOf(template).definition, { [`${ids.fn}.Arn`]: 'FN_ARN', [ids.output]: 'OUTPUT_BUCKET' });
    const states = statesOf(asl);
    const map = states.ProcessPage!;
    expect(map).toMatchObject({
      Type: 'Map',
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { 'Bucket.$': '$.bucket', 'Key.$': '$.page.key' } },
      ItemSelector: { 'item.$': '$$.Map.Item.Value' },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      MaxConcurrency: 25,
      ToleratedFailurePercentage: 5,
      ResultPath: null,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.mapError', Next: 'WriteReportAfterMapError' }],
    });
    expect(map).not.toHaveProperty('ItemBatcher');
    expect(map).not.toHaveProperty('ResultWriter');
    expect(states.Start).toMatchObject({ Parameters: { bucket: 'OUTPUT_BUCKET' } });
    // Every task invokes the backfill function, an item is retried when it says a retry may mend it.
    const tasks = Object.values(states).filter((s) => s.Type === 'Task');
    expect(tasks.map((t) => [t.Resource, (t.Parameters as { FunctionName: string }).FunctionName])).toEqual(Array(3).fill(['arn:aws:states:::lambda:invoke', 'FN_ARN']));
    expect(states.ProcessItem!.Retry).toContainEqual({ ErrorEquals: ['BackfillItemIncompleteError'], IntervalSeconds: 30, MaxAttempts: 2, BackoffRate: 2 });
    expect(states.WriteReport).toMatchObject({ Parameters: { Payload: { action: 'report', 'backfillId.$': '$.backfillId' } }, Next: 'AllObjectsComplete?' });
    template.hasOutput('BackfillStateMachineArn', { Value: { Ref: ids.machine } });
  });

  it("the state machine's role reads <outputPrefix>backfills/* and invokes its own function only", () => {
    const statements = statementsOf(template, ids.machineRole);
    const invoke = statements.filter((s) => actions(s).some((a) => a.startsWith('lambda:')));
    expect(invoke).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: [{ 'Fn::GetAtt': [ids.fn, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.fn, 'Arn'] }, ':*']] }] },
    ]);
    expect(JSON.stringify(statements)).not.toContain(ids.processor);
    const s3 = statements.filter((s) => actions(s).some((a) => a.startsWith('s3:')));
    expect(s3).toEqual([{ Sid: 'ReadManifestPages', Action: 's3:GetObject', Effect: 'Allow', Resource: objectsArn(ids.output, '/logsieve/backfills/*') }]);
    // Child executions: its own executions only.
    const childRuns = new Capture();
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: ids.machineRole }],
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'states:StartExecution', Effect: 'Allow', Resource: childRuns }]) },
    });
    expect(childRuns.asObject()).toEqual({ Ref: ids.machine });
  });

  it("the function reads the input prefix, writes the output prefix, reads backfills/ documents, nothing else", () => {
    const statements = statementsOf(template, ids.fnRole).filter((s) => actions(s).some((a) => a.startsWith('s3:')));
    expect(statements.map((s) => [s.Sid, actions(s), s.Resource])).toEqual([
      ['ReadSourceObjects', ['s3:GetObject'], objectsArn(ids.input, '/logs/*')],
      ['WriteOutputs', ['s3:AbortMultipartUpload', 's3:PutObject'], objectsArn(ids.output, '/logsieve/*')],
      ['ReadSummaries', ['s3:GetObject'], objectsArn(ids.output, '/logsieve/summaries/*')],
      ['SummaryNotFoundAs404', ['s3:ListBucket'], { 'Fn::GetAtt': [ids.output, 'Arn'] }],
      ['ReadBackfillDocuments', ['s3:GetObject'], objectsArn(ids.output, '/logsieve/backfills/*')],
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: { Variables: Match.objectLike({ LOGSIEVE_OUTPUT_PREFIX: 'logsieve/', LOGSIEVE_OUTPUT_BUCKET: { Ref: ids.output } }) },
      Description: Match.stringLikeRegexp('^logsieve backfill'),
    });
  });

  it('logs the executions at level ALL without their data, and traces them', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }] },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('takes logsieve:backfill* context, and refuses bad values naming the setting', () => {
    const fromContext = buildStack({ context: { 'logsieve:backfill': 'true', 'logsieve:backfillMaxConcurrency': '40' } }).template;
    const asl = renderDefinition(stateMachineOf(fromContext).definition, () => 'X');
    const map = statesOf(asl).ProcessPage!;
    expect(map.MaxConcurrency).toBe(40);
    // 0 (the default) is Step Functions' own default too; CDK leaves it out.
    expect(map.ToleratedFailurePercentage ?? 0).toBe(0);
    expect(() => buildStack({ pipeline: { backfill: { maxConcurrency: 0 } } })).toThrow(PipelineSettingsError);
    expect(() => buildStack({ pipeline: { backfill: { toleratedFailurePercentage: 101 } } })).toThrow(/backfill.toleratedFailurePercentage" expected an integer from 0 to 100, got 101/);
    expect(() => buildStack({ context: { 'logsieve:backfill': 'yes' } })).toThrow(/"backfill" expected true or false/);
    buildStack({ pipeline: { backfill: false }, context: { 'logsieve:backfill': true } }).template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
  });

  it.each([
    ['new buckets', { backfill: true }],
    ['imported SSE-KMS buckets', {
      backfill: true,
      inputBucketName: 'trail-logs',
      inputPrefix: 'AWSLogs/',
      inputBucketKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      outputBucketName: 'existing-results',
      outputBucketKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef',
    }],
  ])('leaves no cdk-nag AwsSolutions finding unacknowledged: %s', (_name, pipeline) => {
    const { stack } = buildStack({ pipeline });
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`)).toEqual([]);
  });
});
