import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/** How long one test file took, split the way vitest measures it (milliseconds). */
interface FileTime {
  project: string;
  file: string;
  tests: number;
  /** Tests and hooks (beforeAll engine start-ups included). */
  run: number;
  /** Importing the file and everything it imports. */
  collect: number;
  /** Vitest's own set-up of the worker. */
  prepare: number;
}

/** How many of the slowest files the end-of-run block names. */
const slowestShown = 8;

/**
 * Prints the slowest test files and then one plain `N passed, N failed` line at the end, for CI
 * log parsers (the summary line stays last). With `CALLCHART_TEST_TIMES=<file>` it also writes
 * every file's time as JSON, which is how the tier timings in the README were measured.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    const times: FileTime[] = [];
    for (const module of testModules) {
      let tests = 0;
      for (const test of module.children.allTests()) {
        tests++;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
      }
      const diagnostic = module.diagnostic();
      times.push({
        project: module.project.name,
        file: path.relative(process.cwd(), module.moduleId),
        tests,
        run: Math.round(diagnostic.duration),
        collect: Math.round(diagnostic.collectDuration),
        prepare: Math.round(diagnostic.prepareDuration),
      });
    }
    times.sort((a, b) => b.run + b.collect - (a.run + a.collect));
    const timesFile = process.env.CALLCHART_TEST_TIMES;
    if (timesFile) writeFileSync(timesFile, `${JSON.stringify(times, null, 2)}\n`);
    if (times.length > 1) {
      const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(8);
      process.stdout.write('\nslowest files (run + import):\n');
      for (const time of times.slice(0, slowestShown)) process.stdout.write(`${seconds(time.run + time.collect)}  |${time.project}| ${time.file}\n`);
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  }
}
