import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../sandbox-ehr/synthetic-clinic.ts';
import { startHarness, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';

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
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('shows a ringing call and pops the caller’s chart with allergies flagged', async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.engine.url}/?token=${await harness.token('nurse')}`);
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

  it('tells the agent plainly when the caller is unknown', async () => {
    const page = await browser.newPage();
    await page.goto(`${harness.engine.url}/?token=${await harness.token('intake')}`);
    await page.locator('#status[data-state="open"]').waitFor();
    const ringing = await harness.post(syntheticEvent({ type: 'call.ringing', callId: 'browser-2', ani: scenarios.unknown[0]! }));
    const pop = page.locator(`[data-screen-pop="${String(ringing.body.callId)}"]`);
    await pop.waitFor();
    expect(await pop.textContent()).toContain('Unknown caller — ask for date of birth');
    await page.close();
  });
});
