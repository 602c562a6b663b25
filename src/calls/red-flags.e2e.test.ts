import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '../auth/staff-token.ts';
import { consentEvents } from '../../test/helpers/consent-events.ts';
import { eventually, startHarness, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from '../sandbox-ehr/synthetic-clinic.ts';
import { findCall } from './calls.repository.ts';

/**
 * The red-flag routes over a real socket (issue 14): another queue's call is not found, a flag the
 * call lacks is refused in words (422 RED_FLAG_NOT_RAISED), the roles are those of route-access.ts
 * (the live roles, intake included; never the analyst), and the first acknowledgement is audited
 * once. Synthetic calls only.
 */
const clinic = generateSyntheticClinic();
const caller = sandboxPhoneScenarios(clinic).uniquePatient[0]!;
const queue = 'flags-own';

let harness: Harness;
let callId: string;
beforeAll(async () => {
  harness = await startHarness('pglite');
  const call = { id: 'flags-1', ani: caller.phone, dnis: '+16175550100', queue, direction: 'inbound' as const };
  const send = async (overrides: Parameters<typeof syntheticEvent>[0]) => harness.post({ ...syntheticEvent(overrides), call });
  callId = String((await send({ type: 'call.ringing', callId: 'flags-1' })).body.callId);
  for (const consent of consentEvents('flags-1', caller.phone, [], queue)) await harness.post(consent);
  await send({ type: 'call.answered', callId: 'flags-1' });
  await send({ type: 'transcript.available', callId: 'flags-1', data: { transcript: { text: 'Synthetic caller: I have crushing chest pain right now.' } } });
  await send({ type: 'call.ended', callId: 'flags-1' });
  await eventually(async () => ((await findCall(harness.engine.db, callId))?.redFlags.includes('chest_pain') ? true : null), 30_000, 'the red flag raised');
}, 60_000);
afterAll(async () => harness?.close());

async function call(method: 'GET' | 'POST', path: string, role: StaffRole, queues: string[], body?: unknown) {
  const response = await fetch(`${harness.engine.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${await harness.token(role, queues, [], `flags-${role}`)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}
/** Acknowledgement audit entries, chained or about to be (the chainer follows the transaction within milliseconds). */
const auditRows = async () =>
  (await harness.engine.db.query<{ actor: string; detail: Record<string, unknown> }>(
    `select actor, detail from audit_event where object_id = $1 and action = 'call.red-flag.acknowledged'
     union all select actor, detail from audit_pending where object_id = $1 and action = 'call.red-flag.acknowledged'`,
    [callId],
  )).rows;

describe('red flags acknowledged over the API', () => {
  it("answers another queue's nurse as if the call did not exist", async () => {
    const listed = await call('GET', `/api/calls/${callId}/red-flags`, 'nurse', ['other-queue']);
    expect(listed.status).toBe(404);
    expect(listed.body.error.code).toBe('NOT_FOUND');
    const acknowledged = await call('POST', `/api/calls/${callId}/red-flags/acknowledge`, 'nurse', ['other-queue'], { code: 'chest_pain', screen: 'live' });
    expect(acknowledged.status).toBe(404);
    expect(JSON.stringify(acknowledged.body)).not.toContain('chest_pain');
    expect(await auditRows()).toEqual([]);
  });

  it('refuses a flag the call does not have, with a reason', async () => {
    const answer = await call('POST', `/api/calls/${callId}/red-flags/acknowledge`, 'nurse', [queue], { code: 'seizure', screen: 'live' });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('RED_FLAG_NOT_RAISED');
    expect(await auditRows()).toEqual([]);
  });

  it('refuses the analyst (de-identified aggregates only) and lets the front desk read the flags', async () => {
    expect((await call('GET', `/api/calls/${callId}/red-flags`, 'analyst', [queue])).status).toBe(403);
    expect((await call('POST', `/api/calls/${callId}/red-flags/acknowledge`, 'analyst', [queue], { code: 'chest_pain' })).status).toBe(403);
    const intake = await call('GET', `/api/calls/${callId}/red-flags`, 'intake', [queue]);
    expect(intake.status).toBe(200);
    expect(intake.body.redFlags).toEqual([expect.objectContaining({ code: 'chest_pain', acknowledgement: null })]);
  });

  it('records the first acknowledgement with who, when and how long after, audits it once, and keeps it on a second try', async () => {
    const first = await call('POST', `/api/calls/${callId}/red-flags/acknowledge`, 'nurse', [queue], { code: 'chest_pain', screen: 'live' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ code: 'chest_pain', acknowledgedBy: 'staff:flags-nurse', screen: 'live', alreadyAcknowledged: false });
    expect(first.body.secondsToAcknowledge).toBeGreaterThanOrEqual(0);
    const second = await call('POST', `/api/calls/${callId}/red-flags/acknowledge`, 'clinician', [queue], { code: 'chest_pain', screen: 'review' });
    expect(second.body).toMatchObject({ acknowledgedBy: 'staff:flags-nurse', screen: 'live', alreadyAcknowledged: true });
    const rows = await auditRows();
    expect(rows).toEqual([{ actor: 'staff:flags-nurse', detail: expect.objectContaining({ code: 'chest_pain', screen: 'live' }) }]);
    const listed = await call('GET', `/api/calls/${callId}/red-flags`, 'nurse', [queue]);
    expect(listed.body.redFlags[0].acknowledgement).toMatchObject({ acknowledgedBy: 'staff:flags-nurse' });
  });
});
