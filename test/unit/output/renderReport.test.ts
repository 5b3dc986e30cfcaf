import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../functions/src/output/renderReport.js';
import type { Summary } from '../../../functions/src/pipeline/types.js';

function summary(overrides: Partial<Summary> = {}): Summary {
  return {
    schema: 'logsieve.summary/1',
    status: 'complete',
    source: { bucket: 'logs', key: 'app/<x>.log', compression: 'gzip', format: 'text', size: 10 },
    counts: {
      lines: 10, bytesIn: 10, bytesOut: 100, events: 10, records: 3, errors: 3, warnings: 0,
      levels: { trace: 0, debug: 0, info: 7, warn: 0, error: 3, fatal: 0, none: 0 }, classes: { level: 10 },
      truncatedLines: 0, skippedLines: 0, invalidUtf8Lines: 0, headerLines: 0, redactions: 0, redactionsByKind: {},
      parseFailures: 0, fallbackLines: 0, multilineCuts: 0, excluded: 0, ungroupedRecords: 0, unclusteredRecords: 0, unlistedGroupIds: 0,
    },
    time: { first: '2026-11-26T10:00:05.000Z', last: '2026-11-26T10:02:00.000Z', errorsPerMinute: { '2026-11-26T10:00': 1, '2026-11-26T10:02': 2 }, histogramOverflow: 0, yearsInferred: 0 },
    topGroups: [
      {
        groupId: 'abc', template: 'failed <*> "<script>"', class: 'level', level: 'error', count: 3, countError: 0,
        firstSeen: { line: 2, timestamp: '2026-11-26T10:00:05.000Z' }, lastSeen: { line: 9, timestamp: '2026-11-26T10:02:00.000Z' },
        sample: { message: 'failed 42 "<script>"', firstLine: 2, timestamp: '2026-11-26T10:00:05.000Z' },
      },
    ],
    groups: [],
    outputs: { summaryKey: 's', reportKey: 'r', errorParts: [] },
    processing: { startedAt: '2026-11-26T10:05:00.000Z', durationMs: 5, mbPerSec: 20, peakRssMiB: 90, invocations: 1, resumes: 0 },
    ...overrides,
  };
}

describe('renderReport', () => {
  it('draws one bar per minute of the range, empty minutes included', () => {
    const html = renderReport(summary());
    expect(html.match(/<rect /g)).toHaveLength(3);
    expect(html).toContain('<title>2026-11-26T10:02Z: 2</title>');
    expect(html).toContain('max 2 per 1 min');
  });

  it('shows the envelope and message formats and the envelope counts of CloudWatch Logs subscription data', () => {
    const plain = summary();
    const html = renderReport(summary({
      source: { ...plain.source, format: 'cloudwatch-logs', messageFormat: 'json' },
      counts: { ...plain.counts, cloudWatchLogs: { envelopes: 1_200, controlMessages: 1, logEvents: 30_000, invalidEvents: 2, deepValues: 0 } },
    }));
    expect(html).toContain('format <b>cloudwatch-logs</b> (messages: <b>json</b>)');
    expect(html).toContain('<td>1,200 / 1 / 30,000 / 2</td>');
    expect(renderReport(plain)).not.toContain('CloudWatch Logs');
  });

  it('escapes everything that comes from the logs', () => {
    const html = renderReport(summary());
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    expect(html).toContain('app/&#60;x&#62;.log');
  });

  it('says so when there are no records, and shows a failure reason', () => {
    const html = renderReport(summary({ status: 'failed', reason: 'gzip truncated', topGroups: [], time: { first: null, last: null, errorsPerMinute: {}, histogramOverflow: 0, yearsInferred: 0 } }));
    expect(html).toContain('No error records.');
    expect(html).toContain('No timestamped error records.');
    expect(html).toContain('failed</span>: gzip truncated');
  });

  it('merges minutes into wider bars past 120 of them', () => {
    const perMinute: Record<string, number> = {};
    for (let m = 0; m < 600; m++) perMinute[new Date(Date.UTC(2026, 10, 26, 0, m)).toISOString().slice(0, 16)] = 1;
    const html = renderReport(summary({ time: { first: null, last: null, errorsPerMinute: perMinute, histogramOverflow: 0, yearsInferred: 0 } }));
    expect(html.match(/<rect /g)).toHaveLength(120);
    expect(html).toContain('max 5 per 5 min');
  });

  it('never shows a secret in the failure reason or a sample, even one the rules left alone', () => {
    const base = summary();
    const html = renderReport(summary({
      status: 'failed',
      reason: 'Unexpected token in "password": "Zq1hunter" at byte 5',
      topGroups: [{ ...base.topGroups[0]!, sample: { ...base.topGroups[0]!.sample, message: 'cannot connect redis://:Zq2pw@cache:6379' } }],
    }));
    expect(html).not.toMatch(/Zq1hunter|Zq2pw/);
    expect(html).toContain('[REDACTED:url-password]');
  });
});
