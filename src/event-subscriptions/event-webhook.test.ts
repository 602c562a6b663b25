import { describe, expect, it } from 'vitest';
import { verifyCtiSignature } from '../pbx/cti-signature.ts';
import {
  completeEvent, deliveryVerdict, eventsFromAudit, subscriberHears, subscriberUrlProblem, subscriptionInputSchema, webhookEventId, webhookEventSchema, type AuditFact,
} from './event-webhook.ts';
import { retryDelayMs, signedEventRequest } from './event-webhook.worker.ts';

const callId = '3f0b7f9e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const fact = (overrides: Partial<AuditFact>): AuditFact => ({
  seq: 7, at: '2026-12-07T18:00:00.000Z', action: 'call.event.accepted', objectType: 'call', objectId: callId, outcome: 'success', detail: {}, ...overrides,
});

describe('which audit events become which webhook events', () => {
  it('a call\'s first event is call.new; a missed status adds call.missed; a voicemail adds call.voicemail', () => {
    expect(eventsFromAudit(fact({ detail: { eventType: 'call.ringing', callStatus: 'ringing' } })).map((draft) => draft.type)).toEqual(['call.new']);
    expect(eventsFromAudit(fact({ detail: { eventType: 'call.missed', callStatus: 'missed' } })).map((draft) => draft.type)).toEqual(['call.new', 'call.missed']);
    expect(eventsFromAudit(fact({ detail: { eventType: 'voicemail', callStatus: 'missed' } })).map((draft) => draft.type)).toEqual(['call.new', 'call.missed', 'call.voicemail']);
  });

  it('the same event about the same call always has the same id, whichever audit event it came from; different types differ', () => {
    const fromRinging = eventsFromAudit(fact({ seq: 1, detail: { eventType: 'call.ringing' } }))[0]!;
    const fromAnswer = eventsFromAudit(fact({ seq: 2, detail: { eventType: 'call.answered' } }))[0]!;
    const a = completeEvent(fromRinging, null, 'front-desk');
    const b = completeEvent(fromAnswer, null, 'front-desk');
    expect(a.id).toBe(b.id);
    expect(webhookEventId('call.missed', `call:${callId}`)).not.toBe(a.id);
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('an approved review written to the chart is case.resolved with its FHIR references; an event task or a rejection is not', () => {
    const reviewId = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const drafts = eventsFromAudit(fact({ action: 'ehr.write-back.delivered', objectType: 'write-back-item', objectId: 'x', detail: { callId, kind: 'chart-record', reviewId, resourceIds: ['Task/42', 'Communication/7', 'not a reference'] } }));
    expect(drafts).toMatchObject([{ type: 'case.resolved', callId, reviewId, fhir: ['Task/42', 'Communication/7'] }]);
    // The write-back audit names the call, not the review item: the call's review item is filled in.
    const withoutReview = eventsFromAudit(fact({ action: 'ehr.write-back.delivered', objectType: 'write-back-item', detail: { callId, kind: 'chart-record', resourceIds: ['Task/42'] } }))[0]!;
    expect(completeEvent(withoutReview, { queue: 'front-desk', requestType: 'refill', urgent: false, reviewId }, 'front-desk')).toMatchObject({ type: 'case.resolved', reviewId, fhir: ['Task/42'] });
    expect(eventsFromAudit(fact({ action: 'ehr.write-back.delivered', objectType: 'write-back-item', detail: { callId, kind: 'event-task' } }))).toEqual([]);
    expect(eventsFromAudit(fact({ action: 'ehr.write-back.delivered', objectType: 'write-back-item', detail: { callId, kind: 'rejection' } }))).toEqual([]);
  });

  it('a completed callback task is callback.completed and case.resolved, with the task\'s own codes; a failed completion is nothing', () => {
    const drafts = eventsFromAudit(fact({ action: 'callback.completed', objectType: 'callback-task', objectId: 'cbt-17', detail: { callId, queue: 'nurse-line', requestType: 'refill', urgent: true, fhirTaskId: '99' } }));
    expect(drafts.map((draft) => draft.type)).toEqual(['callback.completed', 'case.resolved']);
    const event = completeEvent(drafts[0]!, { queue: 'front-desk', requestType: 'billing', urgent: false }, 'front-desk');
    expect(event).toMatchObject({ taskId: 'cbt-17', callId, fhir: ['Task/99'], codes: { queue: 'nurse-line', requestType: 'refill', urgent: true } });
    expect(eventsFromAudit(fact({ action: 'callback.completed', objectType: 'callback-task', objectId: 'cbt-17', outcome: 'failure' }))).toEqual([]);
  });

  it('everything else in the log is not an event', () => {
    for (const action of ['phi.viewed', 'review.edited', 'staff.signed-in', 'call.event.duplicate', 'webhook.rejected']) expect(eventsFromAudit(fact({ action }))).toEqual([]);
  });

  it('codes come from the call, a call in no queue counts as the fallback queue, and free text never passes as a code', () => {
    const draft = eventsFromAudit(fact({ detail: { eventType: 'call.ringing' } }))[0]!;
    expect(completeEvent(draft, { queue: null, requestType: null, urgent: false }, 'front-desk').codes).toEqual({ queue: 'front-desk', requestType: null, urgent: false });
    expect(completeEvent(draft, { queue: 'billing', requestType: 'appointment', urgent: true }, 'front-desk').codes).toEqual({ queue: 'billing', requestType: 'appointment', urgent: true });
    expect(completeEvent(draft, { queue: 'Mrs Smith called', requestType: 'x y', urgent: false }, 'front-desk').codes).toEqual({ queue: 'front-desk', requestType: null, urgent: false });
  });

  it('the payload schema refuses anything beyond ids and codes', () => {
    const event = completeEvent(eventsFromAudit(fact({ detail: { eventType: 'call.ringing' } }))[0]!, null, 'front-desk');
    expect(webhookEventSchema.safeParse(event).success).toBe(true);
    expect(webhookEventSchema.safeParse({ ...event, callerName: 'Ada' }).success).toBe(false);
    expect(webhookEventSchema.safeParse({ ...event, codes: { ...event.codes, phone: '+16175550142' } }).success).toBe(false);
  });
});

describe('who hears what (deny by default)', () => {
  const event = { type: 'call.missed' as const, codes: { queue: 'front-desk', requestType: null, urgent: false } };
  it('only an event type and a queue the subscriber was given', () => {
    expect(subscriberHears({ eventTypes: ['call.missed'], queues: ['front-desk'] }, event)).toBe(true);
    expect(subscriberHears({ eventTypes: ['call.missed'], queues: ['*'] }, event)).toBe(true);
    expect(subscriberHears({ eventTypes: ['call.missed'], queues: ['billing'] }, event)).toBe(false);
    expect(subscriberHears({ eventTypes: ['call.new'], queues: ['*'] }, event)).toBe(false);
    expect(subscriberHears({ eventTypes: [], queues: [] }, event)).toBe(false);
  });
});

describe('subscription input', () => {
  it('https only; plain http only to loopback and only when allowed; no credentials in the URL', () => {
    expect(subscriberUrlProblem('https://hooks.example.org/callchart', false)).toBeNull();
    expect(subscriberUrlProblem('http://hooks.example.org/callchart', true)).toMatch(/https/);
    expect(subscriberUrlProblem('http://127.0.0.1:9000/hook', false)).toMatch(/allowLoopbackHttp/);
    expect(subscriberUrlProblem('http://127.0.0.1:9000/hook', true)).toBeNull();
    expect(subscriberUrlProblem('ftp://hooks.example.org/', true)).toMatch(/https/);
    expect(subscriberUrlProblem('https://user:pw@hooks.example.org/', false)).toMatch(/credentials/);
    expect(subscriberUrlProblem('not a url', false)).toMatch(/valid URL/);
  });

  it('event types are the five known ones; queues are names or *', () => {
    const base = { name: 'crm', url: 'https://crm.example.org/hook', eventTypes: ['call.new'], queues: ['front-desk'] };
    expect(subscriptionInputSchema.safeParse(base).success).toBe(true);
    expect(subscriptionInputSchema.safeParse({ ...base, eventTypes: ['call.transcribed'] }).success).toBe(false);
    expect(subscriptionInputSchema.safeParse({ ...base, eventTypes: [] }).success).toBe(false);
    expect(subscriptionInputSchema.safeParse({ ...base, queues: ['front desk; drop table'] }).success).toBe(false);
    expect(subscriptionInputSchema.safeParse({ ...base, extra: true }).success).toBe(false);
  });
});

describe('delivery', () => {
  it('2xx delivered; 408, 429, 5xx and no answer retried; every other 4xx permanent', () => {
    expect([200, 202, 204].map(deliveryVerdict)).toEqual(['delivered', 'delivered', 'delivered']);
    expect([408, 429, 500, 502, 503, 'timeout' as const, 'unreachable' as const].map(deliveryVerdict)).toEqual(Array(7).fill('retry'));
    expect([400, 401, 403, 404, 410, 422, 301].map(deliveryVerdict)).toEqual(['permanent', 'permanent', 'permanent', 'permanent', 'permanent', 'permanent', 'permanent']);
  });

  it('backoff grows with each failure, jittered between half and all of base × 2^(n−1), and stops at the cap', () => {
    for (let run = 0; run < 50; run += 1) {
      const first = retryDelayMs(1, 1_000, 60_000);
      const third = retryDelayMs(3, 1_000, 60_000);
      expect(first).toBeGreaterThanOrEqual(500);
      expect(first).toBeLessThan(1_000);
      expect(third).toBeGreaterThanOrEqual(2_000);
      expect(third).toBeLessThan(4_000);
      expect(retryDelayMs(30, 1_000, 60_000)).toBeLessThanOrEqual(60_000);
    }
  });

  it('is signed exactly like the inbound CTI webhook: the CTI check verifies it, and refuses it with another secret or out of the window', () => {
    const secret = `whsec_${'3a9f'.repeat(4)}${'c01d'.repeat(4)}${'7be2'.repeat(4)}${'58a6'.repeat(4)}`;
    const event = completeEvent(eventsFromAudit(fact({ detail: { eventType: 'call.ringing' } }))[0]!, null, 'front-desk');
    const request = signedEventRequest(secret, event, 1_800_000_000);
    expect(request.headers['callchart-event-id']).toBe(event.id);
    const check = (secrets: string[], nowSeconds: number) => verifyCtiSignature({ header: request.headers['callchart-signature'], rawBody: request.body, secrets, nowSeconds });
    expect(check([secret], 1_800_000_010).ok).toBe(true);
    expect(check(['whsec_another'], 1_800_000_010)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(check([secret], 1_800_000_000 + 301)).toMatchObject({ ok: false, code: 'SIGNATURE_STALE' });
  });
});
