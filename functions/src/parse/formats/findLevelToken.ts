import { LEVEL_RANK } from '../constants.js';

// Characters that may surround a level token: whitespace and bracket-like punctuation. `/`, `-`,
// `.`, `=` and `_` are not, so `/api/error`, `error-page`, `errors.log`, `x=error` and `on_error`
// are not level tokens.
const BOUNDARY = new Uint8Array(128);
for (const c of ' \t\r\n[]()|:<>,;\'"') BOUNDARY[c.charCodeAt(0)] = 1;

const isBoundary = (c: number): boolean => Number.isNaN(c) || (c < 128 && BOUNDARY[c] === 1);
const isLetter = (c: number): boolean => ((c | 0x20) >= 97 && (c | 0x20) <= 122);

/** Whether `text[i, i + word.length)` equals the lower-case `word`, ignoring ASCII case. */
function eq(text: string, i: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    if ((text.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** Whether the word at `i` of length `len` is written in capitals (checked on its first two letters). */
function upper(text: string, i: number): boolean {
  const a = text.charCodeAt(i);
  const b = text.charCodeAt(i + 1);
  return a >= 65 && a <= 90 && b >= 65 && b <= 90;
}

/** Rank of the word `text[i, i + len)` when it is a level token, else 0. */
function wordRank(text: string, i: number, len: number): number {
  switch (len) {
    case 3:
      return eq(text, i, 'err') ? LEVEL_RANK.error : 0;
    case 4:
      if (eq(text, i, 'info')) return LEVEL_RANK.info;
      if (eq(text, i, 'warn')) return LEVEL_RANK.warn;
      if (eq(text, i, 'crit')) return LEVEL_RANK.fatal;
      return 0;
    case 5:
      if (eq(text, i, 'error')) return LEVEL_RANK.error;
      if (eq(text, i, 'debug')) return LEVEL_RANK.debug;
      if (eq(text, i, 'fatal')) return LEVEL_RANK.fatal;
      if (eq(text, i, 'trace')) return LEVEL_RANK.trace;
      if (eq(text, i, 'panic')) return LEVEL_RANK.fatal;
      // Ordinary English words: only in capitals or as Apache's `[alert]`/`[emerg]`.
      if (eq(text, i, 'alert') || eq(text, i, 'emerg')) return upper(text, i) || bracketed(text, i, len) ? LEVEL_RANK.fatal : 0;
      return 0;
    case 6:
      if (eq(text, i, 'severe')) return LEVEL_RANK.error;
      if (eq(text, i, 'dpanic')) return LEVEL_RANK.fatal;
      if (eq(text, i, 'notice')) return upper(text, i) || bracketed(text, i, len) ? LEVEL_RANK.info : 0;
      return 0;
    case 7:
      return eq(text, i, 'warning') ? LEVEL_RANK.warn : 0;
    case 8:
      return eq(text, i, 'critical') ? LEVEL_RANK.fatal : 0;
    case 9:
      return eq(text, i, 'emergency') && upper(text, i) ? LEVEL_RANK.fatal : 0;
    default:
      return 0;
  }
}

function bracketed(text: string, i: number, len: number): boolean {
  return text.charCodeAt(i - 1) === 91 && text.charCodeAt(i + len) === 93;
}

/**
 * Rank of the first level token among the first `limit` characters of a line (0 when none):
 * ERROR/ERR, FATAL, CRITICAL/CRIT, SEVERE, PANIC, WARN/WARNING, INFO, DEBUG, TRACE in any case;
 * EMERG, ALERT, NOTICE only in capitals or brackets. A token must be bounded by whitespace or
 * bracket-like punctuation. One pass over character codes, no allocation.
 *
 * @example findLevelToken('[core:error] [pid 1] AH00037', 160) // 50
 */
export function findLevelToken(text: string, limit: number): number {
  const end = Math.min(text.length, limit);
  let i = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (!isLetter(c)) {
      i++;
      continue;
    }
    // Start of a run of letters: measure it, then skip it whole.
    let j = i + 1;
    while (j < text.length && isLetter(text.charCodeAt(j))) j++;
    const len = j - i;
    if (len >= 3 && len <= 9 && (i === 0 || isBoundary(text.charCodeAt(i - 1))) && (j === text.length || isBoundary(text.charCodeAt(j)))) {
      const rank = wordRank(text, i, len);
      if (rank > 0) return rank;
    }
    i = j;
  }
  return 0;
}
