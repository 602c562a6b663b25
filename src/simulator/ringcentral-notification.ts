import { randomInt } from 'node:crypto';
import type { CallEvent } from '../calls/call-event.schema.ts';
import type { ringcentralStatusCodes } from '../pbx/ringcentral-events.ts';

/**
 * A RingCentral telephony session notification as RingCentral's event reference shapes it (the
 * envelope and one party), for the simulator and tests. Synthetic: the numbers are whatever the
 * caller passes (555-01xx in tests), the ids are made up.
 */
export function ringcentralNotification(options: {
  sessionId: string;
  code: (typeof ringcentralStatusCodes)[number];
  reason?: string;
  missedCall?: boolean;
  ani?: string;
  dnis?: string;
  direction?: 'Inbound' | 'Outbound';
  uuid?: string;
  partyId?: string;
  extensionId?: string;
  sequence?: number;
  at?: Date;
  subscriptionId?: string;
}): { uuid: string; event: string; timestamp: string; subscriptionId: string; body: Record<string, unknown> & { telephonySessionId: string } } {
  const at = (options.at ?? new Date()).toISOString();
  const inbound = (options.direction ?? 'Inbound') === 'Inbound';
  const caller = { phoneNumber: options.ani ?? '+16175550142' };
  const clinic = { phoneNumber: options.dnis ?? '+16175550100', extensionId: options.extensionId ?? '101' };
  return {
    uuid: options.uuid ?? String(randomInt(1, 2 ** 47)) + String(randomInt(1, 2 ** 20)),
    event: '/restapi/v1.0/account/~/telephony/sessions',
    timestamp: at,
    subscriptionId: options.subscriptionId ?? 'synthetic-subscription',
    body: {
      sequence: options.sequence ?? 1,
      telephonySessionId: options.sessionId,
      eventTime: at,
      origin: { type: 'Call' },
      parties: [
        {
          id: options.partyId ?? `${options.sessionId}-1`,
          extensionId: options.extensionId ?? '101',
          direction: options.direction ?? 'Inbound',
          from: inbound ? caller : clinic,
          to: inbound ? clinic : caller,
          status: { code: options.code, ...(options.reason ? { reason: options.reason } : {}) },
          missedCall: options.missedCall ?? false,
          standAlone: false,
          muted: false,
        },
      ],
    },
  };
}

/**
 * The notification RingCentral would send for a normalized call step, or null for steps RingCentral
 * does not report (consent answers, keyed input, transcripts: a bridge beside it sends those to the
 * CTI webhook for the same call). Made once per step, so a redelivery carries the same uuid.
 */
export function ringcentralNotificationFor(event: CallEvent): ReturnType<typeof ringcentralNotification> | null {
  const base = { sessionId: event.call.id, ...(event.call.ani ? { ani: event.call.ani } : {}), ...(event.call.dnis ? { dnis: event.call.dnis } : {}), at: new Date(event.occurredAt) };
  switch (event.type) {
    case 'call.ringing': return ringcentralNotification({ ...base, code: 'Proceeding' });
    case 'call.answered': return ringcentralNotification({ ...base, code: 'Answered' });
    case 'call.ended': return ringcentralNotification({ ...base, code: 'Disconnected', reason: 'CallFinished' });
    case 'call.missed': return ringcentralNotification({ ...base, code: 'Disconnected', reason: event.data.reason === 'busy' ? 'TargetBusy' : 'Cancelled', missedCall: true });
    case 'voicemail': return event.data.transcript ? null : ringcentralNotification({ ...base, code: 'VoiceMail', reason: 'Voicemail' });
    case 'call.transferred': return ringcentralNotification({ ...base, code: 'Gone', reason: 'BlindTransfer' });
    default: return null;
  }
}
