import { LEVEL_RANK } from '../constants.js';
import { lineTime } from '../findTimestamp.js';
import type { ErrorClass, LineParser, LineParserOptions, LogFormat, ParsedLine } from '../types.js';
import { findLevelToken } from './findLevelToken.js';

/** How far into a line the level token is looked for: headers put it early, messages come after. */
const HEAD_CHARS = 160;

// Android logcat: threadtime (`01-02 03:04:05.678  123  456 E Tag: msg`) and brief (`E/Tag( 123): msg`).
const LOGCAT = /^(?:\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\s+\d+\s+\d+\s+([VDIWEFA])\s|([VDIWEFA])\/[^(:]+\(\s*\d+\):)/;
const LOGCAT_RANK: Readonly<Record<string, number>> = {
  V: LEVEL_RANK.trace, D: LEVEL_RANK.debug, I: LEVEL_RANK.info, W: LEVEL_RANK.warn, E: LEVEL_RANK.error,
  F: LEVEL_RANK.fatal, A: LEVEL_RANK.fatal,
};
// A Java/Python/.NET exception header line: `java.lang.IllegalStateException: boom`, `KeyError: 'x'`.
export const EXCEPTION_HEADER = /^[A-Za-z_$][\w$]*(?:\.[\w$]+)*(?:Exception|Error|Throwable|Exit|Interrupt)(?::|$)/;
// The header a text logger puts before the message: timestamps, level, [thread]/[module], request
// ids, logcat pid/tid. Stripped so that the message (and its group) is what the code wrote.
const HEADER = new RegExp(
  '^(?:(?:' + [
    String.raw`\d{4}[-/]\d{2}[-/]\d{2}(?:[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?`,
    String.raw`\d{2}:\d{2}:\d{2}(?:[.,]\d+)?`,
    String.raw`[A-Z][a-z]{2} +\d{1,2}(?= )`,
    String.raw`\d{2}-\d{2}(?= \d)`,
    String.raw`\[[^\]]{0,80}\]`,
    String.raw`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`,
    String.raw`(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|SEVERE|PANIC|EMERG|ALERT)(?=[\s:|]|$)`,
    String.raw`\d+ +\d+ +[VDIWEFA](?= )`,
  ].join('|') + String.raw`)[\s:|]*)+`,
);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** The message of a text line: the line without its logger header, or the whole line if nothing is left. */
export function messageOf(text: string, header = HEADER.exec(text)?.[0] ?? ''): string {
  const rest = text.slice(header.length).trim();
  return rest.length > 0 ? rest : text.trim();
}

/** A `{"…"…}` line: a JSON object, which the JSON classifier reads better than the text one (a level after character 160). */
export function looksLikeJsonObject(text: string): boolean {
  return text.charCodeAt(0) === 123 && text.charCodeAt(1) === 34 && text.charCodeAt(text.length - 1) === 125;
}

// Lambda runtime failures that carry no level token.
const LAMBDA_FAILURES = ['Task timed out after', 'Runtime exited with error', 'Process exited before completing'];

/**
 * Parser of plain-text logs (and the `unknown` fallback): the first level token in the first 160
 * characters decides (ERROR, FATAL, CRITICAL, SEVERE, PANIC, WARN/WARNING, syslog names, Apache
 * `[error]`/`[core:error]`, Python `[ERROR]`, Node Lambda `\tERROR\t`, Android `E`), so a later
 * "error" in the message of an INFO line does not count. Lines with no level token are errors when
 * they are an exception header, a `Traceback`, or a Lambda runtime failure.
 */
export function createTextParser(format: LogFormat = 'text', options: LineParserOptions = {}): LineParser {
  const { referenceTime } = options;
  return {
    format,
    multiline: true,
    cls: 'none' as ErrorClass,
    misfit: false,
    isHeader: () => false,
    scan(text: string): number {
      this.cls = 'none';
      this.misfit = looksLikeJsonObject(text);
      if (this.misfit) return 0;
      let rank = 0;
      // Logcat's priority letter comes before the message, which may itself say FATAL; the anchored
      // pattern fails within a few characters on other lines.
      const c = text.charCodeAt(0);
      if ((c >= 48 && c <= 57 && text.charCodeAt(2) === 45) || (c >= 65 && c <= 90 && text.charCodeAt(1) === 47)) {
        const l = LOGCAT.exec(text);
        if (l) rank = LOGCAT_RANK[(l[1] ?? l[2])!] ?? 0;
      }
      if (rank === 0) rank = findLevelToken(text, HEAD_CHARS);
      if (rank > 0) {
        this.cls = 'level';
        return rank;
      }
      if (text.startsWith('Traceback (') || EXCEPTION_HEADER.test(text) || text.startsWith('Exception in thread')) {
        this.cls = 'exception';
        return LEVEL_RANK.error;
      }
      for (const failure of LAMBDA_FAILURES) {
        if (text.indexOf(failure) >= 0) {
          this.cls = 'exception';
          return LEVEL_RANK.error;
        }
      }
      return 0;
    },
    parse(text: string): ParsedLine {
      const header = HEADER.exec(text)?.[0] ?? '';
      // A UUID in the header is the request id of Lambda runtimes (Node, Python, Java).
      const requestId = UUID.exec(header)?.[0];
      return {
        level: null, class: 'none', message: messageOf(text, header),
        fields: requestId === undefined ? {} : { requestId },
        ...lineTime(text, referenceTime),
      };
    },
  };
}
