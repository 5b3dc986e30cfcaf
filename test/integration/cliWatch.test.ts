import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { pollQueue } from '../../dev/local/pollQueue.js';
import { provisionLocalPipeline } from '../../dev/local/provisionLocalPipeline.js';
import { runEventSource } from '../../dev/local/runEventSource.js';
import { readUpState } from '../../dev/local/upState.js';
import { sampleLog } from '../helpers/sampleLog.js';
import { localstackClients, uniqueName } from '../helpers/localstackClients.js';
import { childEnv, runInProcess, startCli, waitFor } from '../unit/cli/support/runCli.js';

const { endpoint, s3, sqs } = localstackClients();

async function queueDepth(queueUrl: string): Promise<number> {
  const res = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(res.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(res.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

async function createQueue(visibilityTimeoutSeconds: number): Promise<{ queueUrl: string; queueArn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('logsieve-cli-q'), Attributes: { VisibilityTimeout: String(visibilityTimeoutSeconds) } }));
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: QueueUrl!, AttributeNames: ['QueueArn'] }));
  return { queueUrl: QueueUrl!, queueArn: attrs.Attributes!.QueueArn! };
}

describe('logsieve watch', () => {
  it('processes three uploads with the real handler, then stops on SIGINT: exit 0, queue empty, no socket or timer left', async () => {
    const pipeline = await provisionLocalPipeline(s3, sqs);
    // Default 20 s long polls: a prompt exit proves the poll in flight is aborted, not waited out.
    const { child, run, output } = startCli(
      ['watch', '--queue-url', pipeline.queueUrl, '--output-bucket', pipeline.outputBucket, '--debug-handles'],
      childEnv({ LOCALSTACK_ENDPOINT: endpoint }),
    );
    await waitFor('watch to start polling', () => output.stderr.includes('watching '), 30_000);

    const keys = ['app/a.log', 'app/b.log', 'app/c.log'];
    const logs = [sampleLog(3_000, 37), sampleLog(2_000, 50), sampleLog(1_000, 10)];
    for (const [i, k] of keys.entries()) await s3.send(new PutObjectCommand({ Bucket: pipeline.inputBucket, Key: k, Body: logs[i]!.text }));
    await waitFor('three processed objects', () => (output.stdout.match(/: processed, /g) ?? []).length >= 3, 60_000);

    for (const [i, k] of keys.entries()) {
      await s3.send(new HeadObjectCommand({ Bucket: pipeline.outputBucket, Key: `logsieve/summaries/${k}.json` }));
      expect(output.stdout).toContain(`s3://${pipeline.inputBucket}/${k}: processed, text, ${logs[i]!.lines.toLocaleString('en-US')} lines, ${logs[i]!.errorLines.toLocaleString('en-US')} errors`);
    }
    await waitFor('the queue to be empty', async () => (await queueDepth(pipeline.queueUrl)) === 0, 10_000);

    const signalled = Date.now();
    child.kill('SIGINT');
    const result = await run;
    const exitMs = Date.now() - signalled;
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(exitMs).toBeLessThan(5_000);
    expect(result.stderr).toMatch(/stopped: \d+ batches, \d+ messages, 0 failed/);
    const resources = JSON.parse(/active resources at shutdown: (\[.*\])/.exec(result.stderr)?.[1] ?? 'null') as string[];
    expect(resources.filter((r) => /TCP|Timeout|Immediate|GetAddrInfo|FSReq/.test(r))).toEqual([]);
  });

  it('missing `up` state and no --queue-url: 3, saying what to do', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'logsieve-state-'));
    const run = await runInProcess(['watch'], { env: { LOGSIEVE_STATE_FILE: path.join(dir, 'up.json') } });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^logsieve: no queue to watch: nothing is up .*run logsieve up first/);
  });
});

describe('runEventSource (the local SQS event source mapping)', () => {
  it('deletes what succeeded, and a message in batchItemFailures comes back after the visibility timeout', async () => {
    const { queueUrl, queueArn } = await createQueue(1);
    for (const body of ['a', 'b', 'c']) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const seen: string[] = [];
    const controller = new AbortController();
    const totals = await runEventSource({
      sqs,
      queueUrl,
      queueArn,
      signal: controller.signal,
      waitTimeSeconds: 1,
      invoke: async ({ Records }) => {
        seen.push(...Records.map((r) => r.body));
        const failures = Records.filter((r) => r.body === 'b' && seen.filter((s) => s === 'b').length === 1);
        if (seen.filter((s) => s !== 'b').length >= 2 && seen.filter((s) => s === 'b').length >= 2) controller.abort();
        return { batchItemFailures: failures.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    expect(seen.filter((s) => s === 'a')).toHaveLength(1);
    expect(seen.filter((s) => s === 'c')).toHaveLength(1);
    expect(seen.filter((s) => s === 'b')).toHaveLength(2);
    expect(totals.failed).toBe(1);
    expect(await queueDepth(queueUrl)).toBe(0);
  });

  it('deletes nothing when the invocation throws: the whole batch comes back', async () => {
    const { queueUrl, queueArn } = await createQueue(1);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x' }));
    const controller = new AbortController();
    let calls = 0;
    const errors: string[] = [];
    await runEventSource({
      sqs,
      queueUrl,
      queueArn,
      signal: controller.signal,
      waitTimeSeconds: 1,
      invoke: async () => {
        calls++;
        if (calls === 1) throw new Error('function crashed');
        controller.abort();
        return { batchItemFailures: [] };
      },
      onBatch: (outcome) => {
        if (outcome.error) errors.push(outcome.error.message);
      },
    });
    expect(calls).toBe(2);
    expect(errors).toEqual(['function crashed']);
    expect(await queueDepth(queueUrl)).toBe(0);
  });
});

describe('pollQueue', () => {
  it('aborting ends a 20 s long poll at once', async () => {
    const { queueUrl, queueArn } = await createQueue(30);
    const controller = new AbortController();
    const batches: SQSRecord[][] = [];
    const polling = (async () => {
      for await (const b of pollQueue({ sqs, queueUrl, queueArn, signal: controller.signal, waitTimeSeconds: 20 })) batches.push(b);
    })();
    await new Promise((r) => setTimeout(r, 500));
    const aborted = Date.now();
    controller.abort();
    await polling;
    expect(Date.now() - aborted).toBeLessThan(1_000);
    expect(batches).toEqual([]);
  });

  it('yields batches shaped as the Lambda event source delivers them; leaving the loop ends the generator', async () => {
    const { queueUrl, queueArn } = await createQueue(30);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"hello":1}' }));
    const iterator = pollQueue({ sqs, queueUrl, queueArn, signal: new AbortController().signal, waitTimeSeconds: 5 });
    const first = await iterator.next();
    expect(first.value).toEqual([expect.objectContaining({ body: '{"hello":1}', eventSource: 'aws:sqs', eventSourceARN: queueArn, awsRegion: 'us-east-1' })]);
    await iterator.return(undefined);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });
});

describe('logsieve up / down', () => {
  // `up` deploys the whole stack by default (test/deployed/cliDeployed.test.ts); --no-deploy makes the
  // resources around the function with SDK calls, the path `watch` alone processes.
  it('up --no-deploy with LOCALSTACK_ENDPOINT: provisions the construct resources, writes the state watch reads, and down forgets it', async () => {
    const stateFile = path.join(await mkdtemp(path.join(tmpdir(), 'logsieve-state-')), 'up.json');
    const env = { LOCALSTACK_ENDPOINT: endpoint, LOGSIEVE_STATE_FILE: stateFile };
    const up = await runInProcess(['up', '--no-deploy'], { env });
    expect(up.code).toBe(0);
    const state = (await readUpState(stateFile))!;
    expect(state).toMatchObject({ endpoint, mode: 'endpoint', keeperPid: null, outputPrefix: 'logsieve/', maxReceiveCount: 3 });
    expect(up.stdout).toContain(`export LOCALSTACK_ENDPOINT=${endpoint}`);
    expect(up.stdout).toContain(state.inputBucket);
    const redrive = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: state.queueUrl, AttributeNames: ['RedrivePolicy', 'VisibilityTimeout'] }));
    expect(JSON.parse(redrive.Attributes!.RedrivePolicy!)).toMatchObject({ maxReceiveCount: 3 });

    // watch finds the queue through the state file.
    await s3.send(new PutObjectCommand({ Bucket: state.inputBucket, Key: 'x/one.log', Body: sampleLog(500).text }));
    const controller = new AbortController();
    const watching = runInProcess(['watch', '--wait-time-seconds', '1', '--log-level', 'warn'], { env, signal: controller.signal });
    await waitFor('the summary', async () => {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: state.outputBucket, Key: 'logsieve/summaries/x/one.log.json' }));
        return true;
      } catch {
        return false;
      }
    });
    controller.abort();
    expect((await watching).code).toBe(0);

    expect((await runInProcess(['down'], { env })).code).toBe(0);
    expect(await readUpState(stateFile)).toBeUndefined();
  });

  it('without an endpoint: up --no-deploy returns while LocalStack keeps running in the background; down stops it', async () => {
    const stateFile = path.join(await mkdtemp(path.join(tmpdir(), 'logsieve-state-')), 'up.json');
    const env = childEnv({ LOGSIEVE_STATE_FILE: stateFile });
    const up = await startCli(['up', '--no-deploy'], env).run;
    expect(up.stderr).not.toMatch(/^logsieve:/m);
    expect(up.code).toBe(0);
    const state = (await readUpState(stateFile))!;
    expect(state.keeperPid).toEqual(expect.any(Number));
    // `up` has exited; its LocalStack still answers.
    const health = await fetch(`${state.endpoint}/_localstack/health`);
    expect(health.ok).toBe(true);

    const down = await startCli(['down'], env).run;
    expect(down.code).toBe(0);
    expect(await readUpState(stateFile)).toBeUndefined();
    expect(() => process.kill(state.keeperPid!, 0)).toThrow();
    await expect(fetch(`${state.endpoint}/_localstack/health`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
  });
});
