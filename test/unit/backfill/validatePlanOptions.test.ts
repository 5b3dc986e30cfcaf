import { describe, expect, it } from 'vitest';
import { BACKFILL_DEFAULTS } from '../../../functions/src/backfill/constants.js';
import { BackfillOptionError } from '../../../functions/src/backfill/errors.js';
import { validatePlanOptions } from '../../../functions/src/backfill/validatePlanOptions.js';
import type { BackfillSource } from '../../../functions/src/backfill/types.js';

const source: BackfillSource = { bucket: 'logs', prefix: 'alb/', suffixes: [] };
const output = { bucket: 'logs', prefix: 'logsieve/' };

describe('validatePlanOptions', () => {
  it('fills in the stated defaults', () => {
    expect(validatePlanOptions(source, output)).toEqual({
      maxItemKeys: BACKFILL_DEFAULTS.maxItemKeys,
      maxItemBytes: BACKFILL_DEFAULTS.maxItemBytes,
      itemsPerPage: BACKFILL_DEFAULTS.itemsPerPage,
    });
    expect(BACKFILL_DEFAULTS).toMatchObject({ maxItemKeys: 100, maxItemBytes: 1024 ** 3, itemsPerPage: 1000 });
  });

  it.each([
    ['maxItemKeys', { maxItemKeys: 0 }, /maxItemKeys must be an integer from 1 to 200; got 0/],
    ['maxItemKeys', { maxItemKeys: 201 }, /from 1 to 200; got 201/],
    ['maxItemBytes', { maxItemBytes: 1.5 }, /maxItemBytes must be an integer/],
    ['itemsPerPage', { itemsPerPage: 10_001 }, /itemsPerPage must be an integer from 1 to 10000/],
  ])('refuses a bad %s, naming it', (option, settings, message) => {
    const run = (): unknown => validatePlanOptions(source, output, settings);
    expect(run).toThrow(BackfillOptionError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (err) {
      expect((err as BackfillOptionError).option).toBe(option);
    }
  });

  it('refuses a source under the output prefix of the same bucket, and an empty output prefix there', () => {
    expect(() => validatePlanOptions({ ...source, prefix: 'logsieve/errors/' }, output)).toThrow(/source.prefix must be outside the output prefix "logsieve\/"/);
    expect(() => validatePlanOptions(source, { bucket: 'logs', prefix: '' })).toThrow(/output.prefix must be a prefix when the outputs go to the source bucket/);
    expect(validatePlanOptions({ ...source, prefix: '' }, { bucket: 'other', prefix: '' }).maxItemKeys).toBe(100);
  });

  it('refuses dates that do not parse and a range that is empty', () => {
    expect(() => validatePlanOptions({ ...source, since: 'yesterday' }, output)).toThrow(/source.since must be an ISO 8601 date/);
    expect(() => validatePlanOptions({ ...source, since: '2026-11-02', until: '2026-11-01' }, output)).toThrow(/source.until must be later than source.since/);
    expect(() => validatePlanOptions({ ...source, since: '2026-11-01', until: '2026-11-02T00:00:00Z' }, output)).not.toThrow();
  });

  it('refuses an output prefix without its slash and empty suffixes', () => {
    expect(() => validatePlanOptions(source, { bucket: 'out', prefix: 'results' })).toThrow(/output.prefix must be '' or a prefix ending in '\/'/);
    expect(() => validatePlanOptions({ ...source, suffixes: [''] }, output)).toThrow(/source.suffixes/);
  });
});
