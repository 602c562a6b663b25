import wavefile from 'wavefile';
import type { PcmAudio } from '../speech-engine.ts';

/** A 16-bit PCM mono WAV file of `audio` (what engines and `POST /v1/audio/transcriptions` take). */
export function encodeWav(audio: PcmAudio): Uint8Array {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, audio.sampleRate, '16', audio.samples);
  return wav.toBuffer();
}
