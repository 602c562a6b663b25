import VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import type { IvrPrompt } from '../ivr/ivr-flow.ts';

/** Where a call is sent, as routing decided it. */
export interface CallDestination {
  kind: 'queue' | 'agent' | 'phone' | 'voicemail';
  target: string;
  label: string;
}

type SayLanguage = Parameters<VoiceResponse['say']>[0] extends infer A ? (A extends { language?: infer L } ? L : never) : never;

/**
 * IVR prompts and routing answers as TwiML, built with Twilio's own TwiML builder. The Gather
 * posts back even on silence (`actionOnEmptyResult`), so timeouts reach the flow as input too.
 */
export function ivrPromptTwiml(prompt: IvrPrompt, options: { actionUrl: (step: string) => string; destination?: CallDestination; recordingCallbackUrl?: string; canRecordVoicemail?: boolean }): string {
  const response = new VoiceResponse();
  const language = prompt.language as SayLanguage;
  if (prompt.kind === 'gather') {
    const gather = response.gather({
      input: ['dtmf'],
      numDigits: prompt.numDigits,
      ...(prompt.finishOnKey ? { finishOnKey: prompt.finishOnKey } : {}),
      timeout: prompt.timeoutSeconds,
      action: options.actionUrl(prompt.step),
      method: 'POST',
      actionOnEmptyResult: true,
    });
    for (const text of prompt.say) gather.say({ language }, text);
    return response.toString();
  }
  for (const text of prompt.say) response.say({ language }, text);
  appendDestination(response, options.destination, options);
  return response.toString();
}

/** Connects the call to its destination; a voicemail records only with recording consent. */
export function appendDestination(
  response: VoiceResponse,
  destination: CallDestination | undefined,
  options: { recordingCallbackUrl?: string; canRecordVoicemail?: boolean } = {},
): void {
  if (!destination) {
    response.say('Please hold for the next available staff member.');
    response.enqueue('front-desk');
    return;
  }
  switch (destination.kind) {
    case 'queue':
      response.enqueue(destination.target);
      return;
    case 'agent':
      response.dial().client(destination.target);
      return;
    case 'phone':
      response.dial(destination.target);
      return;
    case 'voicemail':
      if (options.canRecordVoicemail && options.recordingCallbackUrl) {
        response.say('Please leave a message after the tone, then hang up.');
        response.record({ maxLength: 180, playBeep: true, recordingStatusCallback: options.recordingCallbackUrl, recordingStatusCallbackMethod: 'POST' });
      } else {
        // Without consent to record, no message can be taken: say so and end kindly.
        response.say('We are unable to take a message on this line. Please call back during opening hours. If this is an emergency, hang up and dial 911.');
        response.hangup();
      }
  }
}

/** A routing answer without an IVR (IVR disabled for the number). */
export function routeTwiml(destination: CallDestination | undefined, say: string[] = []): string {
  const response = new VoiceResponse();
  for (const text of say) response.say(text);
  appendDestination(response, destination);
  return response.toString();
}
