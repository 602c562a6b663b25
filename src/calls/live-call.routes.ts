import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffOf } from '../api/access-control.ts';
import { staffSeesQueue } from '../api/route-access.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import type { CallerIdentityService, CallerLookup } from '../ehr/caller-identity.service.ts';
import { stepUpWithDob } from '../ehr/identity-step-up.ts';
import { IdentityConfidence, type CallerCandidate, type CallerMatch } from '../ehr/patient-match.ts';
import { consentScopes } from '../ivr/ivr-settings.schema.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import { CallchartError } from '../lib/errors.ts';
import type { Pipeline } from '../pipeline/pipeline.worker.ts';
import type { Db } from '../store/db.ts';
import { liveSummary } from './call-ingest.service.ts';
import { callerNumberOf } from './caller-number.repository.ts';
import { findCall, listConsents, upgradeCallerMatch, type CallRecord } from './calls.repository.ts';
import type { ScreenPopDisplay } from './screen-pop.service.ts';

const idParams = z.object({ id: z.string().uuid() });

/**
 * Wrong dates of birth an agent may try on one call. A caller misremembers or the agent mistypes
 * once or twice; more than a few is guessing, and the check must not become a way to find a
 * birth date by trying (the answer says "matches" or not).
 */
export const maxFailedDobChecks = 5;
const fhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'a FHIR Patient id');

export interface LiveCallRoutesDeps {
  db: Db;
  fallbackQueue: string;
  cipher: ContentKeyring;
  /** The live path's EHR client (its own breaker): the number's charts, as the card listed them. */
  identity: Pick<CallerIdentityService, 'identify'>;
  /** Brings the call's card in line with its stored match (and fills in the chart). */
  screenPops: { reconcile(callId: string): void };
  display: Pick<ScreenPopDisplay, 'publishCall'>;
  pipeline: Pick<Pipeline, 'enqueue'>;
}

/**
 * What the front desk does on a live call (issue 14, item 2), beside the card the engine pushes:
 * - `GET /api/calls/:id/consents`: each consent scope and where it stands (codes; the app words them).
 * - `POST /api/calls/:id/caller`: on a shared number, the agent picks which of the number's charts
 *   the caller is. That is a selection, not verification: the call stays "caller ID only" until
 *   the date of birth checks out. Only the number's own charts can be picked.
 * - `POST /api/calls/:id/verify-dob`: the agent types the date of birth the caller says; the engine
 *   compares it with the chart(s) and answers verified or not. The date is never stored, logged,
 *   audited or sent back, and a card never shows it.
 * Every change is audited (ids and codes) and reaches the live display as an updated card and row.
 */
export async function liveCallRoutes(parent: FastifyInstance, deps: LiveCallRoutesDeps): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;
  const callInMyQueues = async (staff: ReturnType<typeof staffOf>, id: string): Promise<CallRecord> => {
    const call = await findCall(db, id);
    // Another queue's call is "not found": its existence is not this person's to know.
    if (!call || !staffSeesQueue(staff, call.queue, deps.fallbackQueue)) throw new CallchartError('NOT_FOUND', 'no such call', { id });
    return call;
  };
  /** The number's charts now (the card's list), with what the call already stored. */
  const lookupFor = async (call: CallRecord): Promise<CallerLookup> => deps.identity.identify(await callerNumberOf(db, call, deps.cipher));
  const published = async (callId: string) => {
    deps.screenPops.reconcile(callId);
    const updated = await findCall(db, callId);
    if (updated) deps.display.publishCall(liveSummary(updated));
    return updated;
  };

  app.get('/api/calls/:id/consents', {
    schema: { summary: "A call's consent per scope (recording, transcription, AI, EHR): granted, declined or not asked yet, and who captured it", params: idParams },
  }, async (request) => {
    const call = await callInMyQueues(staffOf(request), request.params.id);
    const stored = await listConsents(db, call.id);
    return {
      callId: call.id,
      consents: consentScopes.map((scope) => ({ scope, status: stored[scope]?.status ?? 'not-captured', source: stored[scope]?.source ?? null, capturedAt: stored[scope]?.capturedAt ?? null })),
    };
  });

  app.post('/api/calls/:id/caller', {
    schema: {
      summary: "Pick which of the caller number's charts the caller is (a shared phone). Not verification: confirm the date of birth next. Audited.",
      params: idParams,
      body: z.object({ patientId: fhirId }).strict(),
    },
  }, async (request) => {
    const staff = staffOf(request);
    const call = await callInMyQueues(staff, request.params.id);
    const { patientId } = request.body;
    const lookup = await lookupFor(call).catch(() => null);
    // The number's charts now, and those stored on the call (the EHR may be slow to answer again).
    const candidates = new Map<string, CallerCandidate>();
    for (const candidate of [...(call.callerMatch?.candidates ?? []), ...(lookup?.match.candidates ?? [])]) candidates.set(candidate.patientId, candidate);
    const candidate = candidates.get(patientId);
    if (!candidate) throw new CallchartError('CALLER_NOT_A_CANDIDATE', 'the patient is not one of the charts the caller number matched', { id: call.id });
    const current = call.callerMatch;
    const already = current?.outcome === 'unique' && current.candidates[0]?.patientId === patientId;
    if (!already) {
      const match: CallerMatch = { outcome: 'unique', confidence: IdentityConfidence.aniOnly, candidates: [candidate] };
      await db.transaction(async (tx) => {
        await upgradeCallerMatch(tx, call.id, match);
        await appendAuditEvent(tx, {
          actor: `staff:${staff.sub}`, action: 'call.caller.selected', objectType: 'call', objectId: call.id, outcome: 'success',
          detail: { patientId, candidates: candidates.size, previousConfidence: current?.confidence ?? null },
        });
      });
    }
    const updated = await published(call.id);
    return { callId: call.id, patientId, identityConfidence: updated?.callerMatch?.confidence ?? IdentityConfidence.aniOnly, changed: !already };
  });

  app.post('/api/calls/:id/verify-dob', {
    schema: {
      summary: "Check the date of birth the caller gives against the caller's chart(s): verified or not. The date is not stored or sent back. Audited.",
      params: idParams,
      body: z.object({ birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD') }).strict(),
    },
  }, async (request) => {
    const staff = staffOf(request);
    const call = await callInMyQueues(staff, request.params.id);
    const { rows: failed } = await db.query<{ count: string | number }>(
      `select count(*) as count from (
         select 1 from audit_event where object_id = $1 and action = 'call.identity.step-up' and outcome = 'failure' and detail->>'by' = 'agent'
         union all select 1 from audit_pending where object_id = $1 and action = 'call.identity.step-up' and outcome = 'failure' and detail->>'by' = 'agent') as tries`,
      [call.id],
    );
    if (Number(failed[0]?.count ?? 0) >= maxFailedDobChecks) throw new CallchartError('DOB_CHECKS_EXHAUSTED', 'too many dates of birth that did not match on this call', { id: call.id });
    const lookup = await lookupFor(call);
    if (lookup.match.outcome === 'lookup-failed') throw new CallchartError('EHR_UNAVAILABLE', 'the EHR cannot check the date of birth now; retry shortly', { id: call.id });
    // A chart the agent picked narrows the check to it; otherwise every chart on the number.
    const stored = call.callerMatch;
    const match = stored && stored.outcome === 'unique' && stored.candidates.length > 0 ? stored : lookup.match;
    const result = stepUpWithDob(match, lookup.candidatePatients, request.body.birthDate);
    await db.transaction(async (tx) => {
      const upgraded = result.verified ? await upgradeCallerMatch(tx, call.id, result.match) : null;
      await appendAuditEvent(tx, {
        actor: `staff:${staff.sub}`, action: 'call.identity.step-up', objectType: 'call', objectId: call.id,
        outcome: result.verified ? 'success' : 'failure', reason: result.verified ? null : result.reason,
        detail: { method: 'dob', by: 'agent', confidence: result.verified ? result.match.confidence : (stored?.confidence ?? lookup.match.confidence) },
      });
      // The Task went to the chart before the caller was verified: link it now, in place.
      if (upgraded?.fhirTaskId) await deps.pipeline.enqueue(tx, 'write-task', { callId: call.id });
    });
    const updated = await published(call.id);
    return result.verified
      ? { callId: call.id, verified: true as const, patientId: result.match.candidates[0]!.patientId, identityConfidence: updated?.callerMatch?.confidence ?? result.match.confidence }
      : { callId: call.id, verified: false as const, reason: result.reason };
  });
}
