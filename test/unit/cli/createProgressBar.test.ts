import { describe, expect, it } from 'vitest';
import { createProgressBar } from '../../../cli/createProgressBar.js';
import { fakeTerminal } from '../../helpers/fakeTerminal.js';

describe('createProgressBar', () => {
  it('draws nothing when disabled (stdout not a TTY, or --json)', () => {
    const terminal = fakeTerminal();
    const bar = createProgressBar({ enabled: false, totalBytes: 100, label: 'x', stream: terminal.stream });
    bar.update({ bytesIn: 50 });
    bar.stop();
    expect(terminal.text()).toBe('');
  });

  it('shows bytes read against the size, lines, MB/s and errors, and the final figures on stop', () => {
    const terminal = fakeTerminal();
    const bar = createProgressBar({ enabled: true, totalBytes: 4_000_000, label: 'app.log.gz', stream: terminal.stream });
    bar.update({ bytesIn: 2_000_000, bytesOut: 9_000_000, lines: 12_345, errors: 67 });
    bar.stop();
    bar.stop();
    const drawn = terminal.text();
    expect(drawn).toContain('app.log.gz');
    expect(drawn).toMatch(/100% \| 2\.0\/4\.0 MB \| 12,345 lines \| [\d.]+ MB\/s \| 67 errors/);
  });
});
