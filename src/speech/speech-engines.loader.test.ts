import { describe, expect, it } from 'vitest';
import { ScriptedSpeechEngine } from '../../test/helpers/scripted-speech.ts';
import { createLogger } from '../lib/logger.ts';
import { createSpeechEngines, describeSpeechEngines } from './speech-engines.loader.ts';
import { speechSettingsSchema } from './speech.settings.ts';

const logger = createLogger({ level: 'silent' });

describe('the speech engine factory', () => {
  it('makes no engine of its own by default (none → noop), with no fallback', async () => {
    const settings = speechSettingsSchema.parse({});
    const engines = await createSpeechEngines(settings, { logger });
    expect(engines.live.name).toBe('noop');
    expect(engines.fallback).toBeUndefined();
    expect(describeSpeechEngines(settings, engines)).toEqual({ engine: 'noop', fallback: 'pbx', httpHost: null });
    await engines.close();
  });

  it('makes pocketsphinx live and http as the fallback, and closes both once', async () => {
    const settings = speechSettingsSchema.parse({ engine: 'pocketsphinx', fallback: 'http', http: { baseUrl: 'http://127.0.0.1:9/' } });
    const made: ScriptedSpeechEngine[] = [];
    const engines = await createSpeechEngines(settings, {
      logger, httpApiKey: 'synthetic-key',
      loaders: {
        pocketsphinx: async () => { const engine = new ScriptedSpeechEngine([], { name: 'pocketsphinx' }); made.push(engine); return engine; },
        http: async (http, deps) => {
          expect(http).toMatchObject({ baseUrl: 'http://127.0.0.1:9/', lowConfidence: 0.6 });
          expect(deps.apiKey).toBe('synthetic-key');
          const engine = new ScriptedSpeechEngine([], { name: 'http' });
          made.push(engine);
          return engine;
        },
      },
    });
    expect([engines.live.name, engines.fallback?.name]).toEqual(['pocketsphinx', 'http']);
    // The description names engines and the host, never the key.
    expect(JSON.stringify(describeSpeechEngines(settings, engines))).not.toContain('synthetic-key');
    await engines.close();
    await engines.close();
    expect(made.map((engine) => engine.closed)).toEqual([true, true]);
  });

  it('stops the start with a clear message when pocketsphinx cannot start, closing what it started', async () => {
    const settings = speechSettingsSchema.parse({ engine: 'pocketsphinx' });
    await expect(createSpeechEngines(settings, { logger, loaders: { pocketsphinx: async () => { throw new Error('libpocketsphinx.so.3: cannot open shared object file'); } } }))
      .rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/speech engine pocketsphinx cannot start.*install the Debian packages pocketsphinx and pocketsphinx-en-us/) });
  });

  it('refuses engine http without speech.http', async () => {
    await expect(createSpeechEngines(speechSettingsSchema.parse({ engine: 'http' }), { logger })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
