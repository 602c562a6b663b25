import { createHmac } from 'node:crypto';

/**
 * The keyed hash an unidentified caller's repeat calls merge on (FU-1): HMAC-SHA256 of the E.164
 * number under a Callchart secret, so the callback task never holds the number, and nobody without
 * the key can find whose it is by hashing the phone book. The number itself stays sealed with the
 * call (caller-number.repository.ts) and is shredded with it.
 */
export function callerKeyOf(e164: string, key: Buffer): string {
  return createHmac('sha256', key).update(`callchart-callback-caller|${e164}`).digest('base64url').slice(0, 32);
}
