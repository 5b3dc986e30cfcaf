import { LEVEL_RANK, SYSLOG_SEVERITY } from '../constants.js';
import { findTimestamp, lineTime, yearlessTimestamp } from '../findTimestamp.js';
import type { ErrorClass, LineParser, LineParserOptions, ParsedLine } from '../types.js';
import { createTextParser } from './createTextParser.js';

// <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG
const RFC5424 = /^<(\d{1,3})>(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) ((?:-|(?:\[(?:[^\]\\]|\\.)*\])+))(?: (.*))?$/s;
// <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG
const RFC3164 = /^<(\d{1,3})>([A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}) (\S+) ([^:[\s]+)(?:\[(\d+)\])?:? ?(.*)$/s;

/**
 * Parser of syslog RFC 5424 and RFC 3164 lines. The level is the PRI severity (PRI % 8):
 * 0–2 fatal, 3 error (so severity 3 or lower is an error), 4 warn, 5–6 info, 7 debug. Lines without
 * a PRI are treated as plain text. RFC 3164 stamps have no year: with `referenceTime` they get
 * the one that puts them at most a day after it (`yearInferred`), without it they are null.
 */
export function createSyslogParser(options: LineParserOptions = {}): LineParser {
  const { referenceTime } = options;
  const text = createTextParser('syslog', options);
  return {
    format: 'syslog',
    multiline: false,
    cls: 'none' as ErrorClass,
    misfit: false,
    isHeader: () => false,
    scan(line: string): number {
      this.cls = 'none';
      if (line.charCodeAt(0) !== 60) {
        const rank = text.scan(line);
        this.cls = text.cls;
        this.misfit = text.misfit === true;
        return rank;
      }
      this.misfit = false;
      let pri = 0;
      let i = 1;
      for (; i < 5; i++) {
        const d = line.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        pri = pri * 10 + d;
      }
      if (i === 1 || line.charCodeAt(i) !== 62 || pri > 191) return 0;
      this.cls = 'level';
      return LEVEL_RANK[SYSLOG_SEVERITY[pri % 8]!];
    },
    parse(line: string): ParsedLine {
      let m = RFC5424.exec(line);
      if (m) {
        const pri = Number(m[1]);
        return {
          level: null, class: 'none', timestamp: m[3] === '-' ? null : findTimestamp(m[3]!),
          message: (m[9] ?? '').replace(/^\uFEFF/, '').trim(),
          fields: {
            facility: Math.floor(pri / 8), severity: pri % 8, host: nul(m[4]), app: nul(m[5]), procId: nul(m[6]), msgId: nul(m[7]),
          },
        };
      }
      m = RFC3164.exec(line);
      if (m) {
        const pri = Number(m[1]);
        const timestamp = referenceTime === undefined ? null : yearlessTimestamp(m[2]!, referenceTime);
        return {
          level: null, class: 'none', timestamp, message: m[6]!.trim(),
          fields: { facility: Math.floor(pri / 8), severity: pri % 8, host: m[3]!, app: m[4]!, procId: m[5] ?? null },
          ...(timestamp !== null ? { yearInferred: true } : {}),
        };
      }
      // No PRI (a /var/log file) or no valid header: the time as the text parser reads it.
      return { level: null, class: 'none', message: line.trim(), fields: {}, failed: line.charCodeAt(0) === 60, ...lineTime(line, referenceTime) };
    },
  };
}

function nul(v: string | undefined): string | null {
  return v === undefined || v === '-' ? null : v;
}
