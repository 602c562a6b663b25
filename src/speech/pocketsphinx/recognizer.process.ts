/**
 * A recogniser process: loads the pocketsphinx model ONCE and decodes the audio its parent
 * (recognizer-pool.client.ts) sends over IPC. It exists so that a segfault in libpocketsphinx
 * loses one utterance, never the engine: the parent sees the exit and starts another.
 *
 * It writes nothing to stdout or logs: what it hears is PHI. It exits when its parent goes
 * (the IPC channel closes).
 */
import { PocketsphinxDecoder, type DecodedWord } from './libpocketsphinx.ts';
import { recognizerOptionsSchema, recognizerOptionsVariable, type FromRecognizer, type ToRecognizer } from './recognizer.protocol.ts';

const keywordSearch = 'drug-candidates';

function send(message: FromRecognizer): void {
  process.send?.(message);
}

function boot(): { decoder: PocketsphinxDecoder; crashHook: boolean; spotting: boolean } | null {
  const loadStarted = performance.now();
  try {
    const options = recognizerOptionsSchema.parse(JSON.parse(process.env[recognizerOptionsVariable] ?? 'null'));
    const decoder = new PocketsphinxDecoder({ modelDir: options.modelDir, dictionaryFile: options.dictionaryFile, wordClass: options.wordClass });
    if (options.keywordFile) decoder.setKeywordSearch(keywordSearch, options.keywordFile);
    send({ type: 'ready', loadMs: Math.round(performance.now() - loadStarted), addedWords: decoder.classMembers, pid: process.pid });
    return { decoder, crashHook: options.crashHook, spotting: Boolean(options.keywordFile) };
  } catch (error) {
    send({ type: 'boot-failed', reason: error instanceof Error ? error.message : 'recogniser could not start' });
    process.disconnect?.();
    return null;
  }
}

function main(): void {
  const booted = boot();
  if (!booted) return;
  const { decoder, crashHook, spotting } = booted;
  let crashNext = false;

  process.on('message', (message: ToRecognizer) => {
    if (message.type === 'crash-next') {
      if (crashHook) crashNext = true;
      return;
    }
    // A real SIGSEGV, as libpocketsphinx gives on some inputs: the parent must survive it.
    if (crashNext) process.kill(process.pid, 'SIGSEGV');
    const started = performance.now();
    try {
      const samples = message.samples;
      decoder.startUtterance();
      decoder.process(samples, true);
      const words = decoder.endUtterance();
      const candidates: DecodedWord[] = message.candidates && spotting ? decoder.spot(keywordSearch, samples) : [];
      send({ type: 'decoded', id: message.id, words, candidates, decodeMs: Math.round(performance.now() - started) });
    } catch (error) {
      send({ type: 'failed', id: message.id, reason: error instanceof Error ? error.message : 'decoder error' });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

main();
