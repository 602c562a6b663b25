import { afterAll, describe, expect, it } from 'vitest';
import { benchConditions, runSpeechBench, type BenchCondition } from '../bench/speech.bench.ts';
import { createBenchEngine } from '../bench/speech/engines.ts';
import { corpusSentences } from '../bench/speech/sentences.ts';
import type { SpeechEngine } from '../src/speech/speech-engine.ts';

// The speech bench's quick mode with the real pocketsphinx engine (recogniser processes) on real
// flite audio: it runs, measures, keeps transcripts out of its results, and the telephone half is
// never presented as trustworthy.
describe('speech bench (quick)', () => {
  const engines: SpeechEngine[] = [];
  afterAll(async () => {
    await Promise.all(engines.map((engine) => engine.close?.()));
  });

  it('scores synthetic calls at 16 kHz and by telephone, honestly', async () => {
    const sentences = [corpusSentences.find((s) => s.kind === 'drug')!, corpusSentences.find((s) => s.kind === 'everyday')!];
    const engine = await createBenchEngine({ vocabulary: true, workers: 1 });
    engines.push(engine);
    const shared = { ...engine, transcribe: engine.transcribe!.bind(engine), close: async () => {} } as SpeechEngine;
    const conditions: BenchCondition[] = ['wideband-vocabulary', 'telephone-vocabulary'];
    const result = await runSpeechBench({ sentences, voices: ['slt'], conditions, engineFor: async () => shared });

    expect(result.engine).toBe('pocketsphinx');
    for (const condition of conditions) {
      const summary = result.conditions[condition]!;
      expect(summary.utterances).toBe(2);
      expect(summary.wer).toBeGreaterThanOrEqual(0);
      expect(summary.drugsSaid).toBeGreaterThan(0);
      expect(summary.realTimeFactor).toBeGreaterThan(0);
    }
    // A wideband model on phone audio: no transcript is ever `ok`.
    expect(result.conditions['telephone-vocabulary']!.quality.ok).toBe(0);
    expect(result.conditions['telephone-vocabulary']!.badMarkedOk).toBe(0);
    expect(result.bandwidthGuard.separated).toBe(true);
    expect(result.resampler.streamsPerCore).toBeGreaterThan(0);
    expect(benchConditions['telephone-vocabulary'].channel).toBe('telephone');
    // Results hold ids and numbers, never what was said.
    const json = JSON.stringify(result);
    for (const sentence of sentences) for (const word of sentence.text.split(/\W+/).filter((w) => w.length > 6)) expect(json.toLowerCase()).not.toContain(word.toLowerCase());
  });
});
