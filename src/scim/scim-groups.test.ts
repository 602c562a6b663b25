import { describe, expect, it } from 'vitest';
import { accessFromGroups, groupMeaning, scimSettingsSchema } from './scim-groups.ts';

const settings = scimSettingsSchema.parse({
  groups: {
    'Callchart Admins': { role: 'admin' },
    'Callchart Supervisors': { role: 'supervisor' },
    'Callchart Nurses': { role: 'nurse' },
    'Triage queue': { queue: 'nurse-triage' },
    'Refills queue': { queue: 'refills' },
  },
});

describe('IdP groups → role and queues', () => {
  it('gives the role of the first listed role group a person is in, names matched without case', () => {
    expect(accessFromGroups(settings, ['callchart nurses', 'Callchart Supervisors'], { queues: [] }).role).toBe('supervisor');
    expect(accessFromGroups(settings, ['Callchart Nurses', 'Everyone'], { queues: [] }).role).toBe('nurse');
  });

  it('falls back to the default role (intake, no queues: sees nothing) in no role group', () => {
    expect(accessFromGroups(settings, ['Everyone'], { queues: [] })).toEqual({ role: 'intake', queues: [] });
  });

  it('gives and takes away mapped queues, keeping queues an admin gave by hand', () => {
    expect(accessFromGroups(settings, ['Triage queue'], { queues: ['front-desk', 'refills'] }).queues).toEqual(['front-desk', 'nurse-triage']);
    expect(accessFromGroups(settings, [], { queues: ['front-desk', 'nurse-triage'] }).queues).toEqual(['front-desk']);
  });

  it('ignores groups the config does not name', () => {
    expect(groupMeaning(settings, 'triage QUEUE')).toEqual({ queue: 'nurse-triage' });
    expect(groupMeaning(settings, 'All staff')).toBeNull();
  });

  it('refuses a mapping that is neither one role nor one queue', () => {
    expect(scimSettingsSchema.safeParse({ groups: { x: { role: 'janitor' } } }).success).toBe(false);
    expect(scimSettingsSchema.safeParse({ groups: { x: { role: 'nurse', queue: 'q' } } }).success).toBe(false);
  });
});
