import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffOf } from '../api/access-control.ts';
import { CallchartError } from '../lib/errors.ts';
import type { KeyOperations } from './key-rotation.service.ts';

/**
 * Key operations through the engine that holds the store (SE-1). On the embedded store only the
 * engine can reach the database, so `callchart keys rotate` sends operators here; on PostgreSQL
 * both work. Admins only, after step-up (`key-operation`, route-access.ts). Answers carry ids and
 * counts, never key material.
 */
export async function keysRoutes(parent: FastifyInstance, deps: { keys: KeyOperations }): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.get('/api/admin/keys/status', { schema: { summary: 'KEK versions, data keys per class and KEK, re-wrap progress, rows still under the legacy key' } }, async (request) => {
    requireAdmin(staffOf(request).role);
    return deps.keys.status();
  });

  app.post('/api/admin/keys/rotate', {
    schema: {
      summary: 'Rotate the key-encryption key now; data keys are re-wrapped in the background (see status). dataKeys: also start new data keys for today; reseal: re-seal content under the replaced and legacy keys',
      body: z.object({ dataKeys: z.boolean().default(false), reseal: z.boolean().default(false) }).strict().default({ dataKeys: false, reseal: false }),
    },
  }, async (request, reply) => {
    const staff = staffOf(request);
    requireAdmin(staff.role);
    const { kek, dataKeys } = await deps.keys.rotate({ actor: `staff:${staff.sub}`, dataKeys: request.body.dataKeys, reseal: request.body.reseal });
    return reply.code(202).send({ rotation: kek, dataKeys, status: '/api/admin/keys/status' });
  });
}

function requireAdmin(role: string): void {
  // The route row already allows admins only; this keeps the handler safe if the row is widened.
  if (role !== 'admin') throw new CallchartError('ROLE_FORBIDDEN', 'key operations are for admins');
}
