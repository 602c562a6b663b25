import type { FastifyInstance } from 'fastify';
import type { JSONWebKeySet } from 'jose';

/**
 * `GET /.well-known/jwks.json`: the public keys of Callchart's SMART Backend Services client, the
 * URL registered at the EHR (issue 13, item 7). Every key of the set is published — the one that
 * signs and, after a rotation, the previous one until it is retired — so the EHR verifies either.
 * Public by design: a JWKS holds no secret.
 */
export async function ehrJwksRoutes(app: FastifyInstance, deps: { jwks: () => JSONWebKeySet | null }): Promise<void> {
  app.get('/.well-known/jwks.json', { schema: { hide: true } }, async (_request, reply) => {
    const jwks = deps.jwks();
    if (!jwks || jwks.keys.length === 0) {
      return reply.code(404).header('cache-control', 'no-store').send({ error: { code: 'NOT_FOUND', message: 'no EHR client keys: run callchart keys ehr' } });
    }
    // Short: an EHR that caches it sees a rotation within a minute.
    return reply.header('cache-control', 'public, max-age=60').type('application/json').send(jwks);
  });
}
