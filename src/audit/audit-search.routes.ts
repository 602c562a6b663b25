import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { staffOf } from '../api/access-control.ts';
import { installGovernanceErrors } from '../api/governance-errors.ts';
import { CallchartError } from '../lib/errors.ts';
import { describeAuditProblem, firstProblemSeq } from './audit-chain.ts';
import { SignedAuditExport } from './audit-export.ts';
import type { AuditKey } from './audit-key.ts';
import { flushAuditChain, recordAuditEvent, verifyAuditChain } from './audit.repository.ts';
import { phiViewedEvent } from './access-log.ts';
import { callTimeline, exportAuditTrail, findCallForAudit, resolveActor, searchAuditTrail, staffNames, type AuditSearch } from './audit-search.repository.ts';

export interface AuditSearchRoutesDeps {
  db: Db;
  /** Signs exports (the audit key's export sub-key). */
  auditKey: AuditKey;
  /** Most events one export holds (a period longer than that is exported in parts). */
  maxExportEvents?: number;
}

const idPattern = /^[A-Za-z0-9:._-]{1,128}$/;

/** The auditor's search: any combination; none means the whole trail, newest first. */
export const auditSearchQuerySchema = z.object({
  /** The call's engine id, or its PBX call id. */
  callId: z.string().regex(idPattern).optional(),
  /** An EHR patient id. */
  patientRef: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/).optional(),
  /** `staff:<id>`, a staff id, a user name, or a system actor (`system`, `pbx:twilio`, `worker:…`). */
  actor: z.string().regex(idPattern).optional(),
  action: z.string().regex(/^[a-z][a-z0-9.-]{0,80}$/).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  beforeSeq: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
}).strict();

const exportQuerySchema = auditSearchQuerySchema.omit({ beforeSeq: true, limit: true });

type SearchQuery = z.infer<typeof exportQuerySchema>;

/**
 * The search in the store's terms: a PBX call id becomes the engine's, a user name becomes
 * `staff:<id>`. Null when a named call or person does not exist (the answer is then empty).
 */
async function toSearch(db: Db, query: SearchQuery): Promise<AuditSearch | null> {
  const search: AuditSearch = {
    ...(query.patientRef ? { patientRef: query.patientRef } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.from ? { from: new Date(query.from) } : {}),
    ...(query.to ? { to: new Date(query.to) } : {}),
  };
  if (query.callId) {
    const call = await findCallForAudit(db, query.callId);
    // A call whose row retention removed is still in the log by its engine id.
    const uuid = z.uuid().safeParse(query.callId).success;
    if (!call && !uuid) return null;
    search.callId = call?.id ?? query.callId;
  }
  if (query.actor) {
    const actor = await resolveActor(db, query.actor);
    if (!actor) return null;
    search.actor = actor;
  }
  return search;
}

/**
 * The Audit screen's API (issue 14, item 5), for auditors only (route-access.ts): search the trail,
 * a call's chain of custody, the chain and checkpoint verification, and a signed export after
 * step-up. Ids, codes, times and staff names; never call content. Viewing a call's timeline that
 * names a patient, and every export, go in the access log.
 */
export async function auditSearchRoutes(parent: FastifyInstance, deps: AuditSearchRoutesDeps): Promise<void> {
  installGovernanceErrors(parent);
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;

  app.get('/api/audit/events', {
    schema: { summary: 'Search the audit trail (call, patient reference, person, action, period), newest first; paged by beforeSeq', querystring: auditSearchQuerySchema },
  }, async (request) => {
    const { beforeSeq, limit, ...query } = request.query;
    await flushAuditChain(db);
    const search = await toSearch(db, query);
    if (!search) return { events: [], nextBeforeSeq: null, people: {} };
    const page = await searchAuditTrail(db, search, { beforeSeq, limit });
    return { ...page, people: await staffNames(db, page.events.map((event) => event.actor)) };
  });

  app.get('/api/audit/calls/:id/timeline', {
    schema: { summary: "A call's chain of custody: every audit event about the call (its review item and chart writes too), oldest first", params: z.object({ id: z.string().regex(idPattern) }) },
  }, async (request) => {
    const staff = staffOf(request);
    await flushAuditChain(db);
    const call = await findCallForAudit(db, request.params.id);
    const callId = call?.id ?? (z.uuid().safeParse(request.params.id).success ? request.params.id : null);
    const events = callId ? await callTimeline(db, callId) : [];
    if (!call && events.length === 0) throw new CallchartError('NOT_FOUND', 'no call with that id in the audit trail', { id: request.params.id });
    // The timeline names the call's patient (ids, not content): an auditor's look at it is an access like any other.
    const patientIds = [...new Set([...(call?.patientIds ?? []), ...events.map((event) => event.detail.patientId).filter((id): id is string => typeof id === 'string')])];
    if (patientIds.length > 0) {
      await recordAuditEvent(db, phiViewedEvent({ actor: `staff:${staff.sub}`, purpose: 'audit-review', objectType: 'call', objectId: callId, patientId: patientIds[0]!, otherPatientIds: patientIds.slice(1) }));
    }
    return { call, events, people: await staffNames(db, events.map((event) => event.actor)) };
  });

  app.get('/api/audit/verification', {
    schema: { summary: 'Is the hash chain intact, and the newest signed checkpoint: verified now with the audit key' },
  }, async () => {
    const report = await verifyAuditChain(db);
    const headSeq = report.head?.seq ?? 0;
    return {
      ok: report.ok,
      checkedAt: new Date().toISOString(),
      events: report.events,
      headSeq,
      pending: report.pending,
      unkeyedEvents: report.unkeyedEvents,
      uncovered: report.uncovered,
      checkpoints: report.checkpoints,
      newestCheckpoint: report.newestCheckpoint ? { at: report.newestCheckpoint.at, seq: report.newestCheckpoint.seq } : null,
      problems: report.problems.map((problem) => ({ kind: problem.kind, firstSeq: firstProblemSeq(problem), words: describeAuditProblem(problem, { headSeq }) })),
    };
  });

  app.get('/api/audit/export', {
    schema: { summary: 'The search (or a call\'s timeline) as a signed export: JSON lines with an HMAC trailer (verify with `callchart audit verify-export`); after step-up; audited', querystring: exportQuerySchema },
  }, async (request, reply) => {
    const staff = staffOf(request);
    await flushAuditChain(db);
    const search = await toSearch(db, request.query);
    const max = deps.maxExportEvents ?? 50_000;
    const { events, more } = search ? await exportAuditTrail(db, search, max) : { events: [], more: false };
    if (more) throw new CallchartError('PAYLOAD_INVALID', `more than ${max} events match: narrow the period or the search`);
    const exportedAt = new Date();
    const signed = new SignedAuditExport(deps.auditKey, { from: search?.from, to: search?.to }, exportedAt);
    const lines = events.map((event) => signed.line(event));
    lines.push(signed.trailer());
    // Who exported what, when: the export is in the access log (and raises the export alert).
    await recordAuditEvent(db, phiViewedEvent({
      actor: `staff:${staff.sub}`, purpose: 'export', objectType: 'audit-export', objectId: search?.callId ?? null,
      extra: {
        count: events.length, firstSeq: events[0]?.seq ?? null, lastSeq: events.at(-1)?.seq ?? null,
        ...Object.fromEntries(Object.entries(request.query).filter(([, value]) => value !== undefined).map(([name, value]) => [`search.${name}`, String(value)])),
      },
    }));
    const stamp = exportedAt.toISOString().replace(/[:.]/g, '-');
    return reply
      .type('application/x-ndjson')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="callchart-audit-${stamp}.jsonl"`)
      .send(`${lines.join('\n')}\n`);
  });
}
