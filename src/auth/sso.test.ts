import { describe, expect, it } from 'vitest';
import { decideSsoSignIn, hasMfa, safeReturnTo, ssoSettingsSchema, userNameFromClaims, type SsoCandidate } from './sso.ts';

const issuer = 'https://idp.clinic.example';
const linked: SsoCandidate = { id: 'u-1', active: true, ssoIssuer: issuer, ssoSubject: 'sub-1' };
const unlinked: SsoCandidate = { id: 'u-2', active: true, ssoIssuer: null, ssoSubject: null };
const base = { issuer, subject: 'sub-1', amr: ['pwd', 'mfa'], requireMfa: true, purpose: 'sign-in' as const };

describe('who may sign in through the identity provider', () => {
  it('lets a provisioned, active person in, and links their subject the first time only', () => {
    expect(decideSsoSignIn({ ...base, candidate: unlinked, subject: 'sub-2' })).toEqual({ ok: true, userId: 'u-2', link: true });
    expect(decideSsoSignIn({ ...base, candidate: linked })).toEqual({ ok: true, userId: 'u-1', link: false });
  });

  it('refuses someone with no account (no self-registration) and a disabled account', () => {
    expect(decideSsoSignIn({ ...base, candidate: null })).toEqual({ ok: false, refusal: 'SSO_USER_UNKNOWN' });
    expect(decideSsoSignIn({ ...base, candidate: { ...linked, active: false } })).toEqual({ ok: false, refusal: 'SSO_USER_DISABLED' });
  });

  it('refuses another IdP identity that now carries a linked user name (a re-used login or another issuer)', () => {
    expect(decideSsoSignIn({ ...base, candidate: linked, subject: 'sub-other' })).toEqual({ ok: false, refusal: 'SSO_SUBJECT_MISMATCH' });
    expect(decideSsoSignIn({ ...base, candidate: linked, issuer: 'https://other-idp.example' })).toEqual({ ok: false, refusal: 'SSO_SUBJECT_MISMATCH' });
  });

  it('requires a second factor in amr when configured, and only then', () => {
    expect(decideSsoSignIn({ ...base, candidate: linked, amr: ['pwd'] })).toEqual({ ok: false, refusal: 'SSO_MFA_REQUIRED' });
    expect(decideSsoSignIn({ ...base, candidate: linked, amr: undefined })).toEqual({ ok: false, refusal: 'SSO_MFA_REQUIRED' });
    expect(decideSsoSignIn({ ...base, candidate: linked, amr: ['pwd'], requireMfa: false }).ok).toBe(true);
    expect(hasMfa(['pwd', 'hwk'])).toBe(true);
    expect(hasMfa('mfa')).toBe(false);
  });

  it('accepts a step-up only from the signed-in person, freshly authenticated', () => {
    const stepUp = { ...base, candidate: linked, purpose: 'step-up' as const, startedAt: 1_000 };
    expect(decideSsoSignIn({ ...stepUp, sessionUserId: 'u-1', authTime: 1_005 }).ok).toBe(true);
    // The IdP's remembered session from an hour ago does not count.
    expect(decideSsoSignIn({ ...stepUp, sessionUserId: 'u-1', authTime: 1_000 - 3_600 })).toEqual({ ok: false, refusal: 'SSO_REAUTH_REQUIRED' });
    expect(decideSsoSignIn({ ...stepUp, sessionUserId: 'u-1', authTime: undefined })).toEqual({ ok: false, refusal: 'SSO_REAUTH_REQUIRED' });
    expect(decideSsoSignIn({ ...stepUp, sessionUserId: 'u-9', authTime: 1_005 })).toEqual({ ok: false, refusal: 'SSO_SUBJECT_MISMATCH' });
    expect(decideSsoSignIn({ ...stepUp, sessionUserId: null, authTime: 1_005 })).toEqual({ ok: false, refusal: 'SSO_SUBJECT_MISMATCH' });
  });
});

describe('reading the IdP claims and the settings', () => {
  it('names the user by the configured claim, lower-cased', () => {
    expect(userNameFromClaims({ preferred_username: ' Dana.Nurse ' }, 'preferred_username')).toBe('dana.nurse');
    expect(userNameFromClaims({ email: 'Dana@Clinic.Example' }, 'email')).toBe('dana@clinic.example');
    expect(userNameFromClaims({ email: 'dana@clinic.example' }, 'preferred_username')).toBeNull();
    expect(userNameFromClaims({ preferred_username: 42 }, 'preferred_username')).toBeNull();
  });

  it('returns only to a path on this engine (no open redirect)', () => {
    expect(safeReturnTo('/review')).toBe('/review');
    expect(safeReturnTo('//evil.example/x')).toBe('/');
    expect(safeReturnTo('https://evil.example')).toBe('/');
    expect(safeReturnTo('/review?x=1')).toBe('/');
    expect(safeReturnTo(undefined)).toBe('/');
  });

  it('refuses a plain-http issuer that is not this machine, and scopes without openid', () => {
    expect(ssoSettingsSchema.safeParse({ issuer: 'http://idp.clinic.example', clientId: 'c' }).success).toBe(false);
    expect(ssoSettingsSchema.safeParse({ issuer: 'http://127.0.0.1:4000', clientId: 'c' }).success).toBe(true);
    expect(ssoSettingsSchema.safeParse({ issuer: 'https://idp.clinic.example', clientId: 'c', scopes: ['email'] }).success).toBe(false);
    expect(ssoSettingsSchema.parse({ issuer: 'https://idp.clinic.example', clientId: 'c' })).toMatchObject({ scopes: ['openid', 'email', 'profile'], userClaim: 'preferred_username', requireMfaClaim: true });
  });
});
