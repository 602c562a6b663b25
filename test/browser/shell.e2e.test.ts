import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/engine-harness.ts';
import { closeBrowser, screenshots, seriousViolations, signedInPage } from '../helpers/staff-app.ts';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness('pglite');
});
afterAll(async () => {
  await closeBrowser();
  await harness?.close();
});

describe('the staff app shell', () => {
  it('shows a signed-in nurse her name, role, queues and her screens, with no page errors', async () => {
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'nurse', queues: ['triage'] }, '/');
    await page.getByTestId('signed-in-as').waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toContain('Nurse');
    expect(page.url()).toMatch(/\/live$/);
    const nav = page.getByRole('navigation', { name: 'Screens' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Live calls', 'Review']);
    await screenshots(page, 'shell-nurse');
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
