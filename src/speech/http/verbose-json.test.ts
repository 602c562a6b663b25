import { describe, expect, it } from 'vitest';
import type { Transcription } from '../speech-engine.ts';
import { compressionRatio, fromVerboseJson, toVerboseJson, verboseJsonSchema, type VerboseJson } from './verbose-json.ts';

// Synthetic answers in the shapes real servers send (no real speech, no PHI).
const options = { engine: 'http', sampleRate: 16_000, lowConfidence: 0.6, needsWideband: false };

/** faster-whisper/speaches: top-level words with probability, segments with the decoder's numbers. */
const speachesAnswer: VerboseJson = verboseJsonSchema.parse({
  task: 'transcribe', language: 'en', duration: 4.2,
  text: ' I need a refill please. Thank you.',
  segments: [
    { id: 0, seek: 0, start: 0, end: 2.5, text: ' I need a refill please.', tokens: [50364, 286], temperature: 0, avg_logprob: -0.12, compression_ratio: 0.9, no_speech_prob: 0.01 },
    { id: 1, seek: 250, start: 2.6, end: 4.1, text: ' Thank you.', tokens: [1044], temperature: 0, avg_logprob: -0.1, compression_ratio: 0.7, no_speech_prob: 0.02 },
  ],
  words: [
    { word: ' I', start: 0, end: 0.3, probability: 0.97 },
    { word: ' need', start: 0.3, end: 0.6, probability: 0.95 },
    { word: ' a', start: 0.6, end: 0.7, probability: 0.93 },
    { word: ' refill', start: 0.7, end: 1.4, probability: 0.91 },
    { word: ' please.', start: 1.4, end: 2.4, probability: 0.96 },
    { word: ' Thank', start: 2.6, end: 3.2, probability: 0.98 },
    { word: ' you.', start: 3.2, end: 4.0, probability: 0.99 },
  ],
});

describe('fromVerboseJson', () => {
  it('maps segments and words with times and probabilities, assigning each word to its segment by time', () => {
    const transcription = fromVerboseJson(speachesAnswer, options);
    expect(transcription.text).toBe('I need a refill please. Thank you.');
    expect(transcription.engine).toBe('http');
    expect(transcription.segments.map((segment) => segment.text)).toEqual(['I need a refill please.', 'Thank you.']);
    expect(transcription.segments[0]!.words.map((word) => word.word)).toEqual(['I', 'need', 'a', 'refill', 'please.']);
    expect(transcription.segments[1]!.words).toEqual([
      { word: 'Thank', start: 2.6, end: 3.2, confidence: 0.98 },
      { word: 'you.', start: 3.2, end: 4, confidence: 0.99 },
    ]);
    expect(transcription.segments.every((segment) => segment.final)).toBe(true);
    expect(transcription.quality).toBe('ok');
    expect(transcription.segments.map((segment) => segment.quality)).toEqual(['ok', 'ok']);
  });

  it('takes words from inside segments when the top level has none (whisper.cpp)', () => {
    const answer = verboseJsonSchema.parse({
      text: 'call me back',
      segments: [{ id: 0, start: 1, end: 2, text: ' call me back', avg_logprob: -0.2, no_speech_prob: 0.0, compression_ratio: 1,
        words: [{ word: ' call', start: 1, end: 1.3, probability: 0.9 }, { word: ' me', start: 1.3, end: 1.5, probability: 0.92 }, { word: ' back', start: 1.5, end: 2, probability: 0.88 }] }],
    });
    const transcription = fromVerboseJson(answer, { ...options, offsetSeconds: 10 });
    expect(transcription.segments[0]!.words.map((word) => [word.word, word.start, word.confidence])).toEqual([['call', 11, 0.9], ['me', 11.3, 0.92], ['back', 11.5, 0.88]]);
    expect(transcription.segments[0]!.start).toBe(11);
  });

  it('without word probabilities (OpenAI) gives each word exp(avg_logprob) of its segment', () => {
    const answer = verboseJsonSchema.parse({
      text: 'my knee hurts', duration: 2,
      segments: [{ id: 0, seek: 0, start: 0, end: 2, text: ' my knee hurts', tokens: [], temperature: 0, avg_logprob: -0.2, compression_ratio: 1.1, no_speech_prob: 0.01 }],
      words: [{ word: 'my', start: 0, end: 0.4 }, { word: 'knee', start: 0.4, end: 1 }, { word: 'hurts', start: 1, end: 1.8 }],
    });
    const transcription = fromVerboseJson(answer, options);
    expect(transcription.segments[0]!.words.map((word) => word.confidence)).toEqual([0.819, 0.819, 0.819]);
    expect(transcription.quality).toBe('ok');
  });

  it('spreads the words of a segment over its time when the server sent segment timestamps only', () => {
    const answer = verboseJsonSchema.parse({ text: 'one two three four', segments: [{ start: 0, end: 2, text: 'one two three four', avg_logprob: -0.1, no_speech_prob: 0, compression_ratio: 1 }] });
    const words = fromVerboseJson(answer, options).segments[0]!.words;
    expect(words.map((word) => [word.word, word.start, word.end])).toEqual([['one', 0, 0.5], ['two', 0.5, 1], ['three', 1, 1.5], ['four', 1.5, 2]]);
  });

  it('marks a segment the decoder was unsure of as not ok, with low-confidence', () => {
    const answer = verboseJsonSchema.parse({
      text: 'told on the cetirizine',
      segments: [{ id: 0, start: 0, end: 2, text: ' told on the cetirizine', avg_logprob: -1.6, compression_ratio: 1, no_speech_prob: 0.1 }],
      words: [
        { word: 'told', start: 0, end: 0.4, probability: 0.2 }, { word: 'on', start: 0.4, end: 0.6, probability: 0.15 },
        { word: 'the', start: 0.6, end: 0.8, probability: 0.3 }, { word: 'cetirizine', start: 0.8, end: 2, probability: 0.1 },
      ],
    });
    const transcription = fromVerboseJson(answer, options);
    expect(transcription.quality).not.toBe('ok');
    expect(transcription.segments[0]!.qualityReasons).toContain('low-confidence');
  });

  it('marks a segment the server says holds no speech, and one whose text repeats itself', () => {
    const silent = fromVerboseJson(verboseJsonSchema.parse({
      text: 'Thank you.', segments: [{ start: 0, end: 3, text: ' Thank you.', avg_logprob: -1.2, no_speech_prob: 0.95, compression_ratio: 0.8 }],
      words: [{ word: 'Thank', start: 0, end: 1, probability: 0.5 }, { word: 'you.', start: 1, end: 2, probability: 0.5 }],
    }), options);
    expect(silent.quality).not.toBe('ok');
    expect(silent.segments[0]!.qualityReasons).toContain('no-speech');

    const looping = 'the the the the the the the the the the the the the the the the';
    const repetitive = fromVerboseJson(verboseJsonSchema.parse({
      text: looping, segments: [{ start: 0, end: 5, text: looping, avg_logprob: -0.3, no_speech_prob: 0.01, compression_ratio: 4.5 }],
      words: looping.split(' ').map((word, index) => ({ word, start: index * 0.3, end: index * 0.3 + 0.3, probability: 0.9 })),
    }), options);
    expect(repetitive.quality).not.toBe('ok');
    expect(repetitive.segments[0]!.qualityReasons).toContain('repetitive');
  });

  it('an empty answer is unusable, not an empty ok transcript', () => {
    const transcription = fromVerboseJson(verboseJsonSchema.parse({ text: '', segments: [] }), options);
    expect(transcription.text).toBe('');
    expect(transcription.quality).toBe('unusable');
  });

  it("a Callchart server's verdict can make the result worse, never better", () => {
    const withVerdict = verboseJsonSchema.parse({
      ...speachesAnswer,
      callchart: { engine: 'pocketsphinx', quality: 'low', qualityReasons: ['narrowband-audio'], segments: [{ quality: 'low', qualityReasons: ['narrowband-audio'] }, { quality: 'ok', qualityReasons: [] }], candidates: [{ kind: 'drug', text: 'lisinopril', start: 0.7, end: 1.4, confidence: 0.8 }] },
    });
    const transcription = fromVerboseJson(withVerdict, options);
    expect(transcription.quality).toBe('low');
    expect(transcription.qualityReasons).toContain('narrowband-audio');
    expect(transcription.segments[0]!.quality).toBe('low');
    expect(transcription.segments[1]!.quality).toBe('ok');
    // Candidates stay candidates: never in the text.
    expect(transcription.candidates).toEqual([{ kind: 'drug', text: 'lisinopril', start: 0.7, end: 1.4, confidence: 0.8 }]);
    expect(transcription.text).not.toContain('lisinopril');

    const claimsOk = verboseJsonSchema.parse({
      text: 'x', segments: [{ start: 0, end: 1, text: 'x', avg_logprob: -2.5, no_speech_prob: 0.1, compression_ratio: 1 }], words: [{ word: 'x', start: 0, end: 1, probability: 0.05 }],
      callchart: { engine: 'other', quality: 'ok', qualityReasons: [], segments: [{ quality: 'ok', qualityReasons: [] }], candidates: [] },
    });
    expect(fromVerboseJson(claimsOk, options).quality).not.toBe('ok');
  });

  it('refuses answers that are not a transcription', () => {
    expect(verboseJsonSchema.safeParse({ choices: [] }).success).toBe(false);
    expect(verboseJsonSchema.safeParse({ text: 'x', segments: [{ start: -1, end: 1, text: 'x' }] }).success).toBe(false);
    expect(verboseJsonSchema.safeParse({ text: 'x', words: [{ word: 'x', start: 0, end: 1, probability: 7 }] }).success).toBe(false);
  });
});

describe('toVerboseJson', () => {
  const transcription: Transcription = {
    text: 'refill my metformin', sampleRate: 16_000, engine: 'pocketsphinx', quality: 'low', qualityReasons: ['low-confidence'],
    segments: [{
      start: 0.5, end: 2.1, text: 'refill my metformin', quality: 'low', qualityReasons: ['low-confidence'], final: true,
      words: [{ word: 'refill', start: 0.5, end: 1, confidence: 0.9 }, { word: 'my', start: 1, end: 1.2, confidence: 0.8 }, { word: 'metformin', start: 1.2, end: 2.1, confidence: 0.3 }],
    }],
    candidates: [{ kind: 'drug', text: 'metformin', start: 1.2, end: 2.1, confidence: 0.7 }],
  };

  it("speaks OpenAI's shape with faster-whisper's word probabilities, and round-trips through fromVerboseJson", () => {
    const verbose = toVerboseJson(transcription, { language: 'english', duration: 3 });
    expect(verboseJsonSchema.parse(verbose)).toEqual(verbose);
    expect(verbose).toMatchObject({ task: 'transcribe', language: 'english', duration: 3, text: 'refill my metformin' });
    const segment = verbose.segments![0]!;
    expect(segment).toMatchObject({ id: 0, seek: 0, start: 0.5, end: 2.1, tokens: [], temperature: 0, no_speech_prob: 0 });
    expect(segment.avg_logprob).toBeCloseTo((Math.log(0.9) + Math.log(0.8) + Math.log(0.3)) / 3, 2);
    expect(verbose.words).toEqual([
      { word: 'refill', start: 0.5, end: 1, probability: 0.9 }, { word: 'my', start: 1, end: 1.2, probability: 0.8 }, { word: 'metformin', start: 1.2, end: 2.1, probability: 0.3 },
    ]);
    const back = fromVerboseJson(verbose, { ...options, engine: 'http' });
    expect(back.text).toBe(transcription.text);
    expect(back.quality).toBe('low');
    expect(back.qualityReasons).toContain('low-confidence');
    expect(back.segments[0]!.words).toEqual(transcription.segments[0]!.words);
    expect(back.candidates).toEqual(transcription.candidates);
  });

  it('leaves partial segments out', () => {
    const verbose = toVerboseJson({ ...transcription, segments: [...transcription.segments, { ...transcription.segments[0]!, final: false }] }, { language: 'english', duration: 3 });
    expect(verbose.segments).toHaveLength(1);
  });

  it('computes a compression ratio that grows when text repeats', () => {
    expect(compressionRatio('')).toBe(0);
    expect(compressionRatio('the the the the the the the the the the the the the the the the the the')).toBeGreaterThan(2.4);
    expect(compressionRatio('I need a refill of my blood pressure pills')).toBeLessThan(2.4);
  });
});
