import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.schema.ts';
import { eventually, startHarness, syntheticEvent, type Harness } from '../helpers/engine-harness.ts';
import { closeBrowser, seriousViolations, signedInPage, type SignedInPage } from '../helpers/staff-app.ts';

/**
 * Event webhooks in the chart worklist (OW-1), in Chromium against a running engine: a subscriber
 * that answers 410 is given up on, the administrator sees it on the worklist with the answer in
 * words, and once the subscriber is back, "Send again" delivers the same event and the entry goes.
 * A supervisor sees the entry but no button. Synthetic calls only.
 */
let harness: Harness;
let admin: SignedInPage;
let supervisor: SignedInPage;
let receiver: Server;
let status = 410;
const bodies: string[] = [];

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      response.statusCode = status;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  harness = await startHarness('pglite', {
    config: { ...defaultConfig, eventWebhooks: { ...defaultConfig.eventWebhooks, intervalMs: 600_000, allowLoopbackHttp: true } },
  });
  admin = await signedInPage(harness.engine, { role: 'admin', queues: ['*'] }, '/worklist');
  supervisor = await signedInPage(harness.engine, { role: 'supervisor', queues: ['*'] }, '/worklist');
}, 120_000);

afterAll(async () => {
  await admin?.context.close();
  await supervisor?.context.close();
  await closeBrowser();
  await harness?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('event webhooks in the chart worklist', () => {
  it('shows a dead delivery in words; an administrator sends it again and it leaves the list', async () => {
    const token = await harness.token('admin');
    const port = (receiver.address() as AddressInfo).port;
    const created = await fetch(`${harness.engine.url}/api/admin/event-subscriptions`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Care CRM', url: `http://127.0.0.1:${port}/callchart`, eventTypes: ['call.new'], queues: ['*'] }),
    });
    expect(created.status).toBe(201);
    expect((await harness.post(syntheticEvent({ type: 'call.ringing', callId: 'ow-browser-1' }))).status).toBeLessThan(300);
    await eventually(async () => {
      await harness.engine.eventWebhooks.runOnce();
      return bodies.length >= 1 ? true : null;
    }, 20_000, 'the first try');

    const page = admin.page;
    await page.reload();
    const entry = page.getByTestId('event-delivery');
    await entry.waitFor({ timeout: 20_000 });
    const text = await entry.innerText();
    expect(text).toMatch(/given up/i);
    expect(text).toContain('New call to Care CRM');
    expect(text).toContain('the subscriber says this address is gone');
    expect(text).toContain('HTTP_410');
    expect(await seriousViolations(page)).toEqual([]);

    // A supervisor sees it too, without the button.
    await supervisor.page.reload();
    await supervisor.page.getByTestId('event-delivery').waitFor({ timeout: 20_000 });
    expect(await supervisor.page.getByRole('button', { name: 'Send again' }).count()).toBe(0);

    status = 200;
    await entry.getByRole('button', { name: 'Send again' }).click();
    await page.getByTestId('event-webhooks-message').waitFor();
    await eventually(async () => {
      await harness.engine.eventWebhooks.runOnce();
      return bodies.length >= 2 ? true : null;
    }, 20_000, 'the second try');
    expect(bodies[1]).toBe(bodies[0]);
    await page.reload();
    await page.getByRole('heading', { name: 'Chart worklist' }).waitFor();
    await eventually(async () => ((await page.getByTestId('event-delivery').count()) === 0 ? true : null), 20_000, 'the entry gone');
    expect(admin.pageErrors).toEqual([]);
  }, 120_000);
});
