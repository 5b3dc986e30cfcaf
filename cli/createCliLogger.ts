import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItem } from '@aws-lambda-powertools/logger';
import type { CliLogLevel } from './constants.js';
import { LOG_LEVELS } from './constants.js';

// In constants.ts so that main.ts can list them without loading Powertools; re-exported for the commands.
export { LOG_LEVELS };
export type { CliLogLevel };

/** Options of {@link createCliLogger}. */
export interface CliLoggerOptions {
  /** `--log-level`; else LOGSIEVE_LOG_LEVEL, else POWERTOOLS_LOG_LEVEL, else `warn` on a TTY and `info` off one. */
  level?: CliLogLevel | undefined;
  env?: Record<string, string | undefined>;
  /** Whether a person is watching: the default level is quiet then. */
  tty: boolean;
  /** Where log lines go; default stderr, so that stdout stays the command's own output. */
  write?: (line: string) => void;
}

/**
 * The Powertools Logger the handler core expects, for a terminal: the same JSON lines the Lambda
 * writes, sent to stderr instead of stdout (which carries `--json` output and tables), and
 * children (the handler's per-object loggers) doing the same.
 *
 * @example const log = createCliLogger({ level: opts.logLevel, tty: process.stdout.isTTY === true });
 */
export function createCliLogger(options: CliLoggerOptions): Logger {
  const env = options.env ?? process.env;
  const raw = options.level ?? (env.LOGSIEVE_LOG_LEVEL?.trim() || env.POWERTOOLS_LOG_LEVEL?.trim() || (options.tty ? 'warn' : 'info'));
  const level = raw.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new RangeError(`log level must be one of ${LOG_LEVELS.join(', ')}; got "${raw}"`);
  }
  const write = options.write ?? ((line: string): void => void process.stderr.write(`${line}\n`));

  class CliLogger extends Logger {
    protected override createLogger(childOptions?: ConstructorParameters<typeof Logger>[0]): Logger {
      return new CliLogger(childOptions);
    }

    protected override printLog(_level: number, log: LogItem): void {
      log.prepareForPrint();
      write(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
    }
  }
  return new CliLogger({ serviceName: 'logsieve-cli', logLevel: level.toUpperCase() as Uppercase<CliLogLevel> });
}
