import { describe, expect, it } from 'vitest';
import {
  birthDateMatches, bookingSmsText, bookingUrl, formToken, formTokenMatches, isLinkTokenShape, linkAvailability, linkTokenHash, maskedNumber, mobileNumberOf, newLinkToken,
} from './booking-link.ts';
import { appointmentForSlot, bookingTransaction } from './booking-appointment.mapper.ts';

describe('booking link tokens', () => {
  it('are 256 random bits, opaque, and stored only as a hash', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => newLinkToken()));
    expect(tokens.size).toBe(200);
    for (const token of tokens) {
      expect(isLinkTokenShape(token)).toBe(true);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      expect(linkTokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
      expect(linkTokenHash(token)).not.toContain(token);
    }
    expect(isLinkTokenShape('../../etc/passwd')).toBe(false);
    expect(isLinkTokenShape('A'.repeat(44))).toBe(false);
  });

  it('form tokens are bound to the link and the page session', () => {
    const key = Buffer.alloc(32, 7);
    const token = formToken(key, 'link-1', 'session-a');
    expect(formTokenMatches(key, 'link-1', 'session-a', token)).toBe(true);
    expect(formTokenMatches(key, 'link-2', 'session-a', token)).toBe(false);
    expect(formTokenMatches(key, 'link-1', 'session-b', token)).toBe(false);
    expect(formTokenMatches(key, 'link-1', null, token)).toBe(false);
    expect(formTokenMatches(key, 'link-1', 'session-a', undefined)).toBe(false);
    expect(formTokenMatches(Buffer.alloc(32, 8), 'link-1', 'session-a', token)).toBe(false);
  });
});

describe('the SMS and the number', () => {
  it('the text is fixed wording: the clinic, the link and how long it works', () => {
    const url = bookingUrl('https://clinic.example/', 'T'.repeat(43));
    expect(url).toBe(`https://clinic.example/book/${'T'.repeat(43)}`);
    expect(bookingSmsText('Riverside Family Medicine', url, 72)).toBe(`Riverside Family Medicine: you can choose a time for your appointment here: ${url} (link valid 72 hours)`);
  });

  it('goes to the mobile number in use, lowest rank first; never a home or ended number', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    expect(mobileNumberOf([{ system: 'phone', use: 'home', value: '+16175550101', rank: 1 }], now)).toBeNull();
    expect(mobileNumberOf([
      { system: 'phone', use: 'mobile', value: '+16175550102', rank: 3 },
      { system: 'phone', use: 'mobile', value: '+16175550103', rank: 2, period: { end: '2025-01-01' } },
      { system: 'phone', use: 'home', value: '+16175550104', rank: 1 },
      { system: 'phone', use: 'mobile', value: '+16175550105', rank: 2 },
    ], now)).toBe('+16175550105');
    expect(mobileNumberOf([{ system: 'sms', value: '+16175550106' }], now)).toBe('+16175550106');
    expect(mobileNumberOf([{ system: 'phone', use: 'old', value: '+16175550107' }], now)).toBeNull();
  });

  it('staff see only the last two digits', () => {
    expect(maskedNumber('+16175550142')).toBe('••• ••• ••42');
  });
});

describe('what a link may do', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  const later = new Date('2026-12-10T12:00:00Z');
  it('expired, locked, replaced and unsent links cannot be used; a booked one shows its booking until it expires', () => {
    expect(linkAvailability({ status: 'opened', expiresAt: later, appointmentId: null }, now)).toBe('usable');
    expect(linkAvailability({ status: 'opened', expiresAt: now, appointmentId: null }, now)).toBe('expired');
    expect(linkAvailability({ status: 'locked', expiresAt: later, appointmentId: null }, now)).toBe('locked');
    expect(linkAvailability({ status: 'superseded', expiresAt: later, appointmentId: null }, now)).toBe('superseded');
    expect(linkAvailability({ status: 'send-failed', expiresAt: later, appointmentId: null }, now)).toBe('not-sent');
    expect(linkAvailability({ status: 'booked', expiresAt: later, appointmentId: 'a1' }, now)).toBe('booked');
    expect(linkAvailability({ status: 'booked', expiresAt: now, appointmentId: 'a1' }, now)).toBe('expired');
  });

  it('the date of birth must be the chart\'s exactly', () => {
    expect(birthDateMatches('1961-04-12', '1961-04-12')).toBe(true);
    expect(birthDateMatches('1961-12-04', '1961-04-12')).toBe(false);
    expect(birthDateMatches('', '1961-04-12')).toBe(false);
    expect(birthDateMatches('1961-04-12', null)).toBe(false);
  });
});

describe('the booking written to the EHR', () => {
  const slot = { resourceType: 'Slot' as const, id: 'slot-1', meta: { versionId: '3' }, schedule: { reference: 'Schedule/s1' }, status: 'free' as const, start: '2026-12-08T14:00:00Z', end: '2026-12-08T14:30:00Z' };
  const input = { linkId: 'link-1', patientId: 'pat-0001', slot, practitionerReference: 'Practitioner/prac-01', now: new Date('2026-12-07T12:00:00Z') };

  it('is one transaction: the slot busy if unchanged since read, the appointment unless the link booked one', () => {
    const bundle = bookingTransaction(input);
    expect(bundle.type).toBe('transaction');
    expect(bundle.entry![0]).toMatchObject({ resource: { resourceType: 'Slot', id: 'slot-1', status: 'busy' }, request: { method: 'PUT', url: 'Slot/slot-1', ifMatch: 'W/"3"' } });
    expect(bundle.entry![1]!.request).toEqual({ method: 'POST', url: 'Appointment', ifNoneExist: 'identifier=https%3A%2F%2Fcallchart.dev%2Ffhir%2Fbooking-link%7Clink-1' });
  });

  it('the appointment is the slot\'s time, booked, for the patient and the practitioner, and says nothing of the call', () => {
    const appointment = appointmentForSlot(input);
    expect(appointment).toMatchObject({ status: 'booked', start: slot.start, end: slot.end, minutesDuration: 30, slot: [{ reference: 'Slot/slot-1' }] });
    expect(appointment.participant.map((participant) => participant.actor?.reference)).toEqual(['Patient/pat-0001', 'Practitioner/prac-01']);
    expect(appointment.comment).toBe('Booked by the patient from a Callchart self-scheduling link');
  });
});
