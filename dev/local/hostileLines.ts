/**
 * Lines crafted against regular expressions: each repeats a fragment that a built-in pattern (the
 * redactor's, the format detectors', the parsers', the level and time finders') or a user pattern
 * of the rules starts on, without ever letting it finish, so that a backtracking pattern with an
 * unbounded run does quadratic (or exponential) work on it. Shared by the linearity test
 * (`test/unit/parse/hostileRegex.test.ts`) and the hostile bench (`bench/hostile/cases/regex.ts`).
 */
export interface HostileLine {
  name: string;
  /** What the line is made of (and which pattern it was aimed at). */
  aim: string;
  /** The line, `bytes` long (ASCII, so characters = bytes), without a newline. */
  text(bytes: number): string;
}

/** `prefix` then `unit` repeated up to `bytes`, then `suffix`. */
function repeat(prefix: string, unit: string, suffix = ''): (bytes: number) => string {
  return (bytes) => {
    const room = bytes - prefix.length - suffix.length;
    return prefix + unit.repeat(Math.ceil(room / unit.length)).slice(0, room) + suffix;
  };
}

/** The hostile lines, each the worst of its kind found for the patterns of this code base. */
export const HOSTILE_LINES: readonly HostileLine[] = [
  { name: 'scheme-no-at', aim: 'redactor URL pre-check `:\\/\\/[^\\s@]*@` (issue 13: 74 s for 200 lines of 16 KiB)', text: repeat('ERROR ', '://') },
  { name: 'url-user-colon', aim: 'URL password: scheme, user and `:` again and again, no `@`', text: repeat('ERROR ', 'a://b:') },
  { name: 'json-password-open', aim: 'secret-value: `"password":"` without an end', text: repeat('ERROR ', '"password":"') },
  { name: 'escaped-password', aim: 'secret-value: escaped JSON keys `\\"password\\": \\"`', text: repeat('ERROR ', '\\"password\\": \\"') },
  { name: 'password-blanks', aim: 'secret-value: blanks around `=` and `:`', text: repeat('ERROR password', ' = : ') },
  { name: 'pem-begin', aim: 'private-key: BEGIN headers, never an END', text: repeat('ERROR ', '-----BEGIN RSA PRIVATE KEY-----') },
  { name: 'pem-end-words', aim: 'private-key: an END header whose words never end', text: repeat('ERROR -----BEGIN PRIVATE KEY----- -----END ', 'A ') },
  { name: 'authorization', aim: 'authorization-header: key after key', text: repeat('ERROR ', 'Authorization: \\"') },
  { name: 'bearer', aim: 'bearer-token: the word then blanks', text: repeat('ERROR ', 'Bearer  ') },
  { name: 'card-digits', aim: 'card-number: digit groups that never end on a boundary', text: repeat('ERROR ', '4111 ') },
  { name: 'digits', aim: 'card-number, time and number finders: one run of digits', text: repeat('ERROR ', '4') },
  { name: 'cookie', aim: 'session-cookie: names with no value', text: repeat('ERROR ', 'JSESSIONID=') },
  { name: 'logfmt-pairs', aim: 'logfmt detection `[\\w.-]+=` and quoted values', text: repeat('level=error ', 'a="') },
  { name: 'brackets', aim: 'text header `\\[[^\\]]{0,80}\\]`, access-log and syslog brackets', text: repeat('ERROR ', '[a') },
  { name: 'dotted-words', aim: 'exception header `[\\w$]*(?:\\.[\\w$]+)*Exception`', text: repeat('', 'a.') },
  { name: 'month-blanks', aim: 'time finders: a month name then blanks', text: repeat('ERROR Jan', ' ') },
  { name: 'vpc-placeholders', aim: 'VPC flow header `${name}` placeholders, never closed', text: repeat('', '${') },
  { name: 'syslog-sd', aim: 'syslog structured data `[…]` never closed', text: repeat('<3>1 2026-11-26T00:00:00Z h a p m ', '[a') },
  { name: 'nested-plus-a', aim: 'user pattern `(a+)+$` (issue 13)', text: repeat('', 'a', '!') },
  { name: 'words-blanks', aim: 'user pattern `^(\\w+\\s?)*$` (issue 13)', text: repeat('', 'word ', '!') },
];

/** Rules that carry the hostile user patterns (they must run linearly, or be refused). */
export const HOSTILE_RULES = {
  minLevel: 'any',
  errorPatterns: ['(a+)+$'],
  exclude: ['^(\\w+\\s?)*$'],
} as const;
