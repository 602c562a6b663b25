import { describe, expect, it } from 'vitest';
import { parseConfigText } from './config.loader.ts';
import { defaultConfig } from './config.schema.ts';

// A complete, synthetic config file: every section and key set to a non-default value.
const fullExample = `
# Synthetic clinic used in tests
clinic:
  name: Riverside Family Practice (synthetic)
  defaultRegion: GB
  timeZone: Europe/London
server:
  host: 0.0.0.0
  port: 9090
ehr:
  fhirBaseUrl: https://fhir.example.test/r4
  timeoutMs: 1200
  cacheSeconds: 120
webhooks:
  replayWindowSeconds: 120
  maxBodyBytes: 65536
pipeline:
  concurrency: 8
`;

describe('parseConfigText', () => {
  it.each(['', '\n', '# only a comment\n'])('empty text %j gives the defaults', (text) => {
    expect(parseConfigText(text)).toEqual({ ok: true, config: defaultConfig });
  });

  it('the defaults are the documented ones', () => {
    expect(defaultConfig).toMatchObject({
      clinic: { name: 'Demo Clinic (synthetic)', defaultRegion: 'US', timeZone: 'America/New_York' },
      server: { host: '127.0.0.1', port: 8787 },
      ehr: { timeoutMs: 800, cacheSeconds: 60 },
      webhooks: { replayWindowSeconds: 300, maxBodyBytes: 262_144 },
      pipeline: { concurrency: 4 },
      live: { fanOut: 'auto' },
    });
  });

  it('an empty section gets the same defaults as an absent one', () => {
    // Section-level defaults are literals; they must not drift from the key-level defaults.
    const sections = parseConfigText('clinic: {}\nserver: {}\nehr: {}\nwebhooks: {}\ntwilio: {}\nrouting: {}\nivr: {}\npolicy: {}\nwriteBack: {}\nrequestTypes: {}\npipeline: {}\naccess: {}\nauth: {}\nscim: {}\nalerts: {}\ntelemetry: {}\nretention: {}\neventWebhooks: {}\nonCall: {}\ncallbacks: {}\noutreach: {}\nbooking: {}\nspeech: {}\nlive: {}\nzoom: {}\nringcentral: {}\n');
    expect(sections).toEqual(parseConfigText(''));
    expect(parseConfigText('auth:\n  session: {}\n  lockout: {}\n')).toEqual(parseConfigText(''));
    expect(parseConfigText('speech:\n  pocketsphinx: {}\n  service: {}\n  twilioRealtime: {}\n  audio: {}\n')).toEqual(parseConfigText(''));
    expect(Object.keys(defaultConfig).sort()).toEqual(['access', 'alerts', 'auth', 'booking', 'callbacks', 'clinic', 'ehr', 'eventWebhooks', 'ivr', 'live', 'onCall', 'outreach', 'pipeline', 'policy', 'requestTypes', 'retention', 'ringcentral', 'routing', 'scim', 'server', 'speech', 'telemetry', 'twilio', 'webhooks', 'writeBack', 'zoom']);
  });

  it('a full example passes with every value as written', () => {
    expect(parseConfigText(fullExample)).toMatchObject({
      ok: true,
      config: {
        clinic: { name: 'Riverside Family Practice (synthetic)', defaultRegion: 'GB', timeZone: 'Europe/London' },
        server: { host: '0.0.0.0', port: 9090 },
        ehr: { fhirBaseUrl: 'https://fhir.example.test/r4', timeoutMs: 1200, cacheSeconds: 120 },
        webhooks: { replayWindowSeconds: 120, maxBodyBytes: 65_536 },
        pipeline: { concurrency: 8 },
      },
    });
  });

  it('a partial section keeps the defaults of the keys it leaves out', () => {
    const result = parseConfigText('server:\n  port: 0\n');
    expect(result).toEqual({ ok: true, config: { ...defaultConfig, server: { ...defaultConfig.server, port: 0 } } });
  });

  it('reports all three problems of a file, each with its dotted path', () => {
    const result = parseConfigText(['server:', '  port: 70000', 'clinic:', '  defaultRegion: usa', 'ehr:', '  timeout: 500', ''].join('\n'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.problems.map((problem) => problem.path);
    expect(paths).toContain('server.port');
    expect(paths).toContain('clinic.defaultRegion');
    // Zod reports an unknown key on its parent object; the key name must appear in the message.
    const unknown = result.problems.find((problem) => problem.path === 'ehr.timeout' || (problem.path === 'ehr' && problem.message.includes('timeout')));
    expect(unknown).toBeDefined();
    expect(result.problems).toHaveLength(3);
    for (const problem of result.problems) expect(problem.message.length).toBeGreaterThan(0);
  });

  it('rejects an unknown top-level section', () => {
    const result = parseConfigText('databse:\n  url: postgres://synthetic\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => `${p.path} ${p.message}`).join('\n')).toContain('databse');
  });

  it('rejects a plain-http or non-URL EHR base', () => {
    expect(parseConfigText('ehr:\n  fhirBaseUrl: ftp://fhir.example.test\n').ok).toBe(false);
    expect(parseConfigText('ehr:\n  fhirBaseUrl: not a url\n').ok).toBe(false);
  });

  it('invalid YAML is reported with its line number', () => {
    const result = parseConfigText('server:\n  port: 8080\n  host: [unclosed\nclinic:\n  name: x\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.problems[0]!.path).toMatch(/^line \d+:\d+$/);
    // The unclosed flow sequence opens on line 3; the parser notices at line 4.
    const lines = result.problems.map((p) => Number(/^line (\d+)/.exec(p.path)?.[1]));
    expect(lines.some((line) => line === 3 || line === 4)).toBe(true);
    expect(result.problems[0]!.message).not.toContain('\n');
  });

  it('a key given twice is reported at the line of the repeat', () => {
    const result = parseConfigText('server:\n  port: 8080\n  port: 9090\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]!.path).toMatch(/^line 3:/);
  });

  it('a YAML document that is not a mapping is rejected at the root', () => {
    const result = parseConfigText('- just\n- a list\n');
    expect(result).toMatchObject({ ok: false, problems: [{ path: '(root)' }] });
  });
});
