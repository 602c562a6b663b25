import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffOf } from '../api/access-control.ts';
import { staffSeesQueue } from '../api/route-access.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import type { StaffClaims } from '../auth/staff-token.ts';
import { findCallerMatches } from '../calls/calls.repository.ts';
import { CallchartError } from '../lib/errors.ts';
import type { Db, Queryable } from '../store/db.ts';
import { failureInWords } from './failure-words.ts';
import {
  cancelReasons, cancelWriteBack, listWorklistItems, waitingForEhr, writeBackKinds, writeBackStatuses,
  type WriteBackItem, type WriteBackTarget,
} from './outbox.repository.ts';

/** What the worklist needs to know of each write-back target: whether its EHR breaker lets anything out. */
export interface WorklistTarget {
  target: WriteBackTarget;
  /** False while the target's circuit breaker is open. */
  available(): boolean;
}

export interface WorklistRoutesDeps {
  db: Db;
  fallbackQueue: string;
  /** The queue an event's Task goes to (who may see whose chart an event item is for). */
  eventsQueue: () => string;
  targets: readonly WorklistTarget[];
  /** Called after an item leaves the line, so the worker looks again at once. */
  onWriteBackChanged?: () => void;
}

const idParams = z.object({ id: z.uuid() });
const statusList = z.string().max(80).regex(new RegExp(`^(${writeBackStatuses.join('|')})(,(${writeBackStatuses.join('|')}))*$`));
const mayCancel = (role: StaffClaims['role']) => role === 'supervisor' || role === 'admin';

/**
 * The chart worklist (issue 14, item 4): every chart write with its status, the EHR's reason for a
 * failure in words (codes beside them), whether the EHR is down and since when, and cancel with a
 * reason. Ids and codes only: the call, its review item and (for people who review calls, in
 * queues they work) the patient's chart id; never a name, so the list works while the EHR is down.
 */
export async function worklistRoutes(parent: FastifyInstance, deps: WorklistRoutesDeps): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;

  app.get('/api/write-back/worklist', {
    schema: {
      summary: 'The chart worklist: chart writes newest first with status, the EHR\'s reason in words, who cancelled and why; and per EHR target whether it is down, since when and how many wait',
      querystring: z.object({
        status: statusList.optional(),
        kind: z.enum(writeBackKinds).optional(),
        target: z.enum(['fhir', 'hl7']).optional(),
        from: z.iso.datetime({ offset: true }).optional(),
        to: z.iso.datetime({ offset: true }).optional(),
        before: z.coerce.number().int().min(1).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }).strict(),
    },
  }, async (request) => {
    const staff = staffOf(request);
    const query = request.query;
    const page = await listWorklistItems(db, {
      ...(query.status ? { status: query.status.split(',') as WriteBackItem['status'][] } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.target ? { target: query.target } : {}),
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
      ...(query.before ? { beforeSeq: query.before } : {}),
      limit: query.limit,
    });
    const patients = await patientReferences(db, staff, page.items, deps);
    const people = await staffNames(db, page.items.flatMap((item) => (item.cancelledBy ? [item.cancelledBy] : [])));
    const waiting = await waitingForEhr(db);
    return {
      items: page.items.map((item) => worklistItem(item, patients.get(item.id) ?? null, people)),
      nextBefore: page.nextBefore,
      ehr: deps.targets.map((target) => {
        const line = waiting.get(target.target) ?? { waiting: 0, since: null, queued: 0 };
        const available = target.available();
        return { target: target.target, available, down: !available || line.waiting > 0, waitingSince: line.since, waiting: line.waiting, queued: line.queued };
      }),
    };
  });

  app.post('/api/write-back/:id/cancel', {
    schema: {
      summary: 'Cancel a chart write that waits or failed, with a reason code: it is never sent, stays listed as cancelled with who and why, and is audited (409 while it is being sent, or once sent)',
      params: idParams,
      body: z.object({ reason: z.enum(cancelReasons) }).strict(),
    },
  }, async (request) => {
    const staff = staffOf(request);
    if (!mayCancel(staff.role)) throw new CallchartError('ROLE_FORBIDDEN', `role ${staff.role} may not cancel chart writes`, { role: staff.role });
    const actor = `staff:${staff.sub}`;
    const result = await db.transaction(async (tx) => {
      const cancelled = await cancelWriteBack(tx, request.params.id, { actor, reason: request.body.reason });
      if (cancelled.outcome === 'cancelled') {
        await appendAuditEvent(tx, {
          actor, action: 'ehr.write-back.cancelled', objectType: 'write-back-item', objectId: cancelled.item.id, outcome: 'success',
          reason: request.body.reason, detail: { callId: cancelled.item.callId, kind: cancelled.item.kind, target: cancelled.item.target, attempts: cancelled.item.attempts },
        });
      }
      return cancelled;
    });
    if (result.outcome === 'not-found') throw new CallchartError('NOT_FOUND', 'no such write-back item', { id: request.params.id });
    if (result.outcome === 'in-flight') throw new CallchartError('WRITE_BACK_IN_FLIGHT', 'the item is being sent right now', { id: request.params.id });
    if (result.outcome === 'delivered') throw new CallchartError('WRITE_BACK_ALREADY_SENT', 'the item already reached the EHR', { id: request.params.id });
    // The line may have been held behind this item: let the worker look again.
    deps.onWriteBackChanged?.();
    const people = await staffNames(db, [result.item.cancelledBy!]);
    return { item: worklistItem(result.item, null, people), alreadyCancelled: result.outcome === 'already-cancelled' };
  });
}

/** One row of the worklist: the item's ids and codes, its failure in words, and its cancellation. */
function worklistItem(item: WriteBackItem, patientId: string | null, people: Map<string, string>) {
  return {
    id: item.id,
    seq: item.seq,
    status: item.status,
    kind: item.kind,
    target: item.target,
    callId: item.callId,
    reviewId: item.reviewId,
    reviewVersion: item.reviewVersion,
    eventType: item.event?.type ?? null,
    patientId,
    attempts: item.attempts,
    createdAt: item.createdAt,
    deliveredAt: item.deliveredAt,
    nextAttemptAt: item.status === 'pending' ? item.nextAttemptAt : null,
    retryClass: item.lastRetryClass,
    failure: item.status === 'delivered' ? null : failureInWords(item.lastErrorCode, item.lastErrorDetail),
    waitingSince: item.waitingSince,
    cancelled: item.cancelledAt ? { at: item.cancelledAt, by: item.cancelledBy, byName: item.cancelledBy ? (people.get(item.cancelledBy) ?? null) : null, reason: item.cancelReason } : null,
  };
}

/**
 * The chart id each item is for (minimum necessary: an id, no name), only for people who review
 * calls and only for queues they work; read from Callchart's own record of the caller match.
 */
async function patientReferences(db: Queryable, staff: StaffClaims, items: readonly WriteBackItem[], deps: WorklistRoutesDeps): Promise<Map<string, string | null>> {
  if (!(staff.role === 'nurse' || staff.role === 'clinician' || staff.role === 'supervisor')) return new Map();
  const sees = (queue: string | null) => staffSeesQueue(staff, queue, deps.fallbackQueue);
  const calls = await findCallerMatches(db, items.flatMap((item) => (item.callId ? [item.callId] : [])));
  return new Map(items.map((item) => {
    if (item.event) return [item.id, sees(deps.eventsQueue()) ? item.event.patientId : null];
    const call = item.callId ? calls.get(item.callId) : undefined;
    const match = call && sees(call.queue) ? call.match : null;
    return [item.id, match?.outcome === 'unique' ? (match.candidates[0]?.patientId ?? null) : null];
  }));
}

/** Staff members' display names (or user names) for `staff:<id>` actors; staff, not patients. */
async function staffNames(db: Queryable, actors: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(actors.map((actor) => actor.replace(/^staff:/, '')))];
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; display_name: string | null; user_name: string }>(
    'select id::text as id, display_name, user_name from staff_user where id::text = any($1::text[])',
    [ids],
  );
  return new Map(rows.map((row) => [`staff:${row.id}`, row.display_name ?? row.user_name]));
}
