import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';
import type { Db } from '../store/db.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { normalizeCallerNumber } from '../calls/caller-number.ts';

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

  app.post('/webhooks/fhir/notify', { schema: { hide: true } }, async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const given = Buffer.from(header.replace(/^Bearer\s+/i, ''));
    const authorised = options.secrets().some((secret) => {
      const expected = Buffer.from(secret);
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    if (!authorised) {
      await recordAuditEvent(options.db, { actor: 'ehr:unverified', action: 'webhook.rejected', objectType: 'webhook', objectId: request.id, outcome: 'rejected', reason: header ? 'TOKEN_INVALID' : 'TOKEN_MISSING', detail: { route: 'fhir-notify' } });
      return reply.code(401).send({ error: { code: 'SIGNATURE_INVALID', message: 'Authorization: Bearer <secret> required' } });
    }
    const body = request.body as Resource | null | undefined;
    const resources: Resource[] =
      body?.resourceType === 'Bundle' ? ((body as Bundle).entry ?? []).map((entry) => entry.resource).filter((r): r is Resource => Boolean(r)) : body ? [body] : [];
    let invalidated = 0;
    const patients = resources.filter((resource): resource is Patient => resource.resourceType === 'Patient' && Boolean(resource.id));
    for (const patient of patients) {
      const phones = (patient.telecom ?? [])
        .filter((point) => point.system === 'phone' && point.value)
        .map((point) => normalizeCallerNumber(point.value!))
        .flatMap((number) => (number.presentation === 'number' ? [number.e164] : []));
      invalidated += options.onPatientChanged(patient.id!, phones);
    }
    await recordAuditEvent(options.db, { actor: 'ehr', action: 'ehr.patient.changed', objectType: 'cache', outcome: 'success', detail: { patients: patients.length, invalidated } });
    return reply.code(200).send({ patients: patients.length, invalidated });
  });
}
