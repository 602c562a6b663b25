/**
 * The EHR side of self-scheduling (SC-1), over the FHIR client (its budget, breaker and load
 * governor): the chart facts a link needs, free slots (FHIR Slot search), and the booking
 * transaction. Errors stay codes; EHR bodies are never echoed (they can hold PHI).
 */
import type { Appointment, Bundle, Patient, Schedule, Slot } from '@medplum/fhirtypes';
import type { FhirClient } from '../ehr/fhir.client.ts';
import { isCallchartError } from '../lib/errors.ts';
import { bookingIdentifierQuery, bookingTransaction, type BookingInput } from './booking-appointment.mapper.ts';
import { mobileNumberOf } from './booking-link.ts';

export interface BookingPatient {
  id: string;
  birthDate: string | null;
  /** The chart's mobile number (E.164 as the chart holds it), or null when it has none. */
  mobile: string | null;
  /** The patient's own practitioners (`Practitioner/…`), whose schedules are offered first. */
  practitioners: string[];
}

/** A free time as the page offers it: the slot, and whom it is with (the schedule's practitioner). */
export interface OfferedSlot {
  slot: Slot & { id: string };
  practitionerReference: string | null;
  practitionerName: string | null;
}

export type BookingOutcome =
  | { kind: 'booked'; appointmentId: string; created: boolean }
  /** The slot is no longer free (someone took it, or it changed since it was read). */
  | { kind: 'slot-taken' };

export type SchedulingFhir = Pick<FhirClient, 'read' | 'search' | 'transaction'>;

export class EhrScheduling {
  constructor(private readonly fhir: SchedulingFhir, private readonly options: { serviceType?: string; maxSlots?: number } = {}) {}

  /** What a link needs from the chart: birth date (the check), mobile number (the SMS), practitioners. */
  async patient(patientId: string): Promise<BookingPatient> {
    const patient = await this.fhir.read<Patient>('Patient', patientId);
    return {
      id: patientId,
      birthDate: patient.birthDate ?? null,
      mobile: mobileNumberOf(patient.telecom ?? []),
      practitioners: (patient.generalPractitioner ?? []).map((reference) => reference.reference ?? '').filter((reference) => reference.startsWith('Practitioner/')),
    };
  }

  /**
   * Free slots between `from` and `to`, soonest first: on the patient's own practitioners'
   * schedules when they have any free, else on every schedule of the service type.
   */
  async freeSlots(patient: BookingPatient, from: Date, to: Date): Promise<OfferedSlot[]> {
    const base: Record<string, string | readonly string[]> = {
      status: 'free',
      start: [`ge${from.toISOString()}`, `lt${to.toISOString()}`],
      // Soonest first, one page: the EHR's default page (often 20) could hide the soonest times.
      _sort: 'start',
      _count: String(this.options.maxSlots ?? 40),
      ...(this.options.serviceType ? { 'service-type': this.options.serviceType } : {}),
    };
    const ownSchedules = patient.practitioners.length > 0 ? await this.fhir.search<Schedule>('Schedule', { actor: patient.practitioners.join(',') }) : [];
    let slots = ownSchedules.length > 0
      ? await this.fhir.search<Slot>('Slot', { ...base, schedule: ownSchedules.map((schedule) => `Schedule/${schedule.id}`).join(',') })
      : [];
    let schedules = ownSchedules;
    if (slots.length === 0) {
      slots = await this.fhir.search<Slot>('Slot', base);
      const scheduleIds = [...new Set(slots.map((slot) => slot.schedule.reference?.replace(/^Schedule\//, '') ?? '').filter(Boolean))];
      schedules = scheduleIds.length > 0 ? await this.fhir.search<Schedule>('Schedule', { _id: scheduleIds.join(',') }) : [];
    }
    const byId = new Map(schedules.map((schedule) => [`Schedule/${schedule.id}`, schedule]));
    return slots
      .filter((slot): slot is Slot & { id: string } => Boolean(slot.id && slot.start && slot.end && Date.parse(slot.start) >= from.getTime()))
      .sort((a, b) => a.start!.localeCompare(b.start!) || a.id.localeCompare(b.id))
      .slice(0, this.options.maxSlots ?? 40)
      .map((slot) => {
        const actor = byId.get(slot.schedule.reference ?? '')?.actor.find((reference) => reference.reference?.startsWith('Practitioner/'));
        return { slot, practitionerReference: actor?.reference ?? null, practitionerName: actor?.display ?? null };
      });
  }

  /** One slot as it is now (its version is what the booking's If-Match names), or null when gone. */
  async slot(slotId: string): Promise<OfferedSlot | null> {
    let slot: Slot;
    try {
      slot = await this.fhir.read<Slot>('Slot', slotId);
    } catch (error) {
      if (isCallchartError(error) && error.code === 'EHR_REJECTED' && (error.detail?.status === 404 || error.detail?.status === 410)) return null;
      throw error;
    }
    const scheduleId = slot.schedule.reference?.replace(/^Schedule\//, '');
    const schedule = scheduleId ? await this.fhir.read<Schedule>('Schedule', scheduleId).catch(() => null) : null;
    const actor = schedule?.actor.find((reference) => reference.reference?.startsWith('Practitioner/'));
    return { slot: slot as Slot & { id: string }, practitionerReference: actor?.reference ?? null, practitionerName: actor?.display ?? null };
  }

  /** The appointment this link booked, if any (the business identifier). */
  async bookedBy(linkId: string): Promise<Appointment | null> {
    const found = await this.fhir.search<Appointment>('Appointment', { identifier: decodeURIComponent(bookingIdentifierQuery(linkId).slice('identifier='.length)) });
    return found.find((appointment) => appointment.status !== 'cancelled' && appointment.status !== 'entered-in-error') ?? null;
  }

  /**
   * Book: the Slot marked busy (If-Match) and the Appointment (If-None-Exist) in one transaction.
   * A conflict is "slot taken" unless this link's appointment exists (then it is this booking,
   * answered twice); anything else is thrown as the client classified it.
   */
  async book(input: BookingInput): Promise<BookingOutcome> {
    if (input.slot.status !== 'free') {
      const mine = await this.bookedBy(input.linkId);
      return mine?.id ? { kind: 'booked', appointmentId: mine.id, created: false } : { kind: 'slot-taken' };
    }
    let response: Bundle;
    try {
      response = await this.fhir.transaction(bookingTransaction(input));
    } catch (error) {
      if (isCallchartError(error) && (error.code === 'EHR_CONFLICT' || (error.code === 'EHR_REJECTED' && error.detail?.status === 412))) {
        const mine = await this.bookedBy(input.linkId);
        return mine?.id ? { kind: 'booked', appointmentId: mine.id, created: false } : { kind: 'slot-taken' };
      }
      throw error;
    }
    const entry = response.entry?.[1];
    const appointment = entry?.resource as Appointment | undefined;
    if (!appointment?.id) {
      // A transaction-response without the resource (Prefer: return=minimal): find it by identifier.
      const mine = await this.bookedBy(input.linkId);
      if (!mine?.id) throw new Error('booking transaction answered without the appointment');
      return { kind: 'booked', appointmentId: mine.id, created: false };
    }
    return { kind: 'booked', appointmentId: appointment.id, created: (entry?.response?.status ?? '').startsWith('201') };
  }
}
