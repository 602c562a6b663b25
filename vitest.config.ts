import { defineConfig } from 'vitest/config';

/**
 * Test tiers (STYLE.md, README "Tests"): `*.test.ts` pure units, `*.int.test.ts` against real
 * PostgreSQL and PGlite, `*.e2e.test.ts` over real sockets, `test/security/` the findings of the
 * hostile test. `vitest run` runs all four; the chaos soak has its own config
 * (`vitest.chaos.config.ts`, `npm run test:chaos`) because it alone takes minutes.
 */
export default defineConfig({
  test: {
    // Storage and e2e files start whole engines and scratch databases on one PostgreSQL server, and
    // several assert deadlines (routing within 2 s): one file at a time, never two engines fighting
    // for two cores. `npm run test:unit` turns parallelism back on for the pure tier alone.
    fileParallelism: false,
    // The unit tier runs in worker threads without per-file isolation (below); the tiers with
    // engines keep a fresh process per file (forks, isolated: the vitest default).
    poolOptions: { threads: { isolate: false } },
    reporters: ['default', './test/summary-reporter.ts'],
    // The staff app built from this checkout's app/ before any test (issue 14).
    globalSetup: ['./test/global-setup.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.e2e.test.ts', 'test/security/**', 'test/chaos/**', 'node_modules/**'],
          // Pure functions: nothing to isolate, so a worker keeps its imports (the FHIR
          // definitions, the NLP word lists) from file to file instead of loading them per file.
          pool: 'threads',
          // Correctness, not speed: whole-clinic validation and property runs take seconds on a
          // busy CI machine, so the default 5 s would fail for the wrong reason.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'int',
          include: ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'],
          exclude: ['test/security/**', 'test/chaos/**', 'node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['src/**/*.e2e.test.ts', 'test/**/*.e2e.test.ts'],
          exclude: ['test/security/**', 'test/chaos/**', 'node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // The security tier (issue 11): each hostile-test finding as a test that failed on the
          // code it was found in, on PostgreSQL and PGlite. Real sockets and engines, like e2e.
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
