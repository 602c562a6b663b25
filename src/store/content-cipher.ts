import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encryption at rest for call content (transcripts now; summaries and audio later):
 * AES-256-GCM, a fresh 96-bit IV per record, stored as iv || tag || ciphertext. The key id is
 * stored beside each record so keys can rotate and a destroyed key shreds what it encrypted.
 */
export interface ContentCipher {
  readonly keyId: string;
  encrypt(plaintext: string): Buffer;
  decrypt(sealed: Buffer | Uint8Array): string;
}

export function createContentCipher(key: Buffer): ContentCipher {
  if (key.length !== 32) throw new Error('Data key must be 32 bytes (base64 of 32 random bytes).');
  const keyId = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return {
    keyId,
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(sealed) {
      const buffer = Buffer.from(sealed);
      const decipher = createDecipheriv('aes-256-gcm', key, buffer.subarray(0, 12));
      decipher.setAuthTag(buffer.subarray(12, 28));
      return Buffer.concat([decipher.update(buffer.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
