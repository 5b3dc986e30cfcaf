import { LEVEL_RANK } from '../constants.js';
import { toIsoTimestamp } from '../findTimestamp.js';
import type { ErrorClass, FieldValue, LineParser, ParsedLine } from '../types.js';

/** Field order of the default (version 2) format, used until a header line says otherwise. */
export const VPC_DEFAULT_FIELDS = [
  'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets',
  'bytes', 'start', 'end', 'action', 'log-status',
];

const PROTOCOLS: Readonly<Record<string, string>> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'icmpv6' };

/**
 * Parser of VPC Flow Logs. The header line (`version account-id …`, first line of an S3 object)
 * gives the field order. `REJECT` is class `vpc-reject`, `NODATA`/`SKIPDATA` are `vpc-nodata` /
 * `vpc-skipdata`; all three have level info and become records only when the rules list the class.
 */
export function createVpcFlowParser(): LineParser {
  let names = VPC_DEFAULT_FIELDS;
  let actionIdx = 12;
  let statusIdx = 13;
  let known = false;
  return {
    format: 'vpc-flow',
    multiline: false,
    cls: 'none' as ErrorClass,
    misfit: false,
    isHeader(text: string): boolean {
      // Records start with the version number; only a line starting with a letter can be a header.
      const c = text.charCodeAt(0);
      if (c >= 48 && c <= 57) return false;
      if (!(text.startsWith('version ') || text.startsWith('${') || /(?:^| )(?:srcaddr|log-status|interface-id)(?: |$)/.test(text)) || /\d/.test(text.slice(0, 8))) return false;
      // `${name}` placeholders: the name stops at the next `$` too, so that a line of `${${${…` is
      // read once rather than once per `${` (quadratic on a 1 MiB line).
      names = text.trim().replace(/\$\{([^}$]+)\}/g, '$1').split(/\s+/);
      actionIdx = names.indexOf('action');
      statusIdx = names.indexOf('log-status');
      known = true;
      return true;
    },
    scan(text: string): number {
      this.cls = 'none';
      // Records start with the version number (headers were taken out before).
      const c = text.charCodeAt(0);
      this.misfit = c < 48 || c > 57;
      if (this.misfit) return 0;
      // Cheap rule-out: the three words are rare elsewhere in a flow record.
      const reject = text.indexOf('REJECT');
      const nodata = reject < 0 ? text.indexOf('NODATA') : -1;
      const skip = reject < 0 && nodata < 0 ? text.indexOf('SKIPDATA') : -1;
      if (reject < 0 && nodata < 0 && skip < 0) return LEVEL_RANK.info;
      const values = text.trimEnd().split(' ');
      const action = known || values.length === names.length ? values[actionIdx] : values.find((v) => v === 'REJECT');
      const status = known || values.length === names.length ? values[statusIdx] : values[values.length - 1];
      if (action === 'REJECT') this.cls = 'vpc-reject';
      else if (status === 'NODATA') this.cls = 'vpc-nodata';
      else if (status === 'SKIPDATA') this.cls = 'vpc-skipdata';
      return LEVEL_RANK.info;
    },
    parse(text: string): ParsedLine {
      const values = text.trimEnd().split(' ');
      if (values.length !== names.length) {
        return { level: null, class: 'none', timestamp: null, message: text.trim(), fields: {}, failed: true };
      }
      const fields: Record<string, FieldValue> = {};
      names.forEach((name, i) => {
        const v = values[i];
        fields[name] = v === undefined || v === '-' ? null : /^\d+$/.test(v) && v.length < 16 ? Number(v) : v;
      });
      const action = values[actionIdx] ?? '-';
      const status = values[statusIdx] ?? '-';
      const protocol = PROTOCOLS[String(fields.protocol)] ?? String(fields.protocol ?? '-');
      const cls: ErrorClass = action === 'REJECT' ? 'vpc-reject' : status === 'NODATA' ? 'vpc-nodata' : status === 'SKIPDATA' ? 'vpc-skipdata' : 'none';
      const start = fields.start;
      return {
        level: 'info',
        class: cls,
        timestamp: typeof start === 'number' ? toIsoTimestamp(start) : null,
        message: action === '-'
          ? `${status} ${String(fields['interface-id'] ?? '-')}`
          : `${action} ${protocol} ${String(fields.srcaddr ?? '-')} -> ${String(fields.dstaddr ?? '-')}:${String(fields.dstport ?? '-')} ${status}`,
        template: action === '-' ? status : `${action} ${protocol} port ${String(fields.dstport ?? '-')} ${status}`,
        fields,
      };
    },
  };
}
