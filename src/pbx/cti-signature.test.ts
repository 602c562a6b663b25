import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signCtiRequest, verifyCtiSignature } from './cti-signature.ts';

// Synthetic secrets and body: no real PBX, no real caller.
const secret = 'synthetic-secret-current';
const oldSecret = 'synthetic-secret-previous';
const now = 1_767_225_600; // 2026-01-01T00:00:00Z
const body = JSON.stringify({
  id: 'evt-synthetic-1',
  provider: 'synthetic-pbx',
  type: 'call.ringing',
  occurredAt: '2026-01-01T00:00:00Z',
  call: { id: 'call-synthetic-1', ani: '+16175550142' },
});

function verify(header: string | undefined, overrides: { rawBody?: string | Buffer; secrets?: string[]; nowSeconds?: number } = {}) {
  return verifyCtiSignature({
    header,
    rawBody: overrides.rawBody ?? body,
    secrets: overrides.secrets ?? [secret],
    nowSeconds: overrides.nowSeconds ?? now,
  });
}

function hmacHex(key: string, timestamp: number, raw: string): string {
  return createHmac('sha256', key).update(`${timestamp}.${raw}`).digest('hex');
}

describe('verifyCtiSignature', () => {
  it('accepts a request signed by signCtiRequest and returns its timestamp', () => {
    expect(verify(signCtiRequest(secret, body, now))).toEqual({ ok: true, timestamp: now });
  });

  it('accepts a Buffer body signed as a string', () => {
    expect(verify(signCtiRequest(secret, body, now), { rawBody: Buffer.from(body, 'utf8') }).ok).toBe(true);
  });

  it('rejects a signature made with the wrong secret', () => {
    const verdict = verify(signCtiRequest('synthetic-wrong-secret', body, now));
    expect(verdict).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('rejects the body changed by one byte', () => {
    const header = signCtiRequest(secret, body, now);
    const tampered = body.replace('+16175550142', '+16175550143');
    expect(tampered).not.toBe(body);
    expect(tampered.length).toBe(body.length);
    expect(verify(header, { rawBody: tampered })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(verify(header, { rawBody: `${body} ` })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('reports a missing header as SIGNATURE_MISSING', () => {
    expect(verify(undefined)).toMatchObject({ ok: false, code: 'SIGNATURE_MISSING' });
    expect(verify('')).toMatchObject({ ok: false, code: 'SIGNATURE_MISSING' });
  });

  it.each([
    ['no timestamp', `v1=${'a'.repeat(64)}`],
    ['no signature', `t=${now}`],
    ['short hex', `t=${now},v1=${'a'.repeat(63)}`],
    ['non-hex', `t=${now},v1=${'g'.repeat(64)}`],
    ['non-numeric timestamp', `t=yesterday,v1=${'a'.repeat(64)}`],
    ['no equals sign', `t${now},v1${'a'.repeat(64)}`],
    ['garbage', 'Bearer synthetic-token'],
  ])('reports a malformed header (%s) as SIGNATURE_INVALID', (_label, header) => {
    expect(verify(header)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('rejects timestamps 301 s in the past as SIGNATURE_STALE', () => {
    expect(verify(signCtiRequest(secret, body, now - 301))).toMatchObject({ ok: false, code: 'SIGNATURE_STALE' });
  });

  it('accepts timestamps 299 s in the past', () => {
    expect(verify(signCtiRequest(secret, body, now - 299))).toEqual({ ok: true, timestamp: now - 299 });
  });

  it('rejects timestamps more than 60 s in the future as SIGNATURE_FUTURE, even inside the replay window', () => {
    expect(verify(signCtiRequest(secret, body, now + 61))).toMatchObject({ ok: false, code: 'SIGNATURE_FUTURE' });
    expect(verify(signCtiRequest(secret, body, now + 299))).toMatchObject({ ok: false, code: 'SIGNATURE_FUTURE' });
    expect(verify(signCtiRequest(secret, body, now + 10 ** 11))).toMatchObject({ ok: false, code: 'SIGNATURE_FUTURE' });
  });

  it('accepts timestamps up to 60 s in the future (clock skew)', () => {
    expect(verify(signCtiRequest(secret, body, now + 60))).toEqual({ ok: true, timestamp: now + 60 });
  });

  it('honours a custom replay window', () => {
    const header = signCtiRequest(secret, body, now - 60);
    expect(verifyCtiSignature({ header, rawBody: body, secrets: [secret], nowSeconds: now, replayWindowSeconds: 30 }))
      .toMatchObject({ ok: false, code: 'SIGNATURE_STALE' });
    expect(verifyCtiSignature({ header, rawBody: body, secrets: [secret], nowSeconds: now, replayWindowSeconds: 90 }).ok).toBe(true);
  });

  it('during rotation accepts a request signed with either active secret', () => {
    const secrets = [secret, oldSecret];
    expect(verify(signCtiRequest(secret, body, now), { secrets }).ok).toBe(true);
    expect(verify(signCtiRequest(oldSecret, body, now), { secrets }).ok).toBe(true);
    expect(verify(signCtiRequest('synthetic-retired-secret', body, now), { secrets }).ok).toBe(false);
  });

  it('accepts a header with two v1 entries when either matches an active secret', () => {
    const header = `t=${now},v1=${hmacHex(oldSecret, now, body)},v1=${hmacHex(secret, now, body)}`;
    expect(verify(header, { secrets: [secret] }).ok).toBe(true);
    expect(verify(header, { secrets: [oldSecret] }).ok).toBe(true);
    expect(verify(header, { secrets: ['synthetic-other'] })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('accepts upper-case hex', () => {
    const header = `t=${now},v1=${hmacHex(secret, now, body).toUpperCase()}`;
    expect(verify(header).ok).toBe(true);
  });

  it('tolerates spaces after the commas', () => {
    expect(verify(`t=${now}, v1=${hmacHex(secret, now, body)}`).ok).toBe(true);
  });

  it('follows the documented scheme: t=<unix>,v1=hex(HMAC-SHA256(secret, "<t>.<raw body>"))', () => {
    // Computed independently of the module, so drift in either direction fails.
    const expected = `t=${now},v1=${hmacHex(secret, now, body)}`;
    expect(signCtiRequest(secret, body, now)).toBe(expected);
    expect(verify(expected)).toEqual({ ok: true, timestamp: now });
  });

  it('binds the timestamp into the signature: a replayed signature under a new timestamp fails', () => {
    const original = hmacHex(secret, now - 1_000, body);
    expect(verify(`t=${now},v1=${original}`)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });
});
