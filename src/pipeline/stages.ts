import { z } from 'zod';
import type { RetryClass } from '../lib/errors.ts';
import type { PolicyStage } from '../consent/call-policy.ts';

/**
 * The after-call pipeline, declared in one place (STYLE.md: "the pipeline is a table"). The
 * runner reads this table to queue each stage's successor (handlers never queue follow-on work
 * themselves), to pick the retry policy, and to check that a stage handling call content asked
 * the policy function (`policyStage`). Transcripts are gated earlier still, at ingest
 * (`store-transcript`): a refused one is never written.
 */
export const pipelineStages = [
  {
    name: 'identify-caller',
    input: 'call id; the call ledger holds the caller number',
    output: 'caller match on the call (unique / several / none / blocked)',
    policyStage: null,
    retry: 'transient',
  },
  {
    name: 'understand-call',
    input: "call id; newest transcript (decrypted in memory only), the IVR reason, the identified patient's details for redaction",
    output: "request types, red flags, urgency on the call; the redacted transcript and summary, encrypted; whether the caller's words fit the chart (patient-mismatch codes on the call's match)",
    // The policy function decides: no transcript kept without transcribe consent and a queue that
    // allows it; no AI output without AI consent and a queue that allows AI.
    policyStage: 'understand-call',
    // Deterministic rules: a failure would fail again.
    retry: 'permanent',
  },
  {
    name: 'open-callback',
    input: 'call id; how the call ended (missed, abandoned, voicemail), its request types and red flags, its routing decision, the callback policy',
    output: 'a callback task (FU-1) for a missed or abandoned call, a voicemail or a callback request, or the call merged into the open task about the same request',
    // Ids and codes only (who, which request, which queue): no call content, so no consent gate.
    // Before write-task on purpose: a callback never waits on the EHR.
    policyStage: null,
    // Store-only and idempotent (a call already on a task is left there).
    retry: 'transient',
  },
  {
    name: 'write-task',
    input: 'call id, caller match, request types, red flags, the request type workflows',
    output: 'one FHIR Task per call (conditional create on the call business identifier), linked in place when identity is verified later',
    // Metadata only (who called, when, the request type): no call content, so no consent gate.
    policyStage: null,
    // A timed-out create may have happened; the conditional create is the check before retry.
    retry: 'ambiguous',
  },
  {
    name: 'plan-write-back',
    input: 'call id; consents, queue policy, identity, red flags; the stored analysis',
    output: 'a review item (pending, or auto-approved when policy needs no person) and, when approved, the chart record in the write-back outbox',
    // EHR consent decides what content the chart record may carry (none: a metadata-only work item).
    policyStage: 'plan-write-back',
    retry: 'transient',
  },
] as const satisfies readonly {
  name: string;
  input: string;
  output: string;
  /**
   * The policy stage whose decision this stage must record before it counts as done: the runner
   * checks the call's recorded decision after the handler and fails the job (POLICY_NOT_ASKED)
   * when the handler did not ask. null: the stage handles no call content.
   */
  policyStage: PolicyStage | null;
  retry: RetryClass;
}[];

export type StageName = (typeof pipelineStages)[number]['name'];

export const firstStage: StageName = pipelineStages[0].name;

export function nextStage(name: StageName): StageName | null {
  const index = pipelineStages.findIndex((stage) => stage.name === name);
  return pipelineStages[index + 1]?.name ?? null;
}

export function stageByName(name: StageName) {
  return pipelineStages.find((stage) => stage.name === name)!;
}

/** Retries per retry class: permanent failures go straight to the failed state. */
export const retryPolicy: Record<RetryClass, { retryLimit: number; retryDelay: number; retryBackoff: boolean }> = {
  transient: { retryLimit: 8, retryDelay: 2, retryBackoff: true },
  ambiguous: { retryLimit: 8, retryDelay: 5, retryBackoff: true },
  permanent: { retryLimit: 0, retryDelay: 0, retryBackoff: false },
};

/** Job payloads carry ids only, never PHI. */
export const stageJobSchema = z.object({
  callId: z.uuid(),
  traceId: z.string().max(64).optional(),
  /** W3C trace context of the work that queued the job (ids only): one call, one trace (AN-1). */
  traceparent: z.string().max(64).optional(),
});
export type StageJob = z.infer<typeof stageJobSchema>;
