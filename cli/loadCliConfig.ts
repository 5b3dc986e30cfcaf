import { readFileSync } from 'node:fs';
import { ConfigError } from '../functions/src/config/errors.js';
import { loadConfig } from '../functions/src/config/loadConfig.js';
import type { Config } from '../functions/src/config/types.js';
import { RulesConfigError } from '../functions/src/parse/errors.js';
import { parseRules } from '../functions/src/parse/parseRules.js';
import { CliConfigError } from './errors.js';

/** Options of {@link loadCliConfig}. */
export interface CliConfigOptions {
  /** The environment: LOGSIEVE_* settings apply as they do in the Lambda. */
  env: Record<string, string | undefined>;
  /** `--config`: a rules JSON file; replaces LOGSIEVE_RULES / LOGSIEVE_RULES_FILE. */
  rulesFile?: string | undefined;
  /** Where S3 outputs go; undefined when the outputs are local files and no bucket is involved. */
  outputBucket?: string | undefined;
  outputPrefix?: string | undefined;
}

/**
 * The pipeline settings for a CLI run: the Lambda's own `loadConfig` over the environment, with
 * the output bucket and prefix from the command line and the rules from `--config`. Every failure
 * is a {@link CliConfigError} whose one-line message names the option or field
 * (`--config rules.json: rules.minLevel: expected …`).
 *
 * @example const config = loadCliConfig({ env: process.env, rulesFile: 'rules.json' });
 */
export function loadCliConfig(options: CliConfigOptions): Config {
  const env = { ...options.env };
  if (options.rulesFile !== undefined) {
    delete env.LOGSIEVE_RULES;
    delete env.LOGSIEVE_RULES_FILE;
  }
  // loadConfig insists on a bucket because the Lambda always writes to S3; a run that writes local
  // files never reads this placeholder.
  env.LOGSIEVE_OUTPUT_BUCKET = options.outputBucket ?? env.LOGSIEVE_OUTPUT_BUCKET ?? 'logsieve-local-output';
  if (options.outputPrefix !== undefined) env.LOGSIEVE_OUTPUT_PREFIX = options.outputPrefix;
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliConfigError(err.setting, err.message, { cause: err });
    throw err;
  }
  return options.rulesFile === undefined ? config : { ...config, rules: readRulesFile(options.rulesFile) };
}

function readRulesFile(file: string): Config['rules'] {
  const setting = `--config ${file}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliConfigError('--config', `${setting}: cannot read the rules file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliConfigError('--config', `${setting}: not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  try {
    return parseRules(json);
  } catch (err) {
    if (err instanceof RulesConfigError) throw new CliConfigError(`rules.${err.field}`, `${setting}: ${err.message}`, { cause: err });
    throw err;
  }
}
