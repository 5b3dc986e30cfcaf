const MONTHS: Readonly<Record<string, number>> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

// ISO 8601 / RFC 3339 and the common "2024-01-02 03:04:05,678" and "2024/01/02 03:04:05" variants.
const ISO_CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ISO_RE = /(\d{4})[-/](\d{2})[-/](\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s?(Z|[+-]\d{2}:?\d{2})?/;
// Common Log Format and S3 access logs: 10/Oct/2000:13:55:36 -0700
const CLF_RE = /(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?: ([+-]\d{4}))?/;
// Apache error log: [Wed Oct 11 14:32:52.123 2000]
const APACHE_RE = /[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? (\d{4})/;

/**
 * Finds the first timestamp in the first 120 characters of a line and returns it as ISO 8601 UTC,
 * or null. Zone-less times are taken as UTC (Lambda and most AWS services log in UTC). Syslog
 * 3164 stamps have no year and are not converted.
 *
 * @example findTimestamp('2020-01-31 22:12:58,534 ERROR boom') // '2020-01-31T22:12:58.534Z'
 */
export function findTimestamp(line: string): string | null {
  const head = line.length > 120 ? line.slice(0, 120) : line;
  let m = ISO_RE.exec(head);
  if (m) {
    // Already canonical (what Lambda and most loggers write) and a valid time that Date would not
    // roll over (days past the 28th go through build): nothing to convert.
    if (m[0].length === 24 && ISO_CANONICAL.test(m[0]) && inRange(+m[2]!, 1, 12) && inRange(+m[3]!, 1, 28) && +m[4]! <= 23 && +m[5]! <= 59 && +m[6]! <= 59) {
      return m[0];
    }
    return build(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, m[7], m[8]);
  }
  m = CLF_RE.exec(head);
  if (m) {
    const month = MONTHS[m[2]!.toLowerCase()];
    if (month !== undefined) return build(+m[3]!, month, +m[1]!, +m[4]!, +m[5]!, +m[6]!, undefined, m[7]);
  }
  m = APACHE_RE.exec(head);
  if (m) {
    const month = MONTHS[m[1]!.toLowerCase()];
    if (month !== undefined) return build(+m[7]!, month, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6], undefined);
  }
  return null;
}

/**
 * Converts a timestamp value found in a structured record (ISO string, epoch seconds or
 * milliseconds, number or numeric string) to ISO 8601 UTC, or null when it is not one.
 */
export function toIsoTimestamp(value: unknown): string | null {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string' || value.length === 0) return null;
  // Already canonical (what most JSON loggers write): nothing to convert.
  if (value.length === 24 && value.charCodeAt(23) === 90 && ISO_CANONICAL.test(value)) return value;
  if (/^\d{9,16}(\.\d+)?$/.test(value)) return fromEpoch(Number(value));
  return findTimestamp(value);
}

function inRange(n: number, min: number, max: number): boolean {
  return n >= min && n <= max;
}

function fromEpoch(n: number): string | null {
  if (!Number.isFinite(n) || n <= 0) return null;
  // Below 1e11 the value is in seconds (1e11 s is the year 5138; 1e11 ms is 1973).
  const ms = n < 1e11 ? n * 1000 : n < 1e14 ? n : n / 1000;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function build(
  year: number, month: number, day: number, h: number, mi: number, s: number,
  fraction: string | undefined, zone: string | undefined,
): string | null {
  if (month < 0 || month > 11 || day < 1 || day > 31 || h > 23 || mi > 59 || s > 60) return null;
  const ms = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
  let t = Date.UTC(year, month, day, h, mi, s, ms);
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  const date = new Date(t);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
