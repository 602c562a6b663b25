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
  /** Acknowledging a red flag the call does not have (issue 14). */
  RED_FLAG_NOT_RAISED: { status: 422, retry: 'permanent' },
  /** The agent picked a chart that is not one of those the caller's number matched (issue 14, live calls). */
  CALLER_NOT_A_CANDIDATE: { status: 422, retry: 'permanent' },
  /** Too many wrong dates of birth on one call: the check is not a way to find a birth date by trying. */
  DOB_CHECKS_EXHAUSTED: { status: 422, retry: 'permanent' },
  /** Cancelling a chart write a worker is sending right now (issue 14): it may already be in the EHR. */
  WRITE_BACK_IN_FLIGHT: { status: 409, retry: 'transient' },
  /** Cancelling a chart write that already reached the EHR (issue 14): correct it in the EHR instead. */
  WRITE_BACK_ALREADY_SENT: { status: 409, retry: 'permanent' },
  /** A redelivery asked for an event webhook delivery the subscriber already acknowledged. */
  EVENT_ALREADY_DELIVERED: { status: 409, retry: 'permanent' },
  /** A patient search that would not narrow to a few charts (a name alone): minimum necessary. */
  SEARCH_TOO_BROAD: { status: 400, retry: 'permanent' },
  /** An attempt, claim or close on a callback task already completed, closed or cancelled (issue 16). */
  CALLBACK_CLOSED: { status: 409, retry: 'permanent' },
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
  /** No usable TWILIO_AUTH_TOKEN: every Twilio request is refused, no signature is computed. */
  TWILIO_NOT_CONFIGURED: { status: 403, retry: 'permanent' },
  /** Twilio's REST API did not answer (timeout, connection lost): the call or message may have been placed. */
  TWILIO_UNREACHABLE: { status: 504, retry: 'ambiguous' },
  /** Twilio's REST API answered 429 or 5xx: retry later. */
  TWILIO_UNAVAILABLE: { status: 503, retry: 'transient' },
  /** Twilio's REST API refused the request (a bad number, our credentials): retrying cannot help. */
  TWILIO_REJECTED: { status: 502, retry: 'permanent' },
  /** The http speech engine's server refused the request (4xx other than 429: our key, our upload): retrying cannot help. */
  SPEECH_HTTP_REJECTED: { status: 502, retry: 'permanent' },
  /** The http speech engine's server did not answer, answered 429/5xx, or its breaker is open: retry later. */
  SPEECH_HTTP_UNAVAILABLE: { status: 503, retry: 'transient' },
  /** The http speech engine's server took longer than the timeout (a transcription has no side effect: safe to retry). */
  SPEECH_HTTP_TIMEOUT: { status: 504, retry: 'transient' },
  /** The http speech engine's server answered with a body that is not a verbose_json transcription. */
  SPEECH_HTTP_INVALID_ANSWER: { status: 502, retry: 'permanent' },
  /** The transcription service (issue 17): no service key in Authorization: Bearer, or a wrong one. */
  SPEECH_SERVICE_KEY_MISSING: { status: 401, retry: 'permanent' },
  SPEECH_SERVICE_KEY_INVALID: { status: 401, retry: 'permanent' },
  /** The transcription service's queue is full: retry after the Retry-After it sends. */
  SPEECH_SERVICE_BUSY: { status: 429, retry: 'transient' },
  /** The transcription service's local engine is down or cannot transcribe files. */
  SPEECH_SERVICE_UNAVAILABLE: { status: 503, retry: 'transient' },
  /** Outbound calls (issue 16): Twilio's REST API, the clinic's number or the token is not configured. */
  OUTBOUND_NOT_CONFIGURED: { status: 503, retry: 'permanent' },
  /** The chart has no (valid) phone number for the patient to call back. */
  PATIENT_NO_PHONE: { status: 422, retry: 'permanent' },
  /** Twilio refused the chart's number (invalid, not reachable): the chart needs correcting. */
  PATIENT_NUMBER_REJECTED: { status: 422, retry: 'permanent' },
  /** A callback task with no patient yet: the number to call comes from the chart. */
  CALLBACK_NO_PATIENT: { status: 422, retry: 'permanent' },
  /** The on-call push webhook did not answer, or answered 429/5xx (issue 16): the notice is retried. */
  ON_CALL_PUSH_FAILED: { status: 503, retry: 'transient' },
  /** The on-call push webhook refused the notice (4xx): retrying cannot help. */
  ON_CALL_PUSH_REFUSED: { status: 502, retry: 'permanent' },
  /** One-tap refill approval or denial is not possible for this item (no single matching order, identity unverified). */
  ON_CALL_REFILL_UNAVAILABLE: { status: 409, retry: 'permanent' },
  /** Click-to-call needs Twilio and the clinician's phone on the roster. */
  ON_CALL_CALL_BACK_UNAVAILABLE: { status: 409, retry: 'permanent' },
  /** A Host header that cannot stand in a URL. */
  HOST_INVALID: { status: 400, retry: 'permanent' },
  /** No CALLCHART_METRICS_TOKEN: /metrics is refused to everyone rather than served open. */
  METRICS_NOT_CONFIGURED: { status: 403, retry: 'permanent' },
  /** A scrape without the metrics bearer token, or with a wrong one. */
  METRICS_TOKEN_INVALID: { status: 401, retry: 'permanent' },
  /** An alert already opened as an incident (one incident per alert). */
  INCIDENT_EXISTS: { status: 409, retry: 'permanent' },
  /** The incident changed since the person read it: read it again, then edit. */
  INCIDENT_VERSION_STALE: { status: 409, retry: 'permanent' },
  /** A status change the breach assessment does not support yet (closing without a conclusion). */
  INCIDENT_STATUS_REFUSED: { status: 422, retry: 'permanent' },
  /** SSO (issue 13): a callback whose state is not this browser's flow (forged, replayed, or from another browser). */
  SSO_STATE_MISMATCH: { status: 400, retry: 'permanent' },
  /** The identity provider answered the sign-in with an error, or its tokens did not verify. */
  SSO_IDP_ERROR: { status: 401, retry: 'permanent' },
  /** The identity provider did not answer discovery or the code exchange. */
  SSO_IDP_UNAVAILABLE: { status: 503, retry: 'transient' },
  /** The IdP vouched for someone who has no staff_user here (no self-registration). */
  SSO_USER_UNKNOWN: { status: 403, retry: 'permanent' },
  SSO_USER_DISABLED: { status: 403, retry: 'permanent' },
  /** Self-scheduling (issue 16, SC-1): a booking link only answers an appointment request. */
  BOOKING_NOT_AN_APPOINTMENT_REQUEST: { status: 422, retry: 'permanent' },
  /** A booking link books for one chart: link the call to the patient's chart first. */
  BOOKING_PATIENT_NOT_IDENTIFIED: { status: 422, retry: 'permanent' },
  /** The chart has no mobile number to text the link to (staff never type one). */
  BOOKING_NO_MOBILE_NUMBER: { status: 422, retry: 'permanent' },
  /** A link for this call already booked an appointment: change it in the EHR instead. */
  BOOKING_ALREADY_BOOKED: { status: 409, retry: 'permanent' },
  /** No Twilio REST API, clinic number or public base URL: no link can be sent. */
  BOOKING_NOT_CONFIGURED: { status: 409, retry: 'permanent' },
  /** The staff_user is linked to another IdP subject (or the step-up is someone else's). */
  SSO_SUBJECT_MISMATCH: { status: 403, retry: 'permanent' },
  /** The IdP's `amr` shows no second factor and the config requires one. */
  SSO_MFA_REQUIRED: { status: 403, retry: 'permanent' },
  /** A step-up through the IdP that came back without a fresh authentication. */
  SSO_REAUTH_REQUIRED: { status: 401, retry: 'permanent' },
  SSO_NOT_CONFIGURED: { status: 404, retry: 'permanent' },
  /** A staff account with this user name, SSO subject or external id already exists. */
  STAFF_USER_EXISTS: { status: 409, retry: 'permanent' },
  /** The staff account changed since the caller read it (SCIM If-Match, admin edits). */
  STAFF_USER_VERSION_STALE: { status: 412, retry: 'permanent' },
  /** Sign-in refused: the same answer for an unknown name, a wrong password, a disabled or a locked account (no enumeration). */
  SIGN_IN_FAILED: { status: 401, retry: 'permanent' },
  /** The signed state between sign-in steps expired (5 minutes), was forged, or is for another step. */
  SIGN_IN_PENDING_INVALID: { status: 401, retry: 'permanent' },
  /** A wrong, malformed or already used TOTP or recovery code. */
  MFA_CODE_WRONG: { status: 401, retry: 'permanent' },
  MFA_ALREADY_ENROLLED: { status: 409, retry: 'permanent' },
  /** A session cookie that names no open session (signed out, revoked, disabled account, forged). */
  SESSION_INVALID: { status: 401, retry: 'permanent' },
  /** The session passed its idle timeout or its absolute lifetime: sign in again. */
  SESSION_EXPIRED: { status: 401, retry: 'permanent' },
  /** A route for a signed-in person's own session (sign-out, step-up); a staff token cannot use it. */
  SESSION_REQUIRED: { status: 403, retry: 'permanent' },
  /** Raw content, exports and key operations need a re-authentication within the step-up window. */
  STEP_UP_REQUIRED: { status: 401, retry: 'permanent' },
  /** Service and kiosk tokens (and accounts without a local second factor here) cannot step up. */
  STEP_UP_UNAVAILABLE: { status: 403, retry: 'permanent' },
  STEP_UP_FAILED: { status: 401, retry: 'permanent' },
  /** A state-changing request with the session cookie but without the session's CSRF token. */
  CSRF_TOKEN_INVALID: { status: 403, retry: 'permanent' },
  /** A cookie-authenticated request (or WebSocket upgrade) from a page of another origin. */
  ORIGIN_FORBIDDEN: { status: 403, retry: 'permanent' },
  /** A staff token an administrator revoked. */
  STAFF_TOKEN_REVOKED: { status: 401, retry: 'permanent' },
  /** A staff token whose scopes do not cover this request. */
  TOKEN_SCOPE_FORBIDDEN: { status: 403, retry: 'permanent' },
  PASSWORD_TOO_WEAK: { status: 400, retry: 'permanent' },
  /** SCIM provisioning (SE-4): no usable CALLCHART_SCIM_TOKEN, so every SCIM request is refused. */
  SCIM_NOT_CONFIGURED: { status: 403, retry: 'permanent' },
  /** A SCIM request without a bearer token, or with the wrong one. */
  SCIM_TOKEN_MISSING: { status: 401, retry: 'permanent' },
  SCIM_TOKEN_INVALID: { status: 401, retry: 'permanent' },
  /** SCIM errors (RFC 7644 §3.12), each with its scimType: a filter, path, value or body we cannot use. */
  SCIM_INVALID_FILTER: { status: 400, retry: 'permanent' },
  SCIM_INVALID_PATH: { status: 400, retry: 'permanent' },
  SCIM_INVALID_VALUE: { status: 400, retry: 'permanent' },
  SCIM_INVALID_SYNTAX: { status: 400, retry: 'permanent' },
  SCIM_NO_TARGET: { status: 400, retry: 'permanent' },
  SCIM_MUTABILITY: { status: 400, retry: 'permanent' },
  /** Another user or group already has this userName, externalId or displayName. */
  SCIM_UNIQUENESS: { status: 409, retry: 'permanent' },
  /** The change would leave no active admin: nobody could manage people any more. */
  STAFF_LAST_ADMIN: { status: 409, retry: 'permanent' },
  /** An admin changing their own role or disabling themselves: another admin must do it. */
  STAFF_SELF_CHANGE: { status: 403, retry: 'permanent' },
  /** A legal hold that was already released (holds are released once; set a new one instead). */
  LEGAL_HOLD_RELEASED: { status: 409, retry: 'permanent' },
  /** A dashboard range that is not two calendar dates in order (issue 14). */
  DASHBOARD_RANGE_INVALID: { status: 400, retry: 'permanent' },
  /** A dashboard range longer than the cap (92 days): choose a shorter one. */
  DASHBOARD_RANGE_TOO_LONG: { status: 400, retry: 'permanent' },
  /** A settings document (issue 14) that its config file's schema refuses: every problem with its path. */
  SETTINGS_INVALID: { status: 422, retry: 'permanent' },
  /** Someone else saved the section since the admin opened it (baseVersion is not the current version). */
  SETTINGS_VERSION_STALE: { status: 409, retry: 'permanent' },
  /** A settings change without a reason: every change says why. */
  SETTINGS_REASON_REQUIRED: { status: 400, retry: 'permanent' },
  /** A settings section that does not exist. */
  SETTINGS_SECTION_UNKNOWN: { status: 404, retry: 'permanent' },
  /** Speech (issue 17): an audio file that is empty, truncated or corrupt: send a readable file. */
  AUDIO_UNREADABLE: { status: 400, retry: 'permanent' },
  /** Speech (issue 17): an audio format Callchart does not decode (mp3, ogg, an unknown extension): send WAV, µ-law or PCM. */
  AUDIO_FORMAT_UNSUPPORTED: { status: 415, retry: 'permanent' },
  /** The speech engine cannot run here (library or model missing, recognisers failing to start): the reason says which. */
  SPEECH_ENGINE_UNAVAILABLE: { status: 503, retry: 'transient' },
  /** A recogniser process died (segfault) or hung on this audio: that utterance is lost, the engine goes on. */
  SPEECH_ENGINE_CRASHED: { status: 502, retry: 'transient' },
  /** Zoom Phone (issue 19): no usable CALLCHART_ZOOM_WEBHOOK_SECRET, so every Zoom request is refused. */
  ZOOM_NOT_CONFIGURED: { status: 403, retry: 'permanent' },
  /** A signed webhook request seen and accepted before (same timestamp and signature): a replay. */
  SIGNATURE_REPLAYED: { status: 409, retry: 'permanent' },
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
