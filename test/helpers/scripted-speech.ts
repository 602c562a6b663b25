import type { AudioFormat, SegmentListener, SpeechEngine, SpeechResult, SpeechSession, Transcription, TranscriptQuality, TranscriptSegment, QualityReason } from '../../src/speech/speech-engine.ts';

/** A line of a scripted caller: said once `atFrame` inbound frames have arrived (partial first, then final). */
export interface ScriptedLine {
  atFrame: number;
  text: string;
  quality?: TranscriptQuality;
  qualityReasons?: QualityReason[];
  /** Words (lower case) the engine was unsure of. */
  unsure?: string[];
}

/** Builds a segment of `text` with evenly spread words (synthetic times and confidences). */
export function scriptedSegment(line: ScriptedLine, start: number, final: boolean): TranscriptSegment {
  const words = line.text.split(/\s+/).filter(Boolean);
  const step = 0.3;
  return {
    start, end: start + words.length * step, text: line.text, final,
    quality: line.quality ?? 'ok', qualityReasons: line.qualityReasons ?? [],
    words: words.map((word, index) => ({
      word, start: start + index * step, end: start + (index + 1) * step,
      confidence: line.unsure?.includes(word.toLowerCase().replace(/[^a-z']/g, '')) ? 0.3 : 0.9,
    })),
  };
}

/**
 * Stands in for a recogniser where the test is about what happens around it (consent, redaction,
 * the hub): each line is heard as a partial (its first half) and then final, at a given frame, so
 * the test is deterministic. Synthetic text only.
 */
export class ScriptedSpeechEngine implements SpeechEngine {
  readonly name: string;
  readonly sessions: { callSid: string; frames: number; ended: boolean }[] = [];
  closed = false;

  constructor(private readonly script: readonly ScriptedLine[], options: { name?: string } = {}) {
    this.name = options.name ?? 'scripted';
  }

  supports(_format: AudioFormat) {
    return { ok: true as const };
  }

  start(stream: { callSid: string; streamSid: string; format: AudioFormat }, onSegment?: SegmentListener): SpeechSession {
    const record = { callSid: stream.callSid, frames: 0, ended: false };
    this.sessions.push(record);
    const finals: TranscriptSegment[] = [];
    const script = [...this.script];
    const engineName = this.name;
    let clock = 0;
    const say = (line: ScriptedLine) => {
      const half = line.text.split(' ').slice(0, Math.ceil(line.text.split(' ').length / 2)).join(' ');
      onSegment?.(scriptedSegment({ ...line, text: half }, clock, false));
      const final = scriptedSegment(line, clock, true);
      clock = final.end + 0.5;
      finals.push(final);
      onSegment?.(final);
    };
    return {
      push() {
        record.frames += 1;
        while (script[0] && script[0].atFrame <= record.frames) say(script.shift()!);
      },
      async end(): Promise<SpeechResult> {
        record.ended = true;
        const transcription = scriptedTranscription(engineName, finals);
        return { text: transcription.text || null, engine: engineName, frames: record.frames, audioMs: record.frames * 20, transcription };
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export function scriptedTranscription(engine: string, segments: TranscriptSegment[]): Transcription {
  const rank = { ok: 0, low: 1, unusable: 2 } as const;
  const quality = segments.reduce<TranscriptQuality>((worst, segment) => (rank[segment.quality] > rank[worst] ? segment.quality : worst), 'ok');
  return {
    text: segments.map((segment) => segment.text).join(' '), sampleRate: 8_000, engine, quality,
    qualityReasons: [...new Set(segments.flatMap((segment) => segment.qualityReasons))], segments,
  };
}
