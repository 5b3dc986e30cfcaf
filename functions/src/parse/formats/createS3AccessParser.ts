import { findTimestamp } from '../findTimestamp.js';
import type { ErrorClass, LineParser, ParsedLine } from '../types.js';
import { statusAfterFirstQuote, statusClass } from './createAccessLogParser.js';
import { rankToLevel, statusRank } from './levelRank.js';
import { numOrNull, orNull, splitFields } from './splitFields.js';

/**
 * Parser of S3 server access logs (every layout: the fields after `acl_required` are optional).
 * The HTTP status follows the quoted Request-URI; 5xx is an error, 4xx a warning, and the
 * `Error Code` field (`NoSuchKey`, `AccessDenied`…) goes to `fields.errorCode` and the group.
 */
export function createS3AccessParser(): LineParser {
  return {
    format: 's3-access',
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
      const f = splitFields(text);
      const status = numOrNull(f[9]);
      if (f.length < 11 || status === null) {
        return { level: null, class: 'none', timestamp: findTimestamp(text), message: text.trim(), fields: {}, failed: true };
      }
      const errorCode = orNull(f[10]);
      const operation = f[6] ?? '';
      return {
        level: rankToLevel(statusRank(status)),
        class: statusClass(status),
        timestamp: findTimestamp(`[${f[2]!}]`),
        message: `${status} ${errorCode ?? '-'} ${operation} ${f[1]!}/${f[7] ?? '-'}`,
        template: `${status} ${errorCode ?? '-'} ${operation}`,
        fields: {
          status, errorCode, operation, bucket: orNull(f[1]), objectKey: orNull(f[7]), requestUri: orNull(f[8]),
          remoteIp: orNull(f[3]), requester: orNull(f[4]), requestId: orNull(f[5]), totalTimeMs: numOrNull(f[13]),
          userAgent: orNull(f[16]),
        },
      };
    },
  };
}
