import type { CallEvent } from '../calls/call-event.schema.ts';
import { signZoomRequest } from '../pbx/zoom-signature.ts';

/**
 * What Zoom Phone would send for a normalized event, for `callchart simulate --source zoom`: the
 * call's lifecycle in Zoom's webhook format (shape of Zoom's published phone event types), signed
 * with the app's Secret Token. Zoom has no event for an IVR's consent answers or keypad input, nor
 * a transcript in its webhooks: those stay CTI events (the clinic's IVR bridge sends them), and a
 * voicemail's transcript follows it as a `transcript.available` CTI event. All data synthetic.
 */
export type ZoomDelivery = { kind: 'zoom'; body: Record<string, unknown> } | { kind: 'cti'; event: CallEvent };

const at = (iso: string, plusSeconds: number) => new Date(Date.parse(iso) + plusSeconds * 1000).toISOString();

function callee(event: CallEvent, asAgent: boolean): Record<string, unknown> {
  const agentNumber = asAgent && event.call.agent ? /\d+/.exec(event.call.agent)?.[0] : undefined;
  if (agentNumber) return { phone_number: event.call.dnis ?? '', extension_number: Number(agentNumber), extension_type: 'user', name: 'Synthetic Agent' };
  return { phone_number: event.call.dnis ?? '', ...(event.call.queue ? { extension_type: 'callQueue', name: event.call.queue } : {}) };
}

function leg(name: string, event: CallEvent, times: Record<string, string>, asAgent = false): ZoomDelivery {
  return {
    kind: 'zoom',
    body: {
      event: name, event_ts: Date.parse(event.occurredAt),
      payload: {
        account_id: 'acct-synthetic',
        object: {
          call_id: event.call.id, caller: { phone_number: event.call.ani, connection_type: 'pstn_off_net' }, callee: callee(event, asAgent),
          ...(asAgent && event.call.queue ? { forwarded_by: { extension_type: 'callQueue', name: event.call.queue } } : {}),
          ...times,
        },
      },
    },
  };
}

export function zoomDeliveriesFor(event: CallEvent): ZoomDelivery[] {
  switch (event.type) {
    case 'call.ringing':
      return [leg('phone.callee_ringing', event, { ringing_start_time: event.occurredAt })];
    case 'call.answered':
      return [leg('phone.callee_answered', event, { answer_start_time: event.occurredAt }, true)];
    case 'call.ended': {
      const answered: Record<string, string> = event.data.durationSeconds !== undefined ? { answer_start_time: at(event.occurredAt, -event.data.durationSeconds) } : {};
      const ended = [leg('phone.callee_ended', event, { ...answered, call_end_time: event.occurredAt })];
      return event.data.transcript ? [...ended, transcriptOf(event, event.data.transcript)] : ended;
    }
    case 'call.missed':
      return [leg('phone.callee_missed', event, { call_end_time: event.occurredAt })];
    case 'voicemail': {
      const voicemail: ZoomDelivery = {
        kind: 'zoom',
        body: {
          event: 'phone.voicemail_received', event_ts: Date.parse(event.occurredAt),
          payload: {
            account_id: 'acct-synthetic',
            object: {
              id: `vm-${event.call.id}`, call_id: event.call.id, caller_number: event.call.ani, caller_name: '', callee_number: event.call.dnis ?? '',
              ...(event.call.queue ? { callee_extension_type: 'callQueue', callee_name: event.call.queue } : {}),
              date_time: event.occurredAt, download_url: 'https://zoom.example.invalid/voicemail', ...(event.data.durationSeconds !== undefined ? { duration: event.data.durationSeconds } : {}),
            },
          },
        },
      };
      return event.data.transcript ? [voicemail, transcriptOf(event, event.data.transcript)] : [voicemail];
    }
    default:
      return [{ kind: 'cti', event }];
  }
}

function transcriptOf(event: CallEvent, transcript: NonNullable<Extract<CallEvent, { type: 'voicemail' }>['data']['transcript']>): ZoomDelivery {
  return { kind: 'cti', event: { id: `${event.id}-transcript`, provider: event.provider, type: 'transcript.available', occurredAt: at(event.occurredAt, 1), call: event.call, data: { transcript } } };
}

/** Posts one Zoom webhook as Zoom does: JSON, signed with the Secret Token and the time now. */
export async function postZoomWebhook(target: string, secretToken: string, body: Record<string, unknown>, timestamp = Math.floor(Date.now() / 1000)): Promise<Response> {
  const raw = JSON.stringify(body);
  return fetch(`${target}/webhooks/zoom`, { method: 'POST', headers: { 'content-type': 'application/json', ...signZoomRequest(secretToken, raw, timestamp) }, body: raw });
}
