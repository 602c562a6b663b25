import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * RingCentral does not sign webhooks. What proves a notification came from our subscription is the
 * `Verification-Token` header: RingCentral sends, on every notification, the `verificationToken`
 * Callchart gave when it created the subscription. It is compared in constant time (both sides
 * hashed first, so neither the length nor a shared prefix leaks through timing), against every
 * active token so a token can be rotated (old and new both valid until the subscription is renewed
 * with the new one).
 */
export const verificationTokenHeader = 'verification-token';
/** Sent once, on the request RingCentral makes while a subscription is being created; echoed back. */
export const validationTokenHeader = 'validation-token';

export type VerificationVerdict = { ok: true } | { ok: false; code: 'SIGNATURE_MISSING' | 'SIGNATURE_INVALID'; reason: string };

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function verifyRingcentralToken(header: string | undefined, tokens: readonly string[]): VerificationVerdict {
  if (!header) return { ok: false, code: 'SIGNATURE_MISSING', reason: `missing ${verificationTokenHeader} header` };
  const given = digest(header);
  let matched = false;
  // Every token is compared (no early exit), so the time taken does not say which one matched.
  for (const token of tokens) if (token && timingSafeEqual(given, digest(token))) matched = true;
  return matched ? { ok: true } : { ok: false, code: 'SIGNATURE_INVALID', reason: `${verificationTokenHeader} is not the token of our subscription` };
}

/**
 * A validation token as RingCentral sends it (a UUID in practice): echoed only when it looks like one,
 * so the echo cannot be used to reflect arbitrary text into a response header.
 */
export function isValidationToken(value: string | undefined): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9-]{8,128}$/.test(value);
}
