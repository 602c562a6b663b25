import { describe, expect, it } from 'vitest';
import { computeZoomSignature, signZoomRequest, verifyZoomSignature, zoomUrlValidationAnswer } from './zoom-signature.ts';
import { secretWeakness } from '../engine/secrets.ts';

// Vectors computed outside this code, with openssl, from Zoom's documented scheme
// (message "v0:{x-zm-request-timestamp}:{raw body}", HMAC-SHA256 with the Secret Token, hex):
//   printf '%s' "v0:1700000000:$BODY" | openssl dgst -sha256 -hmac "$SECRET"
//   printf '%s' "$PLAIN_TOKEN"       | openssl dgst -sha256 -hmac "$SECRET"
// The secret, numbers and ids are synthetic.
const secret = 'Zs3cr3tT0kenSynth3tic_9';
const body = '{"event":"phone.callee_ringing","event_ts":1700000000123,"payload":{"account_id":"acct-synthetic","object":{"call_id":"7301234567890123456","caller":{"phone_number":"+16175550142"},"callee":{"phone_number":"+16175550100","extension_number":101,"extension_type":"user"},"ringing_start_time":"2023-11-14T22:13:20Z"}}}';
const expectedSignature = 'cef019c4afa675406ba701e918a64d566b60a8321715bf19530b0a64be95ae58';
const plainToken = 'qgg8vlvZRS6UYooatFL8Aw';
const expectedEncryptedToken = '9e07260800b98f45d68303db2892e4b6302ffc9e087f3385872487aaafdfa4fc';

const check = (overrides: Partial<Parameters<typeof verifyZoomSignature>[0]> = {}) =>
  verifyZoomSignature({ signature: `v0=${expectedSignature}`, timestamp: '1700000000', rawBody: body, secretToken: secret, nowSeconds: 1_700_000_010, replayWindowSeconds: 300, ...overrides });

describe("Zoom's webhook signature", () => {
  it('matches the independently computed vector', () => {
    expect(computeZoomSignature(secret, 1_700_000_000, body)).toBe(expectedSignature);
    expect(signZoomRequest(secret, body, 1_700_000_000)).toEqual({ 'x-zm-request-timestamp': '1700000000', 'x-zm-signature': `v0=${expectedSignature}` });
  });

  it('answers the URL validation challenge as Zoom documents', () => {
    expect(zoomUrlValidationAnswer(secret, plainToken)).toEqual({ plainToken, encryptedToken: expectedEncryptedToken });
  });

  it('accepts the vector inside the window, upper-case hex too', () => {
    expect(check()).toMatchObject({ ok: true, timestamp: 1_700_000_000 });
    expect(check({ signature: `v0=${expectedSignature.toUpperCase()}` }).ok).toBe(true);
    expect(check({ nowSeconds: 1_700_000_300 }).ok).toBe(true);
  });

  it.each([
    ['no signature', { signature: undefined }, 'SIGNATURE_MISSING'],
    ['no timestamp', { timestamp: undefined }, 'SIGNATURE_MISSING'],
    ['a timestamp that is not unix seconds', { timestamp: '2023-11-14T22:13:20Z' }, 'SIGNATURE_INVALID'],
    ['another version', { signature: `v1=${expectedSignature}` }, 'SIGNATURE_INVALID'],
    ['a different secret', { secretToken: 'AnotherZoomSecretTok3n' }, 'SIGNATURE_INVALID'],
    ['a body changed by one character', { rawBody: body.replace('0142', '0143') }, 'SIGNATURE_INVALID'],
    ['the timestamp changed (signed with another)', { timestamp: '1700000001' }, 'SIGNATURE_INVALID'],
    ['one second past the window', { nowSeconds: 1_700_000_301 }, 'SIGNATURE_STALE'],
    ['dated more than a minute ahead', { nowSeconds: 1_699_999_939 }, 'SIGNATURE_FUTURE'],
  ] as const)('refuses %s', (_name, overrides, code) => {
    const verdict = check(overrides);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.code).toBe(code);
  });

  it('refuses a weak or placeholder Zoom secret token and accepts one of the generated kind', () => {
    expect(secretWeakness('', 'zoom-secret-token')).toBe('is empty');
    expect(secretWeakness('short-token', 'zoom-secret-token')).toMatch(/at least 22/);
    expect(secretWeakness('changeme-changeme-changeme', 'zoom-secret-token')).toMatch(/placeholder/);
    expect(secretWeakness('abababababababababababab', 'zoom-secret-token')).toMatch(/repeats/);
    expect(secretWeakness(secret, 'zoom-secret-token')).toBeNull();
  });
});
