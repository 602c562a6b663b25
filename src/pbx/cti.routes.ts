import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import type { CallIngestService } from '../calls/call-ingest.service.ts';
import { callEventSchema, describeIssues, eventClockIssues } from '../calls/call-event.schema.ts';
import { ctiSignatureHeader, verifyCtiSignature } from './cti-signature.ts';
import { webhookRefusals } from './webhook-refusal.routes.ts';
import type { RoutingService } from '../routing/routing.service.ts';
import { findCall } from '../calls/calls.repository.ts';
import { normalizeCallerNumber } from '../calls/caller-number.ts';

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

const acceptedSchema = z.object({
  status: z.enum(['accepted', 'duplicate']),
  callId: z.uuid(),
  callStatus: z.string(),
  routing: z
    .object({
      destinationId: z.string(),
      destination: z.object({ kind: z.string(), target: z.string(), label: z.string() }),
      ruleId: z.string(),
      reason: z.string(),
      fallback: z.boolean(),
      afterHours: z.boolean(),
    })
    .optional()
    .describe('Only for call.ringing with ?route=sync: where to send the call, decided within 2 s'),
});

const notStoredSchema = errorResponseSchema.extend({
  routing: acceptedSchema.shape.routing.describe(
    'Only for call.ringing with ?route=sync when the event could not be committed within the routing budget: where to send the call now. The event is not acknowledged: deliver it again.',
  ),
});

export interface CtiRouteOptions {
  db: Db;
  ingest: CallIngestService;
  /** Active secrets (two during a rotation). */
  secrets: () => readonly string[];
  replayWindowSeconds: number;
  maxBodyBytes: number;
  routing?: RoutingService;
  now?: () => number;
}

/**
 * POST /webhooks/cti — the generic signed webhook for any PBX or CTI bridge (ING-3, ING-4).
 * Order matters: the signature is checked on the raw bytes before anything parses them; only a
 * signed body is parsed and validated; only a valid event is committed; only then the 2xx.
 * Every rejection gets a clear 4xx and an audit entry naming the reason code (never the body).
 */
export async function ctiRoutes(app: FastifyInstance, options: CtiRouteOptions): Promise<void> {
  // Keep the raw text: the HMAC is over the exact bytes sent, not a re-serialisation.
  app.addContentTypeParser(['application/json', 'application/*+json'], { parseAs: 'string', bodyLimit: options.maxBodyBytes }, (_req, body, done) =>
    done(null, body),
  );
  app.removeContentTypeParser('text/plain');

  // Every refusal: a 4xx with a reason code and an audit entry naming it (never the body). Every
  // error on this route ends in the shared handler: a 4xx when the request is at fault, a 503 only
  // when the fault is ours (the PBX retries; redelivery is idempotent). Never a 500 or a stack trace.
  const { reject, errorHandler } = webhookRefusals({ db: options.db, route: 'cti', maxBodyBytes: options.maxBodyBytes });
  app.setErrorHandler(errorHandler);

  app.post(
    '/webhooks/cti',
    {
      schema: {
        summary: 'Receive a signed call event from a PBX or CTI bridge',
        description:
          'Sign with `Callchart-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. ' +
          'Requests older than the replay window (default 300 s), or dated more than 60 s ahead, are refused. Redeliveries with the same event `id` ' +
          'are acknowledged as `duplicate` and change nothing. The event is committed before the 2xx.',
        tags: ['webhooks'],
        headers: z.object({ [ctiSignatureHeader]: z.string().describe('t=<unix>,v1=<hex>') }),
        body: callEventSchema,
        response: { 200: acceptedSchema, 202: acceptedSchema, 400: errorResponseSchema, 401: errorResponseSchema, 413: errorResponseSchema, 415: errorResponseSchema, 503: notStoredSchema },
      },
      // The schema documents the contract; validation runs in the handler, after the signature.
      validatorCompiler: () => (value: unknown) => ({ value }),
    },
    async (request, reply) => {
      // When the request reached the server, not when this handler got its turn: under load the
      // body read and signature check of many calls come first, and the routing budget counts from arrival.
      const receivedAt = Date.now() - reply.elapsedTime;
      const rawBody = typeof request.body === 'string' ? request.body : '';
      const header = request.headers[ctiSignatureHeader];
      const nowMs = options.now?.() ?? Date.now();
      const verdict = verifyCtiSignature({
        header: Array.isArray(header) ? header[0] : header,
        rawBody,
        secrets: options.secrets(),
        nowSeconds: Math.floor(nowMs / 1000),
        replayWindowSeconds: options.replayWindowSeconds,
      });
      if (!verdict.ok) return reject(request, reply, verdict.code, verdict.reason);

      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        return reject(request, reply, 'PAYLOAD_INVALID', 'body is not valid JSON');
      }
      const parsed = callEventSchema.safeParse(json);
      if (!parsed.success) return reject(request, reply, 'PAYLOAD_INVALID', 'event does not match the schema', describeIssues(parsed.error));
      const clockIssues = eventClockIssues(parsed.data, nowMs);
      if (clockIssues.length) return reject(request, reply, 'PAYLOAD_INVALID', 'event is dated in the future', clockIssues);

      const accepting = options.ingest.accept(parsed.data);
      const wantsRoute = (request.query as { route?: string }).route === 'sync' && parsed.data.type === 'call.ringing';
      if (wantsRoute && options.routing) {
        // The routing budget is a deadline that the event's commit counts against too. A commit still
        // running when the decision is due: route the call now, but do not acknowledge the event.
        const early = await options.routing.routeIfCommitLate({
          accepting,
          call: { provider: parsed.data.provider, providerCallId: parsed.data.call.id, dnis: parsed.data.call.dnis ?? null },
          callerNumber: normalizeCallerNumber(parsed.data.call.ani),
          receivedAt,
        });
        if (early) {
          const { destinationId, destination, ruleId, reason, fallback, afterHours } = early;
          return reply.code(503).send({
            error: { code: 'STORE_UNAVAILABLE', message: 'event not yet stored within the routing budget: route the call as given and deliver the event again' },
            routing: { destinationId, destination, ruleId, reason, fallback, afterHours },
          });
        }
      }
      const result = await accepting;
      if (wantsRoute && options.routing) {
        // The PBX waits for where to send the call; the budget runs from when the request arrived.
        const call = await findCall(options.db, result.callId);
        if (call) {
          const decision = await options.routing.route({ call, callerNumber: normalizeCallerNumber(parsed.data.call.ani), receivedAt });
          const { destinationId, destination, ruleId, reason, fallback, afterHours } = decision;
          return reply.code(result.status === 'accepted' ? 202 : 200).send({ ...result, routing: { destinationId, destination, ruleId, reason, fallback, afterHours } });
        }
      }
      return reply.code(result.status === 'accepted' ? 202 : 200).send(result);
    },
  );
}
