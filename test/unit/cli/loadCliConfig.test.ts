import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliConfigError } from '../../../cli/errors.js';
import { loadCliConfig } from '../../../cli/loadCliConfig.js';

const fixture = (name: string): string => path.join(import.meta.dirname, '../../fixtures/cli', name);

describe('loadCliConfig', () => {
  it('needs no bucket for local outputs and applies LOGSIEVE_* settings as the Lambda does', () => {
    const config = loadCliConfig({ env: { LOGSIEVE_MAX_LINE_BYTES: '4096' } });
    expect(config.maxLineBytes).toBe(4096);
    expect(config.rules.minLevel).toBe('error');
  });

  it('takes the output bucket and prefix from the command line', () => {
    const config = loadCliConfig({ env: {}, outputBucket: 'my-out', outputPrefix: 'run-1' });
    expect(config).toMatchObject({ outputBucket: 'my-out', outputPrefix: 'run-1/' });
  });

  it('reads the rules of --config, replacing LOGSIEVE_RULES', () => {
    const config = loadCliConfig({ env: { LOGSIEVE_RULES: '{"minLevel":"fatal"}' }, rulesFile: fixture('rules-warn.json') });
    expect(config.rules.minLevel).toBe('warn');
  });

  it.each([
    ['rules-bad.json', /^--config .*rules-bad\.json: rules\.minLevel: expected/],
    ['rules-unknown-field.json', /^--config .*rules-unknown-field\.json: rules\.minimumLevel: expected one of the known fields/],
    ['missing.json', /^--config .*missing\.json: cannot read the rules file: ENOENT$/],
    ['README.md', /^--config .*README\.md: not valid JSON/],
  ])('fails on %s with a one-line reason naming the field', (name, message) => {
    let caught: unknown;
    try {
      loadCliConfig({ env: {}, rulesFile: fixture(name) });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CliConfigError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('\n');
  });

  it('names the variable of a bad setting', () => {
    expect(() => loadCliConfig({ env: { LOGSIEVE_LONG_LINES: 'wrap' } })).toThrow(/^LOGSIEVE_LONG_LINES: expected "truncate" or "skip"/);
  });
});
