import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The backfill e2e (test/stepfunctions, also `npm run test:backfill-e2e` alone) is part of the run.
    include: ['test/**/*.test.ts', 'test/stepfunctions/**/*.e2e.ts'],
    globalSetup: ['test/globalSetup.ts'],
    // Integration tests share one LocalStack; unit tests are fast either way.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // The fault table (test/faults) and a plain closing line with the totals follow the default output.
    reporters: ['default', './test/faults/support/faultTableReporter.ts', './test/support/closingLineReporter.ts'],
  },
});
