import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffOf } from '../api/access-control.ts';
import { staffSeesQueue } from '../api/route-access.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import { CallchartError } from '../lib/errors.ts';
import type { Db } from '../store/db.ts';
import { findCall } from './calls.repository.ts';
import { acknowledgeRedFlag, listRedFlagAcknowledgements, redFlagsRaisedAt } from './red-flag-ack.repository.ts';

const idParams = z.object({ id: z.string().uuid() });

/**
 * Red flags on a call, acknowledged by a person (issue 14, live calls and review): the first
 * acknowledgement of each flag is kept with who, when and how long after it was raised, and
 * audited. A flag is never cleared by acknowledging it: it stays on the call and in the chart.
 */
export async function redFlagRoutes(parent: FastifyInstance, deps: { db: Db; fallbackQueue: string; now?: () => Date }): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const now = deps.now ?? (() => new Date());
  const callInMyQueues = async (staff: ReturnType<typeof staffOf>, id: string) => {
    const call = await findCall(deps.db, id);
    // Another queue's call is "not found": its existence is not this person's to know.
    if (!call || !staffSeesQueue(staff, call.queue, deps.fallbackQueue)) throw new CallchartError('NOT_FOUND', 'no such call', { id });
    return call;
  };

  app.get('/api/calls/:id/red-flags', { schema: { summary: "A call's red flags (codes) and who acknowledged each, when, and how long after it was raised", params: idParams } }, async (request) => {
    const call = await callInMyQueues(staffOf(request), request.params.id);
    const acknowledgements = await listRedFlagAcknowledgements(deps.db, [call.id]);
    return { callId: call.id, redFlags: call.redFlags.map((code) => ({ code, acknowledgement: acknowledgements.find((entry) => entry.code === code) ?? null })) };
  });

  app.post('/api/calls/:id/red-flags/acknowledge', {
    schema: {
      summary: 'Acknowledge a red flag on a call (timed and audited; the first acknowledgement stands). The flag stays on the call.',
      params: idParams,
      body: z.object({ code: z.string().min(1).max(64), screen: z.enum(['live', 'review', 'on-call']).default('live') }).strict(),
    },
  }, async (request) => {
    const staff = staffOf(request);
    const call = await callInMyQueues(staff, request.params.id);
    const { code, screen } = request.body;
    if (!call.redFlags.includes(code)) throw new CallchartError('RED_FLAG_NOT_RAISED', 'this call has no such red flag', { id: call.id, code });
    const acknowledgedAt = now();
    const raisedAt = (await redFlagsRaisedAt(deps.db, call.id)) ?? acknowledgedAt;
    const result = await deps.db.transaction(async (tx) => {
      const recorded = await acknowledgeRedFlag(tx, { callId: call.id, code, raisedAt, acknowledgedAt, acknowledgedBy: `staff:${staff.sub}`, screen });
      if (recorded.created) {
        await appendAuditEvent(tx, {
          actor: `staff:${staff.sub}`, action: 'call.red-flag.acknowledged', objectType: 'call', objectId: call.id, outcome: 'success',
          detail: { code, screen, secondsToAcknowledge: recorded.acknowledgement.secondsToAcknowledge },
        });
      }
      return recorded;
    });
    return { ...result.acknowledgement, alreadyAcknowledged: !result.created };
  });
}
