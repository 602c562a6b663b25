import { z } from 'zod';
import { qualityReasons, transcriptQualities } from '../speech/speech-engine.ts';

/**
 * The normalized call event (ING-1): one model for every PBX. The generic CTI webhook accepts it
 * as is; vendor adapters (Twilio, …) translate into it. This schema is the single source of both
 * the runtime check and the TypeScript type, and feeds the OpenAPI document.
 */

// A high surrogate not followed by a low one, or a low one not preceded by a high one (UTF-16 code units).
const unpairedSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * True when PostgreSQL can store the string as it is: no NUL (text and jsonb cannot hold U+0000)
 * and no unpaired UTF-16 surrogate (UTF-8 cannot encode one: the driver would silently turn it
 * into U+FFFD, so two different ids could become one). Such a value is permanently unstorable,
 * so it is refused at the boundary as a 400, never retried as a store fault.
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !unpairedSurrogate.test(value);
}

const storableMessage = 'must not contain NUL characters or unpaired surrogates';

/** A string PostgreSQL can store (see `isStorableText`), at most `max` characters. */
export const storableText = (max: number) => z.string().max(max).refine(isStorableText, storableMessage);

const shortText = (max: number) => z.string().trim().min(1).max(max).refine(isStorableText, storableMessage);

/**
 * Sane bounds for a PBX timestamp: PostgreSQL holds 4713 BC to 294276 AD, but a call before 2000
 * or after 2100 is a broken clock or a forged event, not a call. (Events dated ahead of our own
 * clock are refused separately, see `eventClockIssues`, because that check needs the time now.)
 */
export const earliestEventTime = Date.parse('2000-01-01T00:00:00Z');
export const latestEventTime = Date.parse('2100-01-01T00:00:00Z');
/** How far ahead of our clock a PBX may date an event (clock skew). */
export const maxEventClockSkewMs = 60_000;

const eventTime = z.iso
  .datetime({ offset: true })
  .refine((value) => {
    const at = Date.parse(value);
    return Number.isFinite(at) && at >= earliestEventTime && at < latestEventTime;
  }, 'must be between 2000-01-01 and 2100-01-01');

export const callEventTypes = [
  'call.ringing',
  'call.answered',
  'call.transferred',
  'call.ended',
  'call.missed',
  'voicemail',
  'transcript.available',
  'ivr.input',
  'consent.captured',
] as const;
export type CallEventType = (typeof callEventTypes)[number];

const secondsSchema = z.number().min(0).max(86_400);

/** A recognised word (issue 17): times in seconds from the start of the audio, confidence 0..1. */
export const transcriptWordSchema = z.object({
  word: storableText(100).min(1),
  start: secondsSchema,
  end: secondsSchema,
  confidence: z.number().min(0).max(1),
});

/** One utterance of a transcript, with its own quality verdict (speech-engine.ts). */
export const transcriptSegmentSchema = z.object({
  start: secondsSchema,
  end: secondsSchema,
  text: storableText(20_000),
  quality: z.enum(transcriptQualities),
  qualityReasons: z.array(z.enum(qualityReasons)).max(qualityReasons.length).default([]),
  words: z.array(transcriptWordSchema).max(5_000).default([]),
  final: z.boolean().default(true),
});

export const transcriptSchema = z.object({
  text: storableText(100_000).min(1).describe('Transcript text. Stored encrypted; never logged.'),
  language: storableText(16).optional().describe('BCP-47 language tag, e.g. en-US'),
  source: storableText(64).optional().describe('Engine or vendor that produced it'),
  quality: z.enum(transcriptQualities).optional().describe("How far it can be trusted: ok, low (marked for staff) or unusable (a person reads the call). Absent: not judged by the source"),
  qualityReasons: z.array(z.enum(qualityReasons)).max(qualityReasons.length).optional(),
  segments: z.array(transcriptSegmentSchema).max(2_000).optional().describe('Utterances with words and confidences. Stored encrypted with the text'),
});

export const callRefSchema = z.object({
  id: shortText(128).describe("The PBX's own call id (stable across the call's events)"),
  ani: storableText(64)
    .describe("Caller's number as the PBX gives it (any format), or 'anonymous' / 'restricted' / ''"),
  dnis: storableText(64).optional().describe('Number the caller dialled'),
  queue: storableText(128).optional(),
  agent: storableText(128).optional().describe('Agent id or extension'),
  direction: z.enum(['inbound', 'outbound']).default('inbound'),
});

const base = {
  id: shortText(128).describe('Provider event id: the idempotency key; redeliveries reuse it'),
  provider: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case slug, e.g. zoom-phone, ringcentral, 3cx, asterisk')
    .describe('Which PBX or CTI bridge sent the event'),
  occurredAt: eventTime.describe('When it happened at the PBX (ISO 8601; at most 60 s ahead of our clock)'),
  call: callRefSchema,
};

const empty = z.object({}).strict().default({});

export const callEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('call.ringing'), data: empty }),
  z.object({ ...base, type: z.literal('call.answered'), data: empty }),
  z.object({
    ...base,
    type: z.literal('call.transferred'),
    data: z.object({ toQueue: storableText(128).optional(), toAgent: storableText(128).optional() }).default({}),
  }),
  z.object({
    ...base,
    type: z.literal('call.ended'),
    data: z
      .object({ durationSeconds: z.number().int().min(0).max(86_400).optional(), transcript: transcriptSchema.optional() })
      .default({}),
  }),
  z.object({
    ...base,
    type: z.literal('call.missed'),
    data: z.object({ reason: z.enum(['no-answer', 'abandoned', 'busy', 'after-hours']).optional() }).default({}),
  }),
  z.object({
    ...base,
    type: z.literal('voicemail'),
    data: z.object({
      durationSeconds: z.number().int().min(0).max(3_600).optional(),
      transcript: transcriptSchema.optional(),
    }),
  }),
  z.object({ ...base, type: z.literal('transcript.available'), data: z.object({ transcript: transcriptSchema }) }),
  z.object({
    ...base,
    type: z.literal('ivr.input'),
    data: z.object({
      kind: z.enum(['dtmf', 'speech']),
      menu: storableText(64).optional().describe('Which prompt was answered, e.g. reason, dob'),
      value: storableText(256),
    }),
  }),
  z.object({
    ...base,
    type: z.literal('consent.captured'),
    data: z.object({
      scope: z.enum(['record', 'transcribe', 'ai', 'ehr']),
      granted: z.boolean(),
      method: z.enum(['ivr', 'verbal', 'staff', 'standing']).optional(),
    }),
  }),
]);

export type CallEvent = z.infer<typeof callEventSchema>;

/** The transcript an event carries, if any. */
export function transcriptOf(event: CallEvent): z.infer<typeof transcriptSchema> | undefined {
  switch (event.type) {
    case 'call.ended':
    case 'voicemail':
      return event.data.transcript;
    case 'transcript.available':
      return event.data.transcript;
    default:
      return undefined;
  }
}

/** The event with transcript text removed: what the event log keeps in clear. */
export function withoutTranscript(event: CallEvent): CallEvent {
  if (!transcriptOf(event)) return event;
  const data = { ...(event.data as Record<string, unknown>) };
  delete data.transcript;
  return { ...event, data } as CallEvent;
}

/**
 * Issues that depend on the time now, for a schema-valid event: an event dated more than 60 s
 * ahead of our clock is a broken PBX clock or a forged event, and would sort wrongly among the
 * call's events. Pure: `nowMs` is an input.
 */
export function eventClockIssues(event: Pick<CallEvent, 'occurredAt'>, nowMs: number): { path: string; message: string }[] {
  return Date.parse(event.occurredAt) > nowMs + maxEventClockSkewMs
    ? [{ path: 'occurredAt', message: `must not be more than ${maxEventClockSkewMs / 1000} s in the future` }]
    : [];
}

/** Turns zod issues into `path: message` lines a PBX integrator can act on (no values echoed). */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
}
