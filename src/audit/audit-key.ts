import { createHmac, timingSafeEqual } from 'node:crypto';
import { CallchartError } from '../lib/errors.ts';

/**
 * The audit key (ADR 11): a secret the database does not hold. Whoever can rewrite the audit table
 * can recompute a plain hash chain; without this key they cannot recompute its HMACs or forge a
 * checkpoint. One secret, three sub-keys (chain links, checkpoints, exports) so a MAC made for one
 * purpose is never valid for another.
 */
export interface AuditKey {
  /** Names the key without revealing it (stored on every row, in every checkpoint and export). */
  readonly id: string;
  readonly chain: Buffer;
  readonly checkpoint: Buffer;
  readonly export: Buffer;
}

/** HMAC-SHA256 keys shorter than the hash give less than its strength; refuse them. */
export const minAuditKeyBytes = 32;

const subKey = (secret: Uint8Array, purpose: string): Buffer => createHmac('sha256', secret).update(`callchart audit ${purpose}`).digest();

/** Derives the sub-keys from the secret. Throws CONFIG_INVALID for a secret under 32 bytes. */
export function deriveAuditKey(secret: Uint8Array): AuditKey {
  if (secret.length < minAuditKeyBytes) {
    throw new CallchartError('CONFIG_INVALID', `the audit key must be at least ${minAuditKeyBytes} bytes (got ${secret.length})`);
  }
  return {
    // 16 hex characters: enough to tell keys apart, nothing to brute-force a 256-bit key from.
    id: subKey(secret, 'key id').toString('hex').slice(0, 16),
    chain: subKey(secret, 'chain v2'),
    checkpoint: subKey(secret, 'checkpoint v1'),
    export: subKey(secret, 'export v1'),
  };
}

/**
 * Decodes `CALLCHART_AUDIT_KEY` (base64 or base64url). Node's decoder silently skips characters that
 * are not base64, so a typo would shrink the key without a word: check the alphabet first.
 */
export function decodeAuditKey(encoded: string): Buffer {
  const text = encoded.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new CallchartError('CONFIG_INVALID', 'the audit key is not base64');
  const secret = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
  if (secret.length < minAuditKeyBytes) {
    throw new CallchartError('CONFIG_INVALID', `the audit key must be at least ${minAuditKeyBytes} bytes (got ${secret.length}): generate one with \`openssl rand -base64 32\``);
  }
  return secret;
}

/** HMAC-SHA256 as hex. */
export function macHex(key: Buffer, message: string): string {
  return createHmac('sha256', key).update(message).digest('hex');
}

/** Compares two hex MACs in constant time (a length mismatch is simply unequal). */
export function sameMac(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
