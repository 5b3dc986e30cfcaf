import type { S3Client } from '@aws-sdk/client-s3';
import { GetObjectCommand } from '@aws-sdk/client-s3';

/**
 * GETs a JSON document logsieve wrote: the parsed document, the stored text and the ETag (quoted,
 * as S3 sends it), or undefined when there is no such key. A body that is not JSON is the error
 * `invalid` makes of the parse error, so each module keeps its own typed error. Holds one body in
 * memory: for the summaries, rollups and backfill documents logsieve writes, never a source log.
 *
 * @example const found = await readJsonObject<Rollup>(s3, 'out', 'logsieve/rollups/daily/2026/11/26.json', (e) => new RollupInputError(…, { cause: e }));
 */
export async function readJsonObject<T>(
  s3: S3Client,
  bucket: string,
  key: string,
  invalid: (cause: Error) => Error,
  signal?: AbortSignal,
): Promise<{ doc: T; text: string; etag: string | undefined } | undefined> {
  let res;
  try {
    res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
    throw err;
  }
  const text = (await res.Body?.transformToString('utf8')) ?? '';
  try {
    return { doc: JSON.parse(text) as T, text, etag: res.ETag };
  } catch (err) {
    throw invalid(err as Error);
  }
}
