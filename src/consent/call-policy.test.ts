import { describe, expect, it } from 'vitest';
import { decideCallPolicy, detectSensitiveCategories, type CallPolicyInput } from './call-policy.ts';
import { loadQueuePolicy } from './queue-policy.loader.ts';
import { parseQueuePolicyYaml } from './queue-policy.schema.ts';

const policy = loadQueuePolicy();
const allGranted = { record: { status: 'granted' }, transcribe: { status: 'granted' }, ai: { status: 'granted' }, ehr: { status: 'granted' } } as const;
const base: CallPolicyInput = {
  consents: allGranted, policy, queue: 'front-desk', requestType: 'prescription_refill',
  identity: 'ani-dob-verified', redFlags: false, detectedSensitive: [],
};

describe('decideCallPolicy', () => {
  it('lets a verified, fully consented refill call be transcribed, drafted by AI and reviewed into a chart note', () => {
    const decision = decideCallPolicy(base);
    expect(decision.pattern).toBe('review');
    expect(decision.transcript.allowed).toBe(true);
    expect(decision.ai.allowed).toBe(true);
    expect(decision.chart).toMatchObject({ summary: true, note: true, communication: true, linkPatient: true });
    expect(decision.review.reasons).toEqual(['pattern-review']);
  });

  it("a call whose words do not fit the chart is never auto-approved, in any pattern (issue 12, defect 5)", () => {
    for (const queue of ['demo-summary-only', 'demo-event']) {
      expect(decideCallPolicy({ ...base, queue, requestType: 'appointment' }).review.required, queue).toBe(false);
      const decision = decideCallPolicy({ ...base, queue, requestType: 'appointment', patientMismatch: ['age', 'sex'] });
      expect(decision.review.required, queue).toBe(true);
      expect(decision.review.reasons).toEqual(['patient-mismatch:age', 'patient-mismatch:sex']);
    }
  });

  it('declined transcription: no transcript, no AI, and a person writes the note', () => {
    const decision = decideCallPolicy({ ...base, consents: { ...allGranted, transcribe: { status: 'declined' } } });
    expect(decision.transcript).toEqual({ allowed: false, reason: 'consent-declined:transcribe' });
    expect(decision.ai).toEqual({ allowed: false, reason: 'no-transcript' });
    expect(decision.review.reasons).toContain('human-note');
    expect(decision.chart.note).toBe(true);
  });

  it('a consent never captured counts as not given', () => {
    const { ai: _ai, ...withoutAi } = allGranted;
    const decision = decideCallPolicy({ ...base, consents: withoutAi });
    expect(decision.ai).toEqual({ allowed: false, reason: 'consent-not-captured:ai' });
  });

  it('declined EHR consent: a metadata-only work item, no summary, no note, no Communication', () => {
    const decision = decideCallPolicy({ ...base, consents: { ...allGranted, ehr: { status: 'declined' } } });
    expect(decision.chart).toMatchObject({ content: { allowed: false, reason: 'consent-declined:ehr' }, summary: false, note: false, communication: false });
    expect(decision.review.reasons).not.toContain('identity-unverified');
  });

  it('the behavioral health queue turns transcription and AI off, keeps content 30 days and prompts the staff member', () => {
    const decision = decideCallPolicy({ ...base, queue: 'behavioral-health' });
    expect(decision.transcript.reason).toBe('policy-off:transcription');
    expect(decision.ai.allowed).toBe(false);
    expect(decision.retentionClass).toBe('sensitive');
    expect(decision.retention.audioDays).toBe(0);
    expect(decision.review.reasons).toEqual(expect.arrayContaining(['sensitive:behavioral-health', 'human-note']));
    expect(decision.prompts[0]).toMatch(/Behavioral health/);
  });

  it('billing calls are summary-only and go to the chart without waiting for review', () => {
    const decision = decideCallPolicy({ ...base, requestType: 'billing_insurance' });
    expect(decision.pattern).toBe('summary-only');
    expect(decision.chart.note).toBe(false);
    expect(decision.chart.summary).toBe(true);
    expect(decision.review.required).toBe(false);
  });

  it('a red flag always sends the call to a person, whatever the pattern', () => {
    const decision = decideCallPolicy({ ...base, requestType: 'billing_insurance', redFlags: true });
    expect(decision.review).toEqual({ required: true, reasons: ['red-flag'] });
  });

  it('caller ID alone never puts content into a chart without a person confirming the patient', () => {
    const decision = decideCallPolicy({ ...base, requestType: 'billing_insurance', identity: 'ani-only' });
    expect(decision.chart.linkPatient).toBe(false);
    expect(decision.review.reasons).toEqual(['identity-unverified']);
  });

  it('callback requests are event-triggered: a Task without a note, no review needed', () => {
    const decision = decideCallPolicy({ ...base, requestType: 'callback_request', identity: 'ani-only' });
    expect(decision.pattern).toBe('event');
    expect(decision.chart).toMatchObject({ summary: false, note: false });
    expect(decision.review.required).toBe(false);
  });

  it('the most specific layer picks the pattern; a demo queue overrides the request type', () => {
    expect(decideCallPolicy({ ...base, queue: 'demo-event', requestType: 'prescription_refill' }).pattern).toBe('event');
    expect(decideCallPolicy({ ...base, queue: 'demo-review', requestType: 'billing_insurance' }).pattern).toBe('review');
  });

  it('a queue can only make privacy stricter: ai on in a queue cannot undo ai off for a request type', () => {
    const parsed = parseQueuePolicyYaml(`
version: t
defaults: { transcription: true, ai: true, pattern: review, retention: long, review: when-needed }
retention:
  long: { contentDays: 90, audioDays: 30, metadataDays: 100 }
  short: { contentDays: 7, audioDays: 0, metadataDays: 100 }
requestTypes:
  symptom_report: { ai: false, retention: short }
queues:
  q: { ai: true, retention: long }
`);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const decision = decideCallPolicy({ ...base, policy: parsed.value, queue: 'q', requestType: 'symptom_report' });
    expect(decision.ai.reason).toBe('policy-off:ai');
    expect(decision.retentionClass).toBe('short');
  });

  it('detected sensitive categories force review with their prompts', () => {
    const decision = decideCallPolicy({ ...base, requestType: 'billing_insurance', detectedSensitive: ['proxy-caller', 'minor'] });
    expect(decision.sensitive).toEqual(['minor', 'proxy-caller']);
    expect(decision.review.reasons).toEqual(['sensitive:minor', 'sensitive:proxy-caller']);
    expect(decision.prompts).toHaveLength(2);
  });
});

describe('detectSensitiveCategories', () => {
  const at = new Date('2026-11-23T15:00:00Z');
  it('finds a proxy caller and a minor by age on the day of the call', () => {
    expect(detectSensitiveCategories({ proxyCaller: true, patientBirthDate: '2010-11-24', at })).toEqual(['proxy-caller', 'minor']);
    expect(detectSensitiveCategories({ proxyCaller: false, patientBirthDate: '2008-11-23', at })).toEqual([]);
    expect(detectSensitiveCategories({ proxyCaller: false, patientBirthDate: null, at })).toEqual([]);
  });
});

describe('queue policy file', () => {
  it('reports an unknown retention class with its path and line', () => {
    const result = parseQueuePolicyYaml(`version: t
defaults: { transcription: true, ai: true, pattern: review, retention: standard, review: when-needed }
retention:
  standard: { contentDays: 90, audioDays: 30, metadataDays: 100 }
queues:
  q:
    retention: forever
`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual([{ path: 'queues.q.retention', line: 7, message: expect.stringMatching(/unknown retention class "forever"/) }]);
  });

  it('rejects an unknown pattern and a misspelt key', () => {
    const result = parseQueuePolicyYaml(`version: t
defaults: { transcription: true, ai: true, pattern: fax, retention: standard, review: when-needed }
retention:
  standard: { contentDays: 90, audioDays: 30, metadataDays: 100 }
queus: {}
`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((problem) => problem.path)).toEqual(expect.arrayContaining(['defaults.pattern']));
  });
});
