import { defineConfig } from 'vitest/config';

// Three projects: pure unit tests start nothing; integration tests share one PostgreSQL
// (embedded unless TEST_DATABASE_URL is set), each file in a database of its own; browser tests
// drive Chromium against the real server.
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
          include: ['test/{db,http,worker,live,auth,ringover-api,security,faults,custody,work}/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 30_000,
          // A polled condition (a live event, a job) gets 15 s on a loaded machine, not vitest's 1 s:
          // the wait ends as soon as the condition holds, so a fast run stays fast.
          expect: { poll: { timeout: 15_000 } },
          hookTimeout: 120_000,
        },
      },
      {
        // The staff UI in Chromium (Debian's, installed by chromium-setup when missing), against the
        // real server entry point over a test database.
        test: {
          name: 'browser',
          include: ['test/web/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts', 'test/web/chromium-setup.ts'],
          testTimeout: 60_000,
          expect: { poll: { timeout: 15_000 } },
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
