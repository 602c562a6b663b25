import { z } from 'zod';
import { CallchartError, type ErrorCode } from '../lib/errors.ts';

/**
 * SCIM 2.0 (RFC 7643 resources, RFC 7644 protocol) as identity providers actually speak it: the
 * boundary schemas for Users, Groups, PatchOp and the answers (ListResponse, Error). Okta and
 * Entra ID send more attributes than Callchart keeps (title, addresses, the enterprise
 * extension…): known SCIM attributes are accepted and ignored, an attribute SCIM does not define
 * is refused with its name, so a typo in an IdP mapping shows up at once instead of vanishing.
 */
export const scimSchemas = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  /** Callchart's read-only view of what a person may do: their role and queues. */
  staff: 'urn:ietf:params:scim:schemas:extension:callchart:2.0:Staff',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

export const scimContentType = 'application/scim+json';

/** The scimType of each SCIM error code (RFC 7644 §3.12, table 9). */
const scimTypes: Partial<Record<ErrorCode, string>> = {
  SCIM_INVALID_FILTER: 'invalidFilter',
  SCIM_INVALID_PATH: 'invalidPath',
  SCIM_INVALID_VALUE: 'invalidValue',
  SCIM_INVALID_SYNTAX: 'invalidSyntax',
  SCIM_NO_TARGET: 'noTarget',
  SCIM_MUTABILITY: 'mutability',
  SCIM_UNIQUENESS: 'uniqueness',
  STAFF_USER_EXISTS: 'uniqueness',
  PAYLOAD_INVALID: 'invalidSyntax',
};

/** The SCIM Error body for a status and code; `scimType` where RFC 7644 defines one. */
export function scimErrorBody(status: number, code: ErrorCode, message: string): Record<string, unknown> {
  const scimType = scimTypes[code];
  return { schemas: [scimSchemas.error], status: String(status), ...(scimType ? { scimType } : {}), detail: `${code}: ${message}` };
}

export function scimError(code: ErrorCode, message: string): CallchartError {
  return new CallchartError(code, message);
}

/** Entra ID sends booleans as "True"/"False" strings in PATCH; SCIM says boolean. Both are read. */
export const scimBoolean = z.union([z.boolean(), z.enum(['true', 'false', 'True', 'False', 'TRUE', 'FALSE']).transform((text) => text.toLowerCase() === 'true')]);

/** Core and enterprise User attributes Callchart accepts but does not keep (RFC 7643 §4.1, §4.3). */
const ignoredUserAttributes = new Set([
  'schemas', 'id', 'meta', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone', 'password',
  'phoneNumbers', 'ims', 'photos', 'addresses', 'groups', 'entitlements', 'roles', 'x509Certificates', scimSchemas.enterpriseUser, scimSchemas.staff,
]);
/** User attributes Callchart keeps. */
const keptUserAttributes = new Set(['userName', 'externalId', 'displayName', 'name', 'emails', 'active']);

/** Lower-case, case-insensitively matched attribute names (SCIM attribute names are case-insensitive). */
const userAttributeNames = new Map([...ignoredUserAttributes, ...keptUserAttributes].map((name) => [name.toLowerCase(), name]));

/** The canonical spelling of a User attribute, or null when SCIM defines no such attribute. */
export function userAttributeName(name: string): string | null {
  return userAttributeNames.get(name.toLowerCase()) ?? null;
}
export function isKeptUserAttribute(name: string): boolean {
  return keptUserAttributes.has(name);
}

const emailSchema = z.looseObject({ value: z.string().max(320).optional(), primary: scimBoolean.optional(), type: z.string().max(64).optional() });

/** What Callchart keeps of a SCIM User. `userName` is the login name, compared without case. */
export const scimUserInputSchema = z.looseObject({
  userName: z.string().trim().min(1).max(128),
  externalId: z.string().max(256).nullish(),
  displayName: z.string().max(256).nullish(),
  name: z.looseObject({ formatted: z.string().max(256).nullish(), givenName: z.string().max(128).nullish(), familyName: z.string().max(128).nullish() }).nullish(),
  emails: z.array(emailSchema).max(20).nullish(),
  active: scimBoolean.default(true),
});
export type ScimUserInput = z.infer<typeof scimUserInputSchema>;

/** The fields of a person that SCIM sets (the rest — role, queues — come from group membership). */
export interface ProvisionedUser {
  userName: string;
  externalId: string | null;
  displayName: string | null;
  email: string | null;
  active: boolean;
}

/**
 * Reads a POST or PUT body into what Callchart keeps. Refuses attributes SCIM does not define
 * (naming them: attribute names are never PHI) and values of the wrong type.
 */
export function readScimUser(body: unknown): ProvisionedUser {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw scimError('SCIM_INVALID_SYNTAX', 'the body must be a SCIM User object');
  const unknown = Object.keys(body).filter((key) => !userAttributeName(key));
  if (unknown.length) throw scimError('SCIM_INVALID_SYNTAX', `unknown attribute(s): ${unknown.slice(0, 5).join(', ')}`);
  const normalised = Object.fromEntries(Object.entries(body).map(([key, value]) => [userAttributeName(key)!, value]));
  const parsed = scimUserInputSchema.safeParse(normalised);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(body)'))];
    throw scimError('SCIM_INVALID_VALUE', `invalid value for ${fields.join(', ')}`);
  }
  return provisionedUser(parsed.data);
}

/** The kept fields of a parsed SCIM user: displayName, else name.formatted, else given + family name. */
export function provisionedUser(user: ScimUserInput): ProvisionedUser {
  const name = user.name;
  const composed = [name?.givenName, name?.familyName].filter(Boolean).join(' ');
  const primary = user.emails?.find((email) => email.primary === true) ?? user.emails?.[0];
  return {
    userName: user.userName.toLowerCase(),
    externalId: user.externalId ?? null,
    displayName: user.displayName || name?.formatted || composed || null,
    email: primary?.value ?? null,
    active: user.active,
  };
}

/** A SCIM Group as an IdP pushes it: a name and members (user ids). */
export const scimGroupInputSchema = z.looseObject({
  displayName: z.string().trim().min(1).max(256),
  externalId: z.string().max(256).nullish(),
  members: z.array(z.looseObject({ value: z.string().min(1).max(128), display: z.string().max(256).optional() })).max(10_000).nullish(),
});

const knownGroupAttributes = new Set(['schemas', 'id', 'meta', 'displayname', 'externalid', 'members']);

export function readScimGroup(body: unknown): { displayName: string; externalId: string | null; members: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw scimError('SCIM_INVALID_SYNTAX', 'the body must be a SCIM Group object');
  const unknown = Object.keys(body).filter((key) => !knownGroupAttributes.has(key.toLowerCase()));
  if (unknown.length) throw scimError('SCIM_INVALID_SYNTAX', `unknown attribute(s): ${unknown.slice(0, 5).join(', ')}`);
  const normalised = Object.fromEntries(Object.entries(body).map(([key, value]) => [key.toLowerCase() === 'displayname' ? 'displayName' : key.toLowerCase() === 'externalid' ? 'externalId' : key, value]));
  const parsed = scimGroupInputSchema.safeParse(normalised);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(body)'))];
    throw scimError('SCIM_INVALID_VALUE', `invalid value for ${fields.join(', ')}`);
  }
  return { displayName: parsed.data.displayName, externalId: parsed.data.externalId ?? null, members: [...new Set((parsed.data.members ?? []).map((member) => member.value))] };
}

/** A PATCH request (RFC 7644 §3.5.2). Okta and Entra spell `op` in any case ("Replace"). */
export const scimPatchSchema = z.looseObject({
  schemas: z.array(z.string()).refine((schemas) => schemas.includes(scimSchemas.patchOp), 'schemas must include the PatchOp URN'),
  Operations: z
    .array(z.looseObject({
      op: z.string().transform((op) => op.toLowerCase()).pipe(z.enum(['add', 'remove', 'replace'])),
      path: z.string().min(1).max(512).optional(),
      value: z.unknown().optional(),
    }))
    .min(1)
    .max(1_000),
});
export type ScimPatchOperation = z.infer<typeof scimPatchSchema>['Operations'][number];

export function readScimPatch(body: unknown): ScimPatchOperation[] {
  const parsed = scimPatchSchema.safeParse(body);
  if (!parsed.success) throw scimError('SCIM_INVALID_SYNTAX', 'not a SCIM PatchOp: schemas must include the PatchOp URN and Operations hold add, remove or replace');
  return parsed.data.Operations;
}

/** Paging (RFC 7644 §3.4.2.4): 1-based startIndex; count capped so one page stays small. */
export const maxScimPageSize = 200;
export const scimListQuerySchema = z.object({
  filter: z.string().max(1_024).optional(),
  startIndex: z.coerce.number().int().catch(1).transform((index) => Math.max(1, index)).default(1),
  count: z.coerce.number().int().catch(100).transform((count) => Math.min(maxScimPageSize, Math.max(0, count))).default(100),
  attributes: z.string().max(1_024).optional(),
  excludedAttributes: z.string().max(1_024).optional(),
});

export function listResponse(resources: unknown[], totalResults: number, startIndex: number): Record<string, unknown> {
  return { schemas: [scimSchemas.listResponse], totalResults, startIndex, itemsPerPage: resources.length, Resources: resources };
}

/** The weak ETag of a resource version (RFC 7644 §3.14): `W/"<version>"`. */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/** Whether an If-Match header allows changing a resource at `version` (absent or `*`: yes). */
export function ifMatchAllows(header: string | undefined, version: number): boolean {
  if (!header || header.trim() === '*') return true;
  return header.split(',').map((tag) => tag.trim()).some((tag) => tag === etagOf(version) || tag === `"${version}"`);
}
