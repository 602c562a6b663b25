import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import type { CallIngestService } from '../calls/call-ingest.service.ts';
import { callEventSchema, describeIssues, eventClockIssues } from '../calls/call-event.schema.ts';
import { errorResponseSchema } from './cti.routes.ts';
import { webhookRefusals } from './webhook-refusal.routes.ts';
import { mapZoomEvent, zoomEnvelopeSchema, zoomPlainTokenSchema } from './zoom-events.ts';
import { verifyZoomSignature, zoomSignatureHeader, zoomTimestampHeader, zoomUrlValidationAnswer } from './zoom-signature.ts';

export const zoomWebhookPath = '/webhooks/zoom';

export interface ZoomRouteOptions {
  db: Db;
  ingest: CallIngestService;
  /** The Zoom app's Secret Token (CALLCHART_ZOOM_WEBHOOK_SECRET); undefined → every request is refused with 403 ZOOM_NOT_CONFIGURED. */
  secretToken: () => string | undefined;
  replayWindowSeconds: number;
  maxBodyBytes: number;
  now?: () => number;
}

const answerSchema = z.object({
  status: z.enum(['accepted', 'duplicate', 'ignored']),
  callId: z.uuid().optional(),
  callStatus: z.string().optional(),
});

/**
 * Remembers the signatures of accepted requests until they fall out of the replay window, so a
 * captured request sent again inside the window is refused (and audited) rather than answered as
 * a redelivery. Only accepted requests are remembered: a request we failed (503) may come again.
 * Per engine process: with several engines a replay to another one is still harmless, because the
 * event's idempotency key makes it a duplicate that changes nothing.
 */
class SeenSignatures {
  private readonly expiries = new Map<string, number>();
  has(signature: string, nowSeconds: number): boolean {
    const expiry = this.expiries.get(signature);
    return expiry !== undefined && expiry >= nowSeconds;
  }
  add(signature: string, expiresAt: number, nowSeconds: number): void {
    if (this.expiries.size > 10_000) for (const [key, at] of this.expiries) if (at < nowSeconds) this.expiries.delete(key);
    this.expiries.set(signature, expiresAt);
  }
}

/**
 * POST /webhooks/zoom — Zoom Phone as a call source (issue 19). The same order as the CTI webhook:
 * the secret must be configured before anything is read; the signature is checked on the raw bytes
 * before they are parsed (the URL validation challenge too: answering an unsigned challenge would
 * hand anyone an HMAC of their choosing under our secret); only then the event is mapped,
 * validated, committed, and the 2xx sent. Every refusal: a 4xx with a reason code and an audit
 * entry naming the code (never the body: phone numbers are PHI).
 */
export async function zoomRoutes(app: FastifyInstance, options: ZoomRouteOptions): Promise<void> {
  app.addContentTypeParser(['application/json', 'application/*+json'], { parseAs: 'string', bodyLimit: options.maxBodyBytes }, (_req, body, done) => done(null, body));
  app.removeContentTypeParser('text/plain');
  const seen = new SeenSignatures();

  const { reject, errorHandler } = webhookRefusals({ db: options.db, route: 'zoom', maxBodyBytes: options.maxBodyBytes, actor: 'pbx:zoom-unverified' });

  // Before the body is read: no usable secret, no service.
  app.addHook('onRequest', async (request, reply) => {
    if (!options.secretToken()) return reject(request, reply, 'ZOOM_NOT_CONFIGURED', 'Zoom Phone is not configured here (CALLCHART_ZOOM_WEBHOOK_SECRET is not set)');
  });

  // Every error in scope: a 4xx with a reason, or a 503 when the fault is ours (Zoom delivers
  // again; nothing was half-committed: one transaction). Never a 500.
  app.setErrorHandler(errorHandler);

  app.post(
    zoomWebhookPath,
    {
      schema: {
        summary: 'Receive a Zoom Phone webhook event',
        description:
          "Zoom's own format: `x-zm-signature: v0=<hex HMAC-SHA256(secret token, \"v0:<x-zm-request-timestamp>:<raw body>\")>`. " +
          '`endpoint.url_validation` is answered with `{plainToken, encryptedToken}`. Mapped: phone.callee_ringing, callee_answered, callee_ended, ' +
          'caller_ended, callee_missed, callee_rejected, voicemail_received; other events are acknowledged as `ignored`. ' +
          'Requests outside the replay window (default 300 s) or seen before are refused; redeliveries of the same fact change nothing.',
        tags: ['webhooks'],
        headers: z.object({ [zoomSignatureHeader]: z.string().describe('v0=<hex>'), [zoomTimestampHeader]: z.string().describe('unix seconds') }),
        response: { 200: z.union([answerSchema, z.object({ plainToken: z.string(), encryptedToken: z.string() }).describe('the answer to endpoint.url_validation')]), 202: answerSchema, 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 409: errorResponseSchema, 413: errorResponseSchema, 415: errorResponseSchema, 503: errorResponseSchema },
      },
      validatorCompiler: () => (value: unknown) => ({ value }),
    },
    async (request, reply) => {
      const rawBody = typeof request.body === 'string' ? request.body : '';
      const secretToken = options.secretToken()!;
      const nowMs = options.now?.() ?? Date.now();
      const nowSeconds = Math.floor(nowMs / 1000);
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const verdict = verifyZoomSignature({
        signature: header(zoomSignatureHeader), timestamp: header(zoomTimestampHeader), rawBody, secretToken, nowSeconds, replayWindowSeconds: options.replayWindowSeconds,
      });
      if (!verdict.ok) return reject(request, reply, verdict.code, verdict.reason);
      if (seen.has(verdict.signature, nowSeconds)) return reject(request, reply, 'SIGNATURE_REPLAYED', 'this signed request was accepted before; a redelivery carries a new timestamp');

      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        return reject(request, reply, 'PAYLOAD_INVALID', 'body is not valid JSON');
      }
      const envelope = zoomEnvelopeSchema.safeParse(json);
      if (!envelope.success) return reject(request, reply, 'PAYLOAD_INVALID', 'not a Zoom webhook envelope', describeIssues(envelope.error));
      const remember = () => seen.add(verdict.signature, verdict.timestamp + options.replayWindowSeconds, nowSeconds);

      if (envelope.data.event === 'endpoint.url_validation') {
        const plainToken = zoomPlainTokenSchema.safeParse(envelope.data.payload.plainToken);
        if (!plainToken.success) return reject(request, reply, 'PAYLOAD_INVALID', 'payload.plainToken is not a challenge token', [{ path: 'payload.plainToken', message: plainToken.error.issues[0]?.message ?? 'invalid' }]);
        remember();
        return reply.code(200).send(zoomUrlValidationAnswer(secretToken, plainToken.data));
      }

      const mapping = mapZoomEvent(envelope.data, new Date(nowMs));
      if (mapping.kind === 'invalid') return reject(request, reply, 'PAYLOAD_INVALID', 'event does not match the Zoom Phone event format', mapping.issues);
      if (mapping.kind === 'ignored') {
        remember();
        return reply.code(200).send({ status: 'ignored' as const });
      }
      // The same schema the CTI webhook checks: what a Zoom event becomes is a valid normalized event.
      const event = callEventSchema.safeParse(mapping.event);
      if (!event.success) return reject(request, reply, 'PAYLOAD_INVALID', 'event does not map to a valid call event', describeIssues(event.error));
      const clockIssues = eventClockIssues(event.data, nowMs);
      if (clockIssues.length) return reject(request, reply, 'PAYLOAD_INVALID', 'event is dated in the future', clockIssues);

      const result = await options.ingest.accept(event.data);
      remember();
      return reply.code(result.status === 'accepted' ? 202 : 200).send(result);
    },
  );
}

