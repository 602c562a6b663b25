/**
 * The engine factory (issue 17): from `speech:` in the config, the engine that hears live streams
 * and recordings (`none` → no-op, `pocketsphinx`, `http`) and, with `fallback: http`, the http
 * engine that a call whose local transcript is not `ok` goes to. A configured engine that cannot
 * start (pocketsphinx not installed, no base URL) stops the engine's start with a clear message:
 * a clinic that asked for transcription must not silently run without it.
 */
import { CallchartError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { NoopSpeechEngine, type SpeechEngine } from './speech-engine.ts';
import type { SpeechSettings } from './speech.settings.ts';

export interface SpeechEngines {
  /** Live streams and recordings. */
  live: SpeechEngine;
  /** With `fallback: http`: where a call's audio goes when the live engine's transcript is not `ok`. */
  fallback?: SpeechEngine;
  /** Stops every engine's workers and connections; idempotent. */
  close(): Promise<void>;
}

/** How each engine is made; tests replace them, the defaults load the real engines. */
export interface SpeechEngineLoaders {
  pocketsphinx(settings: SpeechSettings, deps: { logger: Logger }): Promise<SpeechEngine>;
  http(settings: NonNullable<SpeechSettings['http']> & { lowConfidence: number }, deps: { apiKey: string | undefined; logger: Logger }): Promise<SpeechEngine>;
}

export interface SpeechEngineDeps {
  logger: Logger;
  /** CALLCHART_SPEECH_HTTP_API_KEY (never logged, never audited). */
  httpApiKey?: string | undefined;
  loaders?: Partial<SpeechEngineLoaders>;
}

/** What the start log line and audit entry say about the engines: names only, no URL credentials or keys. */
export interface SpeechEnginesDescription {
  engine: string;
  fallback: string;
  httpHost: string | null;
}

export function describeSpeechEngines(settings: SpeechSettings, engines: SpeechEngines): SpeechEnginesDescription {
  return {
    engine: engines.live.name,
    fallback: engines.fallback ? engines.fallback.name : settings.fallback === 'http' ? 'none' : settings.fallback,
    httpHost: settings.http ? new URL(settings.http.baseUrl).host : null,
  };
}

/** Makes the engines `settings` name; throws CONFIG_INVALID (reason SPEECH_UNAVAILABLE, with what to do) when one cannot start. */
export async function createSpeechEngines(settings: SpeechSettings, deps: SpeechEngineDeps): Promise<SpeechEngines> {
  const loaders: SpeechEngineLoaders = { ...defaultLoaders, ...deps.loaders };
  const started: SpeechEngine[] = [];
  const closeAll = async () => {
    await Promise.allSettled(started.splice(0).map((engine) => engine.close?.()));
  };
  try {
    let live: SpeechEngine;
    switch (settings.engine) {
      case 'none':
        live = new NoopSpeechEngine();
        break;
      case 'pocketsphinx':
        live = await startEngine('pocketsphinx', () => loaders.pocketsphinx(settings, { logger: deps.logger }));
        break;
      case 'http': {
        const http = settings.http;
        if (!http) throw unavailable('http', 'speech.engine is http but speech.http (baseUrl) is not set');
        live = await startEngine('http', () => loaders.http({ ...http, lowConfidence: settings.lowConfidence }, { apiKey: deps.httpApiKey, logger: deps.logger }));
        break;
      }
    }
    started.push(live);
    let fallback: SpeechEngine | undefined;
    if (settings.fallback === 'http' && settings.http) {
      const http = settings.http;
      // One http engine is enough when it is also the live one.
      fallback = settings.engine === 'http' ? live : await startEngine('http', () => loaders.http({ ...http, lowConfidence: settings.lowConfidence }, { apiKey: deps.httpApiKey, logger: deps.logger }));
      if (fallback !== live) started.push(fallback);
    } else if (settings.fallback === 'http') {
      deps.logger.warn('speech.fallback is http but speech.http is not set: no fallback engine');
    }
    let closed = false;
    return {
      live,
      ...(fallback ? { fallback } : {}),
      async close() {
        if (closed) return;
        closed = true;
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function startEngine(name: string, start: () => Promise<SpeechEngine>): Promise<SpeechEngine> {
  try {
    return await start();
  } catch (error) {
    if (error instanceof CallchartError) throw error;
    throw unavailable(name, error instanceof Error ? error.message : 'the engine did not start');
  }
}

function unavailable(engine: string, why: string): CallchartError {
  const hint = engine === 'pocketsphinx'
    ? ' (install the Debian packages pocketsphinx and pocketsphinx-en-us, or set speech.engine: none)'
    : '';
  // CONFIG_INVALID: the start stops, as for any setting that cannot work here.
  return new CallchartError('CONFIG_INVALID', `speech engine ${engine} cannot start: ${why}${hint}`, { engine, reason: 'SPEECH_UNAVAILABLE' });
}

// Loaded only when configured: the pocketsphinx binding (koffi) stays out of engines that do not use it.
const defaultLoaders: SpeechEngineLoaders = {
  async pocketsphinx(settings, deps) {
    const { PocketsphinxEngine } = await import('./pocketsphinx/pocketsphinx.engine.ts');
    return PocketsphinxEngine.start({ ...settings.pocketsphinx, lowConfidence: settings.lowConfidence }, deps);
  },
  async http(settings, deps) {
    const { HttpSpeechEngine } = await import('./http/openai-transcription.client.ts');
    return new HttpSpeechEngine(settings, deps);
  },
};
