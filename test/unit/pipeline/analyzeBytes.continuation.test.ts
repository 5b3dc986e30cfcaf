import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { parseRules } from '../../../functions/src/parse/parseRules.js';
import { CHECKPOINT_VERSION, parseCheckpoint } from '../../../functions/src/pipeline/checkpoint.js';
import { CheckpointError } from '../../../functions/src/pipeline/errors.js';
import { cloudWatchLogsEnvelope } from '../../helpers/cloudWatchLogsEnvelope.js';
import { zstdRawFrame } from '../../helpers/hostileInputs.js';
import { analyzeChain, analyzeOnce, comparableSummary } from '../../helpers/resumeChain.js';
import { sampleLog } from '../../helpers/sampleLog.js';

const TRACE_FRAMES = 500;
/** An ERROR with a 500-line stack trace between plain lines: a stop inside the trace must not cut it. */
const TRACE_LOG = Buffer.from(
  [
    '2026-11-26T12:00:00.000Z INFO  [app] starting',
    '2026-11-26T12:00:01.000Z ERROR [worker] job 7 crashed: java.lang.IllegalStateException: boom',
    ...Array.from({ length: TRACE_FRAMES }, (_, i) => `    at com.example.Step${i}.run(Step${i}.java:${i + 1})`),
    '2026-11-26T12:00:02.000Z INFO  [app] next',
    '2026-11-26T12:00:03.000Z ERROR [app] after the trace',
    '',
  ].join('\n'),
);

describe('analyzeBytes continuation', () => {
  it('stops after a multi-line event, never inside it: the event is whole in one invocation, the next starts at the next event', async () => {
    const first = await analyzeOnce(TRACE_LOG, { chunk: 256, stopAfter: 1 });
    expect(first.analysis.failure).toBeUndefined();
    expect(first.analysis.stopped).toBe(true);
    // Line 1 is read (one line at least), line 2 starts the trace event: the boundary is before it.
    expect(first.analysis.checkpoint!.position.line).toBe(1);
    const second = await analyzeOnce(TRACE_LOG, { chunk: 256, stopAfter: 1, resume: first.analysis.checkpoint! });
    const position = second.analysis.checkpoint!.position;
    // The trace was read to its end: the boundary is the line after its last frame.
    expect(position.line).toBe(2 + TRACE_FRAMES);
    expect(TRACE_LOG.subarray(position.decompressedOffset).toString().startsWith('2026-11-26T12:00:02.000Z INFO')).toBe(true);
    expect(second.records).toHaveLength(1);
    expect(second.records[0]!.firstLine).toBe(2);
    expect(second.records[0]!.lastLine).toBe(2 + TRACE_FRAMES);

    const single = await analyzeOnce(TRACE_LOG, { chunk: 256 });
    const chain = await analyzeChain(TRACE_LOG, [1], 256);
    expect(chain.invocations).toBeGreaterThanOrEqual(4);
    expect(chain.records).toEqual(single.records);
    expect(comparableSummary(chain.last, TRACE_LOG.length)).toEqual(comparableSummary(single.analysis, TRACE_LOG.length));
  });

  it('restarts plain bytes at the line, multi-member gzip and sized zstd at a member or frame start, single-member gzip at 0 skipping to the line', async () => {
    const text = Buffer.from(sampleLog(4_000, 5).text);
    const halves = [text.subarray(0, 100_000), text.subarray(100_000)];
    const sized = (part: Uint8Array): Buffer => {
      const header = Buffer.alloc(10);
      header.set([0x28, 0xb5, 0x2f, 0xfd, 0x80, 0x68]);
      header.writeUInt32LE(part.byteLength, 6);
      return Buffer.concat([header, zstdRawFrame(part).subarray(6)]);
    };
    const cases = {
      plain: text,
      single: gzipSync(text),
      multi: Buffer.concat(halves.map((h) => gzipSync(h))),
      zstdSized: Buffer.concat(halves.map(sized)),
      zstdUnsized: Buffer.concat(halves.map((h) => zstdRawFrame(h))),
    };
    const positionAt = async (bytes: Uint8Array) => {
      const stopAfter = Math.floor(bytes.length * 0.75);
      const pass = await analyzeOnce(bytes, { chunk: 4_096, stopAfter });
      return pass.analysis.checkpoint!.position;
    };
    const plain = await positionAt(cases.plain);
    expect(plain).toMatchObject({ compression: 'none', compressedOffset: plain.decompressedOffset, skipBytes: 0 });
    expect(text[plain.decompressedOffset - 1]).toBe(0x0a);

    const single = await positionAt(cases.single);
    expect(single).toMatchObject({ compression: 'gzip', compressedOffset: 0, skipBytes: single.decompressedOffset });

    const multi = await positionAt(cases.multi);
    const secondMember = gzipSync(halves[0]!).length;
    expect(multi.decompressedOffset).toBeGreaterThan(100_000);
    expect(multi).toMatchObject({ compression: 'gzip', compressedOffset: secondMember, skipBytes: multi.decompressedOffset - 100_000 });

    const zstdSized = await positionAt(cases.zstdSized);
    expect(zstdSized).toMatchObject({ compression: 'zstd', compressedOffset: sized(halves[0]!).length, skipBytes: zstdSized.decompressedOffset - 100_000 });

    const zstdUnsized = await positionAt(cases.zstdUnsized);
    expect(zstdUnsized).toMatchObject({ compression: 'zstd', compressedOffset: 0, skipBytes: zstdUnsized.decompressedOffset });
  });

  it('replays the #Fields header into a continued CloudFront read (its field order decides every line)', async () => {
    const lines = ['#Version: 1.0', '#Fields: date time sc-status x-edge-result-type cs-uri-stem x-edge-location'];
    for (let i = 0; i < 400; i++) {
      const status = i % 9 === 0 ? 502 : i % 7 === 0 ? 404 : 200;
      lines.push(['2026-11-26', `12:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`, status, status === 502 ? 'Error' : 'Hit', `/p/${i}`, 'FRA56'].join('\t'));
    }
    const bytes = Buffer.from(`${lines.join('\n')}\n`);
    const single = await analyzeOnce(bytes, { chunk: 1_000 });
    expect(single.analysis.parseStats.format).toBe('cloudfront');
    expect(single.records.length).toBe(45);
    const chain = await analyzeChain(bytes, [2_000, 3_000], 1_000);
    expect(chain.invocations).toBeGreaterThanOrEqual(3);
    expect(chain.records).toEqual(single.records);
    expect(comparableSummary(chain.last, bytes.length)).toEqual(comparableSummary(single.analysis, bytes.length));
  });

  it('keeps the stop of today for inputs it cannot continue, and says why', async () => {
    const cloudTrail = Buffer.from(JSON.stringify({ Records: Array.from({ length: 3_000 }, (_, i) => ({ eventName: 'PutObject', errorCode: i % 5 === 0 ? 'AccessDenied' : undefined, eventTime: '2026-11-26T12:00:00Z' })) }));
    const envelopes = Buffer.from(
      Array.from({ length: 300 }, (_, e) => JSON.stringify(cloudWatchLogsEnvelope(Array.from({ length: 20 }, (_, i) => ({ message: `ERROR envelope ${e} event ${i}` }))))).join('\n'),
    );
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sampleLog(3_000, 5).text, 'utf16le')]);
    for (const [bytes, why] of [[cloudTrail, 'CloudTrail'], [envelopes, 'CloudWatch Logs'], [utf16, 'UTF-16']] as const) {
      const pass = await analyzeOnce(bytes, { chunk: 2_048, stopAfter: Math.floor(bytes.length / 2) });
      expect(pass.analysis.checkpoint).toBeUndefined();
      expect(pass.analysis.stopped).toBe(true);
      expect(pass.analysis.failure).toMatch(/^Reading stopped after/);
      expect(pass.analysis.failure).toContain(`not continued: `);
      expect(pass.analysis.failure).toContain(why);
    }
  });

  it('gives up the boundary search past its bound: an event that never ends stops as without continuation', async () => {
    // One ERROR followed by 20 MiB of continuation lines: no event starts within 16 MiB of the stop.
    const frame = '    at com.example.Forever.run(Forever.java:1)\n';
    const bytes = Buffer.concat([Buffer.from('2026-11-26T12:00:01.000Z ERROR [app] b\n'), Buffer.from(frame.repeat(Math.ceil((20 << 20) / frame.length)))]);
    const pass = await analyzeOnce(bytes, { chunk: 1 << 20, stopAfter: 1 });
    expect(pass.analysis.checkpoint).toBeUndefined();
    expect(pass.analysis.stopped).toBe(true);
    expect(pass.analysis.failure).toContain('no event boundary within 16777216 bytes after the stop');
    // The open event was still written, as at any stop.
    expect(pass.records).toHaveLength(1);
  });

  it('a checkpoint through JSON is small for a log of a few statements, and refused when it is not a v1 checkpoint', async () => {
    const bytes = Buffer.from(sampleLog(20_000, 5).text);
    const pass = await analyzeOnce(bytes, { chunk: 65_536, stopAfter: Math.floor(bytes.length / 2) });
    const json = JSON.stringify(pass.analysis.checkpoint);
    // Groups (a sample each), clusters and the grouping cache; not the records, not the lines.
    expect(Buffer.byteLength(json)).toBeLessThan(64 * 1024);
    expect(parseCheckpoint(JSON.parse(json)).version).toBe(CHECKPOINT_VERSION);
    expect(() => parseCheckpoint({ ...JSON.parse(json), version: 2 })).toThrow(CheckpointError);
    expect(() => parseCheckpoint({ version: 1, position: { compression: 'none', compressedOffset: -1, skipBytes: 0, decompressedOffset: 0, line: 0 }, state: {} })).toThrow(/compressedOffset/);
  });

  it('stops at a boundary with `skip` long lines and a BOM in front, and still equals one pass', async () => {
    const config = { rules: parseRules({}), maxLineBytes: 200, longLines: 'skip' as const };
    const body = sampleLog(3_000, 4).text.split('\n').map((l, i) => (i % 50 === 7 ? `${l} ${'x'.repeat(300)}` : l)).join('\n');
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]);
    const single = await analyzeOnce(bytes, { chunk: 3_000, config });
    const chain = await analyzeChain(bytes, [20_000, 30_000], 3_000, config);
    expect(single.analysis.lineStats.skippedLines).toBeGreaterThan(0);
    expect(chain.invocations).toBeGreaterThanOrEqual(3);
    expect(chain.records).toEqual(single.records);
    expect(chain.last.lineStats).toEqual(single.analysis.lineStats);
  });
});
