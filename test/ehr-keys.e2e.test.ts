import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runKeysEhr } from '../src/cli/keys-ehr.command.ts';
import { readEhrKeySet } from '../src/ehr/ehr-client-keys.repository.ts';
import { publicJwksOfSet } from '../src/ehr/ehr-client-keys.ts';
import { ehrClientFromEnv } from '../src/engine/secrets.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { startHarness, type Harness } from './helpers/engine-harness.ts';
import { adultCallers } from './helpers/review-calls.ts';

/**
 * `callchart keys ehr` and the JWKS URL (issue 13, item 7): the sandbox EHR knows Callchart only by
 * its JWKS URL, as Epic does for a backend app, and keeps issuing tokens to the running engine
 * across a rotation — first with the previous key while the EHR still holds the old JWKS, then with
 * the new one once it fetches again — and after the old key is retired. No restart in between.
 * Synthetic patients only.
 */
describe('EHR client keys: JWKS URL, rotation with overlap, retirement', () => {
  let ehr: SandboxEhr;
  let harness: Harness;
  let dataDir: string;
  let keysFile: string;
  const clientId = 'callchart-jwks-e2e';

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'callchart-keys-'));
    keysFile = path.join(dataDir, 'outside-data-dir', 'ehr-client-keys.json');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await runKeysEhr({ dataDir, keysFile, alg: 'ES384' });
    ehr = await startSandboxEhr({ port: 0, patientCount: 240 });
    // Registered with the public keys first, so the engine's first token at start-up succeeds;
    // from then on the EHR knows the client by its JWKS URL only.
    ehr.registerClient({ clientId, jwks: publicJwksOfSet(readEhrKeySet(keysFile)!) });
    const ehrAuth = ehrClientFromEnv({ EHR_CLIENT_ID: clientId, EHR_TOKEN_URL: ehr.tokenUrl }, { keysFile })!;
    harness = await startHarness('pglite', { ehr, engine: { ehrAuth, ehrKeysFile: keysFile } });
    ehr.registerClient({ clientId, jwksUrl: `${harness.engine.url}/.well-known/jwks.json` });
  });
  afterAll(async () => {
    await harness?.close();
    await ehr?.close();
    rmSync(dataDir, { recursive: true, force: true });
    vi.restoreAllMocks();
  });

  const jwks = async () => (await (await fetch(`${harness.engine.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  let callerIndex = 0;
  /** A staff search that reaches the EHR with the engine's token: a new caller each time (no cache). */
  const searchReachesEhr = async () => {
    const caller = adultCallers[callerIndex++]!;
    const response = await fetch(`${harness.engine.url}/api/patients?phone=${encodeURIComponent(caller.phone)}`, { headers: { authorization: `Bearer ${await harness.token('nurse')}` } });
    const body = (await response.json()) as { patients?: { id: string }[] };
    return { status: response.status, found: (body.patients ?? []).map((patient) => patient.id).includes(caller.patientId) };
  };

  it('keeps the key set out of the data directory when told, mode 0600, and serves only public keys', async () => {
    expect(statSync(keysFile).mode & 0o777).toBe(0o600);
    const published = await jwks();
    expect(published.keys).toHaveLength(1);
    expect(published.keys[0]).toMatchObject({ kty: 'EC', alg: 'ES384', use: 'sig' });
    expect(JSON.stringify(published)).not.toMatch(/"d"\s*:/);
  });

  it('issues tokens across a rotation and a retirement, without a restart', async () => {
    // Every step forces a new token request: the EHR revokes what it issued.
    ehr.revokeAccessTokens();
    expect(await searchReachesEhr()).toEqual({ status: 200, found: true });
    const before = ehr.stats();
    const [oldKid] = (await jwks()).keys.map((key) => key.kid);

    await runKeysEhr({ dataDir, keysFile, alg: 'RS384', rotate: true });
    const rotated = await jwks();
    expect(rotated.keys.map((key) => key.kid)).toEqual([readEhrKeySet(keysFile)!.keys[0]!.privateJwk.kid, oldKid]);
    expect(rotated.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS384' });

    // The EHR still holds the JWKS it fetched before the rotation: it refuses the new key once, and
    // the engine falls back to the previous key, still published.
    ehr.revokeAccessTokens();
    expect(await searchReachesEhr()).toEqual({ status: 200, found: true });
    const overlap = ehr.stats();
    expect(overlap.tokensIssued).toBe(before.tokensIssued + 1);
    expect(overlap.tokenRequestsRefused).toBe(before.tokenRequestsRefused + 1);

    // The EHR fetches the JWKS again (what its cache expiry does): the new key signs, first time.
    ehr.registerClient({ clientId, jwksUrl: `${harness.engine.url}/.well-known/jwks.json` });
    ehr.revokeAccessTokens();
    expect(await searchReachesEhr()).toEqual({ status: 200, found: true });
    const fresh = ehr.stats();
    expect(fresh.tokensIssued).toBe(overlap.tokensIssued + 1);
    expect(fresh.tokenRequestsRefused).toBe(overlap.tokenRequestsRefused);

    // Retired: the old key leaves the JWKS; tokens keep coming with the new one.
    await runKeysEhr({ dataDir, keysFile, alg: 'ES384', retire: true });
    expect((await jwks()).keys.map((key) => key.kid)).not.toContain(oldKid);
    ehr.registerClient({ clientId, jwksUrl: `${harness.engine.url}/.well-known/jwks.json` });
    ehr.revokeAccessTokens();
    expect(await searchReachesEhr()).toEqual({ status: 200, found: true });
    expect(ehr.stats().tokenRequestsRefused).toBe(fresh.tokenRequestsRefused);
  });
});
