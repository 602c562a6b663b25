import { describe, expect, it } from 'vitest';
import { ivrPromptTwiml, routeTwiml } from './twiml.ts';
import { parseTranscriptionData, realtimeTranscriptEvent, twilioRealtimeParamsSchema } from './twilio-realtime-transcription.ts';

const destination = { kind: 'queue' as const, target: 'front-desk', label: 'Front desk' };
const realtimeTranscription = { statusCallbackUrl: 'https://clinic.example/webhooks/twilio/realtime-transcription', partialResults: false, languageCode: 'en-GB' };

describe('<Start><Transcription>', () => {
  it('is in the connect TwiML only when asked for (setting on and consent given)', () => {
    const withIt = routeTwiml(destination, [], { realtimeTranscription });
    expect(withIt).toContain('<Start><Transcription statusCallbackUrl="https://clinic.example/webhooks/twilio/realtime-transcription" statusCallbackMethod="POST" track="inbound_track" partialResults="false" languageCode="en-GB"/></Start>');
    expect(routeTwiml(destination, [])).not.toContain('<Transcription');
    const ivr = ivrPromptTwiml({ kind: 'route', say: ['Connecting you now.'], language: 'en-US', finished: 'completed' }, { actionUrl: () => '', destination, realtimeTranscription });
    // Before the words and the Enqueue: it starts as the call is connected.
    expect(ivr.indexOf('<Transcription')).toBeLessThan(ivr.indexOf('<Enqueue'));
  });
});

describe('real-time transcription callbacks', () => {
  const base = { AccountSid: `AC${'2'.repeat(32)}`, CallSid: `CA${'3'.repeat(32)}`, TranscriptionSid: `GT${'4'.repeat(32)}` };

  it('accepts Twilio\'s content form and asks for what a content callback needs', () => {
    expect(twilioRealtimeParamsSchema.safeParse({ ...base, TranscriptionEvent: 'transcription-content', SequenceId: '3', Final: 'true', Stability: '0.9', TranscriptionData: '{}' }).success).toBe(true);
    const missing = twilioRealtimeParamsSchema.safeParse({ ...base, TranscriptionEvent: 'transcription-content' });
    expect(missing.success ? [] : missing.error.issues.map((issue) => issue.path.join('.'))).toEqual(['SequenceId', 'TranscriptionData', 'Final']);
    expect(twilioRealtimeParamsSchema.safeParse({ ...base, TranscriptionEvent: 'transcription-stopped' }).success).toBe(true);
  });

  it('reads TranscriptionData, refusing what is not Twilio\'s shape', () => {
    expect(parseTranscriptionData('{"transcript":"synthetic","confidence":0.5}')).toEqual({ ok: true, transcript: 'synthetic', confidence: 0.5 });
    expect(parseTranscriptionData('{"transcript":"synthetic"}')).toEqual({ ok: true, transcript: 'synthetic', confidence: null });
    expect(parseTranscriptionData('nope').ok).toBe(false);
    expect(parseTranscriptionData('{"confidence":0.5}').ok).toBe(false);
  });

  it('assembles utterances in SequenceId order whatever order they arrived, judged by confidence', () => {
    const event = realtimeTranscriptEvent({
      callSid: base.CallSid, transcriptionSid: base.TranscriptionSid, failed: false, lowConfidence: 0.6, now: new Date('2026-12-07T10:00:00Z'),
      utterances: [
        { sequenceId: 4, confidence: 0.2, text: 'mumbled synthetic words', receivedAt: '2026-12-07T10:00:09Z' },
        { sequenceId: 2, confidence: 0.95, text: 'synthetic opening words here', receivedAt: '2026-12-07T10:00:03Z' },
      ],
    });
    expect(event?.type).toBe('transcript.available');
    const transcript = event?.type === 'transcript.available' ? event.data.transcript : null;
    expect(transcript?.text).toBe('synthetic opening words here mumbled synthetic words');
    expect(transcript?.segments?.map((segment) => segment.quality)).toEqual(['ok', 'unusable']);
    expect(transcript?.quality).toBe('low');
    expect(event?.id).toBe(`${base.CallSid}:realtime:${base.TranscriptionSid}`);
    expect(realtimeTranscriptEvent({ callSid: base.CallSid, transcriptionSid: base.TranscriptionSid, failed: false, lowConfidence: 0.6, now: new Date(), utterances: [] })).toBeNull();
  });
});
