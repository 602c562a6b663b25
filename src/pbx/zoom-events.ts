import { z } from 'zod';
import { storableText, type CallEvent } from '../calls/call-event.schema.ts';

/**
 * Zoom Phone's webhook events (developers.zoom.us/docs/api/phone/events; field names as in Zoom's
 * published event types, @zoom/rivet `Phone.*Event`), validated and mapped onto the one normalized
 * call event model (ING-1). Pure: no I/O.
 *
 * Zoom sends no event id. Its `call_id` is stable across a call's events, so the idempotency key is
 * the call id plus what happened: a redelivery, and the second leg's copy of the same fact (the
 * callee's and the caller's "ended"), land on the same key and change nothing.
 */
export const zoomProvider = 'zoom-phone';

/** The events we map; Zoom may be subscribed to more (hold, mute…): those are acknowledged and dropped. */
export const zoomPhoneEvents = [
  'phone.callee_ringing',
  'phone.callee_answered',
  'phone.callee_ended',
  'phone.callee_missed',
  'phone.callee_rejected',
  'phone.caller_ended',
  'phone.voicemail_received',
  'phone.recording_completed',
  'phone.recording_transcript_completed',
] as const;
export type ZoomPhoneEvent = (typeof zoomPhoneEvents)[number];

const zoomTime = z.iso.datetime({ offset: true });
const label = storableText(128);

const party = z.object({
  phone_number: storableText(64).optional(),
  extension_number: z.union([z.number(), z.string().max(32)]).optional(),
  extension_type: storableText(32).optional(),
  name: label.optional(),
  user_id: storableText(128).optional(),
}).loose();

const forwardedBy = z.object({ extension_number: z.union([z.number(), z.string().max(32)]).optional(), extension_type: storableText(32).optional(), name: label.optional() }).loose();

const callLeg = z.object({
  call_id: storableText(128).min(1),
  caller: party,
  callee: party,
  forwarded_by: forwardedBy.optional(),
  ringing_start_time: zoomTime.optional(),
  answer_start_time: zoomTime.optional(),
  call_end_time: zoomTime.optional(),
  handup_result: storableText(128).optional(),
}).loose();

const voicemail = z.object({
  id: storableText(128).min(1),
  call_id: storableText(128).min(1).optional(),
  caller_number: storableText(64).default(''),
  callee_number: storableText(64).optional(),
  callee_name: label.optional(),
  callee_extension_type: storableText(32).optional(),
  date_time: zoomTime,
  duration: z.number().int().min(0).max(86_400).optional(),
}).loose();

const recordings = z.object({
  recordings: z.array(z.object({ id: storableText(128).min(1), call_id: storableText(128).optional() }).loose()).max(100),
}).loose();

/** The envelope every Zoom webhook has: `{ event, event_ts, payload: { account_id, object } }`. */
export const zoomEnvelopeSchema = z.object({
  event: z.string().min(1).max(128),
  event_ts: z.number().int().min(0).optional(),
  payload: z.object({ account_id: storableText(128).optional(), object: z.unknown().optional(), plainToken: z.unknown().optional() }).loose(),
});
export type ZoomEnvelope = z.infer<typeof zoomEnvelopeSchema>;

/** Zoom's challenge token: we only ever HMAC a short token, never a caller-chosen message (see zoom.routes.ts). */
export const zoomPlainTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'a URL-safe token of 8-128 characters');

export const zoomObjectSchemas = {
  'phone.callee_ringing': callLeg,
  'phone.callee_answered': callLeg,
  'phone.callee_ended': callLeg,
  'phone.callee_missed': callLeg,
  'phone.callee_rejected': callLeg,
  'phone.caller_ended': callLeg,
  'phone.voicemail_received': voicemail,
  'phone.recording_completed': recordings,
  'phone.recording_transcript_completed': recordings,
} as const satisfies Record<ZoomPhoneEvent, z.ZodType>;

export function isMappedZoomEvent(event: string): event is ZoomPhoneEvent {
  return (zoomPhoneEvents as readonly string[]).includes(event);
}

type CallLeg = z.infer<typeof callLeg>;

/** A Zoom call queue is a Callchart queue of the same name (see the README's Zoom Phone section). */
function queueOf(leg: CallLeg): string | undefined {
  if (leg.forwarded_by?.extension_type === 'callQueue' && leg.forwarded_by.name) return leg.forwarded_by.name;
  if (leg.callee.extension_type === 'callQueue' && leg.callee.name) return leg.callee.name;
  return undefined;
}

function agentOf(leg: CallLeg): string | undefined {
  if (leg.callee.extension_type === 'callQueue' || leg.callee.extension_number === undefined) return undefined;
  return `ext-${leg.callee.extension_number}`;
}

/** The call as the normalized model names it. Callee events are inbound: the caller is the patient. */
function inboundCall(leg: CallLeg, withAgent: boolean): CallEvent['call'] {
  const queue = queueOf(leg);
  const agent = withAgent ? agentOf(leg) : undefined;
  return {
    id: leg.call_id,
    ani: leg.caller.phone_number ?? '',
    ...(leg.callee.phone_number ? { dnis: leg.callee.phone_number } : {}),
    ...(queue ? { queue } : {}),
    ...(agent ? { agent } : {}),
    direction: 'inbound',
  };
}

const iso = (value: string) => new Date(Date.parse(value)).toISOString();

function secondsBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const seconds = Math.round((Date.parse(to) - Date.parse(from)) / 1000);
  return seconds >= 0 && seconds <= 86_400 ? seconds : undefined;
}

export type ZoomMapping =
  | { kind: 'event'; event: CallEvent }
  /** Signed and valid, but nothing the call model records (yet): acknowledged, not stored. */
  | { kind: 'ignored'; why: string }
  | { kind: 'invalid'; issues: { path: string; message: string }[] };

/**
 * One Zoom webhook → at most one normalized event. `now` dates an event whose own time is absent.
 * Recordings and transcripts: Zoom sends download URLs only (fetching them needs the Zoom REST API
 * with an OAuth token, not configured here), so they are acknowledged and not mapped.
 */
export function mapZoomEvent(envelope: ZoomEnvelope, now: Date): ZoomMapping {
  const name = envelope.event;
  if (!isMappedZoomEvent(name)) return { kind: 'ignored', why: 'event not mapped' };
  const parsed = zoomObjectSchemas[name].safeParse(envelope.payload.object);
  if (!parsed.success) {
    return { kind: 'invalid', issues: parsed.error.issues.map((issue) => ({ path: ['payload', 'object', ...issue.path.map(String)].join('.'), message: issue.message })) };
  }
  const fallback = now.toISOString();
  switch (name) {
    case 'phone.callee_ringing': {
      const leg = parsed.data as CallLeg;
      return { kind: 'event', event: { id: `${leg.call_id}:ringing`, provider: zoomProvider, type: 'call.ringing', occurredAt: iso(leg.ringing_start_time ?? fallback), call: inboundCall(leg, false), data: {} } };
    }
    case 'phone.callee_answered': {
      const leg = parsed.data as CallLeg;
      return { kind: 'event', event: { id: `${leg.call_id}:answered`, provider: zoomProvider, type: 'call.answered', occurredAt: iso(leg.answer_start_time ?? fallback), call: inboundCall(leg, true), data: {} } };
    }
    case 'phone.callee_ended':
    case 'phone.caller_ended': {
      const leg = parsed.data as CallLeg;
      // Either side's "ended" is the same fact about the call: one key.
      const durationSeconds = secondsBetween(leg.answer_start_time, leg.call_end_time);
      return {
        kind: 'event',
        event: {
          id: `${leg.call_id}:ended`, provider: zoomProvider, type: 'call.ended', occurredAt: iso(leg.call_end_time ?? fallback),
          call: name === 'phone.caller_ended' ? outboundCall(leg) : inboundCall(leg, false),
          data: durationSeconds !== undefined ? { durationSeconds } : {},
        },
      };
    }
    case 'phone.callee_missed':
    case 'phone.callee_rejected': {
      const leg = parsed.data as CallLeg;
      return {
        kind: 'event',
        event: { id: `${leg.call_id}:missed`, provider: zoomProvider, type: 'call.missed', occurredAt: iso(leg.call_end_time ?? fallback), call: inboundCall(leg, false), data: { reason: name === 'phone.callee_rejected' ? 'busy' : 'no-answer' } },
      };
    }
    case 'phone.voicemail_received': {
      const message = parsed.data as z.infer<typeof voicemail>;
      const queue = message.callee_extension_type === 'callQueue' ? message.callee_name : undefined;
      return {
        kind: 'event',
        event: {
          id: `${message.call_id ?? `voicemail-${message.id}`}:voicemail:${message.id}`, provider: zoomProvider, type: 'voicemail', occurredAt: iso(message.date_time),
          call: { id: message.call_id ?? `voicemail-${message.id}`, ani: message.caller_number, ...(message.callee_number ? { dnis: message.callee_number } : {}), ...(queue ? { queue } : {}), direction: 'inbound' },
          data: message.duration !== undefined ? { durationSeconds: Math.min(message.duration, 3_600) } : {},
        },
      };
    }
    case 'phone.recording_completed':
    case 'phone.recording_transcript_completed':
      return { kind: 'ignored', why: 'recordings and transcripts are download links; not fetched' };
  }
}

/** Caller events are outbound calls: our user called the patient, who is the callee. */
function outboundCall(leg: CallLeg): CallEvent['call'] {
  return { id: leg.call_id, ani: leg.callee.phone_number ?? '', ...(leg.caller.phone_number ? { dnis: leg.caller.phone_number } : {}), direction: 'outbound' };
}
