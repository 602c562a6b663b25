import type { Bundle, MedicationRequest, Provenance } from '@medplum/fhirtypes';
import { callchartTagSystem } from '../ehr/fhir-task.mapper.ts';
import { assertValidR4, identifierSearch, staffIdentifierSystem } from './chart-record.mapper.ts';

/**
 * A refill the on-call clinician approved (issue 16, AH-1), as the chart gets it: a new
 * MedicationRequest (active, order) based on the patient's active one for the same drug, requested
 * by the clinician, and a Provenance naming the clinician as author, in one transaction. The
 * MedicationRequest carries a business identifier made of ids (the review item and the order it
 * renews), created with If-None-Exist, so a repeated tap or a retried send lands once.
 * Pure: the order in the chart as read, the approval in, a transaction Bundle out.
 */
export const refillOrderIdentifierSystem = 'https://callchart.dev/fhir/sid/refill-order';

/** The business identifier value: ids only, the same for every tap on the same item and medication. */
export function refillOrderIdentifierValue(reviewId: string, basedOnMedicationRequestId: string): string {
  return `${reviewId}/${basedOnMedicationRequestId}`;
}

export interface RefillOrderInput {
  /** The patient's active MedicationRequest being renewed, as the EHR holds it. */
  basedOn: MedicationRequest & { id: string };
  patientId: string;
  reviewId: string;
  clinician: { id: string; display: string };
  approvedAt: Date;
  recordedAt: Date;
}

export function buildRefillOrderBundle(input: RefillOrderInput): { bundle: Bundle; ifNoneExist: string; identifierValue: string } {
  const identifierValue = refillOrderIdentifierValue(input.reviewId, input.basedOn.id);
  const ifNoneExist = `identifier=${identifierSearch(refillOrderIdentifierSystem, identifierValue)}`;
  const fullUrl = `urn:uuid:${crypto.randomUUID()}`;
  const clinician = { identifier: { system: staffIdentifierSystem, value: input.clinician.id }, display: input.clinician.display };
  const order: MedicationRequest = {
    resourceType: 'MedicationRequest',
    meta: { tag: [{ system: callchartTagSystem, code: 'on-call-refill', display: 'Refill approved by the on-call clinician in Callchart' }] },
    identifier: [{ system: refillOrderIdentifierSystem, value: identifierValue }],
    status: 'active',
    intent: 'order',
    ...(input.basedOn.medicationCodeableConcept ? { medicationCodeableConcept: input.basedOn.medicationCodeableConcept } : {}),
    ...(input.basedOn.medicationReference ? { medicationReference: input.basedOn.medicationReference } : {}),
    subject: { reference: `Patient/${input.patientId}` },
    authoredOn: input.approvedAt.toISOString(),
    requester: clinician,
    basedOn: [{ reference: `MedicationRequest/${input.basedOn.id}` }],
    ...(input.basedOn.dosageInstruction ? { dosageInstruction: input.basedOn.dosageInstruction } : {}),
    note: [{ text: 'Refill approved by the on-call clinician after hours' }],
  };
  const provenance: Provenance = {
    resourceType: 'Provenance',
    target: [{ reference: fullUrl }],
    recorded: input.recordedAt.toISOString(),
    activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: 'CREATE' }] },
    agent: [{
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author' }], text: 'Approved by the on-call clinician' },
      who: clinician,
    }],
    entity: [{ role: 'source', what: { reference: `MedicationRequest/${input.basedOn.id}` } }],
    reason: [{ text: 'After-hours refill request, approved in one tap on the on-call view' }],
  };
  assertValidR4(order);
  assertValidR4(provenance);
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl, resource: order, request: { method: 'POST', url: 'MedicationRequest', ifNoneExist } },
      { resource: provenance, request: { method: 'POST', url: 'Provenance' } },
    ],
  };
  return { bundle, ifNoneExist, identifierValue };
}
