import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * One-time tokens for Twilio Media Streams (issue 11, finding 2). Twilio signs the WebSocket
 * upgrade over the fixed stream URL only (`<Stream url>` may not carry a query), so one valid
 * signature opens any number of streams for any CallSid. The TwiML that starts a stream therefore
 * carries a token as a `<Parameter>`, which Twilio hands back in `start.customParameters`:
 *
 *   v1.<base64url("<CallSid>.<expires, unix s>.<nonce>")>.<base64url(HMAC-SHA256(key, "v1.<payload>"))>
 *
 * The key is derived (HKDF) from the Twilio auth token, so there is no new secret to manage and no
 * token without a configured Twilio. A token verifies only for its own CallSid and until it expires
 * (60 s by default: Twilio opens the stream as soon as it reads the TwiML); that it is used once
 * is for the caller to record (see `twilio-stream-token.repository.ts`): the nonce is the key.
 */

export const streamTokenParameter = 'token';
export const defaultStreamTokenTtlSeconds = 60;

/** Why a stream's token was refused. Codes only; they go to the audit log. */
export const StreamTokenRefusal = {
  STREAM_TOKEN_MISSING: 'STREAM_TOKEN_MISSING',
  STREAM_TOKEN_INVALID: 'STREAM_TOKEN_INVALID',
  STREAM_TOKEN_EXPIRED: 'STREAM_TOKEN_EXPIRED',
  STREAM_TOKEN_FOREIGN: 'STREAM_TOKEN_FOREIGN',
  STREAM_TOKEN_REUSED: 'STREAM_TOKEN_REUSED',
  /** The used-token record could not be read or written: refused, never waved through. */
  STREAM_TOKEN_UNCHECKED: 'STREAM_TOKEN_UNCHECKED',
} as const;
export type StreamTokenRefusal = (typeof StreamTokenRefusal)[keyof typeof StreamTokenRefusal];

const minAuthTokenLength = 16;
const tokenPattern = /^v1\.([A-Za-z0-9_-]{40,200})\.([A-Za-z0-9_-]{43})$/;
const payloadPattern = /^(CA[0-9a-fA-F]{32})\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/;

/** The HMAC key for stream tokens, derived from the Twilio auth token; refuses an empty or short one. */
export function streamTokenKey(authToken: string | undefined): Buffer {
  if (!authToken || authToken.length < minAuthTokenLength) throw new Error('no usable Twilio auth token to derive a stream token key from');
  return Buffer.from(hkdfSync('sha256', authToken, 'callchart', 'twilio-media-stream-token/v1', 32));
}

function mac(key: Buffer, signed: string): Buffer {
  return createHmac('sha256', key).update(signed).digest();
}

/** A token for one stream of one call, valid `ttlSeconds` from `nowMs`. */
export function mintStreamToken(options: { key: Buffer; callSid: string; nowMs: number; ttlSeconds?: number; nonce?: string }): string {
  const expires = Math.floor(options.nowMs / 1000) + (options.ttlSeconds ?? defaultStreamTokenTtlSeconds);
  const nonce = options.nonce ?? randomBytes(16).toString('base64url');
  const payload = Buffer.from(`${options.callSid}.${expires}.${nonce}`, 'utf8').toString('base64url');
  const signed = `v1.${payload}`;
  return `${signed}.${mac(options.key, signed).toString('base64url')}`;
}

export type StreamTokenVerdict = { ok: true; callSid: string; nonce: string; expiresAt: Date } | { ok: false; code: Exclude<StreamTokenRefusal, 'STREAM_TOKEN_REUSED' | 'STREAM_TOKEN_UNCHECKED'> };

/**
 * Checks a token against the stream's `start.callSid`: authentic, unexpired, and for this call.
 * Whether it was used before is not decided here.
 */
export function verifyStreamToken(options: { key: Buffer; token: string | undefined; callSid: string; nowMs: number }): StreamTokenVerdict {
  if (!options.token) return { ok: false, code: 'STREAM_TOKEN_MISSING' };
  const parts = tokenPattern.exec(options.token);
  if (!parts) return { ok: false, code: 'STREAM_TOKEN_INVALID' };
  const [, payload, signature] = parts;
  const expected = mac(options.key, `v1.${payload}`);
  const given = Buffer.from(signature!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, code: 'STREAM_TOKEN_INVALID' };
  const fields = payloadPattern.exec(Buffer.from(payload!, 'base64url').toString('utf8'));
  if (!fields) return { ok: false, code: 'STREAM_TOKEN_INVALID' };
  const [, callSid, expires, nonce] = fields;
  const expiresAt = new Date(Number(expires) * 1000);
  if (options.nowMs > expiresAt.getTime()) return { ok: false, code: 'STREAM_TOKEN_EXPIRED' };
  if (callSid !== options.callSid) return { ok: false, code: 'STREAM_TOKEN_FOREIGN' };
  return { ok: true, callSid: callSid!, nonce: nonce!, expiresAt };
}
