import { readFileSync } from 'node:fs';
import { generate } from 'otplib';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveAuditKey } from '../../src/audit/audit-key.ts';
import { verifySignedAuditExport } from '../../src/audit/audit-export.ts';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { eventually, startHarness, type Harness } from '../helpers/engine-harness.ts';
import { allYes, reviewCalls } from '../helpers/review-calls.ts';
import { signUpAndSignIn, type LocalStaff } from '../helpers/staff-session.ts';
import { closeBrowser, screenshots, seriousViolations, signedInPage } from '../helpers/staff-app.ts';

/**
 * The Audit screen (issue 14, item 5) in Chromium against a running engine: an auditor finds a
 * call by its id and reads its chain of custody in order with who and when; the verification
 * panel says the trail is intact, and broken once a row is changed in the database; a signed
 * export asks for a fresh confirmation, verifies with the audit key as the CLI does, and is itself
 * in the trail; an admin's policy change shows with the admin's name, the time and the reason; a
 * nurse is told the screen is not part of her role and the API refuses her. Synthetic data only.
 */
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

const { placeCall } = reviewCalls(() => harness, () => ehr);
const clinicZone = 'America/New_York';
/** As the screen writes times: the clinic's zone (not the browser's UTC), to the second. */
const clinicTime = (iso: string) => new Intl.DateTimeFormat('en-US', { timeZone: clinicZone, year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' }).format(new Date(iso));

async function named(staff: LocalStaff, displayName: string): Promise<void> {
  await harness.engine.db.query('update staff_user set display_name = $1 where id = $2', [displayName, staff.user.id]);
}

/** One attribute of every element a locator matches, in page order. */
async function attributes(locator: Locator, name: string): Promise<string[]> {
  return Promise.all((await locator.all()).map(async (element) => (await element.getAttribute(name)) ?? ''));
}

interface TrailEvent { seq: number; at: string; actor: string; action: string; objectType: string; objectId: string | null; reason: string | null; detail: Record<string, unknown> }

let callId = '';
let nurse: LocalStaff;

describe('the Audit screen', () => {
  it("finds a call by its id and shows the call's events in order, with who and when", async () => {
    const { item } = await placeCall({ id: 'audit-screen-call', queue: 'demo-review', dob: true, text: 'Synthetic: are my blood test results back from last week?', patientIndex: 1 });
    callId = item.callId;
    // A nurse opens the item and approves it: the trail names her.
    nurse = await signUpAndSignIn(harness.engine, { role: 'nurse', queues: ['*'] });
    await named(nurse, 'Nora Nurse (synthetic)');
    const opened = await nurse.fetch('GET', `/api/review/${item.id}`);
    expect(opened.status).toBe(200);
    const approved = await nurse.fetch('POST', `/api/review/${item.id}/approve`, { baseVersion: opened.body.item.currentVersion, checklist: allYes });
    expect(approved.status).toBe(200);

    const { page, pageErrors, context, staff: auditor } = await signedInPage(harness.engine, { role: 'auditor' }, '/audit');
    // The chart write is delivered by the write-back worker: wait until the trail has it.
    await eventually(async () => {
      const found = await auditor.fetch('GET', `/api/audit/events?callId=${callId}&action=ehr.write-back.delivered`);
      return found.body.events?.length ? true : null;
    }, 60_000, 'the chart write in the trail');

    await page.getByLabel('Call id').fill(callId);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/callId=/);
    await page.getByRole('heading', { name: 'Events found' }).waitFor();
    const rows = page.getByTestId('audit-row');
    await rows.first().waitFor();
    const seqs = await attributes(rows, 'data-seq').then((values) => values.map(Number));
    expect(seqs.length).toBeGreaterThan(5);
    expect(seqs, 'newest first').toEqual([...seqs].sort((a, b) => b - a));
    // The approval row: the nurse by name, the action in words, the time in the clinic's zone.
    const answer = await auditor.fetch('GET', `/api/audit/events?callId=${callId}&action=review.approved`);
    const approval = answer.body.events[0] as TrailEvent;
    const approvalRow = page.locator(`[data-testid="audit-row"][data-seq="${approval.seq}"]`);
    expect(await approvalRow.textContent()).toContain('Nora Nurse (synthetic)');
    expect(await approvalRow.textContent()).toContain('Chart note approved');
    expect(await approvalRow.textContent()).toContain(clinicTime(approval.at));
    expect(await page.getByTestId('audit-results').textContent()).not.toMatch(/review\.approved|call\.event\.accepted/);
    const { phoneWidth } = await screenshots(page, 'audit-search');
    expect(phoneWidth).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);

    // The chain of custody, oldest first: arrived, consent, identified, review, approved, viewed, written to the chart.
    await page.getByRole('link', { name: "Open this call's chain of custody" }).click();
    await page.waitForURL(new RegExp(`/audit/calls/${callId}$`));
    await page.getByRole('heading', { name: 'Chain of custody of a call' }).waitFor();
    const items = page.getByTestId('timeline-event');
    await items.first().waitFor();
    const actions = await attributes(items, 'data-action');
    for (const action of ['call.consent.captured', 'call.identity.step-up', 'phi.viewed']) expect(actions, action).toContain(action);
    const order = ['call.event.accepted', 'review.created', 'review.approved', 'ehr.write-back.delivered'];
    const positions = order.map((action) => actions.indexOf(action));
    expect(positions.every((position) => position >= 0), `${order.join(', ')} all in ${actions.join(', ')}`).toBe(true);
    expect(positions, 'in the order they happened').toEqual([...positions].sort((a, b) => a - b));
    const timelineSeqs = await attributes(items, 'data-seq').then((values) => values.map(Number));
    expect(timelineSeqs, 'oldest first').toEqual([...timelineSeqs].sort((a, b) => a - b));
    const titles = await items.allTextContents();
    const approvedItem = titles[actions.indexOf('review.approved')]!;
    expect(approvedItem).toContain('Chart note approved');
    expect(approvedItem).toContain('Nora Nurse (synthetic)');
    expect(approvedItem).toContain(clinicTime(approval.at));
    expect(titles[actions.indexOf('phi.viewed')]).toContain('Patient information viewed: review item opened');
    expect(titles[actions.indexOf('call.event.accepted')]).toContain('Call arrived (ringing)');
    const timeline = await screenshots(page, 'audit-timeline');
    expect(timeline.phoneWidth).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows who changed a policy, when and why: an admin changes it with a reason, the auditor reads it', async () => {
    const admin = await signUpAndSignIn(harness.engine, { role: 'admin' });
    await named(admin, 'Ada Admin (synthetic)');
    const current = await admin.fetch('GET', '/api/policy');
    expect(current.status).toBe(200);
    // JSON is YAML: the current policy with a new label is a new version.
    const reason = 'Synthetic: new label for the audit screen test';
    const changed = await admin.fetch('PUT', '/api/policy', { yaml: JSON.stringify({ ...current.body.policy, version: 'audit-screen-e2e' }), reason });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.changed).toBe(true);

    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'auditor' }, '/audit');
    await page.getByRole('textbox', { name: 'What happened' }).or(page.getByRole('combobox', { name: 'What happened' })).first().click();
    await page.getByRole('option', { name: 'Settings changed: queue policy' }).click();
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/action=policy\.queue\.activated/);
    const row = page.getByTestId('audit-row').filter({ hasText: 'Settings changed: queue policy' }).first();
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain('Ada Admin (synthetic)');
    expect(text).toContain('Settings changed: queue policy');
    expect(text).toContain(`Reason: ${reason}`);
    const seq = Number(await row.getAttribute('data-seq'));
    const { rows } = await harness.engine.db.query<{ at: Date | string }>('select at from audit_event where seq = $1', [seq]);
    expect(text).toContain(clinicTime(new Date(rows[0]!.at).toISOString()));
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('asks the auditor to confirm it is them before a signed export, which verifies and is itself in the trail', async () => {
    const { page, pageErrors, context, staff: auditor } = await signedInPage(harness.engine, { role: 'auditor' }, `/audit/calls/${callId}`);
    await named(auditor, 'Audrey Auditor (synthetic)');
    // Signing in counts as a fresh confirmation; this session's was long ago.
    await harness.engine.db.query('update staff_session set stepped_up_at = null where user_id = $1', [auditor.user.id]);
    await page.reload();
    await page.getByTestId('timeline-event').first().waitFor();
    const shown = await page.getByTestId('timeline-event').count();

    await page.getByRole('button', { name: "Export this call's events (signed)" }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await dialog.waitFor();
    await dialog.getByLabel('Your password').fill(auditor.password);
    // The helper's codes are spent on signing in (this step and the next); the last one was long ago, as for a person.
    await harness.engine.db.query('update staff_user set totp_last_step = null where id = $1', [auditor.user.id]);
    await dialog.getByLabel('Six-digit code from your authenticator app').fill(await generate({ secret: auditor.totpSecret, epoch: Math.floor(Date.now() / 30_000) * 30 }));
    const downloading = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    const download = await downloading;
    const text = readFileSync((await download.path())!, 'utf8');
    // The CLI's check (`callchart audit verify-export`): the trailer's HMAC and every event's own link.
    const check = verifySignedAuditExport(deriveAuditKey(harness.auditKey), text);
    expect(check).toMatchObject({ ok: true });
    expect(check.ok && check.count).toBeGreaterThanOrEqual(shown);
    const exported = text.trimEnd().split('\n').slice(0, -1).map((line) => JSON.parse(line) as TrailEvent);
    expect(exported.some((event) => event.action === 'review.approved')).toBe(true);
    expect(verifySignedAuditExport(deriveAuditKey(harness.auditKey), text.replace('review.approved', 'review.rejected')).ok, 'a changed line fails').toBe(false);

    // Who exported what, when: the export is in the trail under the auditor's name.
    await page.goto(`${harness.engine.url}/audit?action=phi.viewed&actor=${auditor.userName}`);
    const rows = page.getByTestId('audit-row');
    await rows.first().waitFor();
    const exportRow = rows.filter({ hasText: 'Patient information viewed: export' }).first();
    await exportRow.waitFor();
    const rowText = await exportRow.textContent();
    expect(rowText).toContain('Audrey Auditor (synthetic)');
    expect(rowText).toContain('Audit export');
    expect(rowText).toContain(callId);
    // The export raised an alert (the alert worker reads the trail): the Alerts tab shows it in words.
    await eventually(async () => ((await auditor.fetch('GET', '/api/alerts?rule=export')).body.alerts?.length ? true : null), 30_000, 'the export alert');
    await page.getByRole('tab', { name: 'Alerts' }).click();
    await page.getByTestId('audit-alerts').getByText('Audit records or call data were exported').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // The step-up dialog's scroll lock carries the page's CSP nonce (get-nonce): no refusal.
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('tells a nurse the screen is not part of her role, and the API refuses her', async () => {
    const { page, pageErrors, context, staff } = await signedInPage(harness.engine, { role: 'nurse', queues: ['demo-review'] }, '/audit');
    await page.getByRole('heading', { name: 'Audit is not part of your role' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Audit' }).count()).toBe(0);
    for (const path of ['/api/audit/events', `/api/audit/calls/${callId}/timeline`, '/api/audit/verification', '/api/audit/export']) {
      const answer = await staff.fetch('GET', path);
      expect(answer.status, path).toBe(403);
      expect(answer.body.error.code).toBe('ROLE_FORBIDDEN');
    }
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('says the trail is intact, and broken (in words, naming the event) once a row is changed in the database', async () => {
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'auditor' }, '/audit');
    const panel = page.getByTestId('audit-verification');
    await panel.getByText('The audit trail is intact').waitFor();
    expect(await panel.textContent()).toMatch(/newest signed checkpoint was taken/);

    // Someone with database access rewrites one event (the trigger that refuses it switched off).
    const { rows } = await harness.engine.db.query<{ seq: string }>("select seq from audit_event where action = 'review.approved' and object_type = 'review-item' order by seq desc limit 1");
    const seq = Number(rows[0]!.seq);
    await harness.engine.db.exec(`alter table audit_event disable trigger user; update audit_event set actor = 'staff:someone-else' where seq = ${seq}; alter table audit_event enable trigger user;`);
    await panel.getByRole('button', { name: 'Check again' }).click();
    await panel.getByText('The audit trail is broken').waitFor();
    expect(await panel.textContent()).toContain(`Event #${seq} does not verify under the audit key`);
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
