import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { LOCALSTACK } from '../../../../dev/localstack/constants.js';

/** The runtime client the host executor starts, run here under this Node.js. */
export const RUNTIME_CLIENT = path.join(LOCALSTACK.hostExecutorDir, 'logsieve_lambda_host', 'runtime_client.mjs');

/** What the client posted for one invocation. */
export interface Outcome {
  kind: 'response' | 'error';
  body: unknown;
  headers: IncomingHttpHeaders;
  /** The client's output up to the post, which must already hold the invocation's end mark. */
  outputAtPost: string;
}

/**
 * The executor's side of the Lambda Runtime API, in-process: hands out invocations on
 * `GET /next` and collects what the client posts back. Only for testing the client's protocol.
 */
export interface RuntimeApiPeer {
  address: string;
  invoke(event: unknown, options?: { timeoutMs?: number }): Promise<Outcome & { requestId: string }>;
  initError: Promise<{ body: unknown; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

export async function startRuntimeApiPeer(output: () => string): Promise<RuntimeApiPeer> {
  const waiting: ServerResponse[] = [];
  const queued: { id: string; body: string; deadline: number }[] = [];
  const pending = new Map<string, (o: Outcome) => void>();
  let resolveInit: (v: { body: unknown; headers: IncomingHttpHeaders }) => void = () => {};
  const initError = new Promise<{ body: unknown; headers: IncomingHttpHeaders }>((r) => (resolveInit = r));

  const hand = (res: ServerResponse, inv: { id: string; body: string; deadline: number }): void => {
    res.writeHead(200, {
      'Lambda-Runtime-Aws-Request-Id': inv.id,
      'Lambda-Runtime-Deadline-Ms': String(inv.deadline),
      'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:us-east-1:000000000000:function:peer',
      'Lambda-Runtime-Trace-Id': 'Root=1-00000000-000000000000000000000000',
    });
    res.end(inv.body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      const text = Buffer.concat(chunks).toString('utf8');
      if (req.method === 'GET' && url === '/2018-06-01/runtime/invocation/next') {
        const inv = queued.shift();
        if (inv) hand(res, inv);
        else waiting.push(res);
        return;
      }
      const body = text ? (JSON.parse(text) as unknown) : undefined;
      if (url === '/2018-06-01/runtime/init/error') resolveInit({ body, headers: req.headers });
      const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
      if (m) pending.get(m[1] as string)?.({ kind: m[2] as Outcome['kind'], body, headers: req.headers, outputAtPost: output() });
      res.writeHead(202).end('{"status":"OK"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  return {
    address: `127.0.0.1:${port}`,
    initError,
    invoke: (event, options = {}) => {
      const id = randomUUID();
      const inv = { id, body: JSON.stringify(event), deadline: Date.now() + (options.timeoutMs ?? 3_000) };
      const outcome = new Promise<Outcome & { requestId: string }>((resolve) => pending.set(id, (o) => resolve({ ...o, requestId: id })));
      const res = waiting.shift();
      if (res) hand(res, inv);
      else queued.push(inv);
      return outcome;
    },
    close: async () => {
      for (const res of waiting.splice(0)) res.writeHead(410).end('{}');
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The client started as the executor starts it: own process group, stdin a pipe, stdout and stderr captured. */
export function spawnRuntimeClient(taskRoot: string, handler: string, api: string, extraEnv: Record<string, string> = {}): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let out = '';
  const child = spawn(process.execPath, [RUNTIME_CLIENT], {
    cwd: taskRoot,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', AWS_LAMBDA_RUNTIME_API: api, _HANDLER: handler, LAMBDA_TASK_ROOT: taskRoot, AWS_LAMBDA_FUNCTION_NAME: 'peer', ...extraEnv },
  });
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}
