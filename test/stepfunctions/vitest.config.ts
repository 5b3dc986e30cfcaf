import { defineConfig } from 'vitest/config';

// `npm run test:backfill-e2e`: the backfill state machine deployed to LocalStack and executed end
// to end, alone. `npm test` runs it too (the root config includes test/stepfunctions/*.e2e.ts).
// Same global setup.
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
