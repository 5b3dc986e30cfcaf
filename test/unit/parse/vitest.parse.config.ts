import { defineConfig } from 'vitest/config';

// Runs the parse tests without the shared globalSetup (which may start LocalStack).
export default defineConfig({
  test: { include: ['test/unit/parse/**/*.test.ts'], pool: 'forks' },
});
