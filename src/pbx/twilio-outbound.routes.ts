import { guardTwilioWebhooks } from './twilio-webhook-guard.routes.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { outboundWebhookPaths, type OutboundAnswer, type OutboundCallService } from '../outbound/outbound-call.service.ts';
import {twilioCallParamsSchema, twilioStatusParamsSchema } from './twilio-events.ts';
import { appendDestination, appendMediaStreamStart, ivrPromptTwiml } from './twiml.ts';
import { mintStreamToken, streamTokenKey } from './twilio-stream-token.ts';
import { mediaStreamSignedUrl } from './twilio-media-stream.ts';
import { twilioMediaPath } from './twilio-media.routes.ts';

export interface TwilioOutboundRouteOptions {
  db: Db;
  outbound: OutboundCallService;
  /** TWILIO_AUTH_TOKEN; undefined (or unusable) → every request is refused with 403 TWILIO_NOT_CONFIGURED. */
  authToken: () => string | undefined;
  publicBaseUrl?: string | undefined;
  maxBodyBytes: number;
  now?: () => Date;
}

const xml = 'text/xml; charset=utf-8';

const voiceParamsSchema = twilioCallParamsSchema.extend({
  /** Answering machine detection's verdict: human, machine_start, machine_end_beep, fax, unknown. */
  AnsweredBy: z.string().regex(/^[a-z_]{1,32}$/).optional(),
});
const consentParamsSchema = twilioCallParamsSchema.extend({ Digits: z.string().max(32).regex(/^[0-9*#]*$/, 'keypad digits').optional() });
const statusParamsSchema = twilioStatusParamsSchema.extend({ AnsweredBy: z.string().regex(/^[a-z_]{1,32}$/).optional() });

/**
 * Twilio's requests about the calls we place (issue 16; ADR 0021): the voice webhook when the
 * patient's phone is answered, the consent answers keyed on the call, and the call progress status
 * callbacks. In a scope of their own beside the inbound routes (twilio.routes.ts), with the same
 * gate: X-Twilio-Signature checked by Twilio's SDK against the URL Twilio called, before any body
 * is used; unsigned or forged → 403 with the reason and an audit entry; no usable token → 403
 * for everything.
 */
export async function twilioOutboundRoutes(app: FastifyInstance, options: TwilioOutboundRouteOptions): Promise<void> {
  const { reject, parse } = await guardTwilioWebhooks(app, { db: options.db, authToken: options.authToken, publicBaseUrl: options.publicBaseUrl, maxBodyBytes: options.maxBodyBytes, name: 'twilio-outbound' });
  const now = () => options.now?.() ?? new Date();

  const base = (request: FastifyRequest) => (options.publicBaseUrl ? options.publicBaseUrl.replace(/\/+$/, '') : `${request.protocol}://${request.host}`);
  const consentAction = (request: FastifyRequest) => (step: string) => `${base(request)}${outboundWebhookPaths.consent}?step=${encodeURIComponent(step)}`;

  /** The service's answer as TwiML, built with Twilio's own TwiML builder. */
  const render = (request: FastifyRequest, callSid: string, answer: OutboundAnswer): string => {
    if (answer.kind === 'gather') return ivrPromptTwiml(answer.prompt, { actionUrl: consentAction(request) });
    const response = new VoiceResponse();
    if (answer.kind === 'hangup') {
      response.hangup();
      return response.toString();
    }
    if (answer.kind === 'voicemail') {
      response.say(answer.say);
      response.hangup();
      return response.toString();
    }
    // Only with transcribe consent does the audio go to us (invariant 1), on a one-time token.
    if (answer.transcribe) {
      const token = mintStreamToken({ key: streamTokenKey(options.authToken()), callSid, nowMs: now().getTime() });
      appendMediaStreamStart(response, { url: mediaStreamSignedUrl(`${base(request)}${twilioMediaPath}`), token });
    }
    for (const text of answer.say) response.say({ language: answer.language as never }, text);
    appendDestination(response, { kind: answer.target.kind, target: answer.target.target, label: 'staff' });
    return response.toString();
  };

  app.post(outboundWebhookPaths.voice, async (request, reply) => {
    const parsed = parse(voiceParamsSchema, request);
    if (!parsed.ok) return reject(request, reply, 400, 'PAYLOAD_INVALID', 'not a Twilio voice request', parsed.paths);
    const params = parsed.value;
    const answer = await options.outbound.answered({ callSid: params.CallSid, to: params.To, from: params.From, answeredBy: params.AnsweredBy ?? null });
    return reply.type(xml).send(render(request, params.CallSid, answer));
  });

  app.post(outboundWebhookPaths.consent, async (request, reply) => {
    const parsed = parse(consentParamsSchema, request);
    const query = (request.query as { step?: unknown }).step;
    const step = typeof query === 'string' && /^[a-z-]{1,32}$/.test(query) ? query : undefined;
    if (!parsed.ok || !step) return reject(request, reply, 400, 'PAYLOAD_INVALID', 'not a Twilio gather callback', parsed.ok ? ['step'] : parsed.paths);
    const params = parsed.value;
    const answer = await options.outbound.consentAnswered({ callSid: params.CallSid, to: params.To, from: params.From, step, digits: params.Digits ? params.Digits : null });
    return reply.type(xml).send(render(request, params.CallSid, answer));
  });

  app.post(outboundWebhookPaths.status, async (request, reply) => {
    const parsed = parse(statusParamsSchema, request);
    if (!parsed.ok) return reject(request, reply, 400, 'PAYLOAD_INVALID', 'not a Twilio status callback', parsed.paths);
    const params = parsed.value;
    const result = await options.outbound.statusChanged({
      callSid: params.CallSid, status: params.CallStatus, sequence: params.SequenceNumber !== undefined ? Number(params.SequenceNumber) : null,
      durationSeconds: params.CallDuration ?? null, answeredBy: params.AnsweredBy ?? null,
    });
    if (!result.known) {
      // Signed by Twilio but for a call we did not place here: acknowledged (Twilio would retry), audited.
      await recordAuditEvent(options.db, { actor: 'pbx:twilio', action: 'outbound.call.unknown', objectType: 'webhook', objectId: request.id, outcome: 'rejected', reason: 'UNKNOWN_CALL', detail: { step: 'status' } });
    }
    return reply.code(204).send();
  });
}
