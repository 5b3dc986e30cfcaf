import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetEventSourceMappingCommand, GetFunctionCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { readUpState } from '../../scripts/local/upState.js';
import type { UpState } from '../../scripts/local/upState.js';
import { waitForSummaries } from '../../scripts/local/waitForSummaries.js';
import { LOCAL_AWS, localstackClients } from '../helpers/localstackClients.js';
import { sampleLog } from '../helpers/sampleLog.js';
import { runInProcess, waitFor } from '../unit/cli/support/runCli.js';

const { endpoint, s3 } = localstackClients();
const lambda = new LambdaClient({ ...LOCAL_AWS, endpoint });
afterAll(() => lambda.destroy());

// One deploy for the three commands: `up` deploys the stack as it ships, the others use its state.
describe('logsieve up deploys the stack; demo --deployed and watch use it', () => {
  let env: Record<string, string>;
  let state: UpState;

  it('up: cdklocal deploy of the whole stack, the function included; an upload is processed with nothing else running', async () => {
    const stateFile = path.join(await mkdtemp(path.join(tmpdir(), 'logsieve-state-')), 'up.json');
    env = { LOCALSTACK_ENDPOINT: endpoint, LOGSIEVE_STATE_FILE: stateFile };
    const up = await runInProcess(['up', '--stack-name', `LogsieveUp${Date.now().toString(36)}`], { env });
    expect(up.stderr).not.toMatch(/^logsieve:/m);
    expect(up.code).toBe(0);
    state = (await readUpState(stateFile))!;
    expect(state).toMatchObject({ endpoint, keeperPid: null, outputPrefix: 'logsieve/', maxReceiveCount: 3, visibilityTimeoutSeconds: 1800 });
    expect(up.stdout).toContain(`function        ${state.functionName}`);
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: state.functionName }));
    expect(fn.Configuration?.State).toBe('Active');

    // What `aws s3 cp app.log s3://<input>/…` does: one PutObject. No watch, no handler in this process.
    const log = sampleLog(1_000, 25);
    await s3.send(new PutObjectCommand({ Bucket: state.inputBucket, Key: 'app/cp/app.log', Body: log.text }));
    const [arrived] = await waitForSummaries(s3, state, state.inputBucket, ['app/cp/app.log'], 60_000);
    expect(arrived?.summary).toMatchObject({ status: 'complete', counts: { lines: 1_000, errors: log.errorLines } });
  }, 600_000);

  it('demo --deployed: the deployed function processes the demo objects, the same table', async () => {
    const outDir = await mkdtemp(path.join(tmpdir(), 'logsieve-demo-'));
    const run = await runInProcess(['demo', '--deployed', '--size-mb', '3', '--out-dir', outDir], { env });
    expect(run.stderr).not.toMatch(/^logsieve:/m);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`waiting for the deployed function ${state.functionName}`);
    const rows = run.stdout.split('\n').filter((l) => /^\S+\s{2,}(ALB access log|CloudTrail Records|VPC flow logs|Lambda JSON log|CloudWatch Logs via Firehose|app log \(gzip\))\s/.test(l));
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      const [, errors, expected] = /\s([\d,]+)\s+([\d,]+)\s+([\d,]+)\s{2}/.exec(row)!.slice(1);
      expect(errors, row).toBe(expected);
    }
  }, 600_000);

  it("watch: pauses the function's event source, processes uploads in-process, and resumes it", async () => {
    const { EventSourceMappings = [] } = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: state.functionName }));
    const uuid = EventSourceMappings[0]!.UUID!;
    const controller = new AbortController();
    const watching = runInProcess(['watch', '--wait-time-seconds', '1', '--log-level', 'warn'], { env, signal: controller.signal });
    await waitFor('the event source paused', async () => (await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State === 'Disabled');
    await s3.send(new PutObjectCommand({ Bucket: state.inputBucket, Key: 'app/watch/one.log', Body: sampleLog(200).text }));
    await waitForSummaries(s3, state, state.inputBucket, ['app/watch/one.log'], 60_000);
    controller.abort();
    const run = await watching;
    expect(run.code).toBe(0);
    // The line watch prints for each object it processed itself.
    expect(run.stdout).toMatch(/app\/watch\/one\.log: processed/);
    expect((await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State).toBe('Enabled');
    expect((await runInProcess(['down'], { env })).code).toBe(0);
  }, 300_000);
});
