import { LEVEL_RANK } from '../constants.js';

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

// Characters that may surround a level token: whitespace and bracket-like punctuation. `/`, `-`,
// `.`, `=` and `_` are not, so `/api/error`, `error-page`, `errors.log`, `x=error` and `on_error`
// are not level tokens.
const B = String.raw` \t\r\n\[\]()|:<>,;'"`;
// Level words, any case (the case rules of ALERT/EMERG/NOTICE/EMERGENCY are `wordRank`'s), with a
// boundary character (or the line's edge) on both sides, so that a match is a whole run of letters.
// The regex engine skips timestamps and headers natively: two thirds of the time of a loop over
// character codes in JavaScript.
const LEVEL_WORD = new RegExp(
  String.raw`(?<![^${B}])(?:err(?:or)?|info|warn(?:ing)?|crit(?:ical)?|debug|fatal|trace|panic|alert|emerg(?:ency)?|severe|dpanic|notice)(?![^${B}])`,
  'gi',
);
/** Longest level word (`emergency`) plus the boundary after it. */
const LONGEST_WORD = 10;

/**
 * Rank of the first level token that starts among the first `limit` characters of a line (0 when
 * none): ERROR/ERR, FATAL, CRITICAL/CRIT, SEVERE, PANIC, WARN/WARNING, INFO, DEBUG, TRACE in any
 * case; EMERG, ALERT, NOTICE only in capitals or brackets. A token must be bounded by whitespace
 * or bracket-like punctuation. Looks at no more than `limit` + 10 characters, whatever the line's
 * length.
 *
 * @example findLevelToken('[core:error] [pid 1] AH00037', 160) // 50
 */
export function findLevelToken(text: string, limit: number): number {
  // A word starting before `limit` ends, with the character after it, within `limit` + 10.
  const head = text.length > limit + LONGEST_WORD ? text.slice(0, limit + LONGEST_WORD) : text;
  LEVEL_WORD.lastIndex = 0;
  // test() rather than exec(): no match array per line. The word is the run of letters before lastIndex.
  while (LEVEL_WORD.test(head)) {
    const end = LEVEL_WORD.lastIndex;
    let start = end - 1;
    while (start > 0 && ((head.charCodeAt(start - 1) | 0x20) - 97) >>> 0 <= 25) start--;
    if (start >= limit) return 0;
    const rank = wordRank(text, start, end - start);
    if (rank > 0) return rank;
  }
  return 0;
}
