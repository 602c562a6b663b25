import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exampleQueuePolicyFile } from '../consent/queue-policy.loader.ts';
import { exampleRulesFile } from '../routing/routing-rules.loader.ts';

/** The sample config `config init` writes; it names the two files written beside it. */
export const exampleConfigFile = fileURLToPath(new URL('../config/callchart.example.yaml', import.meta.url));

/** What `config init` writes, from the bundled synthetic examples. */
const sampleFiles = [
  { name: 'callchart.yaml', from: exampleConfigFile, what: 'the config (check it with `callchart config check`)' },
  { name: 'routing-rules.yaml', from: exampleRulesFile, what: 'routing rules (routing.rulesFile)' },
  { name: 'queue-policy.yaml', from: exampleQueuePolicyFile, what: 'queue policy (policy.file)' },
] as const;

/**
 * Writes a sample config and the files it names into a folder. Never overwrites an admin's file
 * unless asked (`--force`): it refuses, naming the files, before writing any.
 */
export function runConfigInit(dir: string, options: { force?: boolean }): void {
  const folder = path.resolve(dir);
  const existing = sampleFiles.filter((file) => existsSync(path.join(folder, file.name)));
  if (existing.length > 0 && !options.force) {
    console.error(`Not written: ${existing.map((file) => path.join(folder, file.name)).join(', ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to overwrite, or pick another folder.`);
    process.exit(1);
  }
  mkdirSync(folder, { recursive: true });
  for (const file of sampleFiles) copyFileSync(file.from, path.join(folder, file.name));
  console.log(`Wrote a sample config (synthetic) to ${folder}:`);
  for (const file of sampleFiles) console.log(`  ${file.name.padEnd(20)} ${file.what}`);
  console.log(`Next: edit ehr.fhirBaseUrl and the rules, then \`callchart config check ${path.join(folder, 'callchart.yaml')}\`.`);
}
