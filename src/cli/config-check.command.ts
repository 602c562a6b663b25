import { loadConfigFile } from '../config/config.loader.ts';

export function runConfigCheck(file: string): void {
  const result = loadConfigFile(file);
  if (result.ok) {
    console.log(`${file}: valid`);
    if (!process.env.CALLCHART_WEBHOOK_SECRET) console.log('  note: CALLCHART_WEBHOOK_SECRET is not set (a trial secret will be generated in the data directory)');
    if (!process.env.DATABASE_URL) console.log('  note: DATABASE_URL is not set (embedded PGlite: trials only, not production PHI)');
    return;
  }
  console.error(`${file}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}`);
  for (const problem of result.problems) console.error(`  ${problem.path}: ${problem.message}`);
  process.exitCode = 1;
}
