import type { CallEvent } from '../../src/calls/call-event.schema.ts';
import { syntheticEvent } from './engine-harness.ts';

/** The IVR's four consent answers for a synthetic call (all granted unless listed as declined). */
export function consentEvents(callId: string, ani: string, declined: readonly ('record' | 'transcribe' | 'ai' | 'ehr')[] = [], queue?: string): CallEvent[] {
  return (['record', 'transcribe', 'ai', 'ehr'] as const).map((scope) => {
    const event = syntheticEvent({ type: 'consent.captured', callId, ani, data: { scope, granted: !declined.includes(scope), method: 'ivr' } });
    return queue ? { ...event, call: { ...event.call, queue } } : event;
  });
}
