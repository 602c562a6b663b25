import { checkConfigFile } from '../config/config.loader.ts';

/** `config check`: the config and every file it names, as `serve` will read them; exit 1 with every problem. */
export function runConfigCheck(file: string): void {
  const result = checkConfigFile(file);
  if (result.ok) {
    console.log(`${file}: valid`);
    for (const checked of result.files) console.log(`  ${checked.key}: ${checked.bundledExample ? `none named, the bundled synthetic example (demo only)` : checked.file} valid`);
    if (!process.env.CALLCHART_WEBHOOK_SECRET) console.log('  note: CALLCHART_WEBHOOK_SECRET is not set (a trial secret will be generated in the data directory)');
    if (!process.env.DATABASE_URL) console.log('  note: DATABASE_URL is not set (embedded PGlite: trials only, not production PHI)');
    const model = result.config.languageModel;
    if (model) console.log(`  note: language model at ${new URL(model.baseUrl).host} is sent ${model.sendRawText ? 'RAW transcripts (sendRawText: the clinic policy must allow it)' : 'redacted transcripts'}`);
    return;
  }
  console.error(`${file}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}`);
  for (const problem of result.problems) console.error(`  ${problem.path}: ${problem.message}`);
  process.exitCode = 1;
}
