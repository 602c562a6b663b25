import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { hashPassword, passwordMatches } from './password.ts';
import { hashRecoveryCodes, matchRecoveryCode, newRecoveryCodes } from './recovery-codes.ts';
import { newInitialPassword } from './staff-accounts.service.ts';
import { tokenScopesAllow } from './staff-token.ts';
import { checkTotpCode, newTotpSecret, totpEnrolment } from './totp.ts';

describe('passwords', () => {
  it('hashes with argon2id at OWASP parameters and checks only the right password', async () => {
    const stored = await hashPassword('synthetic-password-42');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await passwordMatches(stored, 'synthetic-password-42')).toBe(true);
    expect(await passwordMatches(stored, 'synthetic-password-43')).toBe(false);
    expect(await passwordMatches('not a hash', 'synthetic-password-42')).toBe(false);
  });

  it('makes initial passwords that differ and are long', () => {
    const passwords = new Set(Array.from({ length: 50 }, newInitialPassword));
    expect(passwords.size).toBe(50);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
  });
});

describe('TOTP', () => {
  const secret = newTotpSecret();
  const at = new Date('2026-12-07T10:00:10Z');
  const stepOf = (date: Date) => Math.floor(date.getTime() / 30_000);
  const codeAt = (date: Date) => generate({ secret, epoch: Math.floor(date.getTime() / 1000) });

  it('accepts the current code and one step of drift either way, not two', async () => {
    expect(await checkTotpCode(secret, await codeAt(at), at, null)).toBe(stepOf(at));
    expect(await checkTotpCode(secret, await codeAt(new Date(at.getTime() - 30_000)), at, null)).toBe(stepOf(at) - 1);
    expect(await checkTotpCode(secret, await codeAt(new Date(at.getTime() + 30_000)), at, null)).toBe(stepOf(at) + 1);
    expect(await checkTotpCode(secret, await codeAt(new Date(at.getTime() - 90_000)), at, null)).toBeNull();
  });

  it('refuses a code whose step was already used (replay), and malformed codes', async () => {
    const code = await codeAt(at);
    const step = await checkTotpCode(secret, code, at, null);
    expect(await checkTotpCode(secret, code, at, step)).toBeNull();
    expect(await checkTotpCode(secret, '12345', at, null)).toBeNull();
    expect(await checkTotpCode(secret, 'abcdef', at, null)).toBeNull();
  });

  it('gives the authenticator app a URI and a QR code', async () => {
    const enrolment = await totpEnrolment(secret, { issuer: 'Callchart Demo Clinic', label: 'nurse' });
    expect(enrolment.uri).toContain(`secret=${secret}`);
    expect(enrolment.uri).toContain('issuer=Callchart');
    expect(enrolment.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(enrolment.qrSvg).toContain('<svg');
  });
});

describe('recovery codes', () => {
  it('makes ten different codes and finds which stored hash a typed code matches', async () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const hashes = await hashRecoveryCodes(codes);
    expect(hashes.every((stored) => stored.startsWith('$argon2id$'))).toBe(true);
    expect(await matchRecoveryCode(hashes, codes[6]!.toUpperCase().replace('-', ' '))).toBe(6);
    expect(await matchRecoveryCode(hashes, 'aaaaa-aaaaa')).toBe(-1);
    expect(await matchRecoveryCode(hashes.filter((_, index) => index !== 6), codes[6]!)).toBe(-1);
  });
});

describe('staff token scopes', () => {
  it('narrows a token to the live board, to reads, or not at all', () => {
    expect(tokenScopesAllow(['live-display'], 'GET', '/ws')).toBe(true);
    expect(tokenScopesAllow(['live-display'], 'GET', '/api/calls')).toBe(true);
    expect(tokenScopesAllow(['live-display'], 'GET', '/api/review')).toBe(false);
    expect(tokenScopesAllow(['read'], 'GET', '/api/review')).toBe(true);
    expect(tokenScopesAllow(['read'], 'POST', '/api/review/:id/approve')).toBe(false);
    expect(tokenScopesAllow(['write'], 'POST', '/api/review/:id/approve')).toBe(true);
    expect(tokenScopesAllow([], 'GET', '/api/calls')).toBe(false);
  });
});
