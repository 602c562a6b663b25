import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Issue 12, defect 7: `config check` answered "valid" for a config whose routing rules file or
 * queue policy file was missing or malformed, and `serve` then died 36–40 s later with a Node
 * stack trace. `config check` reads every file the config names; `config init` writes a sample
 * that passes; `serve` refuses the same files at once, naming them, exit 2, no stack trace.
 * Synthetic files only.
 */

const bin = path.resolve('bin/callchart.js');
const scratch = mkdtempSync(path.join(tmpdir(), 'callchart-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const exampleRules = path.resolve('src/routing/routing-rules.example.yaml');
const examplePolicy = path.resolve('src/consent/queue-policy.example.yaml');

function cli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    cwd: options.cwd ?? scratch,
    env: { ...process.env, DATABASE_URL: '', CALLCHART_WEBHOOK_SECRET: '', LOG_LEVEL: 'error', ...options.env },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A folder with a config naming a rules file and a policy file, each good unless replaced. */
function configFolder(name: string, files: { rules?: string | null; policy?: string | null; config?: string } = {}): string {
  const dir = path.join(scratch, name);
  mkdirSync(dir, { recursive: true });
  if (files.rules !== null) writeFileSync(path.join(dir, 'routing-rules.yaml'), files.rules ?? readFileSync(exampleRules, 'utf8'));
  if (files.policy !== null) writeFileSync(path.join(dir, 'queue-policy.yaml'), files.policy ?? readFileSync(examplePolicy, 'utf8'));
  writeFileSync(
    path.join(dir, 'callchart.yaml'),
    files.config ?? 'ehr:\n  fhirBaseUrl: http://127.0.0.1:9/fhir/R4\nrouting:\n  rulesFile: ./routing-rules.yaml\npolicy:\n  file: ./queue-policy.yaml\n',
  );
  return path.join(dir, 'callchart.yaml');
}

const noStackTrace = /\n\s+at .+:\d+:\d+/;

describe('config check reads every file the config names', () => {
  it('a config whose files are all good is valid, read from another working directory', () => {
    const file = configFolder('good');
    const { code, stdout, stderr } = cli(['config', 'check', file], { cwd: tmpdir() });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('valid');
    expect(stdout).toContain('routing-rules.yaml');
    expect(stdout).toContain('queue-policy.yaml');
  });

  it.each([
    { name: 'a missing routing rules file', files: { rules: null }, names: 'routing.rulesFile', says: /routing-rules\.yaml.*(not found|cannot read|no such file)/i },
    { name: 'a malformed routing rules file', files: { rules: 'version: x\ndestinations: [unclosed\n' }, names: 'routing.rulesFile', says: /routing-rules\.yaml/ },
    { name: 'routing rules that break the schema', files: { rules: 'version: 1\nclinic: Synthetic\n' }, names: 'routing.rulesFile', says: /routing-rules\.yaml/ },
    { name: 'a missing queue policy file', files: { policy: null }, names: 'policy.file', says: /queue-policy\.yaml.*(not found|cannot read|no such file)/i },
    { name: 'a malformed queue policy file', files: { policy: 'queues: [unclosed\n' }, names: 'policy.file', says: /queue-policy\.yaml/ },
    { name: 'a queue policy that breaks the schema', files: { policy: 'version: 1\nqueues: 7\n' }, names: 'policy.file', says: /queue-policy\.yaml/ },
  ])('refuses $name: exit 1, names the key and the file', ({ name, files, names, says }) => {
    const file = configFolder(name.replace(/\W+/g, '-'), files);
    const { code, stdout, stderr } = cli(['config', 'check', file]);
    expect(stdout).not.toContain('valid');
    expect(code).toBe(1);
    expect(stderr).toContain(names);
    expect(stderr).toMatch(says);
    expect(stderr).not.toMatch(noStackTrace);
  });

  it('serve refuses a config whose rules file is malformed before it starts anything: the problems, exit 2, no stack trace', () => {
    const file = configFolder('serve-bad-rules', { rules: 'version: x\ndestinations: [unclosed\n' });
    const { code, stdout, stderr } = cli(['serve', '-c', file, '-d', path.join(scratch, 'serve-data'), '-p', '0']);
    expect(code).toBe(2);
    expect(stdout).not.toContain('listening');
    expect(stderr).toContain('routing.rulesFile');
    expect(stderr).not.toMatch(noStackTrace);
    expect(stderr).not.toContain('Starting the engine');
  });

  it('demo refuses a config whose policy file is missing before it starts anything', () => {
    const file = configFolder('demo-missing-policy', { policy: null });
    const { code, stderr } = cli(['demo', '--config', file, '--port', '0', '--data-dir', path.join(scratch, 'demo-data')]);
    expect(code).toBe(2);
    expect(stderr).toContain('policy.file');
    expect(stderr).not.toMatch(noStackTrace);
    expect(stderr).not.toContain('Starting the sandbox EHR');
  });
});

describe('config init writes a sample config that passes config check', () => {
  it('writes callchart.yaml with its rules and policy files; check passes; a second init refuses to overwrite', () => {
    const dir = path.join(scratch, 'init');
    mkdirSync(dir);
    const init = cli(['config', 'init', dir]);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    for (const name of ['callchart.yaml', 'routing-rules.yaml', 'queue-policy.yaml']) expect(init.stdout).toContain(name);
    const check = cli(['config', 'check', path.join(dir, 'callchart.yaml')]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('valid');

    // An admin's edited file is never overwritten without --force.
    writeFileSync(path.join(dir, 'callchart.yaml'), readFileSync(path.join(dir, 'callchart.yaml'), 'utf8') + '# edited by the admin\n');
    const again = cli(['config', 'init', dir]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('callchart.yaml');
    expect(again.stderr).toContain('--force');
    expect(readFileSync(path.join(dir, 'callchart.yaml'), 'utf8')).toContain('# edited by the admin');
  });

  it('config check with no argument reads ./callchart.yaml, which init writes by default', () => {
    const dir = path.join(scratch, 'init-default');
    mkdirSync(dir);
    expect(cli(['config', 'init'], { cwd: dir }).code).toBe(0);
    const check = cli(['config', 'check'], { cwd: dir });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('valid');
  });

  it('the bundled examples stay valid when copied next to a config (what init does)', () => {
    const dir = path.join(scratch, 'copied');
    mkdirSync(dir);
    copyFileSync(exampleRules, path.join(dir, 'routing-rules.yaml'));
    copyFileSync(examplePolicy, path.join(dir, 'queue-policy.yaml'));
    writeFileSync(path.join(dir, 'callchart.yaml'), 'routing:\n  rulesFile: routing-rules.yaml\npolicy:\n  file: queue-policy.yaml\n');
    expect(cli(['config', 'check', path.join(dir, 'callchart.yaml')]).code).toBe(0);
  });
});
