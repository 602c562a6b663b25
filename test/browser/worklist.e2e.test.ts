import type { Communication } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { callIdentifierSystem } from '../../src/write-back/chart-record.mapper.ts';
import { eventually, startHarness, type Harness } from '../helpers/engine-harness.ts';
import { allYes, reviewCalls } from '../helpers/review-calls.ts';
import { closeBrowser, screenshots, seriousViolations, signedInPage, type SignedInPage } from '../helpers/staff-app.ts';
import { auditOf, type WorklistRow } from './worklist-helpers.ts';

/**
 * The chart worklist (issue 14, item 4) in Chromium against a running engine and the sandbox EHR:
 * a supervisor sees a write the EHR refused with its reason in words, retries it and it is sent;
 * during downtime sees what waits for the EHR and since when, cancels one with a reason, and the
 * cancelled one never reaches the EHR while the rest drain. Synthetic calls and patients only.
 */
let ehr: SandboxEhr;
let harness: Harness;
let supervisor: SignedInPage;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  harness = await startHarness('pglite', { ehr });
  supervisor = await signedInPage(harness.engine, { role: 'supervisor', queues: ['*'] }, '/worklist');
});
afterAll(async () => {
  await supervisor?.context.close();
  await closeBrowser();
  await harness?.close();
  await ehr?.close();
});

const { api, searchEhr, placeCall } = reviewCalls(() => harness, () => ehr);
/** The chart writes of a call, as the worklist API lists them to a supervisor. */
const worklistRow = async (callId: string, status?: string): Promise<WorklistRow | null> => {
  const listed = await api('GET', `/api/write-back/worklist?limit=200${status ? `&status=${status}` : ''}`, undefined, 'supervisor');
  return (listed.body.items as WorklistRow[]).find((row) => row.callId === callId) ?? null;
};
const approve = async (reviewId: string) => expect((await api('POST', `/api/review/${reviewId}/approve`, { baseVersion: 1, checklist: allYes })).status).toBe(200);
const inEhr = (providerCallId: string) => searchEhr<Communication>('Communication', callIdentifierSystem, `synthetic-pbx/${providerCallId}`);
const card = (id: string) => supervisor.page.locator(`[data-item-id="${id}"]`);

describe('the chart worklist', () => {
  let refused: WorklistRow;
  let stillFailed: WorklistRow;

  it('shows a write the EHR refused with the EHR\'s reason in words and its codes, and a supervisor\'s retry sends it', async () => {
    // The clinic's EHR registration loses DocumentReference create: the note cannot be filed.
    ehr.registerClient({ ...harness.ehrClient, scopes: ['system/*.rs', 'system/Task.crus', 'system/Communication.crs', 'system/Provenance.crs'] });
    ehr.revokeAccessTokens();
    const [first, second] = [await placeCall({ id: 'worklist-refused-1', queue: 'demo-review', dob: true, text: 'Synthetic: I need a refill of my metformin.', patientIndex: 0 }),
      await placeCall({ id: 'worklist-refused-2', queue: 'demo-review', dob: true, text: 'Synthetic: please move my appointment to Monday.', patientIndex: 1 })];
    await approve(first.item.id);
    await approve(second.item.id);
    refused = await eventually(() => worklistRow(first.item.callId, 'failed'), 30_000, 'the refused write');
    stillFailed = await eventually(() => worklistRow(second.item.callId, 'failed'), 30_000, 'the second refused write');

    const page = supervisor.page;
    await page.reload();
    const item = card(refused.id);
    await item.waitFor();
    expect(await item.getByText('Failed', { exact: true }).count()).toBe(1);
    const text = await item.innerText();
    // Words first, each code beside its words: Callchart's, the HTTP status, the OperationOutcome's issue.
    expect(text).toContain("The EHR refused Callchart's access");
    expect(text).toContain('EHR_AUTH_REJECTED');
    expect(text).toMatch(/Forbidden\s+HTTP 403/);
    expect(text).toMatch(/Not permitted for this client \(a scope is missing\)\s+error:forbidden/);
    // The call and chart by reference only (ids; no patient name on the list).
    expect(text).toContain(`Patient/${first.patient.id}`);
    expect(text).not.toContain(first.patient.name?.[0]?.family ?? '(no family name)');
    expect(await inEhr('worklist-refused-1')).toHaveLength(0);
    // Counts at the top, per status, from the summary.
    expect(await page.getByTestId('count-failed').innerText()).toMatch(/^2\s+Failed$/);

    // The registration is fixed; the supervisor puts the item back in line from the screen.
    ehr.registerClient({ ...harness.ehrClient });
    ehr.revokeAccessTokens();
    await item.getByRole('button', { name: /^Retry item/ }).click();
    await eventually(async () => ((await inEhr('worklist-refused-1')).length === 1 ? true : null), 30_000, 'the retried write in the EHR');
    await page.locator(`[data-item-id="${refused.id}"][data-status="delivered"]`).waitFor({ timeout: 20_000 });
    expect(await item.getByText('Sent', { exact: true }).count()).toBe(1);
    expect(await item.getByRole('button', { name: /^Retry item/ }).count()).toBe(0);
    expect(await page.evaluate('document.activeElement === document.body')).toBe(false);
    expect(supervisor.pageErrors).toEqual([]);
  });

  it('during downtime shows what waits for the EHR and since when; a write cancelled with a reason is never sent, and the audit says who and why', async () => {
    const page = supervisor.page;
    const [waiting, cancelled] = [await placeCall({ id: 'worklist-down-1', queue: 'demo-review', dob: true, text: 'Synthetic: I need a refill of my lisinopril.', patientIndex: 2 }),
      await placeCall({ id: 'worklist-down-2', queue: 'demo-review', dob: true, text: 'Synthetic: I have a question about my bill.', patientIndex: 3 })];
    ehr.setFaults({ mode: 'http-500' });
    let toCancel: WorklistRow;
    try {
      await approve(waiting.item.id);
      await approve(cancelled.item.id);
      await eventually(async () => ((await worklistRow(waiting.item.callId))?.waitingSince ? true : null), 30_000, 'a failed attempt while the EHR is down');
      toCancel = (await worklistRow(cancelled.item.callId))!;
      await page.reload();
      const banner = page.getByTestId('ehr-downtime');
      await banner.waitFor();
      expect(await banner.innerText()).toMatch(/Since .+, 2 chart writes wait for the EHR\./);
      const head = card((await worklistRow(waiting.item.callId))!.id);
      expect(await head.getByText('Waiting for the EHR', { exact: true }).count()).toBe(1);
      expect(await head.innerText()).toContain('The EHR is not answering');
      // The one behind it was never tried, and waits for the EHR all the same.
      expect(await card(toCancel.id).getByText('Waiting for the EHR', { exact: true }).count()).toBe(1);

      // Cancel the second with a reason: the dialog asks why before anything happens.
      const item = card(toCancel.id);
      await item.getByRole('button', { name: /^Cancel item/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Cancel this chart write?' });
      await dialog.getByRole('button', { name: 'Cancel the chart write' }).click();
      await dialog.getByText('Choose why this chart write should not be sent.').waitFor();
      await dialog.getByRole('radio', { name: 'Already entered in the EHR by hand' }).check();
      await dialog.getByRole('button', { name: 'Cancel the chart write' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await item.getByText('Cancelled', { exact: true }).waitFor();
      // Its Cancel button is gone: keyboard focus is on the item, not thrown to the page.
      await page.waitForFunction(`document.activeElement?.id === 'write-back-${toCancel.id}'`, undefined, { timeout: 5_000 });
      expect(await item.innerText()).toMatch(new RegExp(`Cancelled .+ by ${supervisor.staff.user.displayName ?? supervisor.staff.userName}: Already entered in the EHR by hand\\. It will not be sent\\.`));
      expect(await item.getByRole('button', { name: /^Cancel item/ }).count()).toBe(0);

      const { phoneWidth } = await screenshots(page, 'worklist');
      expect(phoneWidth).toBeLessThanOrEqual(390);
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      ehr.setFaults({ mode: 'none' });
    }
    // The EHR is back: the line drains; the cancelled write never goes, and a retry cannot revive it.
    harness.engine.dispatcher.wake();
    await eventually(async () => ((await inEhr('worklist-down-1')).length === 1 ? true : null), 120_000, 'the drain after downtime');
    expect((await worklistRow(waiting.item.callId))?.status).toBe('delivered');
    expect((await api('POST', `/api/write-back/${toCancel.id}/retry`, undefined, 'supervisor')).status).toBe(409);
    // Nothing is left to claim: a round of the worker with a sender that records what it is handed gets nothing.
    const handed: string[] = [];
    await harness.engine.dispatcher.drainOnce({ target: 'fhir', available: () => true, deliver: (claimed) => (handed.push(claimed.id), Promise.reject(new Error('a cancelled write was claimed'))) });
    expect(handed).toEqual([]);
    expect(await inEhr('worklist-down-2')).toHaveLength(0);
    expect((await worklistRow(cancelled.item.callId))).toMatchObject({ status: 'cancelled', cancelled: { reason: 'entered-by-hand' } });
    const audit = await auditOf(harness.engine.db, 'ehr.write-back.cancelled', toCancel.id);
    expect(audit).toEqual([{ actor: `staff:${supervisor.staff.user.id}`, reason: 'entered-by-hand', outcome: 'success' }]);
    // Once the EHR answers again the banner goes.
    await page.reload();
    await card(toCancel.id).waitFor();
    expect(await page.getByTestId('ehr-downtime').count()).toBe(0);
    expect(supervisor.pageErrors).toEqual([]);
  });

  it('filters by status in the address, and the failed one is still there with its reason', async () => {
    const page = supervisor.page;
    await page.goto(`${harness.engine.url}/worklist?status=failed`);
    await card(stillFailed.id).waitFor();
    expect(await Promise.all((await page.getByTestId('worklist-item').all()).map((row) => row.getAttribute('data-status')))).toEqual(['failed']);
    expect(await page.getByTestId('count-failed').getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: 'Clear the filters' }).click();
    await card(refused.id).waitFor();
    expect(new URL(page.url()).search).toBe('');
    // A kind with no writes: said in words, with what to do.
    await page.goto(`${harness.engine.url}/worklist?kind=event-task`);
    await page.getByText('No chart writes match these filters').waitFor();
    // Paging, newest first: the next page starts below the last item of this one.
    const first = await api('GET', '/api/write-back/worklist?limit=3', undefined, 'supervisor');
    expect(first.body.items).toHaveLength(3);
    const next = await api('GET', `/api/write-back/worklist?limit=3&before=${first.body.nextBefore}`, undefined, 'supervisor');
    expect(next.body).toMatchObject({ items: [{ id: refused.id }], nextBefore: null });
    expect((await api('GET', '/api/write-back/worklist?status=bogus', undefined, 'supervisor')).status).toBe(400);
    expect(supervisor.pageErrors).toEqual([]);
  });

  it('an administrator sees the same writes by id only: no chart id, no link into Review (a screen that is not theirs)', async () => {
    const admin = await signedInPage(harness.engine, { role: 'admin' }, '/worklist');
    const row = admin.page.locator(`[data-item-id="${stillFailed.id}"]`);
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toMatch(/Chart:\s+not shown/);
    expect(text).not.toContain('Patient/');
    expect(await row.getByRole('link').count()).toBe(0);
    expect(await row.getByRole('button', { name: /^Retry item/ }).count()).toBe(1);
    expect(admin.pageErrors).toEqual([]);
    await admin.context.close();
  });

  it('a nurse reaching /worklist is told it is not part of her role, and the API refuses her retry and cancel', async () => {
    const nurse = await signedInPage(harness.engine, { role: 'nurse', queues: ['demo-review'] }, '/worklist');
    await nurse.page.getByRole('heading', { name: 'Chart worklist is not part of your role' }).waitFor();
    expect(await nurse.page.getByTestId('worklist-item').count()).toBe(0);
    expect(nurse.pageErrors).toEqual([]);
    // Her own session (the app's way in) and a token: both refused.
    expect((await nurse.staff.fetch('POST', `/api/write-back/${stillFailed.id}/cancel`, { reason: 'duplicate' })).status).toBe(403);
    expect((await nurse.staff.fetch('POST', `/api/write-back/${stillFailed.id}/retry`)).status).toBe(403);
    expect((await api('POST', `/api/write-back/${stillFailed.id}/cancel`, { reason: 'duplicate' }, 'nurse')).status).toBe(403);
    expect((await api('GET', '/api/write-back/worklist', undefined, 'nurse')).status).toBe(403);
    expect((await worklistRow(stillFailed.callId!))?.status).toBe('failed');
    await nurse.context.close();
  });
});
