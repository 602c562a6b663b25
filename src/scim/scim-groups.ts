import { z } from 'zod';
import { staffRoles, type StaffRole } from '../auth/staff-token.ts';

/**
 * What an identity provider's groups mean in Callchart (SE-2). The clinic names, in config, which
 * IdP groups give a role and which give a queue:
 *
 *     scim:
 *       groups:
 *         "Callchart Admins": { role: admin }
 *         "Callchart Nurses": { role: nurse }
 *         "Triage queue": { queue: nurse-triage }
 *
 * A person's role is that of the FIRST role group in this list they belong to (so list the most
 * privileged first, or the least, as the clinic decides; the order is the precedence); in no role
 * group, they have `scim.defaultRole` (intake: with no queues it sees nothing). Their queues are
 * the queues of their queue groups, plus any queue an admin gave them by hand that no group maps
 * (a mapped queue is the IdP's to give and take away). Groups the config does not name are kept
 * (IdPs push every assigned group) but mean nothing.
 */
export const scimGroupMeaningSchema = z.union([
  z.object({ role: z.enum(staffRoles) }).strict(),
  z.object({ queue: z.string().min(1).max(128) }).strict(),
]);
export type ScimGroupMeaning = z.infer<typeof scimGroupMeaningSchema>;

export const scimSettingsSchema = z
  .object({
    /** IdP group display name → a role or a queue. Matched without case. */
    groups: z.record(z.string().min(1).max(256), scimGroupMeaningSchema).default({}),
    /** The role of a provisioned person in no role group. */
    defaultRole: z.enum(staffRoles).default('intake'),
    /** What DELETE /Users/:id does: disable (keeps the person for the audit trail) or delete the account. */
    onDelete: z.enum(['disable', 'delete']).default('disable'),
  })
  .strict();
export type ScimSettings = z.infer<typeof scimSettingsSchema>;

/** The meaning of a group by display name (case-insensitive), or null for a group Callchart ignores. */
export function groupMeaning(settings: Pick<ScimSettings, 'groups'>, displayName: string): ScimGroupMeaning | null {
  const lower = displayName.toLowerCase();
  const entry = Object.entries(settings.groups).find(([name]) => name.toLowerCase() === lower);
  return entry ? entry[1] : null;
}

/**
 * A person's role and queues from the groups they belong to (display names), keeping the queues
 * an admin gave by hand that no group maps.
 */
export function accessFromGroups(
  settings: Pick<ScimSettings, 'groups' | 'defaultRole'>,
  memberOf: readonly string[],
  current: { queues: readonly string[] },
): { role: StaffRole; queues: string[] } {
  const member = new Set(memberOf.map((name) => name.toLowerCase()));
  const entries = Object.entries(settings.groups);
  const roleGroup = entries.find(([name, meaning]) => 'role' in meaning && member.has(name.toLowerCase()));
  const mappedQueues = new Set(entries.flatMap(([, meaning]) => ('queue' in meaning ? [meaning.queue] : [])));
  const groupQueues = entries.flatMap(([name, meaning]) => ('queue' in meaning && member.has(name.toLowerCase()) ? [meaning.queue] : []));
  const handGiven = current.queues.filter((queue) => !mappedQueues.has(queue));
  return {
    role: roleGroup && 'role' in roleGroup[1] ? roleGroup[1].role : settings.defaultRole,
    queues: [...new Set([...handGiven, ...groupQueues])].sort(),
  };
}
