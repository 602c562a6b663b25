import { guardTwilioWebhooks } from '../pbx/twilio-webhook-guard.routes.ts';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { staffOf } from '../api/access-control.ts';
import { clientErrorBody, isCallchartError, type CallchartError } from '../lib/errors.ts';
import { formParams } from '../pbx/twilio-events.ts';
import { refillDenialReasons, type OnCallService } from './on-call.service.ts';

/**
 * The on-call view's API (issue 16, AH-1). Staff routes: role clinician (route-access.ts), and the
 * service answers only the clinician the notice went to or a clinician of the item's queue
 * (anyone else: 404). Twilio routes: the click-to-call's connect TwiML and its status callback,
 * X-Twilio-Signature checked before anything is read.
 */
const noticeParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'an on-call link id') });

export async function onCallRoutes(parent: FastifyInstance, deps: { onCall: OnCallService }): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { onCall } = deps;

  app.setErrorHandler(async (error: FastifyError | CallchartError, request, reply) => {
    if (isCallchartError(error)) return reply.code(error.status).send(clientErrorBody(error));
    if ((error as FastifyError).validation) {
      return reply.code(400).send({ error: { code: 'PAYLOAD_INVALID', message: 'request does not match the schema', issues: (error as FastifyError).validation!.map((issue) => ({ path: issue.instancePath, message: issue.message ?? 'invalid' })) } });
    }
    if ((error as FastifyError).statusCode && (error as FastifyError).statusCode! < 500) {
      return reply.code((error as FastifyError).statusCode!).send({ error: { code: 'PAYLOAD_INVALID', message: 'request could not be read' } });
    }
    request.log.error({ err: { message: error.message } }, 'on-call api failed');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
  });

  app.get('/api/on-call/:id', {
    schema: { summary: "The on-call view of one after-hours item: the AI's reading (marked as AI), red flags, the chart summary, the redacted transcript and summary, what can be done", params: noticeParams },
  }, async (request) => onCall.view(request.params.id, staffOf(request)));

  app.post('/api/on-call/:id/approve-refill', {
    schema: {
      summary: 'Approve the refill in one tap: a MedicationRequest with Provenance through the outbox (once), and the item approved as you',
      params: noticeParams,
      body: z.object({ baseVersion: z.number().int().min(1), medicationRequestId: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/) }).strict(),
    },
  }, async (request) => onCall.approveRefill(request.params.id, request.body, staffOf(request)));

  app.post('/api/on-call/:id/deny', {
    schema: {
      summary: 'Deny the refill with a reason: the note says so, the item is approved as you, and the refill-denied Task goes to the chart',
      params: noticeParams,
      body: z.object({ baseVersion: z.number().int().min(1), reason: z.enum(refillDenialReasons) }).strict(),
    },
  }, async (request) => onCall.denyRefill(request.params.id, request.body, staffOf(request)));

  app.post('/api/on-call/:id/hand-off', {
    schema: { summary: 'Hand to nurse triage: the item moves to the nurse-triage queue', params: noticeParams },
  }, async (request) => onCall.handOff(request.params.id, staffOf(request)));

  app.post('/api/on-call/:id/call-back', {
    schema: { summary: "Call the patient back: Twilio rings your phone, then dials the patient's chart number from the clinic's number", params: noticeParams },
  }, async (request) => onCall.callBack(request.params.id, staffOf(request)));
}

/** Twilio's side of click-to-call: form posts, signed, answered with TwiML. */
export async function onCallTwilioRoutes(app: FastifyInstance, deps: { db: Db; onCall: OnCallService; authToken: () => string | undefined; publicBaseUrl?: string | undefined; maxBodyBytes: number }): Promise<void> {
  await guardTwilioWebhooks(app, { db: deps.db, authToken: deps.authToken, publicBaseUrl: deps.publicBaseUrl, maxBodyBytes: deps.maxBodyBytes, name: 'on-call' });

  app.post<{ Params: { id: string } }>('/webhooks/on-call/:id/connect', { schema: { hide: true } }, async (request, reply) => {
    const { number, clinicNumber } = await deps.onCall.patientNumberFor(request.params.id);
    const response = new VoiceResponse();
    if (!number || !clinicNumber) {
      response.say('The patient has no phone number in the chart. Goodbye.');
    } else {
      response.say('Connecting you to the patient. They will see the clinic number.');
      response.dial({ callerId: clinicNumber }).number(number);
    }
    return reply.code(200).type('text/xml; charset=utf-8').send(response.toString());
  });

  app.post<{ Params: { id: string } }>('/webhooks/on-call/:id/status', { schema: { hide: true } }, async (request, reply) => {
    const params = formParams(request.body);
    const status = typeof params.CallStatus === 'string' && /^[a-z-]{1,20}$/.test(params.CallStatus) ? params.CallStatus : 'unknown';
    await recordAuditEvent(deps.db, { actor: 'pbx:twilio', action: 'on-call.call-back.status', objectType: 'on-call-notice', objectId: request.params.id.slice(0, 64), outcome: 'success', detail: { status } });
    return reply.code(204).send();
  });
}
