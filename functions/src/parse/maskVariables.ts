/** The placeholder every variable part becomes. */
export const VARIABLE = '<*>';

const DAYS = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';
const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec';
const FULL_DATE_WORDS = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|April|June|July|September|October|November|December';
const HTTP_METHODS = 'GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|CONNECT|TRACE|PROPFIND';

// Applied in order; earlier rules take whole structures (a URL, a path) before later ones would
// chop them into numbers. Every replacement is the bare placeholder, which no rule matches again,
// so masking is idempotent.
// Each rule names a string its matches always contain ('' = always run), so rules that cannot
// match are skipped without running: most messages have no quotes, URLs or `=`.
//
// Linear time: a rule whose match starts with an unbounded run (`[\w.-]+=`) has a lookbehind that
// refuses to start inside such a run, so each run is scanned from its first character only; every
// other quantifier is bounded or stops at a character the run cannot hold. The property tests run
// every rule on 1 MiB inputs built to defeat this.
const RULES: ReadonlyArray<readonly [RegExp, string, string]> = [
  // Numbers, timestamps, IPs, UUIDs and hex ids need no rule of their own: every token with a digit
  // becomes one placeholder at the end (see maskTokens), and adjacent placeholders collapse, so
  // `2020/03/27 03:40:05` or `[12/Mar/2024:10:00:00 +0000]` end as one `<*>` all the same.
  // AWS ARNs (before the path and number rules take them apart).
  [/\barn:aws[\w-]*:[^\s,;"'<>()]+/g, VARIABLE, 'arn:'],
  // URLs and e-mail addresses.
  [/(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, VARIABLE, '://'],
  [/(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, VARIABLE, '@'],
  // A quoted HTTP request keeps its method, the one constant word in it: `GET <*>`.
  [new RegExp(`"(${HTTP_METHODS}) [^"\\s]+(?: HTTP/[\\d.]{1,4})?"`, 'g'), `$1 ${VARIABLE}`, '"'],
  // Other quoted values (a single quote only counts when not inside a word, so "don't" survives; a
  // placeholder counts as a word, so that masking twice changes nothing).
  // (A quote after a backslash starts nothing: `"\"\"…` would otherwise be scanned from every quote.)
  [/(?<!\\)"[^"\\\n]*(?:\\.[^"\\\n]*)*"/g, VARIABLE, '"'],
  [/(?<![\w>])'[^'\n]*'(?![\w<])/g, VARIABLE, "'"],
  // File paths and URL paths of two segments or more; Windows paths.
  [/(?<![\w.*>\-@%+~=,$/])(?:~|\.{1,2})?(?:\/[\w.\-@%+~=,$]+){2,}\/?/g, VARIABLE, '/'],
  [/\b[A-Za-z]:\\[^\s"']+/g, VARIABLE, '\\'],
  // Bracketed lists and values with a space or comma inside (`[a, b, c]`, `[instance: x]`): their
  // length varies, so they are one value; so is one word in brackets after `:` or `=` (`flags: [a]`) or a value.
  // Elsewhere one word in brackets (`[preauth]`) is a constant tag.
  // (Headers like `[main]` or `[ERROR]` are stripped before masking.)
  [/\[(?=[^\]\n]{0,200}[,\s])[^[\]\n<]{1,200}\]|(?<=[:=] ?)\[[^[\]\n<]{1,200}\]/g, VARIABLE, '['],
  // key=value: the value is variable whatever it looks like (before the kebab-case rule, which
  // would otherwise take part of a value such as `rhost=h64-1.isp.example.net`).
  [/(?<![\w.-])([\w.-]+=)(?!<\*>)(?:[^\s,;&)\]}]+)/g, `$1${VARIABLE}`, '='],
  // One word in brackets right after a `key=value` is part of the value (`shard=27: [tmp]`).
  [/(?<==<\*> ?)\[[^[\]\n<]{1,200}\]/g, VARIABLE, '['],
  // Names of principals after the noun that introduces them ("for user alice", "account bob"):
  // variables without a digit, which a digit-based mask misses. (Nouns such as "instance" or
  // "node" are left out: "Instance spawned successfully" is a constant.)
  [/(\b(?:user|username|login|account|owner|principal|tenant|customer):?[ \t]{1,4})(?!<\*>)[A-Za-z_][\w.@-]*/gi, `$1${VARIABLE}`, ''],
  // Kebab-case identifiers (hosts, pods, buckets, services) and capitalised dashed names of three
  // parts or more (`Microsoft-Windows-Foo-Package`).
  [/(?<![\w<*>.-])(?:[a-z][a-z0-9]*(?:-[a-z0-9]+)+|[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+){2,})(?![\w-]|\.\w)/g, VARIABLE, '-'],
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
  return maskPrepared(prepareMask(text), maxChars);
}

const SIMPLE_TOKEN = /^[\w.:]+$/;
const SIMPLE_KV = /^([\w.-]+)=[^\s,;&)\]}"'[<>]+$/;
const WHOLE_PATH = /^(?:~|\.{1,2})?(?:\/[\w.\-%+~=,$]+){2,}\/?$/;

/**
 * The first, cheap step of {@link maskVariables}, on single space-separated tokens that no later
 * rule could read differently: a token of word characters, dots and colons that holds a digit,
 * and a whole path, become `<*>`; a plain `key=value` becomes `key=<*>` (`<*>` when the key has a
 * digit or no letter). Messages of one statement usually agree once this is done, so its result
 * keys the grouper's cache and most messages skip the rules. Linear: one split, one check a token.
 *
 * @example prepareMask('req=4f2a took 12ms path /v1/orders/7') // 'req=<*> took <*> path <*>'
 */
export function prepareMask(text: string): string {
  if (text.length > 4 * 1024) return text;
  let out = '';
  let copied = 0; // text before this index is in `out` already
  let start = 0;
  let digit = false;
  let eq = -1;
  let slash = false;
  for (let j = 0; j <= text.length; j++) {
    const c = j < text.length ? text.charCodeAt(j) : 32;
    if (c !== 32) {
      if (c >= 48 && c <= 57) digit = true;
      else if (c === 61) {
        if (eq === -1) eq = j;
      } else if (c === 47) slash = true;
      continue;
    }
    if (j > start && (digit || eq > start || slash)) {
      const replacement = prepareToken(text.slice(start, j), eq > start ? eq - start : -1, digit, slash);
      if (replacement !== undefined) {
        out += text.slice(copied, start) + replacement;
        copied = j;
      }
    }
    start = j + 1;
    digit = false;
    eq = -1;
    slash = false;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The replacement of one token by {@link prepareMask}, or undefined to keep it. */
function prepareToken(t: string, eq: number, digit: boolean, slash: boolean): string | undefined {
  if (eq > 0) {
    const m = SIMPLE_KV.exec(t);
    if (m === null) return undefined;
    const key = m[1]!;
    return LETTER.test(key) && !DIGIT.test(key) ? `${key}=${VARIABLE}` : VARIABLE;
  }
  if (eq === 0) return undefined;
  return (slash ? WHOLE_PATH.test(t) : digit && SIMPLE_TOKEN.test(t)) ? VARIABLE : undefined;
}

/** {@link maskVariables} on text that {@link prepareMask} already went over. */
export function maskPrepared(text: string, maxChars = 512): string {
  // Whitespace is normalised before the rules too, not only after: a rule that reads `"GET [x"`
  // differently from `"GET  [x"` would otherwise change the text again when masking it twice.
  let out = (text.length > maxChars ? text.slice(0, maxChars) : text).replace(SPACES, ' ').trim();
  for (const [re, replacement, needle] of RULES) {
    if (needle !== '' && !out.includes(needle)) continue;
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
