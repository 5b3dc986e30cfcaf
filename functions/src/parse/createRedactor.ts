import type { RedactionKind, RedactionRules } from './types.js';

/** Replaces secrets in a string; `count` receives one call per replacement. */
export interface Redactor {
  (text: string, count: (kind: RedactionKind) => void): string;
  /**
   * The redactor's pre-check alone: false when no enabled pattern can match anywhere in `text`, so
   * that the redactor returns it unchanged, and so it does any substring of it (every pre-check is
   * a search for a word or digit run, found in a text wherever it is found in a part of it).
   */
  readonly mayHold: (text: string) => boolean;
}

interface Pattern {
  kind: RedactionKind;
  /**
   * Words (lower case) one of which the text must contain before `hint` and `re` run. All kinds'
   * words make one case-insensitive alternation of literals, the fastest pre-check V8 has; a kind
   * without words (card numbers) is pre-checked by its `hint` alone.
   */
  words?: string[];
  /** A linear case-insensitive test that must hold before `re` runs. */
  hint: RegExp;
  re: RegExp;
  /** The replacement of one match; returning `match` means "not a secret" (not counted). */
  replace: (match: string, groups: Array<string | undefined>, offset: number, text: string) => string;
}

const mark = (kind: RedactionKind): string => `[REDACTED:${kind}]`;

/** Values that are not secrets: empty, null-ish, booleans, masks (a template's `<*>` too), already redacted. */
const NOT_SECRET = /^(?:|null|none|nil|undefined|true|false|-|\*+|<\*>|<redacted>|\[redacted.*)$/i;

// How a key is quoted: nothing, `"`, `'`, or `\"` (`\\\"`…) when the key/value pair is itself JSON
// written inside a JSON string (`"body":"{\"password\": \"x\"}"`).
const Q = String.raw`\\{0,8}["']?`;
// Between key and value: `:` with optional blanks, `=` alone, or `=` with blanks on both sides
// (`password = "x"`); `password= user=bob` is an empty value, not `user=bob`. Bounded runs only.
const SEP = String.raw`(?:[ \t]{0,16}:[ \t]{0,16}|[ \t]{1,16}=[ \t]{0,16}|=)`;
// The value: double-quoted (JSON escapes inside; an unterminated one runs to the end), single-quoted,
// quoted with escaped quotes (JSON inside a JSON string), or bare up to a delimiter.
const VALUE = String.raw`(?:"((?:[^"\\]|\\[\s\S])*)"?|'([^'\n]*)'?|(\\{1,8})"((?:[^"\\]|\\{1,8}[^"\\])*)\\{1,8}"|([^\s,;&}\]"'\\]+))`;

/** Replaces the value of a `key = value` match (groups: prefix, dq, sq, escape, escaped, bare). */
function keyedValue(kind: RedactionKind) {
  return (match: string, g: Array<string | undefined>): string => {
    const [prefix, dq, sq, esc, escaped, bare] = g;
    const value = dq ?? sq ?? escaped ?? bare ?? '';
    if (NOT_SECRET.test(value)) return match;
    if (dq !== undefined) return `${prefix}"${mark(kind)}"`;
    if (sq !== undefined) return `${prefix}'${mark(kind)}'`;
    if (esc !== undefined) return `${prefix}${esc}"${mark(kind)}${esc}"`;
    // A bare value after a JSON key (`"pin": 1234`) becomes a string, so that JSON stays JSON; after
    // an escaped key (`\"pin\": 1234`) with the same escapes.
    const keyQuote = /(\\*)"[ \t]*:[ \t]*$/.exec(prefix!);
    return keyQuote ? `${prefix}${keyQuote[1]}"${mark(kind)}${keyQuote[1]}"` : `${prefix}${mark(kind)}`;
  };
}

/** Luhn checksum of a string of digits. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The previous and next characters around [start, end) that are not blanks. */
function neighbours(text: string, start: number, end: number): [string, string] {
  let i = start - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  let j = end;
  while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
  return [text[i] ?? '', text[j] ?? ''];
}

/**
 * The password of a URL's user info, found with string operations on one bounded token: the user
 * info ends at the last `@` before the authority ends (the first `/`, `?` or `#` after the first
 * `@`), so `p@ss` and `pa/ss` are whole passwords and `host:8080/a@b` (a port) is none.
 */
function urlPassword(match: string, g: Array<string | undefined>): string {
  const [scheme, token] = g as [string, string];
  const firstAt = token.indexOf('@');
  if (firstAt < 0) return match;
  let end = token.length;
  for (let i = firstAt + 1; i < token.length; i++) {
    const c = token[i];
    if (c === '/' || c === '?' || c === '#') {
      end = i;
      break;
    }
  }
  const at = token.lastIndexOf('@', end - 1);
  const userinfo = token.slice(0, at);
  const colon = userinfo.indexOf(':');
  if (colon < 0 || userinfo.slice(0, colon).includes('/')) return match;
  const password = userinfo.slice(colon + 1);
  if (password === '' || password.startsWith('[REDACTED') || /^\d{1,5}(?:[/?#]|$)/.test(password)) return match;
  return `${scheme}${userinfo.slice(0, colon + 1)}${mark('url-password')}${token.slice(at)}`;
}

// Order matters: key blocks and URL passwords are replaced before the generic key=value rule sees
// them. Every quantifier that can meet a long run of the text is bounded, or is the last element of
// a pattern that can only start at a keyword, so that no pattern does more than a bounded amount of
// work per position: a 1 MiB line of `://`, `"password":"`, `a=` or digits is read in linear time.
const PATTERNS: Pattern[] = [
  {
    kind: 'private-key',
    words: ['private key'],
    hint: /private key/i,
    // PEM (`RSA`, `EC`, `OPENSSH`, `ENCRYPTED` … `PRIVATE KEY`) and PGP (`PGP PRIVATE KEY BLOCK`). An
    // unterminated block (cut by the raw cap or the line stage) is redacted to the end of the text, or
    // of the JSON string it is in, so that JSON stays JSON.
    re: /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[^"\\]|\\[\s\S])*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|(?=")|\\?$)/g,
    replace: () => mark('private-key'),
  },
  {
    kind: 'url-password',
    words: ['://'],
    // A user info needs a `:` or `@` before the authority ends: most URLs have neither.
    hint: /:\/\/[^\s@/]{0,64}[:@]/,
    re: /\b([a-z][a-z0-9+.-]{0,20}:\/\/)([^\s"'<>\\]{1,512})/gi,
    replace: urlPassword,
  },
  {
    kind: 'authorization-header',
    words: ['authorization'],
    hint: /authorization/i,
    // Header in text (`Authorization: Basic …`) or JSON (`"authorization":"…"`, escaped or not); value to the quote or line end.
    re: new RegExp(String.raw`(\b(?:proxy-)?authorization${Q}[ \t]{0,16}[:=][ \t]{0,16}${Q})(?!\[REDACTED)([^\s"\r\n,}\\][^"\r\n,}\\]*)`, 'gi'),
    replace: (_m, g) => `${g[0]}${mark('authorization-header')}`,
  },
  {
    kind: 'bearer-token',
    words: ['bearer'],
    hint: /bearer/i,
    re: /\b(bearer[ \t]{1,16})(?!\[REDACTED)[A-Za-z0-9\-._~+/]{8,}=*/gi,
    replace: (_m, g) => `${g[0]}${mark('bearer-token')}`,
  },
  {
    kind: 'aws-access-key-id',
    words: ['akia', 'asia'],
    hint: /AKIA|ASIA/,
    re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
    replace: () => mark('aws-access-key-id'),
  },
  {
    kind: 'session-cookie',
    words: ['sess', 'sid'],
    hint: /sess|sid/i,
    // Session cookies by name (`JSESSIONID`, `PHPSESSID`, `ASP.NET_SessionId`, `connect.sid`,
    // `laravel_session`, `sessionid`) as a cookie (`=`) or a JSON key.
    re: new RegExp(String.raw`((?:sess(?:ion)?(?:[_-]?id)?|(?<![a-z0-9])sid)(?:=|\\{0,8}"[ \t]{0,16}:[ \t]{0,16}))${VALUE}`, 'gi'),
    replace: keyedValue('session-cookie'),
  },
  {
    kind: 'secret-value',
    words: ['secret', 'passw', 'pwd', 'token', 'key', 'credential'],
    hint: /secret|passw|pwd|token|key|credential/i,
    // A key that ends with a secret word (`aws_secret_access_key`, `SECRET_KEY`, `db.password`,
    // `X-Api-Key`, `"SessionToken"`), then `:` or `=`, then a value. The word must end the key, so
    // `tokenCount=5` is not a secret; the key's own start does not matter, so it is not matched.
    re: new RegExp(String.raw`((?:secret|password|passwd|passphrase|pwd|token|api[_-]?key|apikey|credentials?|(?:private|secret|access|signing|encryption|master|client)[_-]?key)${Q}${SEP})${VALUE}`, 'gi'),
    replace: keyedValue('secret-value'),
  },
  {
    kind: 'card-number',
    // Ten digits in card groups (Amex is 4-6-5), checked on its own: a class in the words' alternation
    // would cost every text a slower scan.
    hint: /[2-6]\d{3}[ -]?\d{4}[ -]?\d{2}/,
    // 13 to 19 digits (single spaces or dashes between them allowed) that start like a card number
    // (2–6: Mastercard, Visa, Amex, Discover, JCB, Diners) and pass the Luhn check: epoch-millisecond
    // stamps (they start with 1) and most ids are not cards.
    re: /\b[2-6](?:\d[ -]?){11,17}\d\b/g,
    replace: (match, _g, offset, text) => {
      if (text[offset - 1] === '.' || text[offset + match.length] === '.') return match; // a decimal
      const digits = match.replace(/[ -]/g, '');
      if (digits.length < 13 || !luhn(digits)) return match;
      // A bare JSON number becomes a string, so that JSON stays JSON.
      const [before, after] = neighbours(text, offset, offset + match.length);
      const bare = (before === ':' || before === '[' || before === ',') && (after === '' || after === ',' || after === '}' || after === ']');
      return bare ? `"${mark('card-number')}"` : mark('card-number');
    },
  },
];

/** Field names whose whole value is a secret (`password`, `api_key`, `JSESSIONID`…). */
const SECRET_FIELD = /(?:secret|password|passwd|passphrase|pwd|token|api[_-]?key|apikey|credentials?|(?:private|secret|access|signing|encryption|master|client)[_-]?key)$/i;
const SESSION_FIELD = /(?:sess(?:ion)?(?:[_-]?id)?|(?:^|[^a-z0-9])sid)$/i;

/**
 * The kind of secret a field named `name` holds by its name alone, among the enabled kinds, or
 * undefined: a parsed field (`password` from logfmt `password=x`) has lost the `key=` context the
 * text patterns need.
 *
 * @example secretFieldKind('db_password', rules.redaction) // 'secret-value'
 */
export function secretFieldKind(name: string, rules: RedactionRules): RedactionKind | undefined {
  if (!rules.enabled) return undefined;
  if (rules.kinds.includes('secret-value') && SECRET_FIELD.test(name)) return 'secret-value';
  if (rules.kinds.includes('session-cookie') && SESSION_FIELD.test(name)) return 'session-cookie';
  return undefined;
}

/** Whether a field value is a placeholder rather than a secret (null, empty, `-`, already redacted). */
export function isNotSecret(value: string): boolean {
  return NOT_SECRET.test(value);
}

/**
 * Builds a redactor for the enabled kinds: AWS access key ids, secret-looking `key=value` /
 * `key = "value"` / `"key":"value"` pairs (escaped JSON inside a JSON string too), bearer tokens,
 * Authorization headers, passwords in URLs (`redis://:pw@host`, `postgres://u:pa/ss@h`), PEM and
 * PGP private key blocks, session cookies and Luhn-valid card numbers. JSON stays JSON: marks go
 * inside the string they replace, and a bare JSON value becomes a string. Every pattern is linear
 * on any line (bounded runs only); one case-insensitive pre-check of literal words rules out
 * clean text in one pass.
 *
 * @example
 * const redact = createRedactor({ enabled: true, kinds: ['bearer-token'] });
 * redact('Authorization: Bearer abc.def.ghi', (kind) => stats[kind]++);
 */
export function createRedactor(rules: RedactionRules): Redactor {
  if (!rules.enabled || rules.kinds.length === 0) return Object.assign((text: string): string => text, { mayHold: (): boolean => false });
  const active = PATTERNS.filter((p) => rules.kinds.includes(p.kind));
  // One case-insensitive pass over the text rules out the common case, a text with no hint at all.
  const words = active.flatMap((p) => p.words ?? []).map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  const anyWord = words.length > 0 ? new RegExp(words.join('|'), 'i') : undefined;
  const wordless = active.filter((p) => p.words === undefined).map((p) => p.hint);
  const worthALook = (text: string): boolean => anyWord?.test(text) === true || wordless.some((hint) => hint.test(text));
  const redact = (text: string, count: (kind: RedactionKind) => void): string => {
    if (text.length === 0 || !worthALook(text)) return text;
    let out = text;
    for (const p of active) {
      if (!p.hint.test(out)) continue;
      out = out.replace(p.re, (...args: unknown[]) => {
        const match = args[0] as string;
        // Named groups are not used, so the last two arguments are the offset and the whole text.
        const offset = args[args.length - 2] as number;
        const whole = args[args.length - 1] as string;
        const groups = args.slice(1, -2) as Array<string | undefined>;
        const replaced = p.replace(match, groups, offset, whole);
        if (replaced !== match) count(p.kind);
        return replaced;
      });
    }
    return out;
  };
  return Object.assign(redact, { mayHold: (text: string): boolean => text.length > 0 && worthALook(text) });
}
