import { defineConfig } from 'vitest/config';

// Three projects, run in this order by `npm test`: pure logic (unit), real Node against real
// express-session (node), and the built site in Chromium (e2e).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      { test: { name: 'node', include: ['tests/node/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
          globalSetup: ['tests/e2e/global-setup.ts'],
          fileParallelism: false,
          // A page in Chromium on a shared 2-core machine can take seconds to settle.
          expect: { poll: { timeout: 10_000, interval: 100 } },
        },
      },
    ],
  },
});
