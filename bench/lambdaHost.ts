/**
 * Lambda on host LocalStack: `npm run bench:lambda-host [-- --functions 5 --warm 30]`.
 *
 * Through the harness's LocalStack (on the host: the host-node executor), creates `--functions`
 * small Node.js functions and times, as the SDK client sees them:
 *   - create: CreateFunction until State is Active;
 *   - cold: the first Invoke of each function (a new runtime process: node start, handler import);
 *   - warm: `--warm` Invokes of one function whose runtime is up;
 *   - baseline: GetFunction, a LocalStack round trip that runs no code, timed the same way.
 * Figures are medians; ratios are against the baseline of the same run. The machine is shared and
 * noisy: read the ratios, not the milliseconds. The last line is one JSON object.
 */
import { parseArgs } from 'node:util';
import { CreateFunctionCommand, GetFunctionCommand, InvokeCommand, LambdaClient, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { startLocalStack } from '../dev/localstack/harness.js';
import { LOCAL_AWS } from '../dev/local/localClients.js';
import { zipFiles } from '../test/helpers/zipFiles.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({ options: { functions: { type: 'string', default: '5' }, warm: { type: 'string', default: '30' } } });
const functions = Number(values.functions);
const warmRuns = Number(values.warm);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const timed = async (fn: () => Promise<unknown>): Promise<number> => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

const localstack = await startLocalStack();
const lambda = new LambdaClient({ ...LOCAL_AWS, endpoint: localstack.endpoint });
try {
  const zip = zipFiles({ 'index.mjs': 'export const handler = async (event) => ({ echo: event });' });
  const names = Array.from({ length: functions }, (_, i) => `bench-host-${Date.now().toString(36)}-${i}`);
  const create: number[] = [];
  const cold: number[] = [];
  for (const name of names) {
    create.push(
      await timed(async () => {
        await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs22.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/bench', Code: { ZipFile: zip } }));
        await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 120, minDelay: 1 }, { FunctionName: name });
      }),
    );
    cold.push(await timed(() => lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"n":0}') }))));
  }
  const warm: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < warmRuns; i++) {
    baseline.push(await timed(() => lambda.send(new GetFunctionCommand({ FunctionName: names[0] }))));
    warm.push(await timed(() => lambda.send(new InvokeCommand({ FunctionName: names[0], Payload: Buffer.from(`{"n":${i}}`) }))));
  }
  const result = {
    bench: 'lambda-host',
    mode: localstack.mode,
    functions,
    warmRuns,
    createToActiveMs: Math.round(median(create)),
    coldInvokeMs: Math.round(median(cold)),
    warmInvokeMs: Math.round(median(warm)),
    baselineGetFunctionMs: Math.round(median(baseline)),
    coldVsBaseline: Number((median(cold) / median(baseline)).toFixed(2)),
    warmVsBaseline: Number((median(warm) / median(baseline)).toFixed(2)),
  };
  console.log(`create→Active ${result.createToActiveMs} ms, cold invoke ${result.coldInvokeMs} ms, warm invoke ${result.warmInvokeMs} ms, GetFunction ${result.baselineGetFunctionMs} ms (medians)`);
  console.log(JSON.stringify(result));
} finally {
  lambda.destroy();
  await localstack.stop();
}
