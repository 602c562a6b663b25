import type { Task } from '@medplum/fhirtypes';
import { z } from 'zod';
import { callchartTagSystem } from '../ehr/fhir-task.mapper.ts';
import { identifierSearch } from './chart-record.mapper.ts';

/**
 * Event-triggered write-back (IP-1): a refill the clinic denied, or an appointment the patient
 * missed, becomes the configured follow-up Task in the chart, without a note and without call
 * content. One Task per event, by business identifier (conditional create).
 */
export const eventTypes = ['refill-denied', 'missed-appointment', 'callback-request'] as const;
export type EventType = (typeof eventTypes)[number];

const fhirId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'an EHR id (letters, digits, - and .)');

/** What the outbox keeps for an event: ids and codes only. */
export const writeBackEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('refill-denied'), patientId: fhirId, medicationRequestId: fhirId.optional(), callId: z.uuid().optional() }).strict(),
  z.object({ type: z.literal('missed-appointment'), patientId: fhirId, appointmentId: fhirId }).strict(),
  z.object({ type: z.literal('callback-request'), patientId: fhirId, callId: z.uuid() }).strict(),
]);
export type WriteBackEvent = z.infer<typeof writeBackEventSchema>;

export const eventTaskIdentifierSystem = 'https://callchart.dev/fhir/sid/event-task';
export const eventCodeSystem = 'https://callchart.dev/fhir/CodeSystem/follow-up-event';

const labels: Record<EventType, { label: string; nextStep: string }> = {
  'refill-denied': { label: 'Refill denied: tell the patient', nextStep: 'Call the patient: the refill was not approved; offer an appointment' },
  'missed-appointment': { label: 'Missed appointment follow-up', nextStep: 'Call the patient to rebook the missed appointment' },
  'callback-request': { label: 'Callback requested', nextStep: 'Call the patient back' },
};

/** The business identifier of an event's Task: stable, made of ids only. */
export function eventIdentifierValue(event: WriteBackEvent): string {
  switch (event.type) {
    case 'refill-denied':
      return `refill-denied/${event.patientId}/${event.medicationRequestId ?? event.callId ?? 'unspecified'}`;
    case 'missed-appointment':
      return `missed-appointment/${event.appointmentId}`;
    case 'callback-request':
      return `callback-request/${event.callId}`;
  }
}

export function buildEventTask(event: WriteBackEvent, options: { queue: string; dueHours: number; now: Date }): { task: Task; ifNoneExist: string } {
  const value = eventIdentifierValue(event);
  const { label, nextStep } = labels[event.type];
  const focus = event.type === 'missed-appointment'
    ? { reference: `Appointment/${event.appointmentId}` }
    : event.type === 'refill-denied' && event.medicationRequestId ? { reference: `MedicationRequest/${event.medicationRequestId}` } : undefined;
  const task: Task = {
    resourceType: 'Task',
    meta: { tag: [{ system: callchartTagSystem, code: 'event-triggered', display: 'Created by Callchart from an event; no note' }] },
    identifier: [{ system: eventTaskIdentifierSystem, value }],
    status: 'requested',
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ system: eventCodeSystem, code: event.type, display: label }], text: label },
    description: nextStep,
    for: { reference: `Patient/${event.patientId}` },
    ...(focus ? { focus } : {}),
    authoredOn: options.now.toISOString(),
    restriction: { period: { end: new Date(options.now.getTime() + options.dueHours * 3_600_000).toISOString() } },
    input: [{ type: { text: 'work-queue' }, valueString: options.queue }],
  };
  return { task, ifNoneExist: `identifier=${identifierSearch(eventTaskIdentifierSystem, value)}` };
}
