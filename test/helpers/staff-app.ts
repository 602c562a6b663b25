import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { StaffRole } from '../../src/auth/staff-token.ts';
import type { Db } from '../../src/store/db.ts';
import { launchChromium } from './chromium.ts';
import { sessionCookiePrefix, signUpAndSignIn, type LocalStaff } from './staff-session.ts';

/**
 * The staff app in Chromium (issue 14): a signed-in person's browser on a running engine,
 * screenshots of a screen at desktop and phone width, and an axe check.
 */

/** Where the browser tests save screenshots (CI keeps them as artifacts). */
export const screenshotDir = path.resolve(process.env.CALLCHART_SCREENSHOTS ?? 'test-artifacts/screens');

export const desktop = { width: 1440, height: 900 };
export const phone = { width: 390, height: 844 };

let shared: Promise<Browser> | null = null;
/** One Chromium per test file (each file runs in its own process). */
export function browser(): Promise<Browser> {
  shared ??= launchChromium();
  return shared;
}
export async function closeBrowser(): Promise<void> {
  if (shared) await (await shared).close();
  shared = null;
}

export interface SignedInPage {
  staff: LocalStaff;
  context: BrowserContext;
  page: Page;
  /** Problems the page itself reported: console errors (CSP refusals included) and uncaught exceptions. */
  pageErrors: string[];
}

/**
 * A new staff member of `role` (local account, password + TOTP, signed in over HTTP as the app
 * does), and a browser whose session cookie is theirs, opened at `path`.
 */
export async function signedInPage(
  engine: { url: string; db: Db },
  person: { role: StaffRole; queues?: string[]; userName?: string },
  pathName = '/',
  options: { viewport?: { width: number; height: number }; clock?: () => Date } = {},
): Promise<SignedInPage> {
  const staff = await signUpAndSignIn(engine, person, options.clock);
  const context = await (await browser()).newContext({ viewport: options.viewport ?? desktop, timezoneId: 'UTC', locale: 'en-US', reducedMotion: 'reduce' });
  await signInBrowser(context, engine.url, staff);
  const page = await context.newPage();
  const pageErrors = watchPage(page);
  await page.goto(`${engine.url}${pathName}`);
  return { staff, context, page, pageErrors };
}

/**
 * Signs the browser in as `staff` (a second session of theirs): password, then a fresh code, over
 * the context's own request client, so the session cookie lands in the browser's jar as Set-Cookie
 * puts it there.
 */
export async function signInBrowser(context: BrowserContext, baseUrl: string, staff: LocalStaff): Promise<void> {
  const first = await context.request.post(`${baseUrl}/auth/sign-in`, { data: { userName: staff.userName, password: staff.password } });
  const { pending, status } = (await first.json()) as { pending?: string; status?: string };
  if (status !== 'mfa-required' || !pending) throw new Error(`browser sign-in answered ${first.status()} ${status}`);
  const second = await context.request.post(`${baseUrl}/auth/mfa`, { data: { pending, code: await staff.code() } });
  if (!second.ok()) throw new Error(`browser second factor answered ${second.status()} ${await second.text()}`);
  const cookies = await context.cookies(baseUrl);
  if (!cookies.some((cookie) => `${cookie.name}=` === sessionCookiePrefix)) throw new Error('the browser holds no session cookie after signing in');
}

/** Collects what a user would never want to see happen: uncaught errors and console errors. */
export function watchPage(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/**
 * Saves the screen at 1440 and 390 px (`<name>-1440.png`, `<name>-390.png`) and returns how wide
 * the page is at 390 px (a page wider than the phone scrolls sideways).
 */
export async function screenshots(page: Page, name: string): Promise<{ phoneWidth: number }> {
  mkdirSync(screenshotDir, { recursive: true });
  const before = page.viewportSize() ?? desktop;
  // From the top: a full-page capture of a scrolled page draws the fixed header part-way down.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.setViewportSize(desktop);
  await page.screenshot({ path: path.join(screenshotDir, `${name}-1440.png`), fullPage: true });
  await page.setViewportSize(phone);
  await page.evaluate('window.scrollTo(0, 0)');
  const phoneWidth = await page.evaluate('document.documentElement.scrollWidth') as number;
  await page.screenshot({ path: path.join(screenshotDir, `${name}-390.png`), fullPage: true });
  await page.setViewportSize(before);
  return { phoneWidth };
}

/** axe's serious and critical violations on the page as it is now (WCAG 2.1 AA rules). */
export async function seriousViolations(page: Page): Promise<{ id: string; impact: string; help: string; targets: string[] }[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ id: violation.id, impact: violation.impact ?? '', help: violation.help, targets: violation.nodes.slice(0, 5).map((node) => `${node.target.join(' ')} ${node.html.slice(0, 160)} ${node.failureSummary?.split('\n').slice(1, 2).join('') ?? ''}`) }));
}
