/** The placeholder every variable part becomes. */
export const VARIABLE = '<*>';

const DAYS = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';
const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec';
const FULL_DATE_WORDS = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|April|June|July|September|October|November|December';
const HTTP_METHODS = 'GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|CONNECT|TRACE|PROPFIND';

// Applied in order; earlier rules take whole structures (a URL, a path) before later ones would
// chop them into numbers. Every replacement is the bare placeholder, which no rule matches again,
// so masking is idempotent.
// Each rule names a character its matches always contain (`d` = a digit, '' = always run), so rules
// that cannot match are skipped without running: most messages have no quotes, URLs or `=`.
//
// Linear time: a rule whose match starts with an unbounded run (`[\w.-]+=`) has a lookbehind that
// refuses to start inside such a run, so each run is scanned from its first character only; every
// other quantifier is bounded or stops at a character the run cannot hold. The property tests run
// every rule on 1 MiB inputs built to defeat this.
const RULES: ReadonlyArray<readonly [RegExp, string, string]> = [
  // Timestamps: ISO 8601 / RFC 3339, CLF, syslog, "2020/03/27 03:40:05".
  [/\d{4}[-/]\d{2}[-/]\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/g, VARIABLE, 'd'],
  [/\d{1,2}\/[A-Za-z]{3}\/\d{4}(?::\d{2}){3}(?: [+-]\d{4})?/g, VARIABLE, 'd'],
  [new RegExp(`\\b(?:(?:${DAYS}),? {1,2})?(?:${MONTHS}) {1,2}\\d{1,2}(?: \\d{2}:\\d{2}:\\d{2}\\b)?`, 'g'), VARIABLE, 'd'],
  [/\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, VARIABLE, 'd'],
  // AWS ARNs (before the path and number rules take them apart).
  [/\barn:aws[\w-]*:[^\s,;"'<>()]+/g, VARIABLE, ':'],
  // URLs and e-mail addresses.
  [/(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, VARIABLE, ':'],
  [/(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, VARIABLE, '@'],
  // UUIDs, before IPv6 and hex.
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, VARIABLE, '-'],
  // IPv6 (at least three groups, so `12:30` is not one) and IPv4, with an optional port.
  [/(?<![\w:])(?:[0-9a-f]{1,4}:){2,7}(?::|[0-9a-f]{1,4})(?:(?<=:):[0-9a-f]{1,4})*(?![\w:])/gi, VARIABLE, ':'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g, VARIABLE, '.'],
  // A quoted HTTP request keeps its method, the one constant word in it: `GET <*>`.
  [new RegExp(`"(${HTTP_METHODS}) [^"\\s]+(?: HTTP/[\\d.]{1,4})?"`, 'g'), `$1 ${VARIABLE}`, '"'],
  // Other quoted values (a single quote only counts when not inside a word, so "don't" survives; a
  // placeholder counts as a word, so that masking twice changes nothing).
  [/"[^"\\\n]*(?:\\.[^"\\\n]*)*"/g, VARIABLE, '"'],
  [/(?<![\w>])'[^'\n]*'(?![\w<])/g, VARIABLE, "'"],
  // File paths and URL paths of two segments or more; Windows paths.
  [/(?<![\w.*>\-@%+~=,$/])(?:~|\.{1,2})?(?:\/[\w.\-@%+~=,$]+){2,}\/?/g, VARIABLE, '/'],
  [/\b[A-Za-z]:\\[^\s"']+/g, VARIABLE, '\\'],
  // Bracketed values and lists (`[a, b, c]`, `[a]`): their length varies, so they are one value.
  // (Headers like `[main]` or `[ERROR]` are stripped before masking.)
  [/\[[^[\]\n<]{1,200}\]/g, VARIABLE, '['],
  // key=value: the value is variable whatever it looks like (before the kebab-case rule, which
  // would otherwise take part of a value such as `rhost=h64-1.isp.example.net`).
  [/(?<![\w.-])([\w.-]+=)(?!<\*>)(?:[^\s,;&)\]}]+)/g, `$1${VARIABLE}`, '='],
  // Names of principals after the noun that introduces them ("for user alice", "account bob"):
  // variables without a digit, which a digit-based mask misses. (Nouns such as "instance" or
  // "node" are left out: "Instance spawned successfully" is a constant.)
  [/(\b(?:user|username|login|account|owner|principal|tenant|customer):?[ \t]{1,4})(?!<\*>)[A-Za-z_][\w.@-]*/gi, `$1${VARIABLE}`, ''],
  // Kebab-case identifiers (hosts, pods, buckets, services) and capitalised dashed names of three
  // parts or more (`Microsoft-Windows-Foo-Package`).
  [/(?<![\w<*>.-])(?:[a-z][a-z0-9]*(?:-[a-z0-9]+)+|[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+){2,})(?![\w-]|\.\w)/g, VARIABLE, '-'],
  // Hex: 0x… and long hex runs that contain a digit, unless inside a larger token (the token rule
  // below takes that whole: `blk_-6952…` must not become `blk_-<*>`).
  [/(?<![\w+-])0x[0-9a-f]+\b/gi, VARIABLE, 'd'],
];

const DIGIT = /\d/;
const COLLAPSE = /<\*>(?:[ \t,;:./-]*<\*>)+/g;
const SPACES = /\s+/g;
const LETTER = /[A-Za-z]/;
/** Short weekday and month names: variables only next to a number or another date word. */
const DATE_WORD = new RegExp(`^(?:${DAYS}|${MONTHS}),?$`);
/** Long names: variables wherever they are. */
const LONG_DATE_WORD = new RegExp(`^(?:${FULL_DATE_WORDS}),?$`);

/**
 * Replaces the variable parts of a log message with `<*>` so that messages of one template share
 * one key: timestamps, URLs, e-mails, UUIDs, IPs, quoted values (a quoted
 * HTTP request keeps its method), paths, `key=value` values, principal names after `user`,
 * kebab-case names, and then every whitespace-separated token that holds a digit, whole
 * (`blk_-6952`, `h64-187-1-131.isp.example.net`, `LOCAL(0)`, `#3#`), as does a token left of only
 * punctuation around a placeholder (`/<*>`), a long weekday or month name, and a short one next to
 * a number or another date word (`Sun Dec <*>`). Adjacent placeholders collapse into one and whitespace
 * is normalised. Idempotent: `maskVariables(maskVariables(s)) === maskVariables(s)`. Linear in the
 * length of the input; looks at most at `maxChars` characters (default 512).
 *
 * @example maskVariables('user 42 from 10.0.0.1 took 35ms') // 'user <*> from <*> took <*>'
 */
export function maskVariables(text: string, maxChars = 512): string {
  let out = text.length > maxChars ? text.slice(0, maxChars) : text;
  const digits = DIGIT.test(out);
  for (const [re, replacement, needle] of RULES) {
    if (needle === 'd' ? !digits : needle !== '' && !out.includes(needle)) continue;
    out = out.replace(re, replacement);
  }
  out = maskTokens(out.replace(SPACES, ' ').trim());
  return out.replace(COLLAPSE, VARIABLE);
}

/**
 * The token rule: a space-separated token that holds a digit, or a placeholder with nothing but
 * punctuation around it, becomes one placeholder. One pass, no regex backtracking.
 */
function maskTokens(text: string): string {
  if (text === '') return text;
  const tokens = text.split(' ');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === VARIABLE) continue;
    if (DIGIT.test(t)) {
      // `key=<*>`-like tokens keep their key when the key has a letter and no digit.
      const eq = t.indexOf('=');
      const key = eq > 0 ? t.slice(0, eq) : '';
      tokens[i] = LETTER.test(key) && !DIGIT.test(key) ? `${key}=${VARIABLE}` : VARIABLE;
    } else if (t.includes(VARIABLE) && !LETTER.test(t.replaceAll(VARIABLE, ''))) {
      tokens[i] = VARIABLE;
    }
  }
  // Date words last, once their neighbours are final.
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.length > 10 || t === VARIABLE) continue;
    if (LONG_DATE_WORD.test(t) || (DATE_WORD.test(t) && (nearDate(tokens[i - 1]) || nearDate(tokens[i + 1])))) tokens[i] = VARIABLE;
  }
  return tokens.join(' ');
}

/** A neighbour that makes a short weekday or month name a date: a number, a placeholder, a date word. */
function nearDate(token: string | undefined): boolean {
  return token !== undefined && (token === VARIABLE || DIGIT.test(token) || DATE_WORD.test(token) || LONG_DATE_WORD.test(token));
}
