import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic } from '../../src/sandbox-ehr/synthetic-clinic.ts';
import { defaultConfig } from '../../src/config/config.schema.ts';
import { startHarness, type Harness } from '../helpers/engine-harness.ts';
import { closeBrowser, screenshots, seriousViolations, signedInPage } from '../helpers/staff-app.ts';

/**
 * The outreach screen (issue 16, FU-2) in real Chromium: a supervisor of the outreach queue sees
 * the no-show list the EHR search found (the sandbox's missed visits), a patient's barrier heard in
 * an earlier call with its line in the script, uploads a CSV and reads which rows were not imported
 * and why; all of it at phone width.
 */
const clinic = generateSyntheticClinic();
const noShowPatient = clinic.noShows[0]!.participant[0]!.actor!.reference!.replace('Patient/', '');
let ehr: SandboxEhr;
let harness: Harness;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  // The sandbox's missed visits are in the days before its reference date: look back far enough from today.
  harness = await startHarness('pglite', { ehr, config: { outreach: { ...defaultConfig.outreach, noShowLookbackDays: 60, enabled: false } } });
  const callId = randomUUID();
  await harness.engine.db.query(
    `insert into call (id, provider, provider_call_id, status, queue, caller_outcome, caller_confidence, caller_patient_ids, started_at)
     values ($1, 'synthetic-pbx', $2, 'ended', 'front-desk', 'unique', 'high', $3, now() - interval '3 days')`,
    [callId, `outreach-${callId}`, [noShowPatient]],
  );
  const { sealed, keyId } = await harness.engine.keyring.sealFor('summary', new Date(), JSON.stringify({ redacted: 'Caller: my mother only speaks Portuguese, can you get an interpreter?' }));
  await harness.engine.db.query('insert into call_analysis (call_id, method, ciphertext, key_id) values ($1, $2, $3, $4)', [callId, 'transcript', sealed, keyId]);
  await harness.engine.outreach.scheduler.runNow('manual');
}, 240_000);
afterAll(async () => {
  await closeBrowser();
  await harness?.close();
  await ehr?.close();
});

describe('the outreach screen', () => {
  it('shows the lists with barriers and script, and reports the rows of an upload that were not imported', async () => {
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'supervisor', queues: ['outreach'] }, '/outreach', { viewport: { width: 390, height: 844 } });
    await page.getByRole('heading', { name: 'Outreach' }).waitFor();
    const entries = page.getByRole('list', { name: 'Outreach entries' }).locator(':scope > li');
    await entries.first().waitFor();
    expect(await entries.count()).toBe(clinic.noShows.length);
    const withBarrier = page.getByLabel(`Missed visit, patient ${noShowPatient}`);
    expect(await withBarrier.getByLabel('Barriers heard in earlier calls').textContent()).toContain('Language');
    expect(await withBarrier.innerText()).toContain('offer an interpreter');
    expect(await withBarrier.innerText()).toContain('Not called yet');

    const patient = clinic.patients[3]!;
    const csv = ['kind,patient_id,date', `no-show,${patient.id},2026-10-20`, 'no-show,syn-nobody,2026-10-20', 'no-show,p9,yesterday'].join('\n');
    const chooser = page.waitForEvent('filechooser');
    await page.getByLabel('Upload a list (CSV)').click();
    await (await chooser).setFiles({ name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload list' }).click();
    const report = page.getByLabel('Import report');
    await report.getByText('1 added, 0 already on a list, 2 not imported').waitFor();
    const rows = await page.getByRole('table', { name: 'Rows not imported' }).locator('tbody tr').allInnerTexts();
    expect(rows.map((row) => row.replace(/\s+/g, ' ').trim())).toEqual(['3 unknown patient: no chart in the EHR has this patient_id', '4 bad date: use YYYY-MM-DD']);
    await page.getByText(`Patient ${patient.id}`).waitFor();

    const { phoneWidth } = await screenshots(page, 'outreach-supervisor');
    expect(phoneWidth).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
