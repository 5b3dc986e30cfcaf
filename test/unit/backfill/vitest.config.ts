import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

/** Unit tests of the backfill module alone, without the LocalStack global setup. */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../../..', import.meta.url)),
    include: ['test/unit/backfill/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
  },
});
