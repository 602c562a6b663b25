import { z } from 'zod';
import type { CallEvent } from '../calls/call-event.schema.ts';

/**
 * Twilio's form-encoded callbacks, validated and mapped onto the one normalized call event model
 * (ING-1, ING-2). Twilio sends no event id, so the idempotency key is built from what identifies a
 * callback uniquely: the call SID plus the callback kind and its own SID or status.
 */
export const twilioProvider = 'twilio';

const callSid = z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'a Twilio Call SID (CA + 32 hex)');
const accountSid = z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'a Twilio Account SID (AC + 32 hex)');
const phoneish = z.string().max(64).default('');
const seconds = z.string().regex(/^\d{1,6}$/).transform(Number);

export const twilioCallParamsSchema = z.object({
  CallSid: callSid,
  AccountSid: accountSid,
  From: phoneish,
  To: phoneish,
  Direction: z.string().max(32).optional(),
  CallStatus: z.string().max(32).optional(),
});

export const twilioStatusParamsSchema = twilioCallParamsSchema.extend({
  CallStatus: z.enum(['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'canceled', 'failed']),
  CallDuration: seconds.optional(),
  Timestamp: z.string().max(64).optional(),
  SequenceNumber: z.string().regex(/^\d{1,6}$/).optional(),
});

export const twilioRecordingParamsSchema = z.object({
  CallSid: callSid,
  AccountSid: accountSid,
  RecordingSid: z.string().regex(/^RE[0-9a-fA-F]{32}$/, 'a Twilio Recording SID'),
  RecordingStatus: z.enum(['in-progress', 'completed', 'absent', 'failed']),
  RecordingDuration: seconds.optional(),
});

export const twilioTranscriptionParamsSchema = z.object({
  CallSid: callSid,
  AccountSid: accountSid,
  TranscriptionSid: z.string().regex(/^TR[0-9a-fA-F]{32}$/, 'a Twilio Transcription SID'),
  TranscriptionStatus: z.enum(['completed', 'failed']),
  TranscriptionText: z.string().max(100_000).optional(),
});

export const twilioGatherParamsSchema = twilioCallParamsSchema.extend({
  Digits: z.string().max(32).regex(/^[0-9*#]*$/, 'keypad digits').optional(),
});

function callRef(params: { CallSid: string; From: string; To: string }) {
  return { id: params.CallSid, ani: params.From, dnis: params.To || undefined, direction: 'inbound' as const };
}

function occurredAt(timestamp: string | undefined, now: Date): string {
  const parsed = timestamp ? Date.parse(timestamp) : NaN;
  return Number.isNaN(parsed) ? now.toISOString() : new Date(parsed).toISOString();
}

export function incomingCallEvent(params: z.infer<typeof twilioCallParamsSchema>, now: Date): CallEvent {
  return { id: `${params.CallSid}:incoming`, provider: twilioProvider, type: 'call.ringing', occurredAt: now.toISOString(), call: callRef(params), data: {} };
}

/** Status callbacks → answered / ended / missed. Early statuses (queued, ringing) map to nothing. */
export function statusCallbackEvent(params: z.infer<typeof twilioStatusParamsSchema>, now: Date): CallEvent | null {
  const base = { id: `${params.CallSid}:status:${params.CallStatus}`, provider: twilioProvider, occurredAt: occurredAt(params.Timestamp, now), call: callRef(params) };
  switch (params.CallStatus) {
    case 'in-progress':
      return { ...base, type: 'call.answered', data: {} };
    case 'completed':
      return { ...base, type: 'call.ended', data: params.CallDuration !== undefined ? { durationSeconds: params.CallDuration } : {} };
    case 'busy':
      return { ...base, type: 'call.missed', data: { reason: 'busy' } };
    case 'no-answer':
    case 'failed':
      return { ...base, type: 'call.missed', data: { reason: 'no-answer' } };
    case 'canceled':
      return { ...base, type: 'call.missed', data: { reason: 'abandoned' } };
    default:
      return null;
  }
}

/** A completed recording is a voicemail (the IVR records only on the voicemail path). */
export function recordingEvent(params: z.infer<typeof twilioRecordingParamsSchema>, now: Date, call: { ani: string; dnis?: string }): CallEvent | null {
  if (params.RecordingStatus !== 'completed') return null;
  return {
    id: `${params.CallSid}:recording:${params.RecordingSid}`,
    provider: twilioProvider,
    type: 'voicemail',
    occurredAt: now.toISOString(),
    call: { id: params.CallSid, ani: call.ani, ...(call.dnis ? { dnis: call.dnis } : {}), direction: 'inbound' },
    data: params.RecordingDuration !== undefined ? { durationSeconds: Math.min(params.RecordingDuration, 3_600) } : {},
  };
}

export function transcriptionEvent(params: z.infer<typeof twilioTranscriptionParamsSchema>, now: Date, call: { ani: string; dnis?: string }): CallEvent | null {
  if (params.TranscriptionStatus !== 'completed' || !params.TranscriptionText?.trim()) return null;
  return {
    id: `${params.CallSid}:transcription:${params.TranscriptionSid}`,
    provider: twilioProvider,
    type: 'transcript.available',
    occurredAt: now.toISOString(),
    call: { id: params.CallSid, ani: call.ani, ...(call.dnis ? { dnis: call.dnis } : {}), direction: 'inbound' },
    data: { transcript: { text: params.TranscriptionText, source: 'twilio' } },
  };
}

/** Form parameters as Twilio signs them: every value a string (arrays kept for repeated keys). */
export function formParams(body: unknown): Record<string, string | string[]> {
  if (!body || typeof body !== 'object') return {};
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string') params[key] = value;
    else if (Array.isArray(value)) params[key] = value.map(String);
  }
  return params;
}
