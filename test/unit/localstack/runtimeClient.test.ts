import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../../../cli/liveUpState.js';
import type { RuntimeApiPeer } from './support/runtimeApiPeer.js';
import { spawnRuntimeClient, startRuntimeApiPeer } from './support/runtimeApiPeer.js';

const root = mkdtempSync(path.join(tmpdir(), 'logsieve-runtime-client-'));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes `files` into a fresh task root and starts the client on it against an in-process Runtime API. */
async function run(files: Record<string, string>, handler: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(root, 'task-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  let output = (): string => '';
  const api: RuntimeApiPeer = await startRuntimeApiPeer(() => output());
  const client = spawnRuntimeClient(dir, handler, api.address, env);
  output = client.output;
  cleanups.push(async () => {
    if (client.child.exitCode === null && client.child.signalCode === null) {
      try {
        process.kill(-(client.child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
      await client.exited;
    }
    await api.close();
  });
  return { api, ...client };
}

describe('runtime_client.mjs (host-node executor)', () => {
  it('imports an ESM handler and answers with its result, the context filled from the Runtime API', async () => {
    const { api } = await run(
      { 'index.mjs': 'export const handler = async (event, context) => ({ got: event, id: context.awsRequestId, left: context.getRemainingTimeInMillis(), fn: context.functionName, arn: context.invokedFunctionArn });' },
      'index.handler',
    );
    const out = await api.invoke({ n: 1 }, { timeoutMs: 5_000 });
    expect(out.kind).toBe('response');
    const body = out.body as { got: unknown; id: string; left: number; fn: string; arn: string };
    expect(body).toMatchObject({ got: { n: 1 }, id: out.requestId, fn: 'peer', arn: 'arn:aws:lambda:us-east-1:000000000000:function:peer' });
    expect(body.left).toBeGreaterThan(3_000);
    expect(body.left).toBeLessThanOrEqual(5_000);
    // A second invocation on the same process (warm).
    expect((await api.invoke({ n: 2 })).body).toMatchObject({ got: { n: 2 } });
  });

  it('imports CommonJS (.cjs, and .js without "type": "module") and nested paths and exports', async () => {
    const cjs = await run({ 'lib/fn.cjs': 'exports.handler = async (e) => ({ cjs: e });' }, 'lib/fn.handler');
    expect((await cjs.api.invoke(7)).body).toEqual({ cjs: 7 });
    const js = await run({ 'app.js': 'module.exports = { api: { handle: async () => "nested" } };' }, 'app.api.handle');
    expect((await js.api.invoke({})).body).toBe('nested');
  });

  it('supports callback handlers', async () => {
    const { api } = await run({ 'index.mjs': 'export const handler = (event, context, callback) => { setTimeout(() => callback(null, { cb: event }), 5); };' }, 'index.handler');
    expect((await api.invoke('x')).body).toEqual({ cb: 'x' });
  });

  it('writes console lines with the request id, and the end mark before it posts the response', async () => {
    const { api } = await run({ 'index.mjs': "console.log('at init'); export const handler = async () => { console.log('in handler', { a: 1 }); console.error('bad'); return 1; };" }, 'index.handler');
    const out = await api.invoke({});
    expect(out.outputAtPost).toMatch(/\tundefined\tINFO\tat init\n/);
    expect(out.outputAtPost).toContain(`\t${out.requestId}\tINFO\tin handler { a: 1 }\n`);
    expect(out.outputAtPost).toContain(`\t${out.requestId}\tERROR\tbad\n`);
    expect(out.outputAtPost.endsWith(`\x1eLOGSIEVE_HOST_END ${out.requestId}\n`)).toBe(true);
  });

  it('writes JSON console lines when AWS_LAMBDA_LOG_FORMAT is JSON', async () => {
    const { api } = await run({ 'index.mjs': "export const handler = async () => { console.warn('careful'); return 1; };" }, 'index.handler', { AWS_LAMBDA_LOG_FORMAT: 'JSON' });
    const out = await api.invoke({});
    const line = out.outputAtPost.split('\n').find((l) => l.includes('careful')) ?? '';
    expect(JSON.parse(line)).toMatchObject({ level: 'WARN', requestId: out.requestId, message: 'careful' });
  });

  it('reports a missing module as Runtime.ImportModuleError on /init/error and exits', async () => {
    const { api, exited } = await run({ 'other.mjs': 'export const handler = async () => 1;' }, 'index.handler');
    const init = await api.initError;
    expect(init.body).toMatchObject({ errorType: 'Runtime.ImportModuleError', errorMessage: expect.stringContaining("Cannot find module 'index'") as unknown });
    expect(init.headers['lambda-runtime-function-error-type']).toBe('Runtime.ImportModuleError');
    expect(await exited).toBe(1);
  });

  it('reports an import that fails inside the module as Runtime.ImportModuleError, a syntax error and a missing export by their types', async () => {
    const dep = await run({ 'index.mjs': "import 'no-such-package'; export const handler = async () => 1;" }, 'index.handler');
    expect((await dep.api.initError).body).toMatchObject({ errorType: 'Runtime.ImportModuleError' });
    const syntax = await run({ 'index.mjs': 'export const handler = async () => {;' }, 'index.handler');
    expect((await syntax.api.initError).body).toMatchObject({ errorType: 'Runtime.UserCodeSyntaxError' });
    const missing = await run({ 'index.mjs': 'export const other = 1;' }, 'index.handler');
    expect((await missing.api.initError).body).toMatchObject({ errorType: 'Runtime.HandlerNotFound' });
  });

  it('posts a thrown error with its type and stays up for the next invocation', async () => {
    const { api, child } = await run({ 'index.mjs': "class BadInput extends Error { name = 'BadInput'; } export const handler = async (e) => { if (e.fail) throw new BadInput('no good'); return 'fine'; };" }, 'index.handler');
    const out = await api.invoke({ fail: true });
    expect(out.kind).toBe('error');
    expect(out.body).toMatchObject({ errorType: 'BadInput', errorMessage: 'no good' });
    expect(out.headers['x-host-executor-runtime-exiting']).toBeUndefined();
    expect((await api.invoke({})).body).toBe('fine');
    expect(child.exitCode).toBeNull();
  });

  it('reports an uncaught exception with the exiting header, then exits', async () => {
    const { api, exited } = await run({ 'index.mjs': "export const handler = () => new Promise(() => { setTimeout(() => { throw new TypeError('escaped'); }, 5); });" }, 'index.handler');
    const out = await api.invoke({});
    expect(out.kind).toBe('error');
    expect(out.body).toMatchObject({ errorType: 'Runtime.UncaughtException', errorMessage: 'escaped' });
    expect(out.headers['x-host-executor-runtime-exiting']).toBe('1');
    expect(await exited).toBe(129);
  });

  it('exits with everything it started when its stdin closes (the executor is gone)', async () => {
    const { api, child, exited } = await run(
      { 'index.mjs': "import { spawn } from 'node:child_process'; export const handler = async () => spawn('sleep', ['300'], { stdio: 'ignore' }).pid;" },
      'index.handler',
    );
    const grandchild = (await api.invoke({})).body as number;
    expect(isAlive(grandchild)).toBe(true);
    child.stdin?.end();
    await exited;
    const deadline = Date.now() + 5_000;
    while (isAlive(grandchild) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(isAlive(grandchild)).toBe(false);
  });
});
