import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../../cli/formatSummary.js';
import type { Summary } from '../../../functions/src/pipeline/types.js';

const summary = {
  status: 'failed',
  reason: 'unexpected end of file',
  source: { bucket: 'logs', key: 'app/x.log.gz', compression: 'gzip', format: 'text' },
  counts: { lines: 1_234_567, bytesIn: 2_000_000, bytesOut: 10_000_000, errors: 1_200, warnings: 3, records: 1_203, redactions: 4 },
  time: { first: '2026-11-26T00:00:00.000Z', last: '2026-11-26T01:00:00.000Z' },
  processing: { durationMs: 500, mbPerSec: 20, peakRssMiB: 90 },
  topGroups: [
    { count: 1_000, level: 'error', template: `Payment failed ${'x'.repeat(120)}` },
    { count: 200, level: 'fatal', template: 'disk full' },
  ],
} as unknown as Summary;

describe('formatSummary', () => {
  it('says what happened, the counts, throughput, top groups and where the outputs are', () => {
    const text = formatSummary(summary, { summary: 'out/x.summary.json', report: 'out/x.report.html', errors: 'out/x.errors.ndjson.gz' });
    expect(text).toContain('s3://logs/app/x.log.gz: failed (unexpected end of file)');
    expect(text).toContain('format text, 1,234,567 lines, 10.0 MB (2.0 MB gzip)');
    expect(text).toContain('1,200 errors, 3 warnings, 1,203 records written, 4 redactions');
    expect(text).toContain('500 ms, 20 MB/s, peak RSS 90 MiB');
    expect(text).toMatch(/^ {4}1,000 {2}error {2}Payment failed x+…$/m);
    expect(text).toMatch(/^ {6}200 {2}fatal {2}disk full$/m);
    expect(text).toContain('errors:  out/x.errors.ndjson.gz');
  });

  it('names the envelope and message formats of CloudWatch Logs subscription data', () => {
    const cwl = {
      ...summary,
      source: { ...summary.source, format: 'cloudwatch-logs', messageFormat: 'text' },
      counts: { ...summary.counts, cloudWatchLogs: { envelopes: 1_200, controlMessages: 1, logEvents: 30_000, invalidEvents: 0, deepValues: 0 } },
    } as Summary;
    expect(formatSummary(cwl, { summary: 's', report: 'r' })).toContain(
      'format cloudwatch-logs (text messages: 30,000 log events in 1,200 envelopes, 1 control), 1,234,567 lines',
    );
  });

  it('names a local file by its path', () => {
    const local = { ...summary, source: { ...summary.source, bucket: '', key: 'logs/app.log' } } as Summary;
    expect(formatSummary(local, { summary: 's', report: 'r' }).split('\n')[0]).toBe('logs/app.log: failed (unexpected end of file)');
  });
});
