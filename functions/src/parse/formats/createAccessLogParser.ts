import { LEVEL_RANK } from '../constants.js';
import { findTimestamp } from '../findTimestamp.js';
import type { ErrorClass, LineParser, ParsedLine } from '../types.js';
import { rankToLevel, statusRank, threeDigits } from './levelRank.js';
import { numOrNull, orNull, routeOf } from './splitFields.js';

const CLF = /^(\S+) (\S+) (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\S+)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?/;

/**
 * The HTTP status that follows the first quoted field (the request line in Common/Combined logs,
 * the Request-URI in S3 access logs), or -1. Reading it by position means a `500` inside the path
 * of a 200 request is never taken for the status.
 */
export function statusAfterFirstQuote(text: string): number {
  const open = text.indexOf('"');
  if (open < 0) return -1;
  let close = text.indexOf('" ', open + 1);
  while (close > 0 && text.charCodeAt(close - 1) === 92) close = text.indexOf('" ', close + 1);
  if (close < 0) return -1;
  const status = threeDigits(text, close + 2);
  const after = text.charCodeAt(close + 5);
  return status >= 0 && (Number.isNaN(after) || after === 32 || after === 13) ? status : -1;
}

/** Class and rank of an HTTP status: 5xx error, 4xx warn. */
export function statusClass(status: number): ErrorClass {
  return status >= 500 && status <= 599 ? 'http-5xx' : status >= 400 && status <= 499 ? 'http-4xx' : 'none';
}

/**
 * Parser of Common and Combined Log Format (Apache, nginx): 5xx is an error, 4xx a warning.
 */
export function createAccessLogParser(): LineParser {
  return {
    format: 'access',
    multiline: false,
    cls: 'none' as ErrorClass,
    misfit: false,
    isHeader: () => false,
    scan(text: string): number {
      const status = statusAfterFirstQuote(text);
      this.misfit = status < 0;
      this.cls = statusClass(status);
      return status < 0 ? 0 : statusRank(status);
    },
    parse(text: string): ParsedLine {
      const m = CLF.exec(text);
      if (!m) return { level: null, class: 'none', timestamp: findTimestamp(text), message: text.trim(), fields: {}, failed: true };
      const status = Number(m[6]);
      const [method = '', path = '', protocol = ''] = m[5]!.split(' ');
      return {
        level: rankToLevel(statusRank(status)) ?? rankToLevel(LEVEL_RANK.info),
        class: statusClass(status),
        timestamp: findTimestamp(`[${m[4]!}]`),
        message: `${status} ${m[5]!}`,
        template: `${status} ${method} ${routeOf(path)}`,
        fields: {
          status, method: orNull(method), path: orNull(path), protocol: orNull(protocol), clientIp: orNull(m[1]),
          user: orNull(m[3]), bytes: numOrNull(m[7]), referer: orNull(m[8]), userAgent: orNull(m[9]),
        },
      };
    },
  };
}
