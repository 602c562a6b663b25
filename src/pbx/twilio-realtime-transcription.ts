import { z } from 'zod';
import type { CallEvent } from '../calls/call-event.schema.ts';
import { judgeVendorTranscript, judgeVendorUtterance } from '../speech/pbx-transcript-quality.ts';
import type { QualityReason, TranscriptSegment } from '../speech/speech-engine.ts';
import { twilioProvider } from './twilio-events.ts';

/**
 * Twilio real-time transcription (`<Start><Transcription>`, issue 17 item 1): the status callbacks'
 * form body, and how the final utterances become one normalized `transcript.available` event. Pure.
 */
export const twilioRealtimeSource = 'twilio-realtime';

const callSid = z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'a Twilio Call SID (CA + 32 hex)');
const accountSid = z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'a Twilio Account SID (AC + 32 hex)');
const booleanText = z.enum(['true', 'false']).transform((value) => value === 'true');

export const twilioRealtimeEvents = ['transcription-started', 'transcription-content', 'transcription-stopped', 'transcription-error'] as const;

/** The form Twilio posts to the statusCallbackUrl. Unknown extra fields (ProviderName, Timestamp…) are ignored. */
export const twilioRealtimeParamsSchema = z.object({
  AccountSid: accountSid,
  CallSid: callSid,
  TranscriptionSid: z.string().regex(/^GT[0-9a-fA-F]{32}$/, 'a Twilio real-time Transcription SID (GT + 32 hex)'),
  TranscriptionEvent: z.enum(twilioRealtimeEvents),
  SequenceId: z.string().regex(/^\d{1,9}$/, 'a sequence number').transform(Number).optional(),
  Track: z.enum(['inbound_track', 'outbound_track']).optional(),
  /** JSON: {"transcript": "...", "confidence": 0.93}; only on transcription-content. */
  TranscriptionData: z.string().max(100_000).optional(),
  Final: booleanText.optional(),
  Stability: z.string().regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'a number from 0 to 1').transform(Number).optional(),
  LanguageCode: z.string().max(16).optional(),
  TranscriptionError: z.string().max(1_000).optional(),
  TranscriptionErrorCode: z.string().max(16).optional(),
}).superRefine((params, context) => {
  if (params.TranscriptionEvent !== 'transcription-content') return;
  if (params.SequenceId === undefined) context.addIssue({ code: 'custom', path: ['SequenceId'], message: 'required on transcription-content' });
  if (params.TranscriptionData === undefined) context.addIssue({ code: 'custom', path: ['TranscriptionData'], message: 'required on transcription-content' });
  if (params.Final === undefined) context.addIssue({ code: 'custom', path: ['Final'], message: 'required on transcription-content' });
});
export type TwilioRealtimeParams = z.infer<typeof twilioRealtimeParamsSchema>;

/** What one content callback carries in TranscriptionData. Confidence may be absent (partials). */
export const twilioTranscriptionDataSchema = z.object({
  transcript: z.string().max(20_000),
  confidence: z.number().min(0).max(1).optional(),
});

/** TranscriptionData parsed, or the reason it is not usable. */
export function parseTranscriptionData(raw: string): { ok: true; transcript: string; confidence: number | null } | { ok: false } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false };
  }
  const parsed = twilioTranscriptionDataSchema.safeParse(json);
  return parsed.success ? { ok: true, transcript: parsed.data.transcript, confidence: parsed.data.confidence ?? null } : { ok: false };
}

export interface RealtimeUtterance {
  sequenceId: number;
  confidence: number | null;
  text: string;
  /** When it reached us, ISO 8601: Twilio gives no times, so the segments are placed by arrival. */
  receivedAt: string;
}

/**
 * A segment from one utterance: Twilio reports one confidence per utterance, so each word carries it
 * (the review screen marks the words of a doubtful utterance). Times are seconds since the first
 * utterance arrived: approximate, and said so nowhere as if they were audio times.
 */
export function utteranceSegment(utterance: { text: string; confidence: number | null }, times: { start: number; end: number }, options: { lowConfidence: number; final: boolean }): TranscriptSegment {
  const verdict = judgeVendorUtterance(utterance.confidence, options.lowConfidence);
  const words = utterance.text.split(/\s+/).filter(Boolean);
  const step = words.length ? (times.end - times.start) / words.length : 0;
  return {
    start: times.start, end: times.end, text: utterance.text.trim(), final: options.final, ...verdict,
    // Without any confidence there is nothing to mark word by word: 0 would mark every word as doubtful, which is the verdict's job.
    words: utterance.confidence === null ? [] : words.slice(0, 5_000).map((word, index) => ({
      word: word.slice(0, 100), start: round(times.start + index * step), end: round(times.start + (index + 1) * step), confidence: utterance.confidence!,
    })),
  };
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

/**
 * The final utterances of one transcription, in SequenceId order, as one `transcript.available`
 * event (source `twilio-realtime`), with a segment per utterance and the transcript's quality from
 * their confidences. Null when nothing was said. `failed`: the transcription ended in an error, so
 * what is here may be missing a part (reason `engine-failed`, never better than `low`).
 */
export function realtimeTranscriptEvent(
  input: { callSid: string; transcriptionSid: string; utterances: readonly RealtimeUtterance[]; failed: boolean; lowConfidence: number; languageCode?: string | undefined; dnis?: string | null; now: Date },
): CallEvent | null {
  const utterances = [...input.utterances].filter((utterance) => utterance.text.trim()).sort((a, b) => a.sequenceId - b.sequenceId);
  if (utterances.length === 0) return null;
  const origin = Math.min(...utterances.map((utterance) => Date.parse(utterance.receivedAt)));
  let previousEnd = 0;
  const segments = utterances.map((utterance) => {
    const arrived = Math.max(0, (Date.parse(utterance.receivedAt) - origin) / 1000);
    const start = Math.min(86_400, previousEnd);
    const end = Math.min(86_400, Math.max(start, arrived));
    previousEnd = end;
    return utteranceSegment(utterance, { start, end }, { lowConfidence: input.lowConfidence, final: true });
  });
  const verdict = judgeVendorTranscript(segments);
  const reasons: QualityReason[] = input.failed ? [...new Set<QualityReason>([...verdict.qualityReasons, 'engine-failed'])] : verdict.qualityReasons;
  const quality = input.failed && verdict.quality === 'ok' ? 'low' : verdict.quality;
  return {
    id: `${input.callSid}:realtime:${input.transcriptionSid}`,
    provider: twilioProvider,
    type: 'transcript.available',
    occurredAt: input.now.toISOString(),
    call: { id: input.callSid, ani: '', ...(input.dnis ? { dnis: input.dnis } : {}), direction: 'inbound' },
    data: {
      transcript: {
        text: segments.map((segment) => segment.text).join(' ').slice(0, 100_000),
        source: twilioRealtimeSource,
        ...(input.languageCode ? { language: input.languageCode.slice(0, 16) } : {}),
        quality, qualityReasons: reasons, segments,
      },
    },
  };
}
