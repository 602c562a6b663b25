import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/engine-harness.ts';
import { browser, closeBrowser, phone, screenshots, seriousViolations, signedInPage, watchPage } from '../helpers/staff-app.ts';

/**
 * The staff app's shell (issue 14, item 1) in Chromium: who is signed in and which screens their
 * role uses, a screen outside the role said in words, the demo banner, light and dark themes, and
 * the sign-in screen at phone width; axe-clean, no page errors. Synthetic people only.
 */
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness('pglite', { engine: { demoData: true } });
});
afterAll(async () => {
  await closeBrowser();
  await harness?.close();
});

const navOf = async (page: Page) => page.getByRole('navigation', { name: 'Screens' }).getByRole('link').allTextContents();

describe('the staff app shell', () => {
  it('shows a signed-in nurse her name, role and queues, her screens only, and the demo banner', async () => {
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'nurse', queues: ['triage'] }, '/');
    await page.getByTestId('signed-in-as').waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toContain('Nurse');
    // She lands on her first screen.
    await page.waitForURL(/\/live$/);
    expect(await navOf(page)).toEqual(['Live calls', 'Callbacks', 'Review', 'Outreach']);
    expect(await page.getByRole('navigation', { name: 'Screens' }).textContent()).toContain('triage');
    expect(await page.getByRole('note', { name: 'Demo data' }).textContent()).toContain('synthetic');
    await screenshots(page, 'shell-nurse');
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('gives each role its own screens', async () => {
    const expected = {
      intake: ['Live calls', 'Callbacks', 'Outreach'],
      clinician: ['Live calls', 'Callbacks', 'Review', 'Outreach'],
      supervisor: ['Live calls', 'Callbacks', 'Review', 'Chart worklist', 'Outreach', 'Dashboard'],
      analyst: ['Dashboard'],
      admin: ['Chart worklist', 'Dashboard', 'Settings'],
      auditor: ['Audit'],
    } as const;
    for (const [role, screens] of Object.entries(expected)) {
      const { page, context } = await signedInPage(harness.engine, { role: role as keyof typeof expected }, '/');
      await page.getByTestId('signed-in-as').waitFor();
      expect(await navOf(page), role).toEqual(screens);
      await context.close();
    }
  });

  it("tells a nurse in words that Settings is not part of her role, and the engine refuses its API", async () => {
    const { page, staff, context, pageErrors } = await signedInPage(harness.engine, { role: 'nurse' }, '/settings');
    await page.getByRole('heading', { name: 'Settings is not part of your role' }).waitFor();
    await page.getByRole('link', { name: 'Go to your screens' }).click();
    await page.waitForURL(/\/live$/);
    expect((await staff.fetch('GET', '/api/admin/users')).status).toBe(403);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('switches to the dark theme, remembers it, and stays axe-clean in it', async () => {
    const { page, context, pageErrors } = await signedInPage(harness.engine, { role: 'supervisor' }, '/live');
    await page.getByRole('button', { name: 'Use the dark theme' }).click();
    expect(await page.evaluate('document.documentElement.getAttribute("data-mantine-color-scheme")')).toBe('dark');
    await page.reload();
    await page.getByRole('button', { name: 'Use the light theme' }).waitFor();
    expect(await page.evaluate('document.documentElement.getAttribute("data-mantine-color-scheme")')).toBe('dark');
    await screenshots(page, 'shell-dark');
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('opens the menu at phone width and signs out from it', async () => {
    const { page, context } = await signedInPage(harness.engine, { role: 'nurse' }, '/live', { viewport: phone });
    await page.getByRole('button', { name: 'Open the menu' }).click();
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Review' }).click();
    await page.waitForURL(/\/review$/);
    await page.getByTestId('signed-in-as').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    // The session is over on the engine too: the old cookie is refused.
    expect((await context.request.get(`${harness.engine.url}/auth/me`)).status()).toBe(401);
    await context.close();
  });

  it('sends a browser without a session to sign-in, and back to the screen it asked for afterwards', async () => {
    const context = await (await browser()).newContext({ viewport: phone, reducedMotion: 'reduce' });
    const page = await context.newPage();
    const pageErrors = watchPage(page);
    await page.goto(`${harness.engine.url}/review`);
    await page.waitForURL(/\/sign-in\?returnTo=%2Freview/);
    await page.getByRole('heading', { name: 'Sign in to Callchart' }).waitFor();
    expect(await page.getByRole('note', { name: 'Demo data' }).isVisible()).toBe(true);
    const { phoneWidth } = await screenshots(page, 'sign-in');
    expect(phoneWidth).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page)).toEqual([]);
    // A wrong password: a sentence, never a code.
    await page.getByLabel('User name').fill('nobody-here');
    await page.getByLabel(/^Password/).fill('not the password');
    await page.getByRole('button', { name: 'Continue' }).click();
    const problem = page.getByRole('alert');
    await problem.getByText('The user name or password is not right').waitFor();
    expect(await problem.textContent()).not.toMatch(/[A-Z]+_[A-Z_]+/);
    // The 401 of /auth/me before sign-in is expected; nothing else may go wrong on the page.
    expect(pageErrors.filter((error) => !error.includes('401'))).toEqual([]);
    await context.close();
  });
});
