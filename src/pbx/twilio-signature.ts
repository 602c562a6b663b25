import webhooks from 'twilio/lib/webhooks/webhooks.js';

/**
 * X-Twilio-Signature, checked with Twilio's own SDK (ING-2): base64 HMAC-SHA1 of the URL Twilio
 * called plus the sorted form parameters; for JSON bodies the URL carries `bodySHA256`.
 * The URL must be the one Twilio used: behind a proxy that is the configured public base URL plus
 * the request's path and query, not the address this process listens on.
 */
export const twilioSignatureHeader = 'x-twilio-signature';

export type TwilioSignatureVerdict = { ok: true } | { ok: false; code: 'SIGNATURE_MISSING' | 'SIGNATURE_INVALID'; reason: string };

export function verifyTwilioSignature(options: {
  authToken: string;
  signature: string | undefined;
  url: string;
  /** Form parameters (for application/x-www-form-urlencoded), or the raw body for JSON. */
  params?: Record<string, string | string[]>;
  rawJsonBody?: string;
}): TwilioSignatureVerdict {
  const { authToken, signature, url } = options;
  if (!signature) return { ok: false, code: 'SIGNATURE_MISSING', reason: `missing ${twilioSignatureHeader} header` };
  const valid =
    options.rawJsonBody !== undefined
      ? webhooks.validateRequestWithBody(authToken, signature, url, options.rawJsonBody)
      : webhooks.validateRequest(authToken, signature, url, options.params ?? {});
  return valid ? { ok: true } : { ok: false, code: 'SIGNATURE_INVALID', reason: 'signature does not match the URL and parameters' };
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
