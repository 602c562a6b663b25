import type { Patient, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { CallchartError } from '../lib/errors.ts';
import { CallerIdentityService } from './caller-identity.service.ts';
import type { FhirClient } from './fhir.client.ts';

// Synthetic patient; the fake EHR counts the requests it is sent.
const patient: Patient = { resourceType: 'Patient', id: 'pat-syn-1', name: [{ given: ['Avery'], family: 'Synthetic' }], telecom: [{ system: 'phone', value: '+16175550142' }] };

function fakeEhr(options: { failing?: () => boolean } = {}) {
  const requests: string[] = [];
  const answer = async (what: string) => {
    requests.push(what);
    await new Promise((resolve) => setImmediate(resolve));
    if (options.failing?.()) throw new CallchartError('EHR_UNAVAILABLE', 'synthetic outage');
  };
  const client = {
    search: async (type: string) => (await answer(type), [] as Resource[]),
    searchWithIncludes: async (type: string) => (await answer(type), { matches: [], included: [] }),
    read: async (type: string) => (await answer(type), patient),
  } as unknown as FhirClient;
  return { client, requests };
}

describe('the chart slice behind a screen pop', () => {
  it('asks the EHR once for one chart, however many ask for it at once or soon after', async () => {
    const ehr = fakeEhr();
    const identity = new CallerIdentityService(ehr.client, { cacheSeconds: 60 });
    const slices = await Promise.all([identity.chartSlice(patient), identity.chartSlice(patient), identity.chartSlice('pat-syn-1')]);
    await identity.chartSlice(patient);
    expect(slices.every((slice) => slice.patient.id === 'pat-syn-1')).toBe(true);
    // One slice: seven searches in parallel (the patient came from the lookup).
    expect(ehr.requests).toHaveLength(7);
  });

  it('does not keep a failure, and fetches a changed patient again', async () => {
    let down = true;
    const ehr = fakeEhr({ failing: () => down });
    const identity = new CallerIdentityService(ehr.client, { cacheSeconds: 60 });
    await expect(identity.chartSlice(patient)).rejects.toMatchObject({ code: 'EHR_UNAVAILABLE' });
    down = false;
    await identity.chartSlice(patient);
    const afterRecovery = ehr.requests.length;
    await identity.chartSlice(patient);
    expect(ehr.requests).toHaveLength(afterRecovery);
    expect(identity.invalidatePatient('pat-syn-1')).toBeGreaterThan(0);
    await identity.chartSlice(patient);
    expect(ehr.requests.length).toBeGreaterThan(afterRecovery);
  });
});
