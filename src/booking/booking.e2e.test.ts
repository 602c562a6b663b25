import type { Appointment, Bundle, Slot } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { twilioRestClient } from '../pbx/twilio-rest.client.ts';
import { startSandboxEhr, type SandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { startTwilioCloud, type TwilioCloud } from '../simulator/twilio-cloud.server.ts';
import { startHarness, type Harness } from '../../test/helpers/engine-harness.ts';
import { adultCallers, clinic, reviewCalls, scenarios } from '../../test/helpers/review-calls.ts';
import { bookingIdentifierSystem } from './booking-appointment.mapper.ts';

/**
 * Self-scheduling links end to end (issue 16, SC-1): the engine on a real socket, the sandbox EHR
 * over HTTP (Slot search, the booking transaction), the local Twilio stand-in for the SMS, and the
 * patient's pages as a browser posts them. Synthetic patients and calls only.
 */
const clinicNumber = '+16175550100';
const publicBaseUrl = 'https://clinic.example';
let now = new Date();
let ehr: SandboxEhr;
let cloud: TwilioCloud;
let harness: Harness;

beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0, scheduleFrom: now.toISOString().slice(0, 10) });
  cloud = await startTwilioCloud();
  harness = await startHarness('pglite', {
    ehr,
    clock: () => now,
    config: { twilio: { clinicNumber }, booking: { publicBaseUrl, linkHours: 72, maxBirthDateChecks: 3, sessionMinutes: 30, horizonDays: 14 } },
    engine: { twilioRest: twilioRestClient({ accountSid: cloud.accountSid, authToken: cloud.authToken, apiBaseUrl: cloud.url }) },
  });
}, 120_000);
afterAll(async () => {
  await harness?.close();
  await cloud?.close();
  await ehr?.close();
});

const { api, placeCall } = reviewCalls(() => harness, () => ehr);
const queue = 'demo-review';
const appointmentText = 'Synthetic: hi, I would like to book an appointment with my doctor next week please.';
/** Adults whose chart has a mobile number (the SMS goes there). */
/** Adults with a mobile in the chart and no standing consent choice (an AI opt-out leaves the call unclassified). */
const withConsent = new Set(clinic.consents.map((consent) => consent.patient?.reference));
const withMobile = adultCallers.filter((caller) => !withConsent.has(`Patient/${caller.patientId}`)
  && clinic.patients.find((patient) => patient.id === caller.patientId)?.telecom?.some((contact) => contact.use === 'mobile'));

/** The page as a browser gets it: status, HTML, and the cookie it set. */
async function browse(url: string, options: { cookie?: string; form?: Record<string, string> } = {}) {
  const response = await fetch(url.replace(publicBaseUrl, harness.engine.url), {
    method: options.form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { ...(options.cookie ? { cookie: options.cookie } : {}), ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(options.form ? { body: new URLSearchParams(options.form).toString() } : {}),
  });
  const setCookie = response.headers.get('set-cookie');
  return { status: response.status, html: await response.text(), cookie: setCookie ? setCookie.split(';')[0]! : undefined, location: response.headers.get('location'), csp: response.headers.get('content-security-policy') };
}
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const slotLinks = (html: string) => [...html.matchAll(/href="([^"]*\?slot=([^"]+))"/g)].map((match) => ({ href: match[1]!.replace(/&amp;/g, '&'), slotId: decodeURIComponent(match[2]!) }));

async function ehrSearch<T>(query: string): Promise<T[]> {
  const type = query.split('?')[0]!;
  const response = await fetch(`${ehr.baseUrl}/${query}`, { headers: { authorization: `Bearer ${ehr.issueTestToken(`system/${type}.rs`)}` } });
  return ((await response.json()) as Bundle).entry?.map((entry) => entry.resource as T) ?? [];
}
const appointmentsOf = (linkId: string) => ehrSearch<Appointment>(`Appointment?identifier=${encodeURIComponent(`${bookingIdentifierSystem}|${linkId}`)}`);

/** An appointment call from a caller with a mobile, a link sent for it; returns the link URL and ids. */
async function sentLink(id: string, index: number) {
  const caller = withMobile[index]!;
  const { item, patient } = await placeCall({ id, queue, dob: true, text: appointmentText, caller });
  const sent = await api('POST', `/api/calls/${item.callId}/booking-link`, undefined, 'nurse');
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  const sms = cloud.messages.at(-1)!;
  const url = /https:\/\/\S+/.exec(sms.body)![0];
  return { callId: item.callId, linkId: sent.body.link.linkId as string, url, sms, patient, sent: sent.body };
}

/** Through the birth-date step: the page session cookie. */
async function verified(url: string, birthDate: string) {
  const first = await browse(url);
  const answer = await browse(`${url}/verify`, { form: { csrf: csrfOf(first.html), birthDate } });
  expect(answer.status).toBe(303);
  return answer.cookie!;
}

describe('self-scheduling links', () => {
  it('texts a link with no PHI to the chart\'s mobile, from the clinic\'s number; the page asks the date of birth before anything else', async () => {
    const { url, sms, patient, sent, callId } = await sentLink('booking-sms', 0);
    const mobile = patient.telecom!.filter((contact) => contact.use === 'mobile').sort((a, b) => (a.rank ?? 9) - (b.rank ?? 9))[0]!.value!;
    expect(sms).toMatchObject({ to: mobile, from: clinicNumber });
    expect(url).toMatch(/^https:\/\/clinic\.example\/book\/[A-Za-z0-9_-]{43}$/);
    const mrn = patient.identifier![0]!.value!;
    const [year, month, day] = patient.birthDate!.split('-');
    for (const phi of [patient.name![0]!.family!, ...patient.name![0]!.given!, patient.birthDate!, `${month}/${day}/${year}`, mobile, mobile.slice(2), mrn, patient.id!]) {
      expect(sms.body, 'the SMS').not.toContain(phi);
    }
    expect(sms.body).toContain('Demo Clinic (synthetic)');
    // Staff see the number masked: the last two digits.
    expect(sent.sentTo).not.toContain(mobile.slice(2, -2));
    expect(sent.sentTo.endsWith(mobile.slice(-2))).toBe(true);

    const page = await browse(url);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Date of birth');
    expect(page.html).not.toContain(patient.name![0]!.family!);
    expect(slotLinks(page.html)).toEqual([]);
    expect(page.csp).toContain("default-src 'none'");
    expect(page.csp).toContain("form-action 'self'");
    const status = await api('GET', `/api/calls/${callId}/booking-link`);
    expect(status.body).toMatchObject({ link: { status: 'opened', appointmentId: null }, appointmentRequest: true, patientIdentified: true });
  });

  it('wrong dates of birth lock the link after the configured tries; locked, it shows no times even with the right date', async () => {
    const { url, patient, callId } = await sentLink('booking-locked', 1);
    let page = await browse(url);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const answer = await browse(`${url}/verify`, { form: { csrf: csrfOf(page.html), birthDate: '1901-01-01' } });
      expect(answer.status).toBe(attempt < 3 ? 422 : 410);
      if (attempt < 3) expect(answer.html).toContain('does not match our records');
      else expect(answer.html).toContain('This link is locked');
      page = answer.status === 422 ? answer : page;
    }
    const right = await browse(`${url}/verify`, { form: { csrf: csrfOf(page.html), birthDate: patient.birthDate! } });
    expect(right.status).toBe(410);
    expect(right.cookie).toBeUndefined();
    expect((await browse(url)).status).toBe(410);
    expect((await api('GET', `/api/calls/${callId}/booking-link`)).body.link.status).toBe('locked');
    const audit = await listAuditEvents(harness.engine.db, { limit: 5000 });
    expect(audit.filter((event) => event.action === 'booking.link.birth-date-refused' && event.objectId === (audit.find((e) => e.action === 'booking.link.locked')?.objectId))).toHaveLength(3);
    expect(JSON.stringify(audit.filter((event) => event.action.startsWith('booking.')))).not.toContain(patient.birthDate!);
  });

  it('books one Appointment however often the link is used: two concurrent submits, a second visit and a later submit for another time', async () => {
    const { url, linkId, patient, callId } = await sentLink('booking-once', 2);
    const cookie = await verified(url, patient.birthDate!);
    const slotsPage = await browse(url, { cookie });
    expect(slotsPage.status).toBe(200);
    const offered = slotLinks(slotsPage.html);
    expect(offered.length).toBeGreaterThan(1);
    const confirm = await browse(`${publicBaseUrl}${offered[0]!.href}`, { cookie });
    expect(confirm.html).toContain('Confirm your appointment');
    const form = { csrf: csrfOf(confirm.html), slotId: offered[0]!.slotId };

    const [first, second] = await Promise.all([browse(`${url}/book`, { cookie, form }), browse(`${url}/book`, { cookie, form })]);
    for (const answer of [first, second]) {
      expect(answer.status).toBe(200);
      expect(answer.html).toContain('Your appointment is booked');
    }
    const booked = await appointmentsOf(linkId);
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({ status: 'booked', slot: [{ reference: `Slot/${offered[0]!.slotId}` }] });
    expect(booked[0]!.participant.map((participant) => participant.actor?.reference)).toContain(`Patient/${patient.id}`);
    const [slot] = await ehrSearch<Slot>(`Slot?_id=${offered[0]!.slotId}`);
    expect(slot!.status).toBe('busy');

    // Used again, from the same browser, for another time: the booking, not a second one.
    const later = await browse(`${url}/book`, { cookie, form: { ...form, slotId: offered[1]!.slotId } });
    expect(later.html).toContain('Your appointment is booked');
    expect((await browse(url, { cookie })).html).toContain('Your appointment is booked');
    expect(await appointmentsOf(linkId)).toHaveLength(1);
    const [other] = await ehrSearch<Slot>(`Slot?_id=${offered[1]!.slotId}`);
    expect(other!.status).toBe('free');

    const status = await api('GET', `/api/calls/${callId}/booking-link`);
    expect(status.body.link).toMatchObject({ status: 'booked', appointmentId: booked[0]!.id });
    const audit = await listAuditEvents(harness.engine.db, { limit: 5000 });
    expect(audit.filter((event) => event.action === 'booking.appointment.booked' && event.objectId === linkId)).toHaveLength(1);
  });

  it('a time taken meanwhile: "that time was just taken", nothing booked', async () => {
    const { url, linkId, patient } = await sentLink('booking-taken', 3);
    const cookie = await verified(url, patient.birthDate!);
    const offered = slotLinks((await browse(url, { cookie })).html);
    const confirm = await browse(`${publicBaseUrl}${offered[0]!.href}`, { cookie });
    // Someone at the front desk books that time in the EHR first.
    const [slot] = await ehrSearch<Slot>(`Slot?_id=${offered[0]!.slotId}`);
    const taken = await fetch(`${ehr.baseUrl}/Slot/${slot!.id}`, {
      method: 'PUT', headers: { 'content-type': 'application/fhir+json', authorization: `Bearer ${ehr.issueTestToken('system/Slot.u')}` },
      body: JSON.stringify({ ...slot, status: 'busy' }),
    });
    expect(taken.status).toBe(200);
    const answer = await browse(`${url}/book`, { cookie, form: { csrf: csrfOf(confirm.html), slotId: offered[0]!.slotId } });
    expect(answer.status).toBe(409);
    expect(answer.html).toContain('That time was just taken');
    expect(slotLinks(answer.html).map((link) => link.slotId)).not.toContain(offered[0]!.slotId);
    expect(await appointmentsOf(linkId)).toHaveLength(0);
  });

  it('refuses with a reason: not an appointment request, no identified chart (422); the wrong role (403); another queue (404)', async () => {
    const refill = await placeCall({ id: 'booking-refill', queue, dob: true, text: 'Synthetic: I need a refill of my lisinopril please.', caller: withMobile[4]! });
    const notAppointment = await api('POST', `/api/calls/${refill.item.callId}/booking-link`);
    expect(notAppointment.status).toBe(422);
    expect(notAppointment.body.error.code).toBe('BOOKING_NOT_AN_APPOINTMENT_REQUEST');

    const unknown = await placeCall({ id: 'booking-unknown', queue, dob: false, text: appointmentText, caller: { phone: scenarios.unknown[0]!, patientId: withMobile[5]!.patientId } });
    const unidentified = await api('POST', `/api/calls/${unknown.item.callId}/booking-link`);
    expect(unidentified.status).toBe(422);
    expect(unidentified.body.error.code).toBe('BOOKING_PATIENT_NOT_IDENTIFIED');
    const audit = await listAuditEvents(harness.engine.db, { limit: 5000 });
    expect(audit.filter((event) => event.action === 'booking.link.refused').map((event) => event.reason)).toEqual(expect.arrayContaining(['BOOKING_NOT_AN_APPOINTMENT_REQUEST', 'BOOKING_PATIENT_NOT_IDENTIFIED']));

    const appointment = await placeCall({ id: 'booking-roles', queue, dob: true, text: appointmentText, caller: withMobile[6]! });
    const sends = cloud.messages.length;
    const asAnalyst = await api('POST', `/api/calls/${appointment.item.callId}/booking-link`, undefined, 'analyst');
    expect(asAnalyst.status).toBe(403);
    const otherQueue = await fetch(`${harness.engine.url}/api/calls/${appointment.item.callId}/booking-link`, {
      method: 'POST', headers: { authorization: `Bearer ${await harness.token('intake', ['somewhere-else'])}` },
    });
    expect(otherQueue.status).toBe(404);
    expect(cloud.messages.length).toBe(sends);
  });

  it('sending again replaces the link (the old one says so); unknown links 404; an expired link is a 410 page with the clinic\'s number', async () => {
    const first = await sentLink('booking-resend', 7);
    const again = await api('POST', `/api/calls/${first.callId}/booking-link`);
    expect(again.status).toBe(201);
    const replaced = await browse(first.url);
    expect(replaced.status).toBe(410);
    expect(replaced.html).toContain('This link was replaced');
    const unknown = await browse(`${publicBaseUrl}/book/${'A'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect((await browse(`${publicBaseUrl}/book/not-a-token`)).status).toBe(404);

    const newest = /https:\/\/\S+/.exec(cloud.messages.at(-1)!.body)![0];
    expect((await browse(newest)).status).toBe(200);
    now = new Date(now.getTime() + 73 * 3_600_000);
    const expired = await browse(newest);
    expect(expired.status).toBe(410);
    expect(expired.html).toContain('This link has expired');
    expect(expired.html).toContain('(617) 555-0100');
    expect(expired.html).not.toContain(first.patient.name![0]!.family!);
  });
});
