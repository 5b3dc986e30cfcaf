import { CreateFunctionCommand, InvokeCommand, LambdaClient, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import type { InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { describe, expect, inject, it } from 'vitest';
import { isAlive } from '../../cli/liveUpState.js';
import { filterLogEvents } from '../helpers/filterLogEvents.js';
import { ownHostLocalStack } from '../helpers/ownHostLocalStack.js';
import { LOCAL_AWS, uniqueName } from '../helpers/localstackClients.js';
import { zipFiles } from '../helpers/zipFiles.js';

const endpoint = inject('localstackEndpoint');
const mode = inject('localstackMode');
const lambda = new LambdaClient({ ...LOCAL_AWS, endpoint });
const ROLE = 'arn:aws:iam::000000000000:role/lambda-test';

/** One handler for every behaviour, chosen by the event, so that each case costs one invocation. */
const HANDLER = `
import { spawn } from 'node:child_process';
console.log('init of', process.env.AWS_LAMBDA_FUNCTION_NAME);
export const handler = async (event, context) => {
  console.log('event', JSON.stringify(event), 'key', event.key);
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  if (event.exit !== undefined) process.exit(event.exit);
  if (event.throw) throw new RangeError(event.throw);
  if (event.spawn) return { pid: process.pid, child: spawn('sleep', ['300'], { stdio: 'ignore' }).pid };
  return { pid: process.pid, requestId: context.awsRequestId, endpoint: process.env.AWS_ENDPOINT_URL, bucket: process.env.SOME_SETTING };
};
`;

async function createFunction(name: string, files: Record<string, string>, options: { handler?: string; timeout?: number; client?: LambdaClient } = {}): Promise<void> {
  const client = options.client ?? lambda;
  await client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs22.x',
      Handler: options.handler ?? 'index.handler',
      Role: ROLE,
      Timeout: options.timeout ?? 10,
      Environment: { Variables: { SOME_SETTING: 'from-the-function' } },
      Code: { ZipFile: zipFiles(files) },
    }),
  );
  await waitUntilFunctionActiveV2({ client, maxWaitTime: 60 }, { FunctionName: name });
}

async function invoke(name: string, event: unknown, client = lambda): Promise<{ out: InvokeCommandOutput; body: Record<string, unknown> }> {
  const out = await client.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) }));
  return { out, body: JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8') || 'null') as Record<string, unknown> };
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return !isAlive(pid);
}

describe(`Lambda functions in LocalStack (${mode})`, () => {
  const name = uniqueName('host-exec');
  const created = createFunction(name, { 'index.mjs': HANDLER }, { timeout: 2 });

  it('runs an ESM handler with the function environment and answers warm from the same runtime', async () => {
    await created;
    const first = await invoke(name, { key: 'a/b.log' });
    expect(first.out.FunctionError).toBeUndefined();
    expect(first.body).toMatchObject({ endpoint, bucket: 'from-the-function' });
    const second = await invoke(name, {});
    expect(second.body.pid).toBe(first.body.pid);
  });

  it('writes the invocation output to CloudWatch Logs between START and REPORT, with the request id', async () => {
    await created;
    const { body } = await invoke(name, { key: 'logs/x.log' });
    const id = String(body.requestId);
    let messages: string[] = [];
    const deadline = Date.now() + 15_000;
    while (!messages.some((m) => m.startsWith(`REPORT RequestId: ${id}`)) && Date.now() < deadline) {
      messages = (await filterLogEvents(endpoint, `/aws/lambda/${name}`)).map((e) => e.message.trimEnd());
      await new Promise((r) => setTimeout(r, 250));
    }
    const start = messages.indexOf(`START RequestId: ${id} Version: $LATEST`);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(messages.slice(start)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`\\t${id}\\tINFO\\tevent \\{"key":"logs/x.log"\\} key logs/x.log$`)),
        `END RequestId: ${id}`,
        expect.stringMatching(new RegExp(`^REPORT RequestId: ${id}\\tDuration: [\\d.]+ ms`)),
      ]),
    );
  });

  it('stops an invocation at the timeout with "Task timed out after N seconds", and the next one gets a fresh runtime', async () => {
    await created;
    const before = await invoke(name, {});
    const timedOut = await invoke(name, { sleepMs: 10_000 });
    expect(timedOut.out.FunctionError).toBe('Unhandled');
    expect(String(timedOut.body.errorMessage)).toMatch(/Task timed out after 2\.00 seconds/);
    const after = await invoke(name, {});
    expect(after.out.FunctionError).toBeUndefined();
    expect(after.body.pid).not.toBe(before.body.pid);
    expect(await gone(Number(before.body.pid), 5_000)).toBe(true);
  });

  it('reports a thrown error with its type and keeps the runtime', async () => {
    await created;
    const before = await invoke(name, {});
    const failed = await invoke(name, { throw: 'out of range' });
    expect(failed.out.FunctionError).toBe('Unhandled');
    expect(failed.body).toMatchObject({ errorType: 'RangeError', errorMessage: 'out of range' });
    expect((await invoke(name, {})).body.pid).toBe(before.body.pid);
  });

  it('replaces a runtime that crashed: Runtime.ExitError, then a new process', async () => {
    await created;
    const before = await invoke(name, {});
    const crashed = await invoke(name, { exit: 3 });
    expect(crashed.out.FunctionError).toBe('Unhandled');
    expect(crashed.body).toMatchObject({ errorType: 'Runtime.ExitError', errorMessage: expect.stringContaining('exit status 3') as unknown });
    const after = await invoke(name, {});
    expect(after.out.FunctionError).toBeUndefined();
    expect(after.body.pid).not.toBe(before.body.pid);
  });

  it('answers Runtime.ImportModuleError when the handler module is missing', async () => {
    const broken = uniqueName('host-exec-noimport');
    await createFunction(broken, { 'other.mjs': HANDLER }, { handler: 'index.handler' });
    const { out, body } = await invoke(broken, {});
    expect(out.FunctionError).toBe('Unhandled');
    expect(body).toMatchObject({ errorType: 'Runtime.ImportModuleError' });
  });

  it('runs a CommonJS handler from a .js file', async () => {
    const cjs = uniqueName('host-exec-cjs');
    await createFunction(cjs, { 'lib/main.js': 'exports.run = async (event) => ({ echoed: event.n * 2 });' }, { handler: 'lib/main.run' });
    expect((await invoke(cjs, { n: 21 })).body).toEqual({ echoed: 42 });
  });
});

// Its own LocalStack on the host, killed with SIGKILL: the runtime it started and what that spawned must go too.
describe('host-node executor when LocalStack is killed', () => {
  const startOwn = ownHostLocalStack();

  it('leaves no runtime process and no process the handler spawned', async () => {
    const own = await startOwn();
    const client = new LambdaClient({ ...LOCAL_AWS, endpoint: own.endpoint });
    const name = uniqueName('host-exec-orphans');
    await createFunction(name, { 'index.mjs': HANDLER }, { client });
    const { body } = await invoke(name, { spawn: true }, client);
    const pids = [Number(body.pid), Number(body.child)];
    expect(pids.every(isAlive)).toBe(true);
    process.kill(own.pid as number, 'SIGKILL');
    for (const pid of pids) expect(await gone(pid, 5_000), `process ${pid} outlived LocalStack`).toBe(true);
    client.destroy();
  }, 120_000);
});
