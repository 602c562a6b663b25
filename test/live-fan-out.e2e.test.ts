import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveMessage } from '../src/api/live-calls.hub.ts';
import { issueStaffToken, type StaffRole } from '../src/auth/staff-token.ts';
import { defaultConfig } from '../src/config/config.schema.ts';
import { startEngine, type Engine } from '../src/engine/engine.ts';
import { createMemoryKekProvider } from '../src/keys/memory-kek.client.ts';
import { createLogger } from '../src/lib/logger.ts';
import { liveChannel } from '../src/live/live-notification.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../src/sandbox-ehr/synthetic-clinic.ts';
import { consentEvents } from './helpers/consent-events.ts';
import { connectLiveClient, eventually, startHarness, syntheticEvent, type Harness } from './helpers/engine-harness.ts';

/**
 * Issue 18: two engines on one PostgreSQL database, as two web processes behind a load balancer.
 * Webhooks go to engine A; nurses and the front desk watch engine B, which does no pipeline work
 * (a web process), so everything they see crossed through PostgreSQL LISTEN/NOTIFY.
 */
const clinic = generateSyntheticClinic();
const scenarios = sandboxPhoneScenarios(clinic);
const hasAllergy = ({ patientId }: { patientId: string }) =>
  clinic.allergyIntolerances.some((allergy) => allergy.patient?.reference === `Patient/${patientId}` && allergy.code?.coding?.[0]?.code !== '716186003');
const [first, second, third] = scenarios.uniquePatient.filter((caller, index) => index !== 7 && hasAllergy(caller)) as [
  (typeof scenarios.uniquePatient)[number], (typeof scenarios.uniquePatient)[number], (typeof scenarios.uniquePatient)[number],
];
const patientOf = (caller: { patientId: string }) => clinic.patients.find((patient) => patient.id === caller.patientId)!;

type Pop = Extract<LiveMessage, { type: 'screen-pop' | 'screen-pop.updated' }>;
const completePopFor = (callId: string) => (m: LiveMessage): m is Pop =>
  (m.type === 'screen-pop' || m.type === 'screen-pop.updated') && m.screenPop.callId === callId && m.screenPop.complete;
const callUpdateFor = (callId: string) => (m: LiveMessage): m is Extract<LiveMessage, { type: 'call.updated' }> => m.type === 'call.updated' && m.call.callId === callId;
const helloCount = (messages: readonly LiveMessage[]) => messages.filter((m) => m.type === 'hello').length;

let ehr: SandboxEhr;
let a: Harness;
const kek = createMemoryKekProvider();
const staffTokenSecret = randomBytes(32);
const others: Engine[] = [];
/** Every payload sent on the live channel, as anyone who may LISTEN on the database sees it. */
const payloads: string[] = [];
let spy: pg.Client;

/** Another engine process of the same deployment: same database, KEK, audit key and staff token secret. */
async function startPeer(options: { work: boolean }): Promise<Engine> {
  const engine = await startEngine({
    config: { ...defaultConfig, pipeline: { ...defaultConfig.pipeline, settleSeconds: 1 }, access: { ...defaultConfig.access, maxRefusalsPerMinute: 1_000_000 } },
    databaseUrl: a.databaseUrl,
    fhirBaseUrl: ehr.baseUrl,
    ehrAuth: false,
    webhookSecret: a.secret,
    staffTokenSecret,
    kek,
    auditKey: a.auditKey,
    port: 0,
    work: options.work,
    logger: createLogger({ level: 'error' }),
    scimToken: false,
  });
  others.push(engine);
  return engine;
}

const token = (role: StaffRole, queues: string[] = ['*']) => issueStaffToken(staffTokenSecret, { sub: `fan-out-${role}`, role, queues, extensions: [] });

beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  a = await startHarness('postgres', { ehr, engine: { kek, staffTokenSecret } });
  spy = new pg.Client({ connectionString: a.databaseUrl });
  await spy.connect();
  spy.on('notification', (message) => {
    if (message.channel === liveChannel) payloads.push(message.payload ?? '');
  });
  await spy.query(`listen ${liveChannel}`);
});
afterAll(async () => {
  await spy?.end();
  for (const engine of others) await engine.close();
  await a?.close();
  await ehr?.close();
});

describe('the live display across two engine processes on one PostgreSQL', () => {
  let b: Engine;
  beforeAll(async () => {
    b = await startPeer({ work: false });
  });

  it('shows a nurse on engine B the card, the call and the understanding of a call that came in at engine A, each role seeing what it may', async () => {
    expect(a.engine.liveFanOut).not.toBeNull();
    expect(b.liveFanOut).not.toBeNull();
    const nurse = await connectLiveClient(b.url, await token('nurse'));
    const desk = await connectLiveClient(b.url, await token('intake', ['front-desk']));
    const elsewhere = await connectLiveClient(b.url, await token('nurse', ['billing']));
    // The analyst sees no live calls on any process.
    await expect(connectLiveClient(b.url, await token('analyst'))).rejects.toThrow(/403/);

    const providerCallId = 'fan-out-1';
    const ringing = await a.post(syntheticEvent({ type: 'call.ringing', callId: providerCallId, ani: first.phone }));
    expect(ringing.status).toBe(202);
    const callId = String(ringing.body.callId);

    const nurseCard = (await nurse.waitFor(completePopFor(callId))).screenPop;
    expect(nurseCard.patient?.id).toBe(first.patientId);
    expect(nurseCard.patient?.allergies.length).toBeGreaterThan(0);
    const deskCard = (await desk.waitFor(completePopFor(callId))).screenPop;
    expect(deskCard.patient?.name).toBe(nurseCard.patient?.name);
    expect(deskCard.patient?.allergies).toEqual([]);
    expect(deskCard.patient?.activeMedications).toEqual([]);
    expect(deskCard.patient?.fieldsWithheld).toBe(true);
    const row = (await nurse.waitFor(callUpdateFor(callId))).call;
    expect(row).toMatchObject({ callId, queue: 'front-desk', status: 'ringing' });

    const family = patientOf(first).name![0]!.family!;
    for (const consent of consentEvents(providerCallId, first.phone)) await a.post(consent);
    await a.post(syntheticEvent({ type: 'transcript.available', callId: providerCallId, ani: first.phone, data: { transcript: { text: `Synthetic: this is ${family}, I need my refill of lisinopril.` } } }));
    await a.post(syntheticEvent({ type: 'call.ended', callId: providerCallId, ani: first.phone }));
    const understood = await nurse.waitFor((m): m is Extract<LiveMessage, { type: 'call.understood' }> => m.type === 'call.understood' && m.understanding.callId === callId, 30_000);
    expect(understood.understanding.requestTypes.map((item) => item.type)).toContain('prescription_refill');
    expect(JSON.stringify(understood.understanding)).not.toContain(family);
    await nurse.waitFor((m): m is Extract<LiveMessage, { type: 'call.updated' }> => callUpdateFor(callId)(m) && ['ended', 'missed'].includes(m.call.status));

    // Anything meant for the front desk or the billing nurse was sent before the nurse got it: a
    // hello they ask for now arrives after it.
    for (const viewer of [desk, elsewhere]) {
      viewer.socket.send(JSON.stringify({ type: 'subscribe' }));
      await viewer.waitFor((m): m is Extract<LiveMessage, { type: 'hello' }> => m.type === 'hello' && helloCount(viewer.messages) === 2);
    }
    expect(desk.messages.some((m) => m.type === 'call.understood')).toBe(false);
    expect(elsewhere.messages.some((m) => (m.type === 'screen-pop' || m.type === 'call.updated') && JSON.stringify(m).includes(callId))).toBe(false);

    // A nurse who opens the display on B now finds the call and its card in the hello.
    const late = await connectLiveClient(b.url, await token('nurse'));
    const hello = await late.waitFor((m): m is Extract<LiveMessage, { type: 'hello' }> => m.type === 'hello');
    expect(hello.calls.map((call) => call.callId)).toContain(callId);
    expect(hello.screenPops.find((pop) => pop.callId === callId)?.patient?.allergies.length).toBeGreaterThan(0);
    expect(hello.understandings.map((item) => item.callId)).toContain(callId);
    for (const client of [nurse, desk, elsewhere, late]) client.close();
  });

  it('gives a process started later the calls and cards already on screens, in its hello', async () => {
    const c = await startPeer({ work: false });
    const nurse = await connectLiveClient(c.url, await token('nurse'));
    const hello = await nurse.waitFor((m): m is Extract<LiveMessage, { type: 'hello' }> => m.type === 'hello');
    const seen = hello.screenPops.find((pop) => pop.patient?.id === first.patientId);
    expect(seen?.patient?.allergies.length).toBeGreaterThan(0);
    expect(hello.calls.some((call) => call.callId === seen?.callId)).toBe(true);
    nurse.close();
  });

  it('keeps crossing after engine B’s LISTEN connection is killed (a database restart), catching up on what it missed', async () => {
    const nurse = await connectLiveClient(b.url, await token('nurse'));
    const admin = new pg.Client({ connectionString: a.databaseUrl });
    await admin.connect();
    await admin.query('select pg_terminate_backend($1)', [b.liveFanOut!.listenBackendPid]);
    await admin.end();
    // A call rings while B may still be reconnecting: it reaches B's nurse either way.
    const during = await a.post(syntheticEvent({ type: 'call.ringing', callId: 'fan-out-gap', ani: second.phone }));
    await nurse.waitFor(completePopFor(String(during.body.callId)));
    await eventually(async () => (b.liveFanOut!.listening && b.liveFanOut!.reconnects >= 1 ? true : null), 20_000, 'B listening again');
    const after = await a.post(syntheticEvent({ type: 'call.ringing', callId: 'fan-out-after', ani: third.phone }));
    const card = (await nurse.waitFor(completePopFor(String(after.body.callId)))).screenPop;
    expect(card.patient?.id).toBe(third.patientId);
    nurse.close();
  });

  it('puts ids and kinds on the channel, never a name, number, date of birth or MRN', async () => {
    expect(payloads.length).toBeGreaterThan(5);
    const kinds = new Set<string>();
    for (const payload of payloads) {
      const parsed = JSON.parse(payload) as Record<string, unknown>;
      expect(Object.keys(parsed).every((key) => ['kind', 'callId', 'origin', 'version'].includes(key))).toBe(true);
      kinds.add(String(parsed.kind));
    }
    expect([...kinds]).toEqual(expect.arrayContaining(['call', 'screen-pop', 'understanding']));
    const text = payloads.join('\n');
    for (const caller of [first, second, third]) {
      const patient = patientOf(caller);
      for (const word of [patient.name![0]!.family!, ...(patient.name![0]!.given ?? [])]) expect(text).not.toContain(word);
      expect(text).not.toContain(caller.phone.replace(/^\+1/, ''));
      if (patient.birthDate) expect(text).not.toContain(patient.birthDate);
      for (const identifier of patient.identifier ?? []) if (identifier.value) expect(text).not.toContain(identifier.value);
    }
  });
});
