import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { mapConcurrent } from '../../functions/src/stream/mapConcurrent.js';
import { createNotificationPipe, receiveNotifications } from '../../dev/local/notificationPipe.js';
import { sampleLog } from '../helpers/sampleLog.js';
import { createPipelineRig } from './support/pipelineRig.js';

const OBJECTS = 100;
/** Records per invocation: the SQS event source's default batch size. */
const BATCH_SIZE = 10;

describe('load', () => {
  it('100 objects uploaded at once through the queue: 100 summaries, lines and errors add up', async ({ task }) => {
    const rig = await createPipelineRig();
    const pipe = await createNotificationPipe(rig.s3, rig.sqs);
    const objects = Array.from({ length: OBJECTS }, (_, i) => ({ key: `load/${String(i).padStart(3, '0')}.log`, log: sampleLog(500 + i * 20, 7 + (i % 13)) }));
    const expectedLines = objects.reduce((n, o) => n + o.log.lines, 0);
    const expectedErrors = objects.reduce((n, o) => n + o.log.errorLines, 0);

    // "At once": every upload in flight together, as a burst of producers would send them.
    for await (const _ of mapConcurrent(objects, (o) => rig.s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: o.key, Body: o.log.text })), { concurrency: OBJECTS })) {
      // drained
    }
    const event = await receiveNotifications(rig.sqs, pipe, OBJECTS, 90_000);
    const batches: SQSRecord[][] = [];
    for (let i = 0; i < event.Records.length; i += BATCH_SIZE) batches.push(event.Records.slice(i, i + BATCH_SIZE));
    const deps = rig.deps();
    const failures: string[] = [];
    // Two invocations at a time, as two concurrent Lambda instances would take them.
    for await (const response of mapConcurrent(batches, (records) => rig.runSqs(deps, { Records: records }), { concurrency: 2 })) {
      failures.push(...response.batchItemFailures.map((f) => f.itemIdentifier));
    }

    const summaries = [];
    const written: number[] = [];
    for await (const [summary, records] of mapConcurrent(objects, (o) => Promise.all([rig.summary(o.key), rig.recordsWritten(o.key)]), { concurrency: 8 })) {
      summaries.push(summary);
      written.push(records);
    }
    const complete = summaries.filter((s) => s?.status === 'complete');
    const lines = complete.reduce((n, s) => n + s!.counts.lines, 0);
    const errors = complete.reduce((n, s) => n + s!.counts.errors, 0);
    const found = written.reduce((n, w) => n + w, 0);
    task.meta.fault = {
      case: `load: ${OBJECTS} objects uploaded at once, ${batches.length} SQS batches of ${BATCH_SIZE}`,
      expected: `${OBJECTS} summaries; ${expectedLines} lines, ${expectedErrors} errors`,
      observed: `${complete.length} complete summaries, ${failures.length} retried; ${lines} lines, ${errors} errors, ${found} records written`,
      lost: expectedErrors - found,
    };
    expect(event.Records).toHaveLength(OBJECTS);
    expect(failures).toEqual([]);
    expect(complete).toHaveLength(OBJECTS);
    expect(new Set(complete.map((s) => s!.source.key))).toEqual(new Set(objects.map((o) => o.key)));
    expect(lines).toBe(expectedLines);
    expect(errors).toBe(expectedErrors);
    expect(found).toBe(expectedErrors);
  });
});
