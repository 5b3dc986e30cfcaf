import { readFileSync } from 'node:fs';
import { RulesConfigError } from '../parse/errors.js';
import { parseRules } from '../parse/parseRules.js';
import type { Rules } from '../parse/types.js';
import { ConfigError } from './errors.js';
import type { Config } from './types.js';

const MiB = 1024 * 1024;

/**
 * Reads and validates the settings from environment variables; throws a {@link ConfigError}
 * naming the variable, what was expected and what came.
 *
 * @example const config = loadConfig(process.env);
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const outputBucket = env.LOGSIEVE_OUTPUT_BUCKET?.trim();
  if (!outputBucket) throw new ConfigError('LOGSIEVE_OUTPUT_BUCKET', 'is required: the bucket summaries and error records are written to');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(outputBucket)) {
    throw new ConfigError('LOGSIEVE_OUTPUT_BUCKET', `expected an S3 bucket name, got "${outputBucket}"`);
  }

  let outputPrefix = env.LOGSIEVE_OUTPUT_PREFIX ?? 'logsieve/';
  if (outputPrefix.startsWith('/')) {
    throw new ConfigError('LOGSIEVE_OUTPUT_PREFIX', `must not start with "/", got "${outputPrefix}"`);
  }
  if (outputPrefix && !outputPrefix.endsWith('/')) outputPrefix += '/';

  const longLines = env.LOGSIEVE_LONG_LINES ?? 'truncate';
  if (longLines !== 'truncate' && longLines !== 'skip') {
    throw new ConfigError('LOGSIEVE_LONG_LINES', `expected "truncate" or "skip", got "${longLines}"`);
  }

  return {
    outputBucket,
    outputPrefix,
    maxLineBytes: integer(env, 'LOGSIEVE_MAX_LINE_BYTES', MiB, 1024, 64 * MiB),
    longLines,
    concurrency: integer(env, 'LOGSIEVE_CONCURRENCY', 4, 1, 32),
    forceReprocess: boolean(env, 'LOGSIEVE_FORCE_REPROCESS', false),
    rollups: boolean(env, 'LOGSIEVE_ROLLUPS', true),
    rules: rules(env),
    continuation: boolean(env, 'LOGSIEVE_CONTINUATION', true),
    continuationQueueUrl: queueUrl(env),
    maxInvocations: integer(env, 'LOGSIEVE_MAX_INVOCATIONS', 100, 2, 10_000),
    deadlineMarginMs: env.LOGSIEVE_DEADLINE_MARGIN_MS?.trim() ? integer(env, 'LOGSIEVE_DEADLINE_MARGIN_MS', 0, 100, 600_000) : undefined,
  };
}

function queueUrl(env: Record<string, string | undefined>): string | undefined {
  const raw = env.LOGSIEVE_CONTINUATION_QUEUE_URL?.trim();
  if (!raw) return undefined;
  if (!/^https?:\/\/[^/\s]+\/\S+$/.test(raw)) throw new ConfigError('LOGSIEVE_CONTINUATION_QUEUE_URL', `expected an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>), got "${raw}"`);
  return raw;
}

function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `expected an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolean(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${env[name]}"`);
}

function rules(env: Record<string, string | undefined>): Rules {
  const inline = env.LOGSIEVE_RULES?.trim();
  const file = env.LOGSIEVE_RULES_FILE?.trim();
  if (inline && file) throw new ConfigError('LOGSIEVE_RULES', 'set either LOGSIEVE_RULES or LOGSIEVE_RULES_FILE, not both');
  const setting = file ? 'LOGSIEVE_RULES_FILE' : 'LOGSIEVE_RULES';
  let text = inline ?? '';
  if (file) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(setting, `cannot read "${file}": ${(err as Error).message}`, { cause: err });
    }
  }
  if (!text) return parseRules({});
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(setting, `not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  try {
    return parseRules(json);
  } catch (err) {
    if (err instanceof RulesConfigError) throw new ConfigError(setting, err.message, { cause: err });
    throw err;
  }
}
