import { describe, expect, it } from 'vitest';
import { createBackfillProgress } from '../../../cli/createBackfillProgress.js';
import { fakeTerminal } from '../../helpers/fakeTerminal.js';

describe('createBackfillProgress', () => {
  it('draws nothing when disabled', () => {
    const terminal = fakeTerminal();
    const bar = createBackfillProgress({ enabled: false, label: 's3://b/p/', stream: terminal.stream });
    bar.update({ phase: 'processing', listed: 10, objects: 10, processed: 1, skipped: 0, failed: 0 });
    bar.stop();
    expect(terminal.text()).toBe('');
  });

  it('shows the keys listed while planning', () => {
    const terminal = fakeTerminal();
    const bar = createBackfillProgress({ enabled: true, label: 's3://logs/alb/', stream: terminal.stream });
    bar.update({ phase: 'planning', listed: 3000, objects: 0, processed: 0, skipped: 0, failed: 0 });
    bar.stop();
    expect(terminal.text()).toContain('planning: 3,000 keys listed');
  });

  it('shows objects done against the plan with each outcome', () => {
    const terminal = fakeTerminal();
    const bar = createBackfillProgress({ enabled: true, label: 's3://logs/alb/', stream: terminal.stream });
    bar.update({ phase: 'processing', listed: 3000, objects: 2500, processed: 40, skipped: 55, failed: 5 });
    bar.stop();
    bar.stop();
    expect(terminal.text()).toMatch(/s3:\/\/logs\/alb\/ .* 100\/2500 objects \| 40 processed, 55 skipped, 5 failed \| [\d.]+\/s \| processing/);
  });
});
