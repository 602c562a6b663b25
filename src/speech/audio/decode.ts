/**
 * Audio files to mono 16-bit PCM, for `callchart transcribe`, the transcription service and
 * recordings. WAV (PCM 8/16/24/32-bit, float, µ-law, A-law, IMA ADPCM; any channel count, mixed
 * to mono) is parsed by `wavefile`; headerless µ-law and PCM are named by their extension.
 * Everything else is refused with a code a caller can act on, never a stack trace.
 */
import wavefile from 'wavefile';
import { CallchartError } from '../../lib/errors.ts';
import type { PcmAudio } from '../speech-engine.ts';
import { alawToPcm, mulawToPcm } from './mulaw.ts';

/** Below this there is no speech to hear; above it a file is not call audio. */
export const minSampleRate = 4_000;
export const maxSampleRate = 192_000;
/** Longest audio decoded at once (4 hours): a longer "call" is a mistake or an attack. */
export const maxAudioSeconds = 4 * 60 * 60;

const mulawExtensions = new Set(['ulaw', 'mulaw', 'ul', 'mu']);
const pcmExtensions = new Set(['raw', 'pcm', 's16', 's16le']);
const wavExtensions = new Set(['wav', 'wave']);

/** Formats recognised by their first bytes, to say what they are when refusing them. */
const knownOtherFormats: Array<{ name: string; matches: (bytes: Uint8Array) => boolean }> = [
  { name: 'MP3', matches: (b) => ascii(b, 0, 3) === 'ID3' || isMpegAudioFrameHeader(b) },
  { name: 'Ogg', matches: (b) => ascii(b, 0, 4) === 'OggS' },
  { name: 'FLAC', matches: (b) => ascii(b, 0, 4) === 'fLaC' },
  { name: 'MP4/M4A', matches: (b) => ascii(b, 4, 8) === 'ftyp' },
  { name: 'WebM/Matroska', matches: (b) => b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3 },
  { name: 'AIFF', matches: (b) => ascii(b, 0, 4) === 'FORM' },
];

/**
 * A valid MPEG audio frame header at the start: the 11-bit sync AND a version, layer, bitrate and
 * sample-rate that exist. The sync alone (0xFF 0xE0…) is also what µ-law silence looks like (0xFF
 * bytes), so a raw µ-law recording that starts quietly must not be taken for MP3.
 */
function isMpegAudioFrameHeader(b: Uint8Array): boolean {
  if (b.length < 4 || b[0] !== 0xff || (b[1]! & 0xe0) !== 0xe0) return false;
  const version = (b[1]! >> 3) & 0b11;
  const layer = (b[1]! >> 1) & 0b11;
  const bitrate = b[2]! >> 4;
  const sampleRate = (b[2]! >> 2) & 0b11;
  return version !== 0b01 && layer !== 0b00 && bitrate !== 0b1111 && bitrate !== 0 && sampleRate !== 0b11;
}

/** WAV `fmt ` format codes. */
const WaveFormat = { pcm: 1, float: 3, alaw: 6, mulaw: 7, imaAdpcm: 17, extensible: 0xfffe } as const;

export interface DecodeOptions {
  /** The file's name as given (only its extension is used). */
  fileName?: string;
  /** Sample rate of headerless audio: required for raw PCM; µ-law defaults to 8 kHz. */
  sampleRate?: number;
}

/**
 * Decodes an audio file to mono 16-bit PCM at its own sample rate.
 * @throws CallchartError AUDIO_UNREADABLE (empty, truncated, corrupt), AUDIO_FORMAT_UNSUPPORTED
 *   (mp3, ogg, unknown extension, odd sample rate, raw PCM without a rate), PAYLOAD_TOO_LARGE (> 4 h).
 */
export function decodeAudioFile(bytes: Uint8Array, options: DecodeOptions = {}): PcmAudio {
  if (bytes.byteLength === 0) throw unreadable('the audio file is empty');
  const extension = extensionOf(options.fileName);
  if (isRiffWave(bytes)) return decodeWav(bytes);
  const other = knownOtherFormats.find((format) => format.matches(bytes));
  if (other) throw unsupported(`${other.name} audio is not supported; send WAV, µ-law (.ulaw) or 16-bit PCM (.raw)`, { format: other.name });
  if (extension && wavExtensions.has(extension)) throw unreadable('the file is named .wav but has no RIFF/WAVE header');
  if (extension && mulawExtensions.has(extension)) {
    const sampleRate = checkedRate(options.sampleRate ?? 8_000);
    checkDuration(bytes.byteLength, sampleRate);
    return { samples: mulawToPcm(bytes), sampleRate };
  }
  if (extension && pcmExtensions.has(extension)) {
    if (options.sampleRate === undefined) throw unsupported('raw PCM has no header: give its sample rate');
    const sampleRate = checkedRate(options.sampleRate);
    if (bytes.byteLength % 2 !== 0) throw unreadable('raw 16-bit PCM must have an even number of bytes; the file looks truncated');
    checkDuration(bytes.byteLength / 2, sampleRate);
    const samples = new Int16Array(bytes.byteLength / 2);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true);
    return { samples, sampleRate };
  }
  throw unsupported(extension ? `.${extension} files are not supported; send WAV, µ-law (.ulaw) or 16-bit PCM (.raw)` : 'the audio format was not recognised; send WAV, or name a µ-law (.ulaw) or PCM (.raw) file', extension ? { extension } : undefined);
}

interface WavFormatChunk {
  audioFormat: number;
  numChannels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
}

function decodeWav(bytes: Uint8Array): PcmAudio {
  const wav = new wavefile.WaveFile();
  try {
    wav.fromBuffer(bytes);
  } catch (error) {
    throw unreadable('the WAV file is corrupt or truncated', undefined, error);
  }
  const fmt = wav.fmt as WavFormatChunk & { validBitsPerSample?: number; subformat?: number[] };
  const data = wav.data as { chunkSize: number; samples: Uint8Array };
  const audioFormat = fmt.audioFormat === WaveFormat.extensible ? (fmt.subformat?.[0] ?? 0) : fmt.audioFormat;
  if (!fmt.numChannels || fmt.numChannels < 1) throw unreadable('the WAV header gives no channels');
  const sampleRate = checkedRate(fmt.sampleRate);
  const frameCount = fmt.blockAlign > 0 ? Math.floor(data.samples.byteLength / fmt.blockAlign) : 0;
  if (frameCount === 0) throw unreadable('the WAV file holds no audio');
  if (data.chunkSize > data.samples.byteLength && data.chunkSize !== 0xffffffff) {
    // The header promises more audio than the file holds: cut off in transfer.
    throw unreadable('the WAV file is truncated: its header promises more audio than it holds');
  }
  checkDuration(frameCount, sampleRate);
  try {
    switch (audioFormat) {
      case WaveFormat.mulaw:
        if (fmt.numChannels === 1) return { samples: mulawToPcm(data.samples), sampleRate };
        wav.fromMuLaw();
        break;
      case WaveFormat.alaw:
        if (fmt.numChannels === 1) return { samples: alawToPcm(data.samples), sampleRate };
        wav.fromALaw();
        break;
      case WaveFormat.imaAdpcm:
        wav.fromIMAADPCM();
        break;
      case WaveFormat.pcm:
        if (![8, 16, 24, 32].includes(fmt.bitsPerSample)) throw unsupported(`${fmt.bitsPerSample}-bit PCM WAV is not supported`);
        if (fmt.bitsPerSample !== 16) wav.toBitDepth('16');
        break;
      case WaveFormat.float:
        if (![32, 64].includes(fmt.bitsPerSample)) throw unsupported(`${fmt.bitsPerSample}-bit float WAV is not supported`);
        wav.toBitDepth('16');
        break;
      default:
        throw unsupported(`WAV audio format ${audioFormat} is not supported; send PCM, float, µ-law or A-law WAV`, { audioFormat });
    }
    return { samples: mixToMono(wav.getSamples(false, Int16Array) as unknown as Int16Array | Int16Array[]), sampleRate };
  } catch (error) {
    if (error instanceof CallchartError) throw error;
    throw unreadable('the WAV file could not be decoded', undefined, error);
  }
}

/** Channels averaged into one: a stereo recording (caller left, clinic right) becomes the call. */
function mixToMono(channels: Int16Array | Int16Array[]): Int16Array {
  if (!Array.isArray(channels)) return channels;
  if (channels.length === 1) return channels[0]!;
  const length = Math.min(...channels.map((channel) => channel.length));
  const mono = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    let sum = 0;
    for (const channel of channels) sum += channel[i]!;
    mono[i] = Math.round(sum / channels.length);
  }
  return mono;
}

function isRiffWave(bytes: Uint8Array): boolean {
  return ['RIFF', 'RIFX', 'RF64'].includes(ascii(bytes, 0, 4)) && ascii(bytes, 8, 12) === 'WAVE';
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

function extensionOf(fileName: string | undefined): string | undefined {
  const match = fileName ? /\.([A-Za-z0-9]{1,8})$/.exec(fileName.trim()) : null;
  return match ? match[1]!.toLowerCase() : undefined;
}

function checkedRate(sampleRate: number): number {
  if (!Number.isInteger(sampleRate) || sampleRate < minSampleRate || sampleRate > maxSampleRate) {
    throw unsupported(`a sample rate of ${sampleRate} Hz is not supported; it must be between ${minSampleRate} and ${maxSampleRate} Hz`, { sampleRate });
  }
  return sampleRate;
}

function checkDuration(frames: number, sampleRate: number): void {
  if (frames / sampleRate > maxAudioSeconds) {
    throw new CallchartError('PAYLOAD_TOO_LARGE', `the audio is longer than ${maxAudioSeconds / 3600} hours`, { seconds: Math.round(frames / sampleRate) });
  }
}

function unreadable(message: string, detail?: Record<string, unknown>, cause?: unknown): CallchartError {
  return new CallchartError('AUDIO_UNREADABLE', message, detail, cause === undefined ? undefined : { cause });
}

function unsupported(message: string, detail?: Record<string, unknown>): CallchartError {
  return new CallchartError('AUDIO_FORMAT_UNSUPPORTED', message, detail);
}
