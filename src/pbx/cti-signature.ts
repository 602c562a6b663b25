import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The generic CTI webhook signature (ING-3), in the style PBX and payment vendors use:
 *
 *   Callchart-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * The timestamp is signed with the body, so a captured request cannot be replayed after the
 * window. Several `v1=` entries are allowed so a sender can sign with old and new secrets while
 * a secret is rotated.
 */
export const ctiSignatureHeader = 'callchart-signature';
export const defaultReplayWindowSeconds = 300;
/**
 * How far ahead of our clock a signature may be dated. The replay window looks back; a timestamp
 * far in the future would stretch it forward (a captured request replayable until then), so only
 * ordinary clock skew is allowed.
 */
export const maxClockSkewSeconds = 60;

export type SignatureVerdict =
  | { ok: true; timestamp: number }
  | { ok: false; code: 'SIGNATURE_MISSING' | 'SIGNATURE_INVALID' | 'SIGNATURE_STALE' | 'SIGNATURE_FUTURE'; reason: string };

export function computeCtiSignature(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The header value a sender puts on a request. */
export function signCtiRequest(secret: string, rawBody: string | Buffer, timestamp: number): string {
  return `t=${timestamp},v1=${computeCtiSignature(secret, timestamp, rawBody)}`;
}

export function parseCtiSignatureHeader(header: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (!key || value === undefined) return null;
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value)) return null;
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(value)) return null;
      signatures.push(value.toLowerCase());
    }
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

/**
 * Verifies a request against any of the active secrets. `nowSeconds` is an input so the check is
 * pure and testable at the window's edges.
 */
export function verifyCtiSignature(options: {
  header: string | undefined;
  rawBody: string | Buffer;
  secrets: readonly string[];
  nowSeconds: number;
  replayWindowSeconds?: number;
}): SignatureVerdict {
  const { header, rawBody, secrets, nowSeconds } = options;
  const window = options.replayWindowSeconds ?? defaultReplayWindowSeconds;
  if (!header) return { ok: false, code: 'SIGNATURE_MISSING', reason: `missing ${ctiSignatureHeader} header` };
  const parsed = parseCtiSignatureHeader(header);
  if (!parsed) {
    return { ok: false, code: 'SIGNATURE_INVALID', reason: `malformed ${ctiSignatureHeader} header; expected t=<unix>,v1=<hex>` };
  }
  if (parsed.timestamp - nowSeconds > maxClockSkewSeconds) {
    return { ok: false, code: 'SIGNATURE_FUTURE', reason: `timestamp more than ${maxClockSkewSeconds}s ahead of our clock; check the sender's clock` };
  }
  if (nowSeconds - parsed.timestamp > window) {
    return { ok: false, code: 'SIGNATURE_STALE', reason: `timestamp outside the ${window}s replay window` };
  }
  for (const secret of secrets) {
    const expected = Buffer.from(computeCtiSignature(secret, parsed.timestamp, rawBody), 'hex');
    for (const candidate of parsed.signatures) {
      const given = Buffer.from(candidate, 'hex');
      if (given.length === expected.length && timingSafeEqual(given, expected)) {
        return { ok: true, timestamp: parsed.timestamp };
      }
    }
  }
  return { ok: false, code: 'SIGNATURE_INVALID', reason: 'signature does not match the body' };
}
