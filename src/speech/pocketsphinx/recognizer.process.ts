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
    const decoder = new PocketsphinxDecoder({ modelDir: options.modelDir, dictionaryFile: options.dictionaryFile, wordClass: options.wordClass, extraArgs: options.searchArgs });
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
    if (message.type === 'live-start' || message.type === 'live-audio' || message.type === 'live-partial') {
      live(message);
      return;
    }
    // A real SIGSEGV, as libpocketsphinx gives on some inputs: the parent must survive it.
    if (crashNext) process.kill(process.pid, 'SIGSEGV');
    if (message.type === 'live-end') {
      liveEnd(message);
      return;
    }
    const started = performance.now();
    if (message.spotOnly) {
      try {
        const candidates = spotting ? decoder.spot(keywordSearch, message.samples) : [];
        send({ type: 'decoded', id: message.id, words: [], candidates, decodeMs: Math.round(performance.now() - started) });
      } catch (error) {
        send({ type: 'failed', id: message.id, reason: error instanceof Error ? error.message : 'decoder error' });
      }
      return;
    }
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

  // A live utterance: decoded as its audio arrives, each sample once (its candidates are spotted
  // afterwards by the shared pool, not here).
  let liveStarted = performance.now();
  let liveFailed = false;
  function live(message: Extract<ToRecognizer, { type: 'live-start' | 'live-audio' | 'live-partial' }>): void {
    try {
      if (message.type === 'live-start') {
        liveFailed = false;
        liveStarted = performance.now();
        decoder.startUtterance();
      } else if (message.type === 'live-audio') {
        if (liveFailed) return;
        decoder.process(message.samples, false);
      } else {
        send({ type: 'partial', id: message.id, words: liveFailed ? [] : decoder.words(false) });
      }
    } catch {
      liveFailed = true;
      if (message.type === 'live-partial') send({ type: 'partial', id: message.id, words: [] });
    }
  }
  function liveEnd(message: Extract<ToRecognizer, { type: 'live-end' }>): void {
    try {
      if (liveFailed) throw new Error('decoder error');
      const words = decoder.endUtterance();
      send({ type: 'decoded', id: message.id, words, candidates: [], decodeMs: Math.round(performance.now() - liveStarted) });
    } catch (error) {
      send({ type: 'failed', id: message.id, reason: error instanceof Error ? error.message : 'decoder error' });
    }
  }
}

main();
