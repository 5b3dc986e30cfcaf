/** Base class of the backfill module's errors. */
export class BackfillError extends Error {
  override name = 'BackfillError';
}

/** A backfill option has a value outside what it accepts; `option` names it. */
export class BackfillOptionError extends BackfillError {
  override name = 'BackfillOptionError';

  constructor(
    readonly option: string,
    expected: string,
    readonly value: unknown,
  ) {
    super(`backfill option ${option} must be ${expected}; got ${describe(value)}`);
  }
}

/** A backfill document in S3 (plan, manifest page, item) is missing or not what it should be. */
export class BackfillDocumentError extends BackfillError {
  override name = 'BackfillDocumentError';

  constructor(
    readonly bucket: string,
    readonly key: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`s3://${bucket}/${key}: ${problem}`, options);
  }
}

/**
 * Some objects of an item failed for a reason a retry may mend (a read or write failure, the
 * invocation's deadline). The item's result was written first; Step Functions retries the item,
 * and the objects done already are skipped by their summaries.
 */
export class BackfillItemIncompleteError extends BackfillError {
  override name = 'BackfillItemIncompleteError';

  constructor(
    readonly itemId: string,
    readonly retryable: number,
    readonly resultKey: string,
  ) {
    super(`backfill item ${itemId}: ${retryable} object(s) failed for a reason a retry may mend; the result is in ${resultKey}`);
  }
}

function describe(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid date' : value.toISOString();
  return typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));
}
