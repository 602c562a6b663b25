import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../test/helpers/chromium.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../sandbox-ehr/synthetic-clinic.ts';
import { startSandboxEhr, type SandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { CallerOutcome, type CallerMatch } from '../ehr/patient-match.ts';
import { buildScreenPop, type PatientChartSlice, type ScreenPop } from '../ehr/screen-pop.mapper.ts';
import { connectLiveClient, startHarness, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';
import type { LiveMessage } from '../api/live-calls.hub.ts';
import { consentEvents } from '../../test/helpers/consent-events.ts';

const clinic = generateSyntheticClinic();
const scenarios = sandboxPhoneScenarios(clinic);
// Callers whose chart records a real allergy, so the page must flag it; one per test (the engine caches charts).
const [withAllergy, lateChart] = scenarios.uniquePatient.filter(({ patientId }) =>
  clinic.allergyIntolerances.some((allergy) => allergy.patient?.reference === `Patient/${patientId}` && allergy.code?.coding?.[0]?.code !== '716186003'),
) as [(typeof scenarios.uniquePatient)[number], (typeof scenarios.uniquePatient)[number]];
const patient = clinic.patients.find((p) => p.id === withAllergy.patientId)!;

/** Every code the server may put on a card; none may reach the page as the heading or as text. */
const rawCodes = [...Object.values(CallerOutcome), 'ani-only', 'ani-dob-verified', 'staff-verified', 'primary-phone', 'alternate-phone', 'caregiver-phone'];

describe('live calls page in Chromium', () => {
  let ehr: SandboxEhr;
  let harness: Harness;
  let browser: Browser;
  beforeAll(async () => {
    ehr = await startSandboxEhr({ port: 0 });
    harness = await startHarness('pglite', { ehr });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await ehr?.close();
  });

  /** The live-calls page signed in as `role` for `queues`, connected. */
  async function openPage(role: 'nurse' | 'intake', queues?: string[]): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${harness.engine.url}/#token=${await harness.token(role, queues)}`);
    await page.locator('#status[data-state="open"]').waitFor();
    return page;
  }

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
    expect(await pop.textContent()).toContain('Identity: caller ID only, not verified');

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

  it('gives every caller outcome a human heading on the card, never the raw code', async () => {
    const queue = 'headings-check';
    const page = await openPage('nurse', [queue]);
    const chart = clinic.patients.find((p) => p.id === withAllergy.patientId)!;
    const slice: PatientChartSlice = { patient: chart, conditions: [], medications: [], allergies: [], encounters: [], serviceRequests: [], tasks: [], careTeams: [], practitioners: [] };
    const one = (matchedOn: 'primary-phone' | 'caregiver-phone'): CallerMatch['candidates'] => [{ patientId: chart.id!, matchedOn, ...(matchedOn === 'caregiver-phone' ? { relatedPersonId: 'rp-1', relationship: 'mother' } : {}) }];
    const cards: { name: string; match: CallerMatch; slice: PatientChartSlice | null; complete?: boolean; chartUnavailable?: boolean; candidates?: typeof clinic.patients; expected: RegExp; says?: RegExp }[] = [
      { name: 'unique', match: { outcome: 'unique', confidence: 'ani-only', candidates: one('primary-phone') }, slice, expected: new RegExp(chart.name![0]!.family!) },
      { name: 'unique-caregiver', match: { outcome: 'unique', confidence: 'ani-only', candidates: one('caregiver-phone') }, slice, expected: new RegExp(chart.name![0]!.family!) },
      { name: 'unique-no-chart', match: { outcome: 'unique', confidence: 'ani-only', candidates: one('primary-phone') }, slice: null, expected: /one chart/i },
      // The chart never came: who is calling, and where to look instead of "loading" (never "no allergies").
      { name: 'unique-chart-unavailable', match: { outcome: 'unique', confidence: 'ani-only', candidates: one('primary-phone') }, slice, complete: false, chartUnavailable: true, expected: new RegExp(chart.name![0]!.family!), says: /Chart details did not load/ },
      { name: 'unique-verified', match: { outcome: 'unique', confidence: 'ani-dob-verified', candidates: one('primary-phone') }, slice: null, expected: /one chart/i },
      { name: 'several', match: { outcome: 'several', confidence: 'ani-only', candidates: [{ patientId: chart.id!, matchedOn: 'primary-phone' }, { patientId: 'pat-other', matchedOn: 'primary-phone' }] }, slice: null, candidates: [chart], expected: /2 charts share this number/ },
      { name: 'none', match: { outcome: 'none', confidence: 'none', candidates: [] }, slice: null, expected: /Unknown caller/ },
      { name: 'blocked', match: { outcome: 'blocked', confidence: 'none', candidates: [] }, slice: null, expected: /Number withheld/ },
      { name: 'lookup-failed', match: { outcome: 'lookup-failed', confidence: 'none', candidates: [], errorCode: 'EHR_UNAVAILABLE' }, slice: null, expected: /EHR lookup unavailable/ },
    ];
    // Every outcome the server knows is walked, so a new one cannot slip through unlabelled.
    expect(new Set(cards.map((card) => card.match.outcome))).toEqual(new Set(Object.values(CallerOutcome)));
    for (const card of cards) {
      const pop: ScreenPop = buildScreenPop({
        callId: `heading-${card.name}`, match: card.match, slice: card.slice, candidates: card.candidates ?? [], now: new Date(),
        ...(card.complete === undefined ? {} : { complete: card.complete }), ...(card.chartUnavailable ? { chartUnavailable: true } : {}),
      });
      harness.engine.hub.publishScreenPop({ ...pop, queue });
    }
    for (const card of cards) {
      const box = page.locator(`[data-screen-pop="heading-${card.name}"]`);
      await box.waitFor();
      const heading = (await box.locator('h3').textContent())?.trim() ?? '';
      expect(heading, card.name).toMatch(card.expected);
      const text = (await box.textContent()) ?? '';
      if (card.says) expect(text, card.name).toMatch(card.says);
      if (card.chartUnavailable) expect(text, card.name).not.toMatch(/Loading chart|Allergies not recorded|No known allergies/);
      for (const code of rawCodes) expect(text, `${card.name} shows the code ${code}`).not.toMatch(new RegExp(`(^|[^\\w-])${code}($|[^\\w-])`));
    }
    await page.close();
  });

  it('fills in the same card when the chart arrives after the first pop', async () => {
    const page = await openPage('nurse');
    const watcher = await connectLiveClient(harness.engine.url, await harness.token('nurse'));
    ehr.setFaults({ mode: 'http-500', resourceTypes: ['AllergyIntolerance'] });
    let callId: string;
    try {
      const ringing = await harness.post(syntheticEvent({ type: 'call.ringing', callId: 'browser-late-chart', ani: lateChart.phone }));
      callId = String(ringing.body.callId);
      // The match is recorded once the live chart slice has been tried (and failed).
      await watcher.waitFor((m): m is LiveMessage => m.type === 'call.updated' && m.call.callId === callId && m.call.callerOutcome === 'unique');
      const card = page.locator(`[data-screen-pop="${callId}"]`);
      expect(await card.locator('h3').textContent()).toContain(clinic.patients.find((p) => p.id === lateChart.patientId)!.name![0]!.family!);
      expect(await card.locator('[data-field="allergies"] .allergy').count()).toBe(0);
    } finally {
      ehr.setFaults({ mode: 'none', resourceTypes: [] });
    }
    const card = page.locator(`[data-screen-pop="${callId}"]`);
    await card.locator('[data-field="allergies"] .allergy').first().waitFor();
    expect(await page.locator(`[data-screen-pop="${callId}"]`).count()).toBe(1);
    expect(await card.locator('[data-field="loading"]').count()).toBe(0);
    watcher.close();
    await page.close();
  });

  it('after a reload shows the newest cards first and at most 50, and keeps the list at 50 as calls come in', async () => {
    const queue = 'reload-check';
    const none: CallerMatch = { outcome: 'none', confidence: 'none', candidates: [] };
    const publish = (index: number) =>
      harness.engine.hub.publishScreenPop({ ...buildScreenPop({ callId: `reload-${String(index).padStart(2, '0')}`, match: none, slice: null, candidates: [], now: new Date() }), queue });
    for (let index = 0; index < 60; index++) publish(index);
    const page = await openPage('intake', [queue]);
    const cards = page.locator('[data-screen-pop]');
    await cards.first().waitFor();
    const shown = async () => cards.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-screen-pop')));
    expect(await shown()).toEqual(Array.from({ length: 50 }, (_, offset) => `reload-${String(59 - offset).padStart(2, '0')}`));

    for (let index = 60; index < 63; index++) publish(index);
    await page.locator('[data-screen-pop="reload-62"]').waitFor();
    expect(await shown()).toEqual(Array.from({ length: 50 }, (_, offset) => `reload-${String(62 - offset).padStart(2, '0')}`));
    await page.close();
  });
});

