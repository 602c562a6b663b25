import { beforeAll, describe, expect, it } from 'vitest';
import { buildEventTask, eventIdentifierValue, writeBackEventSchema } from './event-task.mapper.ts';
import { assertValidR4 } from './chart-record.mapper.ts';
import { loadFhirR4Definitions } from '../sandbox-ehr/fhir-definitions.loader.ts';

beforeAll(() => {
  loadFhirR4Definitions();
});

describe('event-triggered Tasks', () => {
  const now = new Date('2026-11-23T15:00:00Z');
  it('a missed appointment becomes one follow-up Task for the patient, focused on the appointment, due per policy, with no note', () => {
    const { task, ifNoneExist } = buildEventTask({ type: 'missed-appointment', patientId: 'pat-1', appointmentId: 'appt-9' }, { queue: 'front-desk', dueHours: 24, now });
    expect(task.for?.reference).toBe('Patient/pat-1');
    expect(task.focus?.reference).toBe('Appointment/appt-9');
    expect(task.restriction?.period?.end).toBe('2026-11-24T15:00:00.000Z');
    expect(task.note).toBeUndefined();
    expect(ifNoneExist).toBe('identifier=https://callchart.dev/fhir/sid/event-task|missed-appointment/appt-9');
    expect(() => assertValidR4(task)).not.toThrow();
  });

  it('the identifier is stable for the same event and made of ids only', () => {
    const event = { type: 'refill-denied' as const, patientId: 'pat-1', medicationRequestId: 'mr-4' };
    expect(eventIdentifierValue(event)).toBe(eventIdentifierValue({ ...event }));
    expect(eventIdentifierValue(event)).toBe('refill-denied/pat-1/mr-4');
  });

  it('refuses events that are not ids (no names, no free text)', () => {
    expect(writeBackEventSchema.safeParse({ type: 'missed-appointment', patientId: 'Jane Doe', appointmentId: 'a' }).success).toBe(false);
    expect(writeBackEventSchema.safeParse({ type: 'missed-appointment', patientId: 'p', appointmentId: 'a', note: 'x' }).success).toBe(false);
    expect(writeBackEventSchema.safeParse({ type: 'callback-request', patientId: 'p' }).success).toBe(false);
  });
});
