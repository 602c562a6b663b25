import { z } from 'zod';
import { CallchartError } from '../lib/errors.ts';
import type { KeyEncryptionKeyProvider, KekVersion } from './kek-provider.ts';

/**
 * The KEK in HashiCorp Vault's transit secrets engine: the key never leaves Vault; Callchart sends
 * a data key to be wrapped (`POST /v1/<mount>/encrypt/<name>`) or unwrapped (`/decrypt/<name>`).
 * Vault versions the key: `POST /v1/<mount>/keys/<name>/rotate` makes a new version current, the
 * ciphertext names the version that made it (`vault:v3:…`), and `min_decryption_version` retires
 * old ones. KEK ids here are `vault:<name>:v<version>`. Vault's token needs `update` on encrypt and
 * decrypt, `read` on the key, and (for `callchart keys rotate`) `update` on rotate and config.
 */
export interface VaultTransitOptions {
  /** VAULT_ADDR, e.g. https://vault.internal:8200 */
  address: string;
  token: string;
  keyName: string;
  mount?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const encryptAnswer = z.object({ data: z.object({ ciphertext: z.string().regex(/^vault:v\d+:/) }) });
const decryptAnswer = z.object({ data: z.object({ plaintext: z.string() }) });
const keyAnswer = z.object({
  data: z.object({
    latest_version: z.number().int().positive(),
    min_decryption_version: z.number().int().positive(),
    // aes256-gcm96 keys: version → creation time (unix seconds; RFC 3339 text in some versions).
    keys: z.record(z.string(), z.union([z.number(), z.string()])),
  }),
});

export class VaultTransitKekProvider implements KeyEncryptionKeyProvider {
  readonly kind = 'vault-transit';
  readonly location: string;
  readonly #options: Required<Omit<VaultTransitOptions, 'fetch'>> & { fetch: typeof fetch };

  constructor(options: VaultTransitOptions) {
    this.#options = { mount: 'transit', timeoutMs: 5_000, fetch: globalThis.fetch, ...options };
    this.location = `${new URL(options.address).origin}/v1/${this.#options.mount}/keys/${options.keyName}`;
  }

  static fromEnv(env: NodeJS.ProcessEnv): VaultTransitKekProvider {
    const missing = ['VAULT_ADDR', 'VAULT_TOKEN', 'CALLCHART_VAULT_TRANSIT_KEY'].filter((name) => !env[name]);
    if (missing.length > 0) throw new CallchartError('CONFIG_INVALID', `CALLCHART_KEK_PROVIDER=vault-transit also needs ${missing.join(', ')}.`, { variable: missing[0]! });
    if (!URL.canParse(env.VAULT_ADDR!)) throw new CallchartError('CONFIG_INVALID', 'VAULT_ADDR is not a URL.', { variable: 'VAULT_ADDR' });
    return new VaultTransitKekProvider({
      address: env.VAULT_ADDR!, token: env.VAULT_TOKEN!, keyName: env.CALLCHART_VAULT_TRANSIT_KEY!,
      ...(env.CALLCHART_VAULT_TRANSIT_MOUNT ? { mount: env.CALLCHART_VAULT_TRANSIT_MOUNT } : {}),
    });
  }

  async #call(method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<unknown> {
    const { address, token, mount, timeoutMs } = this.#options;
    let response: Response;
    try {
      response = await this.#options.fetch(new URL(`/v1/${mount}/${pathname}`, address), {
        method,
        headers: { 'x-vault-token': token, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      throw new CallchartError('KEK_PROVIDER_UNAVAILABLE', 'Vault did not answer', { provider: 'vault-transit' });
    }
    if (response.status === 401 || response.status === 403) throw new CallchartError('KEK_PROVIDER_REJECTED', 'Vault refused the token for this transit key', { status: response.status });
    if (response.status >= 500 || response.status === 429) throw new CallchartError('KEK_PROVIDER_UNAVAILABLE', 'Vault answered with an error', { status: response.status });
    if (response.status === 204) return null;
    const answer = (await response.json().catch(() => null)) as unknown;
    if (!response.ok) throw Object.assign(new CallchartError('KEK_PROVIDER_REJECTED', 'Vault refused the request', { status: response.status }), { vaultStatus: response.status });
    return answer;
  }

  #kekId(version: number): string {
    return `vault:${this.#options.keyName}:v${version}`;
  }

  async #key(): Promise<z.infer<typeof keyAnswer>['data']> {
    const parsed = keyAnswer.safeParse(await this.#call('GET', `keys/${encodeURIComponent(this.#options.keyName)}`));
    if (!parsed.success) throw new CallchartError('KEK_PROVIDER_REJECTED', 'Vault answered the key read in a shape we do not know');
    return parsed.data.data;
  }

  async currentKekId(): Promise<string> {
    return this.#kekId((await this.#key()).latest_version);
  }

  async wrap(dataKey: Buffer): Promise<{ kekId: string; wrapped: Buffer }> {
    const parsed = encryptAnswer.safeParse(await this.#call('POST', `encrypt/${encodeURIComponent(this.#options.keyName)}`, { plaintext: dataKey.toString('base64') }));
    if (!parsed.success) throw new CallchartError('KEK_PROVIDER_REJECTED', 'Vault answered the encrypt call in a shape we do not know');
    const { ciphertext } = parsed.data.data;
    return { kekId: this.#kekId(Number(/^vault:v(\d+):/.exec(ciphertext)![1])), wrapped: Buffer.from(ciphertext, 'utf8') };
  }

  async unwrap(wrapped: Buffer, kekId: string, dataKeyId: string): Promise<Buffer> {
    const ciphertext = wrapped.toString('utf8');
    const version = /^vault:v(\d+):/.exec(ciphertext)?.[1];
    if (!version || this.#kekId(Number(version)) !== kekId) {
      throw new CallchartError('DATA_KEY_UNWRAP_FAILED', 'a wrapped data key does not name the Vault key version its row says', { kekId, keyId: dataKeyId });
    }
    let answer: unknown;
    try {
      answer = await this.#call('POST', `decrypt/${encodeURIComponent(this.#options.keyName)}`, { ciphertext });
    } catch (error) {
      // 400: Vault could not decrypt (a retired version, a tampered ciphertext).
      if ((error as { vaultStatus?: number }).vaultStatus === 400) throw new CallchartError('DATA_KEY_UNWRAP_FAILED', 'Vault could not unwrap a data key', { kekId, keyId: dataKeyId });
      throw error;
    }
    const parsed = decryptAnswer.safeParse(answer);
    if (!parsed.success) throw new CallchartError('KEK_PROVIDER_REJECTED', 'Vault answered the decrypt call in a shape we do not know');
    const key = Buffer.from(parsed.data.data.plaintext, 'base64');
    if (key.length !== 32) throw new CallchartError('DATA_KEY_UNWRAP_FAILED', 'Vault returned a data key of the wrong length', { kekId, keyId: dataKeyId });
    return key;
  }

  async rotate(): Promise<{ previousKekId: string; kekId: string }> {
    const previousKekId = await this.currentKekId();
    await this.#call('POST', `keys/${encodeURIComponent(this.#options.keyName)}/rotate`, {});
    return { previousKekId, kekId: await this.currentKekId() };
  }

  async versions(): Promise<KekVersion[]> {
    const key = await this.#key();
    return Object.entries(key.keys)
      .map(([version, created]) => ({
        id: this.#kekId(Number(version)),
        createdAt: typeof created === 'number' ? new Date(created * 1_000).toISOString() : created,
        retiredAt: Number(version) < key.min_decryption_version ? 'retired' : null,
        current: Number(version) === key.latest_version,
      }))
      .sort((a, b) => Number(a.id.split(':v')[1]) - Number(b.id.split(':v')[1]));
  }

  /** Vault retires from the oldest up: raises min_decryption_version past `kekId` when it is the oldest still open. */
  async retire(kekId: string): Promise<void> {
    const key = await this.#key();
    const version = Number(kekId.split(':v').at(-1));
    if (version !== key.min_decryption_version || version >= key.latest_version) return;
    await this.#call('POST', `keys/${encodeURIComponent(this.#options.keyName)}/config`, { min_decryption_version: version + 1 });
  }
}
