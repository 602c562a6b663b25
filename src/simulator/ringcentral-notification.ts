import { randomInt } from 'node:crypto';
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
