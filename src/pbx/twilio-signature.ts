import webhooks from 'twilio/lib/webhooks/webhooks.js';

/**
 * X-Twilio-Signature, checked with Twilio's own SDK (ING-2): base64 HMAC-SHA1 of the URL Twilio
 * called plus the sorted form parameters; for JSON bodies the URL carries `bodySHA256`.
 * The URL must be the one Twilio used: behind a proxy that is the configured public base URL plus
 * the request's path and query, not the address this process listens on.
 */
export const twilioSignatureHeader = 'x-twilio-signature';

/** A real Twilio auth token is 32 hex characters. */
export const twilioAuthTokenMinLength = 32;

export type TwilioSignatureVerdict = { ok: true } | { ok: false; code: 'TWILIO_NOT_CONFIGURED' | 'SIGNATURE_MISSING' | 'SIGNATURE_INVALID'; reason: string };

/**
 * Whether a Twilio auth token can key an HMAC at all. An empty key makes a signature anyone can
 * compute (issue 11, finding 1): without a usable token nothing Twilio-signed is accepted.
 */
export function isUsableTwilioAuthToken(authToken: string | undefined, minLength = twilioAuthTokenMinLength): authToken is string {
  return typeof authToken === 'string' && authToken.length >= Math.max(1, minLength);
}

export function verifyTwilioSignature(options: {
  authToken: string | undefined;
  signature: string | undefined;
  url: string;
  /** Form parameters (for application/x-www-form-urlencoded), or the raw body for JSON. */
  params?: Record<string, string | string[]>;
  rawJsonBody?: string;
  /** Twilio's published test vectors use short tokens ('12345'); nothing else should lower this. */
  minAuthTokenLength?: number;
}): TwilioSignatureVerdict {
  const { authToken, signature, url } = options;
  // Refused before any HMAC is computed: with an empty or short key a "valid" signature proves nothing.
  if (!isUsableTwilioAuthToken(authToken, options.minAuthTokenLength)) return { ok: false, code: 'TWILIO_NOT_CONFIGURED', reason: 'no usable Twilio auth token is configured' };
  if (!signature) return { ok: false, code: 'SIGNATURE_MISSING', reason: `missing ${twilioSignatureHeader} header` };
  let valid: boolean;
  try {
    valid =
      options.rawJsonBody !== undefined
        ? webhooks.validateRequestWithBody(authToken, signature, url, options.rawJsonBody)
        : webhooks.validateRequest(authToken, signature, url, options.params ?? {});
  } catch {
    // The SDK parses the URL; one it cannot parse was not what Twilio signed.
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, code: 'SIGNATURE_INVALID', reason: 'signature does not match the URL and parameters' };
}

/**
 * The request's Host header if it can stand in a URL as it is (a name or address, an optional
 * port), else null: a malformed Host is a client error to answer with 400, not a URL to build.
 */
export function usableRequestHost(host: string | undefined): string | null {
  if (!host || host.length > 255) return null;
  if (!/^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$/.test(host)) return null;
  return URL.canParse(`http://${host}/`) ? host : null;
}

/** Signs a request the way Twilio does (tests, the simulator and the demo's phone). */
export function signTwilioRequest(authToken: string, url: string, params: Record<string, string | string[]>): string {
  return webhooks.getExpectedTwilioSignature(authToken, url, params);
}

/**
 * The URL Twilio called: `publicBaseUrl` (when behind a proxy or tunnel) or the request's own
 * scheme and host, plus the original path and query.
 */
export function twilioRequestUrl(options: { publicBaseUrl?: string | undefined; protocol: string; host: string; originalUrl: string }): string {
  const base = options.publicBaseUrl ? options.publicBaseUrl.replace(/\/+$/, '') : `${options.protocol}://${options.host}`;
  return `${base}${options.originalUrl}`;
}
