import type { FastifyError, FastifyInstance } from 'fastify';
import { clientErrorBody, isCallchartError, type CallchartError } from '../lib/errors.ts';

/**
 * The error answers of the governance routes (access report, alerts, incidents): a code and a
 * reason, never a stack trace; and every refused request (4xx) audited as `staff.api.rejected`
 * with its code, aggregated like the other refusals (rejection-audit.ts).
 */
export function installGovernanceErrors(scope: FastifyInstance): void {
  scope.setErrorHandler(async (error: FastifyError | CallchartError, request, reply) => {
    const fastifyError = error as FastifyError;
    const answer = isCallchartError(error)
      ? { status: error.status, body: clientErrorBody(error) }
      : fastifyError.validation
        ? { status: 400, body: { error: { code: 'PAYLOAD_INVALID', message: 'request does not match the schema', issues: fastifyError.validation.map((issue) => ({ path: issue.instancePath, message: issue.message ?? 'invalid' })) } } }
        : fastifyError.statusCode && fastifyError.statusCode < 500
          ? { status: fastifyError.statusCode, body: { error: { code: 'PAYLOAD_INVALID', message: 'request could not be read' } } }
          : null;
    if (!answer) {
      request.log.error({ err: { name: error.name, code: fastifyError.code } }, 'governance api failed');
      return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
    }
    await scope.rejections.record({
      action: 'staff.api.rejected', actor: request.staff ? `staff:${request.staff.sub}` : 'staff:unknown', objectType: 'route',
      reason: answer.body.error.code, route: request.routeOptions.url ?? 'unknown', source: request.ip,
    });
    return reply.code(answer.status).send(answer.body);
  });
}
