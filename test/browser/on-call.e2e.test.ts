import type { MedicationRequest, Provenance } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { startTwilioCloud, type TwilioCloud } from '../../src/simulator/twilio-cloud.server.ts';
import { refillOrderIdentifierSystem } from '../../src/write-back/refill-order.mapper.ts';
import { eventually, startHarness, type Harness } from '../helpers/engine-harness.ts';
import { clinic, reviewCalls } from '../helpers/review-calls.ts';
import { clinicNumber, lisinoprilCallers, onCallPhone, rulesFileWithHours } from '../helpers/on-call.ts';
import { browser, closeBrowser, phone, seriousViolations, watchPage } from '../helpers/staff-app.ts';
import { signUpAndSignIn } from '../helpers/staff-session.ts';

/**
 * Issue 16, "Prove it": at phone width (390 px) the on-call clinician opens the link from the SMS,
 * signs in (password and authenticator code), approves the refill in one tap, and the
 * MedicationRequest appears once in the sandbox EHR with its Provenance; the SMS carries no PHI.
 * Real Chromium, the engine on real sockets, the sandbox EHR over HTTP, the local Twilio stand-in.
 * The clinic calendar is always closed here. Synthetic patients, staff and calls only.
 */
const clinicianUserName = 'dr.oncall.browser';
let ehr: SandboxEhr;
let cloud: TwilioCloud;
let harness: Harness;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  cloud = await startTwilioCloud();
  harness = await startHarness('pglite', {
    ehr,
    config: {
      routing: { rulesFile: rulesFileWithHours('always-closed'), budgetMs: 2_000 },
      twilio: { accountSid: cloud.accountSid, apiBaseUrl: cloud.url, clinicNumber },
      onCall: { roster: [{ user: clinicianUserName, notify: { sms: onCallPhone }, covers: 'after-hours' }], requestTypes: ['prescription_refill'], nurseTriageQueue: 'nurse-triage' },
    },
    engine: { twilioAuthToken: cloud.authToken },
  });
});
afterAll(async () => {
  await closeBrowser();
  await harness?.close();
  await cloud?.close();
  await ehr?.close();
});

describe('the on-call view on a phone', () => {
  it('the clinician opens the SMS link, signs in, approves the refill in one tap; the MedicationRequest is in the EHR once, with Provenance', async () => {
    // The clinician is not in the call's queue: the roster is what lets them open it.
    const staff = await signUpAndSignIn(harness.engine, { role: 'clinician', queues: ['after-hours-clinicians'], userName: clinicianUserName });
    const { item, patient, caller } = await reviewCalls(() => harness, () => ehr).placeCall({
      id: 'on-call-browser-1', queue: 'demo-review', dob: true, caller: lisinoprilCallers[0]!, text: 'Synthetic: I need a refill of my lisinopril, I have two days left.',
    });

    // The notification: one SMS to the on-call phone, fixed words and an opaque link, nothing of the call.
    const sms = await eventually(async () => cloud.messages.find((message) => message.to === onCallPhone) ?? null, 30_000, 'the on-call SMS');
    const link = /(https?:\/\/\S+\/on-call\/[A-Za-z0-9_-]{22})$/.exec(sms.body)?.[1];
    expect(link).toBeTruthy();
    expect(sms.from).toBe(clinicNumber);
    const chart = clinic.patients.find((entry) => entry.id === patient.id)!;
    const phi = [...chart.name![0]!.given!, chart.name![0]!.family!, chart.birthDate!, caller.phone, caller.phone.slice(-4), chart.id!, item.id, item.callId, 'lisinopril', 'refill', 'prescription',
      ...chart.identifier!.map((identifier) => identifier.value!)];
    for (const value of phi) expect(sms.body, `"${value}" in the SMS`).not.toContain(value);

    // A phone, not signed in: the link leads to sign-in and, after it, back to the item.
    const context = await (await browser()).newContext({ viewport: phone, timezoneId: 'UTC', locale: 'en-US', reducedMotion: 'reduce' });
    const page = await context.newPage();
    const pageErrors = watchPage(page);
    await page.goto(link!);
    await page.waitForURL(/\/sign-in\?returnTo=%2Fon-call%2F/);
    await page.getByLabel('User name').fill(staff.userName);
    await page.getByLabel(/^Password/).fill(staff.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    await page.getByLabel('Six-digit code from your authenticator app').fill(await staff.code());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(link!);
    // Before signing in, the page's session check answered 401 (that is how it knew to ask): expected, not a page error.
    expect(pageErrors.every((error) => error.includes('401 (Unauthorized)'))).toBe(true);
    pageErrors.length = 0;

    const view = page.locator(`[data-on-call-item="${item.id}"]`);
    await view.waitFor();
    expect(await view.getByTestId('ai-marker').textContent()).toBe('AI · not reviewed');
    expect(await view.getByTestId('ai-request-type').textContent()).toBe('Prescription refill');
    expect(await view.getByTestId('on-call-patient').textContent()).toContain(chart.name![0]!.family);
    expect(await view.getByTestId('chart-summary').textContent()).toContain('lisinopril');
    expect(await view.getByTestId('transcript').textContent()).toContain('lisinopril');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);

    // One tap.
    const approve = view.getByTestId('approve-refill');
    expect(await approve.textContent()).toContain('lisinopril 10 MG Oral Tablet');
    await approve.click();
    expect(await view.getByTestId('on-call-outcome').textContent()).toContain('Refill approved');
    await page.locator(`[data-on-call-item="${item.id}"][data-status="approved"]`).waitFor();
    expect(await view.getByTestId('ai-marker').count()).toBe(0);

    const orders = await eventually(async () => {
      const found = await reviewCalls(() => harness, () => ehr).searchEhr<MedicationRequest>('MedicationRequest', refillOrderIdentifierSystem, `${item.id}/${lisinoprilOrderId(patient.id!)}`);
      return found.length ? found : null;
    }, 30_000, 'the refill order in the EHR');
    expect(orders).toHaveLength(1);
    expect(orders[0]!.medicationCodeableConcept?.coding?.[0]?.display).toBe('lisinopril 10 MG Oral Tablet');
    expect(orders[0]!.requester?.display).toContain(clinicianUserName);
    const provenance = await reviewCalls(() => harness, () => ehr).provenanceFor(`MedicationRequest/${orders[0]!.id}`);
    expect(provenance).toHaveLength(1);
    expect((provenance[0] as Provenance).agent[0]!.who.identifier?.value).toBe(staff.user.id);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

function lisinoprilOrderId(patientId: string): string {
  return clinic.medicationRequests.find((order) => order.subject?.reference === `Patient/${patientId}` && order.medicationCodeableConcept?.coding?.[0]?.display?.includes('lisinopril'))!.id!;
}
