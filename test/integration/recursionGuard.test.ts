import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { ObjectOutcome } from '../../functions/src/pipeline/handleEvent.js';
import { createNotificationPipe, receiveNotifications } from '../../dev/local/notificationPipe.js';
import { localstackClients, useLocalstackEnv } from '../helpers/localstackClients.js';
import { sampleLog } from '../helpers/sampleLog.js';

const { endpoint, s3, sqs } = localstackClients();

describe('processLog handler writing into its own input bucket', () => {
  it('ignores the notifications of its own outputs instead of processing them', async () => {
    const pipe = await createNotificationPipe(s3, sqs);
    // Output prefix inside the watched bucket: the setup the recursion guard exists for.
    useLocalstackEnv(endpoint, { LOGSIEVE_OUTPUT_BUCKET: pipe.bucket, LOGSIEVE_OUTPUT_PREFIX: 'logsieve/' });
    const { handler } = await import('../../functions/handlers/processLog.js');

    await s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: 'app.log', Body: sampleLog(2_000).text }));
    expect(await handler(await receiveNotifications(sqs, pipe, 1), { awsRequestId: 'r1' } as never)).toEqual({ batchItemFailures: [] });

    // The error part, the report, the summary, its rollup index entry and dirty-hour marker each sent a notification of their own.
    const echoes = await receiveNotifications(sqs, pipe, 5);
    const keys = echoes.Records.map((r) => (JSON.parse(r.body) as { Records: Array<{ s3: { object: { key: string } } }> }).Records[0]!.s3.object.key);
    expect(keys.every((k) => k.startsWith('logsieve/'))).toBe(true);

    const outcomes: ObjectOutcome[] = [];
    for (const record of echoes.Records) {
      outcomes.push(...((await handler(JSON.parse(record.body) as never, { awsRequestId: 'r2' } as never)) as ObjectOutcome[]));
    }
    expect(outcomes.map((o) => o.outcome)).toEqual(['ignored', 'ignored', 'ignored', 'ignored', 'ignored']);

    const listed = await s3.send(new ListObjectsV2Command({ Bucket: pipe.bucket, Prefix: 'logsieve/summaries/' }));
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual(['logsieve/summaries/app.log.html', 'logsieve/summaries/app.log.json']);
    const summary = await s3.send(new GetObjectCommand({ Bucket: pipe.bucket, Key: 'logsieve/summaries/app.log.json' }));
    expect(JSON.parse(await summary.Body!.transformToString())).toMatchObject({ counts: { lines: 2_000 } });
  });
});
