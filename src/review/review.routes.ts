import type { FastifyError, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import type { StaffClaims, StaffRole } from '../auth/staff-token.ts';
import { requireStepUp, staffOf } from '../api/access-control.ts';
import { staffSeesQueue } from '../api/route-access.ts';
import { CallchartError, clientErrorBody, isCallchartError } from '../lib/errors.ts';
import { findCall, latestTranscript, loadCallAnalysis, saveConsent } from '../calls/calls.repository.ts';
import { openTranscript } from '../calls/transcript.repository.ts';
import { sourceKindOf } from '../calls/transcript-choice.ts';
import type { UnsureWordSpan } from '../calls/transcript-words.ts';
import { consentScopes } from '../ivr/ivr-settings.schema.ts';
import type { QueuePolicyStore } from '../consent/queue-policy.service.ts';
import { parseQueuePolicyYaml } from '../consent/queue-policy.schema.ts';
import { decideCallPolicy } from '../consent/call-policy.ts';
import { countWriteBackByStatus, enqueueWriteBack, listWriteBackItems, requeueFailed } from '../write-back/outbox.repository.ts';
import { eventIdentifierValue, writeBackEventSchema } from '../write-back/event-task.mapper.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import { phiViewedEvent } from '../audit/access-log.ts';
import { findReviewItem, listReviewItems, loadVersions, type ReviewItem, type ReviewVersion } from './review.repository.ts';
import { mayReview, mayViewUnredacted, versionDisagreements, reviewEditSchema, reviewFields, s0ChecklistSchema } from './review-note.ts';
import { rejectionReasons } from '../write-back/task-review.mapper.ts';
import type { ReviewService } from './review.service.ts';
import type { PatientLinkService } from './patient-link.service.ts';
import type { ReviewPatients } from './review-patients.service.ts';
import { findStaffUserById, listStaffUsers } from '../auth/staff-directory.repository.ts';
import type { EvidenceSpan, PhiSpan, RedFlag } from '../nlp/analysis.types.ts';
import { spansInRedacted, type TextSpan } from './transcript-spans.ts';

/**
 * The staff API for review (RV-1), write-back visibility (WB-4), consent changes by an agent
 * (CO-1) and the queue policy (CO-3). Every route needs a staff token (`Authorization: Bearer`);
 * the role in it decides what is allowed; every read of call content and every change is audited.
 * Errors are `{ error: { code, message } }` with the code's HTTP status.
 */
export interface StaffRoutesDeps {
  db: Db;
  cipher: ContentKeyring;
  /** The queue of a call in no queue, for who may see it. */
  fallbackQueue: string;
  review: ReviewService;
  /** Whether the EHR has this patient (events must name a real chart); null when the EHR cannot say. */
  patientExists?: (patientId: string) => Promise<boolean | null>;
  policies: QueuePolicyStore;
  /** Called after a failed write-back item is put back in line. */
  onWriteBackQueued?: () => void;
  /** Staff confirm whose call it was (verify-identity; link-patient has its own routes). */
  patientLink: PatientLinkService;
  /** The chart beside each item: name, date of birth, MRN, phone (from the EHR, cached). */
  reviewPatients: ReviewPatients;
}

const idParams = z.object({ id: z.uuid() });

export async function staffRoutes(parent: FastifyInstance, deps: StaffRoutesDeps): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { db, cipher, review, policies } = deps;

  app.setErrorHandler(async (error: FastifyError | CallchartError, request, reply) => {
    if (isCallchartError(error)) return reply.code(error.status).send(clientErrorBody(error));
    if ((error as FastifyError).validation) {
      return reply.code(400).send({ error: { code: 'PAYLOAD_INVALID', message: 'request does not match the schema', issues: (error as FastifyError).validation!.map((issue) => ({ path: issue.instancePath, message: issue.message ?? 'invalid' })) } });
    }
    if ((error as FastifyError).statusCode && (error as FastifyError).statusCode! < 500) {
      return reply.code((error as FastifyError).statusCode!).send({ error: { code: 'PAYLOAD_INVALID', message: 'request could not be read' } });
    }
    request.log.error({ err: { message: error.message } }, 'staff api failed');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
  });

  // Who may call each route is declared in src/api/route-access.ts and checked before the body is
  // read (access-control.ts); handlers narrow to the caller's queues.
  const requireRole = (staff: StaffClaims, allowed: (role: StaffRole) => boolean) => {
    if (!allowed(staff.role)) throw new CallchartError('ROLE_FORBIDDEN', `role ${staff.role} may not do this`, { role: staff.role });
  };
  const seesQueue = (staff: StaffClaims, queue: string | null) => staffSeesQueue(staff, queue, deps.fallbackQueue);
  const loadItem = async (id: string, staff: StaffClaims): Promise<ReviewItem> => {
    requireRole(staff, mayReview);
    const item = await findReviewItem(db, id);
    // Another queue's item is "not found" to this person: its existence is not theirs to know.
    if (!item || !seesQueue(staff, item.queue)) throw new CallchartError('NOT_FOUND', 'no such review item', { id });
    return item;
  };

  app.get('/api/review', {
    schema: {
      summary: 'Review queue: open items first (stat before routine, oldest first), with their age',
      querystring: z.object({
        status: z.string().regex(/^(pending|approved|rejected|auto-approved)(,(pending|approved|rejected|auto-approved))*$/).default('pending'),
        assignedTo: z.string().max(128).optional(),
        priority: z.enum(['routine', 'urgent', 'asap', 'stat']).optional(),
        requestType: z.string().max(64).optional(),
        olderThanMinutes: z.coerce.number().int().min(0).max(60 * 24 * 90).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
    },
  }, async (request) => {
    const staff = staffOf(request);
    requireRole(staff, mayReview);
    const query = request.query;
    const items = await listReviewItems(db, {
      status: query.status.split(',') as ReviewItem['status'][],
      queues: staff.queues.includes('*') ? '*' : staff.queues,
      fallbackQueue: deps.fallbackQueue,
      ...(query.assignedTo ? { assignedTo: query.assignedTo === 'me' ? staff.sub : query.assignedTo } : {}),
      ...(query.priority ? { priority: [query.priority] } : {}),
      ...(query.requestType ? { requestType: query.requestType } : {}),
      ...(query.olderThanMinutes !== undefined ? { olderThanMinutes: query.olderThanMinutes } : {}),
      limit: query.limit,
    });
    const now = Date.now();
    const patients = await deps.reviewPatients.forCalls(db, items.map((item) => item.callId));
    // Who each item is assigned to, by name (the staff app shows people, not ids).
    const people = await staffNames(db, items.flatMap((item) => (item.assignedTo ? [item.assignedTo] : [])));
    return { items: items.map((item) => ({ ...item, ageMinutes: Math.floor((now - Date.parse(item.createdAt)) / 60_000), patient: patients.get(item.callId) ?? null })), people };
  });

  app.get('/api/review/:id', {
    schema: {
      summary: 'Open a review item: the note, its evidence, red flags, prompts, versions with field diffs, the transcript (redacted unless the role may turn redaction off)',
      params: idParams,
      querystring: z.object({ redaction: z.enum(['on', 'off']).default('on') }),
    },
  }, async (request) => {
    const staff = staffOf(request);
    const item = await loadItem(request.params.id, staff);
    const unredacted = request.query.redaction === 'off';
    if (unredacted) {
      requireRole(staff, mayViewUnredacted);
      // Raw content needs a person who re-authenticated within the step-up window (SE-3).
      await requireStepUp(request, 'raw-content');
    }
    const call = (await findCall(db, item.callId))!;
    const versions = await loadVersions(db, cipher, item.id);
    const current = versions.find((version) => version.version === item.currentVersion)!;
    const analysis = await loadCallAnalysis<{ redacted?: string; redFlags?: RedFlag[]; phi?: PhiSpan[]; unsureWords?: UnsureWordSpan[] }>(db, item.callId, cipher);
    // The transcript the analysis read (issue 17: the best of the call's, not the newest), redacted unless asked otherwise.
    const used = analysis?.transcriptUsed ? await openTranscript(db, analysis.transcriptUsed.eventId, cipher) : null;
    const transcript = unredacted ? (used?.text ?? await latestTranscript(db, item.callId, cipher)) : (analysis?.analysis.redacted ?? null);
    const unsureWords = analysis?.analysis.unsureWords ?? [];
    const { policy } = policies.current;
    const prompts = (call.policyDecision?.sensitive ?? []).map((category) => policy.prompts[category as keyof typeof policy.prompts]).filter(Boolean);
    // Whose chart the call is on, and the others the caller's number matched (issue 12, defect 5).
    const patient = (await deps.reviewPatients.forCalls(db, [item.callId])).get(item.callId) ?? null;
    const match = call.callerMatch;
    const candidates = match?.outcome === 'several' ? await deps.reviewPatients.candidates(match) : [];
    // The access log (AU-3): who opened which item, on whose chart, and whether redaction was off.
    await recordAuditEvent(db, phiViewedEvent({
      actor: `staff:${staff.sub}`, purpose: unredacted ? 'raw-content' : 'review-opened', objectType: 'review-item', objectId: item.id,
      patientId: patient?.id ?? null, otherPatientIds: candidates.map((candidate) => candidate.id).filter((id) => id !== patient?.id),
      extra: { callId: item.callId, version: item.currentVersion },
    }));
    return {
      item,
      note: current.body.note,
      // Fields the chart note contradicts (issue 12): approval is refused until they agree.
      disagreements: versionDisagreements(versions, current.version),
      evidence: current.body.evidence ?? {},
      aiDraft: versions[0]?.generatedByAi === true && !versions.some((version) => version.kind === 'edit' || version.kind === 'approved'),
      redFlags: analysis?.analysis.redFlags ?? item.redFlags.map((code) => ({ code })),
      prompts,
      identity: {
        confidence: call.callerMatch?.confidence ?? 'none',
        verified: call.callerMatch?.confidence === 'ani-dob-verified' || call.callerMatch?.confidence === 'staff-verified',
        candidatePatientIds: call.callerMatch?.candidates.map((candidate) => candidate.patientId) ?? [],
        candidates,
        check: match?.staffCheck ?? null,
        mismatch: match?.subjectCheck && match.subjectCheck.patientId === patient?.id ? match.subjectCheck.mismatch : [],
      },
      patient,
      transcript: {
        redaction: unredacted ? 'off' : 'on', text: transcript,
        // Where it came from and how far it can be trusted (codes; the app says them in words). Null: no transcript was read.
        quality: analysis?.transcriptUsed
          ? { source: analysis.transcriptUsed.source, sourceKind: sourceKindOf(analysis.transcriptUsed.source), quality: analysis.transcriptUsed.quality, reasons: analysis.transcriptUsed.qualityReasons }
          : null,
        // Words the machine was unsure of, as spans of the text shown (mapped onto the redacted text like the evidence).
        unsureWords: transcript === null ? [] : unredacted ? unsureWords : spansInRedacted(Number.MAX_SAFE_INTEGER, analysis?.analysis.phi ?? [], unsureWords),
      },
      versions: diffVersions(versions),
      // Where each field's evidence and each red flag lie in the transcript as shown (redacted or not).
      highlights: transcriptHighlights(current.body.evidence ?? {}, analysis?.analysis.redFlags ?? [], unredacted ? null : (analysis?.analysis.phi ?? [])),
      // Names of the people the item and its versions name (assignee, decider, authors), by staff id.
      people: await staffNames(db, [item.assignedTo, item.decidedBy, ...versions.map((version) => version.author)]),
    };
  });

  app.patch('/api/review/:id', {
    schema: { summary: 'Edit the note: a new version against the version you opened (409 if it changed since)', params: idParams, body: reviewEditSchema },
  }, async (request) => {
    const staff = staffOf(request);
    await loadItem(request.params.id, staff);
    return { item: await review.edit(request.params.id, request.body, staff) };
  });

  app.post('/api/review/:id/approve', {
    schema: {
      summary: 'Approve: every S0 checklist answer yes and a verified patient identity; the chart record is queued for write-back',
      params: idParams,
      body: z.object({ baseVersion: z.number().int().min(1), checklist: s0ChecklistSchema }).strict(),
    },
  }, async (request) => {
    const staff = staffOf(request);
    await loadItem(request.params.id, staff);
    return { item: await review.approve(request.params.id, request.body, staff) };
  });

  app.post('/api/review/:id/reject', {
    schema: {
      summary: 'Reject: nothing more goes to the chart, and what went is taken back (the Task cancelled, or entered-in-error for a wrong patient; earlier notes withdrawn)',
      params: idParams,
      body: z.object({ reason: z.enum(rejectionReasons) }).strict(),
    },
  }, async (request) => {
    const staff = staffOf(request);
    await loadItem(request.params.id, staff);
    return { item: await review.reject(request.params.id, request.body, staff) };
  });

  app.post('/api/review/:id/assign', {
    schema: { summary: 'Assign to a person (or null to unassign)', params: idParams, body: z.object({ assignee: z.string().min(1).max(128).nullable() }).strict() },
  }, async (request) => {
    const staff = staffOf(request);
    await loadItem(request.params.id, staff);
    return { item: await review.reassign(request.params.id, request.body.assignee, staff) };
  });

  app.get('/api/review/:id/reviewers', {
    schema: { summary: 'Who could take this item (to reassign it): active staff who review calls and work its queue; names and roles only', params: idParams },
  }, async (request) => {
    const staff = staffOf(request);
    const item = await loadItem(request.params.id, staff);
    const users = await listStaffUsers(db);
    const queue = item.queue ?? deps.fallbackQueue;
    return {
      reviewers: users
        .filter((user) => user.active && mayReview(user.role) && (user.queues.includes('*') || user.queues.includes(queue)))
        .map((user) => ({ id: user.id, name: user.displayName ?? user.userName, role: user.role })),
    };
  });

  app.post('/api/review/:id/verify-identity', {
    schema: { summary: "Confirm the caller's chart (one of the caller-ID candidates): the call becomes staff-verified and its Task moves to that patient", params: idParams, body: z.object({ patientId: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/) }).strict() },
  }, async (request) => {
    const staff = staffOf(request);
    await loadItem(request.params.id, staff);
    return deps.patientLink.verifyCandidate(request.params.id, request.body.patientId, staff);
  });

  app.get('/api/write-back', {
    schema: {
      summary: 'The write-back outbox: what waits for the EHR, what failed and why (ids and codes only)',
      querystring: z.object({ status: z.enum(['pending', 'sending', 'delivered', 'failed', 'cancelled']).optional(), callId: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) }),
    },
  }, async (request) => {
    const staff = staffOf(request);
    requireRole(staff, (role) => role !== 'analyst');
    const { status, callId, limit } = request.query;
    const items = await listWriteBackItems(db, { ...(status ? { status: [status] } : {}), ...(callId ? { callId } : {}), limit });
    // Whose chart each item is for: only to people who review calls, only for queues they work.
    if (!mayReview(staff.role)) return { items };
    const patients = await deps.reviewPatients.forOutbox(db, items, (queue) => seesQueue(staff, queue), policies.current.policy.events.queue);
    return { items: items.map((item) => ({ ...item, patient: patients.get(item.id) ?? null })) };
  });

  app.get('/api/write-back/summary', { schema: { summary: 'Outbox counts by target and status (for dashboards and the chaos test)' } }, async (request) => {
    requireRole(staffOf(request), (role) => role !== 'analyst');
    return { counts: await countWriteBackByStatus(db) };
  });

  app.post('/api/write-back/:id/retry', {
    schema: { summary: 'Put a failed write-back item back in line (after fixing what the EHR rejected)', params: idParams },
  }, async (request, reply) => {
    const staff = staffOf(request);
    requireRole(staff, (role) => role === 'supervisor' || role === 'admin');
    const requeued = await db.transaction(async (tx) => {
      const done = await requeueFailed(tx, request.params.id);
      if (done) await appendAuditEvent(tx, { actor: `staff:${staff.sub}`, action: 'ehr.write-back.requeued', objectType: 'write-back-item', objectId: request.params.id, outcome: 'success' });
      return done;
    });
    if (!requeued) throw new CallchartError('REVIEW_NOT_PENDING', 'only a failed item can be retried', { id: request.params.id });
    deps.onWriteBackQueued?.();
    return reply.code(202).send({ status: 'requeued' });
  });

  app.post('/api/calls/:id/consents', {
    schema: {
      summary: 'Record a consent change made with the agent during the call (source: agent)',
      params: idParams,
      body: z.object({ scope: z.enum(consentScopes), status: z.enum(['granted', 'declined']) }).strict(),
    },
  }, async (request) => {
    const staff = staffOf(request);
    requireRole(staff, (role) => role !== 'analyst');
    const call = await findCall(db, request.params.id);
    if (!call || !seesQueue(staff, call.queue)) throw new CallchartError('NOT_FOUND', 'no such call', { id: request.params.id });
    const { scope, status } = request.body;
    await db.transaction(async (tx) => {
      await saveConsent(tx, call.id, { scope, status, source: 'agent', capturedAt: new Date().toISOString(), providerEventId: `agent:${staff.sub}:${Date.now()}` });
      await appendAuditEvent(tx, {
        actor: `staff:${staff.sub}`, action: 'call.consent.captured', objectType: 'call', objectId: call.id, outcome: 'success',
        consentStatus: `${scope}:${status}`, detail: { scope, status, source: 'agent' },
      });
    });
    return { scope, status, source: 'agent' };
  });

  app.post('/api/events', {
    schema: {
      summary: 'Event-triggered write-back: a denied refill, a missed appointment or a callback request becomes the configured Task (no note)',
      body: writeBackEventSchema,
    },
  }, async (request, reply) => {
    const staff = staffOf(request);
    const event = request.body;
    // The Task lands in the events queue: only people who work that queue may put work there.
    const eventsQueue = policies.current.policy.events.queue;
    if (!seesQueue(staff, eventsQueue)) throw new CallchartError('ROLE_FORBIDDEN', `you do not work the ${eventsQueue} queue, where event Tasks go`, { queue: eventsQueue });
    if ('callId' in event && event.callId) {
      const call = await findCall(db, event.callId);
      // Another queue's call is "not found": its existence is not this person's to know.
      if (!call || !seesQueue(staff, call.queue)) throw new CallchartError('NOT_FOUND', 'no such call', { callId: event.callId });
      const linked = call.callerMatch?.candidates.map((candidate) => candidate.patientId) ?? [];
      if (linked.length > 0 && !linked.includes(event.patientId)) {
        throw new CallchartError('PAYLOAD_INVALID', "the patient is not the call's caller", { callId: event.callId });
      }
    }
    // A Task for a chart that does not exist is refused; so is one the EHR cannot confirm now.
    const exists = deps.patientExists ? await deps.patientExists(event.patientId) : true;
    if (exists === null) throw new CallchartError('EHR_UNAVAILABLE', 'the EHR cannot confirm the patient now; retry later', { patientId: event.patientId });
    if (!exists) throw new CallchartError('PATIENT_NOT_FOUND', 'the EHR has no such patient', { patientId: event.patientId });
    const queued = await db.transaction(async (tx) => {
      const item = await enqueueWriteBack(tx, { callId: 'callId' in event ? (event.callId ?? null) : null, target: 'fhir', kind: 'event-task', businessId: `event-task/${eventIdentifierValue(event)}`, event });
      await appendAuditEvent(tx, {
        actor: `staff:${staff.sub}`, action: 'ehr.write-back.queued', objectType: 'write-back-item', objectId: item.id, outcome: item.created ? 'success' : 'duplicate',
        detail: { kind: 'event-task', event: event.type },
      });
      return item;
    });
    deps.onWriteBackQueued?.();
    return reply.code(queued.created ? 202 : 200).send({ writeBackItemId: queued.id, status: queued.created ? 'queued' : 'duplicate' });
  });

  app.get('/api/policy', { schema: { summary: 'The active queue policy and its change history (who and why)' } }, async (request) => {
    requireRole(staffOf(request), (role) => role === 'supervisor' || role === 'admin');
    return { ...policies.current, history: await policies.history() };
  });

  app.put('/api/policy', {
    schema: {
      summary: 'Activate a new queue policy (YAML), with the reason for the change; every problem is listed on a 400',
      body: z.object({ yaml: z.string().min(1).max(256 * 1024), reason: z.string().min(3).max(500) }).strict(),
    },
  }, async (request, reply) => {
    const staff = staffOf(request);
    requireRole(staff, (role) => role === 'supervisor' || role === 'admin');
    const parsed = parseQueuePolicyYaml(request.body.yaml);
    if (!parsed.ok) {
      await recordAuditEvent(db, { actor: `staff:${staff.sub}`, action: 'policy.queue.refused', objectType: 'queue-policy', outcome: 'rejected', reason: 'POLICY_INVALID', detail: { problems: parsed.problems.length } });
      return reply.code(400).send({ error: { code: 'POLICY_INVALID', message: 'the queue policy is invalid', issues: parsed.problems.map((problem) => ({ path: problem.path, message: `${problem.message}${problem.line ? ` (line ${problem.line})` : ''}` })) } });
    }
    // Refuse a policy the decision function cannot run (a dry run on the defaults).
    decideCallPolicy({ consents: {}, policy: parsed.value, queue: null, requestType: 'unclassified', identity: 'none', redFlags: false, detectedSensitive: [] });
    return policies.activate(parsed.value, { changedBy: `staff:${staff.sub}`, reason: request.body.reason });
  });
}

/**
 * Evidence spans and red flags in the transcript's coordinates: the analysis found them in the words
 * as spoken; a redacted transcript (`phi` given) has `[TYPE]` in place of each PHI span.
 */
function transcriptHighlights(evidence: Partial<Record<string, EvidenceSpan[]>>, redFlags: readonly RedFlag[], phi: readonly PhiSpan[] | null) {
  const place = <T extends TextSpan>(spans: readonly T[]): T[] => (phi ? spansInRedacted(Number.MAX_SAFE_INTEGER, phi, spans) : [...spans]);
  return {
    evidence: Object.fromEntries(Object.entries(evidence).map(([field, spans]) => [field, place(spans ?? []).map(({ start, end, cue }) => ({ start, end, cue }))])),
    redFlags: place(redFlags).map(({ code, start, end, status, subject }) => ({ code, start, end, status, subject })),
  };
}

/** Display names of staff ids (`staff:<id>` or a bare id); ids that name no person (tokens, policy) are left out. */
async function staffNames(db: Db, ids: readonly (string | null)[]): Promise<Record<string, string>> {
  const subs = [...new Set(ids.flatMap((id) => (id ? [id.replace(/^staff:/, '')] : [])))];
  const names: Record<string, string> = {};
  for (const sub of subs) {
    const user = await findStaffUserById(db, sub);
    if (user) names[sub] = user.displayName ?? user.userName;
  }
  return names;
}

/** Versions for the reviewer: who, what kind, and for each changed field its value before and after. */
function diffVersions(versions: readonly ReviewVersion[]) {
  return versions.map((version, index) => {
    const previous = versions[index - 1];
    const changes = previous
      ? reviewFields.filter((field) => previous.body.note[field] !== version.body.note[field]).map((field) => ({ field, before: previous.body.note[field], after: version.body.note[field] }))
      : [];
    return { version: version.version, kind: version.kind, author: version.author, generatedByAi: version.generatedByAi, createdAt: version.createdAt, checklist: version.checklist, changes };
  });
}
