import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { CallchartError } from '../lib/errors.ts';

/**
 * Local wrapping for the file and memory providers: AES-256-GCM under the KEK with the data key's
 * id as additional data, stored as iv || tag || wrapped key (60 bytes for a 32-byte data key).
 */
export function wrapWithKek(kek: Buffer, dataKey: Buffer, dataKeyId: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(dataKeyId, 'utf8'));
  const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function unwrapWithKek(kek: Buffer | undefined, kekId: string, wrapped: Buffer, dataKeyId: string): Buffer {
  if (!kek) throw new CallchartError('KEK_UNKNOWN', 'data key wrapped under a key-encryption key this provider does not hold', { kekId });
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, 12));
    decipher.setAAD(Buffer.from(dataKeyId, 'utf8'));
    decipher.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
  } catch {
    // A wrong KEK, a tampered row or a wrapped key moved to another id: never a partial key.
    throw new CallchartError('DATA_KEY_UNWRAP_FAILED', 'a wrapped data key did not authenticate under its key-encryption key', { kekId, keyId: dataKeyId });
  }
}

/** A KEK version's id: `kek-` and 12 hex digits of its SHA-256 (names the key, reveals nothing usable). */
export function kekIdFor(kek: Buffer): string {
  return `kek-${createHash('sha256').update('callchart-kek').update(kek).digest('hex').slice(0, 12)}`;
}
