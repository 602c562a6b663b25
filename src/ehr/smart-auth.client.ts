/**
 * The SMART Backend Services token client: trades signed client assertions for bearer tokens at
 * the EHR's token endpoint, caches them, and refreshes before they expire. The I/O half of
 * smart-auth.ts (which holds the pure parts: key handling, assertion signing, scopes).
 *
 * Tokens and assertions are credentials: nothing here logs, and no error carries either.
 */
import { CallchartError } from '../lib/errors.ts';
import {
  CLIENT_ASSERTION_TYPE,
  DEFAULT_EHR_SCOPES,
  loadSigningKey,
  parseRetryAfter,
  signClientAssertion,
  type AccessTokenProvider,
  type EhrClientCredentials,
  type SigningKey,
} from './smart-auth.ts';

export interface SmartTokenProviderOptions extends EhrClientCredentials {
  /** Budget for one token request; default 10 s. */
  timeoutMs?: number;
  /** Fetch a new token this long before the current one expires; default 60 s. */
  refreshMarginSeconds?: number;
  /** After a permanent refusal, answer with it (no network) for this long; default 10 s. */
  rejectionCooldownMs?: number;
  /** Milliseconds since the epoch for cache expiry decisions; injectable for tests. Assertions use the wall clock. */
  clock?: () => number;
}

interface CachedToken {
  accessToken: string;
  expiresAt: number;
  scope: string;
}

export class SmartBackendTokenProvider implements AccessTokenProvider {
  readonly clientId: string;
  readonly tokenUrl: string;
  readonly scopes: readonly string[];
  private readonly options: SmartTokenProviderOptions;
  private readonly clock: () => number;
  private signingKey: Promise<SigningKey> | null = null;
  /** Imported keys of a rotating key set, by kid. */
  private readonly keysByKid = new Map<string, Promise<SigningKey>>();
  private cached: CachedToken | null = null;
  private inflight: Promise<CachedToken> | null = null;
  private rejected: { error: CallchartError; until: number } | null = null;
  private requests = 0;

  constructor(options: SmartTokenProviderOptions) {
    this.options = options;
    this.clientId = options.clientId;
    this.tokenUrl = options.tokenUrl;
    this.scopes = options.scopes ?? DEFAULT_EHR_SCOPES;
    this.clock = options.clock ?? Date.now;
  }

  /** Token requests made so far (tests and metrics; never the tokens themselves). */
  stats(): { tokenRequests: number; cachedScope: string | null } {
    return { tokenRequests: this.requests, cachedScope: this.cached?.scope ?? null };
  }

  async getAccessToken(): Promise<string> {
    const now = this.clock();
    const marginMs = (this.options.refreshMarginSeconds ?? 60) * 1000;
    const current = this.cached;
    if (current && now < current.expiresAt - marginMs) return current.accessToken;
    if (current && now < current.expiresAt) {
      // Still valid: answer now and refresh behind it, so a live call never waits on the token endpoint.
      void this.refresh().catch(() => undefined);
      return current.accessToken;
    }
    return (await this.refresh()).accessToken;
  }

  invalidate(token: string): void {
    if (this.cached?.accessToken === token) this.cached = null;
  }

  /** Single flight: every caller that needs a token while one is being fetched shares that fetch. */
  private refresh(): Promise<CachedToken> {
    if (this.rejected && this.clock() < this.rejected.until) return Promise.reject(this.rejected.error);
    this.inflight ??= this.requestToken().then(
      (token) => {
        this.inflight = null;
        this.cached = token;
        this.rejected = null;
        return token;
      },
      (error: unknown) => {
        this.inflight = null;
        if (error instanceof CallchartError && error.retry === 'permanent') {
          this.rejected = { error, until: this.clock() + (this.options.rejectionCooldownMs ?? 10_000) };
        }
        throw error;
      },
    );
    return this.inflight;
  }

  /** A signed client assertion for this client (see `signClientAssertion`), with the current key (or the `keyIndex`-th newest). */
  async createClientAssertion(keyIndex = 0): Promise<string> {
    return signClientAssertion(this.options, await this.signingKeyAt(keyIndex));
  }

  /** How many keys a token request may try: the newest, and the one before it during a rotation. */
  private signingKeyCount(): number {
    return Math.min(2, this.options.signingKeys?.().length ?? 1);
  }

  private signingKeyAt(index: number): Promise<SigningKey> {
    const rotating = this.options.signingKeys?.()[index];
    if (!rotating) return (this.signingKey ??= loadSigningKey(this.options));
    const kid = String(rotating.kid);
    let loaded = this.keysByKid.get(kid);
    if (!loaded) {
      loaded = loadSigningKey({ clientId: this.clientId, tokenUrl: this.tokenUrl, privateKey: rotating, keyId: kid });
      this.keysByKid.set(kid, loaded);
    }
    return loaded;
  }

  private async requestToken(): Promise<CachedToken> {
    const keys = this.signingKeyCount();
    for (let index = 0; ; index++) {
      try {
        return await this.requestTokenWith(index);
      } catch (error) {
        // A rotation the EHR has not caught up with (it caches our JWKS): the previous key is still
        // published, so it may still sign until the EHR fetches the new set.
        const unknownKey = error instanceof CallchartError && error.code === 'EHR_AUTH_REJECTED' && error.detail?.error === 'invalid_client';
        if (!unknownKey || index + 1 >= keys) throw error;
      }
    }
  }

  private async requestTokenWith(keyIndex: number): Promise<CachedToken> {
    this.requests++;
    const detail = { stage: 'token' };
    let assertion: string;
    try {
      assertion = await this.createClientAssertion(keyIndex);
    } catch (error) {
      throw new CallchartError('EHR_AUTH_REJECTED', 'EHR client key cannot sign a client assertion', detail, { cause: error });
    }
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
      scope: this.scopes.join(' '),
    });
    const sentAt = this.clock();
    let response: Response;
    try {
      response = await fetch(this.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      // Asking for a token changes nothing in the chart: unreachable or slow is simply transient.
      throw new CallchartError('EHR_UNAVAILABLE', 'EHR token endpoint unreachable', detail, { cause: error });
    }
    const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    if (response.status >= 500 || response.status === 429) {
      const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), this.clock());
      throw new CallchartError('EHR_UNAVAILABLE', `EHR token endpoint answered ${response.status}`, {
        ...detail, status: response.status, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      });
    }
    if (response.status !== 200) {
      // invalid_client, invalid_scope, unauthorized_client…: a registration problem, not an outage.
      const oauthError = typeof body?.error === 'string' && /^[a-z_]{1,40}$/.test(body.error) ? body.error : 'unknown';
      throw new CallchartError('EHR_AUTH_REJECTED', `EHR token endpoint refused the client (${response.status} ${oauthError})`, {
        ...detail, status: response.status, error: oauthError,
      });
    }
    const accessToken = body?.access_token;
    const tokenType = body?.token_type;
    if (typeof accessToken !== 'string' || !accessToken || typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
      throw new CallchartError('EHR_AUTH_REJECTED', 'EHR token endpoint answered without a bearer token', { ...detail, status: 200 });
    }
    const expiresIn = typeof body?.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 300;
    return { accessToken, expiresAt: sentAt + expiresIn * 1000, scope: typeof body?.scope === 'string' ? body.scope : '' };
  }
}
