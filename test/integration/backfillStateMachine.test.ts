import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateStateMachineCommand, DescribeMapRunCommand, ListMapRunsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AWS, localstackClients, uniqueName } from '../helpers/localstackClients.js';
import { putObjects } from '../helpers/putObjects.js';
import { buildStack } from '../infra/support/buildStack.js';
import { renderDefinition, stateMachineOf } from '../infra/support/stateMachineDefinition.js';
import { runInProcess } from '../unit/cli/support/runCli.js';

// What can be checked on the host's LocalStack without running a function (Lambda needs the
// deployed-function work of issue 14): Step Functions accepts the synthesized definition, and an
// execution started by `logsieve backfill --on-aws` walks every manifest page with a Distributed
// Map whose ItemReader reads every item of the page. The Lambda task names a function that does
// not exist, so each item fails and the execution ends without a report, which the CLI says.
// test/stepfunctions/ holds the end-to-end run that waits for issue 14.
const { endpoint, s3 } = localstackClients();
const sfn = new SFNClient({ ...LOCAL_AWS, endpoint });
const bucket = uniqueName('logsieve-bf-sfn');
const absentFunction = `arn:aws:lambda:${LOCAL_AWS.region}:000000000000:function:${uniqueName('logsieve-absent')}`;
let stateMachineArn: string;

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await putObjects(s3, bucket, Array.from({ length: 250 }, (_, i) => ({ key: `logs/${String(i).padStart(4, '0')}.log`, body: `line ${i}\n` })));
  const { template } = buildStack({ pipeline: { inputPrefix: 'logs/', backfill: { maxConcurrency: 4 } } });
  const fnId = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) => id.startsWith('PipelineBackfillFunction'))!;
  const outputId = Object.keys(template.findResources('AWS::S3::Bucket')).find((id) => id.startsWith('PipelineOutputBucket'))!;
  const definition = renderDefinition(stateMachineOf(template).definition, { [`${fnId}.Arn`]: absentFunction, [outputId]: bucket });
  const created = await sfn.send(
    new CreateStateMachineCommand({
      name: uniqueName('logsieve-backfill'),
      definition: JSON.stringify(definition),
      roleArn: 'arn:aws:iam::000000000000:role/logsieve-backfill',
    }),
  );
  stateMachineArn = created.stateMachineArn!;
}, 240_000);

describe('the backfill state machine on LocalStack Step Functions (no function behind it)', () => {
  it('logsieve backfill --on-aws starts it on the plan; one map run per manifest page reads every item; no report, exit 1', async () => {
    const run = await runInProcess(
      ['backfill', `s3://${bucket}/logs/`, '--on-aws', '--state-machine-arn', stateMachineArn, '--out', `s3://${bucket}/logsieve/`, '--max-item-keys', '10', '--items-per-page', '10'],
      { env: { AWS_ENDPOINT_URL: endpoint } },
    );
    expect(run.code).toBe(1);
    const started = /backfill (\S+): 250 objects in 25 items on 3 pages; execution (\S+)\n/.exec(run.stderr);
    expect(started, run.stderr).not.toBeNull();
    expect(run.stderr).toMatch(/logsieve: the execution ended FAILED without a report: Lambda\.ResourceNotFoundException: Function not found/);
    const executionArn = started![2]!;
    expect(executionArn).toContain(`:${started![1]}`);

    const { mapRuns = [] } = await sfn.send(new ListMapRunsCommand({ executionArn }));
    const described = await Promise.all(mapRuns.map((r) => sfn.send(new DescribeMapRunCommand({ mapRunArn: r.mapRunArn }))));
    expect(described.map((d) => d.itemCounts?.total).sort((a, b) => b! - a!)).toEqual([10, 10, 5]);
    expect(described.map((d) => d.maxConcurrency)).toEqual([4, 4, 4]);
  });

  it('refuses --on-aws without a state machine, naming what to pass', async () => {
    const run = await runInProcess(['backfill', `s3://${bucket}/logs/`, '--on-aws'], { env: { AWS_ENDPOINT_URL: endpoint } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--on-aws needs --state-machine-arn \(the stack output BackfillStateMachineArn\)/);
  });
});
