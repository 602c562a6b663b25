import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Communication, DocumentReference, Task } from '@medplum/fhirtypes';
import { decideCallPolicy, policyLayers, type CallPolicyInput } from './call-policy.ts';
import { integrationPatterns, queuePolicySchema, sensitiveCategories, type PolicyLayer, type QueuePolicy } from './queue-policy.schema.ts';
import { requestTypeCodes } from '../nlp/analysis.types.ts';
import { buildCallTask } from '../ehr/fhir-task.mapper.ts';
import { buildChartRecordBundle } from '../write-back/chart-record.mapper.ts';
import { draftSource, type ReviewNote } from '../review/review-note.ts';
import { loadFhirR4Definitions } from '../sandbox-ehr/fhir-definitions.loader.ts';

beforeAll(() => {
  loadFhirR4Definitions();
});

/**
 * The consent and policy matrix (CO-1..3, invariant 1), checked over random combinations of
 * consents × queue policies × request types × identity levels × red flags × sensitive categories.
 * The oracle below is written from the requirements, independently of `decideCallPolicy`; the
 * checks run on what would actually be stored and sent: the draft source and the FHIR bundle.
 */
const canary = 'CANARY-CONTENT-5d1e';
const consentStatus = fc.constantFrom('granted', 'declined', 'not-captured');
const layer: fc.Arbitrary<PolicyLayer> = fc.record(
  {
    transcription: fc.boolean(),
    ai: fc.boolean(),
    pattern: fc.constantFrom(...integrationPatterns),
    retention: fc.constantFrom('long', 'short'),
    sensitive: fc.subarray([...sensitiveCategories]),
    review: fc.constantFrom('always', 'when-needed'),
  },
  { requiredKeys: [] },
);
const policy: fc.Arbitrary<QueuePolicy> = fc
  .record({
    defaults: fc.record({
      transcription: fc.boolean(), ai: fc.boolean(), pattern: fc.constantFrom(...integrationPatterns),
      retention: fc.constantFrom('long', 'short'), review: fc.constantFrom('always', 'when-needed'), sensitive: fc.subarray([...sensitiveCategories]),
    }),
    typeLayer: fc.option(layer, { nil: undefined }),
    queueLayer: fc.option(layer, { nil: undefined }),
    innerLayer: fc.option(layer, { nil: undefined }),
    typeForLayers: fc.constantFrom(...requestTypeCodes),
  })
  .map(({ defaults, typeLayer, queueLayer, innerLayer, typeForLayers }) => queuePolicySchema.parse({
    version: 'property',
    defaults,
    retention: { long: { contentDays: 90, audioDays: 30, metadataDays: 100 }, short: { contentDays: 7, audioDays: 0, metadataDays: 100 } },
    requestTypes: typeLayer ? { [typeForLayers]: typeLayer } : {},
    queues: queueLayer ? { q: { ...queueLayer, ...(innerLayer ? { requestTypes: { [typeForLayers]: innerLayer } } : {}) } } : {},
  }));

const input: fc.Arbitrary<CallPolicyInput> = fc.record({
  consents: fc.record({ record: fc.record({ status: consentStatus }), transcribe: fc.record({ status: consentStatus }), ai: fc.record({ status: consentStatus }), ehr: fc.record({ status: consentStatus }) }, { requiredKeys: [] }),
  policy,
  queue: fc.constantFrom('q', 'other', null),
  requestType: fc.constantFrom(...requestTypeCodes, 'unclassified' as const),
  identity: fc.constantFrom('none', 'ani-only', 'ani-dob-verified', 'staff-verified'),
  redFlags: fc.boolean(),
  detectedSensitive: fc.subarray([...sensitiveCategories]),
});

const note: ReviewNote = {
  reasonForCall: 'prescription_refill', details: `details ${canary}`, actionRequested: `refill ${canary}`, nextStep: 'call back',
  owner: 'nurse', followUpDue: '2026-11-24T12:00:00.000Z', urgency: 'routine', note: `note ${canary}`,
};

describe('consent × policy × request type × identity matrix', () => {
  it('nothing is stored or sent to the EHR that the matrix forbids (10,000 combinations)', () => {
    fc.assert(
      fc.property(input, fc.boolean(), (call, approvedByStaff) => {
        const decision = decideCallPolicy(call);
        const layers = policyLayers(call.policy, call.queue, call.requestType);
        const granted = (scope: 'record' | 'transcribe' | 'ai' | 'ehr') => call.consents[scope]?.status === 'granted';
        const verified = call.identity === 'ani-dob-verified' || call.identity === 'staff-verified';
        const pattern = [...layers].reverse().find((entry) => entry.pattern)?.pattern;

        // Storage: a transcript only with transcribe consent and no layer turning transcription off.
        if (decision.transcript.allowed) expect(granted('transcribe') && layers.every((entry) => entry.transcription !== false)).toBe(true);
        // AI output (the draft's source) only with a kept transcript, AI consent and no layer turning AI off.
        const draft = draftSource(decision.ai.allowed, { summary: canary });
        if (draft !== null) expect(decision.transcript.allowed && granted('ai') && layers.every((entry) => entry.ai !== false)).toBe(true);
        if (!granted('ai') || !granted('transcribe')) expect(draft).toBeNull();
        expect(decision.pattern).toBe(pattern);

        // The EHR: build exactly what the write-back would send.
        const task = buildCallTask({
          provider: 'synthetic-pbx', providerCallId: 'c-1', callStatus: 'ended', requestType: call.requestType, requestTypeLabel: 'x', startedAt: null, authoredAt: new Date(0),
          match: { outcome: 'unique', confidence: call.identity, candidates: [{ patientId: 'p-1', matchedOn: 'primary-phone' }] },
        });
        const built = buildChartRecordBundle({
          provider: 'synthetic-pbx', providerCallId: 'c-1', callId: '00000000-0000-4000-8000-00000000000a', startedAt: '2026-11-23T10:00:00Z', endedAt: '2026-11-23T10:05:00Z',
          task, patientId: 'p-1', relatedPersonId: null, note, noteVersion: 2, approvedBy: approvedByStaff ? 'nurse-1' : null, generatedByAi: draft !== null,
          decision, recordedAt: new Date(0),
          review: approvedByStaff
            ? { outcome: 'approved', version: 2, by: 'nurse-1', at: new Date(0), note, requestTypeLabel: 'x', edited: false }
            : { outcome: 'auto-approved', version: 2, at: new Date(0), note, requestTypeLabel: 'x', generatedByAi: draft !== null },
        });
        const entries = built.bundle.entry!.map((entry) => entry.resource!);
        const text = JSON.stringify(built.bundle);
        const communication = entries.find((resource): resource is Communication => resource.resourceType === 'Communication');
        const document = entries.find((resource): resource is DocumentReference => resource.resourceType === 'DocumentReference');
        const sentTask = entries.find((resource): resource is Task => resource.resourceType === 'Task')!;

        // Call content reaches the EHR only with EHR consent, and never on the event pattern.
        if (text.includes(canary) || text.includes(Buffer.from(`note ${canary}`).toString('base64'))) expect(granted('ehr') && pattern !== 'event').toBe(true);
        // No EHR consent: a metadata-only work item: the Task and its Provenance, nothing else.
        if (!granted('ehr')) expect(entries.map((resource) => resource.resourceType).sort()).toEqual(['Provenance', 'Task']);
        if (communication) expect(granted('ehr')).toBe(true);
        // A note only on the reviewed-note pattern, with EHR consent and a verified patient.
        if (document) expect(pattern === 'review' && granted('ehr') && verified).toBe(true);
        // A chart link only on a verified identity (ID-2).
        if (text.includes('"Patient/p-1"') && !text.includes('suggested-patient-unverified')) expect(verified).toBe(true);
        if (!verified) expect(sentTask.for).toBeUndefined();
        // The work item never carries call content.
        expect(JSON.stringify(sentTask)).not.toContain(canary);

        // A person reviews whenever the requirements say so.
        const mustReview = call.redFlags || decision.sensitive.length > 0 || pattern === 'review' || layers.some((entry) => entry.review === 'always')
          || (granted('ehr') && pattern !== 'event' && (!verified || !decision.ai.allowed));
        expect(decision.review.required).toBe(mustReview);
        // Sensitive categories found on the call are never lost.
        for (const category of call.detectedSensitive) expect(decision.sensitive).toContain(category);
        // Retention: the shortest content lifetime of any layer that names one.
        const named = layers.map((entry) => entry.retention).filter((name): name is string => Boolean(name));
        expect(decision.retention.contentDays).toBe(Math.min(...named.map((name) => call.policy.retention[name]!.contentDays)));
      }),
      { numRuns: 10_000, seed: 20_261_123 },
    );
  }, 180_000);
});
