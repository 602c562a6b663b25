import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { defaultConfig } from '../src/config/config.schema.ts';
import { startEngine } from '../src/engine/engine.ts';
import { verifyStaffToken } from '../src/auth/staff-token.ts';
import { createLogger } from '../src/lib/logger.ts';
import { createMemoryKekProvider } from '../src/keys/memory-kek.client.ts';
import { seedPgliteDataDir } from './helpers/pglite-template.ts';

const bin = path.resolve('bin/callchart.js');
const scratch = mkdtempSync(path.join(tmpdir(), 'callchart-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', CALLCHART_WEBHOOK_SECRET: '', ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('callchart CLI', () => {
  it('lists its commands in --help', () => {
    const { code, stdout } = cli(['--help']);
    expect(code).toBe(0);
    for (const command of ['demo', 'serve', 'sandbox-ehr', 'simulate', 'staff-token', 'config', 'audit']) expect(stdout).toContain(command);
  });

  it('config check prints every problem with its path and exits non-zero', () => {
    const file = path.join(scratch, 'bad.yaml');
    writeFileSync(file, 'server:\n  port: 70000\nclinic:\n  defaultRegion: usa\nehr:\n  timeout: 5\n');
    const { code, stderr } = cli(['config', 'check', file]);
    expect(code).toBe(1);
    expect(stderr).toContain('3 problems');
    expect(stderr).toMatch(/server\.port: /);
    expect(stderr).toMatch(/clinic\.defaultRegion: /);
    expect(stderr).toMatch(/ehr: .*timeout/);
  });

  it('config check accepts a valid file', () => {
    const file = path.join(scratch, 'good.yaml');
    writeFileSync(file, 'clinic:\n  name: Synthetic Family Practice\nehr:\n  fhirBaseUrl: https://ehr.example.invalid/fhir/R4\n  timeoutMs: 700\n');
    const { code, stdout } = cli(['config', 'check', file]);
    expect(code).toBe(0);
    expect(stdout).toContain('valid');
  });

  it('staff-token issues a token the engine accepts, for the role and queues asked', async () => {
    const secret = randomBytes(32);
    const { code, stdout } = cli(['staff-token', '--role', 'nurse', '--queues', 'triage,refills', '--user', 'rn-7'], { CALLCHART_STAFF_TOKEN_SECRET: secret.toString('base64') });
    expect(code).toBe(0);
    const claims = await verifyStaffToken(secret, stdout.trim());
    expect(claims).toMatchObject({ sub: 'rn-7', role: 'nurse', queues: ['triage', 'refills'] });
    const wrongRole = cli(['staff-token', '--role', 'janitor'], { CALLCHART_STAFF_TOKEN_SECRET: secret.toString('base64') });
    expect(wrongRole.code).toBe(2);
    expect(wrongRole.stderr).toContain('Unknown role');
  });

  it('rejects a bad option value with a clear message', () => {
    const { code, stderr } = cli(['simulate', '--target', 'http://127.0.0.1:1', '--calls', 'many']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('calls must be an integer');
  });

  it('users add creates a local account whose one-time password signs in (authenticator enrolment next), on the embedded store when no engine holds it', async () => {
    const dataDir = path.join(scratch, 'users');
    const args = ['users', 'add', '--user-name', 'First.Admin', '--role', 'admin', '--queues', '*', '--data-dir', dataDir];
    const noStore = cli(args);
    expect(noStore.code).toBe(2);
    expect(noStore.stderr).toContain('No embedded store');
    expect(cli(['users', 'add', '--user-name', 'x', '--role', 'janitor', '--data-dir', dataDir]).stderr).toContain('Unknown role');
    await seedPgliteDataDir(dataDir);
    // One key-encryption key for both starts: the second opens the data keys the first made.
    const kek = createMemoryKekProvider();
    const start = () => startEngine({
      config: defaultConfig, dataDir, fhirBaseUrl: 'http://127.0.0.1:9/fhir/R4', webhookSecret: 'x', staffTokenSecret: randomBytes(32), dataKey: randomBytes(32), port: 0, kek,
      auditCheckpointFile: path.join(scratch, 'users-checkpoints.jsonl'), logger: createLogger({ level: 'silent' }),
    });
    let engine = await start();
    // PGlite is single-process: while an engine holds the store, the command says so and changes nothing.
    const busy = cli(args);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain('in use by process');
    await engine.close();

    const added = cli(args);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toContain('Created first.admin (admin; queues *)');
    const password = added.stdout.trim();
    expect(password).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    const again = cli(args);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');

    engine = await start();
    try {
      const signIn = await fetch(`${engine.url}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userName: 'first.admin', password }) });
      expect(await signIn.json()).toMatchObject({ status: 'enrolment-required' });
    } finally {
      await engine.close();
    }
  });

  it('audit verify passes on an intact log and names the first broken link after tampering', async () => {
    const dataDir = path.join(scratch, 'audit');
    await seedPgliteDataDir(dataDir);
    const engine = await startEngine({
      config: defaultConfig, dataDir, fhirBaseUrl: 'http://127.0.0.1:9/fhir/R4', webhookSecret: 'x', staffTokenSecret: randomBytes(32), dataKey: randomBytes(32), port: 0,
      logger: createLogger({ level: 'silent' }),
    });
    await engine.app.inject({ method: 'POST', url: '/webhooks/cti', payload: '{}', headers: { 'content-type': 'application/json' } });
    await engine.close();

    const intact = cli(['audit', 'verify', '--data-dir', dataDir]);
    expect(intact.code).toBe(0);
    // Queue policy activated, routing rules activated, engine started, webhook rejected, and the nine
    // data keys made ahead at the first start (four sealed classes × today and tomorrow, one staff-credential key).
    expect(intact.stdout).toMatch(/intact: 13 events/);

    const lite = new PGlite(path.join(dataDir, 'pgdata'));
    await lite.exec(`alter table audit_event disable trigger user;
      update audit_event set actor = 'someone-else' where seq = 2;`);
    await lite.close();
    const broken = cli(['audit', 'verify', '--data-dir', dataDir]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('BROKEN at event #2');
  });

  it('demo starts on the embedded default and simulate turns 20 calls into 20 correct Tasks', async () => {
    const dataDir = path.join(scratch, 'demo');
    const demo = spawn(process.execPath, [bin, 'demo', '--port', '0', '--data-dir', dataDir], {
      env: { ...process.env, DATABASE_URL: '', CALLCHART_WEBHOOK_SECRET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    demo.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    demo.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`demo did not start:\n${stderr}`)), 60_000);
        demo.stdout.on('data', () => {
          const match = /Staff app\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      expect(stderr).toMatch(/trials and demos only/);
      expect(stdout).toMatch(/Webhook secret\s+whsec_/);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      // Demo accounts sign in with the printed password; the authenticator is enrolled next.
      const nursePassword = /Demo users[\s\S]*?\bnurse \/ (\S+)/.exec(stdout)?.[1];
      expect(nursePassword).toBeTruthy();
      const signIn = await fetch(`${url}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userName: 'nurse', password: nursePassword }) });
      expect(await signIn.json()).toMatchObject({ status: 'enrolment-required' });
      // The demo's key-encryption key sits beside its data directory, not in it (issue 13, SE-1).
      expect(statSync(`${dataDir}.kek.json`).mode & 0o777).toBe(0o600);
      expect(readdirSync(dataDir, { recursive: true }).filter((name) => String(name).includes('kek'))).toEqual([]);

      const simulation = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, 'simulate', '--target', url, '--calls', '20', '--duplicate', '--shuffle', '--data-dir', dataDir], {
          env: { ...process.env, CALLCHART_WEBHOOK_SECRET: '' },
        });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('close', (code) => resolve({ code, out }));
      });
      expect(simulation.out).toContain('Tasks in the EHR: 20 for 20 calls; 20 linked to the right patient or to none');
      expect(simulation.code).toBe(0);
    } finally {
      demo.kill('SIGINT');
      await new Promise((resolve) => demo.once('close', resolve));
    }
    // The demo shut down cleanly and released the store.
    expect(cli(['audit', 'verify', '--data-dir', dataDir]).code).toBe(0);
  });
});
