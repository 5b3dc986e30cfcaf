import { BACKFILL_SETTINGS, CONTEXT_NAMESPACE } from './constants.js';
import type { BACKFILL_CONTEXT_KEYS } from './constants.js';
import { PipelineSettingsError } from './errors.js';
import type { ContextReader } from './resolvePipelineSettings.js';
import type { BackfillProps, BackfillSettings } from './types.js';

type BackfillContextKey = (typeof BACKFILL_CONTEXT_KEYS)[number];

/**
 * The backfill state machine's settings, or undefined when there is none: the `backfill` prop
 * (`true` or an object) over `logsieve:backfill*` context over BACKFILL_SETTINGS.
 *
 * @throws PipelineSettingsError naming the setting.
 * @example resolveBackfillSettings({ maxConcurrency: 40 }, (k) => node.tryGetContext(k)) // { maxConcurrency: 40, toleratedFailurePercentage: 0 }
 */
export function resolveBackfillSettings(prop: boolean | BackfillProps | undefined, context: ContextReader): BackfillSettings | undefined {
  const read = (key: BackfillContextKey): unknown => context(`${CONTEXT_NAMESPACE}:${key}`);
  const enabled = prop === undefined ? flag(read('backfill')) : prop !== false;
  if (!enabled) return undefined;
  const props = typeof prop === 'object' ? prop : {};
  return {
    maxConcurrency: integer('backfill.maxConcurrency', props.maxConcurrency ?? read('backfillMaxConcurrency'), BACKFILL_SETTINGS.maxConcurrency, 1, BACKFILL_SETTINGS.maxConcurrencyBound),
    toleratedFailurePercentage: integer('backfill.toleratedFailurePercentage', props.toleratedFailurePercentage ?? read('backfillToleratedFailurePercentage'), BACKFILL_SETTINGS.toleratedFailurePercentage, 0, 100),
  };
}

function flag(raw: unknown): boolean {
  if (raw === undefined || raw === null || raw === '' || raw === false || raw === 'false') return false;
  if (raw === true || raw === 'true') return true;
  throw new PipelineSettingsError('backfill', `expected true or false, got ${JSON.stringify(raw)}`);
}

function integer(name: string, raw: unknown, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === null || raw === '') return fallback;
  const value = typeof raw === 'string' ? Number(raw.trim()) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new PipelineSettingsError(name, `expected an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}
