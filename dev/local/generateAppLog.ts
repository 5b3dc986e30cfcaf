/**
 * Seeded generator of a realistic application log: ISO timestamps, levels, request ids, HTTP
 * access lines, key=value context, now and then a non-ASCII user name, and ERROR records followed
 * by a Node-style stack trace. Same seed and size, same bytes, on every machine.
 *
 * Used by the benchmarks (bench/lines.ts), the demo and the e2e bench.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { prng } from './prng.js';

/** What `generateAppLog` produces. */
export interface AppLogOptions {
  /** Size to reach: generation stops after the record that reaches this many bytes. */
  bytes: number;
  /** PRNG seed; the same seed and size always give the same bytes. */
  seed: number;
  /**
   * Fraction of lines that are ERROR lines (about: records are drawn at random), each followed by a
   * 3 to 12 line stack trace. Default 0.02.
   */
  errorRate?: number;
  /** Size of the chunks yielded, in bytes (approximate; a chunk ends at a line end). Default 1 MiB. */
  chunkBytes?: number;
}

/** Exact counts of a generated log, final once iteration has finished. */
export interface AppLogCounts {
  /** Lines, each ended by LF. */
  lines: number;
  /** Lines containing the string `ERROR` (what `grep -c ERROR` prints). Stack frames never do. */
  errorLines: number;
  /** Stack-trace lines following ERROR lines. */
  stackLines: number;
  /** Bytes generated. */
  bytes: number;
}

/** An async iterable of log chunks whose `counts` are exact once it has been drained. */
export interface AppLog extends AsyncIterable<Uint8Array> {
  readonly counts: AppLogCounts;
}

const SERVICES = ['api', 'orders', 'billing', 'auth', 'search', 'inventory', 'notify', 'gateway'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const PATHS = ['/v1/orders', '/v1/orders/{id}', '/v1/users/{id}', '/v1/cart', '/v1/search', '/health', '/v1/payments/{id}/capture', '/v2/items'];
const STATUS = [200, 200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 404, 429];
const INFO_MESSAGES = [
  'cache hit key=session:{id} ttl=300',
  'db query table=orders rows={n} took={ms}ms',
  'published event type=order.created partition={n}',
  'retrying upstream call attempt={n} backoff={ms}ms',
  'feature flag checkout_v2 evaluated to true for tenant={id}',
  'queue depth={n} consumer=worker-{n}',
  'user {user} signed in via sso provider=okta',
];
const WARN_MESSAGES = [
  'slow request took={ms}ms threshold=500ms',
  'deprecated header x-api-version used by client={id}',
  'connection pool near capacity in_use={n} max=64',
  'retry budget low remaining={n}',
];
const ERROR_MESSAGES = [
  "Unhandled exception in OrderService.process: TypeError: Cannot read properties of undefined (reading 'id')",
  'Payment capture failed: upstream returned 502 Bad Gateway',
  'Database error: deadlock detected while updating inventory row',
  'Request timed out after 30000ms calling search-backend',
  'Failed to publish event: KafkaJSNumberOfRetriesExceeded',
];
const FRAMES = [
  'at OrderService.process (/var/task/src/orders/service.js:{n}:{c})',
  'at async Promise.all (index {n})',
  'at PaymentClient.capture (/var/task/src/payments/client.js:{n}:{c})',
  'at processTicksAndRejections (node:internal/process/task_queues:95:5)',
  'at Router.handle (/var/task/node_modules/express/lib/router/index.js:{n}:{c})',
  'at Layer.handle [as handle_request] (/var/task/node_modules/express/lib/router/layer.js:{n}:{c})',
  'at Pool.query (/var/task/node_modules/pg-pool/index.js:{n}:{c})',
];
// Rare, so most chunks are ASCII but the UTF-8 paths get exercised as in real logs.
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'Zoë', 'José', 'Łukasz'];

/**
 * Generates the log as chunks of about `chunkBytes` (default 1 MiB), each ending at a line end.
 *
 * @example
 * const log = generateAppLog({ bytes: 10 * 1024 * 1024, seed: 42 });
 * for await (const chunk of log) out.write(chunk);
 * console.log(log.counts.errorLines); // equals `grep -c ERROR` of the output
 */
export function generateAppLog(options: AppLogOptions): AppLog {
  const { bytes, seed } = options;
  const errorRate = options.errorRate ?? 0.02;
  const chunkBytes = options.chunkBytes ?? 1024 * 1024;
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`Option bytes must be an integer ≥ 0; got ${bytes}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`Option seed must be an integer; got ${seed}`);
  if (!(errorRate >= 0 && errorRate <= 1)) throw new RangeError(`Option errorRate must be in [0, 1]; got ${errorRate}`);
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1024) {
    throw new RangeError(`Option chunkBytes must be an integer ≥ 1024; got ${chunkBytes}`);
  }
  const counts: AppLogCounts = { lines: 0, errorLines: 0, stackLines: 0, bytes: 0 };
  let started = false;
  return {
    counts,
    async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
      if (started) throw new Error('generateAppLog() output can be iterated once');
      started = true;
      const random = prng(seed);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
      const int = (max: number): number => Math.floor(random() * max);
      const fill = (template: string): string =>
        template.replace(/\{(id|n|ms|c|user)\}/g, (_match, key: string) => {
          if (key === 'id') return int(1e6).toString(36);
          if (key === 'n') return String(int(500));
          if (key === 'ms') return String(int(2000));
          if (key === 'c') return String(1 + int(80));
          return pick(USERS);
        });
      // Time advances a few ms per record from a fixed start, so output does not depend on the clock.
      let clock = Date.UTC(2026, 10, 26, 0, 0, 0);
      // An ERROR record spans 1 + 7.5 lines on average; draw records so that ERROR *lines* are errorRate.
      const recordRate = errorRate >= 1 / 7.5 ? 1 : errorRate / (1 - 7.5 * errorRate);
      let parts: string[] = [];
      let partBytes = 0;
      const push = (line: string): void => {
        parts.push(line);
        partBytes += Buffer.byteLength(line) + 1;
        counts.lines += 1;
      };
      while (counts.bytes + partBytes < bytes) {
        clock += int(7);
        const ts = new Date(clock).toISOString();
        const service = pick(SERVICES);
        const req = int(0x7fffffff).toString(16).padStart(8, '0');
        const roll = random();
        if (roll < recordRate) {
          push(`${ts} ERROR [${service}-${req.slice(0, 4)}] req=${req} ${pick(ERROR_MESSAGES)}`);
          counts.errorLines += 1;
          const depth = 3 + int(10);
          for (let f = 0; f < depth; f++) push(`    ${fill(pick(FRAMES))}`);
          counts.stackLines += depth;
        } else if (roll < recordRate + 0.55) {
          const method = pick(METHODS);
          const path = pick(PATHS).replace('{id}', String(int(100000)));
          push(`${ts} INFO  [${service}-${req.slice(0, 4)}] req=${req} ${method} ${path} status=${pick(STATUS)} bytes=${int(50000)} took=${int(900)}ms ip=10.${int(256)}.${int(256)}.${int(256)} ua="Mozilla/5.0 (X11; Linux x86_64)"`);
        } else if (roll < recordRate + 0.85) {
          push(`${ts} INFO  [${service}-${req.slice(0, 4)}] req=${req} ${fill(pick(INFO_MESSAGES))}`);
        } else if (roll < recordRate + 0.93) {
          push(`${ts} DEBUG [${service}-${req.slice(0, 4)}] req=${req} state=${JSON.stringify({ step: int(9), retries: int(3), tenant: int(5000) })}`);
        } else {
          push(`${ts} WARN  [${service}-${req.slice(0, 4)}] req=${req} ${fill(pick(WARN_MESSAGES))}`);
        }
        if (partBytes >= chunkBytes) {
          const chunk = Buffer.from(parts.join('\n') + '\n', 'utf8');
          counts.bytes += chunk.length;
          parts = [];
          partBytes = 0;
          yield chunk;
        }
      }
      if (parts.length > 0) {
        const chunk = Buffer.from(parts.join('\n') + '\n', 'utf8');
        counts.bytes += chunk.length;
        yield chunk;
      }
    },
  };
}

/** Paths and exact counts of a generated log file and its gzip. */
export interface AppLogFiles {
  plain: string;
  gz: string;
  counts: AppLogCounts;
}

/**
 * Writes `app-<sizeMB>MB-seed<seed>.log` and its `.gz` (level 6, like `gzip`) in `dir`, or reuses
 * them when a previous run left both plus their counts file. Returns paths and exact counts.
 *
 * @example
 * const { plain, gz, counts } = await ensureAppLogFiles({ dir: 'bench/.data', sizeMB: 512, seed: 1 });
 */
export async function ensureAppLogFiles(options: {
  dir: string;
  sizeMB: number;
  seed: number;
  errorRate?: number;
  log?: (message: string) => void;
}): Promise<AppLogFiles> {
  const { dir, sizeMB, seed } = options;
  const errorRate = options.errorRate ?? 0.02;
  const base = join(dir, `app-${sizeMB}MB-seed${seed}-err${errorRate}`);
  const plain = `${base}.log`;
  const gz = `${base}.log.gz`;
  const meta = `${base}.counts.json`;
  mkdirSync(dirname(plain), { recursive: true });
  if (existsSync(meta) && existsSync(plain) && existsSync(gz)) {
    const counts = JSON.parse(readFileSync(meta, 'utf8')) as AppLogCounts;
    if (statSync(plain).size === counts.bytes) return { plain, gz, counts };
  }
  const say = options.log ?? ((): void => {});
  say(`generating ${plain} (${sizeMB} MB, seed ${seed})`);
  const log = generateAppLog({ bytes: sizeMB * 1024 * 1024, seed, errorRate });
  await pipeline(Readable.from(log), createWriteStream(`${plain}.tmp`));
  renameSync(`${plain}.tmp`, plain);
  say(`compressing ${gz}`);
  await pipeline(createReadStream(plain, { highWaterMark: 1024 * 1024 }), createGzip({ level: 6, chunkSize: 1024 * 1024 }), createWriteStream(`${gz}.tmp`));
  renameSync(`${gz}.tmp`, gz);
  writeFileSync(meta, JSON.stringify(log.counts));
  return { plain, gz, counts: log.counts };
}
