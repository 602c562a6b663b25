import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { CallchartError } from '../lib/errors.ts';

/**
 * Encryption at rest for call content (transcripts now; summaries and audio later):
 * AES-256-GCM, a fresh 96-bit IV per record, stored as iv || tag || ciphertext. The key id is
 * stored beside each record and picks the key that opens it, so keys can rotate (the previous
 * keys stay in the keyring until their records are re-sealed or purged) and a destroyed key
 * shreds what it encrypted.
 */
export interface ContentCipher {
  /** The id of the current key: new records are sealed with it; store it beside the record. */
  readonly keyId: string;
  encrypt(plaintext: string): Buffer;
  /**
   * Opens a record with the key its stored `keyId` names. A key id the keyring does not hold is
   * refused with DATA_KEY_UNKNOWN: no other key is tried.
   */
  decrypt(sealed: Buffer | Uint8Array, keyId: string): string;
}

/** A key's id: the first 16 hex digits of its SHA-256 (names the key, reveals nothing usable). */
export function dataKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * The cipher over a keyring: `key` seals new records; `previousKeys` (optional) only open the
 * records sealed under them.
 */
export function createContentCipher(key: Buffer, previousKeys: readonly Buffer[] = []): ContentCipher {
  const keyring = new Map<string, Buffer>();
  for (const candidate of [...previousKeys, key]) {
    if (candidate.length !== 32) throw new Error('Data key must be 32 bytes (base64 of 32 random bytes).');
    keyring.set(dataKeyId(candidate), candidate);
  }
  const keyId = dataKeyId(key);
  return {
    keyId,
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(sealed, sealedKeyId) {
      const sealingKey = keyring.get(sealedKeyId);
      if (!sealingKey) {
        throw new CallchartError('DATA_KEY_UNKNOWN', 'record sealed under a data key this engine does not hold', { keyId: sealedKeyId });
      }
      const buffer = Buffer.from(sealed);
      const decipher = createDecipheriv('aes-256-gcm', sealingKey, buffer.subarray(0, 12));
      decipher.setAuthTag(buffer.subarray(12, 28));
      return Buffer.concat([decipher.update(buffer.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
