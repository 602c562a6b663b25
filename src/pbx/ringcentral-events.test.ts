import { describe, expect, it } from 'vitest';
import { callEventSchema } from '../calls/call-event.schema.ts';
import { ringcentralNotificationSchema, telephonySessionEvents, type RingcentralNotification } from './ringcentral-events.ts';
import { isValidationToken, verifyRingcentralToken } from './ringcentral-verification.ts';
import { ringcentralNotification } from '../simulator/ringcentral-notification.ts';

/**
 * RingCentral's own example from its event reference ("Account Telephony Sessions Event",
 * ringcentral-api-docs), trimmed of the push-only `pn_apns` wrapper and with the numbers
 * replaced by synthetic ones (555-01xx). The field names, nesting and values are RingCentral's.
 */
const vendorExample = {
  uuid: '837270960869181944',
  event: '/restapi/v1.0/account/400144452008/extension/400144455008/telephony/sessions',
  timestamp: '2018-06-05T00:14:50.181Z',
  subscriptionId: '5c37f936-fa66-4b4b-95af-1e94b51a748d',
  ownerId: '400144455008',
  body: {
    sequence: 5,
    sessionId: '402936341008',
    telephonySessionId: 'Y3MxNzE4NDE5MDM0MzQwMTgzODRAMTAuNjIuMjUuMTEx',
    serverId: '10.62.25.111.TAM',
    eventTime: '2018-06-05T00:14:50.147Z',
    accountId: '400144452008',
    parties: [
      {
        sipData: { callId: '555555555555', toTag: '123', fromTag: '456' },
        extensionId: '400144455008',
        id: 'cs171841903434018384-2',
        direction: 'Inbound',
        to: { phoneNumber: '+16175550100', name: 'Synthetic Desk', extensionId: '400144455008' },
        from: { phoneNumber: '+16175550142', name: 'Synthetic Caller' },
        status: { code: 'Proceeding', mobilePickupData: { ccMailboxes: ['400144455008'], to: '#19008@example.com:5060', sid: '402936472080', srvLvl: '-149699523', srvLvlExt: '390' } },
        missedCall: false,
        standAlone: false,
        muted: false,
      },
    ],
    origin: { type: 'Call' },
    extensionId: '400144455008',
  },
};

const parse = (value: unknown): RingcentralNotification => ringcentralNotificationSchema.parse(value);

describe('RingCentral telephony session notifications → normalized call events', () => {
  it("reads RingCentral's documented example as a ringing call with the caller's number and the extension", () => {
    const events = telephonySessionEvents(parse(vendorExample));
    expect(events).toHaveLength(1);
    const [ringing] = events;
    expect(ringing).toMatchObject({
      id: 'Y3MxNzE4NDE5MDM0MzQwMTgzODRAMTAuNjIuMjUuMTEx:ringing', provider: 'ringcentral', type: 'call.ringing', occurredAt: '2018-06-05T00:14:50.147Z',
      call: { id: 'Y3MxNzE4NDE5MDM0MzQwMTgzODRAMTAuNjIuMjUuMTEx', ani: '+16175550142', dnis: '+16175550100', agent: '400144455008', direction: 'inbound' },
    });
    // What is stored passes the one normalized schema, like a CTI event.
    expect(callEventSchema.safeParse(ringing).success).toBe(true);
    // Names RingCentral sends are never carried into the event.
    expect(JSON.stringify(events)).not.toContain('Synthetic Caller');
  });

  it.each([
    ['Setup', undefined, false, 'call.ringing'],
    ['Answered', undefined, false, 'call.answered'],
    ['Disconnected', 'CallFinished', false, 'call.ended'],
    ['Disconnected', 'Cancelled', true, 'call.missed'],
    ['VoiceMail', 'Voicemail', false, 'voicemail'],
    ['Gone', 'BlindTransfer', false, 'call.transferred'],
  ] as const)('%s (%s, missed %s) → %s', (code, reason, missedCall, type) => {
    const events = telephonySessionEvents(parse(ringcentralNotification({ sessionId: 's-1', code, ...(reason ? { reason } : {}), missedCall })));
    expect(events.map((event) => event.type)).toEqual([type]);
  });

  it('has no event for hold, park or a Gone that is not a transfer', () => {
    for (const [code, reason] of [['Hold', undefined], ['Parked', undefined], ['Gone', 'Pickup']] as const) {
      expect(telephonySessionEvents(parse(ringcentralNotification({ sessionId: 's-2', code, ...(reason ? { reason } : {}) })))).toEqual([]);
    }
  });

  it('gives every copy of one call step the same event id, whichever delivery or party carries it', () => {
    const first = telephonySessionEvents(parse(ringcentralNotification({ sessionId: 's-3', code: 'Proceeding', uuid: '1001', partyId: 'p-1', extensionId: '101' })));
    const second = telephonySessionEvents(parse(ringcentralNotification({ sessionId: 's-3', code: 'Proceeding', uuid: '1002', partyId: 'p-2', extensionId: '102' })));
    expect(first[0]!.id).toBe(second[0]!.id);
  });

  it('takes the caller from the outside party when one notification lists internal legs too', () => {
    const notification = parse(ringcentralNotification({ sessionId: 's-4', code: 'Answered', ani: '+16175550177' }));
    notification.body.parties.unshift({ id: 'p-internal', direction: 'Outbound', extensionId: '103', from: { phoneNumber: '103', extensionId: '103' }, to: { phoneNumber: '101', extensionId: '101' }, status: { code: 'Answered' } });
    const [answered] = telephonySessionEvents(notification);
    expect(answered!.call.ani).toBe('+16175550177');
  });

  it('takes the patient as the caller on an outbound call', () => {
    const [event] = telephonySessionEvents(parse(ringcentralNotification({ sessionId: 's-5', code: 'Answered', direction: 'Outbound', ani: '+16175550188' })));
    expect(event!.call).toMatchObject({ ani: '+16175550188', direction: 'outbound' });
  });

  it('refuses a notification that is not about telephony sessions, naming the field', () => {
    const result = ringcentralNotificationSchema.safeParse({ ...vendorExample, event: '/restapi/v1.0/account/~/extension/~/message-store' });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toContain('event');
  });
});

describe('Verification-Token', () => {
  const token = 'a'.repeat(8) + '3f9c2b7e1d4a6f8091c5e7b3a2d4f6e8a0b1c3d5e7f9a2b4c6d8e0f1a3b5c7d9';
  it('accepts the token of our subscription, and either token during a rotation', () => {
    expect(verifyRingcentralToken(token, [token])).toEqual({ ok: true });
    expect(verifyRingcentralToken(token, ['other-token-value', token])).toEqual({ ok: true });
  });
  it('refuses a missing, different, truncated or extended token', () => {
    expect(verifyRingcentralToken(undefined, [token])).toMatchObject({ ok: false, code: 'SIGNATURE_MISSING' });
    for (const given of ['nope', token.slice(0, -1), `${token}x`, token.toUpperCase()]) {
      expect(verifyRingcentralToken(given, [token])).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    }
  });
  it('refuses everything when no token is configured', () => {
    expect(verifyRingcentralToken('', [])).toMatchObject({ ok: false });
    expect(verifyRingcentralToken(token, [])).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });
  it('echoes only validation tokens shaped like the ones RingCentral sends', () => {
    expect(isValidationToken('4c2ef9a1-7b3d-4e8f-9a0b-1c2d3e4f5a6b')).toBe(true);
    expect(isValidationToken('x\r\nSet-Cookie: a=b')).toBe(false);
    expect(isValidationToken('')).toBe(false);
  });
});
