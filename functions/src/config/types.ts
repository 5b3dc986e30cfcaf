import type { Rules } from '../parse/types.js';

/** Settings of the processing function, read once at cold start. */
export interface Config {
  /** Bucket the summaries and error records go to. `LOGSIEVE_OUTPUT_BUCKET`, required. */
  outputBucket: string;
  /** Key prefix of everything written; always ends with '/'. `LOGSIEVE_OUTPUT_PREFIX`, default `logsieve/`. */
  outputPrefix: string;
  /** Longest line kept whole, in bytes. `LOGSIEVE_MAX_LINE_BYTES`, default 1 MiB, 1 KiB to 64 MiB. */
  maxLineBytes: number;
  /** What to do with longer lines. `LOGSIEVE_LONG_LINES`: `truncate` (default) or `skip`. */
  longLines: 'truncate' | 'skip';
  /** Objects processed at once per invocation. `LOGSIEVE_CONCURRENCY`, default 4, 1 to 32. */
  concurrency: number;
  /** Process objects even when a complete summary for the same version exists. `LOGSIEVE_FORCE_REPROCESS`, default false. */
  forceReprocess: boolean;
  /** Index each summary under the hour of its records and mark that hour dirty for the rollup writer. `LOGSIEVE_ROLLUPS`, default true. */
  rollups: boolean;
  /** What counts as an error record: `LOGSIEVE_RULES` (JSON), or the file named by `LOGSIEVE_RULES_FILE`. Defaults: see parseRules. */
  rules: Rules;
  /**
   * Continuation past the invocation's deadline (see README, "Continuation"). `LOGSIEVE_CONTINUATION`,
   * default true: stop at an event boundary, save a checkpoint and have the next invocation resume.
   */
  continuation: boolean;
  /**
   * Queue the continuation messages go to. `LOGSIEVE_CONTINUATION_QUEUE_URL` (the construct sets its
   * own queue); unset: an asynchronous invocation of the function itself.
   */
  continuationQueueUrl: string | undefined;
  /** Most invocations one object may take; the last one writes a `failed` summary. `LOGSIEVE_MAX_INVOCATIONS`, default 100, 2 to 10 000. */
  maxInvocations: number;
  /**
   * Time kept back from the function's timeout to write what was found, in ms. `LOGSIEVE_DEADLINE_MARGIN_MS`;
   * unset: 5 % of the time left, 5 to 30 s (see `createDeadline`). 100 to 600 000.
   */
  deadlineMarginMs: number | undefined;
}
