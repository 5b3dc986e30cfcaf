import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { outputKeys } from '../../functions/src/pipeline/outputKeys.js';
import type { Summary } from '../../functions/src/pipeline/types.js';

/** Where the deployed function writes, as the stack outputs name it. */
export interface SummaryLocation {
  outputBucket: string;
  outputPrefix: string;
}

/** One source object's summary, and when it was first seen (ms since the wait began). */
export interface ArrivedSummary {
  key: string;
  summary: Summary;
  afterMs: number;
}

/** Not every summary arrived in time; `missing` names the source keys without one. */
export class SummaryTimeoutError extends Error {
  override name = 'SummaryTimeoutError';
  constructor(
    readonly missing: readonly string[],
    readonly timeoutMs: number,
    output: SummaryLocation,
  ) {
    super(`no summary within ${timeoutMs} ms for ${missing.join(', ')} (output s3://${output.outputBucket}/${output.outputPrefix})`);
  }
}

/**
 * Polls the output bucket until every source key in `keys` (of `bucket`) has its JSON summary,
 * which the function writes last, or `timeoutMs` passes; then throws naming the keys still
 * missing. Polls every `intervalMs` (default 100 ms), one GetObject per missing key.
 *
 * @example const [s] = await waitForSummaries(s3, { outputBucket, outputPrefix: 'logsieve/' }, inputBucket, ['app/a.log'], 60_000);
 */
export async function waitForSummaries(
  s3: S3Client,
  output: SummaryLocation,
  bucket: string,
  keys: readonly string[],
  timeoutMs: number,
  intervalMs = 100,
): Promise<ArrivedSummary[]> {
  const started = Date.now();
  const found = new Map<string, ArrivedSummary>();
  for (;;) {
    for (const key of keys) {
      if (found.has(key)) continue;
      try {
        const res = await s3.send(new GetObjectCommand({ Bucket: output.outputBucket, Key: outputKeys(output.outputPrefix, { bucket, key }).summary }));
        const summary = JSON.parse((await res.Body?.transformToString()) ?? 'null') as Summary;
        found.set(key, { key, summary, afterMs: Date.now() - started });
      } catch (err) {
        if ((err as { name?: string }).name !== 'NoSuchKey') throw err;
      }
    }
    if (found.size === keys.length) return keys.map((k) => found.get(k) as ArrivedSummary);
    if (Date.now() - started > timeoutMs) {
      throw new SummaryTimeoutError(keys.filter((k) => !found.has(k)), timeoutMs, output);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
