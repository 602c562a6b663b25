import VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import type { IvrPrompt } from '../ivr/ivr-flow.ts';
import { streamTokenParameter } from './twilio-stream-token.ts';

/** Where a call is sent, as routing decided it. */
export interface CallDestination {
  kind: 'queue' | 'agent' | 'phone' | 'voicemail';
  target: string;
  label: string;
}

/** A Media Stream to fork the caller's audio to, with its one-time token (twilio-stream-token.ts). */
export interface MediaStreamStart {
  /** The wss:// URL of /media/twilio as Twilio reaches it. */
  url: string;
  token: string;
}

/**
 * `<Start><Stream url><Parameter name="token"/></Stream></Start>`: forks the call's audio to us
 * while the call goes on. Twilio hands the parameter back in the stream's `start` message, where
 * the token is checked. Put it first, so the stream starts as the TwiML is read.
 */
export function appendMediaStreamStart(response: VoiceResponse, stream: MediaStreamStart): void {
  response.start().stream({ url: stream.url }).parameter({ name: streamTokenParameter, value: stream.token });
}

/** Twilio real-time transcription of the caller's side (`<Start><Transcription>`), when the clinic turned it on. */
export interface RealtimeTranscriptionStart {
  /** Where Twilio posts transcription-started / -content / -stopped / -error (signed). */
  statusCallbackUrl: string;
  partialResults: boolean;
  languageCode: string;
}

/**
 * `<Start><Transcription statusCallbackUrl track="inbound_track" …/></Start>`: Twilio transcribes
 * the caller's audio as the call goes on and posts each utterance to us. Only the caller's track: the
 * staff member's words are not the patient's account. Like the Media Stream, only with transcribe consent.
 */
export function appendRealtimeTranscriptionStart(response: VoiceResponse, transcription: RealtimeTranscriptionStart): void {
  response.start().transcription({
    statusCallbackUrl: transcription.statusCallbackUrl,
    statusCallbackMethod: 'POST',
    track: 'inbound_track',
    partialResults: transcription.partialResults,
    languageCode: transcription.languageCode,
  });
}

type SayLanguage = Parameters<VoiceResponse['say']>[0] extends infer A ? (A extends { language?: infer L } ? L : never) : never;

/**
 * IVR prompts and routing answers as TwiML, built with Twilio's own TwiML builder. The Gather
 * posts back even on silence (`actionOnEmptyResult`), so timeouts reach the flow as input too.
 */
export function ivrPromptTwiml(
  prompt: IvrPrompt,
  options: {
    actionUrl: (step: string) => string; destination?: CallDestination; recordingCallbackUrl?: string; canRecordVoicemail?: boolean; mediaStream?: MediaStreamStart;
    realtimeTranscription?: RealtimeTranscriptionStart;
  },
): string {
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
  // The stream starts only when the call is connected: by then the IVR has asked for consent.
  if (options.mediaStream) appendMediaStreamStart(response, options.mediaStream);
  if (options.realtimeTranscription) appendRealtimeTranscriptionStart(response, options.realtimeTranscription);
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
export function routeTwiml(destination: CallDestination | undefined, say: string[] = [], options: { mediaStream?: MediaStreamStart; realtimeTranscription?: RealtimeTranscriptionStart } = {}): string {
  const response = new VoiceResponse();
  if (options.mediaStream) appendMediaStreamStart(response, options.mediaStream);
  if (options.realtimeTranscription) appendRealtimeTranscriptionStart(response, options.realtimeTranscription);
  for (const text of say) response.say(text);
  appendDestination(response, destination);
  return response.toString();
}
