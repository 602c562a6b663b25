import type { Task } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTaskIdentifierSystem, callTaskIdentifierValue } from '../../src/ehr/fhir-task.mapper.ts';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { eventually, startHarness, type Harness } from '../helpers/engine-harness.ts';
import { clinic, reviewCalls, scenarios } from '../helpers/review-calls.ts';
import { closeBrowser, screenshots, seriousViolations, signedInPage } from '../helpers/staff-app.ts';
import { birthDateAsShown, mrnOf, reviewCodes } from './review-helpers.ts';

// Synthetic patients and calls only.
let ehr: SandboxEhr;
let harness: Harness;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  harness = await startHarness('pglite', { ehr });
});
afterAll(async () => {
  await closeBrowser();
  await harness?.close();
  await ehr?.close();
});

const { searchEhr, placeCall } = reviewCalls(() => harness, () => ehr);
const queue = 'demo-review';

/** The text on the page a person reads, with no review code left bare in it. */
async function expectNoBareCodes(page: Page) {
  const text = await page.locator('main').innerText();
  for (const code of reviewCodes) expect(text, `"${code}" shown as a bare code`).not.toContain(code);
}

describe('the review screen', () => {
  it('a nurse sees the patient, acknowledges a red flag, edits, ticks the checklist and approves; the next item opens and the Task is in the EHR once with the approved text', async () => {
    const urgent = await placeCall({ id: 'review-app-1', queue, dob: true, text: 'Synthetic: I have chest pain right now and I also need a refill of my lisinopril.', patientIndex: 0 });
    const routine = await placeCall({ id: 'review-app-2', queue, dob: true, text: 'Synthetic: I need a refill of my lisinopril, I have two days left.', patientIndex: 1 });
    const { page, pageErrors, context, staff } = await signedInPage(harness.engine, { role: 'nurse', queues: [queue] }, '/review');

    // The list: patient names, aging, reasons in words.
    const urgentRow = page.locator(`[data-review-item="${urgent.item.id}"]`);
    await urgentRow.waitFor();
    expect(await urgentRow.getByTestId('aging').textContent()).toMatch(/^Waiting (just now|\d+ min)/);
    expect(await urgentRow.locator('[data-field="patient"]').textContent()).toContain(urgent.patient.name![0]!.given![0]);
    expect(await urgentRow.getByTestId('reasons-in-words').textContent()).toContain('A red flag was heard on the call');
    await expectNoBareCodes(page);
    const list = await screenshots(page, 'review-list');
    expect(list.phoneWidth).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);

    await urgentRow.getByTestId('open-item').click();
    const item = page.locator(`[data-open-item="${urgent.item.id}"]`);
    await item.waitFor();
    // Whose chart: name, birth date, MRN, phone.
    const header = item.getByTestId('patient-header');
    expect(await header.getByTestId('patient-name').textContent()).toContain(urgent.patient.name![0]!.family);
    expect(await header.getByTestId('patient-birth-date').textContent()).toBe(birthDateAsShown(urgent.patient.birthDate!));
    expect(await header.getByTestId('patient-mrn').textContent()).toBe(mrnOf(urgent.patient));
    expect(await header.getByTestId('patient-phone').textContent()).not.toBe('—');
    expect(await item.getByTestId('ai-label').textContent()).toBe('AI draft · not reviewed');
    // A nurse may not lift redaction: no button for it.
    expect(await item.getByRole('button', { name: 'Show unredacted' }).count()).toBe(0);
    // The red flag inside the item, with its certainty, and the words that raised it marked in the transcript.
    const flag = item.locator('[data-red-flag-code="chest_pain"]');
    expect(await flag.textContent()).toContain('Red flag: Chest pain');
    expect(await flag.getByTestId('certainty').textContent()).toContain('Affirmed');
    expect(await item.locator('mark[data-red-flag="chest_pain"]').first().textContent()).toBe('chest pain');
    await flag.getByRole('button', { name: 'Acknowledge' }).click();
    expect(await flag.getByTestId('acknowledged').textContent()).toContain(`Acknowledged by ${staff.userName} (you)`);
    await expectNoBareCodes(page);

    // Evidence: the field being worked on lights up its words in the transcript.
    await item.locator('textarea[data-field="actionRequested"]').focus();
    expect(await item.locator('mark[data-active]').allTextContents()).toContain('lisinopril');

    // Shortcuts never fire while typing: an "a" typed into a field is a letter, not an approval.
    const owner = item.locator('input[data-field="owner"]');
    await owner.fill('');
    await owner.pressSequentially('Synthetic care team A');
    expect(await item.getAttribute('data-status')).toBe('pending');
    await item.getByRole('button', { name: 'Save and approve' }).click();
    expect(await item.getByRole('alert').textContent()).toContain('Tick every line of the checklist');
    for (const box of await item.getByTestId('checklist').locator('input[type=checkbox]').all()) await box.check();
    const opened = await screenshots(page, 'review-item');
    expect(opened.phoneWidth).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);
    await item.getByRole('button', { name: 'Save and approve' }).click();

    // The next item opens.
    await page.locator(`[data-open-item="${routine.item.id}"]`).waitFor();
    expect(page.url()).toContain(`/review/${routine.item.id}`);
    // Focus lands in the new item, not on the page body.
    expect(await page.evaluate(`document.activeElement?.closest('[data-open-item]')?.getAttribute('data-open-item')`)).toBe(routine.item.id);

    // The Task is in the EHR once, with what the nurse approved.
    const tasks = await eventually(async () => {
      const found = await searchEhr<Task>('Task', callTaskIdentifierSystem, callTaskIdentifierValue('synthetic-pbx', 'review-app-1'));
      return found.some((task) => task.note?.some((note) => note.text?.startsWith('Approved by staff'))) ? found : null;
    }, 30_000, 'the approved Task');
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.performerType?.[0]?.text).toBe('Synthetic care team A');
    expect(tasks[0]!.for?.reference).toBe(`Patient/${urgent.patient.id}`);

    // The approved item is read-only and says who approved it; no "AI draft" label any more.
    await page.goto(`${harness.engine.url}/review/${urgent.item.id}`);
    const approved = page.locator(`[data-open-item="${urgent.item.id}"][data-status="approved"]`);
    await approved.waitFor();
    expect(await approved.getByTestId('decision').textContent()).toMatch(new RegExp(`Approved by ${staff.userName} \\(you\\) at [A-Z][a-z]{2} \\d+, \\d+:\\d{2} [AP]M`));
    expect(await approved.locator('textarea, input[type=checkbox], input[data-field]').count()).toBe(0);
    expect(await approved.getByRole('button', { name: /Approve|Reject/ }).count()).toBe(0);
    expect(await approved.textContent()).not.toContain('AI draft · not reviewed');
    expect(await approved.getByTestId('note-read-only').textContent()).toContain('Synthetic care team A');
    expect(await approved.locator('[data-kind="approved"]').getByTestId('checklist-answered').textContent()).toBe('Checklist: every line ticked');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('keeps keyboard focus where it is while the list refreshes with a new call', async () => {
    const first = await placeCall({ id: 'review-app-focus-1', queue, dob: true, text: 'Synthetic: can I move my appointment to next week?', patientIndex: 2 });
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'nurse', queues: [queue] }, '/review');
    const claim = page.locator(`[data-review-item="${first.item.id}"]`).getByTestId('claim');
    await claim.focus();
    const later = await placeCall({ id: 'review-app-focus-2', queue, dob: true, text: 'Synthetic: are my blood test results back yet?', patientIndex: 3 });
    // The list reads the queue again by itself; the new call appears without a reload.
    await page.locator(`[data-review-item="${later.item.id}"]`).waitFor({ timeout: 30_000 });
    expect(await page.evaluate(`document.activeElement?.closest('[data-review-item]')?.getAttribute('data-review-item')`)).toBe(first.item.id);
    expect(await page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('claim');
    // Enter on the focused button still works: the item is now assigned to this nurse.
    await page.keyboard.press('Enter');
    await page.locator(`[data-review-item="${first.item.id}"]`).getByText(/^Assigned to .*\(you\)$/).waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('a clinician edits and rejects with a reason; the history shows both versions with the field diff', async () => {
    const call = await placeCall({ id: 'review-app-reject', queue, dob: true, text: 'Synthetic: I need a refill of my metformin please.', patientIndex: 4 });
    const { page, pageErrors, context, staff } = await signedInPage(harness.engine, { role: 'clinician', queues: [queue] }, `/review/${call.item.id}`);
    const item = page.locator(`[data-open-item="${call.item.id}"]`);
    await item.waitFor();
    // Claiming and giving back: the item says whose it is, by name.
    await item.getByRole('button', { name: 'Assign to me' }).click();
    await item.getByTestId('assignee').filter({ hasText: `Assigned to ${staff.userName} (you)` }).waitFor();
    await item.getByRole('button', { name: 'Return to the queue' }).click();
    await item.getByTestId('assignee').filter({ hasText: 'Not assigned' }).waitFor();
    expect(await item.getByLabel('Reassign to').locator('option').allTextContents()).toContain(`${staff.userName} (you) · Clinician`);
    // The documented shortcut "e" (not typed in a field) puts the cursor in the details.
    await page.locator('h1').click();
    await page.keyboard.press('e');
    const details = item.locator('textarea[data-field="details"]');
    expect(await page.evaluate(`document.activeElement?.tagName + ' ' + document.activeElement?.getAttribute('data-field')`)).toBe('TEXTAREA details');
    expect(await page.getByRole('complementary', { name: 'Keyboard shortcuts' }).textContent()).toContain('approve');
    // Raw content through the step-up route: a clinician just signed in with a second factor counts as confirmed.
    expect(await item.locator('#transcript-heading').textContent()).toBe('Transcript (redacted)');
    await item.getByRole('button', { name: 'Show unredacted' }).click();
    await item.locator('#transcript-heading').filter({ hasText: 'Transcript (unredacted)' }).waitFor();
    expect(await item.getByTestId('transcript').textContent()).toContain('metformin');
    await item.getByRole('button', { name: 'Redact again' }).click();
    await details.fill('Synthetic: caller asks for a metformin refill; already sent yesterday.');
    await item.getByRole('button', { name: 'Save changes' }).click();
    await item.locator('[data-version="2"][data-kind="edit"]').waitFor();
    await item.getByLabel('Reason to reject').selectOption('duplicate');
    await item.getByRole('button', { name: 'Reject' }).click();
    // No other item waits in this view: the list is shown; reopen the rejected one.
    await page.waitForURL((url) => !url.pathname.endsWith(call.item.id));
    await page.goto(`${harness.engine.url}/review/${call.item.id}`);
    const rejected = page.locator(`[data-open-item="${call.item.id}"][data-status="rejected"]`);
    await rejected.waitFor();
    expect(await rejected.getByTestId('decision').textContent()).toContain(`Rejected by ${staff.userName} (you)`);
    expect(await rejected.getByTestId('decision').textContent()).toContain('Duplicate of another call');
    const history = rejected.getByTestId('version-history');
    expect(await Promise.all((await history.locator('[data-version]').all()).map((row) => row.getAttribute('data-kind')))).toEqual(['rejected', 'edit', 'ai-draft']);
    const diff = history.locator('[data-version="2"] [data-changed-field="details"]');
    expect(await diff.locator('ins').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('already sent yesterday')]));
    expect((await diff.locator('del').count()) + (await diff.locator('ins').count())).toBeGreaterThan(0);
    expect(await history.locator('[data-version="2"]').textContent()).toContain(`by ${staff.userName} (you)`);
    expect(await rejected.locator('textarea').count()).toBe(0);
    await expectNoBareCodes(page);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it("a nurse finds an unidentified caller's chart by MRN and links it; the header then shows the patient", async () => {
    const chart = clinic.patients.find((entry) => entry.id === scenarios.uniquePatient[5]!.patientId)!;
    const call = await placeCall({ id: 'review-app-unknown', queue, dob: false, text: 'Synthetic: are my blood test results back yet?', caller: { phone: scenarios.unknown[2]!, patientId: chart.id! } });
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'nurse', queues: [queue] }, `/review/${call.item.id}`);
    const item = page.locator(`[data-open-item="${call.item.id}"]`);
    await item.waitFor();
    expect(await item.getByTestId('patient-name').textContent()).toBe('No chart linked');
    await item.getByTestId('find-mrn').fill(mrnOf(chart));
    // Enter searches; it neither approves nor triggers a shortcut.
    await item.getByTestId('find-mrn').press('Enter');
    await item.locator(`[data-link-patient="${chart.id}"]`).click();
    await item.getByTestId('identity').filter({ hasText: 'Identity confirmed by staff' }).waitFor();
    expect(await item.getByTestId('patient-name').textContent()).toContain(chart.name![0]!.family);
    expect(await item.getByTestId('patient-mrn').textContent()).toBe(mrnOf(chart));
    expect(await item.getAttribute('data-status')).toBe('pending');
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('front desk is told in words that review is not part of their role, with no code on screen', async () => {
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'intake', queues: [queue] }, '/review');
    await page.getByRole('heading', { name: 'Review is not part of your role' }).waitFor();
    await expectNoBareCodes(page);
    expect(await page.locator('[data-review-item]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
