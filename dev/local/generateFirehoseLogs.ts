/**
 * Seeded generator of CloudWatch Logs subscription data as Firehose writes it to S3: one gzip member
 * per envelope, concatenated (a multi-member gzip object), a control message first. The envelopes
 * hold the log events of Lambda functions: START/END/REPORT platform lines, tab-separated text lines
 * of the Node runtime, Powertools-style JSON lines (escaped quotes inside the message), WARNs, and
 * ERRORs whose message carries its stack trace (escaped newlines). Same seed and size, same bytes.
 *
 * Used by the e2e bench (bench/e2e.ts) for its CloudWatch Logs case.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { prng } from './prng.js';

/** Exact counts of a generated object, final once iteration has finished. */
export interface FirehoseLogCounts {
  /** Envelopes, the control message included. */
  envelopes: number;
  /** Log events of the data messages. */
  logEvents: number;
  /** Log events at ERROR level (each an error record for the default rules). */
  errorEvents: number;
  /** Decompressed bytes: the envelopes' JSON. */
  bytes: number;
  /** Bytes stored: the gzip members. */
  storedBytes: number;
}

/** An async iterable of gzip members (one envelope each) whose `counts` are exact once drained. */
export interface FirehoseLogs extends AsyncIterable<Uint8Array> {
  readonly counts: FirehoseLogCounts;
}

const ACCOUNT = '111122223333';
const FUNCTIONS = ['orders-api', 'payments-worker', 'inventory-sync', 'notify-fanout'];
const INFO_TEXT = [
  'reserved {n} items of sku {sku} for order {order}',
  'cache miss for key cart:{order}, loading from dynamodb',
  'published order.created to eventbridge in {ms} ms',
  'processing batch of {n} SQS messages',
];
const JSON_MESSAGES = ['priced cart', 'order accepted', 'stock level read', 'sent receipt email'];
const WARN_TEXT = ['slow dynamodb query: {ms} ms on table orders', 'retrying stock service call, attempt {n} of 3'];
const ERROR_TEXT = [
  'Error: stock service returned 503 for sku {sku}',
  "TypeError: Cannot read properties of undefined (reading 'price')",
  'ConditionalCheckFailedException: The conditional request failed',
];
const FRAMES = [
  '    at reserve (/var/task/stock.mjs:{n}:13)',
  '    at async Runtime.handler (/var/task/index.mjs:31:5)',
  '    at priceCart (/var/task/pricing.mjs:{n}:22)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
];

/**
 * Generates Firehose's S3 object for a CloudWatch Logs subscription until at least `bytes` of
 * envelope JSON (decompressed) are written; each yielded chunk is one gzip member. An envelope holds
 * 20 to 400 log events of one function's log stream; `errorRate` (default 0.02) of the events are
 * ERRORs with a 2 to 4 frame stack trace.
 *
 * @example
 * const object = generateFirehoseLogs({ bytes: 64 * 1024 * 1024, seed: 7 });
 * for await (const member of object) out.write(member);
 */
export function generateFirehoseLogs(options: { bytes: number; seed: number; errorRate?: number }): FirehoseLogs {
  const { bytes, seed } = options;
  const errorRate = options.errorRate ?? 0.02;
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`Option bytes must be an integer ≥ 0; got ${bytes}`);
  if (!(errorRate >= 0 && errorRate <= 1)) throw new RangeError(`Option errorRate must be in [0, 1]; got ${errorRate}`);
  const counts: FirehoseLogCounts = { envelopes: 0, logEvents: 0, errorEvents: 0, bytes: 0, storedBytes: 0 };
  let started = false;
  return {
    counts,
    async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
      if (started) throw new Error('generateFirehoseLogs() output can be iterated once');
      started = true;
      const random = prng(seed);
      const int = (n: number): number => Math.floor(random() * n);
      const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
      const fill = (text: string): string =>
        text.replace(/\{(n|ms|sku|order)\}/g, (_m, k: string) =>
          k === 'n' ? String(1 + int(400)) : k === 'ms' ? String(int(3000)) : k === 'sku' ? String(int(99999)) : int(1e9).toString(36),
        );
      const emit = (envelope: unknown): Uint8Array => {
        const json = Buffer.from(JSON.stringify(envelope));
        const member = gzipSync(json, { level: 6 });
        counts.envelopes += 1;
        counts.bytes += json.length;
        counts.storedBytes += member.length;
        return member;
      };
      yield emit({
        messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logGroup: '', logStream: '', subscriptionFilters: [],
        logEvents: [{ id: '', timestamp: Date.UTC(2026, 10, 26), message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
      });
      let clock = Date.UTC(2026, 10, 26, 8, 0, 0);
      let eventNo = 0;
      while (counts.bytes < bytes) {
        const fn = pick(FUNCTIONS);
        const stream = `2026/11/26/[$LATEST]${int(0x7fffffff).toString(16).padStart(8, '0')}${'0'.repeat(24)}`;
        const logEvents: Array<{ id: string; timestamp: number; message: string }> = [];
        const wanted = 20 + int(381);
        let requestId = '';
        while (logEvents.length < wanted) {
          clock += int(40);
          const at = new Date(clock).toISOString();
          const push = (message: string): void => {
            eventNo += 1;
            logEvents.push({ id: `${clock}`.padEnd(20, '0') + String(eventNo).padStart(36, '0'), timestamp: clock, message });
          };
          if (requestId === '' || random() < 0.08) {
            if (requestId !== '') {
              push(`END RequestId: ${requestId}\n`);
              push(`REPORT RequestId: ${requestId}\tDuration: ${(5 + random() * 900).toFixed(2)} ms\tBilled Duration: ${1 + int(900)} ms\tMemory Size: 512 MB\tMax Memory Used: ${80 + int(200)} MB\t\n`);
            }
            requestId = `${int(0xffffffff).toString(16).padStart(8, '0')}-${int(0xffff).toString(16).padStart(4, '0')}-4a2b-9c3d-${int(0xffffffff).toString(16).padStart(12, '0')}`;
            push(`START RequestId: ${requestId} Version: $LATEST\n`);
            continue;
          }
          const roll = random();
          if (roll < errorRate) {
            counts.errorEvents += 1;
            const frames = Array.from({ length: 2 + int(3) }, () => fill(pick(FRAMES))).join('\n');
            push(`${at}\t${requestId}\tERROR\t${fill(pick(ERROR_TEXT))}\n${frames}\n`);
          } else if (roll < errorRate + 0.05) {
            push(`${at}\t${requestId}\tWARN\t${fill(pick(WARN_TEXT))}\n`);
          } else if (roll < errorRate + 0.35) {
            push(`${JSON.stringify({ level: 'INFO', message: pick(JSON_MESSAGES), timestamp: at, service: fn, cold_start: false, function_request_id: requestId, items: int(20), total: (random() * 500).toFixed(2), xray_trace_id: `1-${(clock / 1000).toString(16).slice(0, 8)}-${int(0xffffffff).toString(16).padStart(24, '0')}` })}\n`);
          } else {
            push(`${at}\t${requestId}\tINFO\t${fill(pick(INFO_TEXT))}\n`);
          }
        }
        counts.logEvents += logEvents.length;
        yield emit({ messageType: 'DATA_MESSAGE', owner: ACCOUNT, logGroup: `/aws/lambda/${fn}`, logStream: stream, subscriptionFilters: ['to-firehose'], logEvents });
      }
    },
  };
}

/**
 * Writes `firehose-cwl-<sizeMB>MB-seed<seed>.gz` in `dir`, or reuses it when a previous run left it
 * and its counts file. Returns the path and exact counts.
 *
 * @example const { path, counts } = await ensureFirehoseLogFile({ dir: 'bench/.data', sizeMB: 512, seed: 1 });
 */
export async function ensureFirehoseLogFile(options: {
  dir: string;
  sizeMB: number;
  seed: number;
  log?: (message: string) => void;
}): Promise<{ path: string; counts: FirehoseLogCounts }> {
  const base = join(options.dir, `firehose-cwl-${options.sizeMB}MB-seed${options.seed}`);
  const path = `${base}.gz`;
  const meta = `${base}.counts.json`;
  mkdirSync(options.dir, { recursive: true });
  if (existsSync(meta) && existsSync(path)) {
    const counts = JSON.parse(readFileSync(meta, 'utf8')) as FirehoseLogCounts;
    if (statSync(path).size === counts.storedBytes) return { path, counts };
  }
  options.log?.(`generating ${path} (${options.sizeMB} MB of envelopes, seed ${options.seed})`);
  const object = generateFirehoseLogs({ bytes: options.sizeMB * 1024 * 1024, seed: options.seed });
  await pipeline(Readable.from(object), createWriteStream(`${path}.tmp`));
  renameSync(`${path}.tmp`, path);
  writeFileSync(meta, JSON.stringify(object.counts));
  return { path, counts: object.counts };
}
