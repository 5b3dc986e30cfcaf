import type { RedactionKind, RedactionRules } from './types.js';

/** Replaces secrets in a string; `count` receives one call per replacement. */
export type Redactor = (text: string, count: (kind: RedactionKind) => void) => string;

interface Pattern {
  kind: RedactionKind;
  /** Cheap substring test (lower-case) that must hold before the regex runs. */
  hint: (lower: string) => boolean;
  /** The same hint as a case-insensitive regex source, for the one-pass pre-check. */
  quick: string;
  re: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

const mark = (kind: RedactionKind): string => `[REDACTED:${kind}]`;

// Order matters: key blocks and URL passwords are replaced before the generic key=value rule sees them.
// Raw text can be 64 KiB, so no pattern has an unbounded run before a literal it must then find
// (that would be quadratic on a long base64 blob).
const PATTERNS: Pattern[] = [
  {
    kind: 'private-key',
    quick: 'private key-----',
    hint: (l) => l.includes('private key-----'),
    // An unterminated block (cut by the raw cap or the line stage) is redacted to the end.
    re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)/g,
    replace: () => mark('private-key'),
  },
  {
    kind: 'url-password',
    quick: ':\\/\\/[^\\s@]*@',
    hint: (l) => l.includes('://') && l.includes('@'),
    re: /\b([a-z][a-z0-9+.-]{0,20}:\/\/[^\s:@/"']{1,256}:)([^\s@/"']{1,256})@/gi,
    replace: (_m, prefix) => `${prefix}${mark('url-password')}@`,
  },
  {
    kind: 'authorization-header',
    quick: 'authorization',
    hint: (l) => l.includes('authorization'),
    // Header in text (`Authorization: Basic …`) or JSON (`"authorization":"…"`); value to the quote or line end.
    re: /(\b(?:proxy-)?authorization"?\s*[:=]\s*"?)(?!\[REDACTED)([^\s"\r\n,}][^"\r\n,}]*)/gi,
    replace: (_m, prefix) => `${prefix}${mark('authorization-header')}`,
  },
  {
    kind: 'bearer-token',
    quick: 'bearer',
    hint: (l) => l.includes('bearer'),
    re: /\b(bearer\s+)(?!\[REDACTED)[A-Za-z0-9\-._~+/]{8,}=*/gi,
    replace: (_m, prefix) => `${prefix}${mark('bearer-token')}`,
  },
  {
    kind: 'aws-access-key-id',
    quick: 'akia|asia',
    hint: (l) => l.includes('akia') || l.includes('asia'),
    re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
    replace: () => mark('aws-access-key-id'),
  },
  {
    kind: 'secret-value',
    quick: 'secret|passw|pwd|token|api.?key|credential|private.?key',
    hint: (l) => /secret|passw|pwd|token|api.?key|credential|private.?key/.test(l),
    // key (optionally quoted) then = or :, then a quoted or bare value. Keys like `tokenCount` are
    // excluded by requiring the secret word to end the key.
    re: /(["']?[\w.-]{0,40}(?:secret|secret[_-]?access[_-]?key|password|passwd|pwd|token|api[_-]?key|apikey|credentials?|private[_-]?key)["']?(?:\s*:\s*|=))(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s,;&}"']+))/gi,
    replace: (match, prefix, dq, sq, bare) => {
      const value = dq ?? sq ?? bare ?? '';
      // Empty, null-ish and already-redacted values are not secrets.
      if (value === '' || value === 'null' || value === '-' || value.startsWith('[REDACTED')) return match;
      const quote = dq !== undefined ? '"' : sq !== undefined ? "'" : '';
      return `${prefix}${quote}${mark('secret-value')}${quote}`;
    },
  },
];

/**
 * Builds a redactor for the enabled kinds: AWS access key ids, secret-looking `key=value` /
 * `"key":"value"` pairs, bearer tokens, Authorization headers, passwords in URLs and PEM private key
 * blocks. Each pattern runs only when a cheap lower-case substring hint is present, so clean text
 * costs one `toLowerCase` and a few `includes`.
 *
 * @example
 * const redact = createRedactor({ enabled: true, kinds: ['bearer-token'] });
 * redact('Authorization: Bearer abc.def.ghi', (kind) => stats[kind]++);
 */
export function createRedactor(rules: RedactionRules): Redactor {
  if (!rules.enabled || rules.kinds.length === 0) return (text) => text;
  const active = PATTERNS.filter((p) => rules.kinds.includes(p.kind));
  // One case-insensitive pass over the text rules out the common case, a text with no hint at all,
  // without lower-casing (copying) it.
  const anyHint = new RegExp(active.map((p) => p.quick).join('|'), 'i');
  return (text, count) => {
    if (text.length === 0 || !anyHint.test(text)) return text;
    let lower = text.toLowerCase();
    let out = text;
    for (const p of active) {
      if (!p.hint(lower)) continue;
      let changed = false;
      out = out.replace(p.re, (...args: unknown[]) => {
        const match = args[0] as string;
        const groups = args.slice(1, -2).map((g) => g as string);
        const replaced = p.replace(match, ...groups);
        if (replaced !== match) {
          count(p.kind);
          changed = true;
        }
        return replaced;
      });
      if (changed) lower = out.toLowerCase();
    }
    return out;
  };
}
