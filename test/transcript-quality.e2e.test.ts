import type { DocumentReference } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callNoteIdentifierSystem } from '../src/write-back/chart-record.mapper.ts';
import { startSandboxEhr, type SandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { startTwilioCloud, type TwilioCloud } from '../src/simulator/twilio-cloud.server.ts';
import type { TranscriptSegment } from '../src/speech/speech-engine.ts';
import { eventually, startHarness, type Harness } from './helpers/engine-harness.ts';
import { allYes, reviewCalls } from './helpers/review-calls.ts';
import { clinicNumber, lisinoprilCallers, onCallPhone, rulesFileWithHours } from './helpers/on-call.ts';

/**
 * Honesty about transcript quality from ingest to the chart (issue 17, item 4), end to end: real
 * sockets, the sandbox EHR over HTTP, the Twilio stand-in for the on-call SMS. Synthetic calls only.
 */
const queue = 'demo-review';

/** One utterance whose words carry the given confidences (synthetic). */
function segment(words: Array<[string, number]>, quality: TranscriptSegment['quality']): TranscriptSegment {
  let at = 0;
  return {
    start: 0, end: words.length * 0.4, text: words.map(([word]) => word).join(' '), quality, qualityReasons: quality === 'ok' ? [] : ['low-confidence'], final: true,
    words: words.map(([word, confidence]) => ({ word, start: at, end: (at += 0.4), confidence })),
  };
}

describe('transcript quality, from the call to the chart', () => {
  let ehr: SandboxEhr;
  let cloud: TwilioCloud;
  let harness: Harness;
  const calls = reviewCalls(() => harness, () => ehr);
  const asClinician = async (method: string, path: string, body?: unknown) => {
    const token = await harness.token('clinician', ['some-other-queue'], [], 'dr.oncall');
    const response = await fetch(`${harness.engine.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    ehr = await startSandboxEhr({ port: 0 });
    cloud = await startTwilioCloud();
    // After hours (the calendar is always closed): refill calls reach the on-call clinician, whose one tap must be refused on an unusable transcript.
    harness = await startHarness('pglite', {
      ehr,
      config: {
        routing: { rulesFile: rulesFileWithHours('always-closed'), budgetMs: 2_000 },
        twilio: { accountSid: cloud.accountSid, apiBaseUrl: cloud.url, clinicNumber },
        onCall: { roster: [{ user: 'dr.oncall', notify: { sms: onCallPhone }, covers: 'after-hours' }], requestTypes: ['prescription_refill', 'symptom_report', 'urgent_emergency'], nurseTriageQueue: 'nurse-triage' },
      },
      engine: { twilioAuthToken: cloud.authToken },
    });
  });
  afterAll(async () => {
    await harness?.close();
    await cloud?.close();
    await ehr?.close();
  });

  it('a low-quality transcript: reviewed, the draft says so, unsure words are marked, and the approved note in the chart says so', async () => {
    const id = `quality-low-${Date.now()}`;
    const text = 'Synthetic: I need a refill of my lisinopril, I have two days left.';
    const { item } = await calls.placeCall({
      id, queue, dob: true, text, caller: lisinoprilCallers[0]!,
      transcript: {
        source: 'pocketsphinx', quality: 'low', qualityReasons: ['narrowband-audio', 'low-confidence'],
        segments: [segment([['Synthetic:', 0.9], ['I', 0.95], ['need', 0.9], ['a', 0.9], ['refill', 0.85], ['of', 0.9], ['my', 0.9], ['lisinopril,', 0.31], ['I', 0.9], ['have', 0.9], ['two', 0.42], ['days', 0.9], ['left.', 0.9]], 'low')],
      },
    });
    const opened = await calls.api('GET', `/api/review/${item.id}`);
    expect(opened.body.item.status).toBe('pending');
    expect(opened.body.item.reasons).toContain('transcript-low-quality');
    expect(opened.body.note.details).toMatch(/^Transcript quality low: phone-band audio the speech engine cannot hear well; many words the machine was unsure of\./);
    expect(opened.body.transcript.quality).toEqual({ source: 'pocketsphinx', sourceKind: 'local', quality: 'low', reasons: ['narrowband-audio', 'low-confidence'] });
    // The marks fall on the words as shown (the redacted text), not on offsets of the spoken text.
    const shown: string = opened.body.transcript.text;
    const marked = (opened.body.transcript.unsureWords as { start: number; end: number }[]).map((span) => shown.slice(span.start, span.end));
    expect(marked).toEqual(['lisinopril,', 'two']);

    const approved = await calls.api('POST', `/api/review/${item.id}/approve`, { baseVersion: opened.body.item.currentVersion, checklist: allYes });
    expect(approved.status).toBe(200);
    const documents = await eventually(async () => {
      const found = await calls.searchEhr<DocumentReference>('DocumentReference', callNoteIdentifierSystem, `synthetic-pbx/${id}/v${approved.body.item.currentVersion}`);
      return found.length ? found : null;
    }, 30_000, 'the approved note in the chart');
    expect(Buffer.from(documents[0]!.content[0]!.attachment.data!, 'base64').toString('utf8')).toContain('Transcript quality low');
  });

  it('an unusable transcript always goes to a person, and the on-call clinician gets no one-tap refill', async () => {
    const id = `quality-unusable-${Date.now()}`;
    const { item } = await calls.placeCall({
      id, queue, dob: true, caller: lisinoprilCallers[1]!, text: 'Synthetic: I need a refill of my lisinopril, I have two days left.',
      transcript: { source: 'pocketsphinx', quality: 'unusable', qualityReasons: ['narrowband-audio'] },
    });
    expect(item.status).toBe('pending');
    expect(item.reasons).toContain('transcript-unusable');
    const opened = await calls.api('GET', `/api/review/${item.id}`);
    expect(opened.body.note.details).toMatch(/^Transcript unusable: phone-band audio the speech engine cannot hear well\. This summary may be wrong/);

    const { rows } = await harness.engine.db.query<{ id: string }>('select id from on_call_notice where review_id = $1', [item.id]);
    const noticeId = rows[0]!.id;
    const view = await asClinician('GET', `/api/on-call/${noticeId}`);
    expect(view.status).toBe(200);
    expect(view.body.refill).toBeNull();
    expect(view.body.refillWithheld).toBe('TRANSCRIPT_UNUSABLE');
    const tapped = await asClinician('POST', `/api/on-call/${noticeId}/approve-refill`, { baseVersion: view.body.item.currentVersion, medicationRequestId: 'any-order' });
    expect(tapped.status).toBeGreaterThanOrEqual(400);
    expect(tapped.status).toBeLessThan(500);
    expect(tapped.body.error.code).toBe('ON_CALL_REFILL_UNAVAILABLE');
  });

  it('in a queue that files summaries without review, a good transcript is filed and an unusable one waits for a person', async () => {
    const text = 'Synthetic: question about my bill from last month.';
    const good = await calls.placeCall({ id: `quality-ok-summary-${Date.now()}`, queue: 'demo-summary-only', dob: true, patientIndex: 10, text, transcript: { source: 'twilio-realtime', quality: 'ok' } });
    expect(good.item.status).toBe('auto-approved');
    const bad = await calls.placeCall({ id: `quality-unusable-summary-${Date.now()}`, queue: 'demo-summary-only', dob: true, patientIndex: 11, text, transcript: { source: 'pocketsphinx', quality: 'unusable', qualityReasons: ['narrowband-audio'] } });
    expect(bad.item.status).toBe('pending');
    expect(bad.item.reasons).toEqual(['transcript-unusable']);
  });

  it('a red flag in an unusable transcript is still raised', async () => {
    const { item } = await calls.placeCall({
      id: `quality-red-flag-${Date.now()}`, queue, dob: true, caller: lisinoprilCallers[2]!, text: 'Synthetic: I have crushing chest pain and cannot breathe.',
      transcript: { source: 'pocketsphinx', quality: 'unusable', qualityReasons: ['low-confidence'] },
    });
    expect(item.reasons).toEqual(expect.arrayContaining(['red-flag', 'transcript-unusable']));
  });
});
