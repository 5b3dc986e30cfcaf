import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSRecord } from 'aws-lambda';
import { triggerContent } from '../../functions/src/events/triggerContent.js';
import type { ObjectRef } from '../../functions/src/events/types.js';
import { outputKeys } from '../../functions/src/pipeline/outputKeys.js';
import type { Summary } from '../../functions/src/pipeline/types.js';

/** An object named by a message, and its summary when the handler wrote one. */
export interface ObjectSummary {
  ref: ObjectRef;
  summaryKey: string;
  /** Undefined when there is none: the object was ignored (recursion guard) or gone. */
  summary: Summary | undefined;
}

/**
 * The summaries of the objects the given SQS messages name, read back from the output bucket at
 * the keys the handler writes them to (the same `triggerContent` and `outputKeys` it uses).
 * Messages that are not S3 notifications (the `s3:TestEvent`) name no object.
 *
 * @example const done = await readSummaries(s3, { outputBucket, outputPrefix }, outcome.deleted);
 */
export async function readSummaries(
  s3: S3Client,
  output: { outputBucket: string; outputPrefix: string },
  records: SQSRecord[],
  signal?: AbortSignal,
): Promise<ObjectSummary[]> {
  const found: ObjectSummary[] = [];
  for (const record of records) {
    let refs: ObjectRef[];
    try {
      refs = triggerContent(JSON.parse(record.body), record.messageId).refs;
    } catch {
      continue;
    }
    for (const ref of refs) {
      const summaryKey = outputKeys(output.outputPrefix, ref).summary;
      let summary: Summary | undefined;
      try {
        const res = await s3.send(new GetObjectCommand({ Bucket: output.outputBucket, Key: summaryKey }), signal ? { abortSignal: signal } : {});
        summary = JSON.parse((await res.Body?.transformToString()) ?? 'null') as Summary;
      } catch (err) {
        if ((err as { name?: string }).name !== 'NoSuchKey') throw err;
      }
      found.push({ ref, summaryKey, summary });
    }
  }
  return found;
}
