import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Finding 1, the rule for every secret (issue 11): `serve` must refuse to start with a webhook
 * secret, staff-token secret or data key shorter than 32 random bytes or obviously weak, and with
 * a Twilio auth token that is set but unusable — with a clear message naming the variable (never
 * its value), exit code 2 and no stack trace. Real Twilio tokens (32 hex characters) are accepted.
 * The trial generator makes a webhook secret of at least 32 random bytes.
 */

const bin = path.resolve('bin/callchart.js');
const scratch = mkdtempSync(path.join(tmpdir(), 'callchart-sec-secrets-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const config = path.join(scratch, 'serve.yaml');
writeFileSync(config, 'ehr:\n  fhirBaseUrl: http://127.0.0.1:9/fhir/R4\n');

const strong = {
  CALLCHART_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64url')}`,
  CALLCHART_STAFF_TOKEN_SECRET: randomBytes(32).toString('base64'),
  CALLCHART_DATA_KEY: randomBytes(32).toString('base64'),
  TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
};

interface ServeRun { code: number | null; listened: boolean; stdout: string; stderr: string }

/** Runs `callchart serve`; if it comes up, stops it with SIGTERM. Resolves when it has exited. */
function serve(env: Record<string, string>, dataDir = mkdtempSync(path.join(scratch, 'data-'))): Promise<ServeRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'serve', '-c', config, '-d', dataDir, '-p', '0'], {
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'error', EHR_CLIENT_ID: '', EHR_CLIENT_PRIVATE_JWK: '', EHR_TOKEN_URL: '', CALLCHART_KEK_FILE: `${dataDir}.kek.json`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let listened = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!listened && /listening on http/.test(stdout)) {
        listened = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (code) => resolve({ code, listened, stdout, stderr }));
  });
}

const weakCases: { name: string; variable: keyof typeof strong; value: string }[] = [
  { name: 'a webhook secret of 8 random bytes', variable: 'CALLCHART_WEBHOOK_SECRET', value: `whsec_${randomBytes(8).toString('hex')}` },
  { name: 'a webhook secret of 24 random bytes (the old trial generator)', variable: 'CALLCHART_WEBHOOK_SECRET', value: `whsec_${randomBytes(24).toString('base64url')}` },
  { name: "the webhook secret 'changeme-changeme-changeme-changeme'", variable: 'CALLCHART_WEBHOOK_SECRET', value: 'changeme-changeme-changeme-changeme' },
  { name: 'a webhook secret of one character repeated', variable: 'CALLCHART_WEBHOOK_SECRET', value: 'q'.repeat(64) },
  { name: 'a staff-token secret of 16 bytes', variable: 'CALLCHART_STAFF_TOKEN_SECRET', value: randomBytes(16).toString('base64') },
  { name: 'a staff-token secret that is not base64', variable: 'CALLCHART_STAFF_TOKEN_SECRET', value: 'this is not base64, yet long enough to pass a length check!' },
  { name: 'a data key of 16 bytes', variable: 'CALLCHART_DATA_KEY', value: randomBytes(16).toString('base64') },
  { name: 'a data key of 32 zero bytes', variable: 'CALLCHART_DATA_KEY', value: Buffer.alloc(32).toString('base64') },
  { name: 'a Twilio auth token that is set but 8 characters', variable: 'TWILIO_AUTH_TOKEN', value: 'abcd1234' },
];

describe('serve refuses weak secrets', () => {
  // Each case is its own `serve` process that stops at the secret check: side by side, as the
  // processes share nothing (each has its own data directory).
  it.concurrent.for(weakCases)('refuses $name: exit 2, names $variable, not its value, no stack trace', async ({ variable, value }, { expect }) => {
    const run = await serve({ ...strong, [variable]: value });
    expect(run.listened).toBe(false);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(variable);
    expect(run.stderr + run.stdout).not.toContain(value);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a stored trial webhook secret that is too short, naming the file and the variable', async () => {
    const dataDir = mkdtempSync(path.join(scratch, 'stored-'));
    mkdirSync(path.join(dataDir, 'secrets'));
    const old = `whsec_${randomBytes(24).toString('base64url')}`;
    writeFileSync(path.join(dataDir, 'secrets', 'webhook-secret'), `${old}\n`, { mode: 0o600 });
    const { CALLCHART_WEBHOOK_SECRET: _unused, ...others } = strong;
    const run = await serve({ ...others, CALLCHART_WEBHOOK_SECRET: '' }, dataDir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('CALLCHART_WEBHOOK_SECRET');
    expect(run.stderr).toContain('webhook-secret');
    expect(run.stderr).not.toContain(old);
  });

  it('starts with strong secrets and a real-format Twilio token; generates a trial webhook secret of ≥ 32 random bytes', async () => {
    const dataDir = mkdtempSync(path.join(scratch, 'fresh-'));
    const run = await serve({ ...strong, CALLCHART_WEBHOOK_SECRET: '' }, dataDir);
    expect(run.listened).toBe(true);
    const generated = readFileSync(path.join(dataDir, 'secrets', 'webhook-secret'), 'utf8').trim();
    expect(generated).toMatch(/^whsec_[A-Za-z0-9_-]+$/);
    expect(Buffer.from(generated.slice('whsec_'.length), 'base64url').byteLength).toBeGreaterThanOrEqual(32);
  });

  it('starts without TWILIO_AUTH_TOKEN, saying Twilio webhooks will be refused', async () => {
    const run = await serve({ ...strong, TWILIO_AUTH_TOKEN: '' });
    expect(run.listened).toBe(true);
    expect(run.stderr).toMatch(/TWILIO_AUTH_TOKEN is not set/);
  });
});
