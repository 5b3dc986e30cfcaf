// A small Lambda runtime client for Node.js: imports the handler named by _HANDLER from
// LAMBDA_TASK_ROOT (ESM or CommonJS, .mjs/.cjs/.js), then loops on the Runtime API at
// AWS_LAMBDA_RUNTIME_API (next → handler → response or error). Plain JavaScript with no
// dependency, so that it runs on any Node.js >= 20 without a build step.
//
// Protocol details shared with the host executor (logsieve_lambda_host):
// - after each invocation's output it writes END_MARK + request id on its own line, so the
//   executor knows it has read every line of that invocation (stdout and stderr share one pipe);
// - an error it posts before exiting (uncaught exception) carries X-Host-Executor-Runtime-Exiting: 1;
// - it exits, killing its process group, when stdin closes or its parent changes: the executor
//   (LocalStack) is gone, so nothing it ran may outlive it.
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import util from 'node:util';

const END_MARK = '\x1eLOGSIEVE_HOST_END ';
const API_PREFIX = '/2018-06-01/runtime';
const [apiHost, apiPort] = (process.env.AWS_LAMBDA_RUNTIME_API ?? '').split(':');
// One keep-alive connection at a time (plus one for a report during an invocation); no Nagle.
const agent = new http.Agent({ keepAlive: true, maxSockets: 2, noDelay: true });
const jsonLogs = process.env.AWS_LAMBDA_LOG_FORMAT === 'JSON';

/** The request id of the invocation in progress, for log lines and uncaught errors. */
let currentRequestId;

watchParent();
patchConsole();
process.on('uncaughtException', (err) => failAndExit(err, 'Runtime.UncaughtException'));
process.on('unhandledRejection', (reason) => failAndExit(reason, 'Runtime.UnhandledPromiseRejection'));
await main();

async function main() {
  if (!apiHost || !apiPort) {
    process.stderr.write('AWS_LAMBDA_RUNTIME_API is not set (host:port)\n');
    process.exit(2);
  }
  let handler;
  try {
    handler = await loadHandler(process.env._HANDLER ?? '', process.env.LAMBDA_TASK_ROOT ?? process.cwd());
  } catch (err) {
    const body = errorBody(err, err.errorType ?? errorTypeOfInit(err));
    logLine('ERROR', `${body.errorType}: ${body.errorMessage}`);
    await post(`${API_PREFIX}/init/error`, body, { 'Lambda-Runtime-Function-Error-Type': body.errorType });
    process.exit(1);
  }
  for (;;) {
    const next = await request('GET', `${API_PREFIX}/invocation/next`);
    if (next.status === 410) process.exit(0);
    if (next.status !== 200) throw new Error(`GET /invocation/next answered ${next.status}: ${next.body}`);
    await runOne(handler, next);
  }
}

async function runOne(handler, next) {
  const id = String(next.headers['lambda-runtime-aws-request-id']);
  const deadline = Number(next.headers['lambda-runtime-deadline-ms']);
  const trace = next.headers['lambda-runtime-trace-id'];
  if (trace) process.env._X_AMZN_TRACE_ID = String(trace);
  else delete process.env._X_AMZN_TRACE_ID;
  currentRequestId = id;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: String(next.headers['lambda-runtime-invoked-function-arn'] ?? ''),
    memoryLimitInMB: String(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? ''),
    awsRequestId: id,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  let outcome;
  try {
    const event = next.body.length > 0 ? JSON.parse(next.body) : null;
    outcome = { ok: true, result: await callHandler(handler, event, context) };
  } catch (err) {
    outcome = { ok: false, error: errorBody(err, err instanceof Error ? err.name : 'Error') };
    logLine('ERROR', `Invoke Error \t${JSON.stringify(outcome.error)}`);
  }
  await endMark(id);
  if (outcome.ok) {
    await post(`${API_PREFIX}/invocation/${id}/response`, outcome.result === undefined ? null : outcome.result);
  } else {
    await post(`${API_PREFIX}/invocation/${id}/error`, outcome.error, { 'Lambda-Runtime-Function-Error-Type': outcome.error.errorType });
  }
  currentRequestId = undefined;
}

/** Resolves `module.export` (the module path may hold directories; the export may be nested, `a.b`). */
async function loadHandler(spec, root) {
  const slash = spec.lastIndexOf('/');
  const dot = spec.indexOf('.', slash + 1);
  if (dot <= slash + 1 || dot === spec.length - 1) {
    throw Object.assign(new Error(`Bad handler ${spec}: expected <module>.<export>`), { errorType: 'Runtime.MalformedHandlerName' });
  }
  const modulePath = spec.slice(0, dot);
  const exportPath = spec.slice(dot + 1);
  const base = path.resolve(root, modulePath);
  const file = ['.mjs', '.cjs', '.js', ''].map((ext) => base + ext).find((f) => existsSync(f));
  if (!file) {
    throw Object.assign(new Error(`Cannot find module '${modulePath}' in ${root} (tried .mjs, .cjs, .js)`), { errorType: 'Runtime.ImportModuleError' });
  }
  const mod = await import(pathToFileURL(file).href);
  const fn = resolveExport(mod, exportPath) ?? resolveExport(mod.default, exportPath);
  if (typeof fn !== 'function') {
    throw Object.assign(new Error(`${modulePath}.${exportPath} is undefined or not exported`), { errorType: 'Runtime.HandlerNotFound' });
  }
  return fn;
}

function resolveExport(root, dotted) {
  let value = root;
  for (const key of dotted.split('.')) {
    if (value === null || value === undefined) return undefined;
    value = value[key];
  }
  return value;
}

/** Async handlers return a promise; callback handlers (three parameters) answer through the callback. */
function callHandler(handler, event, context) {
  return new Promise((resolve, reject) => {
    const callback = (err, result) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result));
    Object.assign(context, { done: callback, succeed: (r) => resolve(r), fail: (e) => callback(e ?? new Error('fail')) });
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
      else if (handler.length < 3) resolve(returned);
    } catch (err) {
      reject(err);
    }
  });
}

function errorTypeOfInit(err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') return 'Runtime.ImportModuleError';
  if (err instanceof SyntaxError) return 'Runtime.UserCodeSyntaxError';
  return err instanceof Error ? err.name : 'Runtime.Unknown';
}

function errorBody(err, errorType) {
  const error = err instanceof Error ? err : new Error(util.inspect(err));
  return { errorType, errorMessage: error.message, trace: String(error.stack ?? '').split('\n') };
}

/** Reports an error that escaped the handler, then exits: the executor starts a fresh runtime for the next invocation. */
async function failAndExit(err, errorType) {
  const body = errorBody(err, errorType);
  logLine('ERROR', `${errorType}: ${body.errorMessage}\n${body.trace.join('\n')}`);
  const id = currentRequestId;
  try {
    if (id) {
      await endMark(id);
      await post(`${API_PREFIX}/invocation/${id}/error`, body, { 'Lambda-Runtime-Function-Error-Type': errorType, 'X-Host-Executor-Runtime-Exiting': '1' });
    } else {
      await post(`${API_PREFIX}/init/error`, body, { 'Lambda-Runtime-Function-Error-Type': errorType });
    }
  } finally {
    process.exit(129);
  }
}

function endMark(id) {
  return new Promise((resolve) => process.stdout.write(`\n${END_MARK}${id}\n`, () => resolve()));
}

/** Lambda's console format: `time\trequestId\tLEVEL\tmessage`, or one JSON object with AWS_LAMBDA_LOG_FORMAT=JSON. */
function patchConsole() {
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => logLine(level, util.format(...args));
  }
}

function logLine(level, message) {
  const timestamp = new Date().toISOString();
  const line = jsonLogs
    ? JSON.stringify({ timestamp, level, requestId: currentRequestId, message })
    : `${timestamp}\t${currentRequestId ?? 'undefined'}\t${level}\t${message.replace(/\n/g, '\r')}`;
  process.stdout.write(`${line}\n`);
}

/** Exits with its whole process group when the executor goes away: stdin closes, or the parent changes. */
function watchParent() {
  const parent = process.ppid;
  const leave = () => {
    try {
      process.kill(-process.pid, 'SIGKILL');
    } catch {
      // Not a group leader (started by hand): only this process goes.
    }
    process.exit(137);
  };
  process.stdin.on('end', leave);
  process.stdin.on('error', leave);
  process.stdin.on('data', () => {});
  // Reading stdin must not keep an idle runtime alive by itself… but the API loop does anyway.
  setInterval(() => {
    if (process.ppid !== parent) leave();
  }, 500).unref();
}

function post(urlPath, value, headers = {}) {
  return request('POST', urlPath, JSON.stringify(value), { 'Content-Type': 'application/json', ...headers });
}

function request(method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body);
    const req = http.request(
      { host: apiHost, port: Number(apiPort), method, path: urlPath, agent, headers: payload ? { ...headers, 'Content-Length': payload.length } : headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('socket', (socket) => socket.setNoDelay(true));
    req.on('error', reject);
    req.end(payload);
  });
}
