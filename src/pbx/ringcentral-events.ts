import { z } from 'zod';
import type { CallEvent } from '../calls/call-event.schema.ts';

/**
 * RingCentral telephony session notifications (event filter
 * `/restapi/v1.0/account/~/telephony/sessions`), validated and mapped onto the one normalized call
 * event model (ING-1), the way Twilio's callbacks are (twilio-events.ts). Pure: no I/O.
 *
 * The wire format follows RingCentral's published event reference ("Account Telephony Sessions
 * Event": an envelope with uuid, event, timestamp, subscriptionId and a body with sequence,
 * telephonySessionId, eventTime and parties[], each with direction, from/to, status.code,
 * missedCall). Unknown fields are kept out of the type but tolerated: RingCentral adds fields.
 *
 * Idempotency: RingCentral's `uuid` names one delivery, not one state of the call, and a call that
 * rings three extensions sends three Proceeding notifications. The event id is therefore built
 * from the session and the normalized step (as Twilio's are from the call SID and the status), so a
 * redelivery, a replay and a second party's copy of the same step are all the same event.
 */
export const ringcentralProvider = 'ringcentral';

/** The event filters Callchart subscribes to (telephony sessions of the whole account). */
export const telephonySessionsEventFilter = '/restapi/v1.0/account/~/telephony/sessions';

/** RingCentral's party status codes (the event reference's `statusCode` list). */
export const ringcentralStatusCodes = ['Setup', 'Proceeding', 'Answered', 'Disconnected', 'Gone', 'Parked', 'Hold', 'VoiceMail', 'FaxReceive', 'VoiceMailScreening'] as const;

const idText = (max: number) => z.string().min(1).max(max).regex(/^[\w.:@#~+=/-]+$/, 'an identifier (letters, digits and . : @ # ~ + = / - _)');
const phoneText = z.string().max(64);

const endpointSchema = z.object({
  phoneNumber: phoneText.optional(),
  extensionId: z.string().max(64).optional(),
});

export const ringcentralPartySchema = z.object({
  id: idText(128),
  extensionId: z.string().max(64).regex(/^\d*$/, 'digits').optional(),
  direction: z.enum(['Inbound', 'Outbound']),
  from: endpointSchema.optional(),
  to: endpointSchema.optional(),
  status: z.object({
    code: z.enum(ringcentralStatusCodes),
    reason: z.string().max(64).optional(),
  }),
  missedCall: z.boolean().optional(),
});

export const telephonySessionBodySchema = z.object({
  sequence: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  telephonySessionId: idText(128),
  sessionId: z.string().max(64).optional(),
  eventTime: z.iso.datetime({ offset: true }).optional(),
  parties: z.array(ringcentralPartySchema).min(1).max(50),
});

/** The notification envelope RingCentral POSTs to a WebHook subscription. */
export const ringcentralNotificationSchema = z.object({
  uuid: idText(128),
  event: z.string().max(512).regex(/^\/restapi\/v1\.0\/account\/[^/?#]+(?:\/extension\/[^/?#]+)?\/telephony\/sessions(?:\?.*)?$/, 'a telephony sessions event filter'),
  timestamp: z.iso.datetime({ offset: true }),
  subscriptionId: idText(128),
  ownerId: z.string().max(64).optional(),
  body: telephonySessionBodySchema,
});
export type RingcentralNotification = z.infer<typeof ringcentralNotificationSchema>;
type Party = z.infer<typeof ringcentralPartySchema>;

/** `Gone` reasons that mean the call went on elsewhere (a transfer), per RingCentral's reason list. */
const transferReasons = new Set(['BlindTransfer', 'AttendedTransfer', 'RccTransfer', 'DtmfTransfer', 'CallerInputRedirect', 'CallRedirected']);

/**
 * The caller's number and the number dialled, from the party's view: on an inbound call the caller
 * is `from`; on an outbound call the patient is `to` (as Callchart's own outbound calls record it).
 */
function callRef(sessionId: string, party: Party): CallEvent['call'] {
  const inbound = party.direction === 'Inbound';
  const ani = (inbound ? party.from?.phoneNumber : party.to?.phoneNumber) ?? '';
  const dnis = inbound ? party.to?.phoneNumber : party.from?.phoneNumber;
  return {
    id: sessionId, ani, ...(dnis ? { dnis } : {}),
    // The RingCentral extension that has the call: an id, never a name.
    ...(party.extensionId ? { agent: party.extensionId } : {}),
    direction: inbound ? 'inbound' : 'outbound',
  };
}

/** One party's status as a normalized event; null for states Callchart has no event for (Hold, Parked, fax). */
function partyEvent(notification: RingcentralNotification, party: Party): CallEvent | null {
  const { telephonySessionId } = notification.body;
  const occurredAt = new Date(Date.parse(notification.body.eventTime ?? notification.timestamp)).toISOString();
  const base = { provider: ringcentralProvider, occurredAt, call: callRef(telephonySessionId, party) };
  const id = (step: string) => `${telephonySessionId}:${step}`;
  switch (party.status.code) {
    case 'Setup':
    case 'Proceeding':
      return { ...base, id: id('ringing'), type: 'call.ringing', data: {} };
    case 'Answered':
      return { ...base, id: id('answered'), type: 'call.answered', data: {} };
    case 'VoiceMail':
      return { ...base, id: id('voicemail'), type: 'voicemail', data: {} };
    case 'Disconnected':
      // A caller who hung up before anyone answered is a missed call, like Twilio's `canceled`.
      return party.missedCall
        ? { ...base, id: id('missed'), type: 'call.missed', data: { reason: party.status.reason === 'TargetBusy' ? 'busy' : 'no-answer' } }
        : { ...base, id: id('ended'), type: 'call.ended', data: {} };
    case 'Gone':
      return party.status.reason && transferReasons.has(party.status.reason)
        ? { ...base, id: id(`transferred:${party.id}`), type: 'call.transferred', data: {} }
        : null;
    default:
      return null;
  }
}

/**
 * The party whose view names the call: the one facing the outside caller (an inbound party with a
 * `from` number that is not an extension), else the first. Internal legs of the same session
 * (extension to extension) describe the same call.
 */
function callerFacing(parties: readonly Party[]): Party {
  return parties.find((party) => party.direction === 'Inbound' && !party.from?.extensionId && party.from?.phoneNumber) ?? parties[0]!;
}

/**
 * The normalized events one notification carries, de-duplicated by event id. The call's numbers come
 * from the caller-facing party, so every event of the call carries the same ANI and DNIS whichever
 * party's status changed.
 */
export function telephonySessionEvents(notification: RingcentralNotification): CallEvent[] {
  const facing = callerFacing(notification.body.parties);
  const events = new Map<string, CallEvent>();
  for (const party of notification.body.parties) {
    const event = partyEvent(notification, party);
    if (!event) continue;
    const call = { ...callRef(notification.body.telephonySessionId, facing), ...(party.extensionId ? { agent: party.extensionId } : {}) };
    if (!events.has(event.id)) events.set(event.id, { ...event, call } as CallEvent);
  }
  return [...events.values()];
}
