import { LEVEL_RANK } from '../constants.js';
import { toIsoTimestamp } from '../findTimestamp.js';
import type { ErrorClass, LineParser, ParsedLine } from '../types.js';
import { statusClass } from './createAccessLogParser.js';
import { fieldStart, rankToLevel, statusRank, threeDigits } from './levelRank.js';
import { numOrNull, orNull, routeOf, splitFields } from './splitFields.js';

/**
 * Parser of Application Load Balancer (`format: 'alb'`) and Classic ELB (`'elb'`) access logs. The
 * `elb_status_code` sits before any quoted field (10th field of ALB, 8th of Classic ELB), so the
 * scan reads it by position; 5xx is an error, 4xx (460 included) a warning. ALB `error_reason`
 * (`LambdaInvalidResponse`…) makes the class `elb-error`. All ALB layouts share the first 25 fields.
 */
export function createAlbParser(format: 'alb' | 'elb' = 'alb'): LineParser {
  const statusField = format === 'alb' ? 8 : 7;
  return {
    format,
    multiline: false,
    cls: 'none' as ErrorClass,
    misfit: false,
    isHeader: () => false,
    scan(text: string): number {
      const p = fieldStart(text, statusField, ' ');
      // A field missing before the request would shift every position: the two status codes and,
      // four fields on, the request's opening quote must be where the layout puts them.
      this.misfit = p < 0 || !statusOrDash(text, p) || !digitsOrDash(text, p + (text.charCodeAt(p) === 45 ? 2 : 4)) || !quoteAfterFields(text, p, 4);
      if (this.misfit) {
        this.cls = 'none';
        return 0;
      }
      const status = threeDigits(text, p);
      this.cls = statusClass(status);
      return status < 0 ? 0 : statusRank(status);
    },
    parse(text: string): ParsedLine {
      const f = splitFields(text);
      const alb = format === 'alb';
      const o = alb ? 1 : 0;
      const elbStatus = numOrNull(f[statusField]);
      const failure = f.length < (alb ? 13 : 12) ? `${f.length} fields, fewer than the ${alb ? 13 : 12} of the layout`
        : toIsoTimestamp(f[o]) === null ? `field ${o + 1} is not a time`
        : !(f[11 + o] ?? '').includes(' ') ? `field ${12 + o} is not a request` : undefined;
      if (failure !== undefined) {
        return { level: null, class: 'none', timestamp: null, message: text.trim(), fields: {}, failed: true, failure: `${format}: ${failure}` };
      }
      const request = f[11 + o] ?? '';
      const [method = '', url = ''] = request.split(' ');
      const errorReason = alb ? orNull(f[24]) : null;
      const rank = elbStatus === null ? (errorReason ? LEVEL_RANK.error : 0) : statusRank(elbStatus);
      const cls: ErrorClass = errorReason ? 'elb-error' : statusClass(elbStatus ?? -1);
      return {
        level: rankToLevel(rank),
        class: cls,
        timestamp: toIsoTimestamp(f[o]),
        message: `${elbStatus ?? '-'} ${request}${errorReason ? ` ${errorReason}` : ''}`,
        template: `${elbStatus ?? '-'} ${method} ${routeOf(url)}${errorReason ? ` ${errorReason}` : ''}`,
        fields: {
          ...(alb ? { type: orNull(f[0]) } : {}),
          elb: orNull(f[1 + o]), client: orNull(f[2 + o]), target: orNull(f[3 + o]),
          elbStatusCode: elbStatus, targetStatusCode: numOrNull(f[8 + o]),
          requestProcessingTime: numOrNull(f[4 + o]), targetProcessingTime: numOrNull(f[5 + o]),
          method: orNull(method), url: orNull(url), userAgent: orNull(f[12 + o]),
          ...(alb ? {
            targetGroupArn: orNull(f[16]), traceId: orNull(f[17]), domain: orNull(f[18]), actions: orNull(f[22]),
            errorReason, classification: orNull(f[27]), classificationReason: orNull(f[28]),
          } : {}),
        },
      };
    },
  };
}

/** A 3-digit status or `-`, then a space, at `p`. */
function statusOrDash(text: string, p: number): boolean {
  if (text.charCodeAt(p) === 45) return text.charCodeAt(p + 1) === 32;
  return threeDigits(text, p) >= 0 && text.charCodeAt(p + 3) === 32;
}

/** Digits (a target status, `0` when there was no target) or `-`, then a space, at `p`. */
function digitsOrDash(text: string, p: number): boolean {
  let q = p;
  if (text.charCodeAt(q) === 45) q++;
  else while (text.charCodeAt(q) >= 48 && text.charCodeAt(q) <= 57) q++;
  return q > p && text.charCodeAt(q) === 32;
}

/** Whether the field `n` fields after the one at `p` starts with `"`. */
function quoteAfterFields(text: string, p: number, n: number): boolean {
  let q = p;
  for (let k = 0; k < n; k++) {
    q = text.indexOf(' ', q);
    if (q < 0) return false;
    q++;
  }
  return text.charCodeAt(q) === 34;
}
