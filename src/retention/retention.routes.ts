import type { FastifyError, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { staffOf } from '../api/access-control.ts';
import type { CallchartError } from '../lib/errors.ts';
import { clientErrorBody, isCallchartError } from '../lib/errors.ts';
import type { QueuePolicy } from '../consent/queue-policy.schema.ts';
import { listLegalHolds, releaseLegalHold, setLegalHold } from './retention.repository.ts';
import { buildRetentionReport } from './retention-report.service.ts';

/**
 * Legal holds and the retention report for auditors (RE-1). Only the auditor role reaches these
 * (route-access.ts); every hold change and every refused request is audited with ids and codes.
 */
export interface RetentionRoutesDeps {
  db: Db;
  policies: { readonly current: { policy: QueuePolicy; version: string } };
  now?: () => Date;
}

// An EHR patient id (FHIR id syntax), never a name.
const patientId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/);
const reason = z.string().trim().min(3).max(500);

const holdBody = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('call'), callId: z.uuid(), reason }).strict(),
  z.object({ scope: z.literal('patient'), patientId, reason }).strict(),
]);

export async function retentionRoutes(parent: FastifyInstance, deps: RetentionRoutesDeps): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;
  const now = () => deps.now?.() ?? new Date();

  // Bad input is a 4xx with a code, audited (invariant 7); never a stack trace.
  app.setErrorHandler(async (error: FastifyError | CallchartError, request, reply) => {
    const staff = request.routeOptions.config ? safeStaff(request) : null;
    const code = isCallchartError(error) ? error.code : (error as FastifyError).validation ? 'PAYLOAD_INVALID' : (error as FastifyError).statusCode && (error as FastifyError).statusCode! < 500 ? 'PAYLOAD_INVALID' : 'INTERNAL';
    if (code === 'PAYLOAD_INVALID') {
      await recordAuditEvent(db, { actor: staff ? `staff:${staff.sub}` : 'staff:unknown', action: 'retention.request.rejected', objectType: 'route', objectId: request.routeOptions.url ?? null, outcome: 'rejected', reason: code }).catch(() => undefined);
    }
    if (isCallchartError(error)) return reply.code(error.status).send(clientErrorBody(error));
    if ((error as FastifyError).validation) {
      return reply.code(400).send({ error: { code: 'PAYLOAD_INVALID', message: 'request does not match the schema', issues: (error as FastifyError).validation!.map((issue) => ({ path: issue.instancePath, message: issue.message ?? 'invalid' })) } });
    }
    if ((error as FastifyError).statusCode && (error as FastifyError).statusCode! < 500) {
      return reply.code((error as FastifyError).statusCode!).send({ error: { code: 'PAYLOAD_INVALID', message: 'request could not be read' } });
    }
    request.log.error({ err: { name: error.name } }, 'retention api failed');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
  });

  app.post('/api/retention/holds', {
    schema: { summary: 'Place a legal hold on a call or on a patient (all their calls): nothing under it is purged until it is released', body: holdBody },
  }, async (request, reply) => {
    const staff = staffOf(request);
    const body = request.body;
    const hold = await setLegalHold(db, { ...(body.scope === 'call' ? { scope: 'call', callId: body.callId } : { scope: 'patient', patientId: body.patientId }), reason: body.reason, actor: `staff:${staff.sub}` }, now());
    return reply.code(201).send({ hold });
  });

  app.get('/api/retention/holds', {
    schema: { summary: 'Legal holds (in force by default), with who set them, when and why', querystring: z.object({ status: z.enum(['in-force', 'released', 'all']).default('in-force') }) },
  }, async (request) => ({ holds: await listLegalHolds(db, { status: request.query.status }) }));

  app.post('/api/retention/holds/:id/release', {
    schema: { summary: 'Release a legal hold, with the reason; the purge takes what is due at its next run', params: z.object({ id: z.uuid() }), body: z.object({ reason }).strict() },
  }, async (request) => {
    const staff = staffOf(request);
    return { hold: await releaseLegalHold(db, { id: request.params.id, reason: request.body.reason, actor: `staff:${staff.sub}` }, now()) };
  });

  app.get('/api/retention/report', {
    schema: { summary: 'The retention report: anything past policy (should be nothing), holds in force, deletions outside policy, keys destroyed, last and next purge' },
  }, async (request) => {
    const staff = staffOf(request);
    const report = await buildRetentionReport(db, deps.policies.current, now(), { recordMissing: true });
    await recordAuditEvent(db, { actor: `staff:${staff.sub}`, action: 'retention.report.viewed', objectType: 'retention-report', outcome: 'success', detail: { ok: report.ok, pastPolicy: report.pastPolicy.total } });
    return report;
  });
}

function safeStaff(request: Parameters<typeof staffOf>[0]) {
  try {
    return staffOf(request);
  } catch {
    return null;
  }
}
