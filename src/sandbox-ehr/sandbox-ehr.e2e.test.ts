import type { Bundle, CapabilityStatement, OperationOutcome, Patient, Task } from '@medplum/fhirtypes';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEhrClient } from '../ehr/smart-auth.ts';
import { SmartBackendTokenProvider } from '../ehr/smart-auth.client.ts';
import { startSandboxEhr, type SandboxEhr } from './sandbox-ehr.server.ts';
import { generateSyntheticClinic, sandboxPhoneScenarios } from './synthetic-clinic.ts';

const FHIR_JSON = 'application/fhir+json';

describe('sandbox EHR over HTTP', () => {
  let ehr: SandboxEhr;
  let accessToken: string;
  const logLines: string[] = [];
  const clinic = generateSyntheticClinic({});
  const scenarios = sandboxPhoneScenarios(clinic);

  beforeAll(async () => {
    const logStream = new PassThrough();
    logStream.on('data', (chunk: Buffer) => logLines.push(chunk.toString()));
    const { credentials, jwks } = await generateEhrClient({ clientId: 'sandbox-e2e' });
    ehr = await startSandboxEhr({ port: 0, clients: [{ clientId: 'sandbox-e2e', jwks }], logger: pino({ level: 'info', timestamp: false, base: undefined }, logStream) });
    // A real SMART Backend Services round trip; every request below carries the token.
    accessToken = await new SmartBackendTokenProvider({ ...credentials, tokenUrl: ehr.tokenUrl, scopes: ['system/*.cruds'] }).getAccessToken();
  });
  afterAll(async () => {
    await ehr?.close();
  });

  async function fhir<T>(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: T; headers: Headers }> {
    const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const response = await fetch(`${ehr.baseUrl}${path}`, {
      method,
      headers: { accept: FHIR_JSON, authorization: `Bearer ${accessToken}`, ...(body !== undefined ? { 'content-type': FHIR_JSON } : {}), ...options.headers },
      body,
    });
    expect(response.headers.get('content-type')).toContain(FHIR_JSON);
    return { status: response.status, body: (await response.json()) as T, headers: response.headers };
  }

  const searchPatientsByPhone = async (phone: string): Promise<string[]> => {
    const { status, body } = await fhir<Bundle<Patient>>('GET', `/Patient?phone=${encodeURIComponent(phone)}`);
    expect(status).toBe(200);
    return (body.entry ?? []).map((e) => e.resource!.id!).sort();
  };

  it('listens on a random local port under /fhir/R4', () => {
    expect(ehr.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir\/R4$/);
  });

  it('serves a CapabilityStatement for FHIR 4.0.1 that says the data is synthetic', async () => {
    const { status, body } = await fhir<CapabilityStatement>('GET', '/metadata');
    expect(status).toBe(200);
    expect(body.fhirVersion).toBe('4.0.1');
    expect(body.title).toMatch(/synthetic/i);
    const patient = body.rest?.[0]?.resource?.find((r) => r.type === 'Patient');
    expect(patient?.searchParam?.map((p) => p.name)).toEqual(expect.arrayContaining(['phone', 'telecom', 'identifier']));
    expect(body.rest?.[0]?.resource?.map((r) => r.type)).toEqual(expect.arrayContaining(['Task', 'RelatedPerson', 'Condition']));
  });

  it('finds exactly the right patient for a unique phone, all household members for a shared one, nobody for an unknown one', async () => {
    const unique = scenarios.uniquePatient[0]!;
    expect(await searchPatientsByPhone(unique.phone)).toEqual([unique.patientId]);
    const shared = scenarios.sharedFamily[0]!;
    expect(await searchPatientsByPhone(shared.phone)).toEqual(shared.patientIds);
    expect(shared.patientIds.length).toBeGreaterThan(1);
    const alternate = scenarios.alternateOnly[0]!;
    expect(await searchPatientsByPhone(alternate.phone)).toEqual([alternate.patientId]);
    expect(await searchPatientsByPhone(scenarios.unknown[0]!)).toEqual([]);
  });

  it('recognises a caregiver calling from their own number as a RelatedPerson, not a patient', async () => {
    const caregiver = scenarios.caregiver[0]!;
    expect(await searchPatientsByPhone(caregiver.phone)).toEqual([]);
    const { body } = await fhir<Bundle>('GET', `/RelatedPerson?phone=${encodeURIComponent(caregiver.phone)}`);
    expect(body.entry?.map((e) => e.resource?.id)).toEqual([caregiver.relatedPersonId]);
  });

  it('reads a patient and searches their chart by reference, with _count and _include', async () => {
    const read = await fhir<Patient>('GET', '/Patient/pat-0001');
    expect(read.status).toBe(200);
    expect(read.body.meta?.tag?.[0]?.code).toBe('synthetic');
    const conditions = await fhir<Bundle>('GET', '/Condition?patient=Patient/pat-0001');
    const expected = clinic.conditions.filter((c) => c.subject?.reference === 'Patient/pat-0001').map((c) => c.id).sort();
    expect(conditions.body.entry?.map((e) => e.resource!.id).sort() ?? []).toEqual(expected);

    const shared = scenarios.sharedFamily[0]!;
    const page = await fhir<Bundle>('GET', `/Patient?phone=${encodeURIComponent(shared.phone)}&_count=1`);
    expect(page.body.entry).toHaveLength(1);
    expect(page.body.total).toBe(shared.patientIds.length);

    const withPcp = await fhir<Bundle>('GET', '/Patient?_id=pat-0001&_include=Patient:general-practitioner');
    const pcp = clinic.patients[0]!.generalPractitioner![0]!.reference;
    expect(withPcp.body.entry?.map((e) => `${e.resource!.resourceType}/${e.resource!.id}:${e.search?.mode}`)).toEqual(['Patient/pat-0001:match', `${pcp}:include`]);
  });

  it('honours If-None-Exist: a repeated conditional create returns the first Task, not a duplicate', async () => {
    const identifier = { system: 'https://callchart.dev/fhir/call-request', value: 'e2e-call-0001' };
    const task: Task = { resourceType: 'Task', status: 'requested', intent: 'order', identifier: [identifier], for: { reference: 'Patient/pat-0001' }, description: 'Callback about refill' };
    const headers = { 'If-None-Exist': `identifier=${encodeURIComponent(`${identifier.system}|${identifier.value}`)}` };
    const first = await fhir<Task>('POST', '/Task', { body: task, headers });
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toContain(`/Task/${first.body.id}`);
    const second = await fhir<Task>('POST', '/Task', { body: task, headers });
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    const found = await fhir<Bundle>('GET', `/Task?identifier=${encodeURIComponent(`${identifier.system}|${identifier.value}`)}`);
    expect(found.body.total).toBe(1);
  });

  it('ignores a client-chosen id on create instead of overwriting an existing record', async () => {
    const created = await fhir<Task>('POST', '/Task', { body: { resourceType: 'Task', id: 'pat-0001', status: 'draft', intent: 'proposal' } });
    expect(created.status).toBe(201);
    expect(created.body.id).not.toBe('pat-0001');
  });

  it('rejects an invalid Task with an OperationOutcome naming the field', async () => {
    const { status, body } = await fhir<OperationOutcome>('POST', '/Task', { body: { resourceType: 'Task', status: 'bogus', intent: 'order' } });
    expect(status).toBe(400);
    expect(body.resourceType).toBe('OperationOutcome');
    expect(body.issue?.[0]?.expression).toEqual(['Task.status']);
    const update = await fhir<OperationOutcome>('PUT', '/Patient/pat-0002', { body: { ...clinic.patients[1], gender: 'x' } });
    expect(update.status).toBe(400);
    expect(update.body.issue?.[0]?.expression).toEqual(['Patient.gender']);
    expect((await fhir<Patient>('GET', '/Patient/pat-0002')).body.gender).toBe(clinic.patients[1]!.gender);
  });

  it('answers malformed JSON with 400, an unknown type with 404, an oversized body with 413, all as OperationOutcome', async () => {
    const malformed = await fhir<OperationOutcome>('POST', '/Task', { body: '{"resourceType": "Task",' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.resourceType).toBe('OperationOutcome');
    const unknownType = await fhir<OperationOutcome>('GET', '/Spaceship?name=x');
    expect(unknownType.status).toBe(404);
    expect(unknownType.body.resourceType).toBe('OperationOutcome');
    const tooBig = await fhir<OperationOutcome>('POST', '/Task', { body: { resourceType: 'Task', status: 'draft', intent: 'order', description: 'x'.repeat(1_100_000) } });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.resourceType).toBe('OperationOutcome');
    const unknownParameter = await fhir<OperationOutcome>('GET', '/Patient?phone_number=%2B16175550100');
    expect(unknownParameter.status).toBe(400);
    const wrongMediaType = await fhir<OperationOutcome>('POST', '/Task', { body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(wrongMediaType.status).toBe(415);
    const criteriaLessDelete = await fhir<OperationOutcome>('DELETE', '/Task');
    expect(criteriaLessDelete.status).toBe(400);
    // Still serving after all of the above.
    expect((await fhir<CapabilityStatement>('GET', '/metadata')).status).toBe(200);
  });

  it('counts requests and logs routes and statuses, never phone numbers, names or tokens', () => {
    expect(ehr.stats().requests).toBeGreaterThan(10);
    const log = logLines.join('');
    expect(log).toContain('"statusCode":200');
    expect(log).toContain('/fhir/R4/Patient search');
    const phone = scenarios.uniquePatient[0]!.phone;
    // Digits alone would collide with timestamps; look for the number in the forms a URL or body carries.
    const canaries = [phone, encodeURIComponent(phone), phone.slice(2), scenarios.sharedFamily[0]!.phone.slice(2), clinic.patients[0]!.name![0]!.family!, 'e2e-call-0001', 'Callback about refill', accessToken];
    for (const canary of canaries) expect(log).not.toContain(canary);
  });
});
