import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import type { CallIngestService, IngestResult } from '../calls/call-ingest.service.ts';
import { callEventSchema, describeIssues, eventClockIssues, maxEventClockSkewMs } from '../calls/call-event.schema.ts';
import { errorResponseSchema } from './cti.routes.ts';
import { ringcentralNotificationSchema, telephonySessionEvents } from './ringcentral-events.ts';
import { isValidationToken, validationTokenHeader, verificationTokenHeader, verifyRingcentralToken } from './ringcentral-verification.ts';
import { webhookRefusals } from './webhook-refusal.routes.ts';

export const ringcentralWebhookPath = '/webhooks/ringcentral';

const acceptedSchema = z.object({
  status: z.enum(['accepted', 'duplicate', 'ignored']).describe('ignored: a state Callchart has no event for (Hold, Parked, fax)'),
  events: z.array(z.object({ type: z.string(), status: z.enum(['accepted', 'duplicate']), callId: z.uuid(), callStatus: z.string() })),
});

export interface RingcentralRouteOptions {
  db: Db;
  ingest: CallIngestService;
  /** The active verification tokens (two while one is rotated); none: every notification is refused. */
  verificationTokens: () => readonly string[];
  /** Notifications dated further back than this are refused (a captured one replayed later). */
  replayWindowSeconds: number;
  maxBodyBytes: number;
  now?: () => number;
}

/**
 * POST /webhooks/ringcentral — RingCentral telephony session notifications (issue 19).
 *
 * Two kinds of request arrive here. While Callchart creates its subscription, RingCentral sends one
 * request with a `Validation-Token` header, which is echoed back (nothing is stored). Every
 * notification after that carries `Verification-Token`, the token Callchart chose at creation;
 * it is checked in constant time before the body is parsed. Only then is the body validated,
 * mapped to normalized events and committed; only then the 2xx (ING-4).
 */
export async function ringcentralRoutes(app: FastifyInstance, options: RingcentralRouteOptions): Promise<void> {
  app.addContentTypeParser(['application/json', 'application/*+json'], { parseAs: 'string', bodyLimit: options.maxBodyBytes }, (_req, body, done) => done(null, body));
  app.removeContentTypeParser('text/plain');
  const { reject, errorHandler } = webhookRefusals({ db: options.db, route: 'ringcentral', maxBodyBytes: options.maxBodyBytes });
  app.setErrorHandler(errorHandler);

  app.post(
    ringcentralWebhookPath,
    {
      schema: {
        summary: 'Receive a RingCentral telephony session notification',
        description:
          'The WebHook address of the RingCentral subscription Callchart manages. A request with `Validation-Token` (subscription creation) is answered 200 with the same header. ' +
          'Every notification must carry `Verification-Token` equal to the subscription\'s verificationToken (RINGCENTRAL_VERIFICATION_TOKEN). ' +
          'Notifications older than the replay window are refused; redeliveries and copies of the same call step change nothing.',
        tags: ['webhooks'],
        response: { 200: acceptedSchema, 202: acceptedSchema, 400: errorResponseSchema, 401: errorResponseSchema, 413: errorResponseSchema, 415: errorResponseSchema },
      },
      validatorCompiler: () => (value: unknown) => ({ value }),
    },
    async (request, reply) => {
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const validationToken = header(validationTokenHeader);
      if (validationToken !== undefined) {
        if (!isValidationToken(validationToken)) return reject(request, reply, 'PAYLOAD_INVALID', `${validationTokenHeader} is not a token RingCentral sends`);
        // RingCentral may send our verification token with the validation request too: if it does, it must be ours.
        const verification = header(verificationTokenHeader);
        if (verification !== undefined && !verifyRingcentralToken(verification, options.verificationTokens()).ok) {
          return reject(request, reply, 'SIGNATURE_INVALID', `${verificationTokenHeader} is not the token of our subscription`);
        }
        await recordAuditEvent(options.db, { actor: 'pbx:ringcentral', action: 'pbx.subscription.validated', objectType: 'webhook', objectId: 'ringcentral', outcome: 'success' });
        return reply.code(200).header('Validation-Token', validationToken).send();
      }

      const verdict = verifyRingcentralToken(header(verificationTokenHeader), options.verificationTokens());
      if (!verdict.ok) return reject(request, reply, verdict.code, verdict.reason);

      const rawBody = typeof request.body === 'string' ? request.body : '';
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        return reject(request, reply, 'PAYLOAD_INVALID', 'body is not valid JSON');
      }
      const parsed = ringcentralNotificationSchema.safeParse(json);
      if (!parsed.success) {
        const issues = describeIssues(parsed.error);
        const unknownEvent = issues.some((issue) => issue.path === 'event');
        return reject(request, reply, 'PAYLOAD_INVALID', unknownEvent ? 'not a telephony sessions notification (subscribe to /restapi/v1.0/account/~/telephony/sessions only)' : 'notification does not match the telephony sessions event', issues);
      }
      const nowMs = options.now?.() ?? Date.now();
      const sentAt = Date.parse(parsed.data.timestamp);
      if (sentAt > nowMs + maxEventClockSkewMs) return reject(request, reply, 'SIGNATURE_FUTURE', `notification timestamp more than ${maxEventClockSkewMs / 1000} s ahead of our clock`);
      if (nowMs - sentAt > options.replayWindowSeconds * 1000) return reject(request, reply, 'SIGNATURE_STALE', `notification timestamp outside the ${options.replayWindowSeconds} s replay window`);

      const events = telephonySessionEvents(parsed.data);
      // Each mapped event passes the same schema as a CTI event: one contract for what is stored.
      for (const event of events) {
        const checked = callEventSchema.safeParse(event);
        if (!checked.success) return reject(request, reply, 'PAYLOAD_INVALID', 'a party of the notification cannot be stored', describeIssues(checked.error).map((issue) => ({ ...issue, path: `body.parties.${issue.path}` })));
        const clockIssues = eventClockIssues(checked.data, nowMs);
        if (clockIssues.length) return reject(request, reply, 'PAYLOAD_INVALID', 'event is dated in the future', clockIssues.map((issue) => ({ ...issue, path: 'body.eventTime' })));
      }
      // In order: the call's own state machine reconciles whatever order RingCentral delivers in.
      const results: IngestResult[] = [];
      for (const event of events) results.push(await options.ingest.accept(event));
      const status = results.length === 0 ? 'ignored' : results.some((result) => result.status === 'accepted') ? 'accepted' : 'duplicate';
      return reply.code(status === 'accepted' ? 202 : 200).send({
        status,
        events: results.map((result, index) => ({ type: events[index]!.type, ...result })),
      });
    },
  );
}
