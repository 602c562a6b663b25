import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Appointment, Bundle, Encounter } from '@medplum/fhirtypes';
import { startSandboxEhr, type SandboxEhr } from './sandbox-ehr.server.ts';
import { generateSyntheticClinic } from './synthetic-clinic.ts';

/**
 * The demo's sandbox dates its discharges and no-shows from now (`--outreach-as-of`), so the
 * outreach lists it searches on a real clock find them; everything else stays the seeded clinic.
 */
describe('sandbox EHR: outreach events dated from a given moment', () => {
  const asOf = '2026-12-07T12:00:00.000Z';
  let ehr: SandboxEhr;
  beforeAll(async () => {
    ehr = await startSandboxEhr({ port: 0, patientCount: 60, auth: false, outreachAsOf: asOf });
  });
  afterAll(async () => ehr.close());

  const search = async <T extends Encounter | Appointment>(query: string) => ((await (await fetch(`${ehr.baseUrl}/${query}`)).json()) as Bundle<T>).entry?.map((entry) => entry.resource!) ?? [];

  it('finds the discharges in the two days before that moment, and the no-shows in the week before', async () => {
    const clinic = generateSyntheticClinic({ patientCount: 60 });
    const discharges = await search<Encounter>(`Encounter?status=finished&date=ge2026-12-05&_count=100`);
    const ours = discharges.filter((encounter) => clinic.discharges.some((discharge) => discharge.id === encounter.id));
    expect(ours.map((encounter) => encounter.id).sort()).toEqual(clinic.discharges.map((encounter) => encounter.id).sort());
    expect(ours.every((encounter) => encounter.period!.end! < asOf && encounter.period!.end! > '2026-12-05T12:00')).toBe(true);
    const noShows = await search<Appointment>(`Appointment?status=noshow&date=ge2026-11-30&_count=100`);
    expect(noShows.map((appointment) => appointment.id).sort()).toEqual(clinic.noShows.map((appointment) => appointment.id).sort());
    expect(noShows.every((appointment) => appointment.start! < asOf)).toBe(true);
  });

  it('keeps the rest of the clinic as seeded: a routine visit keeps its date', async () => {
    const clinic = generateSyntheticClinic({ patientCount: 60 });
    const visit = clinic.encounters[0]!;
    const [served] = await search<Encounter>(`Encounter?_id=${visit.id}`);
    expect(served!.period).toEqual(visit.period);
  });
});
