import { gzipSync, gunzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ErrorRecord } from '../../functions/src/parse/types.js';
import type { Summary } from '../../functions/src/pipeline/types.js';
import type { NotificationPipe } from '../../dev/local/notificationPipe.js';
import { createNotificationPipe, receiveNotifications } from '../../dev/local/notificationPipe.js';
import {
  albLine, cloudTrailDocument, cloudWatchEventsFirst, deepArray, gzipStrayByteBetweenMembers, gzipThenPlainText, jsonLines,
  textLines, utf16WithBom, zstdHugeWindowFrame, zstdRawFrame, zstdRleBomb,
} from '../helpers/hostileInputs.js';
import type { FaultRow } from './support/faultTable.js';
import type { PipelineRig } from './support/pipelineRig.js';
import { createPipelineRig, OUT } from './support/pipelineRig.js';

// Issue 13, classes 2 to 5: bombs, bad lines, a format chosen once, wrong answers. Every input
// goes through the real handler on its S3 notification, like the rows of badInputs.test.ts.

const MiB = 1024 * 1024;
let rig: PipelineRig;
let pipe: NotificationPipe;

beforeAll(async () => {
  rig = await createPipelineRig();
  pipe = await createNotificationPipe(rig.s3, rig.sqs);
});

interface Run {
  summary: Summary | undefined;
  records: ErrorRecord[];
}

async function run(key: string, body: Uint8Array | string): Promise<Run> {
  await rig.s3.send(new PutObjectCommand({ Bucket: pipe.bucket, Key: key, Body: body }));
  const event = await receiveNotifications(rig.sqs, pipe, 1);
  const response = await rig.runSqs(rig.deps(), event);
  expect(response).toEqual({ batchItemFailures: [] });
  return { summary: await rig.summary(key), records: await recordsOf(key) };
}

async function recordsOf(key: string): Promise<ErrorRecord[]> {
  try {
    const got = await rig.s3.send(new GetObjectCommand({ Bucket: rig.outputBucket, Key: `${OUT}errors/${key}/part-00000.ndjson.gz` }));
    const text = gunzipSync(await got.Body!.transformToByteArray()).toString('utf8');
    return text === '' ? [] : text.trimEnd().split('\n').map((l) => JSON.parse(l) as ErrorRecord);
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return [];
    throw error;
  }
}

function record(task: { meta: { fault?: FaultRow } }, row: FaultRow): void {
  task.meta.fault = row;
}

function seen(s: Summary | undefined, records: number): string {
  if (!s) return 'no summary';
  const c = s.counts;
  const extra = [
    c.parseFailures ? `${c.parseFailures} parse failures` : '',
    c.fallbackLines ? `${c.fallbackLines} fallback lines` : '',
    s.source.encoding ?? '',
  ].filter(Boolean);
  return `${s.status}; ${c.lines} lines, ${records} records${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

describe('hostile input: decompression and structure bombs', () => {
  it('a zstd frame declaring a 1.9 GiB window after a good frame: refused, the first frame kept', async ({ task }) => {
    const body = Buffer.concat([zstdRawFrame(textLines(100, 'ERROR', 'kept')), zstdHugeWindowFrame(textLines(100, 'ERROR', 'refused'))]);
    const { summary, records } = await run('hostile/window.zst', body);
    record(task, { case: 'zstd frame declaring a 1.9 GiB window', expected: 'failed (window named); the 100 records of the frame before it', observed: seen(summary, records.length), lost: 100 - records.length });
    expect(summary?.status).toBe('failed');
    expect(summary?.reason).toMatch(/declares a 1920 MiB window, more than the (32|128) MiB/);
    expect(records).toHaveLength(100);
  });

  it('a zstd RLE bomb (256 MiB of one byte, 64 KiB compressed) then a frame of errors: every record', async ({ task }) => {
    const body = Buffer.concat([zstdRleBomb(256 * MiB, 0x41, true), zstdRawFrame(textLines(100, 'ERROR', 'after'))]);
    const { summary, records } = await run('hostile/rle.zst', body);
    record(task, { case: 'zstd RLE bomb, 256 MiB from 64 KiB', expected: 'complete; 2148 lines, 100 records', observed: seen(summary, records.length), lost: 100 - records.length });
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: 2048 + 100, bytesOut: 256 * MiB + Buffer.byteLength(textLines(100, 'ERROR', 'after')) } });
    expect(records).toHaveLength(100);
  });

  it('gzip of 64 MiB of bare newlines, then errors: counted lines, every record', async ({ task }) => {
    const body = gzipSync(Buffer.concat([Buffer.alloc(64 * MiB, 0x0a), Buffer.from(textLines(50, 'ERROR', 'after'))]));
    const { summary, records } = await run('hostile/newlines.log.gz', body);
    record(task, { case: 'gzip of 64 MiB of bare newlines, then 50 errors', expected: `complete; ${64 * MiB + 50} lines, 50 records`, observed: seen(summary, records.length), lost: 50 - records.length });
    expect(summary).toMatchObject({ status: 'complete', counts: { lines: 64 * MiB + 50, records: 50 } });
    expect(records.map((r) => r.firstLine)).toEqual(Array.from({ length: 50 }, (_, i) => 64 * MiB + i + 1));
  });

  it('CloudTrail with JSON nested 100 000 deep after Records: every record, the deep value counted', async ({ task }) => {
    const body = cloudTrailDocument(1_000, 10, `"deep":${deepArray(100_000)}`);
    const { summary, records } = await run('hostile/CloudTrail/deep.json', body);
    record(task, { case: 'CloudTrail, 100k-deep JSON beside Records', expected: 'complete; 100 records, 1 parse failure', observed: seen(summary, records.length), lost: 100 - records.length });
    expect(summary).toMatchObject({ status: 'complete', source: { format: 'cloudtrail' }, counts: { records: 100, parseFailures: 1 } });
    expect(summary?.counts.firstParseFailure?.reason).toMatch(/nested deeper than 512 levels/);
  });

  it('a CloudWatch Logs envelope, events first: 20 000 non-string messages and a 100k-deep one pile up before the metadata', async ({ task }) => {
    const body = `${cloudWatchEventsFirst(20_000, 200)}${cloudWatchEventsFirst(1, 10, 100_000)}`;
    const { summary, records } = await run('hostile/cwl-events-first', gzipSync(body));
    record(task, { case: 'CloudWatch envelope: 20k invalid events and a 100k-deep one before the metadata', expected: 'complete; 210 records, 20 001 invalid events', observed: seen(summary, records.length), lost: 210 - records.length });
    expect(summary).toMatchObject({
      status: 'complete', source: { format: 'cloudwatch-logs' },
      counts: { records: 210, cloudWatchLogs: { envelopes: 2, logEvents: 210, invalidEvents: 20_001, deepValues: 1 } },
    });
    expect(records.every((r) => r.fields.logGroup === '/g')).toBe(true);
  });
});

describe('hostile input: one bad line does not sink the object', () => {
  it('a 10 000-deep NDJSON error line: kept as text and counted, the rest read', async ({ task }) => {
    const deep = JSON.stringify({ level: 'error', msg: 'deep' }).replace(/}$/, `,"d":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`);
    const body = `${jsonLines(20, 'error', 'before')}${deep}\n${jsonLines(20, 'error', 'after')}`;
    const { summary, records } = await run('hostile/deep.ndjson', body);
    record(task, { case: 'NDJSON error line nested 10 000 deep', expected: 'complete; 41 records, 1 parse failure', observed: seen(summary, records.length), lost: 41 - records.length });
    expect(summary).toMatchObject({ status: 'complete', counts: { records: 41, parseFailures: 1, firstParseFailure: { line: 21 } } });
    expect(summary?.counts.firstParseFailure?.reason).toMatch(/nested deeper than 512/);
  });

  it('a JSON timestamp of 3e17: the record kept with no time, the summary and report written', async ({ task }) => {
    const body = `${jsonLines(10, 'error', 'before')}{"level":"error","msg":"far future","timestamp":3e17}\n${jsonLines(10, 'error', 'after')}`;
    const { summary, records } = await run('hostile/epoch.ndjson', body);
    record(task, { case: 'JSON timestamp 3e17', expected: 'complete; 21 records, one without a time', observed: seen(summary, records.length), lost: 21 - records.length });
    expect(summary).toMatchObject({ status: 'complete', counts: { records: 21 } });
    expect(records.find((r) => r.message === 'far future')?.timestamp).toBeNull();
    expect(await rig.outputsOf('hostile/epoch.ndjson')).toContain(`${OUT}summaries/hostile/epoch.ndjson.html`);
  });
});

describe('hostile input: a format chosen once for the whole object', () => {
  it('30 JSON INFO lines, then 1 000 text ERROR lines: 1 000 records, counted as fallback lines', async ({ task }) => {
    const { summary, records } = await run('hostile/json-then-text.log', `${jsonLines(30, 'info', 'warmup')}${textLines(1_000, 'ERROR', 'text')}`);
    record(task, { case: '30 JSON INFO lines, then 1 000 text ERROR lines', expected: 'complete; 1 000 records, 1 000 fallback lines', observed: seen(summary, records.length), lost: 1_000 - records.length });
    expect(summary).toMatchObject({ status: 'complete', source: { format: 'json' }, counts: { records: 1_000, fallbackLines: 1_000 } });
  });

  it('text first, then JSON errors whose "level" comes after character 160', async ({ task }) => {
    const pad = 'x'.repeat(200);
    const json = Array.from({ length: 500 }, (_, i) => JSON.stringify({ msg: `late level ${i}`, pad, level: 'error' })).join('\n');
    const { summary, records } = await run('hostile/text-then-json.log', `${textLines(50, 'INFO', 'warmup')}${json}\n`);
    record(task, { case: 'text, then JSON errors with "level" after char 160', expected: 'complete; 500 records, 500 fallback lines', observed: seen(summary, records.length), lost: 500 - records.length });
    expect(summary).toMatchObject({ status: 'complete', source: { format: 'text' }, counts: { records: 500, fallbackLines: 500 } });
    expect(records[0]!.message).toBe('late level 0');
  });

  it('a gzip member, one stray byte, then a member of 1 000 errors: both members read, the byte reported', async ({ task }) => {
    const { summary, records } = await run('hostile/stray.log.gz', gzipStrayByteBetweenMembers(10, 1_000));
    record(task, { case: 'gzip member, a stray byte, a member of 1 000 errors', expected: 'failed (1 byte skipped named); 1 010 records', observed: seen(summary, records.length), lost: 1_010 - records.length });
    expect(summary?.status).toBe('failed');
    expect(summary?.reason).toMatch(/^1 compressed bytes from byte \d+ were no gzip member/);
    expect(records).toHaveLength(1_010);
  });

  it('a gzip member followed by plain text: the member whole, the trailing bytes reported', async ({ task }) => {
    const { summary, records } = await run('hostile/gzip-then-text.log.gz', gzipThenPlainText(500, 100));
    record(task, { case: 'gzip member of 500 errors, then plain text', expected: 'failed (trailing bytes named); the member\'s 500 records', observed: seen(summary, records.length), lost: 500 - records.length });
    expect(summary?.status).toBe('failed');
    expect(summary?.reason).toMatch(/were no gzip member/);
    expect(records).toHaveLength(500);
  });

  for (const endian of ['le', 'be'] as const) {
    it(`UTF-16${endian.toUpperCase()} with a BOM: decoded`, async ({ task }) => {
      const { summary, records } = await run(`hostile/utf16${endian}.log`, utf16WithBom(`${textLines(100, 'INFO', 'ok')}${textLines(100, 'ERROR', 'bad')}`, endian));
      record(task, { case: `UTF-16${endian.toUpperCase()} with BOM`, expected: 'complete; 200 lines, 100 records', observed: seen(summary, records.length), lost: 100 - records.length });
      expect(summary).toMatchObject({ status: 'complete', source: { encoding: `utf-16${endian}`, format: 'text' }, counts: { lines: 200, records: 100, invalidUtf8Lines: 0 } });
      expect(records[0]!.raw).toMatch(/^2026-11-26T00:00:00.000Z ERROR \[bad\] event 0 happened$/);
    });
  }
});

describe('hostile input: wrong answers', () => {
  it('a nested "level" before the top-level one does not win', async ({ task }) => {
    const lines: string[] = [];
    for (let i = 0; i < 50; i++) {
      lines.push(JSON.stringify({ ctx: { level: 'info' }, level: 'error', msg: `real error ${i}` }));
      lines.push(JSON.stringify({ ctx: { level: 'error' }, level: 'info', msg: `only info ${i}` }));
    }
    const { summary, records } = await run('hostile/nested-level.ndjson', `${lines.join('\n')}\n`);
    const real = records.filter((r) => r.message.startsWith('real error')).length;
    record(task, { case: 'nested "level" before the top-level one', expected: '50 records, all the top-level errors', observed: `${seen(summary, records.length)}, ${real} of them real errors`, lost: 50 - real });
    expect(records).toHaveLength(50);
    expect(real).toBe(50);
    expect(summary?.counts.levels).toMatchObject({ error: 50, info: 50 });
  });

  it('ALB lines with a missing field count as parse failures instead of shifting fields', async ({ task }) => {
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) lines.push(albLine(i % 4 === 0 ? 502 : 200, i));
    // A missing client field moves the status codes: 200 lines would read as target_status…
    for (let i = 0; i < 20; i++) lines.push(albLine(200, i, 3));
    const { summary, records } = await run('hostile/elasticloadbalancing/alb.log', `${lines.join('\n')}\n`);
    record(task, { case: 'ALB lines with a missing field', expected: '10 records (the real 502s), 20 parse failures', observed: seen(summary, records.length), lost: 10 - records.length });
    expect(summary).toMatchObject({ source: { format: 'alb' }, counts: { records: 10, parseFailures: 20, fallbackLines: 20 } });
    expect(summary?.counts.firstParseFailure).toEqual({ line: 41, reason: 'the line does not fit the alb layout' });
    expect(records.every((r) => r.fields.elbStatusCode === 502)).toBe(true);
  });
});
