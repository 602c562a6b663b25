import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../store/db.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { CallchartError, isCallchartError, type ErrorCode } from '../lib/errors.ts';
import { classifyStoreError, sqlstateOf } from '../store/store-errors.ts';

export type WebhookIssue = { path: string; message: string };

/**
 * How a vendor webhook route refuses a request, the way the generic CTI route does (cti.routes.ts):
 * a 4xx with a reason code, and an audit entry naming the reason and the failing field paths —
 * never the body, a header value or a phone number. Refusals are aggregated per source, reason and
 * minute by the app's RejectionAuditor, so a flood writes a count, not a row each.
 */
export function webhookRefusals(options: { db: Db; route: string; maxBodyBytes: number; actor?: string }) {
  const { db, route } = options;
  const actor = options.actor ?? 'pbx:unverified';
  const reject = async (request: FastifyRequest, reply: FastifyReply, code: ErrorCode, message: string, issues?: WebhookIssue[]) => {
    try {
      const refusal = {
        actor, action: 'webhook.rejected', objectType: 'webhook', objectId: request.id, reason: code,
        detail: { ...(issues ? { paths: issues.map((issue) => issue.path).slice(0, 20) } : {}) },
      };
      if (request.server.rejections) await request.server.rejections.record({ ...refusal, route, source: request.ip });
      else await recordAuditEvent(db, { ...refusal, outcome: 'rejected', detail: { route, ...refusal.detail } });
    } catch (error) {
      // The answer to the sender does not depend on the audit store: a refused event stays refused.
      request.log.error({ code, storeError: sqlstateOf(error) ?? classifyStoreError(error) }, 'webhook rejection not audited');
    }
    request.log.warn({ code }, 'webhook rejected');
    const error = new CallchartError(code, message);
    return reply.code(error.status).send({ error: { code, message, ...(issues ? { issues } : {}) } });
  };

  /**
   * Every error in the route's scope: a 4xx with a reason when the request is at fault, a 503 only
   * when the fault is ours (the PBX retries; redelivery is idempotent). Never a 500.
   */
  const errorHandler = async (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isCallchartError(error) && error.code === 'CONSENT_PENDING') {
      reply.header('retry-after', '10');
      return reject(request, reply, 'CONSENT_PENDING', error.message);
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reject(request, reply, 'PAYLOAD_TOO_LARGE', `body exceeds ${options.maxBodyBytes} bytes`);
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.code === 'FST_ERR_CTP_EMPTY_TYPE') return reject(request, reply, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json');
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return reject(request, reply, 'PAYLOAD_INVALID', 'request could not be read');
    const storeError = classifyStoreError(error);
    const logged = { storeError, sqlstate: sqlstateOf(error), errorName: error.name };
    if (storeError === 'data') {
      request.log.error(logged, 'webhook event refused by the store');
      return reject(request, reply, 'PAYLOAD_INVALID', 'a value in the event cannot be stored', [{ path: '(body)', message: `refused by the store (SQLSTATE ${logged.sqlstate})` }]);
    }
    request.log.error(logged, 'webhook failed');
    const code: ErrorCode = storeError === 'unavailable' ? 'STORE_UNAVAILABLE' : 'INGEST_FAILED';
    return reply.code(503).send({ error: { code, message: 'event not stored; retry later' } });
  };

  return { reject, errorHandler };
}
