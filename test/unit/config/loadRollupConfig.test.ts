import { describe, expect, it } from 'vitest';
import { loadRollupConfig } from '../../../functions/src/config/loadRollupConfig.js';
import { ROLLUP_DEFAULTS } from '../../../functions/src/rollup/constants.js';

describe('loadRollupConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadRollupConfig({ LOGSIEVE_OUTPUT_BUCKET: 'out-bucket' })).toEqual({
      outputBucket: 'out-bucket', outputPrefix: 'logsieve/', settings: { ...ROLLUP_DEFAULTS }, eventBusName: undefined, events: true,
    });
  });

  it('reads every setting and names the variable of a bad one', () => {
    const c = loadRollupConfig({
      LOGSIEVE_OUTPUT_BUCKET: 'out-bucket', LOGSIEVE_OUTPUT_PREFIX: 'o', LOGSIEVE_ROLLUP_NEW_DAYS: '3', LOGSIEVE_ROLLUP_RISING_FACTOR: '10',
      LOGSIEVE_ROLLUP_RISING_MIN_COUNT: '2', LOGSIEVE_ROLLUP_SOURCE_DEPTH: '2', LOGSIEVE_ROLLUP_KEPT_GROUPS: '500', LOGSIEVE_EVENT_BUS: 'ops', LOGSIEVE_ROLLUP_EVENTS: 'false',
    });
    expect(c).toMatchObject({ outputPrefix: 'o/', eventBusName: 'ops', events: false, settings: { newDays: 3, risingFactor: 10, risingMinCount: 2, sourceDepth: 2, keptGroups: 500 } });
    expect(() => loadRollupConfig({ LOGSIEVE_OUTPUT_BUCKET: 'out-bucket', LOGSIEVE_ROLLUP_NEW_DAYS: '0' })).toThrow(/LOGSIEVE_ROLLUP_NEW_DAYS.*1 to 31, got "0"/);
    expect(() => loadRollupConfig({ LOGSIEVE_OUTPUT_BUCKET: 'out-bucket', LOGSIEVE_ROLLUP_EVENTS: 'maybe' })).toThrow(/LOGSIEVE_ROLLUP_EVENTS/);
    expect(() => loadRollupConfig({})).toThrow(/LOGSIEVE_OUTPUT_BUCKET/);
  });
});
