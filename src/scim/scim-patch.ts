import { parseScimFilter } from './scim-filter.ts';
import { isKeptUserAttribute, scimBoolean, scimError, scimSchemas, userAttributeName, type ProvisionedUser, type ScimPatchOperation } from './scim.schema.ts';

/**
 * PATCH (RFC 7644 §3.5.2) as Okta and Entra ID send it, applied to what Callchart keeps. Pure: the
 * current state and the operations in, the new state and the names of the fields that changed out
 * (the audit records names, never values).
 *
 * Okta deactivates with `{op: "replace", value: {active: false}}`; Entra ID with
 * `{op: "Replace", path: "active", value: "False"}`; group members arrive as `add`/`remove` on
 * `members` with a list of `{value: <user id>}`, or `remove` on `members[value eq "<id>"]`.
 */

const userPrefix = `${scimSchemas.user}:`.toLowerCase();

function stripUserPrefix(path: string): string {
  return path.toLowerCase().startsWith(userPrefix) ? path.slice(userPrefix.length) : path;
}

function stringValue(value: unknown, attribute: string, { nullable }: { nullable: boolean }): string | null {
  if (value === null && nullable) return null;
  if (typeof value === 'string' && value.length <= 320 && (nullable || value.trim())) return value;
  throw scimError('SCIM_INVALID_VALUE', `${attribute} must be a string`);
}

function primaryEmail(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return stringValue(value, 'emails', { nullable: true });
  const list = Array.isArray(value) ? value : [value];
  const entries = list.filter((entry): entry is { value?: unknown; primary?: unknown } => typeof entry === 'object' && entry !== null);
  const chosen = entries.find((entry) => entry.primary === true || entry.primary === 'True' || entry.primary === 'true') ?? entries[0];
  if (!chosen) return null;
  return stringValue(chosen.value ?? null, 'emails.value', { nullable: true });
}

/** Applies one attribute change to a user; returns the kept field it changed, or null. */
function applyUserAttribute(user: ProvisionedUser, op: ScimPatchOperation['op'], rawPath: string, value: unknown): keyof ProvisionedUser | null {
  const path = stripUserPrefix(rawPath);
  // The enterprise extension (department, manager…) and Callchart's read-only view are not kept.
  const lowerPath = path.toLowerCase();
  if ([scimSchemas.enterpriseUser, scimSchemas.staff].some((urn) => lowerPath.startsWith(urn.toLowerCase()))) return null;
  const root = path.split(/[.[]/)[0]!;
  const attribute = userAttributeName(root);
  if (!attribute) throw scimError('SCIM_INVALID_PATH', `no such attribute: ${root.slice(0, 80)}`);
  // Attributes SCIM defines that Callchart does not keep (title, addresses, name parts…).
  if (!isKeptUserAttribute(attribute) || attribute === 'name') return null;
  const removing = op === 'remove';
  switch (attribute) {
    case 'active': {
      if (removing) throw scimError('SCIM_MUTABILITY', 'active cannot be removed; replace it with false');
      const parsed = scimBoolean.safeParse(value);
      if (!parsed.success) throw scimError('SCIM_INVALID_VALUE', 'active must be a boolean');
      user.active = parsed.data;
      return 'active';
    }
    case 'userName': {
      if (removing) throw scimError('SCIM_MUTABILITY', 'userName is required');
      const name = stringValue(value, 'userName', { nullable: false })!.trim().toLowerCase();
      if (name.length > 128) throw scimError('SCIM_INVALID_VALUE', 'userName is longer than 128 characters');
      user.userName = name;
      return 'userName';
    }
    case 'displayName':
      user.displayName = removing ? null : stringValue(value, 'displayName', { nullable: true });
      return 'displayName';
    case 'externalId':
      user.externalId = removing ? null : stringValue(value, 'externalId', { nullable: true });
      return 'externalId';
    case 'emails':
      user.email = removing ? null : path.includes('.') || path.includes('[') ? stringValue(value, 'emails.value', { nullable: true }) : primaryEmail(value);
      return 'email';
    default:
      return null;
  }
}

/** The user after the operations, and the names of the kept fields whose value changed. */
export function applyUserPatch(current: ProvisionedUser, operations: readonly ScimPatchOperation[]): { user: ProvisionedUser; changed: (keyof ProvisionedUser)[] } {
  const user = { ...current };
  for (const operation of operations) {
    if (operation.path) {
      applyUserAttribute(user, operation.op, operation.path, operation.value);
      continue;
    }
    if (operation.op === 'remove') throw scimError('SCIM_NO_TARGET', 'remove needs a path');
    if (typeof operation.value !== 'object' || operation.value === null || Array.isArray(operation.value)) {
      throw scimError('SCIM_INVALID_VALUE', 'an operation without a path needs an object of attributes');
    }
    for (const [key, value] of Object.entries(operation.value)) {
      if (key === 'schemas' || key === 'id' || key === 'meta') continue;
      // Entra ID sometimes flattens sub-attributes into the object ("name.givenName": "…").
      applyUserAttribute(user, operation.op, key, value);
    }
  }
  const changed = (Object.keys(user) as (keyof ProvisionedUser)[]).filter((field) => user[field] !== current[field]);
  return { user, changed };
}

export interface GroupState {
  displayName: string;
  externalId: string | null;
  /** Member user ids. */
  members: readonly string[];
}

function memberIds(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry) => {
    const id = typeof entry === 'object' && entry !== null ? (entry as { value?: unknown }).value : undefined;
    if (typeof id !== 'string' || !id || id.length > 128) throw scimError('SCIM_INVALID_VALUE', 'members must be a list of {"value": "<user id>"}');
    return id;
  });
}

/** The group after the operations, and which of displayName, externalId, members changed. */
export function applyGroupPatch(current: GroupState, operations: readonly ScimPatchOperation[]): { group: GroupState; changed: string[] } {
  let displayName = current.displayName;
  let externalId = current.externalId;
  const members = new Set(current.members);
  const apply = (op: ScimPatchOperation['op'], path: string, value: unknown) => {
    const lower = path.toLowerCase().replace(`${scimSchemas.group}:`.toLowerCase(), '');
    if (lower === 'members') {
      if (op === 'replace') members.clear();
      if (op === 'remove' && value === undefined) return members.clear();
      for (const id of memberIds(value)) {
        if (op === 'remove') members.delete(id);
        else members.add(id);
      }
    } else if (lower.startsWith('members[')) {
      if (op !== 'remove') throw scimError('SCIM_INVALID_PATH', 'a value filter on members is only supported with remove');
      const filter = parseScimFilter(path, ['members.value']);
      for (const clause of filter) if (typeof clause.value === 'string') members.delete(clause.value);
    } else if (lower === 'displayname') {
      if (op === 'remove') throw scimError('SCIM_MUTABILITY', 'displayName is required');
      if (typeof value !== 'string' || !value.trim() || value.length > 256) throw scimError('SCIM_INVALID_VALUE', 'displayName must be a string');
      displayName = value.trim();
    } else if (lower === 'externalid') {
      externalId = op === 'remove' ? null : stringValue(value, 'externalId', { nullable: true });
    } else if (lower === 'id' || lower === 'schemas' || lower === 'meta') {
      // Okta repeats the id in a path-less replace; it cannot change.
    } else {
      throw scimError('SCIM_INVALID_PATH', `no such attribute: ${path.slice(0, 80)}`);
    }
  };
  for (const operation of operations) {
    if (operation.path) {
      apply(operation.op, operation.path, operation.value);
      continue;
    }
    if (operation.op === 'remove') throw scimError('SCIM_NO_TARGET', 'remove needs a path');
    if (typeof operation.value !== 'object' || operation.value === null || Array.isArray(operation.value)) {
      throw scimError('SCIM_INVALID_VALUE', 'an operation without a path needs an object of attributes');
    }
    for (const [key, value] of Object.entries(operation.value)) apply(operation.op, key, value);
  }
  const group = { displayName, externalId, members: [...members] };
  const changed = [
    ...(displayName !== current.displayName ? ['displayName'] : []),
    ...(externalId !== current.externalId ? ['externalId'] : []),
    ...(group.members.length !== current.members.length || group.members.some((id) => !current.members.includes(id)) ? ['members'] : []),
  ];
  return { group, changed };
}
