import { z } from 'zod';

/**
 * Single sign-on with the clinic's identity provider (SE-3): OpenID Connect, authorization code
 * with PKCE. This file is the pure part: the settings, what a sign-in flow remembers between the
 * redirect out and the callback, which staff_user the IdP's claims name, and whether that person
 * may sign in. The I/O is in sso.client.ts (openid-client) and sso.routes.ts (the two routes).
 *
 * Nobody signs up through SSO: the IdP proves who the person is, Callchart decides whether that
 * person works here (a staff_user provisioned by SCIM or an admin, active). The first SSO sign-in
 * links the IdP's subject to the user; afterwards the subject must match, so a renamed or re-used
 * login name at the IdP cannot take over someone else's account.
 */

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `auth.sso` in the config file. The client secret is never here: CALLCHART_SSO_CLIENT_SECRET. */
export const ssoSettingsSchema = z
  .object({
    /** The IdP's issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). */
    issuer: z.url({ protocol: /^https?$/ }).refine((url) => url.startsWith('https:') || loopbackHosts.has(new URL(url).hostname), 'the issuer must be https (plain http only on this machine, for tests)'),
    clientId: z.string().min(1).max(256),
    /** The callback registered at the IdP; absent: `<the engine's own URL>/auth/sso/callback` (no proxy in front). */
    redirectUrl: z.url({ protocol: /^https?$/ }).optional(),
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'an OAuth scope')).min(1).default(['openid', 'email', 'profile']).refine((scopes) => scopes.includes('openid'), 'the scopes must include openid'),
    /** Which claim names the staff_user (its user name, lower-cased). */
    userClaim: z.enum(['preferred_username', 'email', 'upn', 'sub']).default('preferred_username'),
    /** Refuse a sign-in unless the IdP says the person used a second factor (`amr`). */
    requireMfaClaim: z.boolean().default(true),
    /** What the sign-in button says: "Sign in with <displayName>". */
    displayName: z.string().min(1).max(60).default('your organisation'),
  })
  .strict();
export type SsoSettings = z.infer<typeof ssoSettingsSchema>;

/** `amr` values (RFC 8176) that show a second factor or a phishing-resistant key. */
export const mfaMethods = ['mfa', 'otp', 'hwk', 'swk', 'sc', 'fpt', 'face', 'iris', 'retina', 'vbm'] as const;

/** Why a flow is under way: a sign-in, or a re-authentication before raw content, an export or a key operation. */
export const ssoPurposes = ['sign-in', 'step-up'] as const;
export type SsoPurpose = (typeof ssoPurposes)[number];

/**
 * What a flow remembers between the redirect to the IdP and the callback, in a short-lived signed
 * HttpOnly cookie on /auth/sso (never in the URL): the state and nonce to compare, the PKCE
 * verifier to send, where to go afterwards, and when it started (a step-up needs a newer auth_time).
 */
export const ssoFlowSchema = z.object({
  state: z.string().min(16).max(128),
  nonce: z.string().min(16).max(128),
  verifier: z.string().min(43).max(128),
  purpose: z.enum(ssoPurposes),
  /** For a step-up: what it is for (raw content, an export, a key operation), for the audit entry. */
  stepUpFor: z.enum(['raw-content', 'export', 'key-operation']).optional(),
  returnTo: z.string().max(200),
  startedAt: z.number().int(),
  /**
   * For a step-up: the session it is for (its id, the hash of the cookie value, never the cookie).
   * The session cookie is SameSite=Strict, so the browser does not send it on the callback, which
   * arrives from the IdP's site; the flow cookie (Lax) carries the binding instead.
   */
  sessionId: z.string().min(1).max(128).optional(),
});
export type SsoFlow = z.infer<typeof ssoFlowSchema>;

/** Pages a sign-in may return to: a path on this engine, never another site (no open redirect). */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || !/^\/[A-Za-z0-9\-_/]*$/.test(value) || value.startsWith('//') || value.length > 200) return '/';
  return value;
}

/** The user name the IdP's claims give (lower case, as staff_user.user_name), or null. */
export function userNameFromClaims(claims: Record<string, unknown>, userClaim: SsoSettings['userClaim']): string | null {
  const value = claims[userClaim];
  if (typeof value !== 'string') return null;
  const name = value.trim().toLowerCase();
  return name.length > 0 && name.length <= 320 ? name : null;
}

/** Whether the IdP reports a second factor for this sign-in. */
export function hasMfa(amr: unknown): boolean {
  return Array.isArray(amr) && amr.some((method) => (mfaMethods as readonly string[]).includes(String(method)));
}

/** The codes a refused SSO sign-in is audited and shown with. */
export const ssoRefusals = ['SSO_STATE_MISMATCH', 'SSO_IDP_ERROR', 'SSO_USER_UNKNOWN', 'SSO_USER_DISABLED', 'SSO_SUBJECT_MISMATCH', 'SSO_MFA_REQUIRED', 'SSO_REAUTH_REQUIRED', 'SSO_NOT_CONFIGURED'] as const;
export type SsoRefusal = (typeof ssoRefusals)[number];

/** The staff_user fields the decision needs. */
export interface SsoCandidate {
  id: string;
  active: boolean;
  ssoIssuer: string | null;
  ssoSubject: string | null;
}

export type SsoVerdict = { ok: true; userId: string; link: boolean } | { ok: false; refusal: SsoRefusal };

/**
 * Whether the person the IdP vouched for may sign in as `candidate` (the staff_user the claims
 * name, or null). Pure: the caller has verified the ID token (signature, issuer, audience, nonce,
 * expiry) already.
 */
export function decideSsoSignIn(input: {
  candidate: SsoCandidate | null;
  issuer: string;
  subject: string;
  amr: unknown;
  requireMfa: boolean;
  purpose: SsoPurpose;
  /** For a step-up: the signed-in person, who must be the one re-authenticating. */
  sessionUserId?: string | null;
  /** For a step-up: when the IdP last authenticated the person, and when the flow started (seconds). */
  authTime?: number | undefined;
  startedAt?: number;
}): SsoVerdict {
  const { candidate } = input;
  if (!candidate) return { ok: false, refusal: 'SSO_USER_UNKNOWN' };
  if (!candidate.active) return { ok: false, refusal: 'SSO_USER_DISABLED' };
  const linked = candidate.ssoSubject !== null;
  if (linked && (candidate.ssoSubject !== input.subject || candidate.ssoIssuer !== input.issuer)) return { ok: false, refusal: 'SSO_SUBJECT_MISMATCH' };
  if (input.requireMfa && !hasMfa(input.amr)) return { ok: false, refusal: 'SSO_MFA_REQUIRED' };
  if (input.purpose === 'step-up') {
    if (!input.sessionUserId || input.sessionUserId !== candidate.id) return { ok: false, refusal: 'SSO_SUBJECT_MISMATCH' };
    // A remembered IdP session does not count: the person must have signed in again just now
    // (a minute's grace for clocks that disagree).
    if (input.authTime === undefined || input.startedAt === undefined || input.authTime < input.startedAt - 60) return { ok: false, refusal: 'SSO_REAUTH_REQUIRED' };
  }
  return { ok: true, userId: candidate.id, link: !linked };
}

/** What the sign-in page says for each refusal: words for a person, not codes. */
export const ssoRefusalText: Record<SsoRefusal, string> = {
  SSO_STATE_MISMATCH: 'That sign-in link has expired or was opened in another browser. Start again.',
  SSO_IDP_ERROR: 'Your identity provider did not complete the sign-in. Try again, or ask your administrator.',
  SSO_USER_UNKNOWN: 'Your identity provider signed you in, but you have no Callchart account. Ask your administrator to add you.',
  SSO_USER_DISABLED: 'Your Callchart account is disabled. Ask your administrator.',
  SSO_SUBJECT_MISMATCH: 'This Callchart account is linked to a different identity at your identity provider. Ask your administrator.',
  SSO_MFA_REQUIRED: 'Callchart needs a second factor (an authenticator app or security key) at your identity provider. Sign in again with it.',
  SSO_REAUTH_REQUIRED: 'Please sign in again at your identity provider to confirm it is you.',
  SSO_NOT_CONFIGURED: 'Sign-in with an identity provider is not set up here. Use your Callchart user name and password.',
};
