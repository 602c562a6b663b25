import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { backendKinds } from '../../test/helpers/backends.ts';
import { startHarness, syntheticEvent, type Harness } from '../../test/helpers/engine-harness.ts';

/**
 * Legal holds and the retention report over a real socket (RE-1): an auditor sets and releases
 * holds with a reason; bad input is a 4xx with a code and an audit entry, never a 5xx. Who may
 * call these routes at all is the access matrix's job (test/security/access-matrix.test.ts).
 */
describe.each(backendKinds)('retention API (%s)', (kind) => {
  let harness: Harness;
  let auditor: string;
  let callId: string;

  beforeAll(async () => {
    harness = await startHarness(kind);
    auditor = await harness.token('auditor', ['*']);
    const ringing = await harness.post(syntheticEvent({ type: 'call.ringing', callId: `hold-${kind}` }));
    callId = String(ringing.body.callId);
  });
  afterAll(async () => harness?.close());

  const send = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(`${harness.engine.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${auditor}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field below
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('sets a hold on a call and on a patient, lists them, and releases each once', async () => {
    const onCall = await send('POST', '/api/retention/holds', { scope: 'call', callId, reason: 'Synthetic litigation matter 7' });
    expect(onCall.status).toBe(201);
    expect(onCall.body.hold).toMatchObject({ scope: 'call', callId, setBy: 'staff:test-auditor', releasedAt: null });
    const onPatient = await send('POST', '/api/retention/holds', { scope: 'patient', patientId: 'syn-patient-42', reason: 'Synthetic records request' });
    expect(onPatient.status).toBe(201);
    const listed = await send('GET', '/api/retention/holds');
    expect(listed.body.holds.map((hold: { id: string }) => hold.id)).toEqual(expect.arrayContaining([onCall.body.hold.id, onPatient.body.hold.id]));

    const released = await send('POST', `/api/retention/holds/${onCall.body.hold.id}/release`, { reason: 'Synthetic matter closed' });
    expect(released.status).toBe(200);
    expect(released.body.hold).toMatchObject({ releasedBy: 'staff:test-auditor', releaseReason: 'Synthetic matter closed' });
    const again = await send('POST', `/api/retention/holds/${onCall.body.hold.id}/release`, { reason: 'twice' });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'LEGAL_HOLD_RELEASED' } } });
    expect((await send('GET', '/api/retention/holds?status=released')).body.holds.map((hold: { id: string }) => hold.id)).toContain(onCall.body.hold.id);
  });

  it('answers bad input with a code and an audit entry: no reason, a malformed id, a call that does not exist', async () => {
    const noReason = await send('POST', '/api/retention/holds', { scope: 'call', callId });
    expect(noReason).toMatchObject({ status: 400, body: { error: { code: 'PAYLOAD_INVALID' } } });
    const badId = await send('POST', '/api/retention/holds', { scope: 'call', callId: 'not-a-uuid', reason: 'Synthetic' });
    expect(badId.status).toBe(400);
    const unknown = await send('POST', '/api/retention/holds', { scope: 'call', callId: randomUUID(), reason: 'Synthetic matter' });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const unknownRelease = await send('POST', `/api/retention/holds/${randomUUID()}/release`, { reason: 'Synthetic' });
    expect(unknownRelease.status).toBe(404);
    const audit = await listAuditEvents(harness.engine.db, { limit: 100_000 });
    expect(audit.filter((event) => event.action === 'retention.request.rejected' && event.reason === 'PAYLOAD_INVALID')).toHaveLength(2);
    expect(audit.some((event) => event.action === 'retention.hold.set' && event.outcome === 'rejected' && event.reason === 'NOT_FOUND')).toBe(true);
    expect(audit.some((event) => event.action === 'retention.hold.released' && event.outcome === 'rejected' && event.reason === 'NOT_FOUND')).toBe(true);
    // Ids and codes only: the hold's reason text is never in the audit log.
    expect(JSON.stringify(audit)).not.toContain('Synthetic litigation matter');
  });

  it('serves the report to the auditor: nothing past policy, the holds in force, the next purge', async () => {
    const outcome = await harness.engine.retention.runNow();
    expect(outcome).toMatchObject({ skipped: false, artifactsPurged: 0 });
    const report = await send('GET', '/api/retention/report');
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ ok: true, pastPolicy: { total: 0 }, keysOverdue: [], audit: { keptYears: 6, purgedByThisJob: false } });
    expect(report.body.holdsInForce.some((hold: { patientId: string }) => hold.patientId === 'syn-patient-42')).toBe(true);
    expect(Date.parse(report.body.nextPurgeAt)).toBeGreaterThan(Date.now());
    expect(report.body.lastRun).toMatchObject({ status: 'finished' });
  });
});
