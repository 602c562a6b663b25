import type { Communication, DocumentReference, Provenance, Task } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { SANDBOX_EHR_READER_SCOPES } from '../engine/secrets.ts';
import { callTaskIdentifierSystem } from '../ehr/fhir-task.mapper.ts';
import { grantScopes, parseScope, scopesAllow, type SystemScope } from '../sandbox-ehr/smart-scopes.ts';
import { callIdentifierSystem, callNoteIdentifierSystem } from './chart-record.mapper.ts';
import { chartReaderScopes, countChartRecords, describeChartRecordGroup, groupChartRecords, onPatient, writtenIdentifierSystems } from './chart-readback.ts';
import { eventTaskIdentifierSystem } from './event-task.mapper.ts';

// Synthetic resources only.
const task = (id: string, value: string, patient: string | null, updated: string): Task => ({
  resourceType: 'Task', id, status: 'requested', intent: 'order', priority: 'routine',
  identifier: [{ system: callTaskIdentifierSystem, value }], code: { text: 'Prescription refill' },
  ...(patient ? { for: { reference: patient } } : {}), meta: { lastUpdated: updated },
});
const communication = (id: string, value: string, patient: string): Communication => ({
  resourceType: 'Communication', id, status: 'completed', identifier: [{ system: callIdentifierSystem, value }], subject: { reference: patient },
  payload: [{ contentString: 'Reason: prescription refill\nNext step: Send the refill (synthetic)' }], meta: { lastUpdated: '2026-12-01T10:00:01Z', tag: [{ code: 'staff-approved', display: 'Reviewed and approved by staff' }] },
});
const note = (id: string, value: string, patient: string): DocumentReference => ({
  resourceType: 'DocumentReference', id, status: 'current', docStatus: 'final', identifier: [{ system: callNoteIdentifierSystem, value }], subject: { reference: patient },
  authenticator: { identifier: { value: 'demo-nurse' } }, content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('Synthetic note: refill sent.').toString('base64') } }],
  meta: { lastUpdated: '2026-12-01T10:00:02Z' },
});
const provenance = (id: string, targets: string[]): Provenance => ({
  resourceType: 'Provenance', id, recorded: '2026-12-01T10:00:03Z', target: targets.map((reference) => ({ reference })),
  agent: [{ type: { text: 'AI draft' }, who: { display: 'Callchart rules' } }, { type: { text: 'Approved by staff' }, who: { identifier: { value: 'demo-nurse' } } }],
});

describe('reading back what Callchart wrote to the chart', () => {
  const records = {
    tasks: [task('t1', 'sim/call-1', 'Patient/p1', '2026-12-01T10:00:00Z'), task('t2', 'sim/call-2', null, '2026-12-02T09:00:00Z')],
    communications: [communication('c1', 'sim/call-1', 'Patient/p1')],
    documents: [note('d1', 'sim/call-1/v3', 'Patient/p1')],
    provenance: [provenance('pr1', ['Task/t1', 'Communication/c1', 'DocumentReference/d1']), provenance('pr-other', ['Task/not-ours'])],
  };

  it('groups each call\'s Task, Communication, note (any version) and Provenance together, newest call first', () => {
    const groups = groupChartRecords(records);
    expect(groups.map((group) => group.key)).toEqual(['call sim/call-2', 'call sim/call-1']);
    const call1 = groups[1]!;
    expect(call1.patient).toBe('Patient/p1');
    expect([call1.tasks, call1.communications, call1.documents, call1.provenance].map((list) => list.map((resource) => resource.id))).toEqual([['t1'], ['c1'], ['d1'], ['pr1']]);
    expect(groups[0]!.patient).toBeNull();
    // Provenance about something Callchart did not write is not shown as ours.
    expect(countChartRecords(groups)).toEqual({ Task: 2, Communication: 1, DocumentReference: 1, Provenance: 1 });
  });

  it('an event Task is its own group', () => {
    const event: Task = { resourceType: 'Task', id: 'e1', status: 'requested', intent: 'order', identifier: [{ system: eventTaskIdentifierSystem, value: 'refill-denied/x1' }] };
    expect(groupChartRecords({ ...records, tasks: [event] }).map((group) => group.key)).toContain('event refill-denied/x1');
  });

  it('filters by patient, by id or by reference', () => {
    const groups = groupChartRecords(records);
    expect(onPatient(groups, 'p1').map((group) => group.key)).toEqual(['call sim/call-1']);
    expect(onPatient(groups, 'Patient/p1')).toHaveLength(1);
    expect(onPatient(groups, 'p2')).toEqual([]);
  });

  it('says what a person checking the chart needs: status, tags, who approved, and the text itself', () => {
    const text = describeChartRecordGroup(groupChartRecords(records)[1]!).join('\n');
    expect(text).toContain('call sim/call-1  (Patient/p1)');
    expect(text).toMatch(/Task\s+requested · routine · Prescription refill · for Patient\/p1 {2}\(Task\/t1\)/);
    expect(text).toContain('Reviewed and approved by staff');
    expect(text).toContain('Next step: Send the refill (synthetic)');
    expect(text).toContain('approved by staff demo-nurse');
    expect(text).toContain('Synthetic note: refill sent.');
    expect(text).toContain('Approved by staff: staff demo-nurse');
  });

  it("the demo's read-only sandbox client may read and search every type the read-back needs, and write none", () => {
    const granted = grantScopes([...chartReaderScopes, ...SANDBOX_EHR_READER_SCOPES], SANDBOX_EHR_READER_SCOPES).map(parseScope).filter((scope): scope is SystemScope => scope !== null);
    for (const resourceType of new Set([...writtenIdentifierSystems.map((written) => written.resourceType), 'Provenance'])) {
      expect(scopesAllow(granted, resourceType, 's'), `${resourceType} search`).toBe(true);
      expect(scopesAllow(granted, resourceType, 'r'), `${resourceType} read`).toBe(true);
    }
    for (const permission of ['c', 'u', 'd'] as const) expect(granted.some((scope) => scope.permissions.has(permission))).toBe(false);
  });
});
