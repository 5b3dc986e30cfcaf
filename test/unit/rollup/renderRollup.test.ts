import { describe, expect, it } from 'vitest';
import type { SummaryGroup } from '../../../functions/src/pipeline/types.js';
import { buildRollup } from '../../../functions/src/rollup/buildRollup.js';
import { emptyMerged } from '../../../functions/src/rollup/emptyMerged.js';
import { renderRollup } from '../../../functions/src/rollup/renderRollup.js';

const seen = (key: string) => ({ line: 1, timestamp: '2026-11-26T10:00:00.000Z', key });
const group = (id: string, template: string, count: number): SummaryGroup => ({
  groupId: id, template, class: 'level', level: 'error', count, countError: 0, firstSeen: seen(`alb/${id}.log`), lastSeen: seen(`app/${id}.log`),
  sample: { message: `${template} (sample)`, firstLine: 1, timestamp: '2026-11-26T10:00:00.000Z' },
});

describe('renderRollup', () => {
  const groups = [group('a', 'payment failed <*>', 7), group('b', 'disk <script>alert(1)</script> full', 2)];
  const rollup = buildRollup({
    period: { kind: 'hour', start: '2026-11-26T10:00:00.000Z', end: '2026-11-26T11:00:00.000Z' },
    merged: {
      ...emptyMerged(),
      summaries: { complete: 3, failed: 1 },
      groups,
      time: { ...emptyMerged().time, errorsPerMinute: { '2026-11-26T10:00': 5, '2026-11-26T10:01': 4 } },
      bySource: {
        alb: { summaries: 2, records: 5, errors: 5, errorsPerMinute: { '2026-11-26T10:00': 5 } },
        app: { summaries: 2, records: 4, errors: 4, errorsPerMinute: { '2026-11-26T10:01': 4 } },
      },
    },
    inputs: [{ key: 'out/summaries/alb/a.log.json', status: 'complete' }, { key: 'out/summaries/app/b.log.json', status: 'failed' }],
    changes: [{ ...groups[1]!, change: 'new' }],
    baseline: { hours: 3, days: 1 },
  });
  const html = renderRollup(rollup);

  it('shows the new and rising groups before the chart and the top groups, escaped', () => {
    expect(html.indexOf('New and rising groups')).toBeLessThan(html.indexOf('Errors over time'));
    expect(html.indexOf('<b class="new">new</b>')).toBeLessThan(html.indexOf('Top error groups'));
    expect(html).not.toContain('<script>');
    expect(html).toContain('disk &#60;script&#62;alert(1)&#60;/script&#62; full');
  });

  it('stacks the errors over time by source, names the objects a group came from and the inputs, with no external asset', () => {
    expect(html.match(/<rect [^>]*fill="#cf222e"/g)).toHaveLength(1);
    expect(html.match(/<rect [^>]*fill="#0969da"/g)).toHaveLength(1);
    expect(html).toContain('alb/a.log');
    expect(html).toContain('app/a.log');
    expect(html).toContain('<code>out/summaries/app/b.log.json</code> <b class="bad">failed</b>');
    expect(html).not.toMatch(/<script|src=|href=/);
  });

  it('says when there was nothing to compare with', () => {
    const first = renderRollup(buildRollup({ period: { kind: 'hour', start: null, end: null }, merged: emptyMerged(), inputs: [] }));
    expect(first).toContain('None (no earlier rollups to compare with).');
    expect(first).toContain('No timestamped error records.');
  });
});
