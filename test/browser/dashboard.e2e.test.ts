import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { startHarness, type Harness } from '../helpers/engine-harness.ts';
import { closeBrowser, screenshots, seriousViolations, signedInPage } from '../helpers/staff-app.ts';
import { placeDashboardCalls } from './dashboard-helpers.ts';

/**
 * The dashboard (issue 14, item 7): with synthetic calls placed through the pipeline (routine and
 * urgent, red flags acknowledged, drafts approved with and without edits, one missed call), a
 * supervisor reads the figures of their queue; an analyst reads the same aggregates with counts
 * of 1 to 4 shown as "fewer than 5".
 */
const queue = 'q-dash';
let ehr: SandboxEhr;
let harness: Harness;
let placed: Awaited<ReturnType<typeof placeDashboardCalls>>;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  harness = await startHarness('pglite', { ehr });
  placed = await placeDashboardCalls(harness, ehr, { queue, routine: 4, urgent: 2, approveAsWritten: 3 });
}, 240_000);
afterAll(async () => {
  await closeBrowser();
  await harness?.close();
  await ehr?.close();
});

const statValue = (page: Page, id: string) => page.getByTestId(`${id}-value`).textContent();

describe('the dashboard', () => {
  it('shows a supervisor the figures of the calls in their queue', async () => {
    expect(placed.approvals.every((status) => status === 200)).toBe(true);
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'supervisor', queues: [queue] }, '/dashboard');
    await page.getByRole('heading', { name: 'At a glance' }).waitFor();
    expect(await statValue(page, 'stat-calls')).toBe('7');
    expect(await page.getByTestId('stat-calls').textContent()).toContain('6 answered, 1 missed');
    expect(await statValue(page, 'stat-urgent')).toBe('2');
    expect(await page.getByTestId('stat-urgent').textContent()).toContain('2 with a red flag: 2 acknowledged, 0 not yet');
    // 1 of 7 finished calls missed; 3 of 4 approved AI drafts went as written.
    expect(await statValue(page, 'stat-missed')).toBe('14.3%');
    expect(await statValue(page, 'stat-drafts')).toBe('75%');
    expect(await page.getByTestId('dashboard-footnote').textContent()).not.toContain('fewer than 5');
    const { phoneWidth } = await screenshots(page, 'dashboard-supervisor');
    expect(phoneWidth).toBeLessThanOrEqual(390);
    // The by-hour table holds the same 7 calls, in the clinic's hours.
    await page.getByText('Calls by hour of the day: the numbers as a table').click();
    const cells = await page.getByTestId('chart-by-hour-table').locator('tbody td').allTextContents();
    expect(cells.map(Number).reduce((sum, value) => sum + value, 0)).toBe(7);
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows a supervisor of another queue no calls, in words', async () => {
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'supervisor', queues: ['q-elsewhere'] }, '/dashboard');
    await page.getByText('No calls in this range').waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('shows an analyst the same aggregates de-identified: counts of 1 to 4 as "fewer than 5"', async () => {
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'analyst', queues: ['*'] }, '/dashboard');
    await page.getByRole('heading', { name: 'At a glance' }).waitFor();
    expect(await statValue(page, 'stat-calls')).toBe('7');
    expect(await statValue(page, 'stat-urgent')).toBe('fewer than 5');
    // 1 missed of 7: hidden, and the answered count with it (7 - 6 would give it back); no rate.
    expect(await page.getByTestId('stat-calls').textContent()).toContain('fewer than 5 answered, fewer than 5 missed');
    expect(await statValue(page, 'stat-missed')).toBe('—');
    // Every request type had fewer than 5 calls: words instead of an empty chart, and the table says so.
    await page.getByTestId('chart-by-type-all-small').waitFor();
    await page.getByText('Calls by request type: the numbers as a table').click();
    expect(await page.getByTestId('chart-by-type-table').locator('tbody td').allTextContents()).toEqual(['fewer than 5', 'fewer than 5', 'fewer than 5']);
    expect(await page.getByTestId('stat-speed').textContent()).not.toContain('6 answered');
    expect(await page.getByTestId('dashboard-footnote').textContent()).toContain('A count of 1 to 4 is shown as “fewer than 5”');
    const { phoneWidth } = await screenshots(page, 'dashboard-analyst');
    expect(phoneWidth).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('refuses a range longer than 92 days in words, on the screen and from the API', async () => {
    const answer = await fetch(`${harness.engine.url}/api/dashboard?from=2026-01-01&to=2026-12-01`, { headers: { authorization: `Bearer ${await harness.token('supervisor', [queue])}` } });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'DASHBOARD_RANGE_TOO_LONG', message: expect.stringContaining('92 days or fewer') });
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'supervisor', queues: [queue] }, '/dashboard');
    await page.getByRole('heading', { name: 'At a glance' }).waitFor();
    // A new range updates the figures in place: the table opened before stays open with the new
    // days, and keyboard focus stays on the button pressed (nothing is re-mounted).
    await page.getByTestId('chart-by-day').getByText('Calls by day: the numbers as a table').click();
    await page.getByRole('button', { name: 'Last 30 days' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/from=/);
    await page.getByTestId('chart-by-day-table').locator('tbody tr').nth(29).waitFor();
    expect(await page.getByTestId('chart-by-day-table').locator('tbody tr').count()).toBe(30);
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Last 30 days');
    expect(await statValue(page, 'stat-calls')).toBe('7');
    await page.getByLabel('First day').fill('2026-01-01');
    await page.getByLabel('Last day').fill('2026-12-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('Choose 92 days or fewer').waitFor();
    // The figures of the range shown before stay on screen.
    expect(await statValue(page, 'stat-calls')).toBe('7');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
