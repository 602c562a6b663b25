import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb } from '../../test/helpers/backends.ts';
import type { Db } from '../store/db.ts';
import { KeyOperations } from './key-rotation.service.ts';
import { EnvelopeKeyring } from './keyring.service.ts';
import { VaultTransitKekProvider } from './vault-transit.client.ts';

/**
 * A small server that speaks Vault's documented transit API (https://developer.hashicorp.com/vault/api-docs/secret/transit):
 * POST /v1/transit/encrypt/:name {plaintext: base64} → {data: {ciphertext: "vault:vN:…", key_version}};
 * POST /v1/transit/decrypt/:name {ciphertext} → {data: {plaintext}}; GET /v1/transit/keys/:name →
 * {data: {latest_version, min_decryption_version, keys: {"1": unix time}}}; POST …/keys/:name/rotate;
 * POST …/keys/:name/config {min_decryption_version}. X-Vault-Token is required; errors are {errors: [...]}.
 */
function startFakeVault(token: string, keyName: string) {
  const versions = new Map<number, { key: Buffer; created: number }>([[1, { key: randomBytes(32), created: Math.floor(Date.now() / 1000) }]]);
  let latest = 1;
  let minDecryption = 1;
  const calls: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const send = (status: number, payload?: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(payload === undefined ? '' : JSON.stringify(payload));
      };
      calls.push(`${request.method} ${request.url}`);
      if (request.headers['x-vault-token'] !== token) return send(403, { errors: ['permission denied'] });
      const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      const url = request.url ?? '';
      if (request.method === 'POST' && url === `/v1/transit/encrypt/${keyName}`) {
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', versions.get(latest)!.key, iv);
        const sealed = Buffer.concat([iv, cipher.update(Buffer.from(String(input.plaintext), 'base64')), cipher.final(), cipher.getAuthTag()]);
        return send(200, { data: { ciphertext: `vault:v${latest}:${sealed.toString('base64')}`, key_version: latest } });
      }
      if (request.method === 'POST' && url === `/v1/transit/decrypt/${keyName}`) {
        const match = /^vault:v(\d+):(.+)$/.exec(String(input.ciphertext));
        const version = match ? Number(match[1]) : 0;
        if (!match || version < minDecryption || !versions.has(version)) return send(400, { errors: ['invalid ciphertext: key version is disallowed by policy'] });
        const sealed = Buffer.from(match[2]!, 'base64');
        try {
          const decipher = createDecipheriv('aes-256-gcm', versions.get(version)!.key, sealed.subarray(0, 12));
          decipher.setAuthTag(sealed.subarray(sealed.length - 16));
          const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
          return send(200, { data: { plaintext: plain.toString('base64') } });
        } catch {
          return send(400, { errors: ['cipher: message authentication failed'] });
        }
      }
      if (request.method === 'GET' && url === `/v1/transit/keys/${keyName}`) {
        return send(200, { data: { name: keyName, type: 'aes256-gcm96', latest_version: latest, min_decryption_version: minDecryption, keys: Object.fromEntries([...versions].map(([version, { created }]) => [String(version), created])) } });
      }
      if (request.method === 'POST' && url === `/v1/transit/keys/${keyName}/rotate`) {
        latest += 1;
        versions.set(latest, { key: randomBytes(32), created: Math.floor(Date.now() / 1000) });
        return send(204);
      }
      if (request.method === 'POST' && url === `/v1/transit/keys/${keyName}/config`) {
        minDecryption = Number(input.min_decryption_version);
        return send(204);
      }
      return send(404, { errors: [] });
    });
  });
  return {
    calls,
    state: () => ({ latest, minDecryption }),
    keys: () => [...versions.values()].map((version) => version.key),
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('Vault transit KEK provider against the documented wire format', () => {
  const token = `hvs.synthetic-${randomBytes(8).toString('hex')}`;
  const vault = startFakeVault(token, 'callchart');
  let address: string;
  let db: Db;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    address = await vault.listen();
    ({ db, dispose } = await openTestDb('pglite'));
  });
  afterAll(async () => {
    await dispose();
    await vault.close();
  });

  it('wraps data keys in Vault, rotates the Vault key, re-wraps and retires the old version, and content keeps opening', async () => {
    const kek = VaultTransitKekProvider.fromEnv({ VAULT_ADDR: address, VAULT_TOKEN: token, CALLCHART_VAULT_TRANSIT_KEY: 'callchart' });
    const keyring = new EnvelopeKeyring({ db, kek, refreshMs: 0 });
    await keyring.start();
    try {
      const sealed = await keyring.sealFor('transcript', new Date('2026-12-01T09:00:00Z'), 'Synthetic caller for Vault.');
      const { rows } = await db.query<{ kek_id: string; wrapped_key: Uint8Array }>('select kek_id, wrapped_key from data_key where id = $1', [sealed.keyId]);
      expect(rows[0]!.kek_id).toBe('vault:callchart:v1');
      expect(Buffer.from(rows[0]!.wrapped_key).toString('utf8')).toMatch(/^vault:v1:/);

      const keys = new KeyOperations({ db, keyring });
      const { kek: rotation, rewrap } = await keys.rotate({ actor: 'staff:test-admin' });
      expect(rotation).toMatchObject({ fromKekId: 'vault:callchart:v1', toKekId: 'vault:callchart:v2' });
      await rewrap;
      // Re-wrapped under v2, and v1 retired in Vault (min_decryption_version raised).
      expect(vault.state()).toEqual({ latest: 2, minDecryption: 2 });
      expect((await keys.status()).kekVersions).toEqual([
        expect.objectContaining({ id: 'vault:callchart:v1', retiredAt: 'retired', dataKeys: 0 }),
        expect.objectContaining({ id: 'vault:callchart:v2', current: true }),
      ]);
      const fresh = new EnvelopeKeyring({ db, kek, refreshMs: 0 });
      await fresh.start();
      try {
        expect(await fresh.open(sealed.sealed, sealed.keyId)).toBe('Synthetic caller for Vault.');
      } finally {
        fresh.close();
      }
      // Vault's keys never reach the database.
      const { rows: wrapped } = await db.query<{ wrapped_key: Uint8Array }>('select wrapped_key from data_key where wrapped_key is not null');
      const stored = Buffer.concat(wrapped.map((row) => Buffer.from(row.wrapped_key)));
      for (const key of vault.keys()) expect(stored.includes(key)).toBe(false);
    } finally {
      keyring.close();
    }
  });

  it('says what is wrong without the token or the server, and never starts on a foreign key', async () => {
    const wrongToken = new VaultTransitKekProvider({ address, token: 'hvs.wrong', keyName: 'callchart' });
    await expect(wrongToken.currentKekId()).rejects.toMatchObject({ code: 'KEK_PROVIDER_REJECTED' });
    const gone = new VaultTransitKekProvider({ address: 'http://127.0.0.1:9', token, keyName: 'callchart', timeoutMs: 2_000 });
    await expect(gone.wrap(randomBytes(32))).rejects.toMatchObject({ code: 'KEK_PROVIDER_UNAVAILABLE' });
    expect(() => VaultTransitKekProvider.fromEnv({ VAULT_ADDR: address })).toThrow(/VAULT_TOKEN, CALLCHART_VAULT_TRANSIT_KEY/);
    // A wrapped key naming one version but sealed under another is refused, not decrypted.
    const kek = new VaultTransitKekProvider({ address, token, keyName: 'callchart' });
    const { wrapped } = await kek.wrap(randomBytes(32));
    await expect(kek.unwrap(wrapped, 'vault:callchart:v1', 'dk-test')).rejects.toMatchObject({ code: 'DATA_KEY_UNWRAP_FAILED' });
    expect(vault.calls.every((call) => !call.includes(token))).toBe(true);
  });
});
