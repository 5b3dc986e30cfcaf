/**
 * Builders of hostile inputs (decompression and structure bombs, mixed formats, wrong-answer
 * traps), shared by the fault suite (small sizes) and `npm run bench:hostile` (large ones).
 * Everything is deterministic; nothing is read from disk.
 */
import { gzipSync } from 'node:zlib';

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
/** zstd's largest block content, and the default window RLE frames below declare (8 MiB). */
const BLOCK_MAX = 128 * 1024;

/** `count` text lines `<iso> <LEVEL> <tag> <i>`, newline-terminated. */
export function textLines(count: number, level: 'ERROR' | 'INFO', tag: string, startMs = Date.UTC(2026, 10, 26)): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`${new Date(startMs + i * 1000).toISOString()} ${level} [${tag}] event ${i} happened`);
  return `${out.join('\n')}\n`;
}

/** `count` text lines, every `errorEvery`-th an ERROR (the rest INFO), newline-terminated. */
export function mixedTextLines(count: number, errorEvery: number, tag: string, startMs = Date.UTC(2026, 10, 26)): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(`${new Date(startMs + i * 1000).toISOString()} ${i % errorEvery === 0 ? 'ERROR' : 'INFO'} [${tag}] event ${i} happened`);
  }
  return `${out.join('\n')}\n`;
}

/** `count` JSON lines with a top-level `level`, newline-terminated. */
export function jsonLines(count: number, level: 'error' | 'info', tag: string, startMs = Date.UTC(2026, 10, 26)): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(JSON.stringify({ time: new Date(startMs + i * 1000).toISOString(), level, msg: `${tag} ${i}` }));
  return `${out.join('\n')}\n`;
}

/** A zstd frame header: no checksum, no dictionary, no content size, the given window descriptor byte. */
function zstdFrameHeader(windowDescriptor: number): Buffer {
  return Buffer.from([...ZSTD_MAGIC, 0x00, windowDescriptor]);
}

/** A raw block (`last` marks the frame's end) holding `content` (≤ 128 KiB). */
function rawBlock(content: Uint8Array, last: boolean): Buffer {
  const h = (content.byteLength << 3) | (0 << 1) | (last ? 1 : 0);
  return Buffer.concat([Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]), content]);
}

/** An RLE block: `size` (≤ 128 KiB) copies of `byte`. */
function rleBlock(byte: number, size: number, last: boolean): Buffer {
  const h = (size << 3) | (1 << 1) | (last ? 1 : 0);
  return Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, byte]);
}

/** One zstd frame (window 8 MiB) of raw blocks holding `text`. */
export function zstdRawFrame(text: string | Uint8Array, windowDescriptor = 0x68): Buffer {
  const bytes = typeof text === 'string' ? Buffer.from(text) : Buffer.from(text);
  const parts: Buffer[] = [zstdFrameHeader(windowDescriptor)];
  if (bytes.length === 0) parts.push(rawBlock(new Uint8Array(0), true));
  for (let p = 0; p < bytes.length; p += BLOCK_MAX) {
    parts.push(rawBlock(bytes.subarray(p, p + BLOCK_MAX), p + BLOCK_MAX >= bytes.length));
  }
  return Buffer.concat(parts);
}

/**
 * A frame declaring a 1.875 GiB window (descriptor exponent 20, mantissa 7) holding `text`: a
 * decoder that trusts it allocates the window first.
 */
export function zstdHugeWindowFrame(text: string): Buffer {
  return zstdRawFrame(text, (20 << 3) | 7);
}

/**
 * An RLE bomb: one frame (window 8 MiB) of `totalBytes` of `byte` in 128 KiB RLE blocks, 4 bytes
 * each (10 GiB in 320 KiB), with a newline every block when `newlines` (so lines, not one long one).
 */
export function zstdRleBomb(totalBytes: number, byte = 0x41, newlines = false): Buffer {
  const blocks = Math.ceil(totalBytes / BLOCK_MAX);
  const parts: Buffer[] = [zstdFrameHeader(0x68)];
  for (let b = 0; b < blocks; b++) {
    const size = Math.min(BLOCK_MAX, totalBytes - b * BLOCK_MAX);
    const last = b === blocks - 1;
    if (newlines) {
      parts.push(rleBlock(byte, size - 1, false));
      parts.push(rawBlock(Buffer.from('\n'), last));
    } else parts.push(rleBlock(byte, size, last));
  }
  return Buffer.concat(parts);
}

/** gzip members, a stray byte, then a member of `errors` ERROR lines (0 records lost when all are read). */
export function gzipStrayByteBetweenMembers(firstErrors: number, errors: number): Buffer {
  return Buffer.concat([gzipSync(textLines(firstErrors, 'ERROR', 'first')), Buffer.from([0x41]), gzipSync(textLines(errors, 'ERROR', 'second'))]);
}

/** A gzip member of `errors` ERROR lines, then `plainErrors` ERROR lines of plain text. */
export function gzipThenPlainText(errors: number, plainErrors: number): Buffer {
  return Buffer.concat([gzipSync(textLines(errors, 'ERROR', 'member')), Buffer.from(textLines(plainErrors, 'ERROR', 'plain'))]);
}

/** `text` as UTF-16 with its BOM, little- or big-endian. */
export function utf16WithBom(text: string, endian: 'le' | 'be'): Buffer {
  const le = Buffer.from(`\ufeff${text}`, 'utf16le');
  return endian === 'le' ? le : le.swap16();
}

/** JSON nested `depth` levels: `[[[…]]]`. */
export function deepArray(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** A CloudTrail document of `events` events, every `errorEvery`-th with an errorCode, and `extra` top-level JSON after Records. */
export function cloudTrailDocument(events: number, errorEvery: number, extraAfterRecords = ''): string {
  const records: string[] = [];
  for (let i = 0; i < events; i++) {
    records.push(JSON.stringify({
      eventVersion: '1.08', eventTime: new Date(Date.UTC(2026, 10, 26) + i * 1000).toISOString(), eventSource: 's3.amazonaws.com',
      eventName: 'GetObject', awsRegion: 'us-east-1', ...(i % errorEvery === 0 ? { errorCode: 'AccessDenied', errorMessage: 'Access Denied' } : {}),
      requestParameters: { bucketName: 'logs', key: `k${i}` },
    }));
  }
  return `{"Records":[${records.join(',')}]${extraAfterRecords ? `,${extraAfterRecords}` : ''}}`;
}

/**
 * A CloudWatch Logs envelope whose `logEvents` come before its metadata keys, `invalid` events with
 * non-string messages first, then `errors` ERROR messages.
 */
export function cloudWatchEventsFirst(invalid: number, errors: number, deep = 0): string {
  const events: string[] = [];
  const bad = deep > 0 ? `{"id":"x","timestamp":1,"message":${deepArray(deep)}}` : '{"id":"x","timestamp":1,"message":{"k":[1,2,3]}}';
  for (let i = 0; i < invalid; i++) events.push(bad);
  for (let i = 0; i < errors; i++) events.push(JSON.stringify({ id: String(i), timestamp: Date.UTC(2026, 10, 26) + i, message: `ERROR event ${i} failed` }));
  return `{"logEvents":[${events.join(',')}],"messageType":"DATA_MESSAGE","owner":"1","logGroup":"/g","logStream":"s","subscriptionFilters":["f"]}\n`;
}

/** An ALB log line; `drop` removes that field (0-based) to shift the rest. */
export function albLine(status: number, i: number, drop?: number): string {
  const fields = [
    'https', `2026-11-26T00:00:${String(i % 60).padStart(2, '0')}.000000Z`, 'app/my-lb/50dc6c495c0c9188', `192.0.2.${i % 250}:4${i % 1000}`,
    '10.0.0.1:80', '0.001', '0.002', '0.000', String(status), String(status), '34', '366', `"GET https://example.com:443/items/${i} HTTP/1.1"`,
    '"curl/8.0"', 'ECDHE-RSA-AES128-GCM-SHA256', 'TLSv1.2', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/73e2d6bc24d8a067',
    `"Root=1-58337262-36d228ad5d99923122bbe354"`, '"example.com"', '"arn:aws:acm:us-east-1:123456789012:certificate/x"', '0',
    '2026-11-26T00:00:00.000000Z', '"forward"', '"-"', '"-"', '"10.0.0.1:80"', `"${status}"`, '"-"', '"-"',
  ];
  if (drop !== undefined) fields.splice(drop, 1);
  return fields.join(' ');
}
