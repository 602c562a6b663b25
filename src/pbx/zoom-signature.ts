import { createHmac, timingSafeEqual } from 'node:crypto';
import { maxClockSkewSeconds } from './cti-signature.ts';

/**
 * Zoom's webhook signature, as Zoom documents it (developers.zoom.us, "Verify webhook events"):
 *
 *   x-zm-request-timestamp: <unix seconds>
 *   x-zm-signature: v0=<hex HMAC-SHA256(secret token, "v0:<timestamp>:<raw body>")>
 *
 * and its URL validation challenge (`endpoint.url_validation`): the answer is
 * `{ plainToken, encryptedToken: hex HMAC-SHA256(secret token, plainToken) }`.
 * The timestamp is signed with the body; we add the replay window Zoom leaves to the receiver.
 */
export const zoomSignatureHeader = 'x-zm-signature';
export const zoomTimestampHeader = 'x-zm-request-timestamp';

export type ZoomSignatureVerdict =
  | { ok: true; timestamp: number; signature: string }
  | { ok: false; code: 'SIGNATURE_MISSING' | 'SIGNATURE_INVALID' | 'SIGNATURE_STALE' | 'SIGNATURE_FUTURE'; reason: string };

export function computeZoomSignature(secretToken: string, timestamp: number | string, rawBody: string | Buffer): string {
  return createHmac('sha256', secretToken).update(`v0:${timestamp}:`).update(rawBody).digest('hex');
}

/** The two headers a sender (Zoom, or `callchart simulate --source zoom`) puts on a request. */
export function signZoomRequest(secretToken: string, rawBody: string | Buffer, timestamp: number): Record<string, string> {
  return { [zoomTimestampHeader]: String(timestamp), [zoomSignatureHeader]: `v0=${computeZoomSignature(secretToken, timestamp, rawBody)}` };
}

/** The answer to Zoom's URL validation challenge. */
export function zoomUrlValidationAnswer(secretToken: string, plainToken: string): { plainToken: string; encryptedToken: string } {
  return { plainToken, encryptedToken: createHmac('sha256', secretToken).update(plainToken).digest('hex') };
}

/**
 * Checks a Zoom request: both headers present and well formed, the timestamp inside the replay
 * window (and not ahead of our clock beyond ordinary skew), the HMAC equal in constant time.
 * Pure: `nowSeconds` is an input, so the window's edges can be tested.
 */
export function verifyZoomSignature(options: {
  signature: string | undefined;
  timestamp: string | undefined;
  rawBody: string | Buffer;
  secretToken: string;
  nowSeconds: number;
  replayWindowSeconds: number;
}): ZoomSignatureVerdict {
  const { signature, timestamp, rawBody, secretToken, nowSeconds, replayWindowSeconds } = options;
  if (!signature || !timestamp) {
    return { ok: false, code: 'SIGNATURE_MISSING', reason: `missing ${zoomSignatureHeader} or ${zoomTimestampHeader} header` };
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, code: 'SIGNATURE_INVALID', reason: `${zoomTimestampHeader} is not unix seconds` };
  const match = /^v0=([0-9a-f]{64})$/i.exec(signature);
  if (!match) return { ok: false, code: 'SIGNATURE_INVALID', reason: `malformed ${zoomSignatureHeader}; expected v0=<hex>` };
  const at = Number(timestamp);
  if (at - nowSeconds > maxClockSkewSeconds) {
    return { ok: false, code: 'SIGNATURE_FUTURE', reason: `timestamp more than ${maxClockSkewSeconds}s ahead of our clock; check the sender's clock` };
  }
  if (nowSeconds - at > replayWindowSeconds) return { ok: false, code: 'SIGNATURE_STALE', reason: `timestamp outside the ${replayWindowSeconds}s replay window` };
  const expected = Buffer.from(computeZoomSignature(secretToken, timestamp, rawBody), 'hex');
  const given = Buffer.from(match[1]!, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, code: 'SIGNATURE_INVALID', reason: 'signature does not match the body' };
  }
  return { ok: true, timestamp: at, signature: match[1]!.toLowerCase() };
}
