/**
 * Whether a call's audio is kept (issue 17, TR-3), pure. Kept only with `speech.audio.keep` on AND
 * the caller's record consent granted as it stands at the end of the call (consent can change
 * during the call: the last answer counts). Otherwise nothing is stored, and the reason is audited.
 */
import type { AudioFormat } from './speech-engine.ts';

export type AudioKeepDecision =
  | { keep: true; expiresAt: Date }
  | { keep: false; reason: 'AUDIO_NOT_KEPT' | 'NO_RECORD_CONSENT' | 'NO_AUDIO' };

const dayMs = 86_400_000;

export function audioKeepDecision(
  settings: { keep: boolean; retentionDays: number },
  consents: Record<string, { status: string }>,
  audioBytes: number,
  now: Date,
): AudioKeepDecision {
  if (!settings.keep) return { keep: false, reason: 'AUDIO_NOT_KEPT' };
  if (consents.record?.status !== 'granted') return { keep: false, reason: 'NO_RECORD_CONSENT' };
  if (audioBytes <= 0) return { keep: false, reason: 'NO_AUDIO' };
  return { keep: true, expiresAt: new Date(now.getTime() + settings.retentionDays * dayMs) };
}

/** Whole milliseconds of audio in `bytes` of this format (mono). */
export function audioDurationMs(format: AudioFormat, bytes: number): number {
  const bytesPerSample = format.encoding === 'mulaw' ? 1 : 2;
  return Math.floor((bytes / bytesPerSample / format.sampleRate) * 1_000);
}
