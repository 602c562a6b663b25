import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { openCallbackTask } from '../../src/callbacks/callback.repository.ts';
import { eventually, startHarness, syntheticEvent, type Harness } from '../helpers/engine-harness.ts';
import { adultCallers } from '../helpers/review-calls.ts';
import { closeBrowser, phone, seriousViolations, signedInPage, type SignedInPage } from '../helpers/staff-app.ts';

/**
 * The Callbacks screen (issue 16, FU-1) in Chromium at phone width against a running engine and the
 * sandbox EHR: the front desk sees an overdue urgent callback first and marked overdue, opens a
 * missed call's task, logs an unanswered attempt in two clicks, and completes it. Synthetic calls
 * and patients only.
 */
let ehr: SandboxEhr;
let harness: Harness;
let intake: SignedInPage;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  harness = await startHarness('pglite', { ehr });
});
afterAll(async () => {
  await intake?.context.close();
  await closeBrowser();
  await harness?.close();
  await ehr?.close();
});

describe('the Callbacks screen', () => {
  it('lists urgent and overdue first, logs an attempt in two clicks and completes, at 390 px', async () => {
    const [caller, other] = adultCallers;
    // A missed call through the engine: the pipeline opens its task.
    const call = { id: 'browser-cb-missed', ani: caller!.phone, dnis: '+16175550100', queue: 'front-desk', direction: 'inbound' as const };
    await harness.post({ ...syntheticEvent({ type: 'call.ringing', callId: call.id }), call });
    await harness.post({ ...syntheticEvent({ type: 'call.missed', callId: call.id }), call });
    const token = await harness.token('intake', ['front-desk']);
    const listed = async () => ((await (await fetch(`${harness.engine.url}/api/callbacks?status=open,in-progress,escalated,completed`, { headers: { authorization: `Bearer ${token}` } })).json()) as { tasks: { id: string; status: string; attempts: number; overdue: boolean }[] }).tasks;
    const missed = await eventually(async () => (await listed())[0], 30_000, 'the missed call\'s task');
    // A voicemail from yesterday, urgent and past its deadline (opened directly, as the pipeline would have).
    const now = new Date();
    const overdue = await harness.engine.db.transaction((tx) => openCallbackTask(tx, {
      origin: 'voicemail', patientId: other!.patientId, callId: null, requestType: 'symptom_report', urgent: true, queue: 'front-desk',
      dueAt: new Date(now.getTime() - 45 * 60_000), calledAt: new Date(now.getTime() - 60 * 60_000),
      context: { ivrReason: null, requestTypes: ['symptom_report'], redFlags: [], barriers: [] }, now,
    }));

    intake = await signedInPage(harness.engine, { role: 'intake', queues: ['front-desk'] }, '/callbacks', { viewport: phone });
    const page = intake.page;
    const cards = page.getByTestId('callback-task');
    await cards.nth(1).waitFor();
    // Urgent and overdue first, said in words (badges are set in capitals).
    const first = await cards.first().innerText();
    expect(first).toMatch(/urgent/i);
    expect(first).toMatch(/overdue \d+ min/i);
    expect(await cards.first().getAttribute('data-overdue')).toBe('true');
    expect(await cards.nth(1).innerText()).toContain('Missed call');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(phone.width);
    expect(await seriousViolations(page)).toEqual([]);

    // Two clicks: open the task, say what happened.
    await cards.nth(1).getByRole('button', { expanded: false }).click();
    const detail = cards.nth(1).getByRole('region');
    await detail.getByText(/Call back/).waitFor();
    await detail.getByRole('button', { name: 'No answer' }).click();
    await detail.getByText('Logged: No answer.').waitFor();
    await detail.getByRole('list', { name: 'Attempts so far' }).getByText(/No answer/).waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(phone.width);
    expect(await seriousViolations(page)).toEqual([]);
    await detail.getByRole('button', { name: 'Complete' }).click();
    // Done: it leaves the open list; the overdue one stays.
    await eventually(async () => ((await cards.count()) === 1 ? true : null), 10_000, 'the completed task off the open list');
    expect(await cards.first().innerText()).toMatch(/urgent/i);

    const after = await eventually(async () => (await listed()).find((task) => task.id === missed.id && task.status === 'completed'), 10_000, 'the completed task');
    expect(after.attempts).toBe(1);
    expect((await listed()).find((task) => task.id === overdue.id)).toMatchObject({ status: 'open', overdue: true });
    expect(intake.pageErrors).toEqual([]);
  });
});
