import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffRoles, type StaffRole } from '../../src/auth/staff-token.ts';
import { findCall } from '../../src/calls/calls.repository.ts';
import { listAuditEvents } from '../../src/audit/audit.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../../src/sandbox-ehr/synthetic-clinic.ts';
import type { LiveMessage } from '../../src/api/live-calls.hub.ts';
import { backendKinds } from '../helpers/backends.ts';
import { connectLiveClient, eventually, startHarness, syntheticEvent, upgradeStatus, type Harness } from '../helpers/engine-harness.ts';
import { consentEvents } from '../helpers/consent-events.ts';
import { signUpAndSignIn, type LocalStaff } from '../helpers/staff-session.ts';

/**
 * Finding 4 (issue 11): cross-queue PHI and writes. A nurse of another queue received screen pops
 * with names and MRNs for calls in no queue; intake, admin and another queue's nurse created Tasks
 * through /api/events (one for a patient that does not exist); GET /api/calls answered without a
 * token. This file walks EVERY registered route × every role × own/other queue against an oracle
 * written here from the requirements (SE-2, minimum necessary), not from the route table: a new
 * route without a row here fails the test, so nobody adds an open door by accident.
 */

/** `session`: a signed-in person's own session (who am I, step up, sign out): any role, never a token. `scim`: the identity provider's SCIM bearer only. */
type Expectation = 'public' | 'webhook' | 'scrape-token' | 'session' | 'scim' | Partial<Record<StaffRole, 'own-queue' | 'any-queue'>>;

// Who may do what, from the requirements. Roles not listed are refused (403). Synthetic data only.
// The auditor (issue 13) sees the audit trail, never live calls or review content: it is listed on
// none of the routes below, so every one of them must refuse it.
const live = { intake: 'own-queue', nurse: 'own-queue', clinician: 'own-queue', supervisor: 'own-queue' } as const;
const review = { nurse: 'own-queue', clinician: 'own-queue', supervisor: 'own-queue' } as const;
const oracle: Record<string, Expectation> = {
  'GET /healthz': 'public',
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'GET /api/info': 'public',
  'GET /openapi.json': 'public',
  // The staff app (issue 14): its page under every screen's path, and its hashed assets.
  'GET /': 'public',
  'GET /live': 'public',
  'GET /review': 'public',
  'GET /review/:id': 'public',
  'GET /worklist': 'public',
  'GET /audit': 'public',
  'GET /audit/calls/:id': 'public',
  'GET /settings': 'public',
  'GET /dashboard': 'public',
  'GET /callbacks': 'public',
  // The on-call phone view (issue 16): the page shell, like every screen.
  'GET /on-call/:id': 'public',
  'GET /outreach': 'public',
  'GET /assets/*': 'public',
  // The public half of the engine's SMART client keys, fetched by the EHR (issue 13, item 7).
  'GET /.well-known/jwks.json': 'public',
  // Prometheus (AN-1): its own bearer scrape token; with none configured, refused to everyone.
  'GET /metrics': 'scrape-token',
  // Sign-in (issue 13, SE-3): the page shell, its script, and single sign-on, which is the sign-in itself.
  'GET /sign-in': 'public',
  'GET /auth/sso/info': 'public',
  'GET /auth/sso/start': 'public',
  'GET /auth/sso/callback': 'public',
  'GET /ws': live,
  'GET /api/calls': live,
  'POST /api/calls/:id/consents': live,
  'GET /api/calls/:id/red-flags': live,
  'POST /api/calls/:id/red-flags/acknowledge': live,
  'GET /api/calls/:id/consents': live,
  // Calling a patient back from a callback task (issue 16): the people who make callbacks place the
  // call; everyone who works live calls sees its status. Only in the task's queue.
  'POST /api/callbacks/:id/call': { intake: 'own-queue', nurse: 'own-queue', clinician: 'own-queue' },
  'GET /api/callbacks/:id/calls': live,
  // Self-scheduling links (issue 16, SC-1): the people who act on calls send them; the patient's pages are public.
  'POST /api/calls/:id/booking-link': live,
  'GET /api/calls/:id/booking-link': live,
  'GET /book/:token': 'public',
  'POST /book/:token/verify': 'public',
  'POST /book/:token/book': 'public',
  'POST /api/calls/:id/caller': live,
  'POST /api/calls/:id/verify-dob': live,
  'GET /api/review': review,
  'GET /api/review/:id': review,
  'PATCH /api/review/:id': review,
  'POST /api/review/:id/approve': review,
  'POST /api/review/:id/reject': review,
  'POST /api/review/:id/assign': review,
  'GET /api/review/:id/reviewers': review,
  'POST /api/review/:id/verify-identity': review,
  'POST /api/review/:id/link-patient': review,
  // EHR patient search (issue 12): people who link calls to charts; charts are in no queue.
  'GET /api/patients': { nurse: 'any-queue', clinician: 'any-queue', supervisor: 'any-queue' },
  'POST /api/events': review,
  'GET /api/write-back': { nurse: 'any-queue', clinician: 'any-queue', supervisor: 'any-queue', admin: 'any-queue' },
  'GET /api/write-back/summary': { nurse: 'any-queue', clinician: 'any-queue', supervisor: 'any-queue', admin: 'any-queue' },
  'POST /api/write-back/:id/retry': { supervisor: 'any-queue', admin: 'any-queue' },
  // The dashboard (issue 14): aggregates only, narrowed to the person's queues inside the answer (a
  // person of another queue gets an answer with their own queues' counts, never the seeded call's id).
  'GET /api/dashboard': { supervisor: 'any-queue', analyst: 'any-queue', admin: 'any-queue' },
  // Callback tasks (issue 16, FU-1): the people who call patients back, their own queues only; the
  // list of another queue's person is their own (empty) list; metrics are aggregates narrowed inside.
  'GET /api/callbacks': live,
  'GET /api/callbacks/metrics': { supervisor: 'any-queue', analyst: 'any-queue', admin: 'any-queue' },
  'GET /api/callbacks/:id': live,
  'POST /api/callbacks/:id/attempts': live,
  'POST /api/callbacks/:id/claim': live,
  'POST /api/callbacks/:id/assign': review,
  'POST /api/callbacks/:id/complete': live,
  'POST /api/callbacks/:id/cancel': review,
  'POST /api/callbacks/:id/close-unreachable': review,
  // The chart worklist (issue 14): supervisors and admins see every chart write and may cancel one.
  'GET /api/write-back/worklist': { supervisor: 'any-queue', admin: 'any-queue' },
  'POST /api/write-back/:id/cancel': { supervisor: 'any-queue', admin: 'any-queue' },
  'GET /api/policy': { supervisor: 'any-queue', admin: 'any-queue' },
  'PUT /api/policy': { supervisor: 'any-queue', admin: 'any-queue' },
  'GET /api/admin/settings/:section': { admin: 'any-queue' },
  'POST /api/admin/settings/:section/preview': { admin: 'any-queue' },
  'PUT /api/admin/settings/:section': { admin: 'any-queue' },
  // Governance (issue 13): the access log is the privacy officer's (AU-3); alerts go to the people
  // who act on them (AU-4); incidents and their evidence are the privacy officer's (IR-1).
  'GET /api/audit/access': { auditor: 'any-queue' },
  // The Audit screen (issue 14): the auditor only; the export after step-up.
  'GET /api/audit/events': { auditor: 'any-queue' },
  'GET /api/audit/calls/:id/timeline': { auditor: 'any-queue' },
  'GET /api/audit/verification': { auditor: 'any-queue' },
  'GET /api/audit/export': { auditor: 'any-queue' },
  'GET /api/alerts': { supervisor: 'any-queue', auditor: 'any-queue', admin: 'any-queue' },
  // Outbound event webhooks (OW-1): subscribers are admins' business; troubled deliveries show in the worklist.
  'GET /api/admin/event-subscriptions': { admin: 'any-queue' },
  'POST /api/admin/event-subscriptions': { admin: 'any-queue' },
  'POST /api/admin/event-subscriptions/:id/disable': { admin: 'any-queue' },
  'GET /api/event-webhooks/deliveries': { supervisor: 'any-queue', admin: 'any-queue' },
  'POST /api/event-webhooks/deliveries/:id/redeliver': { admin: 'any-queue' },
  'POST /api/alerts/:id/acknowledge': { supervisor: 'any-queue', auditor: 'any-queue', admin: 'any-queue' },
  'POST /api/incidents': { auditor: 'any-queue' },
  'GET /api/incidents/:id': { auditor: 'any-queue' },
  'PATCH /api/incidents/:id': { auditor: 'any-queue' },
  'GET /api/incidents/:id/evidence': { auditor: 'any-queue' },
  // Sign-in (SE-3): the steps before a session are open to anyone (they answer nothing but the next
  // step); the session's own routes need a session, whatever the role.
  'POST /auth/sign-in': 'public',
  'POST /auth/mfa': 'public',
  'POST /auth/mfa/enrol': 'public',
  'POST /auth/mfa/enrol/confirm': 'public',
  'GET /auth/me': 'session',
  'POST /auth/step-up': 'session',
  'POST /auth/password': 'session',
  'POST /auth/sign-out': 'session',
  'POST /auth/sign-out-everywhere': 'session',
  // Service and kiosk tokens are credentials: only admins issue, list and revoke them.
  'POST /api/admin/staff-tokens': { admin: 'any-queue' },
  'GET /api/admin/staff-tokens': { admin: 'any-queue' },
  'POST /api/admin/staff-tokens/:id/revoke': { admin: 'any-queue' },
  // Legal holds and the retention report (RE-1): the auditor alone, clinic-wide (issue 13).
  // Outreach lists (issue 16, FU-2): entries for the people who call back; uploads and EHR runs for supervisors and admins.
  'GET /api/outreach': live,
  'GET /api/outreach/entries/:id': live,
  'POST /api/outreach/imports': { supervisor: 'own-queue', admin: 'own-queue' },
  'POST /api/outreach/runs': { supervisor: 'any-queue', admin: 'any-queue' },
  'POST /api/retention/holds': { auditor: 'any-queue' },
  'GET /api/retention/holds': { auditor: 'any-queue' },
  'POST /api/retention/holds/:id/release': { auditor: 'any-queue' },
  'GET /api/retention/report': { auditor: 'any-queue' },
  // Key operations (SE-1): admins only; ids and counts, never content (step-up: key-operation).
  'GET /api/admin/keys/status': { admin: 'any-queue' },
  'POST /api/admin/keys/rotate': { admin: 'any-queue' },
  // The on-call view (issue 16, AH-1): clinicians only; the link answers only the clinician it was
  // sent to or a clinician of the item's queue (anyone else: not found).
  'GET /api/on-call/:id': { clinician: 'own-queue' },
  'POST /api/on-call/:id/approve-refill': { clinician: 'own-queue' },
  'POST /api/on-call/:id/deny': { clinician: 'own-queue' },
  'POST /api/on-call/:id/hand-off': { clinician: 'own-queue' },
  'POST /api/on-call/:id/call-back': { clinician: 'own-queue' },
  // Click-to-call's TwiML and status callback: Twilio's signature only.
  'POST /webhooks/on-call/:id/connect': 'webhook',
  'POST /webhooks/on-call/:id/status': 'webhook',
  'POST /webhooks/cti': 'webhook',
  // RingCentral (issue 19): the subscription's Verification-Token.
  'POST /webhooks/ringcentral': 'webhook',
  'POST /webhooks/zoom': 'webhook',
  'POST /webhooks/fhir/notify': 'webhook',
  'POST /webhooks/twilio/voice': 'webhook',
  'POST /webhooks/twilio/ivr': 'webhook',
  'POST /webhooks/twilio/status': 'webhook',
  'POST /webhooks/twilio/recording': 'webhook',
  'POST /webhooks/twilio/transcription': 'webhook',
  'POST /webhooks/twilio/realtime-transcription': 'webhook',
  // Calls placed from callback tasks (issue 16): Twilio-signed like the inbound webhooks.
  'POST /webhooks/twilio/outbound-voice': 'webhook',
  'POST /webhooks/twilio/outbound-consent': 'webhook',
  'POST /webhooks/twilio/outbound-status': 'webhook',
  'GET /media/twilio': 'webhook',
  // People and queues (issue 13, SE-2): managing accounts is an admin's job alone.
  'GET /api/admin/users': { admin: 'any-queue' },
  'POST /api/admin/users': { admin: 'any-queue' },
  'PATCH /api/admin/users/:id': { admin: 'any-queue' },
  'POST /api/admin/users/:id/disable': { admin: 'any-queue' },
  'POST /api/admin/users/:id/enable': { admin: 'any-queue' },
  'POST /api/admin/users/:id/sign-out': { admin: 'any-queue' },
  // SCIM (SE-4): the identity provider's bearer token only; no staff token of any role.
  'GET /scim/v2/ServiceProviderConfig': 'scim',
  'GET /scim/v2/ResourceTypes': 'scim',
  'GET /scim/v2/Schemas': 'scim',
  'GET /scim/v2/Users': 'scim',
  'POST /scim/v2/Users': 'scim',
  'GET /scim/v2/Users/:id': 'scim',
  'PUT /scim/v2/Users/:id': 'scim',
  'PATCH /scim/v2/Users/:id': 'scim',
  'DELETE /scim/v2/Users/:id': 'scim',
  'GET /scim/v2/Groups': 'scim',
  'POST /scim/v2/Groups': 'scim',
  'GET /scim/v2/Groups/:id': 'scim',
  'PUT /scim/v2/Groups/:id': 'scim',
  'PATCH /scim/v2/Groups/:id': 'scim',
  'DELETE /scim/v2/Groups/:id': 'scim',
};
const scimToken = `scim_${randomBytes(32).toString('base64url')}`;

const clinic = generateSyntheticClinic();
const scenarios = sandboxPhoneScenarios(clinic);
const adults = scenarios.uniquePatient.filter((caller) => (clinic.patients.find((patient) => patient.id === caller.patientId)?.birthDate ?? '2020') < '2000-01-01');

let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr.close());

describe.each(backendKinds)('every route × every role × own/other queue (%s)', (kind) => {
  let harness: Harness;
  /** A call in queue `q-own` with its review item, placed through the real pipeline. */
  let own: { callId: string; reviewId: string; itemQueue: string; patientId: string; name: string };
  const ownQueues = () => ['q-own', own.itemQueue, harness.engine.policies.current.policy.events.queue];
  const otherQueues = ['q-elsewhere'];

  beforeAll(async () => {
    harness = await startHarness(kind, { ehr, scimToken });
    const caller = adults[0]!;
    const patient = clinic.patients.find((entry) => entry.id === caller.patientId)!;
    const call = { id: `acl-${kind}`, ani: caller.phone, dnis: '+16175550100', queue: 'q-own', direction: 'inbound' as const };
    const event = (overrides: Parameters<typeof syntheticEvent>[0]) => ({ ...syntheticEvent(overrides), call });
    await harness.post(event({ type: 'call.ringing', callId: call.id }));
    for (const consent of consentEvents(call.id, caller.phone, [], 'q-own')) await harness.post(consent);
    await harness.post(event({ type: 'transcript.available', callId: call.id, data: { transcript: { text: 'hi I need a refill of my lisinopril please' } } }));
    await harness.post(event({ type: 'call.ended', callId: call.id }));
    const all = await harness.token('supervisor', ['*']);
    own = await eventually(async () => {
      const response = await fetch(`${harness.engine.url}/api/review?status=pending,approved,auto-approved,rejected`, { headers: { authorization: `Bearer ${all}` } });
      const items = ((await response.json()) as { items: { id: string; callId: string; queue: string | null }[] }).items;
      for (const item of items) {
        const record = await findCall(harness.engine.db, item.callId);
        if (record?.providerCallId === call.id) return { callId: item.callId, reviewId: item.id, itemQueue: item.queue ?? 'front-desk', patientId: caller.patientId, name: patient.name![0]!.family! };
      }
      return null;
    }, 60_000, 'the review item of the seeded call');
  });
  afterAll(async () => harness?.close());

  /** A request that would do the route's job on the seeded objects (own) or on another queue's. */
  function requestFor(method: string, url: string): { url: string; body?: unknown } {
    const path = url.replace(':id', url.startsWith('/api/review') ? own.reviewId : url.startsWith('/api/calls') ? own.callId : randomUUID());
    switch (`${method} ${url}`) {
      case 'PATCH /api/review/:id':
        return { url: path, body: { baseVersion: 999, note: { details: 'edited' } } };
      case 'POST /api/review/:id/approve':
        return { url: path, body: { baseVersion: 999, checklist: { patientIdentifiedCorrectly: true, actionAppropriate: true, noUnnecessaryPhi: true, neutralFactualTone: true } } };
      case 'POST /api/review/:id/reject':
        return { url: path, body: { reason: 'duplicate' } };
      case 'POST /api/review/:id/assign':
        return { url: path, body: { assignee: null } };
      case 'POST /api/review/:id/verify-identity':
        return { url: path, body: { patientId: 'no-such-patient' } };
      case 'POST /api/review/:id/link-patient':
        return { url: path, body: { patientId: 'no-such-patient', check: 'in-person' } };
      case 'POST /api/calls/:id/consents':
        return { url: path, body: { scope: 'ehr', status: 'granted' } };
      case 'POST /api/calls/:id/caller':
        return { url: path, body: { patientId: 'no-such-patient' } };
      case 'POST /api/calls/:id/verify-dob':
        return { url: path, body: { birthDate: '1901-01-01' } };
      case 'POST /api/events':
        return { url: path, body: { type: 'callback-request', patientId: own.patientId, callId: own.callId } };
      case 'PUT /api/policy':
        return { url: path, body: { yaml: 'not: [valid', reason: 'access matrix probe' } };
      case 'POST /api/retention/holds':
        return { url: path, body: { scope: 'call', callId: own.callId, reason: 'access matrix probe' } };
      case 'POST /api/retention/holds/:id/release':
        return { url: path, body: { reason: 'access matrix probe' } };
      default:
        return { url: path, ...(method === 'GET' ? {} : { body: {} }) };
    }
  }

  async function send(method: string, url: string, token: string | null, body?: unknown, extraHeaders: Record<string, string> = {}) {
    const response = await fetch(`${harness.engine.url}${url}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...extraHeaders },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, text, headers: response.headers };
  }

  it('has an oracle row for every route the engine serves, and a route for every row', () => {
    const served = harness.engine.app.routeAccessList.map((route) => `${route.method} ${route.url}`).sort();
    expect(served).toEqual(Object.keys(oracle).sort());
  });

  it('refuses every staff route without a token (401 before any 400), with a token in the URL, and with a forged token', async () => {
    const staffRoutes = harness.engine.app.routeAccessList.filter((route) => typeof oracle[`${route.method} ${route.url}`] === 'object' && route.url !== '/ws');
    for (const route of staffRoutes) {
      // A body that would fail validation: authentication must still answer first.
      const noToken = await send(route.method, requestFor(route.method, route.url).url, null, route.method === 'GET' ? undefined : { junk: true });
      expect(noToken.status, `${route.method} ${route.url} without a token`).toBe(401);
      expect(noToken.text).toContain('STAFF_TOKEN_MISSING');
      const inUrl = await send(route.method, `${requestFor(route.method, route.url).url}?token=${await harness.token('supervisor')}`, null);
      expect(inUrl.status, `${route.method} ${route.url} with ?token=`).toBe(401);
      expect(inUrl.text).toContain('STAFF_TOKEN_IN_URL');
      const forged = await send(route.method, requestFor(route.method, route.url).url, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged');
      expect(forged.status, `${route.method} ${route.url} with a forged token`).toBe(401);
    }
  });

  it('answers each role as the oracle says: refused roles 403, other queues never see or change own-queue objects', async () => {
    const staffRoutes = harness.engine.app.routeAccessList.filter((route) => typeof oracle[`${route.method} ${route.url}`] === 'object' && route.url !== '/ws');
    const failures: string[] = [];
    for (const route of staffRoutes) {
      const expectation = oracle[`${route.method} ${route.url}`] as Exclude<Expectation, string>;
      for (const role of staffRoles) {
        const allowed = expectation[role];
        for (const queues of [ownQueues(), otherQueues]) {
          const label = `${route.method} ${route.url} as ${role} of ${queues.join('+')}`;
          const { url, body } = requestFor(route.method, route.url);
          const answer = await send(route.method, url, await harness.token(role, queues), body);
          if (!allowed) {
            if (answer.status !== 403 || !answer.text.includes('ROLE_FORBIDDEN')) failures.push(`${label}: expected 403 ROLE_FORBIDDEN, got ${answer.status}`);
            continue;
          }
          if (answer.status === 401 || answer.status >= 500) failures.push(`${label}: got ${answer.status}`);
          if (allowed === 'own-queue' && queues === otherQueues) {
            // Another queue's object does not exist for this person, and its PHI never reaches them.
            if (answer.status < 400 && route.url !== '/api/review' && route.url !== '/api/calls' && route.url !== '/api/outreach' && route.url !== '/api/callbacks') failures.push(`${label}: another queue's object answered ${answer.status}`);
            if (answer.text.includes(own.callId) || answer.text.includes(own.reviewId) || answer.text.includes(own.name)) failures.push(`${label}: leaked an own-queue object`);
          }
          // A step-up route refuses every token (tokens cannot re-authenticate; tested below); sessions are checked in their own test.
          const stepUpRefusal = route.access.kind === 'staff' && route.access.stepUp && answer.text.includes('STEP_UP_UNAVAILABLE');
          if (allowed && queues !== otherQueues && answer.status === 403 && !stepUpRefusal) failures.push(`${label}: refused its own queue`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses every SCIM route to a staff token of any role (and to no token), and every staff route to the SCIM token', async () => {
    const failures: string[] = [];
    const scimRoutes = harness.engine.app.routeAccessList.filter((route) => oracle[`${route.method} ${route.url}`] === 'scim');
    expect(scimRoutes.length).toBeGreaterThan(0);
    for (const route of scimRoutes) {
      const { url, body } = requestFor(route.method, route.url);
      for (const role of staffRoles) {
        const answer = await send(route.method, url, await harness.token(role, ['*']), body);
        if (answer.status !== 401 || !answer.text.includes('SCIM_TOKEN_INVALID')) failures.push(`${route.method} ${route.url} with a ${role} staff token: ${answer.status}`);
      }
      const none = await send(route.method, url, null, body);
      if (none.status !== 401) failures.push(`${route.method} ${route.url} without a token: ${none.status}`);
      // The SCIM token itself answers (no 401/403/5xx; the probe ids do not exist, so 404 or 400 is fine).
      const own = await send(route.method, url, scimToken, body, body !== undefined ? { 'content-type': 'application/scim+json' } : {});
      if ([401, 403].includes(own.status) || own.status >= 500) failures.push(`${route.method} ${route.url} with the SCIM token: ${own.status}`);
    }
    const staffRoutes = harness.engine.app.routeAccessList.filter((route) => typeof oracle[`${route.method} ${route.url}`] === 'object' && route.url !== '/ws');
    for (const route of staffRoutes) {
      const { url, body } = requestFor(route.method, route.url);
      const answer = await send(route.method, url, scimToken, body);
      if (answer.status !== 401 || !answer.text.includes('STAFF_TOKEN_INVALID')) failures.push(`${route.method} ${route.url} with the SCIM token: ${answer.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers a signed-in person (session cookie) of each role as the oracle says, like a token', async () => {
    const staffRoutes = harness.engine.app.routeAccessList.filter((route) => typeof oracle[`${route.method} ${route.url}`] === 'object' && route.url !== '/ws');
    const failures: string[] = [];
    for (const role of staffRoles) {
      const person = await signUpAndSignIn(harness.engine, { role, queues: ownQueues() });
      for (const route of staffRoutes) {
        const allowed = (oracle[`${route.method} ${route.url}`] as Exclude<Expectation, string>)[role];
        const { url, body } = requestFor(route.method, route.url);
        const answer = await person.fetch(route.method, url, body);
        const label = `${route.method} ${route.url} as a ${role} session`;
        if (!allowed && (answer.status !== 403 || answer.body?.error?.code !== 'ROLE_FORBIDDEN')) failures.push(`${label}: expected 403 ROLE_FORBIDDEN, got ${answer.status}`);
        if (allowed && (answer.status === 401 || answer.status === 403 || answer.status >= 500)) failures.push(`${label}: got ${answer.status} ${JSON.stringify(answer.body?.error ?? null)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('keeps the session routes for people: no credentials 401, any staff token 403, a session of any role gets in', async () => {
    const sessionRoutes = harness.engine.app.routeAccessList.filter((route) => oracle[`${route.method} ${route.url}`] === 'session');
    expect(sessionRoutes.length).toBeGreaterThan(0);
    const people = new Map<StaffRole, LocalStaff>();
    for (const route of sessionRoutes) {
      const body = route.method === 'GET' ? undefined : {};
      expect((await send(route.method, route.url, null, body)).status, `${route.method} ${route.url} without credentials`).toBe(401);
      for (const role of staffRoles) {
        const withToken = await send(route.method, route.url, await harness.token(role, ['*']), body);
        expect(withToken.status, `${route.method} ${route.url} with a ${role} token`).toBe(403);
        expect(withToken.text).toContain('SESSION_REQUIRED');
      }
      if (route.method !== 'GET') continue;
      for (const role of staffRoles) {
        if (!people.has(role)) people.set(role, await signUpAndSignIn(harness.engine, { role, queues: otherQueues }));
        expect((await people.get(role)!.fetch(route.method, route.url)).status, `${route.method} ${route.url} as a ${role} session`).toBe(200);
      }
    }
  });

  it('never shows raw content or does a step-up operation for a staff token: they cannot re-authenticate', async () => {
    const clinician = await harness.token('clinician', ownQueues());
    const raw = await send('GET', `/api/review/${own.reviewId}?redaction=off`, clinician);
    expect(raw.status).toBe(403);
    expect(raw.text).toContain('STEP_UP_UNAVAILABLE');
    expect(raw.text).not.toContain(own.name);
    for (const route of harness.engine.app.routeAccessList.filter((entry) => entry.access.kind === 'staff' && entry.access.stepUp)) {
      const access = route.access as Extract<typeof route.access, { kind: 'staff' }>;
      const { url, body } = requestFor(route.method, route.url);
      const answer = await send(route.method, url, await harness.token(access.roles[0]!, ['*']), body);
      expect(answer.status, `${route.method} ${route.url}`).toBe(403);
      expect(answer.text).toContain('STEP_UP_UNAVAILABLE');
    }
  });

  it('creates an event Task only for a chart that exists, in a queue the person works', async () => {
    const nurseOwn = await harness.token('nurse', ownQueues());
    const missing = await send('POST', '/api/events', nurseOwn, { type: 'refill-denied', patientId: 'no-such-patient-9' });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('PATIENT_NOT_FOUND');
    const ok = await send('POST', '/api/events', nurseOwn, { type: 'refill-denied', patientId: own.patientId });
    expect([200, 202]).toContain(ok.status);
    for (const role of ['intake', 'admin', 'analyst'] as const) {
      expect((await send('POST', '/api/events', await harness.token(role, ['*']), { type: 'refill-denied', patientId: own.patientId })).status).toBe(403);
    }
    expect((await send('POST', '/api/events', await harness.token('nurse', otherQueues), { type: 'refill-denied', patientId: own.patientId })).status).toBe(403);
  });

  it('serves the public routes and pages with security headers and no call data', async () => {
    for (const url of ['/', '/review', '/review/some-item', '/dashboard', '/sign-in', '/auth/sso/info', '/healthz', '/api/info', '/openapi.json']) {
      const answer = await send('GET', url, null);
      expect(answer.status, url).toBe(200);
      expect(answer.text).not.toContain(own.name);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it('refuses /metrics to everyone, staff tokens included, when no scrape token is configured', async () => {
    for (const token of [null, await harness.token('admin'), await harness.token('supervisor')]) {
      const answer = await send('GET', '/metrics', token);
      expect(answer.status).toBe(403);
      expect(answer.text).toContain('METRICS_NOT_CONFIGURED');
      expect(answer.text).not.toContain('callchart_calls_total');
    }
  });

  it('sends live cards only to the queues a viewer works: an unqueued call goes to the fallback queue, not to everyone', async () => {
    const caller = adults[1]!;
    const patient = clinic.patients.find((entry) => entry.id === caller.patientId)!;
    const otherNurse = await connectLiveClient(harness.engine.url, await harness.token('nurse', otherQueues));
    const frontDesk = await connectLiveClient(harness.engine.url, await harness.token('nurse', ['front-desk']));
    const unqueued = syntheticEvent({ type: 'call.ringing', callId: `unqueued-${kind}`, ani: caller.phone });
    const ringing = await harness.post({ ...unqueued, call: { ...unqueued.call, queue: undefined } });
    const callId = String(ringing.body.callId);
    const pop = (message: LiveMessage) => message.type === 'screen-pop' && message.screenPop.callId === callId && message.screenPop.complete;
    await frontDesk.waitFor((message): message is Extract<LiveMessage, { type: 'screen-pop' }> => pop(message));
    // The other queue's nurse got nothing about this call: no card, no name, not even the call row.
    const seen = JSON.stringify(otherNurse.messages);
    expect(otherNurse.messages.some(pop)).toBe(false);
    expect(seen).not.toContain(callId);
    expect(seen).not.toContain(patient.name![0]!.family!);
    otherNurse.close();
    frontDesk.close();
  });

  it('refuses the live socket without a token, with a token in the URL, and to roles that see no live calls', async () => {
    const upgrade = (url: string, protocols?: string[]) => upgradeStatus(`${harness.engine.url}${url}`, protocols ? { protocols } : {});
    expect(await upgrade('/ws')).toBe(401);
    expect(await upgrade(`/ws?token=${await harness.token('nurse')}`)).toBe(401);
    expect(await upgrade('/ws', ['callchart.live.v1', `bearer.${await harness.token('analyst')}`])).toBe(403);
    expect(await upgrade('/ws', ['callchart.live.v1', `bearer.${await harness.token('admin')}`])).toBe(403);
    expect(await upgrade('/ws', ['callchart.live.v1', `bearer.${await harness.token('nurse')}`])).toBe(101);
    // Twilio's media socket without a signature is refused before the upgrade.
    expect([401, 403]).toContain(await upgrade('/media/twilio'));
    const audit = await listAuditEvents(harness.engine.db, { limit: 10_000 });
    expect(audit.some((event) => event.action === 'staff.api.rejected' && event.reason === 'STAFF_TOKEN_IN_URL')).toBe(true);
  });
});
