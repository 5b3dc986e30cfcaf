import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseRules } from '../../../functions/src/parse/parseRules.js';
import type { ErrorRecord } from '../../../functions/src/parse/types.js';
import type { Analysis, AnalyzeOptions } from '../../../functions/src/pipeline/analyzeBytes.js';
import { analyzeBytes } from '../../../functions/src/pipeline/analyzeBytes.js';
import { buildSummary } from '../../../functions/src/pipeline/buildSummary.js';
import type { Summary } from '../../../functions/src/pipeline/types.js';
import { cloudWatchLogsEnvelope, controlMessage, lambdaTextLine } from '../../helpers/cloudWatchLogsEnvelope.js';
import { fromChunks, splitAt } from '../../helpers/streams.js';

const source = { bucket: 'logs', key: 'firehose/2026/11/26/12/stream-1' };
const config: AnalyzeOptions['config'] = { rules: parseRules({}), maxLineBytes: 1024 * 1024, longLines: 'truncate' };

async function analyze(bytes: Uint8Array): Promise<{ analysis: Analysis; written: ErrorRecord[]; summary: Summary }> {
  const written: ErrorRecord[] = [];
  const analysis = await analyzeBytes(fromChunks(splitAt(bytes, [100, 4096])), {
    source,
    config,
    writeRecords: async (found) => {
      for await (const batch of found) written.push(...batch);
      return written.length > 0 ? { key: 'errors/part-00000.ndjson.gz', records: written.length, bytes: 0, storedBytes: 0 } : undefined;
    },
  });
  const summary = buildSummary({
    ...analysis,
    ref: source,
    identity: {},
    size: bytes.length,
    topGroups: 5,
    keys: { summary: 's.json', report: 's.html' },
    startedAt: new Date(),
    resumes: 0,
  });
  return { analysis, written, summary };
}

/** `n` envelopes of one Lambda invocation each: START, an INFO, an ERROR, END. */
function envelopes(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const req = `req-${i}`;
    const ms = Date.UTC(2026, 10, 26, 12, i);
    return JSON.stringify(cloudWatchLogsEnvelope([
      `START RequestId: ${req} Version: $LATEST\n`,
      lambdaTextLine(ms, req, 'INFO', `order ${i} received`),
      lambdaTextLine(ms + 5, req, 'ERROR', `payment failed for order ${i}`),
      `END RequestId: ${req}\n`,
    ], { startMs: ms, firstId: i * 10, logStream: `2026/11/26/[$LATEST]s${i % 2}` }));
  });
}

describe('analyzeBytes', () => {
  it('routes CloudWatch Logs envelopes: records from the messages, envelope and message formats in the summary', async () => {
    const { analysis, written, summary } = await analyze(gzipSync(JSON.stringify(controlMessage()) + envelopes(30).join('')));
    expect(written).toHaveLength(30);
    expect(written.every((r) => r.format === 'text' && r.fields.logGroup === '/aws/lambda/orders')).toBe(true);
    expect(analysis.cloudWatchLogs).toEqual({ envelopes: 31, controlMessages: 1, logEvents: 120, invalidEvents: 0, deepValues: 0 });
    expect(summary).toMatchObject({
      status: 'complete',
      source: { format: 'cloudwatch-logs', messageFormat: 'text', compression: 'gzip' },
      counts: { lines: 120, events: 120, records: 30, errors: 30, cloudWatchLogs: { envelopes: 31, controlMessages: 1, logEvents: 120, invalidEvents: 0, deepValues: 0 } },
      time: { first: '2026-11-26T12:00:00.005Z', last: '2026-11-26T12:29:00.005Z' },
    });
  });

  it('fails the summary with the reason at a damaged envelope, and still writes the records before it', async () => {
    const good = envelopes(25).join('\n');
    const { written, summary } = await analyze(Buffer.from(`${good}\n{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1",,}]}\n${envelopes(3).join('')}`));
    expect(summary.status).toBe('failed');
    expect(summary.reason).toMatch(/^invalid JSON \(firehose\/2026\/11\/26\/12\/stream-1 near byte \d+, envelope 26\)$/);
    expect(Number(/near byte (\d+)/.exec(summary.reason!)![1])).toBeGreaterThan(good.length);
    expect(written).toHaveLength(25);
    expect(summary.counts.records).toBe(25);
  });

  it('fails the summary at a cut gzip stream, and still writes the records read before the cut', async () => {
    // Large enough for gunzip to hand out whole 1 MiB chunks before the cut.
    const gz = gzipSync(envelopes(6_000).join(''));
    const { written, summary } = await analyze(gz.subarray(0, Math.floor(gz.length * 0.6)));
    expect(summary.status).toBe('failed');
    expect(summary.reason).toMatch(/gzip/i);
    expect(written.length).toBeGreaterThan(1_000);
    expect(written.length).toBeLessThan(6_000);
    expect(summary.counts.records).toBe(written.length);
  });

  it('still writes the records of a cut gzip stream that ends inside the 64 KiB the format is sniffed from', async () => {
    // Cut where less than 64 KiB decompresses (every byte before the cut is decoded).
    const gz = gzipSync(envelopes(400).join(''));
    const { written, summary } = await analyze(gz.subarray(0, Math.floor(gz.length * 0.18)));
    expect(summary.status).toBe('failed');
    expect(summary.reason).toMatch(/gzip/i);
    expect(summary.counts.bytesOut).toBeLessThan(64 * 1024);
    expect(summary.source).toMatchObject({ format: 'cloudwatch-logs', messageFormat: 'text' });
    expect(written.length).toBeGreaterThan(50);
    expect(summary.counts.records).toBe(written.length);
  });

  it('leaves plain line logs as they were: no messageFormat, no cloudWatchLogs counts', async () => {
    const { analysis, summary } = await analyze(Buffer.from(lambdaTextLine(0, 'r', 'ERROR', 'boom').repeat(3)));
    expect(analysis.cloudWatchLogs).toBeUndefined();
    expect(summary.source.format).toBe('text');
    expect(summary.source).not.toHaveProperty('messageFormat');
    expect(summary.counts).not.toHaveProperty('cloudWatchLogs');
  });
});
