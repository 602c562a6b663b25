/** The engines the speech bench measures: Debian's pocketsphinx, with and without the clinic vocabulary. */
import { createLogger } from '../../src/lib/logger.ts';
import { PocketsphinxEngine } from '../../src/speech/pocketsphinx/pocketsphinx.engine.ts';
import type { SpeechEngine } from '../../src/speech/speech-engine.ts';
import { speechSettingsSchema } from '../../src/speech/speech.settings.ts';

/** The pocketsphinx engine as configured by default, its drug vocabulary on or off. */
export async function createBenchEngine(options: { vocabulary: boolean; workers?: number }): Promise<SpeechEngine> {
  const defaults = speechSettingsSchema.parse({ engine: 'pocketsphinx' });
  return PocketsphinxEngine.start(
    { ...defaults.pocketsphinx, drugVocabulary: options.vocabulary, workers: options.workers ?? 2, lowConfidence: defaults.lowConfidence },
    { logger: createLogger({ level: 'warn' }) },
  );
}
