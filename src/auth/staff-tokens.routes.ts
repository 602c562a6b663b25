import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffOf } from '../api/access-control.ts';
import { CallchartError } from '../lib/errors.ts';
import type { Db } from '../store/db.ts';
import { issueStaffToken, maxStaffTokenSeconds, staffRoles, staffTokenScopes } from './staff-token.ts';
import { listStaffTokens, registerStaffToken, revokeStaffToken, type StaffTokenRecord } from './staff-token.repository.ts';

/**
 * Staff tokens for service and kiosk use (SE-3): people sign in with sessions; a wall display or a
 * service account gets a token an admin issues here. Each token has an id (jti) in the register,
 * a role, queues, scopes and at most a shift's life (12 h, like every staff token: a longer-lived
 * bearer credential is a standing risk, and a kiosk can be re-issued each morning). The token is
 * shown once in the answer and never stored; revoking its id refuses it on its next request.
 */
export interface StaffTokenRoutesDeps {
  db: Db;
  staffTokenSecret: Uint8Array;
  clock: () => Date;
}

const issueBody = z.object({
  /** What it is for (`ward-3 wall board`); shown in the list. No patient data. */
  name: z.string().trim().min(1).max(80),
  role: z.enum(staffRoles),
  queues: z.array(z.string().min(1).max(128)).max(50).default([]),
  scopes: z.array(z.enum(staffTokenScopes)).min(1).max(3).default(['read']),
  ttlMinutes: z.number().int().min(1).max(maxStaffTokenSeconds / 60).default(8 * 60),
}).strict();

function view(record: StaffTokenRecord) {
  return {
    id: record.id, name: record.name, role: record.role, queues: record.queues, scopes: record.scopes, issuedBy: record.issuedBy,
    issuedAt: record.issuedAt.toISOString(), expiresAt: record.expiresAt.toISOString(), revokedAt: record.revokedAt?.toISOString() ?? null,
  };
}

export async function staffTokenRoutes(parent: FastifyInstance, deps: StaffTokenRoutesDeps): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();

  app.post('/api/admin/staff-tokens', { schema: { summary: 'Issue a staff token for a service or kiosk (shown once; at most 12 h)', body: issueBody } }, async (request, reply) => {
    const admin = staffOf(request);
    const now = deps.clock();
    const id = randomUUID();
    const { name, role, queues, scopes, ttlMinutes } = request.body;
    const record = await registerStaffToken(deps.db, {
      id, name, role, queues, scopes, issuedBy: `staff:${admin.sub}`, issuedAt: now, expiresAt: new Date(now.getTime() + ttlMinutes * 60_000),
    });
    const token = await issueStaffToken(deps.staffTokenSecret, { sub: id, role, queues, extensions: [] }, ttlMinutes * 60, now, id);
    reply.header('cache-control', 'no-store');
    return reply.code(201).send({ token, ...view(record) });
  });

  app.get('/api/admin/staff-tokens', { schema: { summary: 'Staff tokens issued (live and recently expired); never the tokens themselves' } }, async () => ({
    tokens: (await listStaffTokens(deps.db, deps.clock())).map(view),
  }));

  app.post('/api/admin/staff-tokens/:id/revoke', { schema: { summary: 'Revoke a staff token: refused on its next request', params: z.object({ id: z.string().min(1).max(64) }) } }, async (request) => {
    const admin = staffOf(request);
    const record = await revokeStaffToken(deps.db, request.params.id, `staff:${admin.sub}`, deps.clock());
    if (!record) throw new CallchartError('NOT_FOUND', 'no such staff token');
    return view(record);
  });
}
