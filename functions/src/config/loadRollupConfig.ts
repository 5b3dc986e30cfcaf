import { ROLLUP_DEFAULTS } from '../rollup/constants.js';
import type { RollupSettings } from '../rollup/types.js';
import { ConfigError } from './errors.js';
import { loadConfig } from './loadConfig.js';

/** Settings of the scheduled rollup function, read once at cold start. */
export interface RollupConfig {
  outputBucket: string;
  outputPrefix: string;
  settings: RollupSettings;
  /** Bus the `Error groups changed` events go to; `LOGSIEVE_EVENT_BUS`, default the account's default bus. */
  eventBusName: string | undefined;
  /** `LOGSIEVE_ROLLUP_EVENTS`, default true: put the events at all. */
  events: boolean;
}

/**
 * Reads the rollup writer's settings: the output bucket and prefix as the processing function
 * reads them, and `LOGSIEVE_ROLLUP_NEW_DAYS` (7, 1–31), `LOGSIEVE_ROLLUP_RISING_FACTOR` (5, 1–1000),
 * `LOGSIEVE_ROLLUP_RISING_MIN_COUNT` (10, 1–10^9), `LOGSIEVE_ROLLUP_SOURCE_DEPTH` (1, 1–10),
 * `LOGSIEVE_ROLLUP_KEPT_GROUPS` (200, 20–5000), `LOGSIEVE_EVENT_BUS`, `LOGSIEVE_ROLLUP_EVENTS`.
 *
 * @throws ConfigError naming the variable.
 * @example const config = loadRollupConfig(process.env);
 */
export function loadRollupConfig(env: Record<string, string | undefined>): RollupConfig {
  const base = loadConfig({ LOGSIEVE_OUTPUT_BUCKET: env.LOGSIEVE_OUTPUT_BUCKET, LOGSIEVE_OUTPUT_PREFIX: env.LOGSIEVE_OUTPUT_PREFIX });
  const events = (env.LOGSIEVE_ROLLUP_EVENTS ?? 'true').trim().toLowerCase();
  if (!['true', 'false'].includes(events)) throw new ConfigError('LOGSIEVE_ROLLUP_EVENTS', `expected true or false, got "${env.LOGSIEVE_ROLLUP_EVENTS}"`);
  return {
    outputBucket: base.outputBucket,
    outputPrefix: base.outputPrefix,
    settings: {
      ...ROLLUP_DEFAULTS,
      keptGroups: integer(env, 'LOGSIEVE_ROLLUP_KEPT_GROUPS', ROLLUP_DEFAULTS.keptGroups, 20, 5_000),
      sourceDepth: integer(env, 'LOGSIEVE_ROLLUP_SOURCE_DEPTH', ROLLUP_DEFAULTS.sourceDepth, 1, 10),
      newDays: integer(env, 'LOGSIEVE_ROLLUP_NEW_DAYS', ROLLUP_DEFAULTS.newDays, 1, 31),
      risingFactor: integer(env, 'LOGSIEVE_ROLLUP_RISING_FACTOR', ROLLUP_DEFAULTS.risingFactor, 1, 1_000),
      risingMinCount: integer(env, 'LOGSIEVE_ROLLUP_RISING_MIN_COUNT', ROLLUP_DEFAULTS.risingMinCount, 1, 1e9),
    },
    eventBusName: env.LOGSIEVE_EVENT_BUS?.trim() || undefined,
    events: events === 'true',
  };
}

function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(name, `expected an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}
