import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createContentCipher, dataKeyId } from './content-cipher.ts';

// Synthetic text and random keys only.
const text = 'Synthetic caller asks about a refill.';

describe('content cipher keyring', () => {
  const previous = randomBytes(32);
  const current = randomBytes(32);

  it('round-trips under the current key, and each record is sealed with a fresh IV', () => {
    const cipher = createContentCipher(current);
    const first = cipher.encrypt(text);
    expect(cipher.decrypt(first, cipher.keyId)).toBe(text);
    expect(cipher.encrypt(text).equals(first)).toBe(false);
    expect(cipher.keyId).toBe(dataKeyId(current));
  });

  it('opens a record sealed under a previous key when that key is in the keyring, and seals new ones with the current key', () => {
    const before = createContentCipher(previous);
    const sealed = before.encrypt(text);
    const rotated = createContentCipher(current, [previous]);
    expect(rotated.keyId).toBe(dataKeyId(current));
    expect(rotated.decrypt(sealed, before.keyId)).toBe(text);
    expect(() => before.decrypt(rotated.encrypt(text), rotated.keyId)).toThrow(expect.objectContaining({ code: 'DATA_KEY_UNKNOWN' }));
  });

  it('refuses an unknown key id with DATA_KEY_UNKNOWN, naming the id and never the content', () => {
    const cipher = createContentCipher(current);
    const sealed = cipher.encrypt(text);
    let caught: unknown;
    try {
      cipher.decrypt(sealed, 'feedfacefeedface');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'DATA_KEY_UNKNOWN', retry: 'permanent', detail: { keyId: 'feedfacefeedface' } });
    expect(String((caught as Error).message)).not.toContain('refill');
  });

  it('a record claiming the wrong known key fails authentication instead of returning garbage', () => {
    const rotated = createContentCipher(current, [previous]);
    const sealed = rotated.encrypt(text);
    expect(() => rotated.decrypt(sealed, dataKeyId(previous))).toThrow(/authenticate/);
  });

  it('rejects keys that are not 32 bytes, current or previous', () => {
    expect(() => createContentCipher(randomBytes(16))).toThrow(/32 bytes/);
    expect(() => createContentCipher(current, [randomBytes(31)])).toThrow(/32 bytes/);
  });
});
