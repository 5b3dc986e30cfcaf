import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Summary } from '../../functions/src/pipeline/types.js';
import { ROLLUP_DEFAULTS } from '../../functions/src/rollup/constants.js';
import type { RunReport } from '../../functions/src/rollup/runRollups.js';
import { runRollups } from '../../functions/src/rollup/runRollups.js';
import type { ChangeEventDetail, Rollup } from '../../functions/src/rollup/types.js';
import { createNotificationPipe, receiveNotifications } from '../../dev/local/notificationPipe.js';
import type { NotificationPipe } from '../../dev/local/notificationPipe.js';
import { LOCAL_AWS } from '../../dev/local/localClients.js';
import { localstackClients, uniqueName, useLocalstackEnv } from '../helpers/localstackClients.js';
import { changeEventQueue, hourLog } from '../helpers/rollupFixtures.js';

const { endpoint, s3, sqs } = localstackClients();
const outputBucket = uniqueName('logsieve-rollup-out');
const prefix = 'out/';
const SOURCES = ['alb-web', 'app-orders', 'cloudtrail'] as const;
const HOURS = ['2026-11-26T10', '2026-11-26T11', '2026-11-26T12'] as const;
const COMMON = ['[orders] payment failed for order #: upstream returned 502', '[db] connection reset by peer after # ms'];
const NEW_IN_HOUR_3 = '[billing] ledger mismatch for invoice #';

type ProcessHandler = typeof import('../../functions/handlers/processLog.js').handler;
type RollupHandler = typeof import('../../functions/handlers/writeRollups.js').handler;
let processLog: ProcessHandler;
let writeRollups: RollupHandler;
let pipe: NotificationPipe;
let changes: { queueUrl: string };
const ctx = { awsRequestId: 'rollups', functionName: 'logsieve-test' } as never;

const getText = async (key: string): Promise<string> => (await (await s3.send(new GetObjectCommand({ Bucket: outputBucket, Key: key }))).Body!.transformToString());
const getRollup = async (key: string): Promise<Rollup> => JSON.parse(await getText(`${prefix}rollups/${key}.json`)) as Rollup;
const listKeys = async (p: string): Promise<string[]> => ((await s3.send(new ListObjectsV2Command({ Bucket: outputBucket, Prefix: p }))).Contents ?? []).map((o) => o.Key!);

/** Uploads the objects and runs the real processing handler on their S3 → SQS notifications, 10 a batch. */
async function upload(objects: Array<{ key: string; body: string }>): Promise<Summary[]> {
  for (const o of objects) await s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: o.key, Body: o.body }));
  const event = await receiveNotifications(sqs, pipe, objects.length, 60_000);
  for (let i = 0; i < event.Records.length; i += 10) {
    expect(await processLog({ Records: event.Records.slice(i, i + 10) }, ctx)).toEqual({ batchItemFailures: [] });
  }
  return Promise.all(objects.map(async (o) => JSON.parse(await getText(`${prefix}summaries/${o.key}.json`)) as Summary));
}

const summaries: Summary[] = [];
let first: RunReport;
/** What the handlers printed through console.warn (the SDK's own warnings go there). */
const warnings: string[] = [];

beforeAll(async () => {
  pipe = await createNotificationPipe(s3, sqs);
  await s3.send(new (await import('@aws-sdk/client-s3')).CreateBucketCommand({ Bucket: outputBucket }));
  useLocalstackEnv(endpoint, { LOGSIEVE_OUTPUT_BUCKET: outputBucket, LOGSIEVE_OUTPUT_PREFIX: prefix });
  ({ handler: processLog } = await import('../../functions/handlers/processLog.js'));
  ({ handler: writeRollups } = await import('../../functions/handlers/writeRollups.js'));
  changes = await changeEventQueue(sqs, endpoint);
  // 60 objects: 3 hours × 3 sources, 20 an hour (7, 7, 6), each 5-minute-ish object 4–6 errors.
  const objects: Array<{ key: string; body: string }> = [];
  HOURS.forEach((hour, h) => {
    for (let i = 0; i < 20; i++) {
      const source = SOURCES[i % 3]!;
      const start = `${hour}:${String(i * 3).padStart(2, '0')}:00Z`;
      const templates = h === 2 && i === 7 ? [...COMMON, NEW_IN_HOUR_3] : COMMON;
      objects.push({ key: `${source}/2026/11/26/${hour.slice(11)}/obj-${String(i).padStart(2, '0')}.log`, body: hourLog(start, 4 + (i % 3), templates, h * 100 + i) });
    }
  });
  const warn = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args.map(String).join(' ')));
  try {
    summaries.push(...(await upload(objects)));
    first = await writeRollups();
  } finally {
    warn.mockRestore();
  }
}, 240_000);

const sum = (list: Summary[], pick: (s: Summary) => number): number => list.reduce((n, s) => n + pick(s), 0);
const inHour = (hour: string): Summary[] => summaries.filter((s) => s.time.first!.startsWith(hour));

describe('rollups in S3 (LocalStack, real handlers)', () => {
  it('indexes and marks each summary without a console warning (the SDK warns of a PUT without a content-length)', () => {
    expect(warnings).toEqual([]);
  });

  it('writes hourly rollups whose counts are the sums of their 20 summaries, each listed with key, ETag and status', async () => {
    expect(first.failures).toEqual([]);
    expect(first.hours.map((h) => [h.hour, h.outcome, h.summaries])).toEqual(HOURS.map((h) => [h, 'written', 20]));
    for (const hour of HOURS) {
      const rollup = await getRollup(`hourly/2026/11/26/${hour.slice(11)}`);
      const mine = inHour(hour);
      expect(rollup).toMatchObject({ schema: 'logsieve.rollup/1', period: { kind: 'hour', start: `${hour}:00:00.000Z`, end: expect.any(String) }, scope: '*' });
      expect(rollup.counts.errors).toBe(sum(mine, (s) => s.counts.errors));
      expect(rollup.counts.lines).toBe(sum(mine, (s) => s.counts.lines));
      expect(rollup.counts.bytesIn).toBe(sum(mine, (s) => s.counts.bytesIn));
      expect(rollup.inputs).toHaveLength(20);
      expect(rollup.inputs[0]).toEqual({ key: expect.stringMatching(new RegExp(`^${prefix}summaries/alb-web/`)), etag: expect.stringMatching(/^[0-9a-f]{32}$/), status: 'complete' });
      expect(Object.keys(rollup.bySource)).toEqual([...SOURCES]);
      expect(await getText(`${prefix}rollups/hourly/2026/11/26/${hour.slice(11)}.html`)).toContain('New and rising groups');
    }
    const perSource = await getRollup('sources/app-orders/hourly/2026/11/26/11');
    expect(perSource.scope).toBe('app-orders');
    expect(perSource.counts.errors).toBe(sum(inHour('2026-11-26T11').filter((s) => s.source.key.startsWith('app-orders/')), (s) => s.counts.errors));
  });

  it('writes the daily rollup from the three hourly ones, not from the summaries', async () => {
    const daily = await getRollup('daily/2026/11/26');
    expect(daily.counts.errors).toBe(sum(summaries, (s) => s.counts.errors));
    expect(daily.summaries).toEqual({ complete: 60, failed: 0 });
    expect(daily.inputs.map((i) => i.key)).toEqual(HOURS.map((h) => `${prefix}rollups/hourly/2026/11/26/${h.slice(11)}.json`));
    const group = daily.groups.find((g) => g.template.includes('payment failed'))!;
    expect(group.firstSeen).toMatchObject({ timestamp: '2026-11-26T10:00:00.000Z', key: 'alb-web/2026/11/26/10/obj-00.log' });
    // cloudtrail has 6 of the 20 objects of each hour.
    expect((await getRollup('sources/cloudtrail/daily/2026/11/26')).summaries.complete).toBe(18);
    expect(await listKeys(`${prefix}rollups/dirty/`)).toEqual([]);
  });

  it('flags the group new in hour 3, first, and its event reaches an SQS target of an EventBridge rule', async () => {
    const [h1, h2, h3] = await Promise.all(HOURS.map((h) => getRollup(`hourly/2026/11/26/${h.slice(11)}`)));
    expect(h1!.changes).toEqual([]);
    expect(h1!.baseline).toEqual({ hours: 0, days: 0 });
    expect(h2!.changes).toEqual([]);
    expect(h3!.changes).toEqual([expect.objectContaining({ change: 'new', template: expect.stringContaining('ledger mismatch'), count: 1 })]);
    expect(Object.keys(h3!)[3]).toBe('changes');
    // Each source prefix's changes are its own: the new group came in an app-orders object (the 8th of hour 3).
    const own = await Promise.all(SOURCES.map((s) => getRollup(`sources/${s}/hourly/2026/11/26/12`)));
    expect(own.map((r) => r.changes.map((c) => [c.change, c.template.includes('ledger mismatch')]))).toEqual([[], [['new', true]], []]);
    expect(own.map((r) => r.baseline)).toEqual(SOURCES.map(() => ({ hours: 2, days: 0 })));
    expect(first.events).toBe(1);
    const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: changes.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 5 }));
    expect(res.Messages).toHaveLength(1);
    const event = JSON.parse(res.Messages![0]!.Body!) as { source: string; 'detail-type': string; detail: ChangeEventDetail };
    expect(event.source).toBe('logsieve');
    expect(event['detail-type']).toBe('Error groups changed');
    expect(event.detail).toMatchObject({
      bucket: outputBucket,
      hour: '2026-11-26T12',
      rollupKey: `${prefix}rollups/hourly/2026/11/26/12.json`,
      changes: [expect.objectContaining({ change: 'new', template: expect.stringContaining('ledger mismatch') })],
      links: { report: `s3://${outputBucket}/${prefix}rollups/hourly/2026/11/26/12.html` },
    });
  });

  it('gives the same bytes on a rerun, and puts no event again', async () => {
    const before = await Promise.all([...HOURS.map((h) => `hourly/2026/11/26/${h.slice(11)}`), 'daily/2026/11/26'].map((k) => getText(`${prefix}rollups/${k}.json`)));
    // Every hour marked dirty again, as a redelivery would.
    for (const hour of HOURS) await s3.send(new PutObjectCommand({ Bucket: outputBucket, Key: `${prefix}rollups/dirty/${hour}/rerun.1`, Body: '', ContentLength: 0 }));
    const again = await writeRollups();
    expect(again.hours.map((h) => h.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(again.events).toBe(0);
    const after = await Promise.all([...HOURS.map((h) => `hourly/2026/11/26/${h.slice(11)}`), 'daily/2026/11/26'].map((k) => getText(`${prefix}rollups/${k}.json`)));
    expect(after).toEqual(before);
  });

  it('puts a late summary in the hour of its records and rewrites that hour and its day only', async () => {
    const before12 = await getText(`${prefix}rollups/hourly/2026/11/26/12.json`);
    // Written at 10:59 and processed now (long after 12:00): its records are of hour 10.
    const [late] = await upload([{ key: 'app-orders/2026/11/26/10/late.log', body: hourLog('2026-11-26T10:59:00Z', 3, COMMON, 999) }]);
    summaries.push(late!);
    const report = await writeRollups();
    expect(report.hours.map((h) => [h.hour, h.outcome, h.summaries])).toEqual([['2026-11-26T10', 'written', 21]]);
    const h10 = await getRollup('hourly/2026/11/26/10');
    expect(h10.counts.errors).toBe(sum(inHour('2026-11-26T10'), (s) => s.counts.errors));
    expect(h10.inputs.map((i) => i.key)).toContain(`${prefix}summaries/app-orders/2026/11/26/10/late.log.json`);
    expect((await getRollup('daily/2026/11/26')).counts.errors).toBe(sum(summaries, (s) => s.counts.errors));
    expect(await getText(`${prefix}rollups/hourly/2026/11/26/12.json`)).toBe(before12);
  });

  it('loses nothing to a concurrent writer: the writer whose listing is stale fails its conditional write and rebuilds', async () => {
    await upload([{ key: 'alb-web/2026/11/26/11/x.log', body: hourLog('2026-11-26T11:30:00Z', 2, COMMON, 501) }]);
    const deps = { bucket: outputBucket, outputPrefix: prefix, settings: ROLLUP_DEFAULTS };
    // Writer A pauses just before its PUT of hour 11; meanwhile object Y is processed and writer B runs to the end.
    const slow = new S3Client({ endpoint, region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials, forcePathStyle: true });
    let paused = false;
    let bReport: RunReport | undefined;
    slow.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string };
        if (!paused && context.commandName === 'PutObjectCommand' && input.Key === `${prefix}rollups/hourly/2026/11/26/11.json`) {
          paused = true;
          summaries.push(...(await upload([{ key: 'cloudtrail/2026/11/26/11/y.log', body: hourLog('2026-11-26T11:40:00Z', 3, COMMON, 502) }])));
          bReport = await runRollups({ s3, ...deps });
        }
        return next(args);
      },
      { step: 'initialize', name: 'pauseBeforeHourPut' },
    );
    summaries.push(JSON.parse(await getText(`${prefix}summaries/alb-web/2026/11/26/11/x.log.json`)) as Summary);
    const aReport = await runRollups({ s3: slow, ...deps });
    expect(paused).toBe(true);
    expect(bReport!.hours).toEqual([expect.objectContaining({ hour: '2026-11-26T11', outcome: 'written', summaries: 22 })]);
    expect(aReport.hours).toEqual([expect.objectContaining({ hour: '2026-11-26T11', outcome: 'unchanged', attempts: 2, summaries: 22 })]);
    const h11 = await getRollup('hourly/2026/11/26/11');
    expect(h11.inputs).toHaveLength(22);
    expect(h11.counts.errors).toBe(sum(inHour('2026-11-26T11'), (s) => s.counts.errors));
    expect(await listKeys(`${prefix}rollups/dirty/`)).toEqual([]);

    // And two writers started together, after three more objects: both finish, the hour has all of them.
    summaries.push(...(await upload([0, 1, 2].map((i) => ({ key: `app-orders/2026/11/26/12/z${i}.log`, body: hourLog(`2026-11-26T12:5${i}:00Z`, 2, COMMON, 600 + i) })))));
    const both = await Promise.all([runRollups({ s3, ...deps }), runRollups({ s3: new S3Client({ endpoint, region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials, forcePathStyle: true }), ...deps })]);
    expect(both.flatMap((r) => r.failures)).toEqual([]);
    const h12 = await getRollup('hourly/2026/11/26/12');
    expect(h12.inputs).toHaveLength(23);
    expect(h12.counts.errors).toBe(sum(inHour('2026-11-26T12'), (s) => s.counts.errors));
    expect((await getRollup('daily/2026/11/26')).counts.errors).toBe(sum(summaries, (s) => s.counts.errors));
  }, 120_000);

  it("finds the next hours' changes again when an earlier hour is rewritten: a group's late first object un-flags it as new", async () => {
    const SHARD = '[search] index shard # unavailable';
    await upload([{ key: 'alb-web/2026/11/26/12/shard.log', body: hourLog('2026-11-26T12:58:00Z', 2, [SHARD], 700) }]);
    expect((await writeRollups()).hours.map((h) => h.hour)).toEqual(['2026-11-26T12']);
    const isShard = (c: { template: string }): boolean => c.template.includes('index shard');
    expect((await getRollup('hourly/2026/11/26/12')).changes.filter(isShard)).toEqual([expect.objectContaining({ change: 'new' })]);
    expect((await getRollup('sources/alb-web/hourly/2026/11/26/12')).changes.filter(isShard)).toHaveLength(1);

    // Its first occurrence arrives late, in an object of hour 11: hour 11 is rewritten, and hour 12 found again.
    await upload([{ key: 'alb-web/2026/11/26/11/shard-early.log', body: hourLog('2026-11-26T11:20:00Z', 2, [SHARD], 701) }]);
    const report = await writeRollups();
    expect(report.hours.map((h) => [h.hour, h.outcome])).toEqual([['2026-11-26T11', 'written']]);
    expect(report.failures).toEqual([]);
    expect(report.refreshed).toEqual(expect.arrayContaining([
      { hour: '2026-11-26T12', scope: '*', outcome: 'written' },
      { hour: '2026-11-26T12', scope: 'alb-web', outcome: 'written' },
      { hour: '2026-11-26T12', scope: 'app-orders', outcome: 'unchanged' },
    ]));
    const h12 = await getRollup('hourly/2026/11/26/12');
    expect(h12.changes.filter(isShard)).toEqual([]);
    expect(h12.changes).toEqual([expect.objectContaining({ change: 'new', template: expect.stringContaining('ledger mismatch') })]);
    expect((await getRollup('sources/alb-web/hourly/2026/11/26/12')).changes.filter(isShard)).toEqual([]);
    expect((await getRollup('hourly/2026/11/26/11')).changes.filter(isShard)).toEqual([expect.objectContaining({ change: 'new' })]);
    // The day's changes follow: the group once, from hour 11.
    const daily = await getRollup('daily/2026/11/26');
    expect(daily.changes.filter(isShard)).toEqual([expect.objectContaining({ firstSeen: expect.objectContaining({ key: 'alb-web/2026/11/26/11/shard-early.log' }) })]);
  }, 120_000);
});
