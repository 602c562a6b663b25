import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { installGovernanceErrors } from '../api/governance-errors.ts';
import { flushAuditChain } from './audit.repository.ts';
import { queryAccessLog } from './access-log.repository.ts';

const idPattern = /^[A-Za-z0-9:._-]{1,128}$/;

/** The access report's question: by patient, or by person (with an optional period). */
export const accessQuerySchema = z.object({
  patientId: z.string().regex(idPattern).optional(),
  /** `staff:<id>`, or a bare staff id. */
  actor: z.string().regex(idPattern).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  afterSeq: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).strict().refine((query) => (query.patientId === undefined) !== (query.actor === undefined), { message: 'ask by patientId or by actor (one of them)' });

/**
 * `GET /api/audit/access` (AU-3): "who saw this patient's calls" (`?patientId=`) and "what did this
 * person see" (`?actor=…&from=…&to=…`). Ids, times and purposes; paged by `afterSeq`. Auditors only
 * (route-access.ts). Reading the access log is itself audited.
 */
export async function accessLogRoutes(parent: FastifyInstance, deps: { db: Db }): Promise<void> {
  installGovernanceErrors(parent);
  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.get('/api/audit/access', {
    schema: { summary: "The access log: who saw a patient's calls, or what a person saw in a period (ids, times, purposes)", querystring: accessQuerySchema },
  }, async (request) => {
    const query = request.query;
    await flushAuditChain(deps.db);
    const range = { ...(query.from ? { from: new Date(query.from) } : {}), ...(query.to ? { to: new Date(query.to) } : {}) };
    const actor = query.actor === undefined ? undefined : query.actor.includes(':') ? query.actor : `staff:${query.actor}`;
    const page = await queryAccessLog(deps.db, actor ? { actor, ...range } : { patientId: query.patientId!, ...range }, { ...(query.afterSeq !== undefined ? { afterSeq: query.afterSeq } : {}), limit: query.limit });
    return page;
  });
}
