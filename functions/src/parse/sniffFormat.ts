import { detectFormat } from './detectFormat.js';
import type { LogFormat } from './types.js';

/** Bytes of the head decoded for sniffing. */
const SNIFF_BYTES = 65_536;

/**
 * Picks the route for an object from its first decompressed bytes: `cloudtrail` when they start a
 * `{"Records":[` document (which must go to `cloudTrailRecords`, since it is often one line of
 * hundreds of MB), otherwise the line format from `detectFormat` on the complete lines among the
 * first 64 KiB. A UTF-8 BOM is ignored.
 *
 * @example
 * const route = sniffFormat(firstChunk, key);
 * const out = route === 'cloudtrail' ? cloudTrailRecords(bytes, opts) : records(lineBatches(bytes), { ...opts, format: route });
 */
export function sniffFormat(firstBytes: Uint8Array, key?: string): LogFormat {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(firstBytes.subarray(0, SNIFF_BYTES)).replace(/^\uFEFF/, '');
  if (/^\s*\{\s*"Records"\s*:\s*\[/.test(head)) return 'cloudtrail';
  const lines = head.split('\n');
  // The last piece may be a cut line; keep it only when it is the whole input.
  if (lines.length > 1 && firstBytes.length >= SNIFF_BYTES) lines.pop();
  return detectFormat(lines, key);
}
