import { createServer } from 'node:net';
import type { Bundle, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveMessage } from '../src/api/live-calls.hub.ts';
import { listAuditEvents } from '../src/audit/audit.repository.ts';
import { findCall } from '../src/calls/calls.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../src/sandbox-ehr/synthetic-clinic.ts';
import { keypadDob } from '../src/simulator/call-scenarios.ts';
import { connectLiveClient, eventually, startHarness, syntheticEvent, type Harness } from './helpers/engine-harness.ts';
import { consentEvents } from './helpers/consent-events.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const scenarios = sandboxPhoneScenarios(generateSyntheticClinic());
const known = scenarios.uniquePatient[3]!;
const knownPatient = generateSyntheticClinic().patients.find((patient) => patient.id === known.patientId)!;

describe('the EHR is down when a call comes in', () => {
  let harness: Harness;
  let ehr: SandboxEhr | null = null;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    // An EHR "that will come back": the engine is pointed at a port where nothing listens yet.
    const placeholder = { baseUrl: `http://127.0.0.1:${port}/fhir/R4`, close: async () => undefined };
    harness = await startHarness('pglite', { ehr: placeholder });
  });
  afterAll(async () => {
    await harness.close();
    await ehr?.close();
  });

  it('still pops a card saying the lookup failed, keeps the keyed date of birth, then writes the linked Task once the EHR is back', async () => {
    const display = await connectLiveClient(harness.engine.url, await harness.token());
    const providerCallId = 'outage-1';
    const ringing = await harness.post(syntheticEvent({ type: 'call.ringing', callId: providerCallId, ani: known.phone }));
    expect(ringing.status).toBe(202);
    const callId = String(ringing.body.callId);
    const pop = await display.waitFor((m: LiveMessage): m is Extract<LiveMessage, { type: 'screen-pop' }> => m.type === 'screen-pop' && m.screenPop.callId === callId);
    expect(pop.screenPop.outcome).toBe('lookup-failed');

    // The caller keys their date of birth while the EHR is down: the check waits, it is not lost.
    const dob = await harness.post(syntheticEvent({ type: 'ivr.input', callId: providerCallId, ani: known.phone, data: { kind: 'dtmf', menu: 'dob', value: keypadDob(knownPatient.birthDate!) } }));
    expect(dob.status).toBe(202);
    for (const consent of consentEvents(providerCallId, known.phone)) await harness.post(consent);
    const transcript = await harness.post(syntheticEvent({ type: 'transcript.available', callId: providerCallId, ani: known.phone, data: { transcript: { text: 'Synthetic: please book an appointment.' } } }));
    expect(transcript.status).toBe(202);
    await harness.post(syntheticEvent({ type: 'call.ended', callId: providerCallId, ani: known.phone }));

    // The failed attempt is on record (ids and codes only), and nothing was lost.
    await eventually(async () => {
      const events = await listAuditEvents(harness.engine.db, { limit: 1000 });
      return events.find((event) => event.action === 'call.caller.identified' && event.outcome === 'failure') ?? null;
    }, 10_000, 'the failed lookup in the audit log');
    expect((await findCall(harness.engine.db, callId))?.writeBackStatus).toBe('not-due');

    // The EHR comes back knowing the engine's client (registration outlives an outage).
    ehr = await startSandboxEhr({ port, clients: [harness.ehrClient] });
    const call = await eventually(async () => {
      const record = await findCall(harness.engine.db, callId);
      return record?.writeBackStatus === 'written' ? record : null;
    }, 60_000, 'the write-back after the EHR came back');
    expect(call.callerMatch?.outcome).toBe('unique');
    expect(call.callerMatch?.confidence).toBe('ani-dob-verified');
    const response = await fetch(`${ehr.baseUrl}/Task?_count=100`, { headers: { authorization: `Bearer ${ehr.issueTestToken()}` } });
    const tasks = ((await response.json()) as Bundle<Task>).entry?.map((entry) => entry.resource!) ?? [];
    const forThisCall = tasks.filter((task) => task.identifier?.[0]?.value === `synthetic-pbx/${providerCallId}`);
    expect(forThisCall).toHaveLength(1);
    // Caller ID plus the date of birth keyed during the outage: linked to the chart (ID-2).
    expect(forThisCall[0]!.for?.reference).toBe(`Patient/${known.patientId}`);
    const stepUps = (await listAuditEvents(harness.engine.db, { limit: 1000 })).filter((event) => event.action === 'call.identity.step-up' && event.objectId === callId);
    expect(stepUps.map((event) => event.outcome)).toEqual(['deferred', 'success']);
    // The keyed digits were held encrypted only until checked.
    const { rows } = await harness.engine.db.query('select 1 from identity_evidence where call_id = $1', [callId]);
    expect(rows).toHaveLength(0);
    display.close();
  });
});
