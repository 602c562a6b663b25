import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCall, latestTranscript, loadCallAnalysis } from '../src/calls/calls.repository.ts';
import { FileKekProvider, isInside } from '../src/keys/file-kek.client.ts';
import { destroyDataKeys, EnvelopeKeyring } from '../src/keys/keyring.service.ts';
import type { KeyStatus } from '../src/keys/key-rotation.service.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { backendKinds } from './helpers/backends.ts';
import { consentEvents } from './helpers/consent-events.ts';
import { eventually, startHarness, syntheticEvent, type Harness } from './helpers/engine-harness.ts';
import { adultCallers, clinic } from './helpers/review-calls.ts';
import { signUpAndSignIn, type LocalStaff } from './helpers/staff-session.ts';

/**
 * Key tests of issue 13 (SE-1): the KEK rotates and data keys are re-wrapped while calls flow
 * through the engine (webhooks → transcript → analysis → review), with no failed request and
 * every record still opening; a destroyed data key makes its records unreadable and nothing else;
 * the key file is not in the data directory and the database holds no unwrapped key.
 * Synthetic patients and calls only.
 */
const run = promisify(execFile);
const bin = path.resolve('bin/callchart.js');

let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr.close());

/** Every sealed row of the store, opened with a keyring that has only the KEK file (no legacy key, nothing cached). */
async function openEverything(harness: Harness, kekFile: string): Promise<number> {
  const keyring = new EnvelopeKeyring({ db: harness.engine.db, kek: new FileKekProvider(kekFile), refreshMs: 0 });
  await keyring.start();
  let opened = 0;
  try {
    for (const table of ['transcript', 'identity_evidence', 'call_analysis', 'review_version']) {
      const { rows } = await harness.engine.db.query<{ ciphertext: Uint8Array; key_id: string }>(`select ciphertext, key_id from ${table}`);
      for (const row of rows) {
        await keyring.open(row.ciphertext, row.key_id);
        opened += 1;
      }
    }
  } finally {
    keyring.close();
  }
  return opened;
}

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe.each(backendKinds)('keys under load (%s)', (kind) => {
  let harness: Harness;
  const keyDir = mkdtempSync(path.join(tmpdir(), 'callchart-keys-e2e-'));
  const kekFile = path.join(keyDir, 'kek.json');
  const previousKekFile = process.env.CALLCHART_KEK_FILE;
  const statuses: Array<{ event: string; status: number }> = [];

  beforeAll(async () => {
    // The engine reads its KEK from the key file, outside the data directory, as `serve` does.
    process.env.CALLCHART_KEK_FILE = kekFile;
    harness = await startHarness(kind, { ehr });
  });
  afterAll(async () => {
    await harness?.close();
    if (previousKekFile === undefined) delete process.env.CALLCHART_KEK_FILE;
    else process.env.CALLCHART_KEK_FILE = previousKekFile;
    rmSync(keyDir, { recursive: true, force: true });
  });

  /** One call through the engine: ringing, consents, date of birth, transcript, end; every webhook answer kept. */
  async function placeCall(id: string, index: number): Promise<string> {
    const caller = adultCallers[index % adultCallers.length]!;
    const patient = clinic.patients.find((entry) => entry.id === caller.patientId)!;
    const call = { id, ani: caller.phone, dnis: '+16175550100', queue: 'demo-review', direction: 'inbound' as const };
    const event = (overrides: Parameters<typeof syntheticEvent>[0]) => ({ ...syntheticEvent(overrides), call });
    const dob = patient.birthDate!;
    const events = [
      event({ type: 'call.ringing', callId: id }),
      ...consentEvents(id, caller.phone, [], 'demo-review'),
      event({ type: 'ivr.input', callId: id, data: { kind: 'dtmf', menu: 'dob', value: `${dob.slice(5, 7)}${dob.slice(8, 10)}${dob.slice(0, 4)}` } }),
      event({ type: 'call.answered', callId: id }),
      event({ type: 'transcript.available', callId: id, data: { transcript: { text: `Synthetic: I need a refill of my lisinopril, call ${index}.` } } }),
      event({ type: 'call.ended', callId: id }),
    ];
    for (const sent of events) statuses.push({ event: `${id} ${sent.type}`, status: (await harness.post(sent)).status });
    return id;
  }

  async function reviewItemOf(providerCallId: string): Promise<string> {
    return eventually(async () => {
      const { rows } = await harness.engine.db.query<{ id: string; call_id: string }>('select r.id, r.call_id from review_item r join call c on c.id = r.call_id where c.provider_call_id = $1', [providerCallId]);
      return rows[0]?.id ?? null;
    }, 60_000, `the review item of ${providerCallId}`);
  }

  async function callIdOf(providerCallId: string): Promise<string> {
    const { rows } = await harness.engine.db.query<{ id: string }>('select id from call where provider_call_id = $1', [providerCallId]);
    return rows[0]!.id;
  }

  /** An admin signed in as a person (key operations need a fresh re-authentication; a token cannot step up). */
  let adminSession: LocalStaff | undefined;
  async function admin(method: 'GET' | 'POST', pathname: string, body?: unknown) {
    adminSession ??= await signUpAndSignIn(harness.engine, { role: 'admin' });
    const answer = await adminSession.fetch(method, pathname, body);
    return { status: answer.status, body: answer.body as Record<string, unknown> };
  }

  it('rotates the KEK and starts new data keys while calls flow: no failed request, every record still opens', async () => {
    const kekBefore = await harness.engine.keyring.kek.currentKekId();
    // Calls in two waves around the rotation, and a third while it runs.
    const first = await Promise.all([0, 1, 2, 3].map((index) => placeCall(`${kind}-load-${index}`, index)));
    const during = Promise.all([4, 5, 6, 7, 8, 9].map((index) => placeCall(`${kind}-load-${index}`, index)));
    if (kind === 'postgres') {
      // PostgreSQL: the operator's CLI, in its own process, while the engine serves.
      const { stdout } = await run(process.execPath, [bin, 'keys', 'rotate', '--data-keys'], {
        env: { ...process.env, DATABASE_URL: harness.databaseUrl!, CALLCHART_KEK_FILE: kekFile, CALLCHART_DATA_KEY: '', LOG_LEVEL: 'error' },
      });
      expect(stdout).toMatch(/New KEK version kek-\w+ is current/);
      expect(stdout).toMatch(/Re-wrap finished: (\d+)\/\1 data keys/);
      const status = await run(process.execPath, [bin, 'keys', 'status'], { env: { ...process.env, DATABASE_URL: harness.databaseUrl!, CALLCHART_KEK_FILE: kekFile, LOG_LEVEL: 'error' } });
      expect(status.stdout).toContain('Re-wrap: every live data key is under the current KEK.');
      expect(status.stdout).toMatch(/Rotation #\d+ \(kek\) by cli:\S+ at \S+: (\d+)\/\1 keys, finished/);
    } else {
      // The embedded store is held by the engine: the CLI says so and points at the admin API.
      const refused = await run(process.execPath, [bin, 'keys', 'rotate', '-d', harness.dataDir], { env: { ...process.env, DATABASE_URL: '', CALLCHART_KEK_FILE: kekFile } }).catch((error: { code: number; stderr: string }) => error);
      expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('POST <engine>/api/admin/keys/rotate') });
      const rotated = await admin('POST', '/api/admin/keys/rotate', { dataKeys: true });
      expect(rotated.status).toBe(202);
      await eventually(async () => {
        const status = (await admin('GET', '/api/admin/keys/status')).body as unknown as KeyStatus;
        return status.rotations.some((rotation) => rotation.kind === 'kek' && rotation.finishedAt) ? status : null;
      }, 30_000, 'the re-wrap to finish');
    }
    const second = await during;
    const third = await Promise.all([10, 11].map((index) => placeCall(`${kind}-load-${index}`, index)));

    expect(statuses.filter((entry) => entry.status >= 300)).toEqual([]);
    const status = await harness.engine.keys.status();
    expect(status.rewrapPending).toBe(0);
    expect(status.kekVersions.find((version) => version.id === kekBefore)).toMatchObject({ current: false, dataKeys: 0, retiredAt: expect.any(String) });
    // Every review item opens through the API (its draft, its analysis), and every sealed row opens from the key file alone.
    for (const id of [...first, ...second, ...third]) {
      const reviewId = await reviewItemOf(id);
      const opened = await fetch(`${harness.engine.url}/api/review/${reviewId}`, { headers: { authorization: `Bearer ${await harness.token('nurse')}` } });
      expect(opened.status, id).toBe(200);
    }
    expect(await openEverything(harness, kekFile)).toBeGreaterThanOrEqual(12 * 3);
  });

  it('refuses a malformed rotation request with a reason code (audited) and every role but admin', async () => {
    const malformed = await admin('POST', '/api/admin/keys/rotate', { dataKeys: 'yes' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: 'PAYLOAD_INVALID' } });
    const nurse = await fetch(`${harness.engine.url}/api/admin/keys/status`, { headers: { authorization: `Bearer ${await harness.token('nurse')}` } });
    expect(nurse.status).toBe(403);
    // An admin's service token cannot do a key operation: it cannot re-authenticate (step-up).
    const adminToken = await fetch(`${harness.engine.url}/api/admin/keys/rotate`, { method: 'POST', headers: { authorization: `Bearer ${await harness.token('admin')}`, 'content-type': 'application/json' }, body: '{}' });
    expect(((await adminToken.json()) as { error: { code: string } }).error.code).toBe('STEP_UP_UNAVAILABLE');
    await eventually(async () => {
      const { rows } = await harness.engine.db.query("select seq from audit_event where action = 'keys.kek.rotated' and outcome = 'rejected' and reason = 'PAYLOAD_INVALID'");
      return rows[0] ?? null;
    }, 10_000, 'the refusal in the audit log');
  });

  it('a destroyed data key makes its records unreadable (DATA_KEY_DESTROYED) and nothing else', async () => {
    const providerCallId = await placeCall(`${kind}-shred-1`, 1);
    await reviewItemOf(providerCallId);
    const call = (await findCall(harness.engine.db, await callIdOf(providerCallId)))!;
    const { rows } = await harness.engine.db.query<{ key_id: string }>('select key_id from transcript where call_id = $1', [call.id]);
    const transcriptKey = rows[0]!.key_id;
    expect(await destroyDataKeys(harness.engine.db, [transcriptKey], 'retention')).toEqual([transcriptKey]);

    await expect(latestTranscript(harness.engine.db, call.id, harness.engine.keyring)).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });
    // Its other classes (summary, drafts) still open; so does a fresh keyring reading them.
    expect(await loadCallAnalysis(harness.engine.db, call.id, harness.engine.keyring)).not.toBeNull();
    // The next call's transcript goes under a new key for the day and opens.
    statuses.length = 0;
    const nextId = await placeCall(`${kind}-shred-2`, 2);
    await reviewItemOf(nextId);
    expect(statuses.filter((entry) => entry.status >= 300)).toEqual([]);
    const next = (await findCall(harness.engine.db, await callIdOf(nextId)))!;
    expect(await latestTranscript(harness.engine.db, next.id, harness.engine.keyring)).toContain('Synthetic: I need a refill');
    const { rows: nextKey } = await harness.engine.db.query<{ key_id: string }>('select key_id from transcript where call_id = $1', [next.id]);
    expect(nextKey[0]!.key_id).not.toBe(transcriptKey);
  });

  it('keeps the key file out of the data directory, and no unwrapped data key or KEK in the database files', async () => {
    expect(isInside(kekFile, harness.dataDir)).toBe(false);
    const kekBytes = (JSON.parse(readFileSync(kekFile, 'utf8')) as { versions: Array<{ key: string }> }).versions.map((version) => Buffer.from(version.key, 'base64'));
    const { rows } = await harness.engine.db.query<{ id: string; wrapped_key: Uint8Array; kek_id: string }>('select id, wrapped_key, kek_id from data_key where wrapped_key is not null');
    const kek = new FileKekProvider(kekFile);
    const dataKeys = await Promise.all(rows.map((row) => kek.unwrap(Buffer.from(row.wrapped_key), row.kek_id, row.id)));
    expect(dataKeys.length).toBeGreaterThan(4);
    const secrets = [...kekBytes, ...dataKeys];
    if (kind === 'postgres') {
      const { stdout } = await run('pg_dump', ['--data-only', harness.databaseUrl!], { maxBuffer: 256 * 1024 * 1024 });
      expect(stdout).toContain('data_key');
      const dump = stdout.toLowerCase();
      for (const secret of secrets) {
        expect(dump.includes(secret.toString('hex'))).toBe(false);
        expect(stdout.includes(secret.toString('base64'))).toBe(false);
      }
    } else {
      await harness.engine.close(); // PGlite writes everything out on close; the harness removes the directory later
      const files = filesUnder(path.join(harness.dataDir, 'pgdata'));
      expect(files.length).toBeGreaterThan(100);
      for (const file of files) {
        const bytes = readFileSync(file);
        for (const secret of secrets) expect(bytes.includes(secret), file).toBe(false);
      }
    }
  });
});

describe('serve and the key file', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'callchart-keys-serve-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('refuses to start with the key file inside the data directory, and says why', async () => {
    const dataDir = path.join(scratch, 'data');
    const config = path.join(scratch, 'serve.yaml');
    writeFileSync(config, 'ehr:\n  fhirBaseUrl: http://127.0.0.1:9/fhir/R4\n');
    const child = spawn(process.execPath, [bin, 'serve', '-c', config, '-d', dataDir, '-p', '0'], {
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'error', CALLCHART_KEK_FILE: path.join(dataDir, 'secrets', 'kek.json'), EHR_CLIENT_ID: '', EHR_CLIENT_PRIVATE_JWK: '', EHR_TOKEN_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    expect(code).not.toBe(0);
    expect(output).toMatch(/inside the data directory/);
    expect(output).toMatch(/backup of the store would carry the key/);
    expect(output).not.toMatch(/listening on/);
  });
});
