import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/engine-harness.ts';
import { closeBrowser, screenshots, seriousViolations, signedInPage } from '../helpers/staff-app.ts';
import { auditEvents, editYaml, ringForRoute } from './settings-helpers.ts';

/**
 * Settings (issue 14, item 6): an admin changes a queue policy and a routing rule from the app;
 * each change is checked by its file's schema, previewed field by field, refused without a
 * reason, saved with one, put in force by the running engine, and audited with who, when and why.
 */
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness('pglite');
});
afterAll(async () => {
  await closeBrowser();
  await harness?.close();
});

/** An API answer as these tests read it. */
type Answer = Record<string, unknown> & { error?: { code: string; detail?: { problems?: { path: string }[] } }; history?: Record<string, unknown>[] };

const api = async (method: string, path: string, token: string, body?: unknown) => {
  const response = await fetch(`${harness.engine.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Answer };
};

describe('settings for an admin', () => {
  it('changes a queue policy: diff preview, no save without a reason, saved with one, in force and audited', async () => {
    const before = harness.engine.policies.current;
    const dueHours = before.policy.events.dueHours;
    const { page, pageErrors, context, staff } = await signedInPage(harness.engine, { role: 'admin', queues: ['*'] }, '/settings');
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Queue policies' }).waitFor();
    expect(await page.getByText('Applies at once').isVisible()).toBe(true);
    const shot = await screenshots(page, 'settings');
    expect(shot.phoneWidth).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);

    await editYaml(page, (doc) => doc.setIn(['events', 'dueHours'], dueHours + 12));
    await page.getByRole('button', { name: 'Check the changes' }).click();
    const changed = page.getByRole('table', { name: 'Changed fields' });
    await changed.waitFor();
    const row = changed.getByRole('row').filter({ hasText: 'events.dueHours' });
    expect(await row.getByRole('cell').allTextContents()).toEqual(['events.dueHours', String(dueHours), String(dueHours + 12)]);
    expect(await page.locator('[data-change="added"]').allTextContents()).toContain(`+   dueHours: ${dueHours + 12}`);

    // No reason: refused in words, nothing saved.
    await page.getByRole('button', { name: 'Save this change' }).click();
    await page.getByText('Say why you are making this change before saving').waitFor();
    expect(harness.engine.policies.current.version).toBe(before.version);
    // From the top, so the fixed header sits where a person sees it.
    await page.evaluate('window.scrollTo(0, 0)');
    const shotDiff = await screenshots(page, 'settings-diff');
    expect(shotDiff.phoneWidth).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel('Why are you making this change?').fill('Callback tasks due later on weekends (synthetic test)');
    await page.getByRole('button', { name: 'Save this change' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    // The running engine uses it: the next event Task is due later.
    expect(harness.engine.policies.current.policy.events.dueHours).toBe(dueHours + 12);
    const after = harness.engine.policies.current.version;
    expect(after).not.toBe(before.version);
    // The history shows who and why, in the clinic's words.
    const history = page.getByRole('list', { name: 'Changes so far' });
    await history.getByText('Callback tasks due later on weekends (synthetic test)').waitFor();

    const [audit] = await auditEvents(harness.engine.db, 'settings.changed', 'queue-policy');
    expect(audit).toMatchObject({
      actor: `staff:${staff.user.id}`, object_id: 'queue-policy', reason: 'Callback tasks due later on weekends (synthetic test)',
      detail: { section: 'queue-policy', previousVersion: before.version, version: after, applies: 'live' },
    });
    expect(Date.now() - new Date(audit!.at).getTime()).toBeLessThan(10 * 60_000);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('changes a routing rule: the next call that rings follows it', async () => {
    const { page, pageErrors, context, staff } = await signedInPage(harness.engine, { role: 'admin', queues: ['*'] }, '/settings?section=routing-rules');
    await page.getByRole('heading', { name: 'Routing rules' }).waitFor();
    const before = await ringForRoute(harness, 'settings-call-before');
    expect(before?.destinationId).toBeTruthy();
    expect(before?.destinationId).not.toBe('billing');

    // Billing answers every call, open or closed (two rules: one for each).
    await editYaml(page, (doc) => {
      const rules = doc.get('rules') as { items: unknown[] };
      rules.items.unshift(
        doc.createNode({ id: 'everything-to-billing-open', description: 'Synthetic test: billing takes every call', when: { afterHours: false }, to: 'billing' }),
        doc.createNode({ id: 'everything-to-billing-closed', description: 'Synthetic test: billing takes every call', when: { afterHours: true }, to: 'billing' }),
      );
    });
    await page.getByRole('button', { name: 'Check the changes' }).click();
    await page.getByRole('table', { name: 'Changed fields' }).getByText('rules.0.id').waitFor();
    await page.getByLabel('Why are you making this change?').fill('Billing covers the phones during the synthetic drill');
    await page.getByRole('button', { name: 'Save this change' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    const routed = await ringForRoute(harness, 'settings-call-after');
    expect(routed).toMatchObject({ destinationId: 'billing' });
    expect(routed?.ruleId).toMatch(/^everything-to-billing-/);
    const audits = await auditEvents(harness.engine.db, 'settings.changed', 'routing-rules');
    expect(audits.at(-1)).toMatchObject({ actor: `staff:${staff.user.id}`, object_id: 'routing-rules', reason: 'Billing covers the phones during the synthetic drill', detail: { section: 'routing-rules', applies: 'live' } });
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('lists every problem of a bad document with its field path, and saves nothing', async () => {
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'admin', queues: ['*'] }, '/settings?section=ivr');
    await page.getByRole('heading', { name: 'IVR texts' }).waitFor();
    expect(await page.getByText('Applies after a restart').isVisible()).toBe(true);
    await editYaml(page, (doc) => {
      doc.setIn(['default', 'gatherTimeoutSeconds'], 99);
      doc.setIn(['default', 'dobStepUp'], 'sometimes');
    });
    await page.getByRole('button', { name: 'Check the changes' }).click();
    const problems = page.getByRole('alert').filter({ hasText: 'things need fixing' });
    await problems.waitFor();
    const text = await problems.textContent();
    expect(text).toContain('Field default.gatherTimeoutSeconds');
    expect(text).toContain('Field default.dobStepUp');
    expect(await page.getByRole('button', { name: 'Save this change' }).count()).toBe(0);

    // Broken YAML: said as such, with its line.
    await page.getByLabel('Settings (YAML, as in the file)').fill('default: [unclosed');
    await page.getByRole('button', { name: 'Check the changes' }).click();
    await page.getByText('The YAML itself').waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('answers the API with every problem and its path (422), refuses a save without a reason (400) and a stale one (409)', async () => {
    const token = await harness.token('admin', ['*']);
    const current = await api('GET', '/api/admin/settings/retention', token);
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ applies: 'restart', waitingForRestart: false });

    const invalid = await api('PUT', '/api/admin/settings/retention', token, { document: 'enabled: maybe\npurgeEveryMinutes: 0\n', reason: 'synthetic test', baseVersion: current.body.version });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error?.detail?.problems?.map((problem) => problem.path).sort()).toEqual(['enabled', 'purgeEveryMinutes']);

    const noReason = await api('PUT', '/api/admin/settings/retention', token, { document: 'enabled: true\npurgeEveryMinutes: 30\n', reason: ' ', baseVersion: current.body.version });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error?.code).toBe('SETTINGS_REASON_REQUIRED');

    const saved = await api('PUT', '/api/admin/settings/retention', token, { document: 'enabled: true\npurgeEveryMinutes: 30\n', reason: 'purge twice an hour (synthetic)', baseVersion: current.body.version });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ changed: true, applies: 'restart' });
    const stale = await api('PUT', '/api/admin/settings/retention', token, { document: 'enabled: true\npurgeEveryMinutes: 20\n', reason: 'another admin (synthetic)', baseVersion: current.body.version });
    expect(stale.status).toBe(409);
    expect(stale.body.error?.code).toBe('SETTINGS_VERSION_STALE');
    const reread = await api('GET', '/api/admin/settings/retention', token);
    expect(reread.body).toMatchObject({ version: saved.body.version, waitingForRestart: true });
    expect(reread.body.history?.[0]).toMatchObject({ reason: 'purge twice an hour (synthetic)', previousVersion: current.body.version });
  });

  it('changes a person\'s role and queues with a reason, kept in the audit', async () => {
    const other = await signedInPage(harness.engine, { role: 'intake', queues: ['front-desk'], userName: 'settings-intake' }, '/');
    await other.context.close();
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'admin', queues: ['*'] }, '/settings?section=users');
    await page.getByRole('heading', { name: 'Users and roles' }).waitFor();
    await page.getByRole('button', { name: /Change role or queues of settings-intake/ }).click();
    const dialog = page.getByRole('form', { name: /Change role or queues of settings-intake/ });
    await dialog.getByLabel('Role').selectOption('nurse');
    await dialog.getByLabel('Queues').fill('triage, front-desk');
    await dialog.getByRole('button', { name: 'Save the change' }).click();
    await dialog.getByText('Say why you are making this change before saving').waitFor();
    await dialog.getByLabel('Why are you making this change?').fill('Moved to the nurse line (synthetic)');
    await dialog.getByRole('button', { name: 'Save the change' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 }).catch(async (error: unknown) => {
      throw new Error(`the change was not saved: ${await dialog.textContent()}`, { cause: error });
    });
    await page.getByText('Nurse · triage, front-desk').waitFor();
    const [audit] = await auditEvents(harness.engine.db, 'staff.user.changed', other.staff.user.id);
    expect(audit).toMatchObject({ reason: 'Moved to the nurse line (synthetic)', detail: { fields: expect.arrayContaining(['role', 'queues']) } });
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('keeps a supervisor out: the screen says it is not part of the role, the API answers 403', async () => {
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'supervisor', queues: ['front-desk'] }, '/settings');
    await page.getByRole('heading', { name: 'Settings is not part of your role' }).waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
    const token = await harness.token('supervisor', ['front-desk']);
    for (const [method, path, body] of [
      ['GET', '/api/admin/settings/queue-policy', undefined],
      ['POST', '/api/admin/settings/queue-policy/preview', { document: 'version: x' }],
      ['PUT', '/api/admin/settings/queue-policy', { document: 'version: x', reason: 'not mine to change', baseVersion: 'x' }],
    ] as const) {
      const answer = await api(method, path, token, body);
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.body.error?.code).toBe('ROLE_FORBIDDEN');
    }
  });
});
