import type { FastifyError, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createStaffUser, findStaffUserById, listStaffUsers, revokeStaffSessions, setStaffUserActive, updateStaffUser, type StaffUser, type StaffUserChanges,
} from '../auth/staff-directory.repository.ts';
import { staffRoles } from '../auth/staff-token.ts';
import { addLocalStaff } from '../auth/staff-accounts.service.ts';
import { staffOf } from '../api/access-control.ts';
import type { Refusal } from '../api/rejection-audit.ts';
import { CallchartError, clientErrorBody, isCallchartError, type ErrorCode } from '../lib/errors.ts';
import type { Db, Queryable } from '../store/db.ts';
import { adminChangeRefusal } from './staff-admin.policy.ts';

export interface StaffAdminRoutesDeps {
  db: Db;
  /** Refused requests (4xx) are audited as `staff.api.rejected` with their reason code. */
  refused: (refusal: Refusal) => Promise<void>;
}

// One lock for changes that could remove the last admin: two admins demoting each other at once
// are serialised, so the second sees the first's change and is refused.
const adminChangeLockId = 727274019;

const queueName = z.string().trim().min(1).max(128);
const accessFields = {
  role: z.enum(staffRoles),
  queues: z.array(queueName).max(50),
  extensions: z.array(z.string().trim().min(1).max(128)).max(20),
  displayName: z.string().trim().min(1).max(256).nullable(),
};
const newUserSchema = z.object({
  userName: z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9._@+-]+$/, 'letters, digits and . _ @ + - only'),
  email: z.string().trim().max(320).nullable().optional(),
  role: accessFields.role,
  queues: accessFields.queues.default([]),
  extensions: accessFields.extensions.default([]),
  displayName: accessFields.displayName.optional(),
  /** local: a password (one-time initial password answered once) and TOTP at first sign-in; sso: the IdP signs them in. */
  signIn: z.enum(['local', 'sso']).default('local'),
}).strict();
const changeSchema = z.object({
  role: accessFields.role.optional(),
  queues: accessFields.queues.optional(),
  extensions: accessFields.extensions.optional(),
  displayName: accessFields.displayName.optional(),
  /** The version the admin saw (optional): a concurrent change is 412 STAFF_USER_VERSION_STALE. */
  version: z.number().int().min(1).optional(),
  /** Why the change is made (the Settings screen asks for it): kept in the audit row. */
  reason: z.string().trim().min(3).max(500).optional(),
}).strict().refine((body) => Object.keys(body).some((key) => key !== 'version' && key !== 'reason'), 'nothing to change');
const idParams = z.object({ id: z.uuid() });

/** What the admin screen shows of an account: no secrets, no hashes. */
function adminView(user: StaffUser, provisioned: boolean) {
  return {
    id: user.id, userName: user.userName, displayName: user.displayName, email: user.email, role: user.role,
    queues: user.queues, extensions: user.extensions, active: user.active,
    signIn: { password: user.hasPassword, mfaEnrolled: user.mfaEnrolled, sso: user.ssoSubject !== null, lockedUntil: user.lockedUntil?.toISOString() ?? null },
    // Provisioned by the identity provider: its mapped role and queues follow IdP groups (SCIM).
    managedBy: provisioned ? 'scim' : 'callchart',
    version: user.version, createdAt: user.createdAt.toISOString(), disabledAt: user.disabledAt?.toISOString() ?? null,
  };
}

async function provisionedIds(db: Queryable): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>('select id from staff_user where scim_provisioned_at is not null');
  return new Set(rows.map((row) => row.id));
}

async function otherActiveAdmins(tx: Queryable, userId: string): Promise<number> {
  const { rows } = await tx.query<{ count: string | number }>("select count(*) as count from staff_user where role = 'admin' and active and id <> $1", [userId]);
  return Number(rows[0]!.count);
}

/**
 * People and queues in the app (SE-2): admins list, create and change staff accounts, disable and
 * enable them, and sign them out everywhere. A local account created here has no password yet:
 * the person sets a password and enrols TOTP at their first sign-in. Every change is audited by the
 * staff directory (ids and field names only). Supervisors do not manage accounts: queue
 * assignment is an access decision, kept with the admins (and the IdP's groups).
 */
export async function staffAdminRoutes(parent: FastifyInstance, deps: StaffAdminRoutesDeps): Promise<void> {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;

  app.setErrorHandler(async (error: FastifyError | CallchartError, request, reply) => {
    const refuse = async (status: number, code: ErrorCode, body: unknown) => {
      await deps.refused({ action: 'staff.api.rejected', actor: request.staff ? `staff:${request.staff.sub}` : 'staff:unknown', objectType: 'route', reason: code, route: request.routeOptions.url ?? 'unknown', source: request.ip });
      return reply.code(status).header('cache-control', 'no-store').send(body);
    };
    if (isCallchartError(error)) return error.status >= 500 ? reply.code(error.status).send(clientErrorBody(error)) : refuse(error.status, error.code, clientErrorBody(error));
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return refuse(400, 'PAYLOAD_INVALID', { error: { code: 'PAYLOAD_INVALID', message: 'request does not match the schema', issues: fastifyError.validation.map((issue) => ({ path: issue.instancePath, message: issue.message ?? 'invalid' })) } });
    }
    if (fastifyError.statusCode && fastifyError.statusCode < 500) {
      const code: ErrorCode = fastifyError.statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : fastifyError.statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'PAYLOAD_INVALID';
      return refuse(fastifyError.statusCode, code, { error: { code, message: 'request could not be read' } });
    }
    request.log.error({ err: { name: error.name, code: fastifyError.code } }, 'staff admin request failed');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
  });

  const actorOf = (sub: string) => `staff:${sub}`;

  app.get('/api/admin/users', { schema: { summary: 'Staff accounts: role, queues, extensions, sign-in state (admins)' } }, async () => {
    const [users, provisioned] = await Promise.all([listStaffUsers(db), provisionedIds(db)]);
    return { users: users.map((user) => adminView(user, provisioned.has(user.id))) };
  });

  app.post('/api/admin/users', { schema: { summary: 'Create a staff account: local (a one-time initial password, answered once; TOTP at first sign-in) or SSO only', body: newUserSchema } }, async (request, reply) => {
    const staff = staffOf(request);
    const body = request.body;
    const person = { userName: body.userName, displayName: body.displayName ?? null, email: body.email ?? null, role: body.role, queues: body.queues };
    if (body.signIn === 'sso') {
      const created = await createStaffUser(db, { ...person, extensions: body.extensions }, actorOf(staff.sub));
      return reply.code(201).header('cache-control', 'no-store').send({ user: adminView(created, false) });
    }
    const { user, initialPassword } = await addLocalStaff(db, person, actorOf(staff.sub));
    const created = body.extensions.length ? (await updateStaffUser(db, user.id, { extensions: body.extensions }, actorOf(staff.sub)))! : user;
    // Shown once, to the admin who created the account; never stored or logged in the clear.
    return reply.code(201).header('cache-control', 'no-store').send({ user: adminView(created, false), initialPassword });
  });

  app.patch('/api/admin/users/:id', { schema: { summary: 'Change a staff account: role, queues, extensions, display name (with an optional reason, kept in the audit)', params: idParams, body: changeSchema } }, async (request) => {
    const staff = staffOf(request);
    const { version, reason, ...fields } = request.body;
    const updated = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [adminChangeLockId]);
      const target = await findStaffUserById(tx, request.params.id);
      if (!target) throw new CallchartError('NOT_FOUND', 'no such staff member');
      const refusal = adminChangeRefusal({ actorId: staff.sub, target, role: fields.role, otherActiveAdmins: await otherActiveAdmins(tx, target.id) });
      if (refusal) throw new CallchartError(refusal.code, refusal.message);
      const changes: StaffUserChanges = {};
      if (fields.role !== undefined && fields.role !== target.role) changes.role = fields.role;
      if (fields.queues !== undefined) changes.queues = [...new Set(fields.queues)];
      if (fields.extensions !== undefined) changes.extensions = [...new Set(fields.extensions)];
      if (fields.displayName !== undefined) changes.displayName = fields.displayName;
      return (await updateStaffUser(tx, target.id, changes, actorOf(staff.sub), { ...(version !== undefined ? { expectedVersion: version } : {}), ...(reason ? { reason } : {}) }))!;
    });
    return { user: adminView(updated, (await provisionedIds(db)).has(updated.id)) };
  });

  for (const action of ['disable', 'enable'] as const) {
    app.post(`/api/admin/users/:id/${action}`, { schema: { summary: action === 'disable' ? 'Disable a staff account: every session ends at once' : 'Enable a staff account', params: idParams } }, async (request) => {
      const staff = staffOf(request);
      const active = action === 'enable';
      const updated = await db.transaction(async (tx) => {
        await tx.query('select pg_advisory_xact_lock($1)', [adminChangeLockId]);
        const target = await findStaffUserById(tx, request.params.id);
        if (!target) throw new CallchartError('NOT_FOUND', 'no such staff member');
        const refusal = adminChangeRefusal({ actorId: staff.sub, target, active, otherActiveAdmins: await otherActiveAdmins(tx, target.id) });
        if (refusal) throw new CallchartError(refusal.code, refusal.message);
        // Disabling ends every session of the person in this transaction (staff directory).
        return (await setStaffUserActive(tx, target.id, active, actorOf(staff.sub)))!;
      });
      return { user: adminView(updated, (await provisionedIds(db)).has(updated.id)) };
    });
  }

  app.post('/api/admin/users/:id/sign-out', { schema: { summary: 'End every session of a staff account (sign out everywhere)', params: idParams } }, async (request) => {
    const staff = staffOf(request);
    const target = await findStaffUserById(db, request.params.id);
    if (!target) throw new CallchartError('NOT_FOUND', 'no such staff member');
    const sessions = await revokeStaffSessions(db, target.id, 'admin-sign-out', actorOf(staff.sub));
    return { sessionsEnded: sessions };
  });
}
