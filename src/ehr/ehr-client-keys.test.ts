import { describe, expect, it } from 'vitest';
import { ehrKeySetSchema, generateEhrKey, publicJwksOfSet, retireOldKeys, withNewKey } from './ehr-client-keys.ts';

describe('the EHR client key set', () => {
  it('rotates newest first, publishes every key without private members, and retires all but the signing key', async () => {
    const first = await generateEhrKey('ES384', new Date('2026-01-01T00:00:00Z'));
    const second = await generateEhrKey('RS384', new Date('2026-02-01T00:00:00Z'));
    const rotated = withNewKey(withNewKey(null, first), second);
    expect(ehrKeySetSchema.parse(rotated)).toEqual(rotated);
    expect(rotated.keys.map((key) => key.privateJwk.kid)).toEqual([second.privateJwk.kid, first.privateJwk.kid]);
    const jwks = publicJwksOfSet(rotated);
    expect(jwks.keys.map((key) => [key.kid, key.alg, key.kty])).toEqual([[second.privateJwk.kid, 'RS384', 'RSA'], [first.privateJwk.kid, 'ES384', 'EC']]);
    for (const key of jwks.keys) for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key, member).not.toHaveProperty(member);
    const { set, retired } = retireOldKeys(rotated);
    expect(set.keys.map((key) => key.privateJwk.kid)).toEqual([second.privateJwk.kid]);
    expect(retired).toEqual([first.privateJwk.kid]);
  });
});
