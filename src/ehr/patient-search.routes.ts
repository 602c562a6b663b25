import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../store/db.ts';
import { appendAuditEvent, recordAuditEvent } from '../audit/audit.repository.ts';
import { phiViewedEvent } from '../audit/access-log.ts';
import { staffOf } from '../api/access-control.ts';
import { CallchartError, isCallchartError } from '../lib/errors.ts';
import type { PatientDirectory } from './patient-directory.service.ts';
import { criteriaOf, patientSearchQuerySchema, type PatientSearchQuery } from './patient-search.ts';

/**
 * `GET /api/patients`: staff search the EHR for a chart to link a call to (issue 12, defect 4).
 * Who may search is in route-access.ts (people who review calls). Every search is audited with the
 * kinds of criteria used and how many charts came back, never the values; a refused or failed one too.
 */
export async function patientSearchRoutes(parent: FastifyInstance, deps: { db: Db; patients: PatientDirectory }): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.get('/api/patients', {
    schema: {
      summary: 'Search the EHR for a patient: a name with a date of birth, an MRN, or a phone number (at most 10 charts; name, date of birth, MRN, phone only)',
      querystring: patientSearchQuerySchema,
    },
    // Validation problems are audited here like every other refusal, then answered by the app's error handler.
    attachValidation: true,
  }, async (request) => {
    const staff = staffOf(request);
    const actor = `staff:${staff.sub}`;
    const criteria = request.validationError ? [] : criteriaOf(request.query);
    try {
      if (request.validationError) throw new CallchartError('PAYLOAD_INVALID', 'the search does not match the schema');
      const result = await deps.patients.search(request.query as PatientSearchQuery);
      // The search itself (criteria kinds, counts), and one access-log entry per chart shown (AU-3).
      await deps.db.transaction(async (tx) => {
        await appendAuditEvent(tx, {
          actor, action: 'ehr.patient.searched', objectType: 'patient-search', outcome: 'success',
          detail: { criteria, results: result.patients.length, more: result.more },
        });
        for (const patient of result.patients) {
          await appendAuditEvent(tx, phiViewedEvent({ actor, purpose: 'patient-search', objectType: 'patient', objectId: patient.id, patientId: patient.id }));
        }
      });
      return result;
    } catch (error) {
      // Refused: what the person asked for (4xx). Failed: the EHR could not answer (5xx).
      const refused = isCallchartError(error) && error.status < 500;
      await recordAuditEvent(deps.db, {
        actor, action: refused ? 'ehr.patient.search.refused' : 'ehr.patient.search.failed', objectType: 'patient-search',
        outcome: refused ? 'rejected' : 'failure', reason: isCallchartError(error) ? error.code : 'INTERNAL', detail: { criteria },
      });
      if (request.validationError) throw request.validationError;
      throw error;
    }
  });
}
