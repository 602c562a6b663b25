import type { Bundle, BundleEntry, Communication, Patient, Provenance, Task } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirClient } from '../ehr/fhir.client.ts';
import { generateEhrClient } from '../ehr/smart-auth.ts';
import { SmartBackendTokenProvider } from '../ehr/smart-auth.client.ts';
import { CallchartError } from '../lib/errors.ts';
import { startSandboxEhr, type SandboxEhr } from './sandbox-ehr.server.ts';

const SYSTEM = 'https://callchart.dev/fhir/test-write-back';

/** One call's write-back as a transaction (synthetic): Task, the Communication for it, its Provenance. */
function writeBack(callKey: string, options: { extra?: BundleEntry[] } = {}): Bundle {
  const taskUrn = `urn:uuid:${randomUUID()}`;
  const communicationUrn = `urn:uuid:${randomUUID()}`;
  const identifier = (kind: string) => ({ system: SYSTEM, value: `${callKey}/${kind}` });
  const ifNoneExist = (kind: string) => `identifier=${encodeURIComponent(`${SYSTEM}|${callKey}/${kind}`)}`;
  const task: Task = { resourceType: 'Task', status: 'requested', intent: 'order', identifier: [identifier('task')], for: { reference: 'Patient/pat-0001' }, description: 'Synthetic callback' };
  const communication: Communication = { resourceType: 'Communication', status: 'completed', identifier: [identifier('communication')], subject: { reference: 'Patient/pat-0001' }, basedOn: [{ reference: taskUrn }] };
  const provenance: Provenance = { resourceType: 'Provenance', target: [{ reference: taskUrn }, { reference: communicationUrn }], recorded: '2026-11-23T10:00:00Z', agent: [{ who: { display: 'Callchart (synthetic)' } }] };
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl: taskUrn, resource: task, request: { method: 'POST', url: 'Task', ifNoneExist: ifNoneExist('task') } },
      { fullUrl: communicationUrn, resource: communication, request: { method: 'POST', url: 'Communication', ifNoneExist: ifNoneExist('communication') } },
      ...(options.extra ?? []),
      // Provenance has no business identifier of its own here: it is only created with the Task.
      { resource: provenance, request: { method: 'POST', url: 'Provenance', ifNoneExist: `target=${encodeURIComponent(taskUrn)}` } },
    ],
  };
}

describe('sandbox EHR: transaction Bundles', () => {
  let ehr: SandboxEhr;
  let fhir: FhirClient;

  beforeAll(async () => {
    const client = await generateEhrClient({ clientId: 'write-back' });
    ehr = await startSandboxEhr({ port: 0, patientCount: 20, clients: [{ clientId: 'write-back', jwks: client.jwks }] });
    const tokens = new SmartBackendTokenProvider({
      ...client.credentials, tokenUrl: ehr.tokenUrl,
      scopes: ['system/Task.crus', 'system/Communication.crs', 'system/Provenance.crs', 'system/Patient.rus'],
    });
    fhir = new FhirClient({ baseUrl: ehr.baseUrl, timeoutMs: 5_000, tokenProvider: tokens });
  });
  afterAll(async () => ehr?.close());

  const count = async (type: 'Task' | 'Communication', callKey: string, kind: string) => (await fhir.search(type, { identifier: `${SYSTEM}|${callKey}/${kind}` })).length;

  it('creates linked resources through urn:uuid references, and a replay finds them instead of duplicating', async () => {
    const callKey = `call-${randomUUID()}`;
    const first = await fhir.transaction(writeBack(callKey));
    expect(first.type).toBe('transaction-response');
    expect(first.entry?.map((entry) => entry.response?.status)).toEqual(['201', '201', '201']);
    const taskRef = first.entry![0]!.response!.location!;
    expect(taskRef).toMatch(/^Task\//);
    expect((first.entry![1]!.resource as Communication).basedOn?.[0]?.reference).toBe(taskRef);

    // The outbox retries after an ambiguous failure: the same transaction again.
    const replay = await fhir.transaction(writeBack(callKey));
    expect(replay.entry?.map((entry) => entry.response?.status)).toEqual(['200', '200', '200']);
    expect(replay.entry?.map((entry) => entry.response?.location)).toEqual(first.entry?.map((entry) => entry.response?.location));
    expect(await count('Task', callKey, 'task')).toBe(1);
    expect(await count('Communication', callKey, 'communication')).toBe(1);
    expect(await fhir.search<Provenance>('Provenance', { target: taskRef })).toHaveLength(1);
  });

  it('is all or nothing: the last entry invalid leaves no Task, no Communication, and an earlier update undone', async () => {
    const callKey = `call-${randomUUID()}`;
    const before = await fhir.read<Patient>('Patient', 'pat-0003');
    const touched: Patient = { ...before, telecom: [...(before.telecom ?? []), { system: 'phone', value: '+19075550999', use: 'mobile' }] };
    const invalid = { ...(await fhir.read<Patient>('Patient', 'pat-0004')), gender: 'x' } as unknown as Patient;
    // Creates run first, then updates in order: by the time pat-0004 fails, everything else was applied.
    const bundle = writeBack(callKey, {
      extra: [
        { resource: touched, request: { method: 'PUT', url: 'Patient/pat-0003' } },
        { resource: invalid, request: { method: 'PUT', url: 'Patient/pat-0004' } },
      ],
    });
    const error = await fhir.transaction(bundle).then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(CallchartError);
    expect(error).toMatchObject({ code: 'EHR_REJECTED', retry: 'permanent', detail: { status: 400 } });
    expect(await count('Task', callKey, 'task')).toBe(0);
    expect(await count('Communication', callKey, 'communication')).toBe(0);
    const after = await fhir.read<Patient>('Patient', 'pat-0003');
    expect(after.meta?.versionId).toBe(before.meta?.versionId);
    expect(after.telecom).toEqual(before.telecom);
    const history = await fetch(`${ehr.baseUrl}/Patient/pat-0003/_history`, { headers: { authorization: `Bearer ${ehr.issueTestToken('system/Patient.r')}` } });
    expect(((await history.json()) as Bundle).entry).toHaveLength(1);
  });

  it('two identical transactions racing produce one set of resources', async () => {
    const callKey = `call-${randomUUID()}`;
    const results = await Promise.all([fhir.transaction(writeBack(callKey)), fhir.transaction(writeBack(callKey))]);
    const statuses = results.map((result) => result.entry![0]!.response!.status).sort();
    expect(statuses).toEqual(['200', '201']);
    expect(await count('Task', callKey, 'task')).toBe(1);
    expect(await count('Communication', callKey, 'communication')).toBe(1);
  });

  it('refuses a Bundle that is not a transaction before sending it', async () => {
    await expect(fhir.transaction({ resourceType: 'Bundle', type: 'batch', entry: [] })).rejects.toMatchObject({ code: 'PAYLOAD_INVALID' });
  });
});
