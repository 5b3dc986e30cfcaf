/** Base class of the rollup module's errors. */
export class RollupError extends Error {
  override name = 'RollupError';
}

/** An option given to a rollup function is out of its bounds. */
export class RollupOptionsError extends RollupError {
  override name = 'RollupOptionsError';
  constructor(
    readonly option: string,
    readonly expected: string,
    readonly received: unknown,
  ) {
    super(`${option} must be ${expected}, got ${JSON.stringify(received)}`);
  }
}

/** A stored summary or rollup is not what its schema says. */
export class RollupInputError extends RollupError {
  override name = 'RollupInputError';
  constructor(
    readonly key: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${key}: ${message}`, options);
  }
}

/** A conditional write kept losing to other writers. */
export class RollupConflictError extends RollupError {
  override name = 'RollupConflictError';
  constructor(
    readonly key: string,
    readonly attempts: number,
  ) {
    super(`${key}: another writer changed it ${attempts} times in a row; giving up (the hour stays dirty and is retried next run)`);
  }
}

/** A run of the rollup writer left hours or days unwritten (their markers stay for the next run). */
export class RollupRunError extends RollupError {
  override name = 'RollupRunError';
  constructor(readonly failures: ReadonlyArray<{ what: string; error: string }>) {
    super(`${failures.length} rollup(s) failed: ${failures.map((f) => `${f.what}: ${f.error}`).join('; ')}`);
  }
}
