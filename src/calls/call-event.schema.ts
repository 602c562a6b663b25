import { z } from 'zod';

/**
 * The normalized call event (ING-1): one model for every PBX. The generic CTI webhook accepts it
 * as is; vendor adapters (Twilio, …) translate into it. This schema is the single source of both
 * the runtime check and the TypeScript type, and feeds the OpenAPI document.
 */

const shortText = (max: number) => z.string().trim().min(1).max(max);

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

export const transcriptSchema = z.object({
  text: z.string().min(1).max(100_000).describe('Transcript text. Stored encrypted; never logged.'),
  language: z.string().max(16).optional().describe('BCP-47 language tag, e.g. en-US'),
  source: z.string().max(64).optional().describe('Engine or vendor that produced it'),
});

export const callRefSchema = z.object({
  id: shortText(128).describe("The PBX's own call id (stable across the call's events)"),
  ani: z
    .string()
    .max(64)
    .describe("Caller's number as the PBX gives it (any format), or 'anonymous' / 'restricted' / ''"),
  dnis: z.string().max(64).optional().describe('Number the caller dialled'),
  queue: z.string().max(128).optional(),
  agent: z.string().max(128).optional().describe('Agent id or extension'),
  direction: z.enum(['inbound', 'outbound']).default('inbound'),
});

const base = {
  id: shortText(128).describe('Provider event id: the idempotency key; redeliveries reuse it'),
  provider: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case slug, e.g. zoom-phone, ringcentral, 3cx, asterisk')
    .describe('Which PBX or CTI bridge sent the event'),
  occurredAt: z.iso.datetime({ offset: true }).describe('When it happened at the PBX (ISO 8601)'),
  call: callRefSchema,
};

const empty = z.object({}).strict().default({});

export const callEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('call.ringing'), data: empty }),
  z.object({ ...base, type: z.literal('call.answered'), data: empty }),
  z.object({
    ...base,
    type: z.literal('call.transferred'),
    data: z.object({ toQueue: z.string().max(128).optional(), toAgent: z.string().max(128).optional() }).default({}),
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
      menu: z.string().max(64).optional().describe('Which prompt was answered, e.g. reason, dob'),
      value: z.string().max(256),
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

/** Turns zod issues into `path: message` lines a PBX integrator can act on (no values echoed). */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
}
