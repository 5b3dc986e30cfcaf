import type { Line, LineOrigin, LongLinePolicy, LineStats } from '../stream/types.js';
import { capUtf8 } from './createRecordBuilder.js';

/**
 * Appends to `out` the lines of one CloudWatch Logs message, numbered from `lastNumber + 1`, and
 * returns the last number given. A trailing newline ends the message (runtimes log `…\n`); CR LF is
 * accepted; a message longer than `maxLineBytes` (UTF-8) is cut (`truncate`, counted, its last line
 * flagged) or dropped (`skip`, counted). Every line carries `offset` and `origin`.
 *
 * @example const n = messageLines(out, 'a\nb\n', 12, origin, 0, { maxLineBytes: 1024, longLines: 'truncate', stats }) // 2
 */
export function messageLines(
  out: Line[],
  message: string,
  offset: number,
  origin: LineOrigin,
  lastNumber: number,
  options: { maxLineBytes: number; longLines: LongLinePolicy; stats: LineStats },
): number {
  const { maxLineBytes, stats } = options;
  let number = lastNumber;
  let text = message;
  if (text.charCodeAt(text.length - 1) === 10) text = text.slice(0, text.charCodeAt(text.length - 2) === 13 ? -2 : -1);
  let truncated = false;
  // Each UTF-16 unit is at most 3 UTF-8 bytes, so short messages need no measuring.
  if (text.length * 3 > maxLineBytes && Buffer.byteLength(text, 'utf8') > maxLineBytes) {
    if (options.longLines === 'skip') {
      stats.skippedLines++;
      return number;
    }
    stats.truncatedLines++;
    truncated = true;
  }
  const kept = truncated ? capUtf8(text, maxLineBytes) : text;
  let start = 0;
  for (;;) {
    const nl = kept.indexOf('\n', start);
    const last = nl === -1;
    const end = last ? kept.length : nl;
    let piece = kept.slice(start, end);
    if (piece.charCodeAt(piece.length - 1) === 13) piece = piece.slice(0, -1);
    let length = Buffer.byteLength(piece, 'utf8');
    if (last && truncated) {
      // `bytes` is the length before the cut, as the line stage reports it.
      const whole = text.indexOf('\n', start);
      const original = text.slice(start, whole === -1 ? text.length : whole);
      length = Buffer.byteLength(original.endsWith('\r') ? original.slice(0, -1) : original, 'utf8');
    }
    out.push({ text: piece, number: ++number, offset, bytes: length, truncated: last && truncated, origin });
    stats.lines++;
    if (last) break;
    start = nl + 1;
  }
  return number;
}
