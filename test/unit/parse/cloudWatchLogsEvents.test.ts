import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloudWatchLogsEvents } from '../../../functions/src/parse/cloudWatchLogsEvents.js';
import type { CloudWatchLogsOptions } from '../../../functions/src/parse/cloudWatchLogsEvents.js';
import { createCloudWatchLogsStats } from '../../../functions/src/parse/createCloudWatchLogsStats.js';
import { createParseStats } from '../../../functions/src/parse/createParseStats.js';
import { ErrorGroups } from '../../../functions/src/parse/ErrorGroups.js';
import { CloudWatchLogsParseError, ParseOptionsError } from '../../../functions/src/parse/errors.js';
import { parseRules } from '../../../functions/src/parse/parseRules.js';
import { records } from '../../../functions/src/parse/records.js';
import type { CloudWatchLogsStats, ErrorRecord, ParseStats } from '../../../functions/src/parse/types.js';
import { createLineStats } from '../../../functions/src/stream/createLineStats.js';
import { decompress } from '../../../functions/src/stream/decompress.js';
import { StreamOptionError } from '../../../functions/src/stream/errors.js';
import type { Line, LineStats } from '../../../functions/src/stream/types.js';
import {
  cloudWatchLogsEnvelope, controlMessage, ENVELOPE_START_MS, eventId, lambdaTextLine,
} from '../../helpers/cloudWatchLogsEnvelope.js';
import { bytesOf, collect, fromChunks, splitAt, trackedSource } from '../../helpers/streams.js';

const source = { bucket: 'logs', key: 'firehose/2026/11/26/12/orders-1-2026-11-26-12-00-00-abc' };
const REQ = '7f6a9c1e-0b1d-4e8e-9a51-2d3c4b5a6f70';
const at = (s: number): number => ENVELOPE_START_MS + s * 1000;

/** Two Lambda envelopes with one ERROR each (the second a Node stack trace), and the start/end lines. */
function lambdaEnvelopes(): Record<string, unknown>[] {
  return [
    cloudWatchLogsEnvelope([
      `START RequestId: ${REQ} Version: $LATEST\n`,
      lambdaTextLine(at(0), REQ, 'INFO', 'order 1001 received'),
      lambdaTextLine(at(1), REQ, 'ERROR', 'payment failed for order 1001: upstream returned 502'),
      `END RequestId: ${REQ}\n`,
    ]),
    cloudWatchLogsEnvelope([
      lambdaTextLine(at(2), REQ, 'WARN', 'retrying order 1002'),
      lambdaTextLine(at(3), REQ, 'ERROR', 'Error: boom é€😀\n    at Runtime.handler (/var/task/index.mjs:12:11)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)'),
      `REPORT RequestId: ${REQ}\tDuration: 12.3 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t\n`,
    ], { logStream: '2026/11/26/[$LATEST]second', startMs: at(2), firstId: 10 }),
  ];
}

function concatenated(envelopes: readonly Record<string, unknown>[], separator = '', indent?: number): Buffer {
  return Buffer.from(envelopes.map((e) => JSON.stringify(e, null, indent)).join(separator));
}

interface Run {
  records: ErrorRecord[];
  stats: ParseStats;
  lineStats: LineStats;
  envelopeStats: CloudWatchLogsStats;
}

/** The route analyzeBytes takes: envelopes → lines → records. */
async function run(
  input: AsyncIterable<Uint8Array> | readonly (string | Uint8Array)[],
  options: { rules?: unknown; lines?: Omit<CloudWatchLogsOptions, 'stats' | 'envelopeStats'> } = {},
): Promise<Run> {
  const stats = createParseStats();
  const lineStats = createLineStats();
  const envelopeStats = createCloudWatchLogsStats();
  const bytes = Symbol.asyncIterator in input ? input : fromChunks(input);
  const lines = cloudWatchLogsEvents(bytes, { source, ...options.lines, stats: lineStats, envelopeStats });
  const found = await collect(records(lines, { source, rules: parseRules(options.rules ?? {}), stats, groups: new ErrorGroups() }));
  return { records: found.flat(), stats, lineStats, envelopeStats };
}

async function linesOf(input: readonly (string | Uint8Array)[], options: CloudWatchLogsOptions = {}): Promise<Line[]> {
  return (await collect(cloudWatchLogsEvents(fromChunks(input), options))).flat();
}

describe('cloudWatchLogsEvents', () => {
  it('unpacks concatenated envelopes into Lambda lines and their error records, with the envelope context', async () => {
    const bytes = concatenated(lambdaEnvelopes());
    const { records: found, stats, lineStats, envelopeStats } = await run([bytes]);
    expect(envelopeStats).toEqual({ envelopes: 2, controlMessages: 0, logEvents: 7, invalidEvents: 0, deepValues: 0 });
    expect(stats.format).toBe('text');
    expect(lineStats.lines).toBe(9); // 7 messages, one of them 3 lines
    expect(found).toHaveLength(2);
    expect(found[0]).toMatchObject({
      level: 'error', class: 'level', format: 'text', firstLine: 3, lastLine: 3,
      timestamp: new Date(at(1)).toISOString(),
      message: expect.stringContaining('payment failed for order 1001'),
      fields: { logGroup: '/aws/lambda/orders', logStream: '2026/11/26/[$LATEST]0123456789abcdef0123456789abcdef', owner: '123456789012', logEventId: eventId(2) },
    });
    // byteOffset is where the log event's `{` is.
    for (const r of found) expect(bytes[r.byteOffset]).toBe('{'.charCodeAt(0));
    expect(JSON.parse(bytes.subarray(found[0]!.byteOffset).toString().split('}')[0]! + '}')).toMatchObject({ id: eventId(2) });
  });

  it('keeps a stack trace logged as one event in one record', async () => {
    const { records: found, stats } = await run([concatenated(lambdaEnvelopes())]);
    const trace = found[1]!;
    expect(trace).toMatchObject({ firstLine: 6, lastLine: 8, level: 'error', fields: { logStream: '2026/11/26/[$LATEST]second', logEventId: eventId(11) } });
    expect(trace.raw.split('\n')).toEqual([
      `${new Date(at(3)).toISOString()}\t${REQ}\tERROR\tError: boom é€😀`,
      '    at Runtime.handler (/var/task/index.mjs:12:11)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    ]);
    expect(stats.events).toBe(7);
  });

  it('joins a Python traceback in one message, and takes the event time when the text has none', async () => {
    const message = "[ERROR] KeyError: 'action'\nTraceback (most recent call last):\n  File \"/var/task/app.py\", line 36, in handler\n    result = ACTIONS[event['action']]\n";
    const env = cloudWatchLogsEnvelope([`START RequestId: ${REQ} Version: $LATEST`, message], { logGroup: '/aws/lambda/py' });
    const { records: found } = await run([JSON.stringify(env)]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ firstLine: 2, lastLine: 5, timestamp: new Date(at(1)).toISOString(), fields: { logGroup: '/aws/lambda/py' } });
  });

  it('joins a stack trace that a runtime sent one line per log event, as in a plain log', async () => {
    const env = cloudWatchLogsEnvelope([
      '2026-11-26 12:00:00 ERROR Handler - charge failed\n',
      'java.lang.IllegalStateException: card declined\n',
      '\tat com.example.Pay.charge(Pay.java:41)\n',
      '\tat com.example.Handler.handleRequest(Handler.java:12)\n',
      '2026-11-26 12:00:01 INFO Handler - done\n',
    ], { logGroup: '/aws/lambda/java' });
    const { records: found, stats } = await run([JSON.stringify(env)]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ firstLine: 1, lastLine: 4, fields: { logEventId: eventId(0) } });
    expect(stats.events).toBe(2);
  });

  it('reads newline-separated (LF and CRLF) and pretty-printed envelopes like concatenated ones', async () => {
    const envelopes = lambdaEnvelopes();
    const strip = (rs: ErrorRecord[]): unknown[] => rs.map(({ byteOffset: _, ...r }) => r);
    const expected = strip((await run([concatenated(envelopes)])).records);
    expect(expected).toHaveLength(2);
    expect(strip((await run([concatenated(envelopes, '\n') + '\n'])).records)).toEqual(expected);
    expect(strip((await run([concatenated(envelopes, '\r\n')])).records)).toEqual(expected);
    const pretty = concatenated(envelopes, '\n', 4);
    const { records: found } = await run([pretty]);
    expect(strip(found)).toEqual(expected);
    for (const r of found) expect(pretty[r.byteOffset]).toBe('{'.charCodeAt(0));
  });

  it('reads an envelope whose logEvents come before its metadata (any key order)', async () => {
    const env = cloudWatchLogsEnvelope([lambdaTextLine(at(0), REQ, 'ERROR', 'boom')], { keyOrder: 'events-first', logGroup: '/aws/lambda/late' });
    const { records: found } = await run([JSON.stringify(env, null, 2)]);
    expect(found).toHaveLength(1);
    expect(found[0]!.fields).toMatchObject({ logGroup: '/aws/lambda/late', logEventId: eventId(0) });
  });

  it('skips CONTROL_MESSAGE envelopes and counts them, whatever their key order', async () => {
    const late = cloudWatchLogsEnvelope(['CWL CONTROL MESSAGE: ERROR checking health'], { messageType: 'CONTROL_MESSAGE', keyOrder: 'events-first' });
    const [first, second] = lambdaEnvelopes();
    const { records: found, envelopeStats, lineStats } = await run([concatenated([controlMessage(), first!, late, second!])]);
    expect(envelopeStats).toEqual({ envelopes: 4, controlMessages: 2, logEvents: 7, invalidEvents: 0, deepValues: 0 });
    expect(lineStats.lines).toBe(9);
    expect(found.map((r) => r.message)).not.toContainEqual(expect.stringContaining('CONTROL'));
    expect(found).toHaveLength(2);
  });

  it('gives the same lines and records whatever the chunking', async () => {
    const odd = cloudWatchLogsEnvelope([
      lambdaTextLine(at(5), REQ, 'ERROR', 'Ünïcödé failure\r\n    at handler (/var/task/ä.mjs:1:1)\r\n'),
      `  indented first line of a message\r\n`,
    ], { keyOrder: 'events-first', logGroup: '/aws/lambda/ödd' });
    const bytes = concatenated([controlMessage(), ...lambdaEnvelopes(), odd], '\r\n', 1);
    const expected = await run([bytes]);
    const expectedLines = await linesOf([bytes]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), async (cuts) => {
        const chunks = splitAt(bytes, cuts);
        expect(await linesOf(chunks)).toEqual(expectedLines);
        const got = await run(chunks);
        expect(got.records).toEqual(expected.records);
        expect(got.envelopeStats).toEqual(expected.envelopeStats);
      }),
      { numRuns: 60 },
    );
    // Every single boundary, including inside the multi-byte characters of the stack trace.
    for (let cut = 1; cut < bytes.length; cut++) expect((await run(splitAt(bytes, [cut]))).records).toEqual(expected.records);
  });

  it('reads multi-member gzip as Firehose writes it', async () => {
    const envelopes = lambdaEnvelopes();
    const members = Buffer.concat(envelopes.map((e) => gzipSync(JSON.stringify(e))));
    const expected = (await run([concatenated(envelopes)])).records;
    const { records: found, envelopeStats } = await run(decompress(fromChunks(splitAt(members, [7, 100]))));
    expect(envelopeStats.envelopes).toBe(2);
    expect(found).toEqual(expected);
  });

  it('classifies JSON-structured messages as json, with the envelope time and context', async () => {
    const env = cloudWatchLogsEnvelope([
      JSON.stringify({ level: 'info', message: 'order accepted', orderId: 1 }),
      JSON.stringify({ level: 'error', message: 'payment declined', orderId: 2, errorType: 'CardError' }),
      JSON.stringify({ timestamp: '2026-11-26T12:00:02.500Z', level: 'ERROR', message: 'stock unavailable', requestId: REQ }),
    ]);
    const { records: found, stats } = await run([JSON.stringify(env)]);
    expect(stats.format).toBe('json');
    expect(found.map((r) => [r.message, r.timestamp])).toEqual([
      ['CardError: payment declined', new Date(at(1)).toISOString()],
      ['stock unavailable', '2026-11-26T12:00:02.500Z'],
    ]);
    expect(found[0]!.fields).toMatchObject({ errorType: 'CardError', logGroup: '/aws/lambda/orders', logEventId: eventId(1) });
  });

  it('detects VPC flow logs sent through CloudWatch Logs: REJECTs counted, records when the rules opt in', async () => {
    const start = Math.floor(ENVELOPE_START_MS / 1000);
    const flows = Array.from({ length: 30 }, (_, i) =>
      `2 123456789012 eni-0a1b2c3d4e5f67890 10.0.1.${i} 10.0.2.7 ${40000 + i} 443 6 10 840 ${start + i} ${start + i + 60} ${i % 10 === 0 ? 'REJECT' : 'ACCEPT'} OK`);
    const env = JSON.stringify(cloudWatchLogsEnvelope(flows, { logGroup: 'vpc-flow-logs', logStream: 'eni-0a1b2c3d4e5f67890-all' }));
    const counted = await run([env]);
    expect(counted.stats.format).toBe('vpc-flow');
    expect(counted.stats.classes['vpc-reject']).toBe(3);
    expect(counted.records).toHaveLength(0);
    const reported = await run([env], { rules: { errorClasses: ['vpc-reject'] } });
    expect(reported.records).toHaveLength(3);
    expect(reported.records[0]).toMatchObject({ class: 'vpc-reject', format: 'vpc-flow', fields: { logGroup: 'vpc-flow-logs', logEventId: eventId(0) } });
  });

  it('cuts a message longer than maxLineBytes and counts it, or skips it', async () => {
    const long = `ERROR ${'x'.repeat(5000)}\n    at frame (a.js:1:1)`;
    const env = JSON.stringify(cloudWatchLogsEnvelope([long, 'ERROR short']));
    const cut = await run([env], { lines: { maxLineBytes: 1024 } });
    expect(cut.lineStats).toMatchObject({ truncatedLines: 1, skippedLines: 0, lines: 2 });
    expect(cut.records).toHaveLength(2);
    expect(cut.records[0]).toMatchObject({ truncated: true, lastLine: 1 });
    const lines = await linesOf([env], { maxLineBytes: 1024 });
    expect(lines[0]).toMatchObject({ truncated: true, bytes: 5006 });
    expect(Buffer.byteLength(lines[0]!.text)).toBe(1024);
    const skipped = await run([env], { lines: { maxLineBytes: 1024, longLines: 'skip' } });
    expect(skipped.lineStats).toMatchObject({ truncatedLines: 0, skippedLines: 1, lines: 1 });
    expect(skipped.records.map((r) => r.message)).toEqual(['short']);
  });

  it('counts log events that are not objects with a string message, and skips them', async () => {
    const env = cloudWatchLogsEnvelope([{ message: 42 }, { message: null }, 'ERROR real one']);
    (env.logEvents as unknown[]).push('not an event');
    const { records: found, envelopeStats } = await run([JSON.stringify(env)]);
    expect(envelopeStats).toMatchObject({ logEvents: 1, invalidEvents: 3, deepValues: 0 });
    expect(found).toHaveLength(1);
  });

  it('throws CloudWatchLogsParseError with the offset of the damage, after the lines before it', async () => {
    const good = concatenated(lambdaEnvelopes());
    const bad = '{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","timestamp":1,"message":"ERROR lost" "x"}]}';
    const seen: Line[] = [];
    const error = await (async () => {
      try {
        for await (const batch of cloudWatchLogsEvents(fromChunks([good, bad]), { source })) seen.push(...batch);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CloudWatchLogsParseError);
    const e = error as CloudWatchLogsParseError;
    expect(e).toMatchObject({ envelope: 3, key: source.key, bucket: source.bucket, byteOffset: good.length + bad.indexOf('"x"') });
    expect(e.message).toMatch(/invalid JSON .*near byte \d+, envelope 3/);
    expect(seen).toHaveLength(9);

    // Through records: the records before the damage come out, then the error.
    const out: ErrorRecord[] = [];
    await expect((async () => {
      for await (const batch of records(cloudWatchLogsEvents(fromChunks([good, bad])), { source })) out.push(...batch);
    })()).rejects.toThrow(CloudWatchLogsParseError);
    expect(out).toHaveLength(2);
  });

  it('throws for a cut envelope, a value that is not an envelope, and an object without envelope keys', async () => {
    const whole = JSON.stringify(lambdaEnvelopes()[0]);
    await expect(linesOf([whole.slice(0, -20)])).rejects.toThrow(/truncated or invalid CloudWatch Logs envelope/);
    await expect(linesOf([whole, '[1,2]'])).rejects.toMatchObject({ name: 'CloudWatchLogsParseError', byteOffset: whole.length, envelope: 1 });
    await expect(linesOf([whole, '\n{"level":"error","msg":"x"}'])).rejects.toThrow(/no "messageType" or "logEvents"/);
    await expect(linesOf(['{"messageType":"DATA_MESSAGE","logEvents":[}'])).rejects.toThrow(CloudWatchLogsParseError);
  });

  it('treats invalid UTF-8 inside an envelope as invalid JSON (CloudWatch Logs only writes UTF-8)', async () => {
    const good = concatenated(lambdaEnvelopes());
    const head = Buffer.from('{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","timestamp":1,"message":"ERROR a');
    for (const bad of [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80]]) {
      const bytes = Buffer.concat([good, head, Buffer.from(bad), Buffer.from(' b"}]}')]);
      const seen: Line[] = [];
      const error = await (async () => {
        try {
          for await (const batch of cloudWatchLogsEvents(fromChunks([bytes]))) seen.push(...batch);
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(CloudWatchLogsParseError);
      expect(error).toMatchObject({ envelope: 3 });
      expect((error as CloudWatchLogsParseError).byteOffset).toBeGreaterThanOrEqual(good.length);
      expect((error as CloudWatchLogsParseError).byteOffset).toBeLessThanOrEqual(bytes.length);
      expect(seen).toHaveLength(9);
    }
  });

  it('reads nothing from empty or blank input', async () => {
    expect(await linesOf([])).toEqual([]);
    expect(await linesOf([' \n\r\n'])).toEqual([]);
  });

  it('yields its first batch once it holds 20 lines (what records detects the format from), then one per chunk', async () => {
    const bytes = concatenated(lambdaEnvelopes()); // 9 lines
    const batches = await collect(cloudWatchLogsEvents(fromChunks([bytes, bytes, bytes, bytes])));
    expect(batches.map((b) => b.length)).toEqual([27, 9]);
    expect(batches.flat().map((l) => l.number)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
  });

  it('returns the source iterator when the consumer breaks early', async () => {
    const bytes = concatenated(lambdaEnvelopes());
    const chunks = Array.from({ length: 6 }, () => bytes);
    const { source: tracked, probe } = trackedSource(chunks);
    for await (const batch of cloudWatchLogsEvents(tracked)) {
      expect(batch.length).toBeGreaterThanOrEqual(20);
      break;
    }
    expect(probe).toMatchObject({ returned: true, exhausted: false, pulled: 3 });
  });

  it('hands out the lines it holds, then passes a source error on unchanged', async () => {
    const boom = new Error('socket hang up');
    const { source: failing } = trackedSource([concatenated(lambdaEnvelopes())], { failAt: 1, error: boom });
    const seen: Line[] = [];
    await expect((async () => {
      for await (const batch of cloudWatchLogsEvents(failing)) seen.push(...batch);
    })()).rejects.toBe(boom);
    expect(seen).toHaveLength(9);
  });

  it('stops with the signal', async () => {
    const controller = new AbortController();
    const bytes = concatenated(lambdaEnvelopes());
    const iterator = cloudWatchLogsEvents(fromChunks([bytes, bytes, bytes, bytes, bytes]), { signal: controller.signal });
    expect((await iterator.next()).done).toBe(false);
    controller.abort(new Error('deadline'));
    await expect(iterator.next()).rejects.toThrow('deadline');
  });

  it('validates its options up front, naming the option', async () => {
    const none = fromChunks([bytesOf('')]);
    await expect(collect(cloudWatchLogsEvents(none, { maxLineBytes: 0 }))).rejects.toThrow(StreamOptionError);
    await expect(collect(cloudWatchLogsEvents(none, { envelopeStats: {} as CloudWatchLogsStats }))).rejects.toThrow(ParseOptionsError);
    await expect(collect(cloudWatchLogsEvents(none, { source: 'x' as never }))).rejects.toThrow(/options\.source/);
  });
});
