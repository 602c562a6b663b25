/**
 * Errors as codes. Every failure Callchart reports carries a stable code, the HTTP status it maps
 * to at an HTTP boundary, and a retry class that tells workers what to do next:
 * - transient: safe to retry as is (connection refused, 503, lock timeout)
 * - ambiguous: the effect may have happened (timeout on a write); check before retrying
 * - permanent: retrying cannot help (validation, 4xx from the EHR)
 * Messages never contain PHI; put ids in `detail`, never names, numbers or bodies.
 */
export const RetryClass = { transient: 'transient', ambiguous: 'ambiguous', permanent: 'permanent' } as const;
export type RetryClass = (typeof RetryClass)[keyof typeof RetryClass];

export const ErrorCodes = {
  SIGNATURE_MISSING: { status: 401, retry: 'permanent' },
  SIGNATURE_INVALID: { status: 401, retry: 'permanent' },
  SIGNATURE_STALE: { status: 401, retry: 'permanent' },
  PAYLOAD_INVALID: { status: 400, retry: 'permanent' },
  PAYLOAD_TOO_LARGE: { status: 413, retry: 'permanent' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retry: 'permanent' },
  CONFIG_INVALID: { status: 500, retry: 'permanent' },
  NOT_FOUND: { status: 404, retry: 'permanent' },
  EHR_TIMEOUT: { status: 504, retry: 'ambiguous' },
  EHR_UNAVAILABLE: { status: 503, retry: 'transient' },
  EHR_REJECTED: { status: 502, retry: 'permanent' },
  /** The EHR's copy changed since we read it (412/409 on a conditional update): read it again and retry. */
  EHR_CONFLICT: { status: 502, retry: 'transient' },
  /** The connection dropped after a write was sent: like a timeout, the EHR may have applied it. */
  EHR_CONNECTION_LOST: { status: 502, retry: 'ambiguous' },
  /** The EHR refused our client (invalid_client, 401 after a fresh token, 403 scope): fix config, do not retry. */
  EHR_AUTH_REJECTED: { status: 502, retry: 'permanent' },
  STORE_UNAVAILABLE: { status: 503, retry: 'transient' },
  AUDIT_CHAIN_BROKEN: { status: 500, retry: 'permanent' },
  STAFF_TOKEN_MISSING: { status: 401, retry: 'permanent' },
  STAFF_TOKEN_INVALID: { status: 401, retry: 'permanent' },
  ROLE_FORBIDDEN: { status: 403, retry: 'permanent' },
  REVIEW_NOT_PENDING: { status: 409, retry: 'permanent' },
  REVIEW_VERSION_STALE: { status: 409, retry: 'permanent' },
  REVIEW_CHECKLIST_INCOMPLETE: { status: 422, retry: 'permanent' },
  /** The chart note says something else than the fields approved beside it (issue 12). */
  REVIEW_PARTS_DISAGREE: { status: 409, retry: 'permanent' },
  IDENTITY_UNVERIFIED: { status: 422, retry: 'permanent' },
  CONSENT_FORBIDS: { status: 422, retry: 'permanent' },
  POLICY_INVALID: { status: 400, retry: 'permanent' },
  HL7_PEER_UNAVAILABLE: { status: 503, retry: 'transient' },
  HL7_ACK_TIMEOUT: { status: 504, retry: 'ambiguous' },
  HL7_CONNECTION_LOST: { status: 504, retry: 'ambiguous' },
  HL7_ACK_UNREADABLE: { status: 502, retry: 'ambiguous' },
  HL7_APPLICATION_ERROR: { status: 502, retry: 'permanent' },
  HL7_APPLICATION_REJECTED: { status: 502, retry: 'permanent' },
  HL7_COMMIT_ERROR: { status: 503, retry: 'transient' },
  HL7_COMMIT_REJECTED: { status: 502, retry: 'permanent' },
  INTERNAL: { status: 500, retry: 'transient' },
  /** A staff token sent in a URL (logged by proxies, kept in history): refused even when valid. */
  STAFF_TOKEN_IN_URL: { status: 401, retry: 'permanent' },
  /** The EHR has no such patient (an event for a chart that does not exist). */
  PATIENT_NOT_FOUND: { status: 422, retry: 'permanent' },
  /** A patient search that would not narrow to a few charts (a name alone): minimum necessary. */
  SEARCH_TOO_BROAD: { status: 400, retry: 'permanent' },
  /** A pipeline stage that handles call content finished without asking the policy function. */
  POLICY_NOT_ASKED: { status: 500, retry: 'permanent' },
  /** A transcript arrived before the call's transcribe consent: not stored; send it again shortly. */
  CONSENT_PENDING: { status: 503, retry: 'transient' },
  /** Too many refused requests from one source: wait and retry. */
  RATE_LIMITED: { status: 429, retry: 'transient' },
  /** A webhook signature dated more than 60 s ahead of our clock (the sender's clock is wrong). */
  SIGNATURE_FUTURE: { status: 401, retry: 'permanent' },
  /** A webhook event was not stored because of a fault on our side that is not the store being down; redelivery is safe. */
  INGEST_FAILED: { status: 503, retry: 'transient' },
  /** A stored record names a data key the engine's keyring does not hold: add the previous key, do not retry. */
  DATA_KEY_UNKNOWN: { status: 500, retry: 'permanent' },
  /** A record sealed under a data key that was destroyed (crypto-shredded): gone for good, by design. */
  DATA_KEY_DESTROYED: { status: 410, retry: 'permanent' },
  /** A wrapped data key names a KEK version the provider does not hold (a missing or foreign key file). */
  KEK_UNKNOWN: { status: 500, retry: 'permanent' },
  /** A wrapped data key did not authenticate under its KEK (tampered row, wrong key): never a partial key. */
  DATA_KEY_UNWRAP_FAILED: { status: 500, retry: 'permanent' },
  /** The KEK provider (Vault, a KMS) did not answer: retry shortly. */
  KEK_PROVIDER_UNAVAILABLE: { status: 503, retry: 'transient' },
  /** The KEK provider refused us (bad token, no permission on the key): fix config, do not retry. */
  KEK_PROVIDER_REJECTED: { status: 502, retry: 'permanent' },
  /** A key rotation is already under way (its re-wrap has not finished): see `keys status`. */
  KEY_ROTATION_RUNNING: { status: 409, retry: 'transient' },
  /** A key operation the embedded store cannot run from another process: use the admin API of the engine that holds it. */
  KEYS_STORE_IN_USE: { status: 409, retry: 'permanent' },
  /** No usable TWILIO_AUTH_TOKEN: every Twilio request is refused, no signature is computed. */
  TWILIO_NOT_CONFIGURED: { status: 403, retry: 'permanent' },
  /** A Host header that cannot stand in a URL. */
  HOST_INVALID: { status: 400, retry: 'permanent' },
  /** A legal hold that was already released (holds are released once; set a new one instead). */
  LEGAL_HOLD_RELEASED: { status: 409, retry: 'permanent' },
} as const satisfies Record<string, { status: number; retry: RetryClass }>;
export type ErrorCode = keyof typeof ErrorCodes;

export class CallchartError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retry: RetryClass;
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, detail?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CallchartError';
    this.code = code;
    this.status = ErrorCodes[code].status;
    this.retry = ErrorCodes[code].retry;
    this.detail = detail;
  }
}

export function isCallchartError(error: unknown): error is CallchartError {
  return error instanceof CallchartError;
}

/** Retry class of any thrown value; unknown errors are treated as transient. */
export function retryClassOf(error: unknown): RetryClass {
  return isCallchartError(error) ? error.retry : RetryClass.transient;
}

/**
 * Error detail keys a client may see: field names, checklist questions and version numbers tell
 * staff what to fix and are never PHI. Everything else in `detail` (ids) stays server-side.
 */
const publicDetailKeys = ['fields', 'unanswered', 'field', 'baseVersion', 'currentVersion'] as const;

/** The JSON body of an error answer: code, message, and only the detail a client may see. */
export function clientErrorBody(error: CallchartError): { error: { code: ErrorCode; message: string; detail?: Record<string, unknown> } } {
  const detail = Object.fromEntries(publicDetailKeys.filter((key) => error.detail?.[key] !== undefined).map((key) => [key, error.detail![key]]));
  return { error: { code: error.code, message: error.message, ...(Object.keys(detail).length ? { detail } : {}) } };
}
