import { LEVEL_RANK } from './constants.js';
import { EXCEPTION_HEADER } from './formats/createTextParser.js';

/**
 * Whether `text` continues the open event rather than starting one: stack frames and indented
 * JSON, a `}`/`]` closing (or a lone `{`/`[` opening) a body printed under a log line, `Caused by:`,
 * `Traceback (`, `... N more`, `--- End of`; and an exception header (`java.lang.IllegalStateException: boom`)
 * when the open event is a warning or worse (`openRank`) or already has frames (`openContinued`).
 *
 * @example isContinuation('    at f (a.js:1:1)', 50, false) // true
 */
export function isContinuation(text: string, openRank: number, openContinued: boolean): boolean {
  const c = text.charCodeAt(0);
  if (c === 32 || c === 9) return true; // frames (`    at `, `\tat `, `  File "…"`), indented JSON
  if (c === 125 || c === 93) return true; // `}` / `]` closing a JSON body printed under a log line
  if ((c === 123 || c === 91) && text.length <= 2) return true; // `{` / `[` opening one
  if (c === 67 && text.startsWith('Caused by:')) return true;
  if (c === 84 && text.startsWith('Traceback (')) return true;
  if (c === 46 && /^\.\.\. \d+ (?:more|common frames omitted)/.test(text)) return true;
  if (c === 45 && text.startsWith('--- End of')) return true;
  // An exception header (`java.lang.IllegalStateException: boom`, `KeyError: 'x'`) belongs to an
  // event that is already an error or already has frames; otherwise it starts its own event.
  if ((openRank >= LEVEL_RANK.warn || openContinued) && ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) {
    return EXCEPTION_HEADER.test(text);
  }
  return false;
}
