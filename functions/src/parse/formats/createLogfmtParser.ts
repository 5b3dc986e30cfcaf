import { toIsoTimestamp } from '../findTimestamp.js';
import type { ErrorClass, FieldValue, LineParser, ParsedLine } from '../types.js';
import { looksLikeJsonObject } from './createTextParser.js';
import { levelRank } from './levelRank.js';

const LEVEL_KEYS = ['level=', 'lvl=', 'severity=', 'loglevel='];
const MESSAGE_KEYS = ['msg', 'message', 'error', 'err'];
const TIME_KEYS = ['ts', 'time', 'timestamp', 't'];
const MAX_FIELDS = 24;

/**
 * Parser of logfmt lines (`ts=… level=error msg="…" status=500`). `scan` reads the value of the
 * first `level=`/`lvl=`/`severity=` key in place; `parse` splits the pairs (quoted values with `\"`
 * escapes) and keeps up to 24 of them as fields.
 */
export function createLogfmtParser(): LineParser {
  return {
    format: 'logfmt',
    multiline: true,
    cls: 'none' as ErrorClass,
    misfit: false,
    isHeader: () => false,
    scan(text: string): number {
      this.cls = 'none';
      this.misfit = looksLikeJsonObject(text);
      if (this.misfit) return 0;
      for (const key of LEVEL_KEYS) {
        let i = text.indexOf(key);
        // The key must start a pair, so `sublevel=` or `msg="x level=error"`'s inner text is rare enough
        // to ignore, but `xlevel=` is not a level key.
        while (i > 0 && text.charCodeAt(i - 1) !== 32) i = text.indexOf(key, i + 1);
        if (i < 0) continue;
        let p = i + key.length;
        let end: number;
        if (text.charCodeAt(p) === 34) {
          p++;
          end = text.indexOf('"', p);
        } else {
          end = text.indexOf(' ', p);
        }
        if (end < 0) end = text.length;
        const rank = levelRank(text, p, end);
        if (rank > 0) {
          this.cls = 'level';
          return rank;
        }
      }
      return 0;
    },
    parse(text: string): ParsedLine {
      const pairs = parseLogfmt(text);
      const fields: Record<string, FieldValue> = {};
      let message = '';
      let timestamp: string | null = null;
      let count = 0;
      for (const [key, value] of pairs) {
        if (message === '' && MESSAGE_KEYS.includes(key)) message = value;
        else if (timestamp === null && TIME_KEYS.includes(key)) timestamp = toIsoTimestamp(value);
        else if (count < MAX_FIELDS && !LEVEL_KEYS.includes(`${key}=`)) {
          const n = Number(value);
          fields[key] = value !== '' && Number.isFinite(n) && /^-?\d/.test(value) ? n : value;
          count++;
        }
      }
      return { level: null, class: 'none', timestamp, message: message || text.trim(), fields, failed: pairs.length === 0 };
    },
  };
}

/** Splits logfmt into [key, value] pairs; a bare key has value `true` as the empty string. */
export function parseLogfmt(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9 || text.charCodeAt(i) === 13)) i++;
    const keyStart = i;
    while (i < n && text.charCodeAt(i) !== 61 && text.charCodeAt(i) !== 32) i++;
    const key = text.slice(keyStart, i);
    if (key === '') {
      i++;
      continue;
    }
    if (text.charCodeAt(i) !== 61) {
      out.push([key, '']);
      continue;
    }
    i++;
    let value = '';
    if (text.charCodeAt(i) === 34) {
      i++;
      let from = i;
      while (i < n && text.charCodeAt(i) !== 34) {
        if (text.charCodeAt(i) === 92 && i + 1 < n) {
          value += text.slice(from, i);
          from = i + 1;
          i += 2;
          continue;
        }
        i++;
      }
      value += text.slice(from, i);
      i++;
    } else {
      const start = i;
      while (i < n && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 13) i++;
      value = text.slice(start, i);
    }
    out.push([key, value]);
  }
  return out;
}

