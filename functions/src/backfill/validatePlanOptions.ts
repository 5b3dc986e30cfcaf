import { BACKFILL_BOUNDS, BACKFILL_DEFAULTS } from './constants.js';
import { BackfillOptionError } from './errors.js';
import type { BackfillOutput, BackfillPlanSettings, BackfillSource } from './types.js';

/** What a caller may leave out of the plan settings. */
export type BackfillPlanSettingsInput = Partial<BackfillPlanSettings>;

/**
 * Checks a backfill's source, output and settings before anything is listed, and fills in the
 * defaults of {@link BACKFILL_DEFAULTS}. Each failure names the option, what was expected and what came.
 *
 * @throws BackfillOptionError
 * @example const settings = validatePlanOptions(source, output, { maxItemKeys: 50 });
 */
export function validatePlanOptions(source: BackfillSource, output: BackfillOutput, input: BackfillPlanSettingsInput = {}): BackfillPlanSettings {
  if (!source.bucket) throw new BackfillOptionError('source.bucket', 'a bucket name', source.bucket);
  if (!output.bucket) throw new BackfillOptionError('output.bucket', 'a bucket name', output.bucket);
  if (output.prefix !== '' && !output.prefix.endsWith('/')) throw new BackfillOptionError('output.prefix', "'' or a prefix ending in '/'", output.prefix);
  if (source.bucket === output.bucket) {
    if (output.prefix === '') {
      throw new BackfillOptionError('output.prefix', 'a prefix when the outputs go to the source bucket (every key would be an output)', output.prefix);
    }
    if (source.prefix.startsWith(output.prefix)) {
      throw new BackfillOptionError('source.prefix', `outside the output prefix "${output.prefix}" of the same bucket (outputs are never inputs)`, source.prefix);
    }
  }
  if (!Array.isArray(source.suffixes) || source.suffixes.some((s) => typeof s !== 'string' || s === '')) {
    throw new BackfillOptionError('source.suffixes', 'a list of non-empty key suffixes', source.suffixes);
  }
  const since = instant('source.since', source.since);
  const until = instant('source.until', source.until);
  if (since !== undefined && until !== undefined && since >= until) {
    throw new BackfillOptionError('source.until', `later than source.since (${source.since})`, source.until);
  }
  return {
    maxItemKeys: integer('maxItemKeys', input.maxItemKeys, BACKFILL_DEFAULTS.maxItemKeys, 1, BACKFILL_BOUNDS.maxItemKeys),
    maxItemBytes: integer('maxItemBytes', input.maxItemBytes, BACKFILL_DEFAULTS.maxItemBytes, 1, Number.MAX_SAFE_INTEGER),
    itemsPerPage: integer('itemsPerPage', input.itemsPerPage, BACKFILL_DEFAULTS.itemsPerPage, 1, BACKFILL_BOUNDS.itemsPerPage),
  };
}

function instant(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(t)) throw new BackfillOptionError(option, 'an ISO 8601 date or time (2026-11-01, 2026-11-01T12:00:00Z)', value);
  return t;
}

/** An integer option from `min` to `max`; `fallback` when undefined. */
export function integer(option: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new BackfillOptionError(option, `an integer from ${min} to ${max}`, value);
  }
  return value;
}
