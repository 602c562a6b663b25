import type { StaffRole } from '../auth/staff-token.ts';
import { staffAppPaths } from '../web/staff-app.loader.ts';

/**
 * Who may call what (SE-2, deny by default). Every HTTP route and WebSocket the engine serves has
 * one row here; a route without a row stops the engine at start-up (see access-control.ts), so a
 * new route cannot ship open by accident. The security tier checks every row against every role
 * and queue with an oracle of its own.
 *
 * - `public`: answers with nothing about calls or patients (health, the API contract, page shells
 *   whose every data request needs a staff token).
 * - `webhook`: a machine caller authenticated by its own signature scheme, checked by the route's
 *   plugin before anything is parsed or stored (`scim-bearer`: the identity provider's SCIM token,
 *   src/scim/scim.routes.ts; a staff token is not one; `speech-service-key`: a key from
 *   CALLCHART_SPEECH_SERVICE_KEYS, src/speech/http/transcription.routes.ts).
 * - `staff`: a signed staff token in `Authorization: Bearer` (or, for the WebSocket, the
 *   `bearer.<token>` subprotocol), checked before the body is read, so a stranger gets 401 before
 *   any 400; then the role. `queues` says how the route narrows to the caller's queues:
 *   `own` (the handler answers only for objects in the caller's queues; another queue's object is
 *   "not found"), or `all` with the reason it is safe (ids and codes only, or the role is global).
 */
export type RouteAccess =
  | { kind: 'public'; why: string }
  | { kind: 'webhook'; verifier: 'cti-hmac' | 'twilio-signature' | 'ringcentral-verification-token' | 'zoom-signature' | 'webhook-secret-bearer' | 'metrics-scrape-token' | 'scim-bearer' | 'speech-service-key' }
  | { kind: 'staff'; roles: readonly StaffRole[]; queues: 'own' | { all: string }; stepUp?: StepUpPurpose }
  /** A signed-in person acting on their own session (who am I, step up, sign out): any role, a session cookie only (tokens get 403). */
  | { kind: 'session'; why: string };

/**
 * Routes that show raw (unredacted) content, export, or touch keys ask a signed-in person to
 * re-authenticate first (SE-3): the session must have stepped up within the step-up window.
 */
export type StepUpPurpose = 'raw-content' | 'export' | 'key-operation';

/** Roles that act on live calls: the front desk, clinical staff, and supervisors. */
const liveRoles = ['intake', 'nurse', 'clinician', 'supervisor'] as const satisfies readonly StaffRole[];
/** Roles that review call content (RV-1). */
const reviewRoles = ['nurse', 'clinician', 'supervisor'] as const satisfies readonly StaffRole[];

export const routeAccess: Readonly<Record<string, RouteAccess>> = {
  'GET /healthz': { kind: 'public', why: 'status and storage kind only' },
  'GET /health/live': { kind: 'public', why: 'the process answers: status and role only' },
  'GET /health/ready': { kind: 'public', why: 'whether to send traffic here: status, role, storage kind and the duties this process leads' },
  'GET /api/info': { kind: 'public', why: 'engine version and the EHR base URL: no call or patient data' },
  'GET /openapi.json': { kind: 'public', why: 'the API contract' },
  // The staff app (issue 14): one page for every screen and its hashed assets. They hold no data;
  // every request the app makes needs a session (or a staff token) and its role.
  ...Object.fromEntries(staffAppPaths.map((url) => [`GET ${url}`, { kind: 'public', why: 'the staff app\'s page: no data; every request it makes needs a session' } as const])),
  'GET /assets/*': { kind: 'public', why: "the staff app's scripts and styles (hashed names): no data" },
  'GET /.well-known/jwks.json': { kind: 'public', why: "the public half of Callchart's SMART client keys, which the EHR fetches: no secret, no call data" },
  // Sign-in (issue 13): the page shell and its script hold no data; SSO is the sign-in itself,
  // its callback proven by the flow's state, PKCE verifier and the IdP's signed ID token.
  'GET /auth/sso/info': { kind: 'public', why: 'whether SSO is set up and the IdP\'s display name' },
  'GET /auth/sso/start': { kind: 'public', why: 'starts a sign-in at the identity provider (a step-up needs a session)' },
  'GET /auth/sso/callback': { kind: 'public', why: 'the identity provider\'s answer: checked against the flow cookie\'s state, nonce and PKCE verifier and the signed ID token' },

  'GET /ws': { kind: 'staff', roles: liveRoles, queues: 'own' },
  'GET /api/calls': { kind: 'staff', roles: liveRoles, queues: 'own' },
  'POST /api/calls/:id/consents': { kind: 'staff', roles: liveRoles, queues: 'own' },
  // Red flags (issue 14): codes, and who acknowledged each and when; the people who act on calls.
  'GET /api/calls/:id/red-flags': { kind: 'staff', roles: liveRoles, queues: 'own' },
  'POST /api/calls/:id/red-flags/acknowledge': { kind: 'staff', roles: liveRoles, queues: 'own' },
  // The front desk on a live call (issue 14): consent codes; picking the caller's chart among the
  // number's own; the caller's date of birth checked by the engine (never stored or sent back).
  'GET /api/calls/:id/consents': { kind: 'staff', roles: liveRoles, queues: 'own' },
  'POST /api/calls/:id/caller': { kind: 'staff', roles: liveRoles, queues: 'own' },
  'POST /api/calls/:id/verify-dob': { kind: 'staff', roles: liveRoles, queues: 'own' },

  // Calling a patient back from a callback task (issue 16): the people who make callbacks, in the task's queue.
  'POST /api/callbacks/:id/call': { kind: 'staff', roles: ['intake', 'nurse', 'clinician'], queues: 'own' },
  'GET /api/callbacks/:id/calls': { kind: 'staff', roles: liveRoles, queues: 'own' },
  // Self-scheduling links (issue 16, SC-1): the people who act on calls text the caller a link
  // for an appointment request in their queues; the link's status is ids, codes and times.
  'POST /api/calls/:id/booking-link': { kind: 'staff', roles: liveRoles, queues: 'own' },
  'GET /api/calls/:id/booking-link': { kind: 'staff', roles: liveRoles, queues: 'own' },
  // The patient's booking pages: no staff sign-in, by design (the patient has none).
  'GET /book/:token': { kind: 'public', why: 'a 256-bit link token stored hashed; the clinic\'s name and a birth-date form until the date of birth matches the chart; rate limited' },
  'POST /book/:token/verify': { kind: 'public', why: 'the date-of-birth check: a form token keyed to the link; a few wrong dates lock the link; audited; rate limited' },
  'POST /book/:token/book': { kind: 'public', why: 'books one slot: needs the page session of a matched date of birth (HttpOnly, SameSite=Strict cookie) and its form token; exactly once; rate limited' },

  'GET /api/review': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  'GET /api/review/:id': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  'PATCH /api/review/:id': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  'POST /api/review/:id/approve': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  'POST /api/review/:id/reject': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  'POST /api/review/:id/assign': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  // Whom an item may be reassigned to (issue 14): names and roles of reviewers who work its queue.
  'GET /api/review/:id/reviewers': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  'POST /api/review/:id/verify-identity': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  'POST /api/review/:id/link-patient': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  // Charts are not in queues; minimum necessary is in the search itself (a strong criterion, at most
  // 10 demographics-only results, every search audited). People who link calls to charts search.
  'GET /api/patients': { kind: 'staff', roles: reviewRoles, queues: { all: 'EHR search with a name and birth date, an MRN or a phone; demographics only, at most 10, audited' } },
  'POST /api/events': { kind: 'staff', roles: reviewRoles, queues: 'own' },

  // Callback tasks (issue 16, FU-1): the people who call patients back, in their own queues (another
  // queue's task is "not found"); metrics are counts and durations over the person's queues.
  // Outreach lists (issue 16, FU-2): entries in the caller's queues (ids, codes, barrier codes and the
  // script); uploads and "search the EHR now" for supervisors and admins who work the outreach queue.
  'GET /api/outreach': { kind: 'staff', roles: liveRoles, queues: 'own' },
  'GET /api/outreach/entries/:id': { kind: 'staff', roles: liveRoles, queues: 'own' },
  'POST /api/outreach/imports': { kind: 'staff', roles: ['supervisor', 'admin'], queues: 'own' },
  'POST /api/outreach/runs': { kind: 'staff', roles: ['supervisor', 'admin'], queues: { all: 'searches the EHR for the clinic-wide lists; answers with counts only' } },
  'GET /api/callbacks': { kind: 'staff', roles: liveRoles, queues: 'own' },
  'GET /api/callbacks/metrics': { kind: 'staff', roles: ['supervisor', 'analyst', 'admin'], queues: 'own' },
  'GET /api/callbacks/:id': { kind: 'staff', roles: liveRoles, queues: 'own' },
  'POST /api/callbacks/:id/attempts': { kind: 'staff', roles: liveRoles, queues: 'own' },
  'POST /api/callbacks/:id/claim': { kind: 'staff', roles: liveRoles, queues: 'own' },
  'POST /api/callbacks/:id/assign': { kind: 'staff', roles: ['nurse', 'clinician', 'supervisor'], queues: 'own' },
  'POST /api/callbacks/:id/complete': { kind: 'staff', roles: liveRoles, queues: 'own' },
  'POST /api/callbacks/:id/cancel': { kind: 'staff', roles: ['nurse', 'clinician', 'supervisor'], queues: 'own' },
  'POST /api/callbacks/:id/close-unreachable': { kind: 'staff', roles: ['nurse', 'clinician', 'supervisor'], queues: 'own' },

  'GET /api/write-back': { kind: 'staff', roles: ['nurse', 'clinician', 'supervisor', 'admin'], queues: { all: 'ids, codes and delivery status only' } },
  'GET /api/write-back/summary': { kind: 'staff', roles: ['nurse', 'clinician', 'supervisor', 'admin'], queues: { all: 'counts only' } },
  'POST /api/write-back/:id/retry': { kind: 'staff', roles: ['supervisor', 'admin'], queues: { all: 'requeues an item by id; carries no content' } },
  // The dashboard (issue 14): aggregates of the calls in the queues the person works ('*': all);
  // the analyst's answer is de-identified (counts and durations, small cells hidden). No ids.
  'GET /api/dashboard': { kind: 'staff', roles: ['supervisor', 'analyst', 'admin'], queues: 'own' },
  // The chart worklist (issue 14): ids, codes and reasons in words; a chart id only for queues the reviewer works.
  'GET /api/write-back/worklist': { kind: 'staff', roles: ['supervisor', 'admin'], queues: { all: 'ids, codes and delivery status; chart ids only for the caller\'s own queues' } },
  'POST /api/write-back/:id/cancel': { kind: 'staff', roles: ['supervisor', 'admin'], queues: { all: 'cancels an item by id with a reason code; carries no content' } },
  'GET /api/policy': { kind: 'staff', roles: ['supervisor', 'admin'], queues: { all: 'clinic-wide configuration, no call data' } },
  'PUT /api/policy': { kind: 'staff', roles: ['supervisor', 'admin'], queues: { all: 'clinic-wide configuration, no call data' } },
  // Settings (issue 14, item 6): admins read, preview and save configuration sections; no call data.
  'GET /api/admin/settings/:section': { kind: 'staff', roles: ['admin'], queues: { all: 'clinic-wide configuration and who changed it, no call data' } },
  'POST /api/admin/settings/:section/preview': { kind: 'staff', roles: ['admin'], queues: { all: 'checks a configuration document; no call data' } },
  'PUT /api/admin/settings/:section': { kind: 'staff', roles: ['admin'], queues: { all: 'clinic-wide configuration, no call data' } },
  // Key operations (SE-1): admins only, after step-up; ids and counts, never key material or content.
  'GET /api/admin/keys/status': { kind: 'staff', roles: ['admin'], queues: { all: 'key ids and counts only, no call data' }, stepUp: 'key-operation' },
  'POST /api/admin/keys/rotate': { kind: 'staff', roles: ['admin'], queues: { all: 'rotates keys; carries no call data' }, stepUp: 'key-operation' },

  // Governance (issue 13, AU-3/AU-4/IR-1): the access log for auditors; alerts for the people who
  // act on them; incidents (breach assessments) for the privacy officer. Ids and codes only.
  'GET /api/audit/access': { kind: 'staff', roles: ['auditor'], queues: { all: 'the access log: ids, times and purposes, never content; the auditor role is clinic-wide' } },
  // The Audit screen (issue 14): the trail, a call's chain of custody, verification and a signed
  // export (after step-up, itself audited). Ids, codes, times and staff names; never call content.
  'GET /api/audit/events': { kind: 'staff', roles: ['auditor'], queues: { all: 'audit events: ids, codes and times, never content; the auditor role is clinic-wide' } },
  'GET /api/audit/calls/:id/timeline': { kind: 'staff', roles: ['auditor'], queues: { all: "a call's audit events: ids, codes and times, never content; access-logged" } },
  'GET /api/audit/verification': { kind: 'staff', roles: ['auditor'], queues: { all: 'chain and checkpoint status: counts and sequence numbers' } },
  'GET /api/audit/export': { kind: 'staff', roles: ['auditor'], queues: { all: 'a signed audit export: ids and codes only' }, stepUp: 'export' },
  'GET /api/alerts': { kind: 'staff', roles: ['supervisor', 'auditor', 'admin'], queues: { all: 'alerts carry ids and codes only' } },
  'POST /api/alerts/:id/acknowledge': { kind: 'staff', roles: ['supervisor', 'auditor', 'admin'], queues: { all: 'acknowledges an alert by id; carries no content' } },
  // Outbound event webhooks (OW-1): admins manage subscribers (the secret is shown once); failing and
  // dead deliveries are listed for supervisors and admins in the worklist, and admins redeliver.
  'GET /api/admin/event-subscriptions': { kind: 'staff', roles: ['admin'], queues: { all: 'subscriber URLs, event types and queues; no call data, never a secret' } },
  'POST /api/admin/event-subscriptions': { kind: 'staff', roles: ['admin'], queues: { all: 'adds a subscriber; no call data' } },
  'POST /api/admin/event-subscriptions/:id/disable': { kind: 'staff', roles: ['admin'], queues: { all: 'disables a subscriber by id; no call data' } },
  'GET /api/event-webhooks/deliveries': { kind: 'staff', roles: ['supervisor', 'admin'], queues: { all: 'ids, codes and failure codes only' } },
  'POST /api/event-webhooks/deliveries/:id/redeliver': { kind: 'staff', roles: ['admin'], queues: { all: 'requeues a delivery by id; carries no content' } },
  'POST /api/incidents': { kind: 'staff', roles: ['auditor'], queues: { all: 'incident records hold ids, codes and counts only' } },
  'GET /api/incidents/:id': { kind: 'staff', roles: ['auditor'], queues: { all: 'incident records hold ids, codes and counts only' } },
  'PATCH /api/incidents/:id': { kind: 'staff', roles: ['auditor'], queues: { all: 'incident records hold ids, codes and counts only' } },
  'GET /api/incidents/:id/evidence': { kind: 'staff', roles: ['auditor'], queues: { all: 'a signed audit export: ids and codes only' }, stepUp: 'export' },
  // Local sign-in (SE-3): the steps before a session exists. They answer with the next step only,
  // the same refusal for every failure, and are rate limited per source.
  'POST /auth/sign-in': { kind: 'public', why: 'password step: answers with the next step only; one refusal for every failure; rate limited' },
  'POST /auth/mfa': { kind: 'public', why: 'second factor: needs the signed pending state of the password step; rate limited' },
  'POST /auth/mfa/enrol': { kind: 'public', why: 'authenticator enrolment: needs the signed pending state of the password step; rate limited' },
  'POST /auth/mfa/enrol/confirm': { kind: 'public', why: 'authenticator enrolment: needs the signed pending state and a first code; rate limited' },
  'GET /auth/me': { kind: 'session', why: 'the signed-in person\'s own name, role, queues and session expiry' },
  'POST /auth/step-up': { kind: 'session', why: 're-authenticates the caller\'s own session' },
  'POST /auth/password': { kind: 'session', why: 'changes the caller\'s own password' },
  'POST /auth/sign-out': { kind: 'session', why: 'ends the caller\'s own session' },
  'POST /auth/sign-out-everywhere': { kind: 'session', why: 'ends every session of the caller' },
  // Service and kiosk tokens (people sign in with sessions): issued, listed and revoked by admins.
  'POST /api/admin/staff-tokens': { kind: 'staff', roles: ['admin'], queues: { all: 'issues a credential; no call data' } },
  'GET /api/admin/staff-tokens': { kind: 'staff', roles: ['admin'], queues: { all: 'token names, roles and dates; no call data' } },
  'POST /api/admin/staff-tokens/:id/revoke': { kind: 'staff', roles: ['admin'], queues: { all: 'revokes a credential by id; no call data' } },
  // Retention and legal holds (RE-1): the auditor's, across every queue (ids, codes and dates only).
  'POST /api/retention/holds': { kind: 'staff', roles: ['auditor'], queues: { all: 'holds name a call or patient by id; the auditor role is clinic-wide' } },
  'GET /api/retention/holds': { kind: 'staff', roles: ['auditor'], queues: { all: 'hold ids, call and patient ids, who and why' } },
  'POST /api/retention/holds/:id/release': { kind: 'staff', roles: ['auditor'], queues: { all: 'releases a hold by id' } },
  'GET /api/retention/report': { kind: 'staff', roles: ['auditor'], queues: { all: 'ids, classes, key ids and counts only' } },

  // The on-call clinician's phone view (issue 16, AH-1): clinicians only; the service answers only
  // the clinician the notice went to or a clinician of the item's queue (anyone else: not found).
  'GET /api/on-call/:id': { kind: 'staff', roles: ['clinician'], queues: 'own' },
  'POST /api/on-call/:id/approve-refill': { kind: 'staff', roles: ['clinician'], queues: 'own' },
  'POST /api/on-call/:id/deny': { kind: 'staff', roles: ['clinician'], queues: 'own' },
  'POST /api/on-call/:id/hand-off': { kind: 'staff', roles: ['clinician'], queues: 'own' },
  'POST /api/on-call/:id/call-back': { kind: 'staff', roles: ['clinician'], queues: 'own' },
  // Click-to-call (issue 16): Twilio asks for the TwiML that dials the patient, and reports the call's end.
  'POST /webhooks/on-call/:id/connect': { kind: 'webhook', verifier: 'twilio-signature' },
  'POST /webhooks/on-call/:id/status': { kind: 'webhook', verifier: 'twilio-signature' },
  'POST /webhooks/cti': { kind: 'webhook', verifier: 'cti-hmac' },
  // RingCentral telephony session notifications (issue 19): the subscription's Verification-Token, compared in constant time.
  'POST /webhooks/ringcentral': { kind: 'webhook', verifier: 'ringcentral-verification-token' },
  'POST /webhooks/zoom': { kind: 'webhook', verifier: 'zoom-signature' },
  'POST /webhooks/fhir/notify': { kind: 'webhook', verifier: 'webhook-secret-bearer' },
  'POST /webhooks/twilio/voice': { kind: 'webhook', verifier: 'twilio-signature' },
  'POST /webhooks/twilio/ivr': { kind: 'webhook', verifier: 'twilio-signature' },
  'POST /webhooks/twilio/status': { kind: 'webhook', verifier: 'twilio-signature' },
  'POST /webhooks/twilio/recording': { kind: 'webhook', verifier: 'twilio-signature' },
  'POST /webhooks/twilio/transcription': { kind: 'webhook', verifier: 'twilio-signature' },
  // Twilio real-time transcription status callbacks (issue 17): started, content, stopped, error.
  'POST /webhooks/twilio/realtime-transcription': { kind: 'webhook', verifier: 'twilio-signature' },
  // Calls placed from callback tasks (issue 16): Twilio asks for TwiML on answer, posts consent keys and call progress.
  'POST /webhooks/twilio/outbound-voice': { kind: 'webhook', verifier: 'twilio-signature' },
  'POST /webhooks/twilio/outbound-consent': { kind: 'webhook', verifier: 'twilio-signature' },
  'POST /webhooks/twilio/outbound-status': { kind: 'webhook', verifier: 'twilio-signature' },
  'GET /media/twilio': { kind: 'webhook', verifier: 'twilio-signature' },
  // Prometheus: a bearer scrape token (CALLCHART_METRICS_TOKEN), refused to all when unset; counts and codes only.
  'GET /metrics': { kind: 'webhook', verifier: 'metrics-scrape-token' },

  // People and queues (issue 13, SE-2): admins manage accounts; nobody changes their own role.
  'GET /api/admin/users': { kind: 'staff', roles: ['admin'], queues: { all: 'staff accounts: names, roles and queues, no call data' } },
  'POST /api/admin/users': { kind: 'staff', roles: ['admin'], queues: { all: 'creates a staff account; no call data' } },
  'PATCH /api/admin/users/:id': { kind: 'staff', roles: ['admin'], queues: { all: 'changes a staff account; no call data' } },
  'POST /api/admin/users/:id/disable': { kind: 'staff', roles: ['admin'], queues: { all: 'disables a staff account and ends its sessions' } },
  'POST /api/admin/users/:id/enable': { kind: 'staff', roles: ['admin'], queues: { all: 'enables a staff account' } },
  'POST /api/admin/users/:id/sign-out': { kind: 'staff', roles: ['admin'], queues: { all: 'ends every session of a staff account' } },

  // SCIM 2.0 provisioning by the clinic's identity provider (SE-4): its own bearer token only.
  'GET /scim/v2/ServiceProviderConfig': { kind: 'webhook', verifier: 'scim-bearer' },
  'GET /scim/v2/ResourceTypes': { kind: 'webhook', verifier: 'scim-bearer' },
  'GET /scim/v2/Schemas': { kind: 'webhook', verifier: 'scim-bearer' },
  'GET /scim/v2/Users': { kind: 'webhook', verifier: 'scim-bearer' },
  'POST /scim/v2/Users': { kind: 'webhook', verifier: 'scim-bearer' },
  'GET /scim/v2/Users/:id': { kind: 'webhook', verifier: 'scim-bearer' },
  'PUT /scim/v2/Users/:id': { kind: 'webhook', verifier: 'scim-bearer' },
  'PATCH /scim/v2/Users/:id': { kind: 'webhook', verifier: 'scim-bearer' },
  'DELETE /scim/v2/Users/:id': { kind: 'webhook', verifier: 'scim-bearer' },
  'GET /scim/v2/Groups': { kind: 'webhook', verifier: 'scim-bearer' },
  'POST /scim/v2/Groups': { kind: 'webhook', verifier: 'scim-bearer' },
  'GET /scim/v2/Groups/:id': { kind: 'webhook', verifier: 'scim-bearer' },
  'PUT /scim/v2/Groups/:id': { kind: 'webhook', verifier: 'scim-bearer' },
  'PATCH /scim/v2/Groups/:id': { kind: 'webhook', verifier: 'scim-bearer' },
  'DELETE /scim/v2/Groups/:id': { kind: 'webhook', verifier: 'scim-bearer' },

  // Callchart as a transcription service (issue 17; only when speech.service.enabled): other
  // Callchart engines' http speech engine, machine to machine with a service key; no staff role.
  'POST /v1/audio/transcriptions': { kind: 'webhook', verifier: 'speech-service-key' },
  'GET /v1/models': { kind: 'webhook', verifier: 'speech-service-key' },
};

/** The row for a route as Fastify registers it (HEAD routes Fastify adds for GET share the GET row). */
export function accessFor(method: string, url: string): RouteAccess | undefined {
  return routeAccess[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}

/**
 * Whether a staff member sees an object in `queue`. The token's queues decide (`*` for all); an
 * object in no queue yet belongs to the fallback queue, never to everyone.
 */
export function staffSeesQueue(staff: { queues: readonly string[] }, queue: string | null, fallbackQueue: string): boolean {
  return staff.queues.includes('*') || staff.queues.includes(queue ?? fallbackQueue);
}
