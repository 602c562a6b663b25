import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfigFile } from '../config/config.loader.ts';
import { isCallchartError } from '../lib/errors.ts';
import { createLogger } from '../lib/logger.ts';
import { decodeAudioFile } from '../speech/audio/decode.ts';
import { speechHttpApiKeyVariable, speechSettingsSchema, type SpeechSettings } from '../speech/speech.settings.ts';
import type { PcmAudio, SpeechEngine, Transcription } from '../speech/speech-engine.ts';

export interface TranscribeOptions {
  engine?: 'pocketsphinx' | 'http';
  config?: string;
  sampleRate?: number;
}

/** Exit code of every refusal: unreadable or unsupported file, bad config, engine unavailable. */
const REFUSED = 2;

class TranscribeRefused extends Error {}

/** The printed shape (a stable contract: docs/guides/transcription.md, "callchart transcribe"). */
export function transcriptionOutput(transcription: Transcription) {
  return {
    text: transcription.text,
    sampleRate: transcription.sampleRate,
    engine: transcription.engine,
    quality: transcription.quality,
    qualityReasons: transcription.qualityReasons,
    segments: transcription.segments.filter((segment) => segment.final).map((segment) => ({
      start: segment.start,
      end: segment.end,
      text: segment.text,
      quality: segment.quality,
      qualityReasons: segment.qualityReasons,
      words: segment.words.map(({ word, start, end, confidence }) => ({ word, start, end, confidence })),
    })),
    // Unconfirmed entities a domain model proposed (e.g. drug names): never part of `text`.
    candidates: transcription.candidates ?? [],
  };
}

function readAudio(file: string, sampleRate: number | undefined): PcmAudio {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TranscribeRefused(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : 'unreadable'}`);
  }
  try {
    return decodeAudioFile(bytes, { fileName: path.basename(file), ...(sampleRate ? { sampleRate } : {}) });
  } catch (error) {
    if (isCallchartError(error)) throw new TranscribeRefused(`${file}: ${error.message}`);
    throw error;
  }
}

function speechSettings(configFile: string | undefined): SpeechSettings {
  if (!configFile) return speechSettingsSchema.parse({});
  const loaded = loadConfigFile(configFile);
  if (!loaded.ok) throw new TranscribeRefused(`config ${configFile}: ${loaded.problems.length} problem(s); run \`callchart config check ${configFile}\``);
  return loaded.config.speech;
}

async function openEngine(name: 'pocketsphinx' | 'http', settings: SpeechSettings): Promise<SpeechEngine> {
  // Logs go to stderr (stdout is the JSON); warnings only, never audio or text.
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', destination: process.stderr });
  if (name === 'http') {
    if (!settings.http) throw new TranscribeRefused('--engine http needs speech.http (baseUrl, model) in the config file given with --config');
    const { HttpSpeechEngine } = await import('../speech/http/openai-transcription.client.ts');
    return new HttpSpeechEngine({ ...settings.http, lowConfidence: settings.lowConfidence }, { apiKey: process.env[speechHttpApiKeyVariable], logger });
  }
  const { PocketsphinxEngine } = await import('../speech/pocketsphinx/pocketsphinx.engine.ts');
  return PocketsphinxEngine.start({ ...settings.pocketsphinx, lowConfidence: settings.lowConfidence }, { logger });
}

/**
 * `callchart transcribe FILE`: one audio file (WAV, raw µ-law, raw PCM with --sample-rate)
 * through a speech engine; prints the transcript with segments, words, confidences and the quality
 * verdict as JSON on stdout. Any refusal is one line on stderr and exit code 2.
 */
export async function runTranscribe(file: string, options: TranscribeOptions): Promise<void> {
  let engine: SpeechEngine | null = null;
  try {
    const settings = speechSettings(options.config);
    const audio = readAudio(file, options.sampleRate);
    const name = options.engine ?? (settings.engine === 'none' ? 'pocketsphinx' : settings.engine);
    try {
      engine = await openEngine(name, settings);
    } catch (error) {
      if (error instanceof TranscribeRefused) throw error;
      throw new TranscribeRefused(`the ${name} engine is not available: ${isCallchartError(error) ? error.message : 'it could not start'}`);
    }
    if (!engine.transcribe) throw new TranscribeRefused(`the ${name} engine cannot transcribe files`);
    let transcription: Transcription;
    try {
      transcription = await engine.transcribe(audio);
    } catch (error) {
      throw new TranscribeRefused(`the ${name} engine could not transcribe ${file}: ${isCallchartError(error) ? `${error.message} (${error.code})` : 'it failed'}`);
    }
    process.stdout.write(`${JSON.stringify(transcriptionOutput(transcription), null, 2)}\n`);
  } catch (error) {
    if (!(error instanceof TranscribeRefused)) throw error;
    console.error(`callchart transcribe: ${error.message}`);
    process.exitCode = REFUSED;
  } finally {
    await engine?.close?.().catch(() => undefined);
  }
}
