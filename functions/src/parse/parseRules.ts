import { compilePattern } from './compilePattern.js';
import { DEFAULTS, ERROR_CLASSES, LEVEL_RANK, OPT_IN_CLASSES, REDACTION_KINDS } from './constants.js';
import { RulesConfigError } from './errors.js';
import type { ErrorClass, MinLevel, RedactionKind, Rules, UserPattern } from './types.js';

const TOP_KEYS = [
  'version', 'include', 'exclude', 'minLevel', 'errorPatterns', 'errorClasses', 'multiline', 'redaction',
  'maxRawBytes', 'maxMessageChars', 'topGroups', 'keptGroups',
] as const;

/**
 * Validates a rules document (already parsed from JSON) and returns ready-to-use rules.
 * Every field is optional; defaults: `minLevel` `error`, all classes but `vpc-*`, multi-line on
 * (200 lines, 64 KiB), redaction on (all kinds), `maxRawBytes` 8 192, `maxMessageChars` 1 024,
 * `topGroups` 20, `keptGroups` 200 (at least `topGroups`). Unknown fields are rejected so that a typo does not silently do nothing.
 * Patterns (`include`, `exclude`, `errorPatterns`) are case-insensitive and linear in the text
 * (`compilePattern`: V8 without quantifiers, RE2 otherwise).
 *
 * @throws RulesConfigError naming the bad field, what was expected and what came.
 * @example
 * const rules = parseRules(JSON.parse(process.env.LOGSIEVE_RULES ?? '{}'));
 * parseRules({ minLevel: 'warn', exclude: ['healthcheck'], errorClasses: ['level', 'vpc-reject'] });
 */
export function parseRules(json: unknown): Rules {
  if (json === undefined || json === null) json = {};
  if (typeof json !== 'object' || Array.isArray(json)) {
    throw new RulesConfigError('(root)', 'an object', json);
  }
  const doc = json as Record<string, unknown>;
  for (const key of Object.keys(doc)) {
    if (!(TOP_KEYS as readonly string[]).includes(key)) {
      throw new RulesConfigError(key, `one of the known fields (${TOP_KEYS.join(', ')})`, doc[key]);
    }
  }
  if (doc.version !== undefined && doc.version !== 1) {
    throw new RulesConfigError('version', '1', doc.version);
  }

  const minLevel = doc.minLevel ?? DEFAULTS.minLevel;
  if (typeof minLevel !== 'string' || !(minLevel in LEVEL_RANK)) {
    throw new RulesConfigError('minLevel', `one of ${Object.keys(LEVEL_RANK).join(', ')}`, minLevel);
  }

  let errorClasses: ErrorClass[];
  if (doc.errorClasses === undefined) {
    errorClasses = ERROR_CLASSES.filter((c) => !OPT_IN_CLASSES.includes(c));
  } else {
    errorClasses = stringArray(doc.errorClasses, 'errorClasses').map((c, i) => {
      if (!(ERROR_CLASSES as readonly string[]).includes(c)) {
        throw new RulesConfigError(`errorClasses[${i}]`, `one of ${ERROR_CLASSES.join(', ')}`, c);
      }
      return c as ErrorClass;
    });
  }

  return {
    include: regexArray(doc.include, 'include'),
    exclude: regexArray(doc.exclude, 'exclude'),
    minLevel: minLevel as MinLevel,
    errorPatterns: regexArray(doc.errorPatterns, 'errorPatterns'),
    errorClasses,
    multiline: parseMultiline(doc.multiline),
    redaction: parseRedaction(doc.redaction),
    maxRawBytes: positiveInt(doc.maxRawBytes, 'maxRawBytes', DEFAULTS.maxRawBytes),
    maxMessageChars: positiveInt(doc.maxMessageChars, 'maxMessageChars', DEFAULTS.maxMessageChars),
    topGroups: positiveInt(doc.topGroups, 'topGroups', DEFAULTS.topGroups),
    keptGroups: keptGroups(doc),
  };
}

/** `keptGroups`: the heavy-hitters table's size, which `topGroups` is the head of. */
function keptGroups(doc: Record<string, unknown>): number {
  const kept = positiveInt(doc.keptGroups, 'keptGroups', DEFAULTS.keptGroups);
  const top = positiveInt(doc.topGroups, 'topGroups', DEFAULTS.topGroups);
  if (kept < top) throw new RulesConfigError('keptGroups', `an integer of at least topGroups (${top})`, kept);
  if (kept > 100_000) throw new RulesConfigError('keptGroups', 'an integer of at most 100000', kept);
  return kept;
}

function parseMultiline(value: unknown): Rules['multiline'] {
  const defaults = { enabled: true, maxLines: DEFAULTS.multilineMaxLines, maxBytes: DEFAULTS.multilineMaxBytes };
  if (value === undefined) return defaults;
  if (typeof value === 'boolean') return { ...defaults, enabled: value };
  const obj = plainObject(value, 'multiline', ['enabled', 'maxLines', 'maxBytes']);
  return {
    enabled: bool(obj.enabled, 'multiline.enabled', true),
    maxLines: positiveInt(obj.maxLines, 'multiline.maxLines', defaults.maxLines),
    maxBytes: positiveInt(obj.maxBytes, 'multiline.maxBytes', defaults.maxBytes),
  };
}

function parseRedaction(value: unknown): Rules['redaction'] {
  if (value === undefined) return { enabled: true, kinds: [...REDACTION_KINDS] };
  if (typeof value === 'boolean') return { enabled: value, kinds: [...REDACTION_KINDS] };
  const obj = plainObject(value, 'redaction', ['enabled', 'kinds']);
  const kinds = obj.kinds === undefined
    ? [...REDACTION_KINDS]
    : stringArray(obj.kinds, 'redaction.kinds').map((k, i) => {
      if (!(REDACTION_KINDS as readonly string[]).includes(k)) {
        throw new RulesConfigError(`redaction.kinds[${i}]`, `one of ${REDACTION_KINDS.join(', ')}`, k);
      }
      return k as RedactionKind;
    });
  return { enabled: bool(obj.enabled, 'redaction.enabled', true), kinds };
}

function plainObject(value: unknown, field: string, keys: string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RulesConfigError(field, 'an object or a boolean', value);
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw new RulesConfigError(`${field}.${key}`, `one of ${keys.join(', ')}`, (value as Record<string, unknown>)[key]);
  }
  return value as Record<string, unknown>;
}

function stringArray(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new RulesConfigError(field, 'an array of strings', value);
  value.forEach((item, i) => {
    if (typeof item !== 'string') throw new RulesConfigError(`${field}[${i}]`, 'a string', item);
  });
  return value as string[];
}

function regexArray(value: unknown, field: string): UserPattern[] {
  if (value === undefined) return [];
  return stringArray(value, field).map((source, i) => compilePattern(source, `${field}[${i}]`));
}

function positiveInt(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RulesConfigError(field, 'a positive integer', value);
  }
  return value;
}

function bool(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new RulesConfigError(field, 'a boolean', value);
  return value;
}
