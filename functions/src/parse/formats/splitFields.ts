/**
 * Splits a space-separated access-log line into fields; `"…"` (with `\"` escapes) and `[…]` are one
 * field each, without their delimiters. A trailing CR is ignored.
 *
 * @example splitFields('a "b c" [d e] -') // ['a', 'b c', 'd e', '-']
 */
export function splitFields(text: string): string[] {
  const out: string[] = [];
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === 13) end--;
  let i = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      i++;
      continue;
    }
    if (c === 34) {
      let j = i + 1;
      let value = '';
      let from = j;
      while (j < end) {
        const d = text.charCodeAt(j);
        if (d === 92 && j + 1 < end) {
          value += text.slice(from, j);
          from = j + 1;
          j += 2;
          continue;
        }
        if (d === 34) break;
        j++;
      }
      out.push(value + text.slice(from, Math.min(j, end)));
      i = j + 1;
      continue;
    }
    if (c === 91) {
      const j = text.indexOf(']', i + 1);
      const stop = j < 0 || j > end ? end : j;
      out.push(text.slice(i + 1, stop));
      i = stop + 1;
      continue;
    }
    let j = text.indexOf(' ', i);
    if (j < 0 || j > end) j = end;
    out.push(text.slice(i, j));
    i = j;
  }
  return out;
}

/** `-` and empty fields are absent values in AWS and Apache logs. */
export function orNull(value: string | undefined): string | null {
  return value === undefined || value === '-' || value === '' ? null : value;
}

/** A numeric field, or null for `-`/empty/non-numeric. */
export function numOrNull(value: string | undefined): number | null {
  if (value === undefined || value === '-' || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Replaces numeric, hex and UUID segments of a URL path so that one route is one group. */
export function routeOf(url: string): string {
  let path = url;
  const scheme = path.indexOf('://');
  if (scheme >= 0) {
    const slash = path.indexOf('/', scheme + 3);
    path = slash < 0 ? '/' : path.slice(slash);
  }
  const q = path.indexOf('?');
  if (q >= 0) path = path.slice(0, q);
  return path
    .split('/')
    .map((seg) => (/\d/.test(seg) && seg.length > 0 ? '{id}' : seg))
    .join('/');
}
