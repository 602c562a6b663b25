import { appendAuditEvent } from '../audit/audit.repository.ts';
import { findStaffUserById, isUuid, type StaffUser } from '../auth/staff-directory.repository.ts';
import { CallchartError } from '../lib/errors.ts';
import type { Queryable } from '../store/db.ts';
import type { ScimFilter } from './scim-filter.ts';

/**
 * SCIM's view of the staff directory: filtered, paged lists of people and the groups the identity
 * provider pushes (migration 0019). People themselves are created, changed and disabled through
 * the staff directory (src/auth/staff-directory.repository.ts), which audits each change.
 */

export const userFilterAttributes = ['userName', 'externalId', 'displayName', 'id', 'active'] as const;
export const groupFilterAttributes = ['displayName', 'externalId', 'id', 'members.value'] as const;

/** SQL conditions for a parsed filter; every value is a parameter, never spliced. */
function conditions(filter: ScimFilter, column: (attribute: string, param: string) => string, params: unknown[]): string[] {
  return filter.map((clause) => {
    if (clause.value === null) return `${column(clause.attribute, 'null')} is null`;
    params.push(typeof clause.value === 'boolean' ? clause.value : String(clause.value));
    return column(clause.attribute, `$${params.length}`);
  });
}

function userColumn(attribute: string, param: string): string {
  const nullCheck = param === 'null';
  switch (attribute) {
    case 'userName':
      return nullCheck ? 'user_name' : `user_name = lower(${param})`;
    case 'externalId':
      return nullCheck ? 'external_id' : `external_id = ${param}`;
    case 'displayName':
      return nullCheck ? 'display_name' : `display_name = ${param}`;
    case 'id':
      return nullCheck ? 'id' : `id::text = lower(${param})`;
    case 'active':
      return nullCheck ? 'active' : `active = (${param})::boolean`;
    default:
      throw new CallchartError('SCIM_INVALID_FILTER', `cannot filter on ${attribute}`);
  }
}

/** A page of people matching the filter, oldest first, and how many match in all. */
export async function listUsersForScim(db: Queryable, filter: ScimFilter, startIndex: number, count: number): Promise<{ total: number; users: StaffUser[] }> {
  const params: unknown[] = [];
  const where = conditions(filter, userColumn, params);
  const clause = where.length ? `where ${where.join(' and ')}` : '';
  const total = await db.query<{ total: string | number }>(`select count(*) as total from staff_user ${clause}`, params);
  const page = await db.query<{ id: string }>(
    `select id from staff_user ${clause} order by created_at, id offset $${params.length + 1} limit $${params.length + 2}`,
    [...params, startIndex - 1, count],
  );
  const users = await Promise.all(page.rows.map((row) => findStaffUserById(db, row.id)));
  return { total: Number(total.rows[0]!.total), users: users.filter((user): user is StaffUser => user !== null) };
}

export interface StaffGroup {
  id: string;
  displayName: string;
  externalId: string | null;
  members: string[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

interface GroupRow {
  id: string;
  display_name: string;
  external_id: string | null;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
  members: string[] | null;
}

const groupSelect = `select g.id, g.display_name, g.external_id, g.version, g.created_at, g.updated_at,
  coalesce((select array_agg(m.user_id::text order by m.user_id) from staff_group_member m where m.group_id = g.id), '{}') as members
  from staff_group g`;

function groupFromRow(row: GroupRow): StaffGroup {
  return {
    id: row.id, displayName: row.display_name, externalId: row.external_id, members: row.members ?? [], version: row.version,
    createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at),
  };
}

function groupColumn(attribute: string, param: string): string {
  const nullCheck = param === 'null';
  switch (attribute) {
    case 'displayName':
      return nullCheck ? 'g.display_name' : `lower(g.display_name) = lower(${param})`;
    case 'externalId':
      return nullCheck ? 'g.external_id' : `g.external_id = ${param}`;
    case 'id':
      return nullCheck ? 'g.id' : `g.id::text = lower(${param})`;
    case 'members.value':
      return nullCheck ? '(select null)' : `exists (select 1 from staff_group_member m where m.group_id = g.id and m.user_id::text = lower(${param}))`;
    default:
      throw new CallchartError('SCIM_INVALID_FILTER', `cannot filter on ${attribute}`);
  }
}

export async function listGroupsForScim(db: Queryable, filter: ScimFilter, startIndex: number, count: number): Promise<{ total: number; groups: StaffGroup[] }> {
  const params: unknown[] = [];
  const where = conditions(filter, groupColumn, params);
  const clause = where.length ? `where ${where.join(' and ')}` : '';
  const total = await db.query<{ total: string | number }>(`select count(*) as total from staff_group g ${clause}`, params);
  const page = await db.query<GroupRow>(`${groupSelect} ${clause} order by g.created_at, g.id offset $${params.length + 1} limit $${params.length + 2}`, [...params, startIndex - 1, count]);
  return { total: Number(total.rows[0]!.total), groups: page.rows.map(groupFromRow) };
}

export async function findGroup(db: Queryable, groupId: string, options: { forUpdate?: boolean } = {}): Promise<StaffGroup | null> {
  if (!isUuid(groupId)) return null;
  if (options.forUpdate) await db.query('select id from staff_group where id = $1 for update', [groupId]);
  const { rows } = await db.query<GroupRow>(`${groupSelect} where g.id = $1`, [groupId]);
  return rows[0] ? groupFromRow(rows[0]) : null;
}

/** The groups each person is in (display names), for SCIM's `groups` attribute and the role mapping. */
export async function groupsOfUsers(db: Queryable, userIds: readonly string[]): Promise<Map<string, { id: string; displayName: string }[]>> {
  const result = new Map<string, { id: string; displayName: string }[]>(userIds.map((id) => [id, []]));
  if (!userIds.length) return result;
  const { rows } = await db.query<{ user_id: string; id: string; display_name: string }>(
    `select m.user_id, g.id, g.display_name from staff_group_member m join staff_group g on g.id = m.group_id
     where m.user_id::text = any($1::text[]) order by g.display_name`,
    [[...userIds]],
  );
  for (const row of rows) result.get(row.user_id)?.push({ id: row.id, displayName: row.display_name });
  return result;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

async function uniquely<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw new CallchartError('SCIM_UNIQUENESS', 'a group with this displayName or externalId already exists');
    throw error;
  }
}

/** Adds a group (no members yet); audited `scim.group.created`. */
export async function createGroup(tx: Queryable, group: { displayName: string; externalId: string | null }, actor: string): Promise<StaffGroup> {
  const { rows } = await uniquely(() => tx.query<{ id: string }>('insert into staff_group (display_name, external_id) values ($1, $2) returning id', [group.displayName, group.externalId]));
  await appendAuditEvent(tx, { actor, action: 'scim.group.created', objectType: 'staff-group', objectId: rows[0]!.id, outcome: 'success' });
  return (await findGroup(tx, rows[0]!.id))!;
}

/**
 * Renames a group and sets its members; bumps its version; audited `scim.group.changed` with the
 * names of what changed and how many members were added and removed (ids of people are in the
 * `staff.user.changed` entries their new role or queues cause).
 */
export async function updateGroup(
  tx: Queryable,
  groupId: string,
  next: { displayName: string; externalId: string | null; members: readonly string[] },
  changed: readonly string[],
  actor: string,
): Promise<{ added: string[]; removed: string[] }> {
  const current = await findGroup(tx, groupId, { forUpdate: true });
  if (!current) throw new CallchartError('NOT_FOUND', 'no such group');
  const members = [...new Set(next.members.map((id) => id.toLowerCase()))];
  const unknown = members.filter((id) => !isUuid(id));
  if (unknown.length) throw new CallchartError('SCIM_INVALID_VALUE', 'members must be user ids');
  if (members.length) {
    const { rows } = await tx.query<{ id: string }>('select id::text as id from staff_user where id::text = any($1::text[])', [members]);
    if (rows.length !== members.length) throw new CallchartError('SCIM_INVALID_VALUE', 'a member is not a user of this service');
  }
  const added = members.filter((id) => !current.members.includes(id));
  const removed = current.members.filter((id) => !members.includes(id));
  await uniquely(() => tx.query('update staff_group set display_name = $2, external_id = $3, version = version + 1, updated_at = now() where id = $1', [groupId, next.displayName, next.externalId]));
  if (removed.length) await tx.query('delete from staff_group_member where group_id = $1 and user_id::text = any($2::text[])', [groupId, removed]);
  for (const userId of added) await tx.query('insert into staff_group_member (group_id, user_id) values ($1, $2) on conflict do nothing', [groupId, userId]);
  await appendAuditEvent(tx, {
    actor, action: 'scim.group.changed', objectType: 'staff-group', objectId: groupId, outcome: 'success',
    detail: { fields: [...changed], membersAdded: added.length, membersRemoved: removed.length },
  });
  return { added, removed };
}

/** Deletes a group; returns its former members (whose role and queues follow). Audited `scim.group.deleted`. */
export async function deleteGroup(tx: Queryable, groupId: string, actor: string): Promise<string[] | null> {
  const current = await findGroup(tx, groupId, { forUpdate: true });
  if (!current) return null;
  await tx.query('delete from staff_group where id = $1', [groupId]);
  await appendAuditEvent(tx, { actor, action: 'scim.group.deleted', objectType: 'staff-group', objectId: groupId, outcome: 'success', detail: { members: current.members.length } });
  return current.members;
}

/** Marks a person as the identity provider's (their mapped role and queues follow their groups). */
export async function markProvisioned(tx: Queryable, userId: string): Promise<void> {
  await tx.query('update staff_user set scim_provisioned_at = coalesce(scim_provisioned_at, now()) where id = $1', [userId]);
}

export async function isProvisioned(db: Queryable, userId: string): Promise<boolean> {
  const { rows } = await db.query<{ provisioned: boolean }>('select scim_provisioned_at is not null as provisioned from staff_user where id = $1', [userId]);
  return rows[0]?.provisioned ?? false;
}

/**
 * Deletes a person's account for good (scim.onDelete: delete): their sessions and memberships go
 * with it. Audited `staff.user.deleted`. The audit trail keeps their id.
 */
export async function deleteStaffUser(tx: Queryable, userId: string, actor: string): Promise<boolean> {
  if (!isUuid(userId)) return false;
  await tx.query('delete from staff_session where user_id = $1', [userId]);
  const { rowCount } = await tx.query('delete from staff_user where id = $1', [userId]);
  if (rowCount > 0) await appendAuditEvent(tx, { actor, action: 'staff.user.deleted', objectType: 'staff-user', objectId: userId, outcome: 'success' });
  return rowCount > 0;
}
