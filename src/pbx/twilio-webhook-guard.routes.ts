import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyFormbody from '@fastify/formbody';
import type { z } from 'zod';
import type { Db } from '../store/db.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { ErrorCodes, type ErrorCode } from '../lib/errors.ts';
import { formParams } from './twilio-events.ts';
import { isUsableTwilioAuthToken, twilioRequestUrl, twilioSignatureHeader, usableRequestHost, verifyTwilioSignature } from './twilio-signature.ts';

export interface TwilioWebhookGuardOptions {
  db: Db;
  authToken: () => string | undefined;
  publicBaseUrl?: string | undefined;
  maxBodyBytes: number;
  /** Names the routes in the audit of a refusal and in the log ("twilio", "twilio-outbound", "on-call"). */
  name: string;
}

export interface TwilioWebhookGuard {
  /** A refusal: the status, the code and the reason to the sender, an audit entry (aggregated per source and minute). */
  reject(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string, paths?: string[]): Promise<FastifyReply>;
  refuse(request: FastifyRequest, reply: FastifyReply, code: ErrorCode, message: string): Promise<FastifyReply>;
  /** The form parameters through a schema, or the paths of what did not fit. */
  parse<S extends z.ZodType>(schema: S, request: FastifyRequest): { ok: true; value: z.infer<S> } | { ok: false; paths: string[] };
}

/**
 * The gate every Twilio webhook route sits behind (one for the inbound voice routes, the outbound
 * calls and the on-call click-to-call): forms only (no JSON parser, so no JSON is ever parsed), a
 * size limit, a Host that can stand in a URL, no usable auth token → 403 for everything before any
 * HMAC, then X-Twilio-Signature checked by Twilio's SDK against the URL Twilio called. Anything
 * refused gets a 4xx with a code and an audit entry; anything thrown by a handler is ours: 503
 * (each step is its own transaction, so redelivery is safe).
 */
export async function guardTwilioWebhooks(app: FastifyInstance, options: TwilioWebhookGuardOptions): Promise<TwilioWebhookGuard> {
  app.removeAllContentTypeParsers();
  await app.register(fastifyFormbody, { bodyLimit: options.maxBodyBytes });

  const reject: TwilioWebhookGuard['reject'] = async (request, reply, status, code, message, paths) => {
    try {
      const refusal = {
        actor: 'pbx:twilio-unverified', action: 'webhook.rejected', objectType: 'webhook', objectId: request.id, reason: code,
        detail: { ...(paths ? { paths: paths.slice(0, 20) } : {}) },
      };
      const route = request.routeOptions.url ?? options.name;
      // Aggregated per source, problem and minute (see src/api/rejection-audit.ts).
      if (request.server.rejections) await request.server.rejections.record({ ...refusal, route, source: request.ip });
      else await recordAuditEvent(options.db, { ...refusal, outcome: 'rejected', detail: { route, ...refusal.detail } });
    } catch (error) {
      // The refusal stands even when the store cannot take its audit row; the log says so.
      request.log.error({ err: { name: (error as Error).name, code: (error as { code?: unknown }).code } }, `audit of a ${options.name} webhook rejection failed`);
    }
    request.log.warn({ code }, `${options.name} webhook rejected`);
    return reply.code(status).type('application/json').send({ error: { code, message, ...(paths ? { issues: paths.map((path) => ({ path })) } : {}) } });
  };
  const refuse: TwilioWebhookGuard['refuse'] = (request, reply, code, message) => reject(request, reply, ErrorCodes[code].status, code, message);

  // Before the body is read: a Host that cannot stand in a URL, or no Twilio token to check with.
  app.addHook('onRequest', async (request, reply) => {
    if (!usableRequestHost(request.host)) return refuse(request, reply, 'HOST_INVALID', 'the Host header is not a valid host[:port]');
    if (!isUsableTwilioAuthToken(options.authToken())) return refuse(request, reply, 'TWILIO_NOT_CONFIGURED', 'Twilio is not configured here (TWILIO_AUTH_TOKEN is not set)');
  });
  app.addHook('preHandler', async (request, reply) => {
    const signature = request.headers[twilioSignatureHeader];
    const url = twilioRequestUrl({ publicBaseUrl: options.publicBaseUrl, protocol: request.protocol, host: request.host, originalUrl: request.originalUrl });
    const verdict = verifyTwilioSignature({ authToken: options.authToken(), signature: Array.isArray(signature) ? signature[0] : signature, url, params: formParams(request.body) });
    if (!verdict.ok) return reject(request, reply, 403, verdict.code, verdict.reason);
  });
  // What Fastify refuses before a handler runs is the client's fault and gets a 4xx with a code;
  // anything thrown after is ours: 503 (nothing was half-committed: one transaction per event), retry.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reject(request, reply, 413, 'PAYLOAD_TOO_LARGE', `body exceeds ${options.maxBodyBytes} bytes`);
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.code === 'FST_ERR_CTP_EMPTY_TYPE') {
      return reject(request, reply, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/x-www-form-urlencoded, as Twilio does');
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return reject(request, reply, 400, 'PAYLOAD_INVALID', 'request could not be read');
    request.log.error({ err: { name: error.name, code: error.code } }, `${options.name} webhook failed`);
    return reply.code(503).header('retry-after', '5').type('application/json').send({ error: { code: 'STORE_UNAVAILABLE', message: 'not stored; retry later' } });
  });

  return {
    reject,
    refuse,
    parse(schema, request) {
      const result = schema.safeParse(formParams(request.body));
      return result.success ? { ok: true, value: result.data } : { ok: false, paths: result.error.issues.map((issue) => issue.path.join('.') || '(body)') };
    },
  };
}
