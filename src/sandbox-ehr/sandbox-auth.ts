/**
 * The sandbox's authorization server, SMART Backend Services as Epic runs it: a registered client
 * proves itself with a JWT signed by its private key (RS384 or ES384, verified against the JWKS it
 * registered), and gets a short-lived opaque bearer token carrying the scopes it asked for, narrowed
 * to what its registration allows. The FHIR edge then checks every request against those scopes.
 *
 * Tokens live in memory and die with the process, like everything else in the sandbox.
 */
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import { grantScopes, parseScope, type SystemScope } from './smart-scopes.ts';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ASSERTION_ALGORITHMS = ['RS384', 'ES384'];
/** Epic's rule: an assertion may not be valid for more than five minutes. */
const MAX_ASSERTION_LIFETIME_SECONDS = 300;
/** Clock skew allowed between client and server, both ways. */
const CLOCK_TOLERANCE_SECONDS = 5;
const REALM = 'callchart-sandbox-ehr';

/** A backend client registered with the sandbox: its public keys, and the scopes it may be granted. */
export interface SandboxClient {
  clientId: string;
  /** The client's public keys. One of `jwks` or `jwksUrl` is required. */
  jwks?: JSONWebKeySet;
  /** Where the client publishes its JWKS (fetched and cached by jose). */
  jwksUrl?: string;
  /** What the client may be granted; default every system scope (`system/*.cruds`). */
  scopes?: readonly string[];
}

export interface AccessGrant {
  clientId: string;
  scopes: readonly SystemScope[];
  expiresAt: number;
}

export type TokenResponse =
  | { status: 200; body: { access_token: string; token_type: 'Bearer'; expires_in: number; scope: string } }
  | { status: 400 | 401; body: { error: string; error_description: string } };

export type BearerCheck = { ok: true; grant: AccessGrant } | { ok: false; wwwAuthenticate: string; reason: string };

interface RegisteredClient {
  clientId: string;
  keys: JWTVerifyGetKey;
  allowedScopes: readonly string[];
}

export class SandboxAuthorizationServer {
  private readonly clients = new Map<string, RegisteredClient>();
  private readonly tokens = new Map<string, AccessGrant>();
  /** jti → expiry (ms): a seen assertion is refused until it would have expired anyway. */
  private readonly seenAssertions = new Map<string, number>();
  private readonly ttlSeconds: number;
  private issued = 0;
  private refused = 0;

  constructor(options: { accessTokenTtlSeconds?: number; clients?: readonly SandboxClient[] } = {}) {
    this.ttlSeconds = options.accessTokenTtlSeconds ?? 300;
    for (const client of options.clients ?? []) this.registerClient(client);
  }

  stats(): { tokensIssued: number; tokenRequestsRefused: number; registeredClients: number } {
    return { tokensIssued: this.issued, tokenRequestsRefused: this.refused, registeredClients: this.clients.size };
  }

  /** Register (or replace) a client. Refuses private key material: the EHR holds public keys only. */
  registerClient(client: SandboxClient): void {
    if (!client.clientId) throw new Error('clientId is required');
    let keys: JWTVerifyGetKey;
    if (client.jwks) {
      if (!Array.isArray(client.jwks.keys) || client.jwks.keys.length === 0) throw new Error(`JWKS for ${client.clientId} has no keys`);
      if (client.jwks.keys.some((key) => 'd' in key || 'k' in key)) throw new Error(`JWKS for ${client.clientId} contains private or symmetric key material`);
      keys = createLocalJWKSet(client.jwks);
    } else if (client.jwksUrl) {
      keys = createRemoteJWKSet(new URL(client.jwksUrl));
    } else {
      throw new Error(`client ${client.clientId} needs jwks or jwksUrl`);
    }
    this.clients.set(client.clientId, { clientId: client.clientId, keys, allowedScopes: client.scopes ?? ['system/*.cruds'] });
  }

  /**
   * The token endpoint (`POST /oauth2/token`, form-encoded, client_credentials + private_key_jwt).
   *
   * @param form - the decoded form fields
   * @param audiences - token endpoint URLs the assertion's `aud` may name
   */
  async token(form: Record<string, unknown>, audiences: readonly string[]): Promise<TokenResponse> {
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
    if (field('grant_type') !== 'client_credentials') return this.refuse(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
    if (field('client_assertion_type') !== CLIENT_ASSERTION_TYPE) return this.refuse(400, 'invalid_request', `client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`);
    const assertion = field('client_assertion');
    if (!assertion) return this.refuse(400, 'invalid_request', 'client_assertion is required');

    let issuer: string | undefined;
    try {
      issuer = decodeJwt(assertion).iss;
    } catch {
      return this.refuse(400, 'invalid_client', 'client_assertion is not a JWT');
    }
    const client = issuer ? this.clients.get(issuer) : undefined;
    if (!client) return this.refuse(400, 'invalid_client', 'unknown client');
    if (field('client_id') && field('client_id') !== client.clientId) return this.refuse(400, 'invalid_client', 'client_id does not match the assertion');

    let claims: { exp?: number; jti?: string };
    try {
      ({ payload: claims } = await jwtVerify(assertion, client.keys, {
        algorithms: ASSERTION_ALGORITHMS,
        issuer: client.clientId,
        subject: client.clientId,
        audience: [...audiences],
        requiredClaims: ['exp', 'jti'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      // Say which check failed (a developer needs it), never echo the assertion.
      const reason = error instanceof joseErrors.JWTExpired ? 'assertion expired'
        : error instanceof joseErrors.JWTClaimValidationFailed ? `assertion claim ${error.claim} is wrong`
          : error instanceof joseErrors.JOSEAlgNotAllowed ? 'assertion must be signed RS384 or ES384'
            : 'assertion signature does not verify against the registered keys';
      return this.refuse(400, 'invalid_client', reason);
    }
    const nowSeconds = Date.now() / 1000;
    if (claims.exp! - nowSeconds > MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) {
      return this.refuse(400, 'invalid_client', 'assertion exp is more than 5 minutes ahead');
    }
    this.forgetExpiredAssertions();
    const replayKey = `${client.clientId}\n${claims.jti!}`;
    if (this.seenAssertions.has(replayKey)) return this.refuse(400, 'invalid_client', 'assertion jti was already used');
    this.seenAssertions.set(replayKey, (claims.exp! + CLOCK_TOLERANCE_SECONDS) * 1000);

    const requested = field('scope').split(/\s+/).filter(Boolean);
    if (requested.length === 0) return this.refuse(400, 'invalid_scope', 'scope is required');
    const granted = grantScopes(requested, client.allowedScopes);
    if (granted.length === 0) return this.refuse(400, 'invalid_scope', 'none of the requested scopes can be granted');

    const accessToken = this.mint(client.clientId, granted);
    this.issued++;
    return { status: 200, body: { access_token: accessToken, token_type: 'Bearer', expires_in: this.ttlSeconds, scope: granted.join(' ') } };
  }

  /** Check an `Authorization` header; on failure, the `WWW-Authenticate` to answer 401 with (RFC 6750). */
  authenticate(authorization: string | undefined): BearerCheck {
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(authorization ?? '');
    if (!match) return { ok: false, reason: 'missing bearer token', wwwAuthenticate: `Bearer realm="${REALM}"` };
    const grant = this.tokens.get(match[1]!);
    if (!grant || grant.expiresAt <= Date.now()) {
      if (grant) this.tokens.delete(match[1]!);
      const reason = grant ? 'access token expired' : 'access token is not valid';
      return { ok: false, reason, wwwAuthenticate: `Bearer realm="${REALM}", error="invalid_token", error_description="${reason}"` };
    }
    return { ok: true, grant };
  }

  /** In-process only (tests, benchmarks): a token without the assertion round trip. Not reachable over HTTP. */
  issueTestToken(scope = 'system/*.cruds'): string {
    return this.mint('sandbox-test', grantScopes(scope.split(/\s+/).filter(Boolean), ['system/*.cruds']));
  }

  /** Every issued token stops working (what an EHR does when a client is disabled or keys rotate). */
  revokeAccessTokens(): void {
    this.tokens.clear();
  }

  private mint(clientId: string, granted: readonly string[]): string {
    const accessToken = randomBytes(32).toString('base64url');
    const scopes = granted.map(parseScope).filter((scope): scope is SystemScope => scope !== null);
    if (this.tokens.size > 10_000) {
      const now = Date.now();
      for (const [token, grant] of this.tokens) if (grant.expiresAt <= now) this.tokens.delete(token);
    }
    this.tokens.set(accessToken, { clientId, scopes, expiresAt: Date.now() + this.ttlSeconds * 1000 });
    return accessToken;
  }

  private forgetExpiredAssertions(): void {
    const now = Date.now();
    for (const [key, expiresAt] of this.seenAssertions) if (expiresAt <= now) this.seenAssertions.delete(key);
  }

  private refuse(status: 400 | 401, error: string, description: string): TokenResponse {
    this.refused++;
    return { status, body: { error, error_description: description } };
  }
}

export const sandboxRealm = REALM;
