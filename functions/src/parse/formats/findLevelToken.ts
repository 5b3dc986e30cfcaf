import { LEVEL_RANK } from '../constants.js';

/** Whether the word at `i` is written in capitals (checked on its first two letters). */
function upper(text: string, i: number): boolean {
  const a = text.charCodeAt(i);
  const b = text.charCodeAt(i + 1);
  return a >= 65 && a <= 90 && b >= 65 && b <= 90;
}

/**
 * Rank of the level word `LEVEL_WORD` matched at `text[i, i + len)`, 0 where its case rule says it
 * is not one. The match is one of the pattern's words, whole, so its length and first letter tell
 * which (and the second letter ERROR from EMERG): its letters are not compared again.
 */
function wordRank(text: string, i: number, len: number): number {
  const first = text.charCodeAt(i) | 0x20;
  switch (len) {
    case 3: // err
      return LEVEL_RANK.error;
    case 4: // info, warn, crit
      return first === 0x69 ? LEVEL_RANK.info : first === 0x77 ? LEVEL_RANK.warn : LEVEL_RANK.fatal;
    case 5:
      switch (first) {
        case 0x64: return LEVEL_RANK.debug;
        case 0x66: return LEVEL_RANK.fatal;
        case 0x74: return LEVEL_RANK.trace;
        case 0x70: return LEVEL_RANK.fatal; // panic
        case 0x65: // error, emerg
          if ((text.charCodeAt(i + 1) | 0x20) === 0x72) return LEVEL_RANK.error;
          return upper(text, i) || bracketed(text, i, len) ? LEVEL_RANK.fatal : 0;
        default: // alert: an ordinary English word, so only in capitals or as Apache's `[alert]`
          return upper(text, i) || bracketed(text, i, len) ? LEVEL_RANK.fatal : 0;
      }
    case 6: // severe, dpanic, notice
      if (first === 0x73) return LEVEL_RANK.error;
      if (first === 0x64) return LEVEL_RANK.fatal;
      return upper(text, i) || bracketed(text, i, len) ? LEVEL_RANK.info : 0;
    case 7: // warning
      return LEVEL_RANK.warn;
    case 8: // critical
      return LEVEL_RANK.fatal;
    default: // emergency
      return upper(text, i) ? LEVEL_RANK.fatal : 0;
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
