import type { StaffRole } from '../auth/staff-token.ts';

/**
 * Who may call what (SE-2, deny by default). Every HTTP route and WebSocket the engine serves has
 * one row here; a route without a row stops the engine at start-up (see access-control.ts), so a
 * new route cannot ship open by accident. The security tier checks every row against every role
 * and queue with an oracle of its own.
 *
 * - `public`: answers with nothing about calls or patients (health, the API contract, page shells
 *   whose every data request needs a staff token).
 * - `webhook`: a machine caller authenticated by its own signature scheme, checked by the route's
 *   plugin before anything is parsed or stored.
 * - `staff`: a signed staff token in `Authorization: Bearer` (or, for the WebSocket, the
 *   `bearer.<token>` subprotocol), checked before the body is read, so a stranger gets 401 before
 *   any 400; then the role. `queues` says how the route narrows to the caller's queues:
 *   `own` (the handler answers only for objects in the caller's queues; another queue's object is
 *   "not found"), or `all` with the reason it is safe (ids and codes only, or the role is global).
 */
export type RouteAccess =
  | { kind: 'public'; why: string }
  | { kind: 'webhook'; verifier: 'cti-hmac' | 'twilio-signature' | 'webhook-secret-bearer' }
  | { kind: 'staff'; roles: readonly StaffRole[]; queues: 'own' | { all: string }; stepUp?: StepUpPurpose };

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
  'GET /api/info': { kind: 'public', why: 'engine version and the EHR base URL: no call or patient data' },
  'GET /openapi.json': { kind: 'public', why: 'the API contract' },
  'GET /': { kind: 'public', why: 'page shell: every data request it makes needs a staff token' },
  'GET /review': { kind: 'public', why: 'page shell: every data request it makes needs a staff token' },

  'GET /ws': { kind: 'staff', roles: liveRoles, queues: 'own' },
  'GET /api/calls': { kind: 'staff', roles: liveRoles, queues: 'own' },
  'POST /api/calls/:id/consents': { kind: 'staff', roles: liveRoles, queues: 'own' },

  'GET /api/review': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  'GET /api/review/:id': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  'PATCH /api/review/:id': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  'POST /api/review/:id/approve': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  'POST /api/review/:id/reject': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  'POST /api/review/:id/assign': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  'POST /api/review/:id/verify-identity': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  'POST /api/review/:id/link-patient': { kind: 'staff', roles: reviewRoles, queues: 'own' },
  // Charts are not in queues; minimum necessary is in the search itself (a strong criterion, at most
  // 10 demographics-only results, every search audited). People who link calls to charts search.
  'GET /api/patients': { kind: 'staff', roles: reviewRoles, queues: { all: 'EHR search with a name and birth date, an MRN or a phone; demographics only, at most 10, audited' } },
  'POST /api/events': { kind: 'staff', roles: reviewRoles, queues: 'own' },

  'GET /api/write-back': { kind: 'staff', roles: ['nurse', 'clinician', 'supervisor', 'admin'], queues: { all: 'ids, codes and delivery status only' } },
  'GET /api/write-back/summary': { kind: 'staff', roles: ['nurse', 'clinician', 'supervisor', 'admin'], queues: { all: 'counts only' } },
  'POST /api/write-back/:id/retry': { kind: 'staff', roles: ['supervisor', 'admin'], queues: { all: 'requeues an item by id; carries no content' } },
  'GET /api/policy': { kind: 'staff', roles: ['supervisor', 'admin'], queues: { all: 'clinic-wide configuration, no call data' } },
  'PUT /api/policy': { kind: 'staff', roles: ['supervisor', 'admin'], queues: { all: 'clinic-wide configuration, no call data' } },
  // Key operations (SE-1): admins only, after step-up; ids and counts, never key material or content.
  'GET /api/admin/keys/status': { kind: 'staff', roles: ['admin'], queues: { all: 'key ids and counts only, no call data' }, stepUp: 'key-operation' },
  'POST /api/admin/keys/rotate': { kind: 'staff', roles: ['admin'], queues: { all: 'rotates keys; carries no call data' }, stepUp: 'key-operation' },

  // Retention and legal holds (RE-1): the auditor's, across every queue (ids, codes and dates only).
  'POST /api/retention/holds': { kind: 'staff', roles: ['auditor'], queues: { all: 'holds name a call or patient by id; the auditor role is clinic-wide' } },
  'GET /api/retention/holds': { kind: 'staff', roles: ['auditor'], queues: { all: 'hold ids, call and patient ids, who and why' } },
  'POST /api/retention/holds/:id/release': { kind: 'staff', roles: ['auditor'], queues: { all: 'releases a hold by id' } },
  'GET /api/retention/report': { kind: 'staff', roles: ['auditor'], queues: { all: 'ids, classes, key ids and counts only' } },

  'POST /webhooks/cti': { kind: 'webhook', verifier: 'cti-hmac' },
  'POST /webhooks/fhir/notify': { kind: 'webhook', verifier: 'webhook-secret-bearer' },
  'POST /webhooks/twilio/voice': { kind: 'webhook', verifier: 'twilio-signature' },
  'POST /webhooks/twilio/ivr': { kind: 'webhook', verifier: 'twilio-signature' },
  'POST /webhooks/twilio/status': { kind: 'webhook', verifier: 'twilio-signature' },
  'POST /webhooks/twilio/recording': { kind: 'webhook', verifier: 'twilio-signature' },
  'POST /webhooks/twilio/transcription': { kind: 'webhook', verifier: 'twilio-signature' },
  'GET /media/twilio': { kind: 'webhook', verifier: 'twilio-signature' },
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
