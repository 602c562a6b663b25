import type { Appointment, Bundle, Schedule, Slot } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirClient } from '../ehr/fhir.client.ts';
import { generateEhrClient } from '../ehr/smart-auth.ts';
import { SmartBackendTokenProvider } from '../ehr/smart-auth.client.ts';
import { bookingIdentifierQuery, bookingTransaction } from '../booking/booking-appointment.mapper.ts';
import { startSandboxEhr, type SandboxEhr } from './sandbox-ehr.server.ts';
import { SANDBOX_SERVICE_TYPE } from './synthetic-clinic.ts';

/**
 * The sandbox EHR serves scheduling (issue 16, SC-1) as a FHIR server does: Schedules and Slots,
 * Slot search by schedule, status, start range and service type, Appointment conditional create,
 * and a Slot update that refuses a stale version. Synthetic data only.
 */
describe('sandbox EHR: scheduling', () => {
  let ehr: SandboxEhr;
  let fhir: FhirClient;
  const from = '2026-12-07'; // a Monday

  beforeAll(async () => {
    const client = await generateEhrClient({ clientId: 'scheduling' });
    ehr = await startSandboxEhr({ port: 0, patientCount: 20, scheduleFrom: from, clients: [{ clientId: 'scheduling', jwks: client.jwks }] });
    const tokens = new SmartBackendTokenProvider({ ...client.credentials, tokenUrl: ehr.tokenUrl, scopes: ['system/Schedule.rs', 'system/Slot.rus', 'system/Appointment.crs', 'system/Patient.rs'] });
    fhir = new FhirClient({ baseUrl: ehr.baseUrl, timeoutMs: 10_000, tokenProvider: tokens });
  });
  afterAll(async () => ehr?.close());

  it('searches free slots of one schedule in a time range and of a service type; weekends and busy times are not offered', async () => {
    const [schedule] = await fhir.search<Schedule>('Schedule', { actor: 'Practitioner/prac-01' });
    expect(schedule?.actor[0]?.reference).toBe('Practitioner/prac-01');
    const slots = await fhir.search<Slot>('Slot', {
      schedule: `Schedule/${schedule!.id}`, status: 'free', start: ['ge2026-12-07T00:00:00Z', 'lt2026-12-14T00:00:00Z'],
      'service-type': `${SANDBOX_SERVICE_TYPE.system}|${SANDBOX_SERVICE_TYPE.code}`, _count: '500',
    });
    expect(slots.length).toBeGreaterThan(20);
    for (const slot of slots) {
      expect(slot.status).toBe('free');
      expect(slot.schedule.reference).toBe(`Schedule/${schedule!.id}`);
      expect(slot.start! >= '2026-12-07' && slot.start! < '2026-12-14').toBe(true);
      expect([0, 6]).not.toContain(new Date(slot.start!).getUTCDay());
    }
    const busy = await fhir.search<Slot>('Slot', { schedule: `Schedule/${schedule!.id}`, status: 'busy', start: ['ge2026-12-07T00:00:00Z', 'lt2026-12-14T00:00:00Z'], _count: '500' });
    expect(busy.length).toBeGreaterThan(0);
    expect(await fhir.search<Slot>('Slot', { status: 'free', 'service-type': 'http://terminology.hl7.org/CodeSystem/service-type|57', _count: '5' })).toEqual([]);
  });

  it('books a slot once: the transaction marks it busy and creates the Appointment; a replay finds it, and a stale slot version is refused whole', async () => {
    const [slot] = await fhir.search<Slot>('Slot', { schedule: 'Schedule/sched-prac-02', status: 'free', _count: '1' });
    const input = { linkId: '0b8d4c1e-1d55-4a57-9d8b-4f1f3c0a0001', patientId: 'pat-0001', slot: slot as Slot & { id: string }, practitionerReference: 'Practitioner/prac-02', now: new Date('2026-12-07T12:00:00Z') };
    const response = await fhir.transaction(bookingTransaction(input));
    expect(response.entry?.[1]?.response?.status).toMatch(/^201/);
    expect((await fhir.read<Slot>('Slot', slot!.id!)).status).toBe('busy');

    // The same booking again, with the slot's old version: refused as a whole (412), nothing new.
    await expect(fhir.transaction(bookingTransaction(input))).rejects.toMatchObject({ code: 'EHR_CONFLICT' });
    // Another link, same slot at its old version: refused too.
    await expect(fhir.transaction(bookingTransaction({ ...input, linkId: '0b8d4c1e-1d55-4a57-9d8b-4f1f3c0a0002' }))).rejects.toMatchObject({ code: 'EHR_CONFLICT' });
    const found = await fhir.search<Appointment>('Appointment', { identifier: decodeURIComponent(bookingIdentifierQuery(input.linkId).slice('identifier='.length)) });
    expect(found).toHaveLength(1);
    expect(await fhir.search<Appointment>('Appointment', { identifier: decodeURIComponent(bookingIdentifierQuery('0b8d4c1e-1d55-4a57-9d8b-4f1f3c0a0002').slice('identifier='.length)) })).toHaveLength(0);

    // Appointment conditional create alone: the second finds the first.
    const appointment: Appointment = { ...found[0]!, id: undefined, meta: undefined } as Appointment;
    const replay = await fhir.conditionalCreate(appointment, bookingIdentifierQuery(input.linkId));
    expect(replay).toMatchObject({ created: false, resource: { id: found[0]!.id } });
  });

  it('refuses an unknown Slot search parameter, as a real server does', async () => {
    const response = await fetch(`${ehr.baseUrl}/Slot?when=today`, { headers: { authorization: `Bearer ${ehr.issueTestToken('system/Slot.rs')}` } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Bundle).resourceType).toBe('OperationOutcome');
  });
});
