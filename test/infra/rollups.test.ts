import { Duration } from 'aws-cdk-lib';
import { Capture, Match } from 'aws-cdk-lib/assertions';
import type { Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { resolvePipelineSettings } from '../../infra/lib/resolvePipelineSettings.js';
import { buildPipelineStack, buildStack } from './support/buildStack.js';

function onlyId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids, `${type} ${prefix}*`).toHaveLength(1);
  return ids[0]!;
}

describe('LogProcessingPipeline rollups', () => {
  it('runs the rollup writer on an hourly EventBridge schedule by default, and tells the processor to mark hours', () => {
    const { template } = buildStack();
    const fn = onlyId(template, 'AWS::Lambda::Function', 'PipelineRollupWriter');
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2 } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] }, Principal: 'events.amazonaws.com' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ LOGSIEVE_OUTPUT_PREFIX: 'logsieve/', LOGSIEVE_OUTPUT_BUCKET: Match.anyValue() }) },
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Description: Match.stringLikeRegexp('rollups'),
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ LOGSIEVE_ROLLUPS: 'true' }) } });
  });

  it('grants the writer exactly: read summaries and rollups, write rollups, delete dirty markers, list the rollups, put events on the default bus', () => {
    const { template } = buildStack();
    const role = onlyId(template, 'AWS::IAM::Role', 'PipelineRollupWriterRole');
    const output = onlyId(template, 'AWS::S3::Bucket', 'PipelineOutputBucket');
    const objects = (suffix: string): unknown => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [output, 'Arn'] }, suffix]] });
    const statements = new Capture();
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: role }], PolicyDocument: { Statement: statements } });
    expect(statements.asArray()).toEqual([
      expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
      { Sid: 'ReadSummariesAndRollups', Action: 's3:GetObject', Effect: 'Allow', Resource: [objects('/logsieve/rollups/*'), objects('/logsieve/summaries/*')] },
      { Sid: 'WriteRollups', Action: 's3:PutObject', Effect: 'Allow', Resource: objects('/logsieve/rollups/*') },
      { Sid: 'DeleteDirtyMarkers', Action: 's3:DeleteObject', Effect: 'Allow', Resource: objects('/logsieve/rollups/dirty/*') },
      { Sid: 'ListRollupIndex', Action: 's3:ListBucket', Effect: 'Allow', Resource: { 'Fn::GetAtt': [output, 'Arn'] }, Condition: { StringLike: { 's3:prefix': ['logsieve/rollups/*'] } } },
      { Sid: 'PutChangeEvents', Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:123456789012:event-bus/default']] } },
    ]);
  });

  it('routes Error groups changed events to the changes topic when one is given', () => {
    const { template } = buildPipelineStack((stack) => ({ changesTopic: new Topic(stack, 'Changes'), rollupSchedule: Duration.minutes(15) }));
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    const topic = onlyId(template, 'AWS::SNS::Topic', 'Changes');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['logsieve'], 'detail-type': ['Error groups changed'] },
      Targets: [Match.objectLike({ Arn: { Ref: topic } })],
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Principal: { Service: 'events.amazonaws.com' } })]) },
    });
  });

  it("turns rollups off with 'off' (or context 0): no writer, no schedule, and the processor stops marking hours", () => {
    for (const built of [buildPipelineStack(() => ({ rollupSchedule: 'off' })), buildStack({ context: { 'logsieve:rollupScheduleMinutes': '0' } })]) {
      built.template.resourceCountIs('AWS::Lambda::Function', 1);
      built.template.resourceCountIs('AWS::Events::Rule', 0);
      built.template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ LOGSIEVE_ROLLUPS: 'false' }) } });
    }
  });

  it('fails synth on a schedule out of bounds or a changes topic that is not an ARN, naming the setting', () => {
    expect(() => resolvePipelineSettings({ rollupSchedule: Duration.minutes(1) }, () => undefined)).toThrow(/"rollupSchedule" expected whole minutes from 5 to 1440/);
    expect(() => resolvePipelineSettings({ changesTopicArn: 'my-topic' }, () => undefined)).toThrow(/changesTopicArn/);
  });
});
