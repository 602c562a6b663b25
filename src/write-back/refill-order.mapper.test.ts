import type { MedicationRequest, Provenance } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { loadFhirR4Definitions } from '../sandbox-ehr/fhir-definitions.loader.ts';
import { generateSyntheticClinic } from '../sandbox-ehr/synthetic-clinic.ts';
import { buildRefillOrderBundle, refillOrderIdentifierSystem } from './refill-order.mapper.ts';

// Synthetic chart and staff only.
loadFhirR4Definitions();
const clinic = generateSyntheticClinic();
const active = clinic.medicationRequests.find((order) => order.status === 'active') as MedicationRequest & { id: string };
const patientId = active.subject!.reference!.replace('Patient/', '');
const input = { basedOn: active, patientId, reviewId: '5b1c9a8e-0000-4000-8000-000000000001', clinician: { id: 'staff-7', display: 'Dr Night (synthetic)' }, approvedAt: new Date('2026-12-08T03:40:00Z'), recordedAt: new Date('2026-12-08T03:40:01Z') };

describe('the refill order an on-call clinician approves', () => {
  it('is a new active order of the same drug and dosage, based on the active one, requested by the clinician, created only if its identifier is new', () => {
    const { bundle, ifNoneExist, identifierValue } = buildRefillOrderBundle(input);
    const order = bundle.entry![0]!.resource as MedicationRequest;
    expect(bundle.type).toBe('transaction');
    expect(identifierValue).toBe(`${input.reviewId}/${active.id}`);
    expect(bundle.entry![0]!.request).toEqual({ method: 'POST', url: 'MedicationRequest', ifNoneExist });
    expect(ifNoneExist).toBe(`identifier=${refillOrderIdentifierSystem}|${identifierValue}`);
    expect(order).toMatchObject({
      status: 'active', intent: 'order', medicationCodeableConcept: active.medicationCodeableConcept, dosageInstruction: active.dosageInstruction,
      subject: { reference: `Patient/${patientId}` }, basedOn: [{ reference: `MedicationRequest/${active.id}` }], authoredOn: '2026-12-08T03:40:00.000Z',
      requester: { display: 'Dr Night (synthetic)', identifier: { value: 'staff-7' } },
    });
    // The same approval twice builds the same business identifier (the outbox and the EHR dedupe on it).
    expect(buildRefillOrderBundle(input).identifierValue).toBe(identifierValue);
  });

  it('comes with a Provenance naming the clinician as author of the new order', () => {
    const { bundle } = buildRefillOrderBundle(input);
    const provenance = bundle.entry![1]!.resource as Provenance;
    expect(provenance.target).toEqual([{ reference: bundle.entry![0]!.fullUrl }]);
    expect(provenance.agent[0]!.who).toMatchObject({ identifier: { value: 'staff-7' }, display: 'Dr Night (synthetic)' });
    expect(provenance.agent[0]!.type?.coding?.[0]?.code).toBe('author');
  });
});
