import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import type { AuditKey } from '../audit/audit-key.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { phiViewedEvent } from '../audit/access-log.ts';
import { staffOf } from '../api/access-control.ts';
import { installGovernanceErrors } from '../api/governance-errors.ts';
import { CallchartError } from '../lib/errors.ts';
import { breachAssessmentSchema, incidentStatuses, mergeAssessment, notificationDeadlines, statusChangeProblem } from './incident.ts';
import { findIncident, incidentEvidence, openIncident, updateIncident } from './incident.repository.ts';

export interface IncidentRoutesDeps {
  db: Db;
  /** Signs the evidence export (the audit key's export sub-key). */
  auditKey: AuditKey;
  /** Days from discovery to notify individuals (and HHS for 500 or more). */
  notificationDays: number;
  /** Hours of audit log before the alert's event that go into the evidence. */
  evidenceHours: number;
}

const idParams = z.object({ id: z.uuid() });

/**
 * Incidents (IR-1), for auditors (route-access.ts): open one from an alert (evidence sealed,
 * deadline set), read it, edit the breach assessment and status against the version read, and
 * take a copy of the signed evidence (a `phi.viewed` export in the access log).
 */
export async function incidentRoutes(parent: FastifyInstance, deps: IncidentRoutesDeps): Promise<void> {
  installGovernanceErrors(parent);
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { db, notificationDays } = deps;

  app.post('/api/incidents', {
    schema: {
      summary: 'Open an incident from an alert: evidence = a signed audit export, notification deadlines from discovery',
      body: z.object({ alertId: z.uuid(), discoveredAt: z.iso.datetime({ offset: true }).optional() }).strict(),
    },
  }, async (request, reply) => {
    const staff = staffOf(request);
    const incident = await db.transaction((tx) => openIncident(tx, {
      alertId: request.body.alertId, actor: `staff:${staff.sub}`, key: deps.auditKey, evidenceHours: deps.evidenceHours, notificationDays,
      ...(request.body.discoveredAt ? { discoveredAt: new Date(request.body.discoveredAt) } : {}),
    }));
    return reply.code(201).send({ incident });
  });

  app.get('/api/incidents/:id', { schema: { summary: 'An incident: assessment, deadlines, evidence summary, status history', params: idParams } }, async (request) => {
    const incident = await findIncident(db, request.params.id, notificationDays);
    if (!incident) throw new CallchartError('NOT_FOUND', 'no such incident', { id: request.params.id });
    return { incident };
  });

  app.patch('/api/incidents/:id', {
    schema: {
      summary: 'Edit the breach assessment and/or the status, against the version you read (409 if it changed)',
      params: idParams,
      body: z.object({ baseVersion: z.number().int().min(1), status: z.enum(incidentStatuses).optional(), assessment: breachAssessmentSchema.optional() }).strict(),
    },
  }, async (request) => {
    const staff = staffOf(request);
    const actor = `staff:${staff.sub}`;
    const incident = await db.transaction(async (tx) => {
      const current = await findIncident(tx, request.params.id, notificationDays);
      if (!current) throw new CallchartError('NOT_FOUND', 'no such incident', { id: request.params.id });
      if (current.version !== request.body.baseVersion) throw new CallchartError('INCIDENT_VERSION_STALE', 'the incident changed since you read it: read it again', { baseVersion: request.body.baseVersion, currentVersion: current.version });
      const assessment = request.body.assessment ? mergeAssessment(current.assessment, request.body.assessment, actor, new Date()) : current.assessment;
      const status = request.body.status ?? current.status;
      const problem = status !== current.status ? statusChangeProblem(assessment, status) : null;
      if (problem) throw new CallchartError('INCIDENT_STATUS_REFUSED', problem);
      const parts = [...(status !== current.status ? ['status'] : []), ...Object.keys(request.body.assessment ?? {})];
      const deadlines = notificationDeadlines(new Date(current.discoveredAt), notificationDays, assessment.natureAndExtent?.individualsAffected);
      return updateIncident(tx, current.id, { baseVersion: current.version, status, assessment, notifyBy: new Date(deadlines.individuals), changedParts: parts, actor, notificationDays });
    });
    return { incident };
  });

  app.get('/api/incidents/:id/evidence', {
    schema: { summary: 'The sealed evidence: signed JSON lines with an HMAC trailer (verify with `callchart audit verify-export`)', params: idParams },
  }, async (request, reply) => {
    const staff = staffOf(request);
    const evidence = await incidentEvidence(db, request.params.id);
    if (evidence === null) throw new CallchartError('NOT_FOUND', 'no such incident', { id: request.params.id });
    await recordAuditEvent(db, phiViewedEvent({ actor: `staff:${staff.sub}`, purpose: 'export', objectType: 'incident-evidence', objectId: request.params.id }));
    return reply.type('application/x-ndjson').header('cache-control', 'no-store').send(evidence);
  });
}
