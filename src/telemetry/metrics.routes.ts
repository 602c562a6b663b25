import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CallchartError, clientErrorBody, type ErrorCode } from '../lib/errors.ts';
import type { CallchartMetrics } from './metrics.ts';

/**
 * `GET /metrics` for Prometheus (AN-1), behind a bearer scrape token (CALLCHART_METRICS_TOKEN,
 * checked for strength at start like every secret). No token configured: refused to everyone
 * (403), never open. A wrong or missing token: 401, audited per source like every refusal. The
 * exposition holds counts, durations and codes only (metrics.ts).
 */
export async function metricsRoutes(app: FastifyInstance, deps: { metrics: CallchartMetrics | null; token: () => string | undefined }): Promise<void> {
  const refuse = async (request: FastifyRequest, reply: FastifyReply, code: ErrorCode, message: string) => {
    await request.server.rejections?.record({ action: 'metrics.scrape.rejected', actor: 'unverified', objectType: 'route', reason: code, route: 'metrics', source: request.ip });
    const error = new CallchartError(code, message);
    return reply.code(error.status).header('cache-control', 'no-store').send(clientErrorBody(error));
  };

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const expected = deps.token();
    if (!expected || !deps.metrics) return refuse(request, reply, 'METRICS_NOT_CONFIGURED', 'metrics are off: set CALLCHART_METRICS_TOKEN and give the same token to the scraper');
    const header = request.headers.authorization;
    const given = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (!given || !sameSecret(given, expected)) return refuse(request, reply, 'METRICS_TOKEN_INVALID', 'send the metrics scrape token as Authorization: Bearer <token>');
    const { contentType, text } = await deps.metrics.exposition();
    return reply.header('cache-control', 'no-store').type(contentType).send(text);
  });
}

/** Constant-time comparison of two secrets of any length (both hashed first, so lengths do not leak). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
