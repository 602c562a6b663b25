import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { staffAppPaths } from '../../src/web/staff-app.loader.ts';
import { startHarness, type Harness } from '../helpers/engine-harness.ts';
import { adultCallers, clinic, reviewCalls } from '../helpers/review-calls.ts';
import { signUpAndSignIn } from '../helpers/staff-session.ts';
import { closeBrowser, signedInPage } from '../helpers/staff-app.ts';

/**
 * Issue 14: an analyst cannot reach raw PHI through any screen or request. A synthetic patient
 * whose name, phone and birth date no other synthetic patient shares calls in and says all three;
 * then every GET route the engine serves (ids filled with the real call's and item's) is asked by
 * an analyst's token and by an analyst's signed-in session, and every screen of the app is opened
 * in Chromium as an analyst: no answer and no rendered page holds the name, the phone digits or
 * the birth date, and the analyst's dashboard answer holds no ids. A nurse reading the same item
 * sees the name: the probe would catch a leak.
 */
let ehr: SandboxEhr;
let harness: Harness;

// A caller whose family name, phone and birth date are each the only one in the synthetic clinic.
const caller = adultCallers.find((candidate) => {
  const patient = clinic.patients.find((entry) => entry.id === candidate.patientId)!;
  const family = patient.name?.[0]?.family ?? '';
  return family.length >= 5
    && clinic.patients.filter((entry) => entry.name?.[0]?.family === family).length === 1
    && clinic.patients.filter((entry) => entry.birthDate === patient.birthDate).length === 1
    && adultCallers.filter((entry) => entry.phone === candidate.phone).length === 1;
})!;
const patient = clinic.patients.find((entry) => entry.id === caller.patientId)!;
const family = patient.name![0]!.family!;
const given = patient.name![0]!.given![0]!;
const [year, month, day] = patient.birthDate!.split('-') as [string, string, string];
const digits = caller.phone.replace(/\D/g, '').slice(-10);
/** Every way the app or the API could write the patient's identifiers. */
const identifiers = [
  family, `${given} ${family}`,
  caller.phone, digits, `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`, `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`, `${digits.slice(3, 6)}-${digits.slice(6)}`,
  patient.birthDate!, `${month}/${day}/${year}`, `${month}${day}${year}`,
  new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }).format(new Date(`${patient.birthDate}T00:00:00Z`)),
];
const leaks = (text: string) => identifiers.filter((value) => text.includes(value));

let placed: { callId: string; reviewId: string; patientId: string };

beforeAll(async () => {
  expect(caller, 'a synthetic caller with a unique name, phone and birth date').toBeDefined();
  ehr = await startSandboxEhr({ port: 0 });
  harness = await startHarness('pglite', { ehr });
  const { placeCall } = reviewCalls(() => harness, () => ehr);
  const { item } = await placeCall({
    id: 'analyst-phi-1', queue: 'q-phi', dob: true, caller,
    text: `hi this is ${given} ${family}, my birthday is ${month}/${day}/${year}, call me back at ${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)} about a refill of my lisinopril please`,
  });
  placed = { callId: item.callId, reviewId: item.id, patientId: caller.patientId };
}, 120_000);
afterAll(async () => {
  await closeBrowser();
  await harness?.close();
  await ehr?.close();
});

/** The route's URL with its parameters filled with the real call's and item's ids. */
function filled(url: string): string {
  return url
    .replace(/^\/(api\/)?review\/:id/, `/$1review/${placed.reviewId}`)
    .replace(':id', placed.callId)
    .replace('*', 'index.js');
}

/** Requests an analyst might try beyond the plain route: raw content, searches, the dashboard. */
const extraRequests = () => [
  `/api/review/${placed.reviewId}?redaction=off`,
  `/api/review?status=pending,approved,auto-approved,rejected`,
  `/api/calls?queue=q-phi`,
  `/api/patients?name=${encodeURIComponent(family)}&birthDate=${patient.birthDate}`,
  `/api/patients?phone=${encodeURIComponent(caller.phone)}`,
  `/api/write-back?callId=${placed.callId}`,
  `/api/dashboard?from=2026-01-01&to=2026-03-31`,
  '/api/dashboard',
];

describe('an analyst cannot reach raw PHI (issue 14)', () => {
  it('is a real probe: a nurse reading the item sees the patient', async () => {
    const nurse = await fetch(`${harness.engine.url}/api/review/${placed.reviewId}`, { headers: { authorization: `Bearer ${await harness.token('nurse', ['*'])}` } });
    expect(leaks(await nurse.text())).toContain(family);
  });

  it('gets no PHI from any GET route, with a token or with a signed-in session', async () => {
    const routes = harness.engine.app.routeAccessList.filter((route) => route.method === 'GET' && route.url !== '/ws' && route.url !== '/media/twilio');
    expect(routes.length).toBeGreaterThan(20);
    const urls = [...routes.map((route) => filled(route.url)), ...extraRequests()];
    const token = await harness.token('analyst', ['*']);
    const session = await signUpAndSignIn(harness.engine, { role: 'analyst', queues: ['*'] });
    const found: string[] = [];
    const answered: string[] = [];
    for (const url of urls) {
      const viaToken = await fetch(`${harness.engine.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
      const tokenText = await viaToken.text();
      if (leaks(tokenText).length) found.push(`${url} (token, ${viaToken.status}): ${leaks(tokenText).join(', ')}`);
      const viaSession = await session.fetch('GET', url);
      const sessionText = typeof viaSession.body === 'string' ? viaSession.body : JSON.stringify(viaSession.body);
      if (leaks(sessionText).length) found.push(`${url} (session, ${viaSession.status}): ${leaks(sessionText).join(', ')}`);
      if (viaToken.status === 200 && url.startsWith('/api/')) answered.push(url.split('?')[0]!);
    }
    expect(found).toEqual([]);
    // What the analyst may read at all: the dashboard and the callback figures (counts and
    // durations, issue 16), and the public engine facts.
    expect([...new Set(answered)].sort()).toEqual(['/api/callbacks/metrics', '/api/dashboard', '/api/info']);
  });

  it("answers the analyst's callback figures with counts and durations, de-identified, no ids", async () => {
    const answer = await fetch(`${harness.engine.url}/api/callbacks/metrics`, { headers: { authorization: `Bearer ${await harness.token('analyst', ['*'])}` } });
    expect(answer.status).toBe(200);
    const text = await answer.text();
    expect(JSON.parse(text)).toMatchObject({ deidentified: true });
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(text).not.toMatch(/"(id|callId|taskId|patientId|name|phone|birthDate|mrn)"/);
    expect(leaks(text)).toEqual([]);
  });

  it("answers the analyst's dashboard with counts and durations, no ids", async () => {
    const answer = await fetch(`${harness.engine.url}/api/dashboard`, { headers: { authorization: `Bearer ${await harness.token('analyst', ['*'])}` } });
    expect(answer.status).toBe(200);
    const text = await answer.text();
    expect(JSON.parse(text)).toMatchObject({ deidentified: true, calls: { total: { fewerThan: 5 } } });
    for (const id of [placed.callId, placed.reviewId, placed.patientId, 'analyst-phi-1']) expect(text).not.toContain(id);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(text).not.toMatch(/"(id|callId|reviewId|patientId|name|phone|birthDate|mrn)"/);
    expect(leaks(text)).toEqual([]);
  });

  it('sees no PHI on any screen of the app in Chromium', async () => {
    const { page, context } = await signedInPage(harness.engine, { role: 'analyst', queues: ['*'] }, '/dashboard');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    const found: string[] = [];
    const screens = staffAppPaths.filter((path) => path !== '/sign-in').map(filled);
    expect(screens).toContain(`/review/${placed.reviewId}`);
    for (const path of [...screens, `/review/${placed.reviewId}?redaction=off`]) {
      await page.goto(`${harness.engine.url}${path}`);
      await page.waitForLoadState('networkidle');
      // Whatever the screen settles on: a refusal in words, the dashboard, or the role's home.
      await page.locator('h1').first().waitFor();
      const rendered = `${await page.content()}\n${await page.locator('body').innerText()}`;
      if (leaks(rendered).length) found.push(`${path}: ${leaks(rendered).join(', ')}`);
    }
    expect(found).toEqual([]);
    await context.close();
  });
});
