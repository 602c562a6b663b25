import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import { staffOf } from '../api/access-control.ts';
import { staffSeesQueue } from '../api/route-access.ts';
import { CallchartError } from '../lib/errors.ts';
import { linkPatientBodySchema, type PatientLinkService } from './patient-link.service.ts';
import { findReviewItem } from './review.repository.ts';

/**
 * `POST /api/review/:id/link-patient`: a reviewer links the call to a chart they found with
 * `GET /api/patients` and says how they confirmed the caller (issue 12, defect 4). Roles and queue
 * narrowing are in route-access.ts; another queue's item is "not found".
 */
export async function patientLinkRoutes(parent: FastifyInstance, deps: { db: Db; fallbackQueue: string; patientLink: PatientLinkService }): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.post('/api/review/:id/link-patient', {
    schema: {
      summary: "Link the call to a chart found in the EHR, with how the caller was confirmed: the call becomes staff-verified and its Task moves to that patient (once)",
      params: z.object({ id: z.uuid() }),
      body: linkPatientBodySchema,
    },
    // A malformed link is audited like a refused one, then answered by the app's error handler (400).
    attachValidation: true,
  }, async (request) => {
    const staff = staffOf(request);
    const item = request.validationError ? null : await findReviewItem(deps.db, request.params.id);
    if (request.validationError) {
      await appendAuditEvent(deps.db, { actor: `staff:${staff.sub}`, action: 'call.identity.link.refused', objectType: 'review-item', objectId: null, outcome: 'rejected', reason: 'PAYLOAD_INVALID' });
      throw request.validationError;
    }
    // Another queue's item does not exist for this person.
    if (!item || !staffSeesQueue(staff, item.queue, deps.fallbackQueue)) throw new CallchartError('NOT_FOUND', 'no such review item', { id: request.params.id });
    return deps.patientLink.link(item.id, request.body, staff);
  });
}
