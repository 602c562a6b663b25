import { defineConfig } from 'vitest/config';

/**
 * The chaos tier (`npm run test:chaos`; `.ci/run` runs it after `npm test`): soak runs that take
 * minutes by design: hundreds of items through a failing EHR while the worker is SIGKILLed. Kept
 * out of `vitest run` so the everyday loop stays short; CI still runs every test.
 */
export default defineConfig({
  test: {
    // Each run starts engines and floods one sandbox EHR: one file at a time.
    fileParallelism: false,
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'chaos',
          include: ['test/chaos/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
