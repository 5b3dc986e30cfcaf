import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the fault and bad-input suite alone, against the same LocalStack global
// setup as `npm test` (which runs these files too), plus the reporter that prints the fault table.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default', './test/faults/support/faultTableReporter.ts'],
  },
});
