import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../test/helpers/chromium.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../sandbox-ehr/synthetic-clinic.ts';
import { startHarness, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';
import { consentEvents } from '../../test/helpers/consent-events.ts';

const clinic = generateSyntheticClinic();
const scenarios = sandboxPhoneScenarios(clinic);
// A caller whose chart records a real allergy, so the page must flag it.
const withAllergy = scenarios.uniquePatient.find(({ patientId }) =>
  clinic.allergyIntolerances.some((allergy) => allergy.patient?.reference === `Patient/${patientId}` && allergy.code?.coding?.[0]?.code !== '716186003'),
)!;
const patient = clinic.patients.find((p) => p.id === withAllergy.patientId)!;

describe('live calls page in Chromium', () => {
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

  it('shows a ringing call and pops the caller’s chart with allergies flagged', async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.engine.url}/#token=${await harness.token('nurse')}`);
    await page.locator('#status[data-state="open"]').waitFor();
    await page.getByText('Demo with synthetic patients only').waitFor();

    const ringing = await harness.post(syntheticEvent({ type: 'call.ringing', callId: 'browser-1', ani: withAllergy.phone }));
    const callId = String(ringing.body.callId);
    const row = page.locator(`tr[data-call-id="${callId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('ringing');

    const pop = page.locator(`[data-screen-pop="${callId}"]`);
    await pop.waitFor();
    expect(await pop.getAttribute('data-outcome')).toBe('unique');
    expect(await pop.locator('h3').textContent()).toContain(patient.name![0]!.family!);
    const allergies = pop.locator('[data-field="allergies"] .allergy');
    await allergies.first().waitFor();
    expect(await allergies.count()).toBeGreaterThan(0);
    expect(await allergies.first().textContent()).toMatch(/⚠/);
    expect(await pop.textContent()).toContain('Identity: ani-only');

    await harness.post(syntheticEvent({ type: 'call.answered', callId: 'browser-1', ani: withAllergy.phone }));
    await page.locator(`tr[data-call-id="${callId}"] >> text=in-progress`).waitFor();
    await page.close();
  });

  it('shows the nurse what the call was about after it ends: red flag, request types and a redacted summary marked as AI draft', async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.engine.url}/#token=${await harness.token('nurse')}`);
    await page.locator('#status[data-state="open"]').waitFor();
    const family = patient.name![0]!.family!;
    const ringing = await harness.post(syntheticEvent({ type: 'call.ringing', callId: 'browser-3', ani: withAllergy.phone }));
    const callId = String(ringing.body.callId);
    for (const consent of consentEvents('browser-3', withAllergy.phone)) await harness.post(consent);
    await harness.post(syntheticEvent({ type: 'transcript.available', callId: 'browser-3', ani: withAllergy.phone, data: { transcript: { text: `Synthetic: my name is ${family} and I can't breathe, my throat is closing after the new antibiotic.` } } }));
    await harness.post(syntheticEvent({ type: 'call.ended', callId: 'browser-3', ani: withAllergy.phone }));

    const card = page.locator(`[data-understood="${callId}"]`);
    await card.waitFor({ timeout: 30_000 });
    expect(await card.getAttribute('data-urgency')).toBe('emergency');
    expect(await card.locator('[data-field="red-flags"]').textContent()).toMatch(/⚑/);
    expect(await card.textContent()).toContain('AI draft · not reviewed');
    expect(await card.locator('[data-field="summary"]').textContent()).not.toContain(family);
    expect(await page.locator(`tr[data-call-id="${callId}"] [data-field="reason"]`).textContent()).toContain('RED FLAG');
    await page.close();
  });

  it('tells the agent plainly when the caller is unknown', async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.engine.url}/#token=${await harness.token('intake')}`);
    await page.locator('#status[data-state="open"]').waitFor();
    const ringing = await harness.post(syntheticEvent({ type: 'call.ringing', callId: 'browser-2', ani: scenarios.unknown[0]! }));
    const pop = page.locator(`[data-screen-pop="${String(ringing.body.callId)}"]`);
    await pop.waitFor();
    expect(await pop.textContent()).toContain('Unknown caller — ask for date of birth');
    await page.close();
  });
});
