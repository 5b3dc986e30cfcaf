import { LEVEL_RANK } from '../constants.js';
import type { ErrorClass, FieldValue, LineParser, ParsedLine } from '../types.js';
import { statusClass } from './createAccessLogParser.js';
import { fieldStart, rankToLevel, statusRank, threeDigits } from './levelRank.js';
import { routeOf } from './splitFields.js';

/** Field order of the standard log when an object has no `#Fields` header. */
export const CLOUDFRONT_DEFAULT_FIELDS = [
  'date', 'time', 'x-edge-location', 'sc-bytes', 'c-ip', 'cs-method', 'cs(Host)', 'cs-uri-stem', 'sc-status',
  'cs(Referer)', 'cs(User-Agent)', 'cs-uri-query', 'cs(Cookie)', 'x-edge-result-type', 'x-edge-request-id',
  'x-host-header', 'cs-protocol', 'cs-bytes', 'time-taken', 'x-forwarded-for', 'ssl-protocol', 'ssl-cipher',
  'x-edge-response-result-type', 'cs-protocol-version', 'fle-status', 'fle-encrypted-fields', 'c-port',
  'time-to-first-byte', 'x-edge-detailed-result-type', 'sc-content-type', 'sc-content-len', 'sc-range-start',
  'sc-range-end',
];

const KEPT: Readonly<Record<string, string>> = {
  'x-edge-location': 'edgeLocation', 'c-ip': 'clientIp', 'cs-method': 'method', 'cs(Host)': 'host',
  'cs-uri-stem': 'uri', 'x-edge-result-type': 'edgeResultType', 'x-edge-request-id': 'requestId',
  'x-edge-detailed-result-type': 'edgeDetailedResultType', 'time-taken': 'timeTaken', 'cs-protocol': 'protocol',
};

/**
 * Parser of CloudFront standard logs: TAB-separated, field order from the `#Fields:` header (the
 * standard order when absent). 5xx `sc-status` is an error, 4xx a warning; `x-edge-result-type`
 * `Error` makes the class `edge-error` (and an error when the status is not 4xx, e.g. `000`).
 */
export function createCloudFrontParser(): LineParser {
  let names = CLOUDFRONT_DEFAULT_FIELDS;
  let statusIdx = 8;
  let resultIdx = 13;
  return {
    format: 'cloudfront',
    multiline: false,
    cls: 'none' as ErrorClass,
    misfit: false,
    isHeader(text: string): boolean {
      if (text.charCodeAt(0) !== 35) return false;
      if (text.startsWith('#Fields:')) {
        names = text.slice(8).trim().split(/\s+/);
        statusIdx = names.indexOf('sc-status');
        resultIdx = names.indexOf('x-edge-result-type');
      }
      return true;
    },
    scan(text: string): number {
      this.cls = 'none';
      // Its fields are TAB-separated: a line without a TAB is something else.
      this.misfit = text.indexOf('\t') < 0;
      if (this.misfit) return 0;
      let status = -1;
      if (statusIdx >= 0) {
        const p = fieldStart(text, statusIdx, '\t');
        if (p >= 0) status = threeDigits(text, p);
      }
      if (status >= 100 && status < 400) return LEVEL_RANK.info;
      let rank = statusRank(status);
      this.cls = statusClass(status);
      if (resultIdx >= 0) {
        const p = fieldStart(text, resultIdx, '\t');
        if (p >= 0 && text.startsWith('Error', p) && (p + 5 === text.length || text.charCodeAt(p + 5) === 9 || text.charCodeAt(p + 5) === 13)) {
          this.cls = 'edge-error';
          if (rank === 0) rank = LEVEL_RANK.error;
        }
      }
      return rank;
    },
    parse(text: string): ParsedLine {
      const values = text.replace(/\r$/, '').split('\t');
      if (values.length < Math.max(statusIdx, resultIdx) + 1) {
        return { level: null, class: 'none', timestamp: null, message: text.trim(), fields: {}, failed: true };
      }
      const get = (name: string): string | undefined => {
        const i = names.indexOf(name);
        const v = i < 0 ? undefined : values[i];
        return v === '-' || v === '' ? undefined : v;
      };
      const fields: Record<string, FieldValue> = {};
      const status = Number(get('sc-status') ?? NaN);
      fields.status = Number.isFinite(status) ? status : null;
      for (const [name, key] of Object.entries(KEPT)) fields[key] = get(name) ?? null;
      const edgeError = get('x-edge-result-type') === 'Error';
      let rank = statusRank(status);
      if (edgeError && rank === 0) rank = LEVEL_RANK.error;
      const date = get('date');
      const time = get('time');
      const method = get('cs-method') ?? '-';
      const uri = get('cs-uri-stem') ?? '-';
      const detail = get('x-edge-detailed-result-type') ?? get('x-edge-result-type') ?? '-';
      return {
        level: rankToLevel(rank),
        class: edgeError ? 'edge-error' : statusClass(status),
        timestamp: date && time ? `${date}T${time}.000Z` : null,
        message: `${Number.isFinite(status) ? status : '-'} ${method} ${uri} ${detail}`,
        template: `${Number.isFinite(status) ? status : '-'} ${method} ${routeOf(uri)} ${detail}`,
        fields,
      };
    },
  };
}
