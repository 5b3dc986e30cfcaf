/** The placeholder every variable part becomes. */
export const VARIABLE = '<*>';

// Applied in order; earlier rules take whole structures (a URL, a path) before later ones would
// chop them into numbers. Every replacement is the bare placeholder, which no rule matches again,
// so masking is idempotent.
// Each rule names a character its matches always contain (`d` = a digit, '' = always run), so rules
// that cannot match are skipped without running: most messages have no quotes, URLs or `=`.
const RULES: ReadonlyArray<readonly [RegExp, string, string]> = [
  // Timestamps: ISO 8601 / RFC 3339, CLF, syslog, "2020/03/27 03:40:05".
  [/\d{4}[-/]\d{2}[-/]\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/g, VARIABLE, 'd'],
  [/\d{1,2}\/[A-Za-z]{3}\/\d{4}(?::\d{2}){3}(?: [+-]\d{4})?/g, VARIABLE, 'd'],
  [/\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{2}:\d{2}:\d{2}\b/g, VARIABLE, 'd'],
  [/\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, VARIABLE, 'd'],
  // AWS ARNs (before the path and number rules take them apart).
  [/\barn:aws[\w-]*:[^\s,;"'<>()]+/g, VARIABLE, ':'],
  // URLs and e-mail addresses.
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, VARIABLE, ':'],
  [/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, VARIABLE, '@'],
  // UUIDs, before IPv6 and hex.
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, VARIABLE, '-'],
  // IPv6 (at least three groups, so `12:30` is not one) and IPv4, with an optional port.
  [/(?<![\w:])(?:[0-9a-f]{1,4}:){2,7}(?::|[0-9a-f]{1,4})(?:(?<=:):[0-9a-f]{1,4})*(?![\w:])/gi, VARIABLE, ':'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g, VARIABLE, '.'],
  // Quoted values (a single quote only counts when not inside a word, so "don't" survives; a
  // placeholder counts as a word, so that masking twice changes nothing).
  [/"(?:[^"\\\n]|\\.)*"/g, VARIABLE, '"'],
  [/(?<![\w>])'[^'\n]*'(?![\w<])/g, VARIABLE, "'"],
  // File paths and URL paths of two segments or more; Windows paths.
  [/(?<![\w.*>])(?:~|\.{1,2})?(?:\/[\w.\-@%+~=,$]+){2,}\/?/g, VARIABLE, '/'],
  [/\b[A-Za-z]:\\[^\s"']+/g, VARIABLE, '\\'],
  // Bracketed values and lists (`[a, b, c]`, `[a]`): their length varies, so they are one value.
  // (Headers like `[main]` or `[ERROR]` are stripped before masking.)
  [/\[[^[\]\n<]{1,200}\]/g, VARIABLE, '['],
  // Names of entities after the noun that introduces them ("for user alice", "node db-primary"),
  // and kebab-case identifiers (hosts, pods, buckets, services): variables without a digit, which
  // a digit-based mask misses and which split one template into many groups.
  [/(\b(?:user|username|login|account|owner|principal|container|node|host|hostname|server|pod|instance|tenant|customer|bucket|table|queue|topic|database|cluster|region|zone)s?:?[ \t]+)(?!<\*>)[A-Za-z_][\w.@-]*/gi, `$1${VARIABLE}`, ''],
  [/(?<![\w<*>.-])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![\w-])/g, VARIABLE, '-'],
  // key=value: the value is variable whatever it looks like.
  [/(\b[\w.-]+=)(?!<\*>)(?:[^\s,;&)\]}]+)/g, `$1${VARIABLE}`, '='],
  // Hex: 0x… and long hex runs that contain a digit.
  [/\b0x[0-9a-f]+\b/gi, VARIABLE, 'd'],
  [/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, VARIABLE, 'd'],
  // Long opaque tokens (base64, request ids) with a digit.
  [/(?<![\w+/])(?=[A-Za-z0-9+/_-]*\d)[A-Za-z0-9+/_-]{16,}={0,2}/g, VARIABLE, 'd'],
  // Any remaining word containing a digit: counts, ids like i-0abc12, sizes like 12ms, versions.
  [/(?<![\w<])[\w.:-]*\d[\w.:-]*/g, VARIABLE, 'd'],
];

const DIGIT = /\d/;
const COLLAPSE = /<\*>(?:[ \t,;:./-]*<\*>)+/g;
const SPACES = /\s+/g;

/**
 * Replaces the variable parts of a log message with `<*>` so that messages of one template share
 * one key: timestamps, URLs, e-mails, UUIDs, IPs, quoted values, paths, `key=value` values, hex ids,
 * long tokens and numbers. Adjacent placeholders collapse into one and whitespace is normalised.
 * Idempotent: `maskVariables(maskVariables(s)) === maskVariables(s)`. Looks at most at `maxChars`
 * characters (default 512).
 *
 * @example maskVariables('user 42 from 10.0.0.1 took 35ms') // 'user <*> from <*> took <*>'
 */
export function maskVariables(text: string, maxChars = 512): string {
  let out = text.length > maxChars ? text.slice(0, maxChars) : text;
  let digits = DIGIT.test(out);
  for (const [re, replacement, needle] of RULES) {
    if (needle === 'd' ? !digits : needle !== '' && !out.includes(needle)) continue;
    out = out.replace(re, replacement);
    if (digits && needle === 'd') digits = DIGIT.test(out);
  }
  return out.replace(COLLAPSE, VARIABLE).replace(SPACES, ' ').trim();
}
