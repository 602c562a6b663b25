import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.schema.ts';
import { listCallbackAttempts, openCallbackTask } from '../../src/callbacks/callback.repository.ts';
import { twilioRestClient } from '../../src/pbx/twilio-rest.client.ts';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../../src/sandbox-ehr/synthetic-clinic.ts';
import { startTwilioCloud, type TwilioCloud } from '../../src/simulator/twilio-cloud.server.ts';
import { eventually, startHarness, type Harness } from '../helpers/engine-harness.ts';
import { closeBrowser, signedInPage, type SignedInPage } from '../helpers/staff-app.ts';

/**
 * "Call" on a callback task (issue 16) in Chromium: a nurse opens the task, presses Call, sees the
 * call go out and ring, and — when nobody answers — sees "No answer" and the attempt on the task,
 * without logging it by hand. The engine, the sandbox EHR over HTTP and the local Twilio stand-in.
 * Synthetic patients only.
 */
const synthetic = generateSyntheticClinic();
const patient = sandboxPhoneScenarios(synthetic).uniquePatient[9]!;

let ehr: SandboxEhr;
let cloud: TwilioCloud;
let harness: Harness;
let nurse: SignedInPage;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  cloud = await startTwilioCloud();
  harness = await startHarness('pglite', {
    ehr,
    config: { twilio: { ...defaultConfig.twilio, accountSid: cloud.accountSid, apiBaseUrl: cloud.url, clinicNumber: '+16175550100' } },
    engine: { twilioAuthToken: cloud.authToken, twilioRest: twilioRestClient({ accountSid: cloud.accountSid, authToken: cloud.authToken, apiBaseUrl: cloud.url }) },
  });
  nurse = await signedInPage(harness.engine, { role: 'nurse', queues: ['front-desk'] }, '/callbacks');
});
afterAll(async () => {
  await nurse?.context.close();
  await closeBrowser();
  await harness?.close();
  await cloud?.close();
  await ehr?.close();
});

describe('calling a patient back from the callback screen', () => {
  it('places the call, shows it going out, then "No answer" with the attempt on the task', async () => {
    const now = new Date();
    const { id: taskId } = await harness.engine.db.transaction((tx) => openCallbackTask(tx, {
      origin: 'missed-call', patientId: patient.patientId, callId: null, requestType: 'appointment', urgent: false, queue: 'front-desk',
      dueAt: new Date(now.getTime() + 3_600_000), context: { ivrReason: null, requestTypes: [], redFlags: [], barriers: [] }, now,
    }));
    const { page } = nurse;
    await page.reload();
    const card = page.getByTestId('callback-task').first();
    await card.getByRole('button', { expanded: false }).click();
    const call = card.getByRole('button', { name: 'Call', exact: true });
    await call.click();

    await eventually(async () => (cloud.calls.some((placed) => placed.to === patient.phone) ? true : null), 10_000, 'the call at Twilio');
    const placed = cloud.calls.find((entry) => entry.to === patient.phone)!;
    await card.getByRole('status').filter({ hasText: 'Placing the call' }).waitFor();
    // While it is on its way, Call cannot be pressed again.
    expect(await call.isDisabled()).toBe(true);

    await cloud.finishCall(placed.sid, 'no-answer');
    await card.getByRole('status').filter({ hasText: 'No answer' }).waitFor({ timeout: 15_000 });
    await card.getByRole('listitem').filter({ hasText: 'No answer' }).first().waitFor({ timeout: 15_000 });
    expect(await call.isDisabled()).toBe(false);
    expect((await listCallbackAttempts(harness.engine.db, taskId)).map((attempt) => attempt.outcome)).toEqual(['no-answer']);
    expect(cloud.calls.filter((entry) => entry.to === patient.phone)).toHaveLength(1);
    // The number is never on the page: it stays between the chart and Twilio.
    expect(await page.content()).not.toContain(patient.phone);
  });
});
