import { defineConfig } from 'vitest/config';

// Two projects: pure unit tests start nothing; integration tests share one PostgreSQL
// (embedded unless TEST_DATABASE_URL is set), each file in a database of its own.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/{db,http,worker,live}/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
