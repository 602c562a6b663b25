import * as oidc from 'openid-client';
import { CallchartError } from '../lib/errors.ts';
import type { SsoFlow, SsoPurpose, SsoSettings } from './sso.ts';

/** What a completed code exchange proves about the person (the ID token verified by openid-client). */
export interface SsoIdentity {
  issuer: string;
  subject: string;
  /** All claims: the ID token's, completed from userinfo when the user claim is not in it. */
  claims: Record<string, unknown>;
  amr: unknown;
  authTime: number | undefined;
}

/** Why openid-client refused a callback, as one of our codes (never its message: it may quote the IdP). */
export type SsoCallbackFailure = 'SSO_STATE_MISMATCH' | 'SSO_IDP_ERROR';

/**
 * The relying party (openid-client v6): discovery once (retried after a failure), the authorization
 * URL with state, nonce and the PKCE challenge, and the code exchange that checks the ID token's
 * signature, issuer, audience, expiry, nonce and state.
 */
export class SsoClient {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(
    private readonly settings: SsoSettings,
    private readonly clientSecret: string,
    private readonly redirectUrl: () => string,
  ) {}

  get issuer(): string {
    return this.settings.issuer;
  }

  private discover(): Promise<oidc.Configuration> {
    this.configuration ??= oidc
      .discovery(new URL(this.settings.issuer), this.settings.clientId, { redirect_uris: [this.redirectUrl()], response_types: ['code'] }, oidc.ClientSecretBasic(this.clientSecret), {
        // Plain http is accepted only for an issuer on this machine (the schema refuses others).
        ...(this.settings.issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : {}),
        timeout: 10,
      })
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw new CallchartError('SSO_IDP_UNAVAILABLE', 'the identity provider did not answer; try again shortly', { cause: (error as { code?: string }).code });
      });
    return this.configuration;
  }

  /** A new flow: the secrets to keep (in the flow cookie) and the IdP URL to send the browser to. */
  async start(purpose: SsoPurpose, returnTo: string, now: Date, stepUpFor?: SsoFlow['stepUpFor']): Promise<{ flow: SsoFlow; url: URL }> {
    const configuration = await this.discover();
    const flow: SsoFlow = {
      state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), purpose, returnTo, startedAt: Math.floor(now.getTime() / 1000),
      ...(purpose === 'step-up' ? { stepUpFor: stepUpFor ?? 'raw-content' } : {}),
    };
    const parameters: Record<string, string> = {
      redirect_uri: this.redirectUrl(),
      scope: this.settings.scopes.join(' '),
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
    };
    // A step-up must be a fresh proof, not the IdP's remembered session.
    if (purpose === 'step-up') Object.assign(parameters, { prompt: 'login', max_age: '0' });
    return { flow, url: oidc.buildAuthorizationUrl(configuration, parameters) };
  }

  /**
   * Exchanges the code in the callback's query for verified claims, or throws a CallchartError with
   * an SSO code. The URL is rebuilt on the registered redirect URL: openid-client sends it as the
   * token request's redirect_uri, which must be exactly the one the code was issued for (the
   * request's own Host may be a proxy's view).
   */
  async finish(callbackQuery: string, flow: SsoFlow): Promise<SsoIdentity> {
    const configuration = await this.discover();
    const callbackUrl = new URL(this.redirectUrl());
    callbackUrl.search = callbackQuery;
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        pkceCodeVerifier: flow.verifier,
        idTokenExpected: true,
        // max_age=0 was asked for a step-up; openid-client then insists on auth_time (sso.ts checks how recent).
        ...(flow.purpose === 'step-up' ? { maxAge: 600 } : {}),
      });
    } catch (error) {
      throw new CallchartError(ssoFailureOf(error), 'the identity provider did not complete the sign-in', { cause: (error as { code?: string }).code });
    }
    const idToken = tokens.claims();
    if (!idToken) throw new CallchartError('SSO_IDP_ERROR', 'the identity provider sent no ID token');
    let claims: Record<string, unknown> = { ...idToken };
    if (claims[this.settings.userClaim] === undefined && configuration.serverMetadata().userinfo_endpoint) {
      // Some IdPs put profile claims only in userinfo; the subject must be the ID token's.
      try {
        claims = { ...(await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub)), ...claims };
      } catch (error) {
        throw new CallchartError('SSO_IDP_ERROR', 'the identity provider did not give the user claim', { cause: (error as { code?: string }).code });
      }
    }
    return { issuer: String(idToken.iss), subject: idToken.sub, claims, amr: idToken.amr, authTime: typeof idToken.auth_time === 'number' ? idToken.auth_time : undefined };
  }
}

function ssoFailureOf(error: unknown): SsoCallbackFailure {
  const code = (error as { code?: string }).code;
  const message = String((error as { message?: string }).message ?? '');
  // A state that does not match is a forged or replayed callback, or a flow from another browser.
  if (code === 'OAUTH_INVALID_RESPONSE' && /"state"/.test(message)) return 'SSO_STATE_MISMATCH';
  return 'SSO_IDP_ERROR';
}
