/**
 * Whether the JSON text nests objects and arrays deeper than `max` levels: a string-aware walk, one
 * pass, no allocation, stopping at the first level too deep. Brackets inside strings do not count.
 *
 * @example jsonDepthExceeds('{"a":[[1]]}', 2) // true
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) i = closingQuote(text, i, n);
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** Index of the quote that closes the JSON string opening at `open` (escapes skipped), or `limit` when it does not close before it. */
export function closingQuote(text: string, open: number, limit: number): number {
  for (let i = open + 1; i < limit; i++) {
    const d = text.charCodeAt(i);
    if (d === 92) i++;
    else if (d === 34) return i;
  }
  return limit;
}
