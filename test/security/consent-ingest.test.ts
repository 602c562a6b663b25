import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCall } from '../../src/calls/calls.repository.ts';
import { listAuditEvents } from '../../src/audit/audit.repository.ts';
import { startPipeline } from '../../src/pipeline/pipeline.worker.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../../src/sandbox-ehr/synthetic-clinic.ts';
import { backendKinds, chainAuditFor, openTestDb } from '../helpers/backends.ts';
import { eventually, startHarness, syntheticEvent, type Harness } from '../helpers/engine-harness.ts';
import { consentEvents } from '../helpers/consent-events.ts';

/**
 * Finding 3 (issue 11): consent not checked at ingest. On the CTI path a `transcript.available`
 * with transcription declined was stored (encrypted) and purged only ~20 s later by the pipeline;
 * a transcript arriving after the call was processed stayed stored. And the stage table's
 * `consentRequired` was read by nothing. Now the policy function is asked before anything is
 * stored, and the runner checks that every stage handling content asked it.
 */
const clinic = generateSyntheticClinic();
const caller = sandboxPhoneScenarios(clinic).uniquePatient[2]!;
const words = 'CANARY-TRANSCRIPT-7f3 I need a refill of my metformin';

let ehr: SandboxEhr;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
});
afterAll(async () => ehr.close());

describe.each(backendKinds)('consent is asked before a transcript is stored (%s)', (kind) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(kind, { ehr });
  });
  afterAll(async () => harness?.close());

  const transcriptsOf = async (providerCallId: string) => {
    const { rows } = await harness.engine.db.query<{ n: string }>(
      `select count(*)::text as n from transcript t join call c on c.id = t.call_id where c.provider_call_id = $1`,
      [providerCallId],
    );
    return Number(rows[0]!.n);
  };
  const transcript = (callId: string) => syntheticEvent({ type: 'transcript.available', callId, ani: caller.phone, data: { transcript: { text: words } } });

  it('never writes a transcript the caller declined, not even for a moment, and audits the refusal', async () => {
    const callId = `declined-${kind}`;
    await harness.post(syntheticEvent({ type: 'call.ringing', callId, ani: caller.phone }));
    for (const consent of consentEvents(callId, caller.phone, ['transcribe'])) await harness.post(consent);
    const answer = await harness.post(transcript(callId));
    // Acknowledged (the PBX must not retry), and at that moment nothing is stored.
    expect(answer.status).toBe(202);
    expect(await transcriptsOf(callId)).toBe(0);
    const audit = await listAuditEvents(harness.engine.db, { limit: 10_000 });
    const discarded = audit.find((event) => event.action === 'transcript.discarded' && event.objectId === answer.body.callId);
    expect(discarded?.reason).toBe('consent-declined:transcribe');
    expect(discarded?.detail.stage).toBe('ingest');
    expect(JSON.stringify(audit)).not.toContain('CANARY-TRANSCRIPT');
  });

  it('never writes a transcript that overtakes the consent answer: it asks the PBX to send it again, and keeps the redelivery once consent is in', async () => {
    const callId = `no-consent-${kind}`;
    await harness.post(syntheticEvent({ type: 'call.ringing', callId, ani: caller.phone }));
    const event = transcript(callId);
    const early = await harness.post(event);
    expect(early.status).toBe(503);
    expect((early.body.error as { code: string }).code).toBe('CONSENT_PENDING');
    expect(await transcriptsOf(callId)).toBe(0);
    for (const consent of consentEvents(callId, caller.phone)) await harness.post(consent);
    // The same event again (the PBX's retry): not a duplicate, since nothing of it was stored.
    expect((await harness.post(event)).status).toBe(202);
    expect(await transcriptsOf(callId)).toBe(1);
  });

  it('never writes a late transcript for a call already processed without transcribe consent', async () => {
    const callId = `late-${kind}`;
    await harness.post(syntheticEvent({ type: 'call.ringing', callId, ani: caller.phone }));
    for (const consent of consentEvents(callId, caller.phone, ['transcribe'])) await harness.post(consent);
    const ended = await harness.post(syntheticEvent({ type: 'call.ended', callId, ani: caller.phone }));
    await eventually(async () => ((await findCall(harness.engine.db, String(ended.body.callId)))?.policyDecision ? true : null), 60_000, 'the call processed');
    expect((await harness.post(transcript(callId))).status).toBe(202);
    expect(await transcriptsOf(callId)).toBe(0);
  });

  it('stores the transcript (encrypted) when the caller allowed it', async () => {
    const callId = `granted-${kind}`;
    await harness.post(syntheticEvent({ type: 'call.ringing', callId, ani: caller.phone }));
    for (const consent of consentEvents(callId, caller.phone)) await harness.post(consent);
    expect((await harness.post(transcript(callId))).status).toBe(202);
    expect(await transcriptsOf(callId)).toBe(1);
    const { rows } = await harness.engine.db.query<{ ciphertext: string }>(`select t.ciphertext from transcript t join call c on c.id = t.call_id where c.provider_call_id = $1`, [callId]);
    expect(String(rows[0]!.ciphertext)).not.toContain('CANARY');
  });
});

describe.each(backendKinds)('the runner holds every content stage to its policy decision (%s)', (kind) => {
  it('fails a stage that handles content but never asked the policy function, and audits it', async () => {
    const { db, dispose } = await openTestDb(kind);
    const stopChainer = await chainAuditFor(db);
    try {
      const { rows } = await db.query<{ id: string }>(`insert into call (id, provider, provider_call_id, status) values (gen_random_uuid(), 'synthetic-pbx', 'runner-1', 'ended') returning id`);
      const callId = rows[0]!.id;
      const ran: string[] = [];
      // A handler for understand-call that "forgets" to ask the policy function.
      const pipeline = await startPipeline({
        db, logger: createLogger({ level: 'silent' }), concurrency: 1,
        handlers: {
          'identify-caller': async () => void ran.push('identify-caller'),
          'understand-call': async () => void ran.push('understand-call'),
          'open-callback': async () => void ran.push('open-callback'),
          'write-task': async () => void ran.push('write-task'),
          'plan-write-back': async () => void ran.push('plan-write-back'),
        },
      });
      try {
        await db.transaction((tx) => pipeline.enqueueFirst(tx, { callId }));
        pipeline.wake();
        const failed = await eventually(async () => {
          const audit = await listAuditEvents(db, { limit: 1_000 });
          return audit.find((event) => event.action === 'pipeline.understand-call.failed') ?? null;
        }, 60_000, 'the understand-call failure');
        expect(failed.reason).toBe('POLICY_NOT_ASKED');
        // Nothing after it ran: no Task, no chart record from an unchecked stage.
        expect(ran).toEqual(['identify-caller', 'understand-call']);
      } finally {
        await pipeline.stop();
      }
    } finally {
      await stopChainer();
      await dispose();
    }
  });
});
