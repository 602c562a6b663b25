import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { staffOf } from '../api/access-control.ts';
import { installGovernanceErrors } from '../api/governance-errors.ts';
import { CallchartError } from '../lib/errors.ts';
import { acknowledgeAlert, alertStatuses, listAlerts } from './alert.repository.ts';
import { alertRules } from './alert-rules.ts';

/**
 * The alert list (AU-4) for supervisors, auditors and admins (route-access.ts): newest first, by
 * status and rule; acknowledging one is audited. Alerts carry ids and codes only.
 */
export async function alertRoutes(parent: FastifyInstance, deps: { db: Db }): Promise<void> {
  installGovernanceErrors(parent);
  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.get('/api/alerts', {
    schema: {
      summary: 'Alerts, newest first (ids and codes only)',
      querystring: z.object({
        status: z.enum(alertStatuses).optional(),
        rule: z.enum(alertRules.map((rule) => rule.id) as [string, ...string[]]).optional(),
        beforeSeq: z.coerce.number().int().min(1).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }).strict(),
    },
  }, async (request) => {
    const { status, rule, beforeSeq, limit } = request.query;
    return { alerts: await listAlerts(deps.db, { limit, ...(status ? { status } : {}), ...(rule ? { rule } : {}), ...(beforeSeq ? { beforeSeq } : {}) }) };
  });

  app.post('/api/alerts/:id/acknowledge', {
    schema: { summary: 'Acknowledge an alert (audited)', params: z.object({ id: z.uuid() }) },
  }, async (request) => {
    const staff = staffOf(request);
    const alert = await deps.db.transaction((tx) => acknowledgeAlert(tx, request.params.id, `staff:${staff.sub}`));
    if (!alert) throw new CallchartError('NOT_FOUND', 'no such alert', { id: request.params.id });
    return { alert };
  });
}
