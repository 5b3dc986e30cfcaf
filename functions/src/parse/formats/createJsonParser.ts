import { LEVEL_RANK, MAX_JSON_DEPTH } from '../constants.js';
import type { ErrorClass, LineParser, LogFormat, ParsedLine } from '../types.js';
import { classifyJsonObject } from './classifyJsonObject.js';
import { closingQuote, jsonDepthExceeds } from './jsonDepthExceeds.js';
import { levelRank, numericLevelRank, rankToLevel, statusRank, threeDigits } from './levelRank.js';

const LEVEL_KEYS = ['"level"', '"severity"', '"levelname"', '"lvl"', '"log.level"', '"loglevel"', '"log_level"'];
const STATUS_KEYS = ['"status"', '"statusCode"', '"status_code"'];

/**
 * Parser of JSON lines (also WAF logs and one-event-per-line CloudTrail). `scan` never calls
 * `JSON.parse`: it finds the level key with `indexOf` (trying first the key that matched on the
 * previous line, since one object uses one logger) and reads its value in place; only lines with no
 * level key are checked for `errorType`, `errorCode`, `ConsoleLogin`, WAF `action` and status keys.
 * A level key is authoritative, so an INFO line whose message says "ERROR" stays INFO.
 */
export function createJsonParser(format: LogFormat = 'json'): LineParser {
  let preferred = 0;
  // Where the level key was on the previous line: loggers write the same fields in the same order
  // and the ones before the level (a timestamp) usually have a fixed width, so checking that spot
  // first usually saves the search.
  let lastAt = -1;
  /** Level rank of `key`'s value: -1 when the key is absent, 0 when its value is not a level. */
  function rankOf(text: string, key: string): number {
    if (lastAt >= 0 && matchesAt(text, key, lastAt)) {
      const rank = rankAfterKey(text, lastAt + key.length);
      if (rank >= 0 && atTopLevel(text, lastAt)) return rank;
    }
    let i = text.indexOf(key);
    while (i >= 0) {
      const rank = rankAfterKey(text, i + key.length);
      // Only a key of the line's own object counts: `{"ctx":{"level":"info"},"level":"error"}` is an error.
      if (rank >= 0 && atTopLevel(text, i)) {
        lastAt = i;
        return rank;
      }
      // The key text appeared as a value ("msg":"level") or in a nested object; keep looking.
      i = text.indexOf(key, i + 1);
    }
    return -1;
  }
  return {
    format,
    multiline: false,
    cls: 'none' as ErrorClass,
    misfit: false,
    isHeader: () => false,
    scan(text: string): number {
      this.cls = 'none';
      // A line that is no JSON object (a text line among JSON lines) is for the generic classifier.
      this.misfit = text.charCodeAt(0) !== 123;
      if (this.misfit) return 0;
      let rank = rankOf(text, LEVEL_KEYS[preferred]!);
      if (rank < 0) {
        for (let k = 0; k < LEVEL_KEYS.length; k++) {
          if (k === preferred) continue;
          rank = rankOf(text, LEVEL_KEYS[k]!);
          if (rank >= 0) {
            preferred = k;
            break;
          }
        }
      }
      if (rank > 0) {
        this.cls = 'level';
        return rank;
      }
      // No usable level key: look for the error payloads that carry none.
      const found = payloadRank(text);
      this.cls = found.cls;
      return found.rank;
    },
    parse(text: string): ParsedLine {
      // Deeper objects would overflow the stack of the recursive walks after JSON.parse (JSON.stringify).
      if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) return failedParse(text, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch {
        return failedParse(text, 'invalid JSON');
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return failedParse(text, 'not a JSON object');
      const { rank, ...parsed } = classifyJsonObject(obj as Record<string, unknown>);
      return { ...parsed, level: rankToLevel(rank) };
    },
  };
}

/** The class and rank `payloadRank` found; one object, reused (a line is scanned at a time). */
const FOUND: { cls: ErrorClass; rank: number } = { cls: 'none', rank: 0 };
const hit = (cls: ErrorClass, rank: number): { cls: ErrorClass; rank: number } => {
  FOUND.cls = cls;
  FOUND.rank = rank;
  return FOUND;
};

/**
 * A JSON line with no usable level key: the error payloads that carry none (Lambda platform events
 * with a failed status, `errorType`, `errorCode`, a failed ConsoleLogin, WAF actions, HTTP status keys).
 */
function payloadRank(text: string): { cls: ErrorClass; rank: number } {
  // Lambda JSON platform events: `platform.runtimeDone` / `platform.report` with a failed status.
  if (text.indexOf('"platform.') >= 0) {
    const status = stringValueAt(text, '"status"');
    if (status === 'error' || status === 'failure' || status === 'timeout') {
      return hit('exception', LEVEL_RANK.error);
    }
  }
  if (text.indexOf('"errorType"') >= 0) {
    return hit('exception', LEVEL_RANK.error);
  }
  const code = stringValueAt(text, '"errorCode"');
  if (code !== null && code !== '') {
    return hit('aws-error-code', LEVEL_RANK.error);
  }
  if (stringValueAt(text, '"ConsoleLogin"') === 'Failure') {
    return hit('console-login-failure', LEVEL_RANK.error);
  }
  if (text.indexOf('"webaclId"') >= 0) {
    const action = stringValueAt(text, '"action"');
    if (action === 'BLOCK') {
      return hit('waf-block', LEVEL_RANK.error);
    }
    if (action === 'CAPTCHA' || action === 'CHALLENGE') {
      return hit('waf-challenge', LEVEL_RANK.warn);
    }
    return hit('none', LEVEL_RANK.info);
  }
  for (const key of STATUS_KEYS) {
    const status = statusAt(text, key);
    if (status > 0) {
      const r = statusRank(status);
      return hit(r === LEVEL_RANK.error ? 'http-5xx' : r === LEVEL_RANK.warn ? 'http-4xx' : 'none', r);
    }
  }
  return hit('none', 0);
}

function failedParse(text: string, failure: string): ParsedLine {
  return { level: null, class: 'none', timestamp: null, message: text, fields: {}, failed: true, failure };
}

/**
 * Whether `at` is a position in the top-level object of a JSON line, outside any string. Fast path
 * (most lines): no `{` or `[` before it but the first, so depth 1, and a `,` or `{` before the quote,
 * which a quote inside a string cannot have (it would be escaped). Otherwise a string-aware walk of
 * the characters before it. The walk alone doubled the scan's cost per line.
 */
function atTopLevel(text: string, at: number): boolean {
  const brace = text.indexOf('{', 1);
  const bracket = text.indexOf('[');
  if ((brace < 0 || brace > at) && (bracket < 0 || bracket > at)) {
    let q = at - 1;
    while (text.charCodeAt(q) === 32) q--;
    const c = text.charCodeAt(q);
    if (c === 44 || c === 123) return true;
  }
  let depth = 0;
  for (let i = 0; i < at; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = closingQuote(text, i, at);
      if (i >= at) return false;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
  }
  return depth === 1;
}

/** Index just after `key` followed by optional spaces and a colon, or -1. */
function valueStart(text: string, key: string): number {
  let i = text.indexOf(key);
  while (i >= 0) {
    let p = i + key.length;
    while (text.charCodeAt(p) === 32) p++;
    if (text.charCodeAt(p) === 58) {
      p++;
      while (text.charCodeAt(p) === 32) p++;
      return p;
    }
    // The key text appeared as a value ("msg":"level"); keep looking.
    i = text.indexOf(key, i + 1);
  }
  return -1;
}

/** `text.startsWith(key, at)` by character codes (V8's startsWith with a position is slower than indexOf). */
function matchesAt(text: string, key: string, at: number): boolean {
  if (at + key.length > text.length) return false;
  for (let k = 0; k < key.length; k++) {
    if (text.charCodeAt(at + k) !== key.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * Level rank of the value after a key ending at `p`: -1 when no colon follows (the key text was a
 * value), 0 when the value is not a level.
 */
function rankAfterKey(text: string, p: number): number {
  while (text.charCodeAt(p) === 32) p++;
  if (text.charCodeAt(p) !== 58) return -1;
  p++;
  while (text.charCodeAt(p) === 32) p++;
  const c = text.charCodeAt(p);
  if (c === 34) {
    const end = text.indexOf('"', p + 1);
    return end < 0 ? 0 : levelRank(text, p + 1, end);
  }
  if (c >= 48 && c <= 57) {
    let n = 0;
    let q = p;
    while (q < text.length) {
      const d = text.charCodeAt(q) - 48;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
      q++;
    }
    return numericLevelRank(n);
  }
  return 0;
}

function stringValueAt(text: string, key: string): string | null {
  const p = valueStart(text, key);
  if (p < 0 || text.charCodeAt(p) !== 34) return null;
  const end = text.indexOf('"', p + 1);
  return end < 0 ? null : text.slice(p + 1, end);
}

function statusAt(text: string, key: string): number {
  let p = valueStart(text, key);
  if (p < 0) return -1;
  if (text.charCodeAt(p) === 34) p++;
  const n = threeDigits(text, p);
  const next = text.charCodeAt(p + 3);
  // Exactly three digits: `"status":5000` or `"status":"200ms"` is not an HTTP status.
  return n >= 0 && !(next >= 48 && next <= 57) ? n : -1;
}
