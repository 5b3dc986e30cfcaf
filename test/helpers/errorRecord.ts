import type { ErrorRecord } from '../../functions/src/parse/types.js';

/** A valid `logsieve.error/1` record for line `n`; override any field. */
export function errorRecord(n: number, overrides: Partial<ErrorRecord> = {}): ErrorRecord {
  return {
    schema: 'logsieve.error/1',
    source: { bucket: 'in', key: 'app.log' },
    firstLine: n,
    lastLine: n,
    byteOffset: n * 100,
    timestamp: null,
    level: 'error',
    class: 'level',
    format: 'text',
    message: `failure ${n}`,
    groupId: '0123456789abcdef',
    fields: {},
    raw: `ERROR failure ${n}`,
    truncated: false,
    ...overrides,
  };
}
