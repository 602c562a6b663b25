/**
 * The speech port: what a PBX media adapter hands audio to, and what any speech-to-text engine
 * implements. Pure types and a counting no-op; engines that do I/O live in `*.client.ts` files.
 *
 * Telephone audio is narrowband: Twilio Media Streams carry 8 kHz mu-law only. Engines whose
 * models are wideband (16 kHz, e.g. Debian's pocketsphinx en-us) fail on it almost completely
 * (91–100% WER measured, STACK-NOTES "Speech"), and upsampling cannot restore the missing band.
 * So an engine must say so in `supports` rather than accept the stream and return noise.
 */

export interface AudioFormat {
  encoding: 'mulaw' | 'pcm_s16le';
  sampleRate: number;
  channels: 1;
}

export interface SpeechSession {
  /** One frame of audio, in arrival order, never a duplicate. Must not throw for ordinary audio. */
  push(frame: Uint8Array, meta: { sequence: number; timestampMs: number }): void;
  /** Flushes and returns the result. Called once. */
  end(): Promise<SpeechResult>;
}

export interface SpeechResult {
  /** The transcript, or null when there is none. PHI: never log it, never audit it. */
  text: string | null;
  engine: string;
  frames: number;
  audioMs: number;
  /** Why there is no text (a short fixed phrase, never audio-derived content). */
  reason?: string;
}

export type FormatSupport = { ok: true } | { ok: false; reason: string };

export interface SpeechEngine {
  readonly name: string;
  supports(format: AudioFormat): FormatSupport;
  start(stream: { callSid: string; streamSid: string; format: AudioFormat }): SpeechSession;
}

/** Bytes per sample of each encoding (mono). */
const bytesPerSample: Record<AudioFormat['encoding'], number> = { mulaw: 1, pcm_s16le: 2 };

/** Duration of `bytes` of audio in `format`, in milliseconds (not rounded). */
export function audioDurationMs(format: AudioFormat, bytes: number): number {
  return (bytes / (bytesPerSample[format.encoding] * format.channels * format.sampleRate)) * 1000;
}

/** The lowest sample rate a wideband model can decode. */
export const widebandSampleRate = 16_000;

/**
 * The honest `supports` for an engine with only a wideband model: it refuses telephone-band
 * audio instead of pretending. Use it from such engines' `supports`.
 */
export function requireWideband(format: AudioFormat): FormatSupport {
  if (format.sampleRate < widebandSampleRate) {
    return { ok: false, reason: `needs ${widebandSampleRate} Hz or more; ${format.sampleRate} Hz telephone-band audio is not decodable by a wideband model` };
  }
  return { ok: true };
}

/** A session that only counts: what every engine's session reports at minimum. */
export class CountingSpeechSession implements SpeechSession {
  private frames = 0;
  private bytes = 0;

  constructor(
    private readonly engine: string,
    private readonly format: AudioFormat,
    private readonly reason: string,
  ) {}

  push(frame: Uint8Array): void {
    this.frames += 1;
    this.bytes += frame.byteLength;
  }

  async end(): Promise<SpeechResult> {
    return { text: null, engine: this.engine, frames: this.frames, audioMs: Math.round(audioDurationMs(this.format, this.bytes)), reason: this.reason };
  }
}

/**
 * No speech-to-text: the default until an engine that works on 8 kHz audio is configured.
 * It accepts every format (it decodes nothing) and reports how much audio went by.
 */
export class NoopSpeechEngine implements SpeechEngine {
  readonly name = 'noop';

  supports(_format: AudioFormat): FormatSupport {
    return { ok: true };
  }

  start(stream: { callSid: string; streamSid: string; format: AudioFormat }): SpeechSession {
    return new CountingSpeechSession(this.name, stream.format, 'no speech engine configured');
  }
}
