import { describe, expect, it } from 'vitest';
import { renderSpeech, withPauses } from '../../../bench/speech/corpus.ts';
import type { PcmAudio } from '../speech-engine.ts';
import { mulawToPcm } from './mulaw.ts';
import { toTelephoneAudio } from './telephone.ts';
import { splitUtterances, UtteranceDetector, type UtteranceChunk } from './utterances.ts';

// Three synthetic caller turns with a 1.2 s pause between them, and a short pause inside one.
async function callWithPauses() {
  const turns = await Promise.all(['I would like to book an appointment.', 'Tuesday morning, if you have one.', 'Thank you, goodbye.'].map((text) => renderSpeech(text, 'rms')));
  return { audio: withPauses(turns, 1_200), turns };
}

function trimSilence(audio: PcmAudio): PcmAudio {
  const loud = (value: number) => Math.abs(value) > 300;
  const from = audio.samples.findIndex(loud);
  const to = audio.samples.findLastIndex(loud);
  return { samples: audio.samples.slice(from, to + 1), sampleRate: audio.sampleRate };
}

describe('splitUtterances', () => {
  it('finds each turn of real speech, with its onset and every sample inside it', async () => {
    const { audio, turns } = await callWithPauses();
    const utterances = splitUtterances(audio);
    expect(utterances).toHaveLength(3);
    let turnStart = 0;
    for (const [index, utterance] of utterances.entries()) {
      const turnEnd = turnStart + turns[index]!.samples.length / 16_000;
      // flite leaves ~0.1-0.2 s of silence around each turn: the utterance lies around the speech.
      expect(utterance.start).toBeGreaterThanOrEqual(turnStart - 0.35);
      expect(utterance.start).toBeLessThan(turnStart + 0.4);
      expect(utterance.end).toBeGreaterThan(turnEnd - 0.3);
      expect(utterance.end).toBeLessThan(turnEnd + 0.9);
      // Contiguous: exactly the audio between start and end.
      const from = Math.round(utterance.start * 16_000);
      expect(utterance.samples.length).toBe(Math.round((utterance.end - utterance.start) * 16_000));
      expect(Array.from(utterance.samples.subarray(0, 400))).toEqual(Array.from(audio.samples.subarray(from, from + 400)));
      turnStart = turnEnd + 1.2;
    }
  });

  it('keeps a short pause inside a sentence in one utterance', async () => {
    // flite pads each rendering with silence: trimmed, so the pause is what the test says.
    const first = trimSilence(await renderSpeech('My daughter takes the', 'slt'));
    const second = trimSilence(await renderSpeech('blue inhaler every morning.', 'slt'));
    expect(splitUtterances(withPauses([first, second], 150))).toHaveLength(1);
    expect(splitUtterances(withPauses([first, second], 1_000))).toHaveLength(2);
  });

  it('cuts a long stretch of speech at maxUtteranceMs', async () => {
    const { turns } = await callWithPauses();
    const long = withPauses([turns[0]!, turns[1]!, turns[0]!, turns[1]!], 50);
    const pieces = splitUtterances(long, { maxUtteranceMs: 2_000 });
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    for (const piece of pieces) expect(piece.end - piece.start).toBeLessThanOrEqual(2.05);
  });
});

describe('UtteranceDetector on a simulated Media Stream', () => {
  it('turns 20 ms µ-law frames into utterances a recogniser can start, feed and end', async () => {
    const { audio } = await callWithPauses();
    const frames = mulawToPcm(toTelephoneAudio(audio));
    const detector = new UtteranceDetector({ sampleRate: 8000 });
    const chunks: UtteranceChunk[] = [];
    for (let offset = 0; offset < frames.length; offset += 160) chunks.push(...detector.push(frames.subarray(offset, offset + 160)));
    chunks.push(...detector.flush());

    const finals = chunks.filter((chunk) => chunk.final);
    expect(finals.map((chunk) => chunk.utterance)).toEqual([0, 1, 2]);
    expect(chunks.filter((chunk) => chunk.first).map((chunk) => chunk.utterance)).toEqual([0, 1, 2]);
    // Within an utterance the chunks follow one another without a gap and a final comes last.
    for (const utterance of [0, 1, 2]) {
      const own = chunks.filter((chunk) => chunk.utterance === utterance);
      expect(own[0]!.first).toBe(true);
      expect(own.at(-1)!.final).toBe(true);
      for (let i = 1; i < own.length; i++) expect(own[i]!.start).toBeCloseTo(own[i - 1]!.start + own[i - 1]!.samples.length / 8000, 6);
    }
    // Same utterances as the whole-file split, from a stream.
    const whole = splitUtterances({ samples: frames, sampleRate: 8000 });
    expect(whole.map((utterance) => utterance.start)).toEqual(chunks.filter((chunk) => chunk.first).map((chunk) => chunk.utteranceStart));
  });

  it('says nothing about silence or steady line noise', () => {
    const detector = new UtteranceDetector({ sampleRate: 8000 });
    expect([...detector.push(new Int16Array(8000)), ...detector.flush()]).toEqual([]);
    const hiss = new Int16Array(8000 * 3);
    let seed = 7;
    for (let i = 0; i < hiss.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      hiss[i] = (seed % 200) - 100;
    }
    const onLine = new UtteranceDetector({ sampleRate: 8000 });
    expect([...onLine.push(hiss), ...onLine.flush()]).toEqual([]);
  });
});
