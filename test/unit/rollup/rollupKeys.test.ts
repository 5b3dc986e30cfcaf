import { describe, expect, it } from 'vitest';
import { outputKeys, S3_KEY_MAX_BYTES } from '../../../functions/src/pipeline/outputKeys.js';
import { rollupKeys } from '../../../functions/src/rollup/rollupKeys.js';

describe('rollupKeys', () => {
  const keys = rollupKeys('logsieve/');
  const hour = '2026-11-26T10';

  it('maps a summary to its index key and back', () => {
    const summary = outputKeys('logsieve/', { bucket: 'b', key: 'alb/node-1/x.log.gz' }).summary;
    const index = keys.indexOfSummary(summary, hour);
    expect(index).toBe('logsieve/rollups/index/2026/11/26/10/alb/node-1/x.log.gz');
    expect(keys.summaryOfIndex(index, hour)).toBe(summary);
  });

  it('indexes the summary of a source key too long for S3 within 1 024 bytes, and finds that summary again', () => {
    const summary = outputKeys('logsieve/', { bucket: 'b', key: `${'é'.repeat(600)}.log` }).summary;
    const index = keys.indexOfSummary(summary, hour);
    expect(Buffer.byteLength(index)).toBeLessThanOrEqual(S3_KEY_MAX_BYTES);
    expect(keys.summaryOfIndex(index, hour)).toBe(summary);
  });
});
