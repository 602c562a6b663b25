import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffOf } from '../api/access-control.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { CallchartError, isCallchartError } from '../lib/errors.ts';
import type { Db } from '../store/db.ts';
import type { KeyOperations } from './key-rotation.service.ts';

/**
 * Key operations through the engine that holds the store (SE-1). On the embedded store only the
 * engine can reach the database, so `callchart keys rotate` sends operators here; on PostgreSQL
 * both work. Admins only, after step-up (`key-operation`, route-access.ts). Answers carry ids and
 * counts, never key material.
 */
export async function keysRoutes(parent: FastifyInstance, deps: { db: Db; keys: KeyOperations }): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.get('/api/admin/keys/status', { schema: { summary: 'KEK versions, data keys per class and KEK, re-wrap progress, rows still under the legacy key' } }, async (request) => {
    requireAdmin(staffOf(request).role);
    return deps.keys.status();
  });

  const rotateBody = z.object({ dataKeys: z.boolean().default(false), reseal: z.boolean().default(false) }).strict();
  app.post('/api/admin/keys/rotate', {
    schema: {
      summary: 'Rotate the key-encryption key now; data keys are re-wrapped in the background (see status). Body {dataKeys?, reseal?}: dataKeys also starts new data keys for today; reseal re-seals content under the replaced and legacy keys',
    },
  }, async (request, reply) => {
    const staff = staffOf(request);
    requireAdmin(staff.role);
    const actor = `staff:${staff.sub}`;
    // Parsed here, not by the route schema, so a refused request is audited like every key operation.
    const parsed = rotateBody.safeParse(request.body ?? {});
    if (!parsed.success) {
      await recordAuditEvent(deps.db, { actor, action: 'keys.kek.rotated', objectType: 'kek', outcome: 'rejected', reason: 'PAYLOAD_INVALID' });
      return reply.code(400).send({ error: { code: 'PAYLOAD_INVALID', message: 'expected {"dataKeys": boolean, "reseal": boolean}', issues: parsed.error.issues.map((issue) => ({ path: `/${issue.path.join('/')}`, message: issue.message })) } });
    }
    try {
      const { kek, dataKeys } = await deps.keys.rotate({ actor, dataKeys: parsed.data.dataKeys, reseal: parsed.data.reseal });
      return await reply.code(202).send({ rotation: kek, dataKeys, status: '/api/admin/keys/status' });
    } catch (error) {
      if (!isCallchartError(error)) throw error;
      await recordAuditEvent(deps.db, { actor, action: 'keys.kek.rotated', objectType: 'kek', outcome: error.status < 500 ? 'rejected' : 'failure', reason: error.code });
      throw error;
    }
  });
}

function requireAdmin(role: string): void {
  // The route row already allows admins only; this keeps the handler safe if the row is widened.
  if (role !== 'admin') throw new CallchartError('ROLE_FORBIDDEN', 'key operations are for admins');
}
