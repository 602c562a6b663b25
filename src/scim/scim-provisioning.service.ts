import {
  createStaffUser, findStaffUserById, setStaffUserActive, updateStaffUser, type StaffUser, type StaffUserChanges,
} from '../auth/staff-directory.repository.ts';
import { CallchartError } from '../lib/errors.ts';
import type { Db, Queryable } from '../store/db.ts';
import {
  createGroup, deleteGroup, deleteStaffUser, findGroup, groupFilterAttributes, groupsOfUsers, listGroupsForScim, listUsersForScim, markProvisioned, updateGroup,
  userFilterAttributes,
} from './scim-directory.repository.ts';
import { parseScimFilter } from './scim-filter.ts';
import { accessFromGroups, type ScimSettings } from './scim-groups.ts';
import { applyGroupPatch, applyUserPatch } from './scim-patch.ts';
import { groupResource, userResource } from './scim-resources.ts';
import { ifMatchAllows, listResponse, readScimGroup, readScimPatch, readScimUser, type ProvisionedUser } from './scim.schema.ts';

/** The audit actor of every change the identity provider makes. */
export const scimActor = 'scim';

// SCIM changes are serialised: IdPs send requests in parallel (Entra ID several per second), and two
// group changes re-deriving the same people in different orders would otherwise deadlock or race.
// Provisioning is a trickle, so one at a time costs nothing users notice.
const scimWriteLockId = 727274020;

export interface ScimListQuery {
  filter?: string | undefined;
  startIndex: number;
  count: number;
  excludedAttributes?: string | undefined;
}

/**
 * SCIM provisioning (SE-2, SE-4): the identity provider creates, changes and disables people and
 * says which groups they are in; config says what a group means (a role or a queue). Each request
 * is one transaction, so a person's account, their memberships, their derived role and queues and
 * the audit entries commit together. Disabling ends every session of the person in that same
 * transaction (setStaffUserActive), so their next request is refused.
 */
export class ScimProvisioning {
  constructor(private readonly deps: { db: Db; settings: ScimSettings }) {}

  async listUsers(query: ScimListQuery): Promise<Record<string, unknown>> {
    const filter = query.filter ? parseScimFilter(query.filter, userFilterAttributes) : [];
    const { total, users } = await listUsersForScim(this.deps.db, filter, query.startIndex, query.count);
    const views = await this.views(this.deps.db, users);
    return listResponse(views.map(userResource), total, query.startIndex);
  }

  async getUser(userId: string): Promise<{ resource: Record<string, unknown>; version: number }> {
    const user = await this.requireUser(this.deps.db, userId);
    return { resource: userResource((await this.views(this.deps.db, [user]))[0]!), version: user.version };
  }

  async createUser(body: unknown): Promise<{ resource: Record<string, unknown>; version: number }> {
    const provisioned = readScimUser(body);
    return this.write(async (tx) => {
      const access = accessFromGroups(this.deps.settings, [], { queues: [] });
      // SSO only: people the IdP provisions sign in through it (no local password).
      const created = await createStaffUser(tx, { ...provisioned, role: access.role, queues: access.queues }, scimActor);
      await markProvisioned(tx, created.id);
      return this.answer(tx, created.id);
    });
  }

  async replaceUser(userId: string, body: unknown, ifMatch: string | undefined): Promise<{ resource: Record<string, unknown>; version: number }> {
    const next = readScimUser(body);
    return this.changeUser(userId, ifMatch, () => next);
  }

  async patchUser(userId: string, body: unknown, ifMatch: string | undefined): Promise<{ resource: Record<string, unknown>; version: number }> {
    const operations = readScimPatch(body);
    return this.changeUser(userId, ifMatch, (current) => applyUserPatch(current, operations).user);
  }

  /** DELETE: disables (default; the person stays for the audit trail) or deletes, per `scim.onDelete`. */
  async deleteUser(userId: string, ifMatch: string | undefined): Promise<void> {
    await this.write(async (tx) => {
      const user = await this.lockUser(tx, userId, ifMatch);
      if (this.deps.settings.onDelete === 'delete') await deleteStaffUser(tx, user.id, scimActor);
      else await setStaffUserActive(tx, user.id, false, scimActor);
    });
  }

  async listGroups(query: ScimListQuery): Promise<Record<string, unknown>> {
    const filter = query.filter ? parseScimFilter(query.filter, groupFilterAttributes) : [];
    const { total, groups } = await listGroupsForScim(this.deps.db, filter, query.startIndex, query.count);
    const withMembers = !excludes(query.excludedAttributes, 'members');
    return listResponse(groups.map((group) => groupResource(group, { withMembers })), total, query.startIndex);
  }

  async getGroup(groupId: string, excludedAttributes?: string): Promise<{ resource: Record<string, unknown>; version: number }> {
    const group = await findGroup(this.deps.db, groupId);
    if (!group) throw new CallchartError('NOT_FOUND', 'no such group');
    return { resource: groupResource(group, { withMembers: !excludes(excludedAttributes, 'members') }), version: group.version };
  }

  async createGroup(body: unknown): Promise<{ resource: Record<string, unknown>; version: number }> {
    const input = readScimGroup(body);
    return this.write(async (tx) => {
      const created = await createGroup(tx, input, scimActor);
      if (input.members.length) {
        const { added } = await updateGroup(tx, created.id, { ...input }, ['members'], scimActor);
        await this.resync(tx, added);
      }
      return this.groupAnswer(tx, created.id);
    });
  }

  async replaceGroup(groupId: string, body: unknown, ifMatch: string | undefined): Promise<{ resource: Record<string, unknown>; version: number }> {
    const input = readScimGroup(body);
    return this.changeGroup(groupId, ifMatch, (current) => {
      const changed = [...(input.displayName !== current.displayName ? ['displayName'] : []), ...(input.externalId !== current.externalId ? ['externalId'] : []), 'members'];
      return { group: input, changed };
    });
  }

  async patchGroup(groupId: string, body: unknown, ifMatch: string | undefined): Promise<{ resource: Record<string, unknown>; version: number }> {
    const operations = readScimPatch(body);
    return this.changeGroup(groupId, ifMatch, (current) => applyGroupPatch(current, operations));
  }

  async deleteGroup(groupId: string, ifMatch: string | undefined): Promise<void> {
    await this.write(async (tx) => {
      const group = await findGroup(tx, groupId, { forUpdate: true });
      if (!group) throw new CallchartError('NOT_FOUND', 'no such group');
      if (!ifMatchAllows(ifMatch, group.version)) throw staleVersion(group.version);
      const members = (await deleteGroup(tx, groupId, scimActor)) ?? [];
      await this.resync(tx, members);
    });
  }

  private async write<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.deps.db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [scimWriteLockId]);
      return work(tx);
    });
  }

  private async changeUser(userId: string, ifMatch: string | undefined, next: (current: ProvisionedUser) => ProvisionedUser) {
    return this.write(async (tx) => {
      const user = await this.lockUser(tx, userId, ifMatch);
      const current: ProvisionedUser = { userName: user.userName, externalId: user.externalId, displayName: user.displayName, email: user.email, active: user.active };
      const wanted = next(current);
      const changes: StaffUserChanges = {};
      if (wanted.userName !== current.userName) changes.userName = wanted.userName;
      if (wanted.externalId !== current.externalId) changes.externalId = wanted.externalId;
      if (wanted.displayName !== current.displayName) changes.displayName = wanted.displayName;
      if (wanted.email !== current.email) changes.email = wanted.email;
      if (Object.keys(changes).length) await updateStaffUser(tx, user.id, changes, scimActor);
      // active: false ends every session of the person in this transaction (setStaffUserActive).
      if (wanted.active !== current.active) await setStaffUserActive(tx, user.id, wanted.active, scimActor);
      await markProvisioned(tx, user.id);
      return this.answer(tx, user.id);
    });
  }

  private async changeGroup(
    groupId: string,
    ifMatch: string | undefined,
    next: (current: { displayName: string; externalId: string | null; members: readonly string[] }) => { group: { displayName: string; externalId: string | null; members: readonly string[] }; changed: string[] },
  ) {
    return this.write(async (tx) => {
      const current = await findGroup(tx, groupId, { forUpdate: true });
      if (!current) throw new CallchartError('NOT_FOUND', 'no such group');
      if (!ifMatchAllows(ifMatch, current.version)) throw staleVersion(current.version);
      const { group, changed } = next(current);
      if (changed.length) {
        const { added, removed } = await updateGroup(tx, groupId, group, changed, scimActor);
        // A renamed group may now mean another role or queue (or none) for all its members.
        const affected = changed.includes('displayName') ? [...new Set([...group.members, ...removed])] : [...added, ...removed];
        await this.resync(tx, affected);
      }
      return this.groupAnswer(tx, groupId);
    });
  }

  /** Re-derives the role and queues of people whose groups changed; audited per person by updateStaffUser. */
  private async resync(tx: Queryable, userIds: readonly string[]): Promise<void> {
    const ids = [...new Set(userIds.map((id) => id.toLowerCase()))];
    const groups = await groupsOfUsers(tx, ids);
    for (const id of ids) {
      const user = await findStaffUserById(tx, id);
      if (!user) continue;
      const access = accessFromGroups(this.deps.settings, (groups.get(id) ?? []).map((group) => group.displayName), user);
      const changes: StaffUserChanges = {};
      if (access.role !== user.role) changes.role = access.role;
      if (access.queues.join('\n') !== [...user.queues].sort().join('\n')) changes.queues = access.queues;
      if (Object.keys(changes).length) await updateStaffUser(tx, id, changes, scimActor);
    }
  }

  private async lockUser(tx: Queryable, userId: string, ifMatch: string | undefined): Promise<StaffUser> {
    const user = await this.requireUser(tx, userId);
    await tx.query('select id from staff_user where id = $1 for update', [user.id]);
    const locked = (await findStaffUserById(tx, user.id))!;
    if (!ifMatchAllows(ifMatch, locked.version)) throw staleVersion(locked.version);
    return locked;
  }

  private async requireUser(db: Queryable, userId: string): Promise<StaffUser> {
    const user = await findStaffUserById(db, userId);
    if (!user) throw new CallchartError('NOT_FOUND', 'no such user');
    return user;
  }

  private async answer(tx: Queryable, userId: string) {
    const user = (await findStaffUserById(tx, userId))!;
    return { resource: userResource((await this.views(tx, [user]))[0]!), version: user.version };
  }

  private async groupAnswer(tx: Queryable, groupId: string) {
    const group = (await findGroup(tx, groupId))!;
    return { resource: groupResource(group, { withMembers: true }), version: group.version };
  }

  private async views(db: Queryable, users: readonly StaffUser[]) {
    const groups = await groupsOfUsers(db, users.map((user) => user.id));
    return users.map((user) => ({ ...user, groups: groups.get(user.id) ?? [] }));
  }
}

function excludes(list: string | undefined, attribute: string): boolean {
  return (list ?? '').split(',').some((name) => name.trim().toLowerCase() === attribute);
}

function staleVersion(currentVersion: number): CallchartError {
  return new CallchartError('STAFF_USER_VERSION_STALE', 'If-Match names a version this resource no longer has: read it again', { currentVersion });
}
