import { defineConfig } from 'vitest/config';

/**
 * `npm run test:scale`: the scale-out test (test/scale/), kept out of `npm test` because it runs
 * three real bot processes through ~2000 turns — a minute or more on a 2-core machine. Same
 * global set-up (one Azurite for the run) as the main suite.
 */
export default defineConfig({
  test: {
    name: 'scale',
    include: ['test/scale/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    globalSetup: ['test/globalSetup.ts'],
  },
});
