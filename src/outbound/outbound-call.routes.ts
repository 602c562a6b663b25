import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffOf } from '../api/access-control.ts';
import { staffSeesQueue } from '../api/route-access.ts';
import { outboundCallStatuses } from './outbound-call.policy.ts';
import type { OutboundCall } from './outbound-call.repository.ts';
import type { OutboundCallService } from './outbound-call.service.ts';

const idParams = z.object({ id: z.string().uuid() });

/** An outbound call as the staff app shows it: ids, codes and times (never the number dialled). */
const outboundCallView = z.object({
  id: z.string(),
  taskId: z.string(),
  status: z.enum(outboundCallStatuses).describe('placing → queued → initiated → ringing → in-progress → completed; or no-answer, busy, failed, not-placed'),
  agent: z.string().describe('Staff id of the person who pressed Call'),
  callId: z.string().nullable().describe('The ledger call, once a person answered'),
  answeredBy: z.string().nullable().describe("Twilio's answering machine detection: human, machine_start, …"),
  attemptOutcome: z.enum(['answered', 'voicemail-left', 'no-answer', 'wrong-number', 'declined']).nullable(),
  errorCode: z.string().nullable(),
  requestedAt: z.string(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});

function view(call: OutboundCall): z.infer<typeof outboundCallView> {
  return {
    id: call.id, taskId: call.taskId, status: call.status, agent: call.agent, callId: call.callId, answeredBy: call.answeredBy,
    attemptOutcome: call.attemptOutcome, errorCode: call.errorCode, requestedAt: call.requestedAt, answeredAt: call.answeredAt, endedAt: call.endedAt,
  };
}

/**
 * "Call" on a callback task (issue 16): staff in the task's queue place the call through Twilio;
 * the number comes from the chart, never from the browser. Another queue's task is "not found".
 */
export async function outboundCallRoutes(parent: FastifyInstance, deps: { outbound: OutboundCallService; fallbackQueue: string }): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.post('/api/callbacks/:id/call', {
    schema: {
      summary: "Call the patient back through Twilio (the chart's number, the clinic's caller ID); connected to you once they answer and the consents are asked. Pressing twice places one call.",
      params: idParams,
      response: { 200: z.object({ call: outboundCallView, placed: z.boolean().describe('false: a call for this task was already on its way') }) },
    },
  }, async (request) => {
    const staff = staffOf(request);
    const result = await deps.outbound.placeCall(request.params.id, { sub: staff.sub, extensions: staff.extensions }, (queue) => staffSeesQueue(staff, queue, deps.fallbackQueue));
    return { call: view(result.call), placed: result.placed };
  });

  app.get('/api/callbacks/:id/calls', {
    schema: {
      summary: "A callback task's outbound calls, newest first, with their live status",
      params: idParams,
      response: { 200: z.object({ calls: z.array(outboundCallView) }) },
    },
  }, async (request) => {
    const staff = staffOf(request);
    const calls = await deps.outbound.listForTask(request.params.id, (queue) => staffSeesQueue(staff, queue, deps.fallbackQueue));
    return { calls: calls.map(view) };
  });
}
