import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generate } from 'otplib';
import { launchChromium } from '../helpers/chromium.ts';
import { startHarness, type Harness } from '../helpers/engine-harness.ts';
import { startOidcProvider, type TestIdp } from '../helpers/oidc-provider.ts';
import { randomBytes } from 'node:crypto';
import { defaultConfig } from '../../src/config/config.schema.ts';
import { startEngine } from '../../src/engine/engine.ts';
import { ssoSettingsSchema } from '../../src/auth/sso.ts';
import { hashPassword } from '../../src/auth/password.ts';
import { createStaffUser, findStaffUserByUserName, setStaffUserActive } from '../../src/auth/staff-directory.repository.ts';
import { listAuditEvents } from '../../src/audit/audit.repository.ts';
import type { StaffRole } from '../../src/auth/staff-token.ts';

/**
 * The sign-in tests of issue 13 ("Prove it"), on the staff app's sign-in screen (issue 14), in Chromium against a real OpenID provider (the
 * `oidc-provider` package on its own port, on another site than the engine) and the engine on
 * real sockets: SSO sign-in, refusals a person can read, TOTP enrolment and sign-in, a recovery
 * code used once, the idle timeout (the engine's clock and the page's clock moved, no sleeping),
 * step-up before raw content, and a disabled person's open page losing its session. Every person
 * and call is synthetic.
 */

const idpPassword = 'synthetic-idp-password';
const localPassword = 'synthetic local password 7';

describe('SSO settings', () => {
  it('stop the start when the client secret is missing (it is never in the config file)', async () => {
    delete process.env.CALLCHART_SSO_CLIENT_SECRET;
    const sso = ssoSettingsSchema.parse({ issuer: 'https://idp.clinic.example', clientId: 'callchart' });
    await expect(startEngine({
      config: { ...defaultConfig, auth: { ...defaultConfig.auth, sso } }, fhirBaseUrl: 'http://127.0.0.1:9/fhir', webhookSecret: `whsec_${randomBytes(32).toString('hex')}`,
      staffTokenSecret: randomBytes(32), dataKey: randomBytes(32), auditKey: randomBytes(32), port: 0,
    })).rejects.toThrow('CALLCHART_SSO_CLIENT_SECRET');
  });
});

describe('staff sign-in in Chromium', () => {
  let idp: TestIdp;
  let harness: Harness;
  let browser: Browser;
  // The engine's clock: sessions, TOTP steps and step-up windows read it; tests move it.
  let nowMs = Date.now();
  const clock = () => new Date(nowMs);
  const userIds = new Map<string, string>();

  beforeAll(async () => {
    idp = await startOidcProvider({
      users: [
        { sub: 'idp-dana', login: 'dana', password: idpPassword, preferred_username: 'dana.nurse', name: 'Dana Nurse (synthetic)', amr: ['pwd', 'otp'] },
        { sub: 'idp-casey', login: 'casey', password: idpPassword, preferred_username: 'casey.clinician', name: 'Casey Clinician (synthetic)', amr: ['pwd', 'hwk'] },
        { sub: 'idp-robin', login: 'robin', password: idpPassword, preferred_username: 'robin.desk', name: 'Robin Desk (synthetic)', amr: ['pwd', 'mfa'] },
        { sub: 'idp-stranger', login: 'stranger', password: idpPassword, preferred_username: 'no.such.person', amr: ['pwd', 'otp'] },
        { sub: 'idp-gone', login: 'gone', password: idpPassword, preferred_username: 'gone.clerk', amr: ['pwd', 'otp'] },
        { sub: 'idp-weak', login: 'weak', password: idpPassword, preferred_username: 'weak.factor', amr: ['pwd'] },
        // Another IdP identity that now carries the login name of someone already linked.
        { sub: 'idp-impostor', login: 'impostor', password: idpPassword, preferred_username: 'dana.nurse', amr: ['pwd', 'otp'] },
      ],
    });
    // The secret comes from the environment, as in production (never from the config file).
    process.env.CALLCHART_SSO_CLIENT_SECRET = idp.clientSecret;
    const sso = ssoSettingsSchema.parse({ issuer: idp.issuer, clientId: idp.clientId, displayName: 'Test IdP', requireMfaClaim: true });
    // Open live sockets re-check their session every second here (10 s by default).
    harness = await startHarness('pglite', { clock, config: { auth: { ...defaultConfig.auth, attemptsPerMinute: 1_000_000, liveRecheckSeconds: 1, sso } } });
    idp.allowRedirect(`${harness.engine.url}/auth/sso/callback`);
    const people: [string, StaffRole, boolean, string | null][] = [
      ['dana.nurse', 'nurse', true, null], ['casey.clinician', 'clinician', true, null], ['robin.desk', 'intake', true, null],
      ['gone.clerk', 'intake', false, null], ['weak.factor', 'nurse', true, null], ['lee.nurse', 'nurse', true, await hashPassword(localPassword)],
    ];
    for (const [userName, role, active, passwordHash] of people) {
      const user = await createStaffUser(harness.engine.db, { userName, displayName: `${userName} (synthetic)`, role, queues: ['*'], active, passwordHash }, 'test:admin');
      userIds.set(userName, user.id);
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await idp?.close();
    delete process.env.CALLCHART_SSO_CLIENT_SECRET;
  });

  /** A fresh browser profile (no cookies from other tests), at a phone's width when asked. */
  const newContext = (width = 1280) => browser.newContext({ viewport: { width, height: 800 } });

  /** From Callchart's sign-in page through the IdP's own page, as a person does. */
  async function signInWithIdp(page: Page, login: string): Promise<void> {
    await page.goto(`${harness.engine.url}/sign-in`);
    await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
    await submitIdpForm(page, login);
  }
  async function submitIdpForm(page: Page, login: string): Promise<void> {
    await page.getByLabel('Login').fill(login);
    await page.getByLabel('Password').fill(idpPassword);
    await page.getByRole('button', { name: 'Sign in at the IdP' }).click();
  }
  const sessionCookie = async (context: BrowserContext) => (await context.cookies(harness.engine.url)).find((cookie) => cookie.name.endsWith('callchart_session'));
  const audit = async () => listAuditEvents(harness.engine.db, { limit: 100_000 });
  const noHorizontalScroll = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
  /** Sign out from the menu under the person's name; the sign-in screen says so. */
  async function signOut(page: Page): Promise<void> {
    await page.getByTestId('signed-in-as').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
  }
  const totpCode = (secret: string) => generate({ secret, epoch: Math.floor(nowMs / 1000) });

  it('SSO sign-in lands on the live-calls page as that person, on a 390 px phone, and links their IdP subject', async () => {
    const context = await newContext(390);
    const page = await context.newPage();
    await page.goto(`${harness.engine.url}/sign-in`);
    expect(await noHorizontalScroll(page)).toBe(true);
    await signInWithIdp(page, 'dana');
    // A nurse lands on her first screen, live calls, signed in as herself.
    await page.waitForURL(`${harness.engine.url}/live`);
    await expect.poll(() => page.getByTestId('signed-in-as').textContent()).toContain('dana.nurse (synthetic)');
    expect(await page.getByTestId('signed-in-as').textContent()).toContain('Nurse');
    expect(await noHorizontalScroll(page)).toBe(true);

    // The session cookie is HttpOnly, Secure and SameSite=Strict; the page never sees it.
    const cookie = await sessionCookie(context);
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
    expect(await page.evaluate<string>('document.cookie')).not.toContain('callchart_session');

    const dana = await findStaffUserByUserName(harness.engine.db, 'dana.nurse');
    expect({ issuer: dana?.ssoIssuer, subject: dana?.ssoSubject }).toEqual({ issuer: idp.issuer, subject: 'idp-dana' });
    const signedIn = (await audit()).filter((event) => event.action === 'staff.signed-in' && event.objectId === dana!.id);
    expect(signedIn.map((event) => event.detail)).toEqual([{ method: 'sso', role: 'nurse' }]);
    await context.close();
  });

  it('refuses, in words and with no session, an IdP user with no account, a disabled account, one without a second factor, and another identity carrying a linked name', async () => {
    const cases = [
      { login: 'stranger', words: 'you have no Callchart account', code: 'SSO_USER_UNKNOWN' },
      { login: 'gone', words: 'Your Callchart account is disabled', code: 'SSO_USER_DISABLED' },
      { login: 'weak', words: 'needs a second factor', code: 'SSO_MFA_REQUIRED' },
      { login: 'impostor', words: 'linked to a different identity', code: 'SSO_SUBJECT_MISMATCH' },
    ];
    for (const { login, words, code } of cases) {
      const context = await newContext();
      const page = await context.newPage();
      const callback = page.waitForResponse((response) => response.url().startsWith(`${harness.engine.url}/auth/sso/callback`));
      await signInWithIdp(page, login);
      expect((await callback).status(), login).toBe(403);
      const problem = page.getByRole('alert');
      await problem.getByText(words).waitFor();
      // Words for a person, never the code.
      expect(await problem.textContent()).not.toContain(code);
      expect(await sessionCookie(context), login).toBeUndefined();
      await context.close();
    }
    const failures = (await audit()).filter((event) => event.action === 'staff.sign-in.failed' && event.detail.method === 'sso');
    expect(failures.map((event) => event.reason)).toEqual(expect.arrayContaining(['SSO_USER_UNKNOWN', 'SSO_USER_DISABLED', 'SSO_MFA_REQUIRED', 'SSO_SUBJECT_MISMATCH']));
    // Dana's account stays linked to Dana's IdP identity.
    expect((await findStaffUserByUserName(harness.engine.db, 'dana.nurse'))?.ssoSubject).toBe('idp-dana');
    // Ids and codes only: the typed or claimed login name is nowhere in the audit log.
    expect(JSON.stringify(failures)).not.toContain('no.such.person');
    expect(await findStaffUserByUserName(harness.engine.db, 'no.such.person')).toBeNull();
  });

  it('refuses an IdP that answers with an error (the person cancelled) with a 401 page, audited', async () => {
    // A flow started in this "browser" (its cookie kept), answered by the IdP with access_denied.
    const start = await fetch(`${harness.engine.url}/auth/sso/start`, { redirect: 'manual' });
    expect(start.status).toBe(303);
    const flowCookie = start.headers.getSetCookie().find((cookie) => cookie.startsWith('callchart_sso_flow='))!.split(';')[0]!;
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const query = new URLSearchParams({ error: 'access_denied', error_description: 'End-User aborted interaction', state, iss: idp.issuer });
    const answer = await fetch(`${harness.engine.url}/auth/sso/callback?${query}`, { headers: { cookie: flowCookie } });
    expect(answer.status).toBe(401);
    expect(await answer.text()).toContain('data-problem="SSO_IDP_ERROR"');
    expect((await audit()).some((event) => event.action === 'staff.sign-in.failed' && event.reason === 'SSO_IDP_ERROR')).toBe(true);
  });

  it('refuses a callback this browser did not start (forged or replayed state) with a 400 page, never a 500', async () => {
    const forged = await fetch(`${harness.engine.url}/auth/sso/callback?code=forged&state=forged&iss=${encodeURIComponent(idp.issuer)}`);
    expect(forged.status).toBe(400);
    expect(forged.headers.get('content-type')).toContain('text/html');
    expect(await forged.text()).toContain('data-problem="SSO_STATE_MISMATCH"');
    expect((await audit()).some((event) => event.action === 'staff.sign-in.failed' && event.reason === 'SSO_STATE_MISMATCH')).toBe(true);
  });

  it('a local account enrols its authenticator from the QR code, signs in with TOTP, and a recovery code works once', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${harness.engine.url}/sign-in?returnTo=/review`);
    await page.getByLabel('User name').fill('lee.nurse');
    await page.getByLabel(/^Password/).fill(localPassword);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    expect(await page.getByTestId('enrol-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const secret = (await page.getByTestId('enrol-secret').textContent())!.trim();
    await page.getByLabel('Six-digit code from your authenticator app').fill(await totpCode(secret));
    await page.getByRole('button', { name: 'Confirm and sign in' }).click();
    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    const recoveryCodes = await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    await page.getByRole('button', { name: 'I have saved them — continue' }).click();
    await page.waitForURL(`${harness.engine.url}/review`);
    await signOut(page);
    expect(await sessionCookie(context)).toBeUndefined();

    // Next time: password, then the code of a later time step (a used one is refused).
    nowMs += 30_000;
    const signInWith = async (kind: 'code' | 'recovery', value: string) => {
      await page.goto(`${harness.engine.url}/sign-in`);
      await page.getByLabel('User name').fill('lee.nurse');
      await page.getByLabel(/^Password/).fill(localPassword);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
      if (kind === 'recovery') await page.getByText('Lost your phone? Use a recovery code').click();
      await page.getByLabel(kind === 'recovery' ? 'One of your recovery codes' : 'Six-digit code from your authenticator app').fill(value);
      await page.getByRole('button', { name: 'Sign in' }).click();
    };
    await signInWith('code', await totpCode(secret));
    await page.waitForURL(`${harness.engine.url}/live`);
    await signOut(page);

    await signInWith('recovery', recoveryCodes[0]!);
    await page.waitForURL(`${harness.engine.url}/live`);
    await signOut(page);
    await signInWith('recovery', recoveryCodes[0]!);
    await page.getByRole('alert').getByText('That code is not right, or it was already used').waitFor();
    expect(page.url()).toContain('/sign-in');
    const lee = userIds.get('lee.nurse')!;
    const methods = (await audit()).filter((event) => event.action === 'staff.signed-in' && event.objectId === lee).map((event) => event.detail.method);
    expect(methods).toEqual(['password+totp', 'password+totp', 'recovery-code']);
    await context.close();
  });

  it('warns before the idle timeout and then sends the browser back to sign-in (both clocks moved, no sleeping)', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.clock.install({ time: new Date(nowMs) });
    await signInWithIdp(page, 'robin');
    await page.waitForURL(`${harness.engine.url}/live`);
    await page.getByTestId('signed-in-as').waitFor();
    // The screen's first requests answered (each renews the session, on the engine and in the page's
    // idle count): only then does nothing happen for 13.5 minutes.
    await page.waitForLoadState('networkidle');
    // 13.5 minutes without a click or a key: the page warns.
    nowMs += 13.5 * 60_000;
    await page.clock.fastForward('13:30');
    await page.getByRole('alert').getByText('You will be signed out in 2 min').waitFor();
    // Past 15 minutes: the next look at the session finds it ended; the page goes to sign-in.
    nowMs += 2 * 60_000;
    await page.clock.fastForward('02:00');
    await page.waitForURL(/\/sign-in\?/);
    await page.getByText('You were signed out because nothing happened for a while').waitFor();
    const robin = userIds.get('robin.desk')!;
    expect((await audit()).some((event) => event.action === 'staff.signed-out' && event.objectId === robin && event.reason === 'idle-timeout')).toBe(true);
    await context.close();
  });

  it("a disabled person's open page loses its session at once: the next request and the live WebSocket end", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signInWithIdp(page, 'dana');
    await page.waitForURL(`${harness.engine.url}/live`);
    await page.getByTestId('signed-in-as').waitFor();
    const cookie = (await sessionCookie(context))!;

    await setStaffUserActive(harness.engine.db, userIds.get('dana.nurse')!, false, 'test:admin');
    const next = await fetch(`${harness.engine.url}/api/calls`, { headers: { cookie: `${cookie.name}=${cookie.value}` } });
    expect(next.status).toBe(401);
    // The open page: its WebSocket is closed by the engine, and it goes to sign-in by itself.
    await page.waitForURL(/\/sign-in\?/, { timeout: 20_000, waitUntil: 'commit' });
    await page.getByText(/You were signed out/).waitFor();
    await context.close();
  });
});
