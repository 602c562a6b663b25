import type { StaffRole } from '../auth/staff-token.ts';
import { staffRoles } from '../auth/staff-token.ts';
import { etagOf, maxScimPageSize, scimSchemas } from './scim.schema.ts';

/**
 * How Callchart's people and groups look in SCIM (RFC 7643), and the discovery documents
 * (ServiceProviderConfig, ResourceTypes, Schemas) an identity provider reads first. Pure.
 */

export const scimBasePath = '/scim/v2';

export interface ScimUserView {
  id: string;
  userName: string;
  externalId: string | null;
  displayName: string | null;
  email: string | null;
  active: boolean;
  role: StaffRole;
  queues: readonly string[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
  groups: readonly { id: string; displayName: string }[];
}

export function userResource(user: ScimUserView): Record<string, unknown> {
  return {
    schemas: [scimSchemas.user, scimSchemas.staff],
    id: user.id,
    ...(user.externalId !== null ? { externalId: user.externalId } : {}),
    userName: user.userName,
    ...(user.displayName !== null ? { displayName: user.displayName } : {}),
    ...(user.email !== null ? { emails: [{ value: user.email, primary: true, type: 'work' }] } : {}),
    active: user.active,
    groups: user.groups.map((group) => ({ value: group.id, display: group.displayName, $ref: `${scimBasePath}/Groups/${group.id}`, type: 'direct' })),
    // What the person may do in Callchart, as their groups and the admin screen decided (read-only).
    [scimSchemas.staff]: { role: user.role, queues: [...user.queues] },
    meta: { resourceType: 'User', created: user.createdAt.toISOString(), lastModified: user.updatedAt.toISOString(), version: etagOf(user.version), location: `${scimBasePath}/Users/${user.id}` },
  };
}

export interface ScimGroupView {
  id: string;
  displayName: string;
  externalId: string | null;
  members: readonly string[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export function groupResource(group: ScimGroupView, options: { withMembers: boolean }): Record<string, unknown> {
  return {
    schemas: [scimSchemas.group],
    id: group.id,
    displayName: group.displayName,
    ...(group.externalId !== null ? { externalId: group.externalId } : {}),
    ...(options.withMembers ? { members: group.members.map((id) => ({ value: id, $ref: `${scimBasePath}/Users/${id}`, type: 'User' })) } : {}),
    meta: { resourceType: 'Group', created: group.createdAt.toISOString(), lastModified: group.updatedAt.toISOString(), version: etagOf(group.version), location: `${scimBasePath}/Groups/${group.id}` },
  };
}

export const serviceProviderConfig = {
  schemas: [scimSchemas.serviceProviderConfig],
  documentationUri: 'https://github.com/callchart/callchart#roles-queues-and-provisioning-scim',
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: maxScimPageSize },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: true },
  authenticationSchemes: [{ type: 'oauthbearertoken', name: 'Bearer token', description: 'The CALLCHART_SCIM_TOKEN, in Authorization: Bearer', primary: true }],
  meta: { resourceType: 'ServiceProviderConfig', location: `${scimBasePath}/ServiceProviderConfig` },
};

export const resourceTypes = [
  {
    schemas: [scimSchemas.resourceType], id: 'User', name: 'User', endpoint: '/Users', schema: scimSchemas.user,
    description: 'A staff member', schemaExtensions: [{ schema: scimSchemas.staff, required: false }],
    meta: { resourceType: 'ResourceType', location: `${scimBasePath}/ResourceTypes/User` },
  },
  {
    schemas: [scimSchemas.resourceType], id: 'Group', name: 'Group', endpoint: '/Groups', schema: scimSchemas.group,
    description: 'An identity-provider group; config maps some to a role or a queue',
    meta: { resourceType: 'ResourceType', location: `${scimBasePath}/ResourceTypes/Group` },
  },
];

const attribute = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  name, type, multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', ...extra,
});

export const schemaDefinitions = [
  {
    schemas: [scimSchemas.schema], id: scimSchemas.user, name: 'User', description: 'A staff member (the attributes Callchart keeps)',
    attributes: [
      attribute('userName', 'string', { required: true, uniqueness: 'server' }),
      attribute('externalId', 'string', { caseExact: true }),
      attribute('displayName', 'string'),
      attribute('name', 'complex', { subAttributes: [attribute('formatted', 'string'), attribute('givenName', 'string'), attribute('familyName', 'string')] }),
      attribute('emails', 'complex', { multiValued: true, subAttributes: [attribute('value', 'string'), attribute('type', 'string'), attribute('primary', 'boolean')] }),
      attribute('active', 'boolean'),
      attribute('groups', 'complex', { multiValued: true, mutability: 'readOnly', subAttributes: [attribute('value', 'string'), attribute('display', 'string')] }),
    ],
    meta: { resourceType: 'Schema', location: `${scimBasePath}/Schemas/${scimSchemas.user}` },
  },
  {
    schemas: [scimSchemas.schema], id: scimSchemas.group, name: 'Group', description: 'An identity-provider group',
    attributes: [
      attribute('displayName', 'string', { required: true, uniqueness: 'server' }),
      attribute('externalId', 'string', { caseExact: true }),
      attribute('members', 'complex', { multiValued: true, subAttributes: [attribute('value', 'string', { mutability: 'immutable' }), attribute('display', 'string')] }),
    ],
    meta: { resourceType: 'Schema', location: `${scimBasePath}/Schemas/${scimSchemas.group}` },
  },
  {
    schemas: [scimSchemas.schema], id: scimSchemas.staff, name: 'CallchartStaff', description: 'What the person may do in Callchart: set by group membership and admins, read-only here',
    attributes: [
      attribute('role', 'string', { mutability: 'readOnly', canonicalValues: [...staffRoles] }),
      attribute('queues', 'string', { multiValued: true, mutability: 'readOnly' }),
    ],
    meta: { resourceType: 'Schema', location: `${scimBasePath}/Schemas/${scimSchemas.staff}` },
  },
];
