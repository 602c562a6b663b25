import { describe, expect, it } from 'vitest';
import { decideCallPolicy } from './call-policy.ts';
import { consentsNeeded } from './consent-needs.ts';
import { loadQueuePolicy } from './queue-policy.loader.ts';
import { queuePolicySchema } from './queue-policy.schema.ts';

const policy = loadQueuePolicy();

describe('consentsNeeded (PX-1)', () => {
  it('a queue that transcribes and drafts with AI needs every consent', () => {
    expect(consentsNeeded(policy, 'front-desk')).toEqual(['record', 'transcribe', 'ai', 'ehr']);
    expect(consentsNeeded(policy, null)).toEqual(['record', 'transcribe', 'ai', 'ehr']);
  });

  it('a queue without transcripts asks neither transcription nor AI consent, but still the chart consent', () => {
    // behavioral-health in the example policy: transcription and AI off.
    expect(consentsNeeded(policy, 'behavioral-health')).toEqual(['record', 'ehr']);
  });

  it('a queue that never records does not need the recording consent', () => {
    const noRecording = queuePolicySchema.parse({ ...policy, queues: { ...policy.queues, 'front-desk': { recording: false } } });
    expect(consentsNeeded(noRecording, 'front-desk')).toEqual(['transcribe', 'ai', 'ehr']);
    expect(consentsNeeded(noRecording, 'nurse-triage')).toContain('record');
  });

  it('a queue that never records records nothing even with the consent given', () => {
    const noRecording = queuePolicySchema.parse({ ...policy, queues: { ...policy.queues, 'front-desk': { recording: false } } });
    const granted = { status: 'granted' } as const;
    const input = {
      consents: { record: granted, transcribe: granted, ai: granted, ehr: granted }, requestType: 'prescription_refill', identity: 'ani-only', redFlags: false, detectedSensitive: [],
    } as const;
    expect(decideCallPolicy({ ...input, policy: noRecording, queue: 'front-desk' }).recording).toEqual({ allowed: false, reason: 'policy-off:recording' });
    expect(decideCallPolicy({ ...input, policy: noRecording, queue: 'nurse-triage' }).recording.allowed).toBe(true);
  });
});
