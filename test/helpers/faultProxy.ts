import { Agent, createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does to a matching request instead of passing it through untouched. */
export type FaultAction =
  /** Answers with this status and an S3 XML error body (`message` as its Message); LocalStack never sees the request. */
  | { kind: 'status'; status: number; code: string; message?: string }
  /** Forwards, then sends the response headers and the first `afterBytes` body bytes and drops the connection. */
  | { kind: 'cut'; afterBytes: number }
  /** Forwards, then sends headers and `afterBytes` body bytes and goes silent until the client gives up. */
  | { kind: 'stall'; afterBytes: number }
  /** Waits `ms` before forwarding (a slow first byte). */
  | { kind: 'delay'; ms: number }
  /** Runs `before` (e.g. replaces the object in LocalStack), then forwards untouched. */
  | { kind: 'before'; run: () => Promise<void> };

/** A request as the proxy sees it. */
export interface ProxiedRequest {
  method: string;
  /** Path as sent, still percent-encoded, without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}

/** A fault to apply to the first `times` requests that `match`. */
export interface FaultRule {
  /** Shown in the log of hits. */
  name: string;
  match: (request: ProxiedRequest) => boolean;
  action: FaultAction;
  /** Matching requests it applies to; default 1, `Infinity` for all. */
  times?: number;
}

/** One request that went through the proxy, and the rule applied to it, if any. */
export interface ProxyLogEntry {
  method: string;
  path: string;
  query: string;
  range: string | undefined;
  ifMatch: string | undefined;
  rule: string | undefined;
}

/** A running fault proxy. */
export interface FaultProxy {
  /** Base URL to give the SDK as its endpoint. */
  readonly endpoint: string;
  /** Every request seen, in arrival order. */
  readonly log: ProxyLogEntry[];
  /** Adds a rule; rules are tried in the order added, and a spent rule no longer matches. */
  add(rule: FaultRule): void;
  /** Removes every rule (requests pass through untouched again). */
  clear(): void;
  /** Requests the named rule was applied to. */
  applied(name: string): number;
  close(): Promise<void>;
}

/**
 * Starts an HTTP proxy on 127.0.0.1 in front of `upstream` (LocalStack) that passes every request
 * through unless a rule matches it: then it can cut the response body after N bytes, stall it,
 * delay it, or answer 500/503/SlowDown itself. The SDK's signature stays valid because the Host
 * header is forwarded unchanged and LocalStack does not check it against its own address.
 *
 * @example
 * const proxy = await startFaultProxy(endpoint);
 * proxy.add({ name: 'cut', match: getObjectOf(bucket), action: { kind: 'cut', afterBytes: 1 << 20 } });
 * const s3 = new S3Client({ endpoint: proxy.endpoint, forcePathStyle: true });
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const rules: Array<FaultRule & { used: number }> = [];
  const appliedCounts = new Map<string, number>();
  const log: ProxyLogEntry[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const seen: ProxiedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers };
    const rule = rules.find((r) => r.used < (r.times ?? 1) && r.match(seen));
    if (rule) {
      rule.used++;
      appliedCounts.set(rule.name, (appliedCounts.get(rule.name) ?? 0) + 1);
    }
    log.push({
      method: seen.method,
      path: seen.path,
      query: url.search,
      range: header(req.headers.range),
      ifMatch: header(req.headers['if-match']),
      rule: rule?.name,
    });
    const action = rule?.action;
    if (action?.kind === 'status') {
      answerError(req, res, action.status, action.code, action.message);
      return;
    }
    const forward = (): void => forwardRequest(req, res, target, agent, action);
    if (action?.kind === 'delay') setTimeout(forward, action.ms);
    else if (action?.kind === 'before') {
      // Hold the request body until the hook is done; a failed hook answers 500 so the test sees it.
      req.pause();
      action.run().then(forward, (err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fault proxy: before-hook failed: ${String(err)}`);
      });
    } else forward();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    add(rule) {
      rules.push({ ...rule, used: 0 });
    },
    clear() {
      rules.length = 0;
    },
    applied(name) {
      return appliedCounts.get(name) ?? 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Matches a GetObject of any key in `bucket` (path-style), optionally only keys that pass `key`. */
export function getObjectOf(bucket: string, key?: (decodedKey: string) => boolean): (request: ProxiedRequest) => boolean {
  const prefix = `/${bucket}/`;
  return (r) =>
    r.method === 'GET' && r.path.startsWith(prefix) && r.path.length > prefix.length && ![...r.query.keys()].some((k) => k !== 'x-id' && k !== 'versionId') &&
    (key === undefined || key(decodeURIComponent(r.path.slice(prefix.length))));
}

/** Matches an UploadPart into `bucket`, optionally only part number `partNumber`. */
export function uploadPartOf(bucket: string, partNumber?: number): (request: ProxiedRequest) => boolean {
  return (r) =>
    r.method === 'PUT' &&
    r.path.startsWith(`/${bucket}/`) &&
    r.query.has('uploadId') &&
    r.query.has('partNumber') &&
    (partNumber === undefined || r.query.get('partNumber') === String(partNumber));
}

function forwardRequest(req: IncomingMessage, res: ServerResponse, target: URL, agent: Agent, action: FaultAction | undefined): void {
  const headers: OutgoingHttpHeaders = { ...req.headers };
  // The SDK sends `Expect: 100-continue` for large bodies: Node's server has answered it already.
  delete headers.expect;
  const upstreamReq = httpRequest(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, upstreamRes.headers);
      if (action?.kind !== 'cut' && action?.kind !== 'stall') {
        upstreamRes.pipe(res);
        return;
      }
      let sent = 0;
      const onData = (chunk: Buffer): void => {
        const room = action.afterBytes - sent;
        const part = chunk.byteLength <= room ? chunk : chunk.subarray(0, Math.max(0, room));
        sent += part.byteLength;
        if (part.byteLength > 0) res.write(part);
        if (sent < action.afterBytes) return;
        upstreamRes.off('data', onData);
        upstreamRes.destroy();
        // Cut: the client sees its socket close mid-body. Stall: it sees nothing more, until its
        // own timeout closes the socket.
        if (action.kind === 'cut') flushThenDestroy(res);
      };
      upstreamRes.on('data', onData);
      upstreamRes.on('end', () => res.end());
    },
  );
  upstreamReq.on('error', (err) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`fault proxy: upstream failed: ${err.message}`);
  });
  req.pipe(upstreamReq);
}

/** Destroys the client connection once the bytes written so far have left the process. */
function flushThenDestroy(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket) return;
  socket.write('', () => socket.destroy());
}

function answerError(req: IncomingMessage, res: ServerResponse, status: number, code: string, message = 'injected by the fault proxy'): void {
  // Read the request body first, so the connection stays usable for the client's retry.
  req.resume();
  req.on('end', () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>fault-proxy</RequestId></Error>`;
    res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), 'x-amz-request-id': 'fault-proxy' });
    res.end(body);
  });
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}
