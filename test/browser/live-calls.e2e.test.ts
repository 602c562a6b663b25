import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallerOutcome, type CallerMatch } from '../../src/ehr/patient-match.ts';
import { buildScreenPop, type PatientChartSlice, type ScreenPop } from '../../src/ehr/screen-pop.mapper.ts';
import { findCall, listConsents } from '../../src/calls/calls.repository.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../../src/sandbox-ehr/synthetic-clinic.ts';
import { eventually, startHarness, type Harness } from '../helpers/engine-harness.ts';
import { closeBrowser, screenshots, seriousViolations, signedInPage } from '../helpers/staff-app.ts';
import { attributes, liveCalls, markFocused, stillFocused } from './live-calls-helpers.ts';

/**
 * The live calls screen in Chromium (issue 14, item 2), against a running engine and the sandbox
 * EHR's synthetic clinic: the front desk's screen pop and shared-number pick, the nurse's red flag
 * and its acknowledgement, routing and why, consent mid-call, and focus kept across live updates.
 * Ports the assertions of the old static page's test (headings in words, allergies first, the
 * newest 50 cards after a reload).
 */
const clinic = generateSyntheticClinic();
const scenarios = sandboxPhoneScenarios(clinic);
const patientOf = (id: string) => clinic.patients.find((patient) => patient.id === id)!;
const familyName = (id: string) => patientOf(id).name![0]!.family!;
// Callers whose chart records a real allergy (not "no known allergies"): the nurse's card must flag it.
const withAllergy = scenarios.uniquePatient.filter(({ patientId }) =>
  clinic.allergyIntolerances.some((allergy) => allergy.patient?.reference === `Patient/${patientId}` && allergy.code?.coding?.[0]?.code !== '716186003'),
);
// A shared family number whose charts have different birth dates and names (the agent can tell them apart).
const shared = scenarios.sharedFamily.find(({ patientIds }) => {
  const births = patientIds.map((id) => patientOf(id).birthDate);
  return patientIds.length >= 2 && new Set(births).size === births.length && births.every(Boolean);
})!;

/** Codes the engine sends that must never reach the page as text. */
const rawCodes = [...Object.values(CallerOutcome), 'ani-only', 'ani-dob-verified', 'staff-verified', 'primary-phone', 'caregiver-phone', 'in-progress', 'not-captured', 'not-due', 'breathing_difficulty', 'urgent_emergency'];
const showsNoCode = (text: string) => rawCodes.filter((code) => new RegExp(`(^|[^\\w-])${code}($|[^\\w-])`).test(text));

let harness: Harness;
const calls = liveCalls(() => harness);
beforeAll(async () => {
  harness = await startHarness('pglite');
});
afterAll(async () => {
  await closeBrowser();
  await harness?.close();
});

describe('live calls in Chromium', () => {
  it('gives the front desk a screen pop on a shared phone; the agent picks the caller, checks the date of birth, changes consent; all of it reaches the engine and the audit', async () => {
    const queue = 'live-desk';
    const { page, pageErrors, context, staff } = await signedInPage(harness.engine, { role: 'intake', queues: [queue] }, '/live');
    await page.locator('[data-connection="live"]').waitFor();
    await page.getByText('No calls right now').waitFor();

    const { callId } = await calls.ring(queue, 'live-shared-1', shared.phone);
    const card = page.locator(`article[data-call-id="${callId}"]`);
    const pop = card.locator(`[data-screen-pop="${callId}"]`);
    await pop.waitFor();
    expect(await pop.getAttribute('data-outcome')).toBe('several');
    expect(await pop.locator('h3').textContent()).toMatch(/charts share this number/);
    expect(await card.textContent()).toContain('Matched by phone number only — not verified');

    // The agent asks who is calling and picks that chart.
    const [wantedId, otherId] = shared.patientIds as [string, string];
    await card.locator(`[data-candidate="${wantedId}"]`).click();
    await eventually(async () => ((await pop.getAttribute('data-outcome')) === 'unique' ? true : null), 15_000, 'the card to show the picked chart');
    expect(await pop.locator('h3').textContent()).toContain(familyName(wantedId));
    expect(await card.locator(`[data-candidate="${otherId}"]`).getAttribute('aria-pressed')).toBe('false');
    // The front desk sees no clinical details, and is told so.
    expect(await pop.locator('[data-field="withheld"]').count()).toBe(1);
    expect(await pop.locator('[data-field="allergies"]').count()).toBe(0);
    const stored = await findCall(harness.engine.db, callId);
    expect(stored?.callerMatch).toMatchObject({ outcome: 'unique', confidence: 'ani-only', candidates: [{ patientId: wantedId }] });
    const picks = await calls.auditRows(callId, 'call.caller.selected');
    expect(picks).toHaveLength(1);
    expect(picks[0]).toMatchObject({ actor: `staff:${staff.user.id}`, detail: { patientId: wantedId } });

    // Date of birth: a wrong one is refused in words; the right one verifies the caller.
    const dob = card.getByLabel('Date of birth the caller gives');
    await dob.fill('1901-02-03');
    await card.getByRole('button', { name: 'Check date of birth' }).click();
    await card.getByText('That date of birth does not match the chart').waitFor();
    await dob.fill(patientOf(wantedId).birthDate!);
    await card.getByRole('button', { name: 'Check date of birth' }).click();
    await pop.getByText('Matched by phone and date of birth').waitFor({ timeout: 15_000 });
    expect((await findCall(harness.engine.db, callId))?.callerMatch?.confidence).toBe('ani-dob-verified');
    const checks = await calls.auditRows(callId, 'call.identity.step-up', 2);
    expect(checks.map((row) => row.outcome)).toEqual(['failure', 'success']);
    // The date itself is in no audit entry.
    expect(JSON.stringify(checks)).not.toContain(patientOf(wantedId).birthDate!);

    // Consent mid-call: the caller asks not to be recorded.
    await calls.send(queue, { type: 'call.answered', callId: 'live-shared-1', ani: shared.phone });
    await card.locator('[data-field="status"]', { hasText: 'On the call' }).waitFor();
    const recording = card.locator('[data-consent="record"]');
    await recording.getByRole('button', { name: 'Declines' }).click();
    await card.locator('[data-consent="record"][data-status="declined"]').waitFor();
    expect(await recording.textContent()).toContain('Declined');
    expect((await listConsents(harness.engine.db, callId)).record).toMatchObject({ status: 'declined', source: 'agent' });

    expect(showsNoCode((await card.textContent()) ?? '')).toEqual([]);
    const { phoneWidth } = await screenshots(page, 'live-intake');
    expect(phoneWidth).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows a nurse the allergies first, and a red flag loud on an understood call; acknowledging it is timed, audited once, and shows who and when', async () => {
    const queue = 'live-triage';
    const caller = withAllergy[0]!;
    const { page, pageErrors, context, staff } = await signedInPage(harness.engine, { role: 'nurse', queues: [queue] }, '/live');
    await page.locator('[data-connection="live"]').waitFor();

    const callId = await calls.redFlagCall(queue, 'live-red-1', caller.phone);
    const card = page.locator(`article[data-call-id="${callId}"]`);
    const allergies = card.locator('[data-field="allergies"] .allergy');
    await allergies.first().waitFor({ timeout: 15_000 });
    expect(await allergies.first().textContent()).toMatch(/⚠/);
    // Allergies come before every other chart detail on the card.
    const order = await attributes(card.locator('[data-screen-pop] [data-field]'), 'data-field');
    expect(order.indexOf('allergies')).toBeLessThan(order.indexOf('last-visit'));

    const understood = card.locator(`[data-understood="${callId}"]`);
    await understood.waitFor({ timeout: 30_000 });
    expect(await understood.getAttribute('data-urgency')).toBe('emergency');
    expect(await understood.textContent()).toContain('AI · not reviewed');
    const flag = card.locator('[data-red-flag="breathing_difficulty"]');
    await flag.waitFor();
    expect(await flag.textContent()).toContain('Red flag: Difficulty breathing');
    expect(await understood.locator('[data-field="summary"]').textContent()).not.toContain(familyName(caller.patientId));
    expect(await card.locator('[data-field="red-flag-badge"]').textContent()).toContain('Red flag');

    const { phoneWidth } = await screenshots(page, 'live-nurse');
    expect(phoneWidth).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);

    await flag.getByRole('button', { name: 'Acknowledge' }).click();
    await card.locator('[data-red-flag="breathing_difficulty"][data-acknowledged="yes"]').waitFor();
    expect(await flag.textContent()).toMatch(/Acknowledged by you at \d{1,2}:\d{2}/);
    const acks = await calls.auditRows(callId, 'call.red-flag.acknowledged');
    expect(acks).toEqual([expect.objectContaining({ actor: `staff:${staff.user.id}`, detail: expect.objectContaining({ code: 'breathing_difficulty', screen: 'live' }) })]);
    // A second acknowledgement (another tab, a double click) is not a second record.
    const again = await fetch(`${harness.engine.url}/api/calls/${callId}/red-flags/acknowledge`, {
      method: 'POST', headers: { authorization: `Bearer ${await harness.token('nurse', [queue])}`, 'content-type': 'application/json' }, body: JSON.stringify({ code: 'breathing_difficulty', screen: 'live' }),
    });
    expect(await again.json()).toMatchObject({ alreadyAcknowledged: true });
    const { rows } = await harness.engine.db.query('select 1 from audit_event where object_id = $1 and action = $2', [callId, 'call.red-flag.acknowledged']);
    expect(rows).toHaveLength(1);
    expect(showsNoCode((await card.textContent()) ?? '')).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('says where routing sent a call and why', async () => {
    const queue = 'live-routing';
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'intake', queues: [queue] }, '/live');
    await page.locator('[data-connection="live"]').waitFor();
    const answer = await calls.ring(queue, 'live-routed-1', withAllergy[1]!.phone, { route: true });
    const routing = page.locator(`article[data-call-id="${answer.callId}"] [data-field="routing"]`);
    await routing.getByText(`Why: ${answer.routing!.reason}`).waitFor({ timeout: 15_000 });
    expect(await routing.textContent()).toContain(`Routed to: ${answer.routing!.destination.label}`);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('keeps the keyboard focus where it was when a call arrives and another changes', async () => {
    const queue = 'live-focus';
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'intake', queues: [queue] }, '/live');
    await page.locator('[data-connection="live"]').waitFor();
    const first = await calls.ring(queue, 'live-focus-1', withAllergy[2]!.phone);
    const second = await calls.ring(queue, 'live-focus-2', withAllergy[3]!.phone);
    const agrees = page.locator(`article[data-call-id="${first.callId}"] [data-consent="ai"]`).getByRole('button', { name: 'Agrees' });
    await agrees.focus();
    await markFocused(page);
    expect(await stillFocused(page)).toBe(true);

    // A new call rings above, the focused call is answered, the other one ends.
    const third = await calls.ring(queue, 'live-focus-3', withAllergy[4]!.phone);
    await page.locator(`article[data-call-id="${third.callId}"]`).waitFor();
    await calls.send(queue, { type: 'call.answered', callId: 'live-focus-1', ani: withAllergy[2]!.phone });
    await page.locator(`article[data-call-id="${first.callId}"][data-status="in-progress"]`).waitFor();
    await calls.send(queue, { type: 'call.answered', callId: 'live-focus-2', ani: withAllergy[3]!.phone });
    await page.locator(`article[data-call-id="${second.callId}"][data-status="in-progress"]`).waitFor();
    expect(await stillFocused(page)).toBe(true);
    // And the keyboard still works from there: Enter on the focused button records the consent.
    await page.keyboard.press('Enter');
    await page.locator(`article[data-call-id="${first.callId}"] [data-consent="ai"][data-status="granted"]`).waitFor();
    expect(await stillFocused(page)).toBe(true);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('gives every caller outcome a heading in words on the card, never the raw code', async () => {
    const queue = 'live-headings';
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'nurse', queues: [queue] }, '/live');
    await page.locator('[data-connection="live"]').waitFor();
    const chart = patientOf(withAllergy[0]!.patientId);
    const slice: PatientChartSlice = { patient: chart, conditions: [], medications: [], allergies: [], encounters: [], serviceRequests: [], tasks: [], careTeams: [], practitioners: [] };
    const one: CallerMatch['candidates'] = [{ patientId: chart.id!, matchedOn: 'primary-phone' }];
    const cards: { name: string; match: CallerMatch; slice: PatientChartSlice | null; complete?: boolean; chartUnavailable?: boolean; expected: RegExp; says?: RegExp }[] = [
      { name: 'unique', match: { outcome: 'unique', confidence: 'ani-only', candidates: one }, slice, expected: new RegExp(chart.name![0]!.family!) },
      { name: 'unique-no-chart', match: { outcome: 'unique', confidence: 'ani-only', candidates: one }, slice: null, expected: /one chart/i },
      { name: 'unique-chart-unavailable', match: { outcome: 'unique', confidence: 'ani-only', candidates: one }, slice, complete: false, chartUnavailable: true, expected: new RegExp(chart.name![0]!.family!), says: /Chart details did not load/ },
      { name: 'several', match: { outcome: 'several', confidence: 'ani-only', candidates: [...one, { patientId: 'pat-other', matchedOn: 'primary-phone' }] }, slice: null, expected: /2 charts share this number/ },
      { name: 'none', match: { outcome: 'none', confidence: 'none', candidates: [] }, slice: null, expected: /Unknown caller/ },
      { name: 'blocked', match: { outcome: 'blocked', confidence: 'none', candidates: [] }, slice: null, expected: /Number withheld/ },
      { name: 'lookup-failed', match: { outcome: 'lookup-failed', confidence: 'none', candidates: [], errorCode: 'EHR_UNAVAILABLE' }, slice: null, expected: /EHR lookup unavailable/ },
    ];
    expect(new Set(cards.map((card) => card.match.outcome))).toEqual(new Set(Object.values(CallerOutcome)));
    for (const card of cards) {
      const pop: ScreenPop = buildScreenPop({
        callId: `heading-${card.name}`, match: card.match, slice: card.slice, candidates: [chart], now: new Date(),
        ...(card.complete === undefined ? {} : { complete: card.complete }), ...(card.chartUnavailable ? { chartUnavailable: true } : {}),
      });
      harness.engine.hub.publishScreenPop({ ...pop, queue });
    }
    for (const card of cards) {
      const box = page.locator(`[data-screen-pop="heading-${card.name}"]`);
      await box.waitFor();
      expect((await box.locator('h3').textContent())?.trim(), card.name).toMatch(card.expected);
      const text = (await box.textContent()) ?? '';
      if (card.says) expect(text, card.name).toMatch(card.says);
      if (card.chartUnavailable) expect(text, card.name).not.toMatch(/Loading|Allergies not recorded|No known allergies/);
      expect(showsNoCode(text), card.name).toEqual([]);
    }
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('after a reload shows the newest 50 cards first, and keeps 50 as calls come in', async () => {
    const queue = 'live-reload';
    const none: CallerMatch = { outcome: 'none', confidence: 'none', candidates: [] };
    const publish = (index: number) =>
      harness.engine.hub.publishScreenPop({ ...buildScreenPop({ callId: `reload-${String(index).padStart(2, '0')}`, match: none, slice: null, candidates: [], now: new Date() }), queue });
    for (let index = 0; index < 60; index++) publish(index);
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'intake', queues: [queue] }, '/live');
    const cards = page.locator('[data-screen-pop]');
    await cards.first().waitFor();
    const shown = async () => attributes(cards, 'data-screen-pop');
    expect(await shown()).toEqual(Array.from({ length: 50 }, (_, offset) => `reload-${String(59 - offset).padStart(2, '0')}`));
    for (let index = 60; index < 63; index++) publish(index);
    await page.locator('[data-screen-pop="reload-62"]').waitFor();
    expect(await shown()).toEqual(Array.from({ length: 50 }, (_, offset) => `reload-${String(62 - offset).padStart(2, '0')}`));
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
