import { consentScopes, type ConsentScope } from '../ivr/ivr-settings.schema.ts';
import { policyLayers } from './call-policy.ts';
import type { QueuePolicy } from './queue-policy.schema.ts';

/**
 * The consents a call bound for `queue` can use (PX-1): a consent the policy would never act on
 * is not worth the caller's time. A queue that never records does not need the recording consent;
 * one without transcripts needs neither transcription nor AI consent (AI works from the transcript);
 * call content may reach the chart from any queue, so the EHR consent is always needed.
 *
 * The request type is not known yet while the caller is in the IVR, so only the defaults and the
 * queue's own layer count: a request-type layer can only turn more off later, never on, so asking
 * by these layers asks for everything the call might use. A consent not asked is `not-captured`,
 * which every stage treats as not given (call-policy.ts) — were the call moved to a queue that
 * records, it would still not be recorded.
 */
export function consentsNeeded(policy: QueuePolicy, queue: string | null): ConsentScope[] {
  const layers = policyLayers(policy, queue, 'unclassified');
  const off = (field: 'recording' | 'transcription' | 'ai') => layers.some((layer) => layer[field] === false);
  const needed: Record<ConsentScope, boolean> = {
    record: !off('recording'),
    transcribe: !off('transcription'),
    ai: !off('transcription') && !off('ai'),
    ehr: true,
  };
  return consentScopes.filter((scope) => needed[scope]);
}
