import { RE2JS } from 're2js';
import { RulesConfigError } from './errors.js';
import type { UserPattern } from './types.js';

/**
 * Whether a regex source has a quantifier (`*`, `+`, `?`, `{`) outside escapes and character
 * classes; `(?:`, `(?=`, `(?<name>` are groups, not quantifiers. Without one, a backtracking
 * engine tries each alternative once per start position: the work per position is bounded by the
 * pattern's length, so V8 runs it in linear time, at its full speed.
 */
function hasQuantifier(source: string): boolean {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(' && source[i + 1] === '?') {
      i++;
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      return true;
    }
  }
  return false;
}

/** Characters that stand for themselves in a pattern (outside classes), ASCII only so that both engines fold case alike. */
const PLAIN = /[A-Za-z0-9 _,;:=<>'"%&@#~`!-]/;

/**
 * The longest run of plain characters (at least 3) that every match of `source` contains, or
 * undefined when none is sure: runs are read only at the top level of a pattern without a top-level
 * `|`, a character followed by `?`, `*` or `{` leaves its run, one followed by `+` ends it, and
 * groups, classes, escapes other than `\` + punctuation and anchors break runs. Conservative: when in
 * doubt, no literal.
 *
 * @example requiredLiteral('timed? ?out after \\d+ ?ms') // 'out after '
 */
export function requiredLiteral(source: string): string | undefined {
  const runs: string[] = [];
  let run = '';
  const end = (): void => {
    if (run.length >= 3) runs.push(run);
    run = '';
  };
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '\\') {
      // `\.`, `\/`, `\-`: a literal; `\d`, `\b`, `\u0041`: not.
      if (depth === 0 && next !== undefined && /[^A-Za-z0-9]/.test(next) && !isQuantifier(source[i + 2])) {
        run += next;
        i++;
      } else {
        end();
        i++;
        // What an escape letter takes after it (`\u0041`, `\x41`, `\p{L}`, `\k<n>`, `\12`) is no literal.
        if (next !== undefined && /[A-Za-z0-9]/.test(next)) while (i + 1 < source.length && /[0-9A-Za-z{},<>_]/.test(source[i + 1]!)) i++;
      }
      continue;
    }
    if (c === '{') {
      // A `{n,m}` quantifier (or a literal brace): skipped whole.
      end();
      while (i + 1 < source.length && source[i] !== '}') i++;
      continue;
    }
    if (c === '[') {
      end();
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
      continue;
    }
    if (c === '(') {
      end();
      depth++;
      continue;
    }
    if (c === ')') {
      depth--;
      continue;
    }
    if (c === '|') {
      if (depth === 0) return undefined;
      continue;
    }
    if (depth > 0) continue;
    if (!PLAIN.test(c)) {
      end();
      continue;
    }
    if (next === '+') {
      run += c;
      end();
    } else if (isQuantifier(next)) end();
    else run += c;
  }
  end();
  return runs.sort((a, b) => b.length - a.length)[0];
}

function isQuantifier(c: string | undefined): boolean {
  return c === '?' || c === '*' || c === '{' || c === '+';
}

/** JavaScript escapes RE2 spells differently: `\uXXXX` is `\x{XXXX}`. */
function toRe2Syntax(source: string): string {
  return source.replace(/\\\\|\\u([0-9a-fA-F]{4})/g, (m, hex: string | undefined) => (hex === undefined ? m : `\\x{${hex}}`));
}

/**
 * Compiles a user pattern of the rules (`errorPatterns`, `include`, `exclude`), case-insensitive,
 * onto an engine that cannot backtrack without bound: a pattern with no quantifier runs on V8's
 * own engine (its work per position is bounded by the pattern's length); any other runs on RE2
 * (`re2js`, linear in the text whatever the pattern: `(a+)+$` on a 1 MiB line takes milliseconds).
 * RE2 has no backreferences and no lookaround, so a quantified pattern that uses them is refused.
 *
 * @throws RulesConfigError naming `field` when the source is not a valid JavaScript regular
 *   expression, or has a quantifier and RE2 cannot run it.
 * @example compilePattern('timed? out after \\d+ms', 'errorPatterns[0]').test('Timed out after 30000ms') // true, on RE2
 */
export function compilePattern(source: string, field: string): UserPattern {
  let native: RegExp;
  try {
    // No `g` flag: `test` must not carry lastIndex from one line to the next.
    native = new RegExp(source, 'i');
  } catch (cause) {
    throw new RulesConfigError(field, 'a valid regular expression', source, { cause });
  }
  if (!hasQuantifier(source)) return { source, engine: 'v8', test: (text) => native.test(text) };
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(toRe2Syntax(source), RE2JS.CASE_INSENSITIVE);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new RulesConfigError(
      field,
      `a regular expression RE2 can run in linear time (a pattern with quantifiers runs on RE2, which has no backreferences or lookaround: ${why})`,
      source,
      { cause },
    );
  }
  // RE2 folding case in JavaScript is some 10 times slower than V8: lines without the literal every
  // match contains are ruled out by V8 first (a search for a fixed string, linear).
  const literal = requiredLiteral(source);
  if (literal === undefined) return { source, engine: 're2', test: (text) => re2.test(text) };
  const prefilter = new RegExp(literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'), 'i');
  return { source, engine: 're2', test: (text) => prefilter.test(text) && re2.test(text) };
}
