import type { AudioFormat } from '../speech/speech-engine.ts';
import { audioDurationMs } from '../speech/speech-engine.ts';
import { decodeMediaPayload, type TwilioMediaStreamMessage, type TwilioMediaTrack, type TwilioStartMessage } from './twilio-media.schema.ts';

/**
 * One Twilio Media Stream, as a state machine: `connected` → `start` → (`media` | `dtmf` |
 * `mark`)* → `stop`. It takes parsed messages and answers with what to do; it does no I/O.
 *
 * Ordering rests on `sequenceNumber`, which Twilio increments by one per message from `start`.
 * A number at or below the last one seen is a duplicate and is dropped, so the speech engine sees
 * each frame once and in order. A jump forward is a gap: counted, and processing continues with
 * the newer frame (audio that never arrived cannot be waited for on a live call).
 *
 * A missing `connected` is tolerated and reported in the summary; Twilio documents it as always
 * first, but refusing a whole call's audio over a handshake message would cost more than it saves.
 */

export const MediaStreamPhase = { awaitingStart: 'awaiting-start', streaming: 'streaming', stopped: 'stopped' } as const;
export type MediaStreamPhase = (typeof MediaStreamPhase)[keyof typeof MediaStreamPhase];

/** Protocol violations the tracker refuses. Codes only; they go to the audit log. */
export const MediaStreamViolation = {
  CONNECTED_REPEATED: 'CONNECTED_REPEATED',
  START_REPEATED: 'START_REPEATED',
  MEDIA_BEFORE_START: 'MEDIA_BEFORE_START',
  MESSAGE_AFTER_STOP: 'MESSAGE_AFTER_STOP',
  STREAM_MISMATCH: 'STREAM_MISMATCH',
  CALL_MISMATCH: 'CALL_MISMATCH',
  TRACK_UNEXPECTED: 'TRACK_UNEXPECTED',
  MEDIA_FORMAT_UNSUPPORTED: 'MEDIA_FORMAT_UNSUPPORTED',
  PAYLOAD_INVALID: 'PAYLOAD_INVALID',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
} as const;
export type MediaStreamViolation = (typeof MediaStreamViolation)[keyof typeof MediaStreamViolation];

export interface MediaStreamIdentity {
  accountSid: string;
  callSid: string;
  streamSid: string;
  tracks: TwilioMediaTrack[];
  format: AudioFormat;
}

export interface MediaStreamSummary {
  /** Media frames accepted, all tracks. */
  frames: number;
  /** Of those, frames from the caller (`inbound`): the ones that go to speech. */
  inboundFrames: number;
  /** Duration of accepted inbound audio, rounded to the millisecond. */
  audioMs: number;
  /** Messages dropped because their sequence number was already seen or older. */
  duplicates: number;
  /** Forward jumps in sequence numbers. */
  gaps: number;
  /** Sequence numbers skipped by those jumps: messages (mostly frames) that never arrived. */
  missingMessages: number;
  dtmf: number;
  marks: number;
  /** Messages refused as protocol violations. */
  violations: number;
  connectedSeen: boolean;
  stopped: boolean;
}

export type MediaStreamAction =
  | { type: 'connected' }
  | { type: 'started'; stream: MediaStreamIdentity }
  /** `missingBefore` > 0 when messages were lost just before this one. */
  | { type: 'frame'; track: TwilioMediaTrack; bytes: Uint8Array; sequence: number; chunk: number; timestampMs: number; missingBefore: number }
  /** The digit can be PHI (a keyed-in date of birth): pass it on, never log it. */
  | { type: 'dtmf'; digit: string; sequence: number }
  | { type: 'mark'; name: string; sequence: number }
  | { type: 'duplicate'; sequence: number }
  | { type: 'stopped'; summary: MediaStreamSummary }
  | { type: 'rejected'; code: MediaStreamViolation };

/** Maps Twilio's `start.mediaFormat` onto the speech port's format, or null if we cannot carry it. */
export function audioFormatFromTwilio(mediaFormat: TwilioStartMessage['start']['mediaFormat']): AudioFormat | null {
  if (mediaFormat.encoding !== 'audio/x-mulaw' || mediaFormat.channels !== 1) return null;
  return { encoding: 'mulaw', sampleRate: mediaFormat.sampleRate, channels: 1 };
}

export class MediaStreamTracker {
  private phase: MediaStreamPhase = MediaStreamPhase.awaitingStart;
  private connectedSeen = false;
  private identity: MediaStreamIdentity | null = null;
  private lastSequence = 0;
  private inboundBytes = 0;
  private readonly counts = { frames: 0, inboundFrames: 0, duplicates: 0, gaps: 0, missingMessages: 0, dtmf: 0, marks: 0, violations: 0 };

  get state(): MediaStreamPhase {
    return this.phase;
  }

  /** The stream's ids and format once `start` was accepted. */
  get stream(): MediaStreamIdentity | null {
    return this.identity;
  }

  /** Takes the next parsed message and says what to do with it. */
  accept(message: TwilioMediaStreamMessage): MediaStreamAction {
    if (this.phase === MediaStreamPhase.stopped) return this.reject('MESSAGE_AFTER_STOP');

    if (message.event === 'connected') {
      if (this.connectedSeen || this.phase !== MediaStreamPhase.awaitingStart) return this.reject('CONNECTED_REPEATED');
      this.connectedSeen = true;
      return { type: 'connected' };
    }

    if (message.event === 'start') {
      if (this.phase !== MediaStreamPhase.awaitingStart) return this.reject('START_REPEATED');
      if (message.streamSid !== message.start.streamSid) return this.reject('STREAM_MISMATCH');
      const format = audioFormatFromTwilio(message.start.mediaFormat);
      if (!format) return this.reject('MEDIA_FORMAT_UNSUPPORTED');
      const { accountSid, callSid, streamSid } = message.start;
      this.identity = { accountSid, callSid, streamSid, tracks: [...new Set(message.start.tracks)], format };
      // Sequence numbers count from `start`; whatever came before it is not ours to miss.
      this.lastSequence = message.sequenceNumber;
      this.phase = MediaStreamPhase.streaming;
      return { type: 'started', stream: this.identity };
    }

    const stream = this.identity;
    if (!stream) return this.reject('MEDIA_BEFORE_START');
    if (message.streamSid !== stream.streamSid) return this.reject('STREAM_MISMATCH');

    // Check the message itself before it may move the sequence on: a refused frame is not "seen".
    let bytes: Uint8Array | null = null;
    if (message.event === 'media') {
      if (!stream.tracks.includes(message.media.track)) return this.reject('TRACK_UNEXPECTED');
      const decoded = decodeMediaPayload(message.media.payload);
      if (!decoded.ok) return this.reject(decoded.code);
      bytes = decoded.bytes;
    }
    if (message.event === 'stop' && (message.stop.callSid !== stream.callSid || message.stop.accountSid !== stream.accountSid)) {
      return this.reject('CALL_MISMATCH');
    }

    const sequence = message.sequenceNumber;
    if (sequence <= this.lastSequence) {
      this.counts.duplicates += 1;
      return { type: 'duplicate', sequence };
    }
    const missingBefore = sequence - this.lastSequence - 1;
    if (missingBefore > 0) {
      this.counts.gaps += 1;
      this.counts.missingMessages += missingBefore;
    }
    this.lastSequence = sequence;

    switch (message.event) {
      case 'media': {
        this.counts.frames += 1;
        if (message.media.track === 'inbound') {
          this.counts.inboundFrames += 1;
          this.inboundBytes += bytes!.byteLength;
        }
        return { type: 'frame', track: message.media.track, bytes: bytes!, sequence, chunk: message.media.chunk, timestampMs: message.media.timestamp, missingBefore };
      }
      case 'dtmf':
        this.counts.dtmf += 1;
        return { type: 'dtmf', digit: message.dtmf.digit, sequence };
      case 'mark':
        this.counts.marks += 1;
        return { type: 'mark', name: message.mark.name, sequence };
      case 'stop':
        this.phase = MediaStreamPhase.stopped;
        return { type: 'stopped', summary: this.summary() };
    }
  }

  /** Counts so far; also what to report when the socket goes away without a `stop`. */
  summary(): MediaStreamSummary {
    const audioMs = this.identity ? Math.round(audioDurationMs(this.identity.format, this.inboundBytes)) : 0;
    return { ...this.counts, audioMs, connectedSeen: this.connectedSeen, stopped: this.phase === MediaStreamPhase.stopped };
  }

  private reject(code: MediaStreamViolation): MediaStreamAction {
    this.counts.violations += 1;
    return { type: 'rejected', code };
  }
}

/**
 * The URL Twilio signs when it opens a Media Stream: the `wss://` URL from the <Stream> TwiML.
 * Behind TLS termination we see an `https` (or `http`) request, so the scheme is mapped back to
 * the WebSocket one before checking the signature. `<Stream url>` may not carry a query string
 * (Twilio error 31920), so the path is the whole of what is signed besides scheme and host.
 */
export function mediaStreamSignedUrl(httpUrl: string): string {
  return httpUrl.replace(/^https:\/\//i, 'wss://').replace(/^http:\/\//i, 'ws://');
}
