import { detectFormat } from './detectFormat.js';
import type { LogFormat } from './types.js';

/**
 * An envelope written with `logEvents` first whose events fill the head before any metadata key:
 * an array of log event objects (`id`, `timestamp`, `message`) under the first key, in a first
 * object the head does not close (a small object needs its metadata keys).
 */
const LOG_EVENTS_FIRST = /^\s*\{\s*"logEvents"\s*:\s*\[\s*\{\s*"(?:id|timestamp|message)"\s*:/;

/** Bytes of the head decoded for sniffing. */
const SNIFF_BYTES = 65_536;

/**
 * Picks the route for an object from its first decompressed bytes: `cloudtrail` when they start a
 * `{"Records":[` document (which must go to `cloudTrailRecords`, since it is often one line of
 * hundreds of MB); `cloudwatch-logs` when they start a CloudWatch Logs subscription envelope (the
 * first object has a `logEvents` key next to `messageType`, in any order and layout; or, when the
 * head ends inside a large first object, next to `logGroup` or `logStream`), which goes to
 * `cloudWatchLogsEvents`; `cloudtrail` too when a top-level `Records` key comes after others in a
 * first object the head does not close; otherwise the line format from `detectFormat` on the complete lines among
 * the first 64 KiB. A UTF-8 BOM is ignored.
 *
 * @example
 * const route = sniffFormat(firstChunk, key);
 * const out = route === 'cloudtrail' ? cloudTrailRecords(bytes, opts) : records(lineBatches(bytes), { ...opts, format: route });
 */
export function sniffFormat(firstBytes: Uint8Array, key?: string): LogFormat {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(firstBytes.subarray(0, SNIFF_BYTES)).replace(/^\uFEFF/, '');
  if (/^\s*\{\s*"Records"\s*:\s*\[/.test(head)) return 'cloudtrail';
  if (/^\s*\{/.test(head)) {
    const { keys, closed } = topLevelKeys(head);
    if (isCloudWatchLogsEnvelope(keys, closed) || (!closed && LOG_EVENTS_FIRST.test(head))) return 'cloudwatch-logs';
    // `Records` after other keys (`{"x":1,"Records":[`) is still one document, never a line.
    if (keys.has('Records') && !closed) return 'cloudtrail';
  }
  const lines = head.split('\n');
  // The last piece may be a cut line; keep it only when it is the whole input.
  if (lines.length > 1 && firstBytes.length >= SNIFF_BYTES) lines.pop();
  return detectFormat(lines, key);
}

/** Whether the first JSON object of `head` has the keys of a CloudWatch Logs subscription envelope. */
function isCloudWatchLogsEnvelope(keys: ReadonlySet<string>, closed: boolean): boolean {
  if (!keys.has('logEvents')) return false;
  return keys.has('messageType') || (!closed && (keys.has('logGroup') || keys.has('logStream')));
}

/**
 * Keys of the first object in `head` (which starts with `{` after whitespace), read with a
 * string-aware scan that stops where that object closes or where the head ends.
 */
function topLevelKeys(head: string): { keys: Set<string>; closed: boolean } {
  const keys = new Set<string>();
  let depth = 0;
  let stringStart = -1;
  let lastString = '';
  let afterString = false;
  for (let i = head.indexOf('{'); i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (stringStart !== -1) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) {
        if (depth === 1) lastString = head.slice(stringStart, i);
        stringStart = -1;
        afterString = depth === 1;
      }
      continue;
    }
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    if (c === 58 /* : */ && afterString) keys.add(lastString);
    afterString = false;
    if (c === 34) stringStart = i + 1;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return { keys, closed: true };
    }
  }
  return { keys, closed: false };
}
