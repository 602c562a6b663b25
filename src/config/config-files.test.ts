import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleQueuePolicyFile } from '../consent/queue-policy.loader.ts';
import { exampleRulesFile } from '../routing/routing-rules.loader.ts';
import { checkConfigFile, loadConfigFile } from './config.loader.ts';

/** Issue 12, defect 7: the files a config names are part of the config. Synthetic files only. */
const scratch = mkdtempSync(path.join(tmpdir(), 'callchart-config-files-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function folder(name: string, config: string, files: Record<string, string> = {}): string {
  const dir = path.join(scratch, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  writeFileSync(path.join(dir, 'callchart.yaml'), config);
  return path.join(dir, 'callchart.yaml');
}

describe('the files a config names', () => {
  it('are resolved against the config file\'s folder, not the working directory', () => {
    const file = folder('relative', 'routing:\n  rulesFile: rules/routing.yaml\npolicy:\n  file: ./policy.yaml\n');
    const result = loadConfigFile(file);
    expect(result.ok && result.config.routing.rulesFile).toBe(path.join(scratch, 'relative', 'rules', 'routing.yaml'));
    expect(result.ok && result.config.policy.file).toBe(path.join(scratch, 'relative', 'policy.yaml'));
  });

  it('an absolute path stays as written', () => {
    const result = loadConfigFile(folder('absolute', `routing:\n  rulesFile: ${exampleRulesFile}\n`));
    expect(result.ok && result.config.routing.rulesFile).toBe(exampleRulesFile);
  });

  it('checkConfigFile reads and validates each one, reporting under the key that names it', () => {
    const file = folder('bad', 'routing:\n  rulesFile: ./missing.yaml\npolicy:\n  file: ./policy.yaml\n', { 'policy.yaml': 'version: 1\ndefaults:\n  pattern: sometimes\n' });
    const result = checkConfigFile(file);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.find((problem) => problem.path === 'routing.rulesFile')?.message).toMatch(/missing\.yaml is not found/);
    const policyProblems = result.problems.filter((problem) => problem.path === 'policy.file').map((problem) => problem.message);
    expect(policyProblems.some((message) => /policy\.yaml line 3 defaults\.pattern: .*summary-only/.test(message))).toBe(true);
  });

  it('with none named, the bundled synthetic examples are checked and said to be examples', () => {
    const result = checkConfigFile(folder('none', 'clinic:\n  name: Synthetic Clinic\n'));
    expect(result).toMatchObject({ ok: true, files: [{ key: 'routing.rulesFile', file: exampleRulesFile, bundledExample: true }, { key: 'policy.file', file: exampleQueuePolicyFile, bundledExample: true }] });
  });

  it('the sample config `config init` writes passes, with the two files it names beside it', () => {
    const dir = path.join(scratch, 'sample');
    mkdirSync(dir);
    copyFileSync(new URL('./callchart.example.yaml', import.meta.url), path.join(dir, 'callchart.yaml'));
    copyFileSync(exampleRulesFile, path.join(dir, 'routing-rules.yaml'));
    copyFileSync(exampleQueuePolicyFile, path.join(dir, 'queue-policy.yaml'));
    const result = checkConfigFile(path.join(dir, 'callchart.yaml'));
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(result.ok && result.files.every((checked) => !checked.bundledExample)).toBe(true);
    expect(result.ok && result.config.ehr.fhirBaseUrl).toBeDefined();
  });
});
