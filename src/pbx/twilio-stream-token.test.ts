import { describe, expect, it } from 'vitest';
import { mintStreamToken, streamTokenKey, verifyStreamToken } from './twilio-stream-token.ts';

// Synthetic auth tokens and SIDs.
const key = streamTokenKey('0123456789abcdef0123456789abcdef');
const callSid = `CA${'1'.repeat(32)}`;
const otherCall = `CA${'2'.repeat(32)}`;
const now = Date.parse('2026-12-01T12:00:00Z');

describe('Media Stream tokens', () => {
  it('verify for their own call until they expire, with the nonce to record', () => {
    const token = mintStreamToken({ key, callSid, nowMs: now, nonce: 'AAAAAAAAAAAAAAAAAAAAAA' });
    expect(verifyStreamToken({ key, token, callSid, nowMs: now + 59_000 })).toEqual({ ok: true, callSid, nonce: 'AAAAAAAAAAAAAAAAAAAAAA', expiresAt: new Date(now + 60_000) });
    expect(verifyStreamToken({ key, token, callSid, nowMs: now + 61_000 })).toEqual({ ok: false, code: 'STREAM_TOKEN_EXPIRED' });
    expect(verifyStreamToken({ key, token, callSid: otherCall, nowMs: now })).toEqual({ ok: false, code: 'STREAM_TOKEN_FOREIGN' });
  });

  it('carry a fresh nonce each time', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => {
      const verdict = verifyStreamToken({ key, token: mintStreamToken({ key, callSid, nowMs: now }), callSid, nowMs: now });
      return verdict.ok ? verdict.nonce : 'refused';
    }));
    expect(nonces.size).toBe(50);
  });

  it('refuse missing, malformed, tampered and foreign-key tokens', () => {
    const token = mintStreamToken({ key, callSid, nowMs: now });
    const [version, payload, signature] = token.split('.');
    // Move the expiry a day on and keep the signature: the MAC no longer matches.
    const forgedPayload = Buffer.from(Buffer.from(payload!, 'base64url').toString().replace(/\.(\d+)\./, (_m, s: string) => `.${Number(s) + 86_400}.`)).toString('base64url');
    const otherKey = streamTokenKey('fedcba9876543210fedcba9876543210');
    for (const [candidate, code] of [
      [undefined, 'STREAM_TOKEN_MISSING'],
      ['', 'STREAM_TOKEN_MISSING'],
      ['v1.x.y', 'STREAM_TOKEN_INVALID'],
      [`${version}.${forgedPayload}.${signature}`, 'STREAM_TOKEN_INVALID'],
      [`${version}.${payload}.${'A'.repeat(43)}`, 'STREAM_TOKEN_INVALID'],
      [`v2.${payload}.${signature}`, 'STREAM_TOKEN_INVALID'],
      [mintStreamToken({ key: otherKey, callSid, nowMs: now }), 'STREAM_TOKEN_INVALID'],
    ] as const) {
      expect(verifyStreamToken({ key, token: candidate, callSid, nowMs: now })).toEqual({ ok: false, code });
    }
  });

  it('have no key without a usable Twilio auth token', () => {
    expect(() => streamTokenKey(undefined)).toThrow();
    expect(() => streamTokenKey('')).toThrow();
    expect(() => streamTokenKey('short')).toThrow();
  });
});
