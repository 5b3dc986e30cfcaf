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
// Syslog RFC 3164 and the many daemons that copy it: Nov 26 06:29:03 (no year, no zone).
const YEARLESS_RE = /\b([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\b/;
/** How far after the reference time a year-less stamp may fall before it is taken as last year's. */
const YEARLESS_SLACK_MS = 24 * 60 * 60 * 1000;

/**
 * Finds the first timestamp in the first 120 characters of a line and returns it as ISO 8601 UTC,
 * or null. Zone-less times are taken as UTC (Lambda and most AWS services log in UTC). Stamps
 * without a year (syslog RFC 3164, `Nov 26 06:29:03`) are not read: see {@link findYearlessTimestamp}.
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
 * The time of a text line: its first timestamp, else (with `referenceTime`) its first year-less
 * stamp with the year inferred, flagged `yearInferred`.
 *
 * @example lineTime('Nov 26 06:29:03 web sshd[7]: error', Date.UTC(2026, 10, 27)) // { timestamp: '2026-11-26T06:29:03.000Z', yearInferred: true }
 */
export function lineTime(line: string, referenceTime: number | undefined): { timestamp: string | null; yearInferred?: true } {
  const timestamp = findTimestamp(line);
  if (timestamp !== null || referenceTime === undefined) return { timestamp };
  const inferred = findYearlessTimestamp(line, referenceTime);
  return inferred === null ? { timestamp: null } : { timestamp: inferred, yearInferred: true };
}

/**
 * The first year-less stamp (`Nov 26 06:29:03`, as syslog RFC 3164 writes) in the first 120
 * characters of a line, as ISO 8601 UTC with the year inferred from `referenceTime` (see
 * {@link yearlessTimestamp}), or null.
 *
 * @example findYearlessTimestamp('<11>Nov 26 06:29:03 web sshd[7]: error', Date.UTC(2026, 10, 26, 7)) // '2026-11-26T06:29:03.000Z'
 */
export function findYearlessTimestamp(line: string, referenceTime: number): string | null {
  const m = YEARLESS_RE.exec(line.length > 120 ? line.slice(0, 120) : line);
  return m === null ? null : yearlessTimestamp(m[0], referenceTime);
}

/**
 * A year-less stamp (`Nov 26 06:29:03`, `Feb  3 01:02:03.456`, taken as UTC) given the year that
 * puts it at most a day after `referenceTime` (epoch ms): the object's LastModified, since a log is
 * written before it is uploaded. So `Dec 31 23:59:59` in an object written on 2 January is last
 * year's. Null when the text is not such a stamp or names an impossible date (`Feb 30`).
 *
 * @example yearlessTimestamp('Dec 31 23:59:59', Date.UTC(2027, 0, 2)) // '2026-12-31T23:59:59.000Z'
 */
export function yearlessTimestamp(stamp: string, referenceTime: number): string | null {
  const m = YEARLESS_RE.exec(stamp);
  const month = m ? MONTHS[m[1]!.toLowerCase()] : undefined;
  if (!m || month === undefined || !Number.isFinite(referenceTime)) return null;
  const year = new Date(referenceTime).getUTCFullYear();
  for (const y of [year, year - 1]) {
    const iso = build(y, month, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6], undefined);
    // Date rolls Feb 29 of a common year over to March: that year does not have the day.
    if (iso === null || +iso.slice(8, 10) !== +m[2]!) continue;
    if (Date.parse(iso) <= referenceTime + YEARLESS_SLACK_MS) return iso;
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
  return isoOfEpochMs(ms);
}

/**
 * ISO 8601 of an epoch in ms, or null when it is not a time or falls outside the years 0000–9999
 * (`3e17` would be `+011476-…`, a string no minute key or chart can use).
 */
export function isoOfEpochMs(ms: number): string | null {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString();
  return iso.length === 24 ? iso : null;
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
  return isoOfEpochMs(t);
}
