import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../test/helpers/chromium.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../sandbox-ehr/synthetic-clinic.ts';
import { eventually, startHarness, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';
import { consentEvents } from '../../test/helpers/consent-events.ts';

// Synthetic patients only.
const clinic = generateSyntheticClinic();
const scenarios = sandboxPhoneScenarios(clinic);
const standingOptOut = new Set(clinic.consents.filter((consent) => consent.provision?.type === 'deny').map((consent) => consent.patient!.reference!.replace('Patient/', '')));
const caller = scenarios.uniquePatient.find(({ patientId }) => {
  const birthDate = clinic.patients.find((patient) => patient.id === patientId)?.birthDate ?? '2020';
  return birthDate < '2000-01-01' && !standingOptOut.has(patientId);
})!;
const patient = clinic.patients.find((p) => p.id === caller.patientId)!;

describe('review screen in Chromium', () => {
  let harness: Harness;
  let browser: Browser;
  beforeAll(async () => {
    harness = await startHarness('pglite');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  /** A verified caller's call into the review queue; its review item once planned. */
  async function placeCall(providerCallId: string, text: string): Promise<{ callId: string; reviewId: string }> {
    const call = { id: providerCallId, ani: caller.phone, dnis: '+16175550100', queue: 'demo-review', direction: 'inbound' as const };
    const send = (overrides: Parameters<typeof syntheticEvent>[0]) => harness.post({ ...syntheticEvent(overrides), call });
    const ringing = await send({ type: 'call.ringing', callId: call.id });
    const callId = String(ringing.body.callId);
    for (const consent of consentEvents(call.id, caller.phone, [], 'demo-review')) await harness.post(consent);
    const dob = patient.birthDate!;
    await send({ type: 'ivr.input', callId: call.id, data: { kind: 'dtmf', menu: 'dob', value: `${dob.slice(5, 7)}${dob.slice(8, 10)}${dob.slice(0, 4)}` } });
    await send({ type: 'transcript.available', callId: call.id, data: { transcript: { text } } });
    await send({ type: 'call.ended', callId: call.id });
    const { rows } = await eventually(async () => {
      const found = await harness.engine.db.query<{ id: string }>('select id from review_item where call_id = $1', [callId]);
      return found.rows.length ? found : null;
    }, 30_000, 'the review item');
    return { callId, reviewId: rows[0]!.id };
  }

  it('a nurse opens the AI draft, edits the note, is stopped until the S0 checklist is done, then approves it into the chart', async () => {
    const { callId, reviewId } = await placeCall('review-ui-1', 'Synthetic: I need a refill of my lisinopril, I have two days left.');

    const page = await browser.newPage();
    await page.goto(`${harness.engine.url}/review#token=${await harness.token('nurse')}`);
    await page.locator(`[data-review-item="${reviewId}"]`).click();
    const form = page.locator(`[data-open-item="${reviewId}"]`);
    await form.waitFor();
    expect(await form.textContent()).toContain('AI draft · not reviewed');
    expect(await form.locator('[data-field="identity"]').textContent()).toContain('verified');
    await form.locator('#f-note').fill('Refill request: lisinopril, two days left. Send to the pharmacy on file.');

    await form.getByRole('button', { name: 'Save and approve' }).click();
    await form.locator('[data-field="result"].error').waitFor();
    expect(await form.locator('[data-field="result"]').textContent()).toContain('REVIEW_CHECKLIST_INCOMPLETE');

    for (const box of await form.locator('input[type=checkbox]').all()) await box.check();
    await form.getByRole('button', { name: 'Save and approve' }).click();
    await page.locator('[data-field="result"].ok').waitFor();

    const status = await harness.engine.db.query<{ status: string; kinds: string[] }>(
      `select i.status, array(select kind from review_version v where v.review_id = i.id order by version) as kinds from review_item i where i.id = $1`, [reviewId]);
    expect(status.rows[0]).toEqual({ status: 'approved', kinds: ['ai-draft', 'edit', 'approved'] });
    await eventually(async () => {
      const delivered = await harness.engine.db.query('select 1 from write_back_item where call_id = $1 and status = $2', [callId, 'delivered']);
      return delivered.rows.length ? true : null;
    }, 30_000, 'the chart record');
    await page.close();
  });

  it('the chart note follows the fields the nurse edits, and a wrong-patient call is rejected from the screen (issue 12)', async () => {
    const { callId, reviewId } = await placeCall('review-ui-2', 'Synthetic: are my blood test results back yet?');
    const page = await browser.newPage();
    await page.goto(`${harness.engine.url}/review#token=${await harness.token('nurse')}`);
    await page.locator(`[data-review-item="${reviewId}"]`).click();
    const form = page.locator(`[data-open-item="${reviewId}"]`);
    await form.waitFor();
    await form.locator('#f-nextStep').fill('None - closed');
    // What the nurse sees in the chart note is what will be filed.
    expect(await form.locator('#f-note').inputValue()).toContain('Next step: None - closed');

    await form.getByLabel('Reason to reject').selectOption('wrong-patient');
    await form.getByRole('button', { name: 'Reject' }).click();
    await page.locator('[data-field="result"].ok').waitFor();
    expect(await page.locator('[data-field="result"]').textContent()).toContain('entered in error');
    const rejected = await eventually(async () => {
      const found = await harness.engine.db.query<{ status: string; rejection_reason: string; delivered: string }>(
        `select i.status, i.rejection_reason, (select status from write_back_item w where w.call_id = i.call_id and w.kind = 'rejection') as delivered
         from review_item i where i.id = $1`, [reviewId]);
      return found.rows[0]?.delivered === 'delivered' ? found.rows[0] : null;
    }, 30_000, 'the rejection in the chart');
    expect(rejected).toEqual({ status: 'rejected', rejection_reason: 'wrong-patient', delivered: 'delivered' });
    expect(callId).toBeTruthy();
    await page.close();
  });

  it("a nurse sees whose chart a call is on, finds an unknown caller's chart by MRN and links it (issue 12, defect 4)", async () => {
    const chart = clinic.patients.find((entry) => entry.id === scenarios.uniquePatient[3]!.patientId)!;
    const mrn = chart.identifier!.find((identifier) => identifier.type?.coding?.[0]?.code === 'MR')!.value!;
    const call = { id: 'review-ui-unknown', ani: scenarios.unknown[1]!, dnis: '+16175550100', queue: 'demo-review', direction: 'inbound' as const };
    const send = (overrides: Parameters<typeof syntheticEvent>[0]) => harness.post({ ...syntheticEvent(overrides), call });
    const callId = String((await send({ type: 'call.ringing', callId: call.id })).body.callId);
    for (const consent of consentEvents(call.id, call.ani, [], 'demo-review')) await harness.post(consent);
    await send({ type: 'transcript.available', callId: call.id, data: { transcript: { text: 'Synthetic: are my blood test results back yet?' } } });
    await send({ type: 'call.ended', callId: call.id });
    const reviewId = await eventually(async () => (await harness.engine.db.query<{ id: string }>('select id from review_item where call_id = $1', [callId])).rows[0]?.id, 30_000, 'the review item');

    const page = await browser.newPage();
    await page.goto(`${harness.engine.url}/review#token=${await harness.token('nurse')}`);
    const listed = page.locator(`[data-review-item="${reviewId}"]`);
    expect(await listed.locator('[data-field="patient"]').textContent()).toBe('No chart linked');
    await listed.click();
    const form = page.locator(`[data-open-item="${reviewId}"]`);
    await form.waitFor();
    await form.getByText('Find the chart in the EHR').click();
    await form.locator('[data-find="mrn"]').fill(mrn);
    // Enter searches; it does not submit the note for approval.
    await form.locator('[data-find="mrn"]').press('Enter');
    await form.locator(`[data-link-patient="${chart.id}"]`).waitFor();
    expect(await form.locator('[data-field="result"]').textContent()).toBe('');
    await form.locator('[data-find="check"]').selectOption('date-of-birth-confirmed');
    await form.locator(`[data-link-patient="${chart.id}"]`).click();
    await page.locator(`[data-open-item="${reviewId}"] [data-field="identity"]`).getByText('Patient identity verified (staff-verified)').waitFor();
    const shown = await page.locator(`[data-open-item="${reviewId}"] [data-field="patient-panel"] [data-field="patient"]`).textContent();
    expect(shown).toContain(`Chart: ${chart.name![0]!.given![0]}`);
    expect(shown).toContain(`born ${chart.birthDate}`);
    expect(shown).toContain(`MRN ${mrn}`);
    await page.close();
  });

  it('front desk cannot open the review queue, and says so', async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.engine.url}/review#token=${await harness.token('intake')}`);
    await page.getByText('Cannot load the queue: ROLE_FORBIDDEN').waitFor();
    await page.close();
  });
});
