import type { FastifyInstance } from 'fastify';
import { storeAnswers, type Db } from '../store/db.ts';

/** What a process does (issue 18): `web` serves, `worker` works, `all` both (the default and the demo). */
export const engineRoles = ['web', 'worker', 'all'] as const;
export type EngineRole = (typeof engineRoles)[number];

/**
 * What readiness reads: set by the engine. `migrated` once the schema is current; `draining` from
 * the first moment of a graceful shutdown, so a load balancer stops sending before the listener closes.
 */
export interface Readiness {
  role: EngineRole;
  migrated: boolean;
  draining: boolean;
  /** The single-writer duties this process leads now (operators see where the sweeps run). */
  leading: () => string[];
}

/**
 * Liveness and readiness, distinct (issue 18):
 * - `GET /health/live`: the process answers (a restart is the cure when it does not). Never asks the store:
 *   an outage of PostgreSQL must not make an orchestrator restart every engine.
 * - `GET /health/ready`: send traffic here? Store reachable within 2 s, migrations done, not draining.
 * - `GET /healthz`: the old combined check (store reachable), kept for existing probes.
 * Public: status words, the role and storage kind only.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: { db: Db; readiness: Readiness }): void {
  const { db, readiness } = deps;
  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'alive', role: readiness.role }));
  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    const base = { role: readiness.role, storage: db.kind, leading: readiness.leading() };
    if (readiness.draining) return reply.code(503).header('retry-after', '5').send({ status: 'draining', ...base });
    if (!readiness.migrated) return reply.code(503).header('retry-after', '5').send({ status: 'starting', ...base });
    if (!(await storeAnswers(db, 2_000))) return reply.code(503).send({ status: 'store-unavailable', ...base });
    return { status: 'ready', ...base };
  });
  // Answers within about 2 s either way: an unreachable store is reported (503), not waited for.
  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    if (await storeAnswers(db, 2_000)) return { status: 'ok', storage: db.kind };
    return reply.code(503).send({ status: 'degraded', storage: 'unavailable' });
  });
}
