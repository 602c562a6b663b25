import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../config/config.schema.ts';
import { verifyCtiSignature } from '../pbx/cti-signature.ts';
import { startSandboxEhr, type SandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { eventually, startHarness, type Harness } from '../../test/helpers/engine-harness.ts';
import { allYes, reviewCalls } from '../../test/helpers/review-calls.ts';
import { webhookEventSchema, type WebhookEvent } from './event-webhook.ts';

/**
 * `case.resolved` from the real path (OW-1): a synthetic call goes to review, a nurse approves it,
 * the write-back worker files it in the sandbox EHR over HTTP, and the subscriber hears the case
 * resolved once, with the call, its review item and the FHIR references — and no word of the call.
 */
let ehr: SandboxEhr;
let harness: Harness;
let receiver: Server;
const bodies: { signature: string; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push({ signature: String(request.headers['callchart-signature']), body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  ehr = await startSandboxEhr({ port: 0 });
  harness = await startHarness('pglite', { ehr, config: { ...defaultConfig, eventWebhooks: { ...defaultConfig.eventWebhooks, intervalMs: 600_000, allowLoopbackHttp: true } } });
}, 60_000);

afterAll(async () => {
  await harness?.close();
  await ehr?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

const { api, placeCall } = reviewCalls(() => harness, () => ehr);

describe('case.resolved', () => {
  it('is sent once when an approved call reaches the chart, naming the call, the review item and the FHIR resources', async () => {
    const port = (receiver.address() as AddressInfo).port;
    const created = await api('POST', '/api/admin/event-subscriptions', { name: 'warehouse', url: `http://127.0.0.1:${port}/events`, eventTypes: ['case.resolved'], queues: ['demo-review'] }, 'admin');
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    const text = 'Synthetic: I need a refill of my lisinopril before Thursday, my pharmacy is on Quarrington Street.';
    const { item, patient, caller } = await placeCall({ id: 'ow-case-1', queue: 'demo-review', dob: true, text, patientIndex: 2 });
    expect((await api('POST', `/api/review/${item.id}/approve`, { baseVersion: 1, checklist: allYes })).status).toBe(200);

    await eventually(async () => {
      await harness.engine.eventWebhooks.runOnce();
      return bodies.length >= 1 ? true : null;
    }, 30_000, 'case.resolved');
    await harness.engine.eventWebhooks.runOnce();
    expect(bodies).toHaveLength(1);
    const { signature, body } = bodies[0]!;
    expect(verifyCtiSignature({ header: signature, rawBody: body, secrets: [secret], nowSeconds: Math.floor(Date.now() / 1000) }).ok).toBe(true);
    const event: WebhookEvent = webhookEventSchema.parse(JSON.parse(body));
    expect(event).toMatchObject({ type: 'case.resolved', callId: item.callId, reviewId: item.id, taskId: null, codes: { queue: 'demo-review' } });
    expect(event.fhir.some((reference) => reference.startsWith('Task/'))).toBe(true);
    for (const canary of ['lisinopril', 'Quarrington', caller.phone, caller.phone.replace(/^\+1/, ''), patient.name?.[0]?.family ?? '(none)', patient.birthDate ?? '(none)']) {
      expect(body).not.toContain(canary);
    }
  }, 90_000);
});
