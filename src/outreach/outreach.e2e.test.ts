import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Patient } from '@medplum/fhirtypes';
import { backendKinds } from '../../test/helpers/backends.ts';
import { startHarness, type Harness } from '../../test/helpers/engine-harness.ts';
import { defaultConfig } from '../config/config.schema.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { findCallbackTask } from '../callbacks/callback.repository.ts';
import { startSandboxEhr, type SandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { generateSyntheticClinic, SANDBOX_REFERENCE_DATE } from '../sandbox-ehr/synthetic-clinic.ts';

/**
 * Outreach lists end to end (issue 16, FU-2): the engine on a real socket, the sandbox EHR over
 * HTTP with its synthetic discharges and no-shows, a clock at the sandbox's reference date. The
 * scheduled search finds each list once within its per-run cap; a CSV with bad rows imports the
 * good ones and reports every bad row; entries are callback tasks carrying barrier codes heard in
 * the patient's earlier calls; the routes refuse wrong roles, other queues and bad bodies.
 */
const clinic = generateSyntheticClinic();
const mrnOf = (patient: Patient) => patient.identifier!.find((identifier) => identifier.type?.coding?.[0]?.code === 'MR')!.value!;
const patientIdOf = (reference: string | undefined) => reference!.replace('Patient/', '');

describe.each(backendKinds)('outreach lists (%s)', (kind) => {
  let harness: Harness;
  let ehr: SandboxEhr;
  let supervisor: string;
  const now = new Date(`${SANDBOX_REFERENCE_DATE}T00:00:00Z`);
  // One patient discharged from hospital, who told the clinic in an earlier call that getting there was the problem.
  const dischargedPatient = patientIdOf(clinic.discharges[0]!.subject!.reference);

  beforeAll(async () => {
    ehr = await startSandboxEhr({ port: 0 });
    harness = await startHarness(kind, {
      ehr, clock: () => now,
      config: { outreach: { ...defaultConfig.outreach, maxPerRun: 5, pageSize: 50, enabled: false } },
    });
    supervisor = await harness.token('supervisor', ['outreach']);
    // An earlier call of that patient, understood and stored as the pipeline stores it (sealed analysis with the redacted transcript).
    const callId = randomUUID();
    await harness.engine.db.query(
      `insert into call (id, provider, provider_call_id, status, queue, caller_outcome, caller_confidence, caller_patient_ids, started_at)
       values ($1, 'synthetic-pbx', $2, 'ended', 'front-desk', 'unique', 'high', $3, $4)`,
      [callId, `outreach-${callId}`, [dischargedPatient], new Date(now.getTime() - 20 * 86_400_000)],
    );
    const { sealed, keyId } = await harness.engine.keyring.sealFor('summary', now, JSON.stringify({
      redacted: "Caller: this is [NAME], I missed the visit because I don't have a car and the bus doesn't go there. Agent: do you need an interpreter? Caller: no, English is fine.",
    }));
    await harness.engine.db.query('insert into call_analysis (call_id, method, ciphertext, key_id) values ($1, $2, $3, $4)', [callId, 'transcript', sealed, keyId]);
  });
  afterAll(async () => {
    await harness?.close();
    await ehr?.close();
  });

  const request = async (method: string, url: string, token: string, body?: string, contentType = 'text/csv') => {
    const response = await fetch(`${harness.engine.url}${url}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': contentType } : {}) }, ...(body !== undefined ? { body } : {}),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, checked field by field below
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('finds the sandbox\'s discharges and no-shows on schedule, once, never reading more than the per-run cap', async () => {
    const before = ehr.stats().requests;
    const first = await harness.engine.outreach.scheduler.runNow('schedule');
    // One page of five per list: two searches (and perhaps a token), whatever else the EHR holds.
    expect(ehr.stats().requests - before).toBeLessThanOrEqual(3);
    expect(first.map(({ kind: list, read, imported, capped }) => ({ list, read, imported, capped }))).toEqual([
      { list: 'post-discharge', read: 5, imported: 5, capped: true },
      { list: 'no-show', read: 5, imported: 5, capped: true },
    ]);
    // The runs carry on where the cap stopped them until each list is read to its end.
    await harness.engine.outreach.scheduler.runNow('schedule');
    const third = await harness.engine.outreach.scheduler.runNow('schedule');
    expect(third.map((run) => [run.read, run.capped])).toEqual([[2, false], [2, false]]);

    const listed = await request('GET', '/api/outreach', supervisor);
    expect(listed.status).toBe(200);
    const lists = Object.fromEntries(listed.body.lists.map((list: { kind: string; entries: number }) => [list.kind, list.entries]));
    expect(lists).toEqual({ 'post-discharge': clinic.discharges.length, 'no-show': clinic.noShows.length });
    const refs = listed.body.entries.map((entry: { patientId: string; kind: string }) => `${entry.kind}:${entry.patientId}`).sort();
    expect(refs).toEqual([
      ...clinic.discharges.map((encounter) => `post-discharge:${patientIdOf(encounter.subject!.reference)}`),
      ...clinic.noShows.map((appointment) => `no-show:${patientIdOf(appointment.participant[0]!.actor!.reference)}`),
    ].sort());

    // Again: nothing new is added.
    const again = await harness.engine.outreach.scheduler.runNow('schedule');
    expect(again.reduce((sum, run) => sum + run.imported, 0)).toBe(0);
    expect((await request('GET', '/api/outreach', supervisor)).body.entries).toHaveLength(24);
  });

  it('makes each entry a callback task carrying the barrier codes heard in the patient\'s earlier calls, with a script for them', async () => {
    const { body } = await request('GET', '/api/outreach?kind=post-discharge', supervisor);
    const entry = body.entries.find((candidate: { patientId: string }) => candidate.patientId === dischargedPatient);
    expect(entry.barriers).toEqual(['transport']);
    expect(entry.script.at(-1)).toMatch(/offer transport help/);
    expect(entry.task).toMatchObject({ status: 'open', attempts: 0, escalationLevel: 0, overdue: false });
    const task = await findCallbackTask(harness.engine.db, entry.callbackTaskId);
    expect(task).toMatchObject({ origin: 'post-discharge', patientId: dischargedPatient, queue: 'outreach', context: { barriers: ['transport'] } });
    // Another patient, with no earlier calls: no barriers, the list's script alone.
    const other = body.entries.find((candidate: { patientId: string }) => candidate.patientId !== dischargedPatient);
    expect(other.barriers).toEqual([]);
    // Codes only in the audit log: not the words of the call.
    expect(JSON.stringify(await listAuditEvents(harness.engine.db, { limit: 100_000 }))).not.toMatch(/bus doesn't go|car/);
  });

  it('imports the good rows of a CSV, reports every bad row by number and reason, and adds nothing when it comes again', async () => {
    const [a, b, c] = [clinic.patients[2]!, clinic.patients[4]!, clinic.patients[6]!];
    const csv = [
      'kind,patient_id,mrn,date,reason_code',
      `no-show,${a.id},,2026-10-20,`,
      `post-discharge,,${mrnOf(b)},2026-10-29,J18.9`,
      `no-show,syn-no-such-patient,,2026-10-20,`,
      `no-show,,MRN-NOBODY-1,2026-10-20,`,
      `missed,${c.id},,2026-10-20,`,
      `no-show,${c.id},,20/10/2026,`,
      `no-show,${a.id},,2026-10-20,`,
    ].join('\n');
    const first = await request('POST', '/api/outreach/imports', supervisor, csv);
    expect(first.status).toBe(201);
    expect(first.body.import).toMatchObject({ total: 7, imported: 2, alreadyImported: 0, rejected: 5 });
    expect(first.body.import.problems.map((problem: { row: number; code: string }) => [problem.row, problem.code])).toEqual([
      [4, 'UNKNOWN_PATIENT'], [5, 'UNKNOWN_PATIENT'], [6, 'UNKNOWN_KIND'], [7, 'BAD_DATE'], [8, 'DUPLICATE_ROW'],
    ]);
    expect(first.body.import.problems[0].reason).toBe('unknown patient: no chart in the EHR has this patient_id');

    const second = await request('POST', '/api/outreach/imports', supervisor, csv);
    expect(second.status).toBe(200);
    expect(second.body.import).toMatchObject({ imported: 0, alreadyImported: 2, rejected: 5 });
    const listed = await request('GET', '/api/outreach', supervisor);
    expect(listed.body.entries.filter((entry: { source: string }) => entry.source === 'csv').map((entry: { patientId: string }) => entry.patientId).sort()).toEqual([a.id, b.id].sort());

    const audit = await listAuditEvents(harness.engine.db, { limit: 100_000 });
    const imports = audit.filter((event) => event.action === 'outreach.imported');
    expect(imports.map((event) => event.detail)).toEqual([
      expect.objectContaining({ rows: 7, imported: 2, alreadyImported: 0, rejected: 5 }),
      expect.objectContaining({ rows: 7, imported: 0, alreadyImported: 2, rejected: 5 }),
    ]);
    // Counts only: no patient id, MRN or row contents.
    expect(JSON.stringify(imports)).not.toMatch(new RegExp(`${a.id}|${mrnOf(b)}|MRN-NOBODY`));
  });

  it('refuses wrong roles (403), other queues (404), and bodies that are too large or not CSV (413/415, with the reason and an audit entry)', async () => {
    const intake = await harness.token('intake', ['outreach']);
    expect((await request('POST', '/api/outreach/imports', intake, 'kind,patient_id,date\n')).status).toBe(403);
    expect((await request('POST', '/api/outreach/runs', intake)).status).toBe(403);
    const analyst = await harness.token('analyst', ['*']);
    expect((await request('GET', '/api/outreach', analyst)).status).toBe(403);

    const { body } = await request('GET', '/api/outreach', supervisor);
    const entryId = body.entries[0].id as string;
    expect((await request('GET', `/api/outreach/entries/${entryId}`, supervisor)).status).toBe(200);
    const frontDesk = await harness.token('nurse', ['front-desk']);
    expect(await request('GET', `/api/outreach/entries/${entryId}`, frontDesk)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect((await request('GET', '/api/outreach', frontDesk)).body.entries).toEqual([]);
    const otherSupervisor = await harness.token('supervisor', ['front-desk']);
    expect((await request('POST', '/api/outreach/imports', otherSupervisor, 'kind,patient_id,date\n')).status).toBe(404);

    const tooLarge = await request('POST', '/api/outreach/imports', supervisor, `kind,patient_id,date\n${'no-show,p1,2026-10-20\n'.repeat(20_000)}`);
    expect(tooLarge).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    expect(tooLarge.body.error.message).toMatch(/larger than 262144 bytes/);
    const notCsv = await request('POST', '/api/outreach/imports', supervisor, JSON.stringify({ kind: 'no-show' }), 'application/json');
    expect(notCsv).toMatchObject({ status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the list as text/csv (Content-Type: text/csv)' } } });
    const notAList = await request('POST', '/api/outreach/imports', supervisor, 'hello,world\n1,2\n');
    expect(notAList).toMatchObject({ status: 400, body: { error: { code: 'PAYLOAD_INVALID' } } });

    const audit = await listAuditEvents(harness.engine.db, { limit: 100_000 });
    const refused = audit.filter((event) => event.action === 'outreach.request.rejected').map((event) => event.reason);
    expect(refused).toEqual(expect.arrayContaining(['PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_INVALID']));
  });
});
