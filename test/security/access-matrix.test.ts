import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffRoles, type StaffRole } from '../../src/auth/staff-token.ts';
import { findCall } from '../../src/calls/calls.repository.ts';
import { listAuditEvents } from '../../src/audit/audit.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../../src/sandbox-ehr/synthetic-clinic.ts';
import type { LiveMessage } from '../../src/api/live-calls.hub.ts';
import { backendKinds } from '../helpers/backends.ts';
import { connectLiveClient, eventually, startHarness, syntheticEvent, type Harness } from '../helpers/engine-harness.ts';
import { consentEvents } from '../helpers/consent-events.ts';

/**
 * Finding 4 (issue 11): cross-queue PHI and writes. A nurse of another queue received screen pops
 * with names and MRNs for calls in no queue; intake, admin and another queue's nurse created Tasks
 * through /api/events (one for a patient that does not exist); GET /api/calls answered without a
 * token. This file walks EVERY registered route × every role × own/other queue against an oracle
 * written here from the requirements (SE-2, minimum necessary), not from the route table: a new
 * route without a row here fails the test, so nobody adds an open door by accident.
 */

type Expectation = 'public' | 'webhook' | Partial<Record<StaffRole, 'own-queue' | 'any-queue'>>;

// Who may do what, from the requirements. Roles not listed are refused (403). Synthetic data only.
const live = { intake: 'own-queue', nurse: 'own-queue', clinician: 'own-queue', supervisor: 'own-queue' } as const;
const review = { nurse: 'own-queue', clinician: 'own-queue', supervisor: 'own-queue' } as const;
const oracle: Record<string, Expectation> = {
  'GET /healthz': 'public',
  'GET /api/info': 'public',
  'GET /openapi.json': 'public',
  'GET /': 'public',
  'GET /review': 'public',
  'GET /ws': live,
  'GET /api/calls': live,
  'POST /api/calls/:id/consents': live,
  'GET /api/review': review,
  'GET /api/review/:id': review,
  'PATCH /api/review/:id': review,
  'POST /api/review/:id/approve': review,
  'POST /api/review/:id/reject': review,
  'POST /api/review/:id/assign': review,
  'POST /api/review/:id/verify-identity': review,
  'POST /api/review/:id/link-patient': review,
  // EHR patient search (issue 12): people who link calls to charts; charts are in no queue.
  'GET /api/patients': { nurse: 'any-queue', clinician: 'any-queue', supervisor: 'any-queue' },
  'POST /api/events': review,
  'GET /api/write-back': { nurse: 'any-queue', clinician: 'any-queue', supervisor: 'any-queue', admin: 'any-queue' },
  'GET /api/write-back/summary': { nurse: 'any-queue', clinician: 'any-queue', supervisor: 'any-queue', admin: 'any-queue' },
  'POST /api/write-back/:id/retry': { supervisor: 'any-queue', admin: 'any-queue' },
  'GET /api/policy': { supervisor: 'any-queue', admin: 'any-queue' },
  'PUT /api/policy': { supervisor: 'any-queue', admin: 'any-queue' },
  // Legal holds and the retention report (RE-1): the auditor alone, clinic-wide (issue 13).
  'POST /api/retention/holds': { auditor: 'any-queue' },
  'GET /api/retention/holds': { auditor: 'any-queue' },
  'POST /api/retention/holds/:id/release': { auditor: 'any-queue' },
  'GET /api/retention/report': { auditor: 'any-queue' },
  // Key operations (SE-1): admins only; ids and counts, never content (step-up: key-operation).
  'GET /api/admin/keys/status': { admin: 'any-queue' },
  'POST /api/admin/keys/rotate': { admin: 'any-queue' },
  'POST /webhooks/cti': 'webhook',
  'POST /webhooks/fhir/notify': 'webhook',
  'POST /webhooks/twilio/voice': 'webhook',
  'POST /webhooks/twilio/ivr': 'webhook',
  'POST /webhooks/twilio/status': 'webhook',
  'POST /webhooks/twilio/recording': 'webhook',
  'POST /webhooks/twilio/transcription': 'webhook',
  'GET /media/twilio': 'webhook',
};

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
    harness = await startHarness(kind, { ehr });
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
            if (answer.status < 400 && route.url !== '/api/review' && route.url !== '/api/calls') failures.push(`${label}: another queue's object answered ${answer.status}`);
            if (answer.text.includes(own.callId) || answer.text.includes(own.reviewId) || answer.text.includes(own.name)) failures.push(`${label}: leaked an own-queue object`);
          }
          if (allowed && queues !== otherQueues && answer.status === 403) failures.push(`${label}: refused its own queue`);
        }
      }
    }
    expect(failures).toEqual([]);
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
    for (const url of ['/', '/review', '/healthz', '/api/info', '/openapi.json']) {
      const answer = await send('GET', url, null);
      expect(answer.status, url).toBe(200);
      expect(answer.text).not.toContain(own.name);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
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
    const upgrade = (url: string, protocols?: string[]) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(`${harness.engine.url.replace(/^http/, 'ws')}${url}`, protocols);
        socket.on('unexpected-response', (request, response) => {
          resolve(response.statusCode ?? 0);
          request.destroy();
        });
        socket.on('open', () => {
          socket.close();
          resolve(101);
        });
        socket.on('error', () => resolve(-1));
      });
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
