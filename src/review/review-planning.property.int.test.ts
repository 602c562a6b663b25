import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, openTestDb } from '../../test/helpers/backends.ts';
import type { Db } from '../store/db.ts';
import { createFixedKeyring } from '../keys/keyring.service.ts';
import { saveCallAnalysis, saveConsent } from '../calls/calls.repository.ts';
import { QueuePolicyStore } from '../consent/queue-policy.service.ts';
import { loadQueuePolicy } from '../consent/queue-policy.loader.ts';
import { requestTypeCodes } from '../nlp/analysis.types.ts';
import { resolveRequestWorkflows } from '../nlp/workflows.ts';
import { ReviewService } from './review.service.ts';
import { loadVersions } from './review.repository.ts';

/**
 * The consent matrix again, through storage: random consents × queues × request types × identity ×
 * red flags, each as a call row with a stored AI analysis, planned by the real review service on a
 * real database. What lands in the store must respect the matrix (1,000 runs per store beside the pure 10,000:
 * each one is a few transactions).
 */
const canary = 'CANARY-AI-SUMMARY-3b7f';
const status = fc.constantFrom('granted', 'declined', 'not-captured');
const scenario = fc.record({
  consents: fc.record({ record: status, transcribe: status, ai: status, ehr: status }),
  queue: fc.constantFrom('front-desk', 'behavioral-health', 'nurse-triage', 'demo-summary-only', 'demo-review', 'demo-event', 'elsewhere'),
  requestType: fc.constantFrom(...requestTypeCodes),
  identity: fc.constantFrom('ani-only', 'ani-dob-verified', 'staff-verified'),
  redFlag: fc.boolean(),
});

describe.each(backendKinds)('review planning respects the consent matrix in storage (%s)', (kind) => {
  let db: Db;
  let dispose: () => Promise<void>;
  const cipher = createFixedKeyring(Buffer.alloc(32, 7));
  let review: ReviewService;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(kind));
    const policies = new QueuePolicyStore(db, loadQueuePolicy());
    await policies.loadActive({ policy: policies.current.policy, changedBy: 'test', reason: 'property test' });
    review = new ReviewService({ db, cipher, policies, workflows: resolveRequestWorkflows({}), targets: ['fhir'] });
  });
  afterAll(async () => dispose());

  it('stores an AI draft only when AI may run, and auto-approves only what no person must see', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ consents, queue, requestType, identity, redFlag }) => {
        const callId = randomUUID();
        const match = { outcome: 'unique', confidence: identity, candidates: [{ patientId: 'pat-0001', matchedOn: 'primary-phone' }] };
        await db.transaction(async (tx) => {
          await tx.query(
            `insert into call (id, provider, provider_call_id, status, queue, caller_outcome, caller_confidence, caller_match_json)
             values ($1, 'synthetic-pbx', $2, 'ended', $3, 'unique', $4, $5)`,
            [callId, `prop-${callId}`, queue, identity, JSON.stringify(match)],
          );
          for (const [scope, value] of Object.entries(consents)) {
            if (value !== 'not-captured') await saveConsent(tx, callId, { scope: scope as 'ai', status: value, source: 'ivr', capturedAt: new Date().toISOString(), providerEventId: `${callId}-${scope}` });
          }
          const summary = { reasonForCall: requestType, details: canary, actionRequested: canary, nextStep: 'x', owner: 'nurse', followUpDue: '', urgency: redFlag ? 'emergency' : 'routine', evidence: {}, generatedBy: 'callchart-rules', reviewed: false };
          await saveCallAnalysis(tx, callId, {
            requestType, requestTypes: [requestType], redFlags: redFlag ? ['chest_pain'] : [], urgency: redFlag ? 'emergency' : 'routine', method: 'transcript',
            transcriptEventId: null, sealed: cipher.encrypt(JSON.stringify({ summary })), keyId: cipher.keyId,
          });
        });
        const { item } = await review.planForCall(callId);
        expect(item).not.toBeNull();
        const versions = await loadVersions(db, cipher, item!.id);
        const aiMayRun = consents.transcribe === 'granted' && consents.ai === 'granted' && queue !== 'behavioral-health';
        const stored = JSON.stringify(versions.map((version) => version.body));
        if (!aiMayRun) {
          expect(versions[0]!.generatedByAi).toBe(false);
          expect(stored).not.toContain(canary);
        } else {
          expect(versions[0]!.generatedByAi).toBe(true);
        }
        const { rows } = await db.query<{ n: string }>('select count(*)::text as n from write_back_item where call_id = $1', [callId]);
        const verified = identity !== 'ani-only';
        if (item!.status === 'auto-approved') {
          expect(redFlag).toBe(false);
          expect(queue).not.toBe('behavioral-health');
          expect(queue).not.toBe('nurse-triage');
          expect(queue).not.toBe('demo-review');
          if (consents.ehr === 'granted' && item!.pattern !== 'event') expect(verified && aiMayRun).toBe(true);
          expect(rows[0]!.n).toBe('1');
        } else {
          expect(item!.status).toBe('pending');
          expect(rows[0]!.n).toBe('0');
        }
        if (redFlag) expect(item!.status).toBe('pending');
      }),
      { numRuns: 1_000, seed: 20_261_123 },
    );
  }, 240_000);
});
