import { defineConfig } from 'vitest/config';

// Browser tests: Chromium via playwright-core against the built UI (run `npm run
// build` first). One file at a time: two cores, one browser each.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/setup.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
