import { configDefaults, defineConfig } from 'vitest/config';

/**
 * `npm test`: the whole suite in the machine's time zone, and everything that depends on "now"
 * again with the process in America/New_York — the contact centre's hours must be worked out in
 * Europe/Brussels whatever the server's zone. `npm run test:faults`: the process-fault tests.
 */
const timeSensitive = [
  'test/contactCentre/**/*.test.ts',
  'test/procedure/**/*.test.ts',
  'test/dialogs/**/*.test.ts',
  'test/e2e/server.test.ts',
];

/** Crash and signal tests with real processes, run on their own (`npm run test:faults`). */
const processFaults = ['test/faults/crashDuringOutage.test.ts', 'test/faults/sigtermDuringStartup.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/globalSetup.ts'],
    projects: [
      // test/scale/ starts several real bot processes for a minute or more: `npm run test:scale`
      // (vitest.scale.config.mts), run by .ci/run after `npm test`.
      { extends: true, test: { name: 'local-tz', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/scale/**', ...processFaults] } },
      { extends: true, test: { name: 'new-york-tz', include: timeSensitive, env: { TZ: 'America/New_York' } } },
      // `npm run test:faults` (and .ci/run): several bot processes and Azurites each, killed and
      // restarted — minutes of CPU that would slow every other test of `npm test` on a small machine.
      { extends: true, test: { name: 'process-faults', include: processFaults } },
    ],
  },
});
