import { defineConfig } from 'vitest/config';

// `npm run test:backfill-e2e`: the backfill state machine deployed to LocalStack and executed end
// to end. Not part of `npm test` (its files end in .e2e.ts, which the root config does not pick
// up): it needs the deployed function to run in LocalStack (issue 14). Same global setup.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/stepfunctions/**/*.e2e.ts'],
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: 'forks',
  },
});
