import type { Appointment, Bundle } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingIdentifierSystem } from '../../src/booking/booking-appointment.mapper.ts';
import { twilioRestClient } from '../../src/pbx/twilio-rest.client.ts';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { startTwilioCloud, type TwilioCloud } from '../../src/simulator/twilio-cloud.server.ts';
import { eventually, startHarness, type Harness } from '../helpers/engine-harness.ts';
import { adultCallers, clinic, reviewCalls } from '../helpers/review-calls.ts';
import { browser, closeBrowser, phone, screenshots, seriousViolations, signedInPage, watchPage } from '../helpers/staff-app.ts';

// Synthetic patients and calls only.
const publicBaseUrl = 'https://clinic.example';
let ehr: SandboxEhr;
let cloud: TwilioCloud;
let harness: Harness;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  cloud = await startTwilioCloud();
  harness = await startHarness('pglite', {
    ehr,
    config: { twilio: { clinicNumber: '+16175550100' }, booking: { publicBaseUrl, linkHours: 72, maxBirthDateChecks: 5, sessionMinutes: 30, horizonDays: 14 } },
    engine: { twilioRest: twilioRestClient({ accountSid: cloud.accountSid, authToken: cloud.authToken, apiBaseUrl: cloud.url }) },
  });
}, 120_000);
afterAll(async () => {
  await closeBrowser();
  await harness?.close();
  await cloud?.close();
  await ehr?.close();
});

const { placeCall } = reviewCalls(() => harness, () => ehr);
const queue = 'demo-review';
/** Adults with a mobile in the chart and no standing consent choice (an AI opt-out leaves the call unclassified). */
const withConsent = new Set(clinic.consents.map((consent) => consent.patient?.reference));
const withMobile = adultCallers.filter((caller) => !withConsent.has(`Patient/${caller.patientId}`)
  && clinic.patients.find((patient) => patient.id === caller.patientId)?.telecom?.some((contact) => contact.use === 'mobile'));

describe('self-scheduling, in the browser', () => {
  it('a nurse texts a booking link from the review item; on a 390 px phone the patient confirms their birth date, picks a time, double-taps Book, and one Appointment is booked; the review item says Booked', async () => {
    const { item, patient } = await placeCall({ id: 'booking-browser', queue, dob: true, text: 'Synthetic: hi, I would like to book an appointment with my doctor next week please.', caller: withMobile[8]! });
    const nurse = await signedInPage(harness.engine, { role: 'nurse', queues: [queue] }, `/review/${item.id}`);
    const card = nurse.page.getByTestId('booking-link');
    await card.getByTestId('send-booking-link').click();
    await expect.poll(() => card.getByTestId('booking-link-status').textContent(), { timeout: 15_000 }).toBe('Sent');
    const sms = cloud.messages.at(-1)!;
    const link = /https:\/\/\S+/.exec(sms.body)![0].replace(publicBaseUrl, harness.engine.url);
    expect(await card.innerText()).not.toContain(sms.to.slice(2, -2));

    // The patient's phone: no staff session, 390 px wide.
    const context = await (await browser()).newContext({ viewport: phone, locale: 'en-US', timezoneId: 'America/New_York' });
    const page = await context.newPage();
    const pageErrors = watchPage(page);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Book an appointment' }).waitFor();
    const before = await page.locator('body').innerText();
    for (const phi of [patient.name![0]!.family!, patient.birthDate!, patient.identifier![0]!.value!]) expect(before).not.toContain(phi);
    expect(await page.getByRole('link').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    expect((await screenshots(page, 'booking-birth-date')).phoneWidth).toBeLessThanOrEqual(390);

    await page.getByLabel('Date of birth').fill(patient.birthDate!);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Choose a time' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect((await screenshots(page, 'booking-times')).phoneWidth).toBeLessThanOrEqual(390);
    await page.locator('ul.slots a').first().click();
    await page.getByRole('heading', { name: 'Confirm your appointment' }).waitFor();
    const chosen = await page.locator('.card strong').innerText();
    // A double tap on Book: two submits, one booking.
    await page.getByRole('button', { name: 'Book this time' }).dblclick();
    await page.getByRole('heading', { name: 'Your appointment is booked' }).waitFor();
    expect(await page.locator('[role="status"]').innerText()).toContain(chosen);
    expect((await screenshots(page, 'booking-booked')).phoneWidth).toBeLessThanOrEqual(390);
    // Opened again: the booking, not the times.
    await page.goto(link);
    await page.getByRole('heading', { name: 'Your appointment is booked' }).waitFor();
    expect(pageErrors).toEqual([]);

    const linkId = ((await (await fetch(`${harness.engine.url}/api/calls/${item.callId}/booking-link`, { headers: { authorization: `Bearer ${await harness.token('nurse')}` } })).json()) as { link: { linkId: string } }).link.linkId;
    const response = await fetch(`${ehr.baseUrl}/Appointment?identifier=${encodeURIComponent(`${bookingIdentifierSystem}|${linkId}`)}`, { headers: { authorization: `Bearer ${ehr.issueTestToken('system/Appointment.rs')}` } });
    const appointments = ((await response.json()) as Bundle<Appointment>).entry ?? [];
    expect(appointments).toHaveLength(1);

    await nurse.page.reload();
    await eventually(async () => ((await nurse.page.getByTestId('booking-link-status').textContent().catch(() => '')) === 'Booked' ? true : null), 15_000, 'the review item to say Booked');
    expect(await nurse.page.getByTestId('booking-link').innerText()).toContain(appointments[0]!.resource!.id!);
    expect(nurse.pageErrors).toEqual([]);
    await context.close();
    await nurse.context.close();
  });
});
