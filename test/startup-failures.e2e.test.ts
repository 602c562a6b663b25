import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEhrClient } from '../src/ehr/smart-auth.ts';
import { SANDBOX_EHR_READER_SCOPES, storeSandboxEhrReader } from '../src/engine/secrets.ts';
import { startHarness, type Harness } from './helpers/engine-harness.ts';

/**
 * Issue 12, defect 8: `demo --port <busy>` spent 44 s starting, then crashed with a raw
 * EADDRINUSE stack trace. Every expected start-up failure — a port in use, the database down, a
 * wrong secret, a dead target for `simulate` — is one sentence that says what to do, exit 2, no
 * stack trace, and is found before anything is started (no sandbox EHR child is spawned).
 * Timings are measured in bench/start-refusal.bench.ts, never asserted here.
 */

const bin = path.resolve('bin/callchart.js');
const scratch = mkdtempSync(path.join(tmpdir(), 'callchart-startup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs the CLI without blocking this process (an engine in this process must keep answering). */
function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: scratch,
      env: { ...process.env, DATABASE_URL: '', CALLCHART_WEBHOOK_SECRET: '', CALLCHART_STAFF_TOKEN_SECRET: '', CALLCHART_DATA_KEY: '', TWILIO_AUTH_TOKEN: '', LOG_LEVEL: 'error', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Never left running, whatever the assertion outcome: a start that was not refused is stopped.
    const guard = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.once('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

/** One sentence, no stack trace, ending the output. */
function expectOneSentence(run: Run, says: RegExp): void {
  expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(run.stderr).not.toMatch(/node:internal|Node\.js v\d/);
  const lines = run.stderr.trim().split('\n').filter(Boolean);
  expect(lines.length, run.stderr).toBeGreaterThan(0);
  expect(lines.at(-1)).toMatch(says);
  expect(lines.at(-1)).toMatch(/[.!]$/);
}

async function busyPort(): Promise<{ port: number; close(): Promise<void> }> {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  return { port: (blocker.address() as net.AddressInfo).port, close: () => new Promise((resolve) => blocker.close(() => resolve())) };
}

async function closedPort(): Promise<number> {
  const probe = await busyPort();
  await probe.close();
  return probe.port;
}

const serveConfig = path.join(scratch, 'serve.yaml');
writeFileSync(serveConfig, 'ehr:\n  fhirBaseUrl: http://127.0.0.1:9/fhir/R4\n');

describe('a busy port is refused before anything starts', () => {
  it('demo --port <busy>: one sentence naming the port and --port, exit 2, no sandbox EHR started', async () => {
    const blocker = await busyPort();
    try {
      const run = await cli(['demo', '--port', String(blocker.port), '--data-dir', path.join(scratch, 'demo-busy'), '--patients', '10']);
      expect(run.code).toBe(2);
      expectOneSentence(run, new RegExp(`Port ${blocker.port} .*in use.*--port`));
      expect(run.stderr).not.toContain('Starting the sandbox EHR');
      expect(run.stdout).not.toContain('Staff app');
    } finally {
      await blocker.close();
    }
  });

  it('demo --ehr-port <busy>: the sandbox port is checked too, before the sandbox is spawned', async () => {
    const blocker = await busyPort();
    try {
      const run = await cli(['demo', '--port', '0', '--ehr-port', String(blocker.port), '--data-dir', path.join(scratch, 'demo-ehr-busy'), '--patients', '10']);
      expect(run.code).toBe(2);
      expectOneSentence(run, new RegExp(`Port ${blocker.port} .*in use.*--ehr-port`));
      expect(run.stderr).not.toContain('Starting the sandbox EHR');
    } finally {
      await blocker.close();
    }
  });

  it('serve --port <busy>: one sentence, exit 2, the engine never starts', async () => {
    const blocker = await busyPort();
    try {
      const run = await cli(['serve', '-c', serveConfig, '-d', path.join(scratch, 'serve-busy'), '-p', String(blocker.port)]);
      expect(run.code).toBe(2);
      expectOneSentence(run, new RegExp(`Port ${blocker.port} .*in use.*--port`));
      expect(run.stderr).not.toContain('Starting the engine');
    } finally {
      await blocker.close();
    }
  });
});

describe('a database that is down is refused before anything starts', () => {
  it('serve with DATABASE_URL where nothing listens: names host, port and database, never the password', async () => {
    const port = await closedPort();
    const run = await cli(['serve', '-c', serveConfig, '-d', path.join(scratch, 'serve-db'), '-p', '0'], { DATABASE_URL: `postgres://callchart:synthetic-pw-71@127.0.0.1:${port}/callchart` });
    expect(run.code).toBe(2);
    expectOneSentence(run, new RegExp(`database .*127\\.0\\.0\\.1:${port}/callchart.*nothing is listening.*start PostgreSQL or correct DATABASE_URL`));
    expect(run.stderr + run.stdout).not.toContain('synthetic-pw-71');
    expect(run.stderr).not.toContain('Starting the engine');
  });

  it('serve with a database that does not exist says to create it', async () => {
    const run = await cli(['serve', '-c', serveConfig, '-d', path.join(scratch, 'serve-nodb'), '-p', '0'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/callchart_missing_synthetic' });
    expect(run.code).toBe(2);
    expectOneSentence(run, /callchart_missing_synthetic.*does not exist.*createdb/);
  });

  it('demo with DATABASE_URL down: refused before the sandbox EHR is spawned', async () => {
    const port = await closedPort();
    const run = await cli(['demo', '--port', '0', '--data-dir', path.join(scratch, 'demo-db'), '--patients', '10'], { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres` });
    expect(run.code).toBe(2);
    expectOneSentence(run, /database .*nothing is listening/);
    expect(run.stderr).not.toContain('Starting the sandbox EHR');
  });
});

describe('simulate says what is wrong with its target in one sentence', () => {
  it('a --target where nothing answers: exit 2, "start the engine or pass its URL"', async () => {
    const port = await closedPort();
    const run = await cli(['simulate', '--target', `http://127.0.0.1:${port}`, '--calls', '2', '--secret', 'whsec_synthetic-not-used']);
    expect(run.code).toBe(2);
    expectOneSentence(run, new RegExp(`Nothing answers at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\).*--target`));
  });

  it('a --target that is not a URL is refused by the option parser, not a stack trace', async () => {
    const run = await cli(['simulate', '--target', 'localhost-8787', '--calls', '2']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('target must be an http:// or https:// URL');
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  describe('against a running engine', () => {
    let harness: Harness;
    let dataDir: string;
    beforeAll(async () => {
      harness = await startHarness('pglite');
      // What the demo leaves in its data directory: the sandbox's read-only client.
      dataDir = mkdtempSync(path.join(scratch, 'sim-'));
      const reader = await generateEhrClient({ clientId: 'callchart-simulator-test' });
      harness.ehr.registerClient!({ clientId: reader.credentials.clientId, jwks: reader.jwks, scopes: SANDBOX_EHR_READER_SCOPES });
      storeSandboxEhrReader(dataDir, { ...reader.credentials, tokenUrl: harness.ehr.tokenUrl!, scopes: SANDBOX_EHR_READER_SCOPES, fhirBaseUrl: harness.ehr.baseUrl });
    });
    afterAll(async () => harness?.close());

    it('the wrong webhook secret: stops at the first refused event, names where the secret came from, exit 2', async () => {
      const run = await cli(['simulate', '--target', harness.engine.url, '--calls', '3', '--data-dir', dataDir, '--secret', 'whsec_synthetic_wrong_0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c']);
      expect(run.code).toBe(2);
      expectOneSentence(run, /refused the webhook signature \(SIGNATURE_INVALID\).*--secret.*not the engine's.*--data-dir/);
      // It did not go on to wait for Tasks that cannot come.
      expect(run.stderr).not.toContain('Waiting for Tasks');
      expect(run.stdout).not.toContain('PROBLEMS FOUND');
    });

    it('the right secret still runs the simulation to OK', async () => {
      const run = await cli(['simulate', '--target', harness.engine.url, '--calls', '2', '--seed', '3', '--data-dir', dataDir, '--secret', harness.secret, '--pattern', 'event']);
      expect(run.stdout).toContain('OK');
      expect(run.code).toBe(0);
    });
  });
});
