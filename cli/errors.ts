import type { ExitCode } from './constants.js';
import { EXIT } from './constants.js';

/** Base class of the failures the CLI reports in one line and turns into an exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.failure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Arguments that commander accepted but that do not make sense together, or name nothing. */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.usage, options);
  }
}

/** The input (a file, a bucket, an object) or the `up` state does not exist. */
export class NotFoundError extends CliError {
  override name = 'NotFoundError';
  constructor(
    /** What was looked for: a path or an s3:// URI. */
    readonly target: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, EXIT.notFound, options);
  }
}

/** An AWS or LocalStack endpoint did not answer. */
export class EndpointUnreachableError extends CliError {
  override name = 'EndpointUnreachableError';
  constructor(
    /** The endpoint tried, or `AWS` for the default one. */
    readonly endpoint: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, EXIT.unreachable, options);
  }
}

/** The rules file or a LOGSIEVE_* setting is invalid; `setting` names the option or field. */
export class CliConfigError extends CliError {
  override name = 'CliConfigError';
  constructor(
    readonly setting: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, EXIT.badConfig, options);
  }
}

/** The input was corrupt or truncated; the outputs hold what was read before the damage. */
export class CorruptInputError extends CliError {
  override name = 'CorruptInputError';
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`${input}: input is corrupt or truncated: ${reason} (outputs written for what was read)`, EXIT.corruptInput);
  }
}

/** An output file exists and is not a previous output of logsieve; `--force` overwrites it. */
export class OutputExistsError extends CliError {
  override name = 'OutputExistsError';
  constructor(
    /** The existing file. */
    readonly path: string,
  ) {
    super(`refusing to overwrite ${path}: it exists and is not a logsieve output (use --force to overwrite it)`, EXIT.outputExists);
  }
}
