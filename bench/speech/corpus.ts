/**
 * The synthetic call-audio corpus (issue 17): each sentence spoken by flite voices (awb, rms, slt,
 * kal16) and espeak-ng, resampled to 16 kHz, plus the telephone version of each (band-passed,
 * 8 kHz µ-law, back up to 16 kHz). Rendered at test or bench time and cached under the system temp
 * dir keyed by a hash of the text and voice: never committed as audio. All voices are synthetic.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeAudioFile } from '../../src/speech/audio/decode.ts';
import { resamplePcm } from '../../src/speech/audio/resample.ts';
import { telephoneRoundTrip } from '../../src/speech/audio/telephone.ts';
import type { PcmAudio } from '../../src/speech/speech-engine.ts';

const run = promisify(execFile);

export const corpusVoices = ['awb', 'rms', 'slt', 'kal16', 'espeak'] as const;
export type CorpusVoice = (typeof corpusVoices)[number];
export type Channel = 'wideband' | 'telephone';

/** Where rendered audio is cached (CALLCHART_SPEECH_CORPUS_DIR overrides). */
export const corpusCacheDir = process.env.CALLCHART_SPEECH_CORPUS_DIR ?? join(tmpdir(), 'callchart-speech-corpus');

/** `text` spoken by `voice` at 16 kHz mono (cached). */
export async function renderSpeech(text: string, voice: CorpusVoice): Promise<PcmAudio> {
  const key = createHash('sha256').update(`v1\0${voice}\0${text}`).digest('hex').slice(0, 24);
  const wavPath = join(corpusCacheDir, `${voice}-${key}.wav`);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(wavPath);
  } catch {
    await mkdir(corpusCacheDir, { recursive: true });
    // Written under a unique name then renamed, so two runs at once never read half a file.
    const partPath = `${wavPath}.${process.pid}.${Math.random().toString(36).slice(2)}.part.wav`;
    if (voice === 'espeak') await run('espeak-ng', ['-v', 'en-us', '-w', partPath, text]);
    else await run('flite', ['-voice', voice, '-t', text, '-o', partPath]);
    await rename(partPath, wavPath);
    bytes = await readFile(wavPath);
  }
  return resamplePcm(decodeAudioFile(bytes, { fileName: wavPath }), 16_000);
}

/** `text` spoken by `voice` as a 16 kHz engine hears it on `channel`. */
export async function renderCall(text: string, voice: CorpusVoice, channel: Channel): Promise<PcmAudio> {
  const wideband = await renderSpeech(text, voice);
  return channel === 'wideband' ? wideband : telephoneRoundTrip(wideband, 16_000);
}

/** Utterances joined with `gapMs` of silence between them (a caller pausing). */
export function withPauses(parts: PcmAudio[], gapMs: number): PcmAudio {
  const sampleRate = parts[0]?.sampleRate ?? 16_000;
  const gap = Math.round((gapMs / 1000) * sampleRate);
  const length = parts.reduce((sum, part) => sum + part.samples.length, 0) + gap * Math.max(0, parts.length - 1);
  const samples = new Int16Array(length);
  let offset = 0;
  for (const part of parts) {
    samples.set(part.samples, offset);
    offset += part.samples.length + gap;
  }
  return { samples, sampleRate };
}
