import { timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { normalizeCallerNumber } from '../calls/caller-number.ts';
import { CallchartError, type ErrorCode } from '../lib/errors.ts';
import { classifyStoreError, sqlstateOf } from '../store/store-errors.ts';

// What the route reads of a notification: any resource (only Patients matter), or a Bundle of them.
const anyResource = z.looseObject({ resourceType: z.string().max(64) });
const bundleSchema = z.looseObject({ resourceType: z.literal('Bundle'), entry: z.array(z.looseObject({ resource: anyResource.optional() })).max(10_000).optional() });
// A changed Patient, as far as the caller cache needs it. FHIR's own id rule keeps NUL, surrogates
// and oversized keys out of the cache and the audit trail.
const changedPatientSchema = z.looseObject({
  resourceType: z.literal('Patient'),
  id: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'must be a FHIR id'),
  telecom: z.array(z.looseObject({ system: z.string().max(64).optional(), value: z.string().max(256).optional() })).max(100).optional(),
});
type ChangedPatient = z.infer<typeof changedPatientSchema>;

type Issue = { path: string; message: string };

/** The Patients a notification carries, or the issues that make it unreadable (paths, never values). */
function changedPatientsOf(body: unknown): { patients: ChangedPatient[] } | { issues: Issue[] } {
  if (body === null || body === undefined) return { patients: [] }; // a heartbeat: nothing changed
  const toIssues = (error: z.ZodError, prefix: string[]) =>
    error.issues.map((issue) => ({ path: [...prefix, ...issue.path.map(String)].join('.') || '(body)', message: issue.message }));
  const resource = anyResource.safeParse(body);
  if (!resource.success) return { issues: toIssues(resource.error, []) };
  let located: { resource: z.infer<typeof anyResource>; at: string[] }[] = [{ resource: resource.data, at: [] }];
  if (resource.data.resourceType === 'Bundle') {
    const bundle = bundleSchema.safeParse(body);
    if (!bundle.success) return { issues: toIssues(bundle.error, []) };
    located = (bundle.data.entry ?? []).flatMap((entry, index) => (entry.resource ? [{ resource: entry.resource, at: ['entry', String(index), 'resource'] }] : []));
  }
  const patients: ChangedPatient[] = [];
  const issues: Issue[] = [];
  for (const { resource, at } of located) {
    if (resource.resourceType !== 'Patient') continue;
    const patient = changedPatientSchema.safeParse(resource);
    if (patient.success) patients.push(patient.data);
    else issues.push(...toIssues(patient.error, at));
  }
  return issues.length ? { issues: issues.slice(0, 20) } : { patients };
}

/**
 * POST /webhooks/fhir/notify — FHIR R4 Subscription (rest-hook) notifications from the EHR. A
 * changed Patient drops every cached caller lookup that involves it, and lookups of its new
 * numbers, so the next call from that number sees the chart as it is now. The channel carries the
 * shared secret as `Authorization: Bearer <secret>` (Subscription.channel.header).
 */
export async function fhirNotifyRoutes(app: FastifyInstance, options: { db: Db; secrets: () => readonly string[]; onPatientChanged: (patientId: string, phones: string[]) => number }): Promise<void> {
  // EHRs post FHIR JSON; Fastify only knows application/json out of the box.
  app.addContentTypeParser('application/fhir+json', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_request, body, done) => {
    try {
      done(null, body === '' ? null : JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });

  const reject = async (request: FastifyRequest, reply: FastifyReply, code: ErrorCode | 'TOKEN_INVALID' | 'TOKEN_MISSING', status: number, message: string, issues?: Issue[]) => {
    try {
      const refusal = {
        actor: 'ehr:unverified', action: 'webhook.rejected', objectType: 'webhook', objectId: request.id, reason: code,
        detail: { ...(issues ? { paths: issues.map((issue) => issue.path) } : {}) },
      };
      // Aggregated per source, reason and minute (see src/api/rejection-audit.ts).
      if (request.server.rejections) await request.server.rejections.record({ ...refusal, route: 'fhir-notify', source: request.ip });
      else await recordAuditEvent(options.db, { ...refusal, outcome: 'rejected', detail: { route: 'fhir-notify', ...refusal.detail } });
    } catch (error) {
      request.log.error({ code, storeError: sqlstateOf(error) ?? classifyStoreError(error) }, 'webhook rejection not audited');
    }
    const answerCode = code === 'TOKEN_INVALID' || code === 'TOKEN_MISSING' ? 'SIGNATURE_INVALID' : code;
    return reply.code(status).send({ error: { code: answerCode, message, ...(issues ? { issues } : {}) } });
  };

  // Every error in this scope ends here: 4xx with a code for the sender's faults, 503 for ours.
  // Never Fastify's default 500 with an internal message.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reject(request, reply, 'PAYLOAD_TOO_LARGE', 413, 'body too large');
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.code === 'FST_ERR_CTP_EMPTY_TYPE') {
      return reject(request, reply, 'UNSUPPORTED_MEDIA_TYPE', 415, 'send application/fhir+json');
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return reject(request, reply, 'PAYLOAD_INVALID', 400, 'request could not be read');
    const storeError = classifyStoreError(error);
    request.log.error({ storeError, sqlstate: sqlstateOf(error), errorName: error.name }, 'fhir notification failed');
    const code: ErrorCode = storeError === 'unavailable' ? 'STORE_UNAVAILABLE' : 'INGEST_FAILED';
    return reply.code(new CallchartError(code, '').status).send({ error: { code, message: 'notification not processed; retry later' } });
  });

  app.post(
    '/webhooks/fhir/notify',
    {
      schema: { hide: true },
      // The token is checked before the body is read: an unauthorised sender's bytes are never parsed.
      onRequest: async (request, reply) => {
        const header = request.headers.authorization ?? '';
        const given = Buffer.from(header.replace(/^Bearer\s+/i, ''));
        const authorised = options.secrets().some((secret) => {
          const expected = Buffer.from(secret);
          return expected.length === given.length && timingSafeEqual(expected, given);
        });
        if (!authorised) return reject(request, reply, header ? 'TOKEN_INVALID' : 'TOKEN_MISSING', 401, 'Authorization: Bearer <secret> required');
      },
    },
    async (request, reply) => {
      const read = changedPatientsOf(request.body);
      if ('issues' in read) return reject(request, reply, 'PAYLOAD_INVALID', 400, 'not a FHIR resource or Bundle this route can read', read.issues);
      let invalidated = 0;
      for (const patient of read.patients) {
        const phones = (patient.telecom ?? [])
          .filter((point) => point.system === 'phone' && point.value)
          .map((point) => normalizeCallerNumber(point.value!))
          .flatMap((number) => (number.presentation === 'number' ? [number.e164] : []));
        invalidated += options.onPatientChanged(patient.id, phones);
      }
      await recordAuditEvent(options.db, { actor: 'ehr', action: 'ehr.patient.changed', objectType: 'cache', outcome: 'success', detail: { patients: read.patients.length, invalidated } });
      return reply.code(200).send({ patients: read.patients.length, invalidated });
    },
  );
}
