import { describe, expect, it } from 'vitest';
import { createCliLogger } from '../../../cli/createCliLogger.js';

describe('createCliLogger', () => {
  it('writes Powertools JSON lines to its sink, children included, never to stdout', () => {
    const lines: string[] = [];
    const log = createCliLogger({ level: 'info', tty: true, env: {}, write: (l) => lines.push(l) });
    log.info('hello', { n: 1 });
    log.createChild({ persistentKeys: { key: 'a.log' } }).warn('child');
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
      { level: 'INFO', message: 'hello', n: 1 },
      { level: 'WARN', message: 'child', key: 'a.log' },
    ]);
  });

  it('is quiet by default on a terminal and informative off one', () => {
    const onTty: string[] = [];
    createCliLogger({ tty: true, env: {}, write: (l) => onTty.push(l) }).info('hidden');
    const offTty: string[] = [];
    createCliLogger({ tty: false, env: {}, write: (l) => offTty.push(l) }).info('shown');
    expect(onTty).toEqual([]);
    expect(offTty).toHaveLength(1);
  });

  it('takes LOGSIEVE_LOG_LEVEL, and rejects an unknown level naming the choices', () => {
    const lines: string[] = [];
    createCliLogger({ tty: true, env: { LOGSIEVE_LOG_LEVEL: 'debug' }, write: (l) => lines.push(l) }).debug('d');
    expect(lines).toHaveLength(1);
    expect(() => createCliLogger({ tty: true, env: { LOGSIEVE_LOG_LEVEL: 'loud' } })).toThrow(/one of trace, debug, info, warn, error, critical, silent; got "loud"/);
  });
});
