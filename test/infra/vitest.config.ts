import { defineConfig } from 'vitest/config';

// Template, settings and cdk-nag tests need no LocalStack: run them without the global setup with
// `npx vitest run --config test/infra/vitest.config.ts`. The deploy test runs under the root config.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/infra/**/*.test.ts'],
    exclude: ['test/infra/**/*.localstack.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
