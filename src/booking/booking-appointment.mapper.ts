/**
 * What a booking writes to the EHR (SC-1), as FHIR scheduling expects it: the Appointment for the
 * chosen Slot, and the Slot marked busy, in one transaction. Pure: no I/O.
 *
 * Exactly once rests on two guards the EHR enforces in the same transaction:
 * - the Appointment is a conditional create on a business identifier derived from the link, so a
 *   second use of the link, a double submit or a retry after a lost answer finds the first one;
 * - the Slot update carries `If-Match` on the version we read it at, so a time someone else took
 *   meanwhile fails the whole transaction (412) instead of being double-booked.
 */
import type { Appointment, Bundle, Slot } from '@medplum/fhirtypes';

/** The business identifier system of appointments booked from a link (value: the link's id). */
export const bookingIdentifierSystem = 'https://callchart.dev/fhir/booking-link';

/** The conditional-create criteria that find the appointment a link booked. */
export function bookingIdentifierQuery(linkId: string): string {
  return `identifier=${encodeURIComponent(`${bookingIdentifierSystem}|${linkId}`)}`;
}

export interface BookingInput {
  linkId: string;
  patientId: string;
  slot: Slot & { id: string };
  /** The practitioner whose schedule the slot is on (`Practitioner/…`), when the Schedule names one. */
  practitionerReference: string | null;
  /** When the patient confirmed (the Appointment's `created`). */
  now: Date;
}

/** The Appointment for a slot: booked, the patient and practitioner accepted, patient-booked. */
export function appointmentForSlot(input: BookingInput): Appointment {
  const { slot } = input;
  const minutes = Math.round((Date.parse(slot.end!) - Date.parse(slot.start!)) / 60_000);
  return {
    resourceType: 'Appointment',
    identifier: [{ system: bookingIdentifierSystem, value: input.linkId }],
    status: 'booked',
    ...(slot.serviceType ? { serviceType: slot.serviceType } : {}),
    start: slot.start!,
    end: slot.end!,
    ...(minutes > 0 ? { minutesDuration: minutes } : {}),
    slot: [{ reference: `Slot/${slot.id}` }],
    created: input.now.toISOString(),
    // Fixed wording: no call content reaches the appointment.
    comment: 'Booked by the patient from a Callchart self-scheduling link',
    participant: [
      { actor: { reference: `Patient/${input.patientId}` }, status: 'accepted', required: 'required' },
      ...(input.practitionerReference ? [{ actor: { reference: input.practitionerReference }, status: 'accepted' as const, required: 'required' as const }] : []),
    ],
  };
}

/**
 * The booking transaction: the Slot marked busy if nobody changed it since `slot.meta.versionId`,
 * and the Appointment unless the link already booked one.
 */
export function bookingTransaction(input: BookingInput): Bundle {
  const { slot } = input;
  const version = slot.meta?.versionId;
  const busy: Slot = { ...slot, status: 'busy' };
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { resource: busy, request: { method: 'PUT', url: `Slot/${slot.id}`, ...(version ? { ifMatch: `W/"${version}"` } : {}) } },
      { resource: appointmentForSlot(input), request: { method: 'POST', url: 'Appointment', ifNoneExist: bookingIdentifierQuery(input.linkId) } },
    ],
  };
}
