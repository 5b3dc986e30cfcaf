/** Base class for every failure to provide a LocalStack endpoint. */
export class LocalStackError extends Error {
  override name = 'LocalStackError';
}

/** No way to run LocalStack worked; `attempts` says what each path reported. */
export class LocalStackUnavailableError extends LocalStackError {
  override name = 'LocalStackUnavailableError';
  constructor(
    readonly attempts: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`LocalStack is not available. Tried, in order:\n${attempts.map((a) => `  - ${a}`).join('\n')}`, options);
  }
}

/** Installing the pinned localstack-core into the project's venv failed. */
export class LocalStackInstallError extends LocalStackError {
  override name = 'LocalStackInstallError';
  constructor(
    message: string,
    readonly step: string,
    readonly logTail: string,
    options?: { cause?: unknown },
  ) {
    super(`${message} (step: ${step})${logTail ? `\n--- last output ---\n${logTail}` : ''}`, options);
  }
}

/** The host LocalStack process started but did not become healthy, or died. */
export class LocalStackStartError extends LocalStackError {
  override name = 'LocalStackStartError';
  constructor(
    message: string,
    readonly logFile: string,
    readonly logTail: string,
    options?: { cause?: unknown },
  ) {
    super(`${message}\nLocalStack log: ${logFile}\n--- last lines ---\n${logTail}`, options);
  }
}
