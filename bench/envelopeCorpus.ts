/**
 * A generated, Firehose-like object of CloudWatch Logs subscription data for `bench:envelopes`:
 * envelopes (metadata first, as CloudWatch Logs writes them) each gzipped on its own and concatenated
 * (multi-member gzip, no separator, as Firehose delivers them), a control message first. Messages are
 * a seeded mix of Lambda text lines (tabs, a trailing `\n`), JSON-structured messages (escaped quotes,
 * braces), multi-line stack traces, long lines (4–16 KiB), and unicode (accents, CJK, emoji).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { prng } from '../dev/local/prng.js';

const MiB = 1024 * 1024;
const START_MS = Date.UTC(2026, 10, 26, 12, 0, 0);
const GROUPS = ['/aws/lambda/orders', '/aws/lambda/payments', '/aws/lambda/stock', '/ecs/api', 'vpc-app'];
const WORDS = ['order', 'payment', 'cart', 'user', 'stock', 'retry', 'cache', 'db', 'queue', 'upstream', 'token', 'session'];
const UNICODE = ['Zürich', 'café crème', '東京都', 'Łódź', 'naïve façade', '😀 ok', 'Привет', '€42.10'];

/** What the corpus holds, so the bench can check the pipeline read all of it. */
export interface EnvelopeCorpus {
  path: string;
  /** Decompressed size. */
  bytes: number;
  compressedBytes: number;
  envelopes: number;
  logEvents: number;
}

/** Writes the corpus under `dir` (unless it exists for this size and seed) and returns where and what. */
export function envelopeCorpus(dir: string, sizeMiB: number, seed = 18): EnvelopeCorpus {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `cwl-envelopes-${sizeMiB}MiB-seed${seed}.json.gz`);
  const meta = `${path}.counts.json`;
  if (existsSync(path) && existsSync(meta)) return { path, ...(JSON.parse(readFileSync(meta, 'utf8')) as Omit<EnvelopeCorpus, 'path'>) };
  const rand = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const hex = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rand() * 16)];
    return s;
  };
  const control = JSON.stringify({
    messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logGroup: '', logStream: '', subscriptionFilters: [],
    logEvents: [{ id: '', timestamp: START_MS, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
  });
  const members: Buffer[] = [gzipSync(control)];
  let bytes = control.length;
  let envelopes = 0;
  let logEvents = 0;
  let ms = START_MS;
  while (bytes < sizeMiB * MiB) {
    const group = pick(GROUPS);
    const req = `${hex(8)}-${hex(4)}-4${hex(3)}-${hex(4)}-${hex(12)}`;
    const count = 20 + Math.floor(rand() * 480);
    const events: { id: string; timestamp: number; message: string }[] = [];
    for (let i = 0; i < count; i++) {
      ms += Math.floor(rand() * 20);
      events.push({ id: `${3795310660696698337880902507980421114328961542429822n + BigInt(logEvents + i)}`, timestamp: ms, message: message(ms, req) });
    }
    const envelope = {
      messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: group,
      logStream: `2026/11/26/[$LATEST]${hex(32)}`, subscriptionFilters: ['to-firehose'], logEvents: events,
    };
    const text = JSON.stringify(envelope);
    bytes += Buffer.byteLength(text);
    members.push(gzipSync(text));
    envelopes++;
    logEvents += count;
  }

  function message(t: number, req: string): string {
    const iso = new Date(t).toISOString();
    const r = rand();
    const n = Math.floor(rand() * 1e6);
    if (r < 0.5) return `${iso}\t${req}\tINFO\t${pick(WORDS)} ${n} ${pick(WORDS)} done in ${n % 900} ms\n`;
    if (r < 0.7) {
      const level = rand() < 0.05 ? 'error' : 'info';
      return `${JSON.stringify({ time: iso, level, requestId: req, msg: `${pick(WORDS)} {id: ${n}} "${pick(WORDS)}" handled`, http: { path: `/v1/${pick(WORDS)}/${n}`, status: level === 'error' ? 500 : 200 } })}\n`;
    }
    if (r < 0.8) return `${iso}\t${req}\tINFO\t${pick(UNICODE)} ${pick(WORDS)} ${n} ${pick(UNICODE)}\n`;
    if (r < 0.803) return `${iso}\t${req}\tINFO\tpayload ${Array.from({ length: 200 + Math.floor(rand() * 600) }, () => `${pick(WORDS)}=${hex(8)}`).join('&')}\n`;
    if (r < 0.835) {
      return `${iso}\t${req}\tERROR\tTypeError: Cannot read properties of undefined (reading '${pick(WORDS)}')\n`
        + `    at ${pick(WORDS)} (/var/task/index.mjs:${n % 300}:11)\n    at async Runtime.handler (/var/task/index.mjs:12:5)\n`;
    }
    if (r < 0.88) return `${iso}\t${req}\tWARN\t${pick(WORDS)} slow: ${n % 5000} ms\n`;
    if (r < 0.92) return `${iso}\t${req}\tERROR\t${pick(WORDS)} failed for ${n}: upstream returned 502\n`;
    if (r < 0.95) return `START RequestId: ${req} Version: $LATEST\n`;
    return `REPORT RequestId: ${req}\tDuration: ${n % 900}.12 ms\tBilled Duration: ${n % 900 + 1} ms\tMemory Size: 1769 MB\tMax Memory Used: 90 MB\t\n`;
  }

  const body = Buffer.concat(members);
  writeFileSync(`${path}.tmp`, body);
  renameSync(`${path}.tmp`, path);
  const counts = { bytes, compressedBytes: statSync(path).size, envelopes: envelopes + 1, logEvents: logEvents + 1 };
  writeFileSync(meta, JSON.stringify(counts));
  return { path, ...counts };
}
