import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { analyzeCall, type CallAnalysis } from '../analyze-call.ts';
import { defaultRequestWorkflows } from '../workflows.ts';
import { languageModelAssistFor, type LanguageModelRequestRecord } from './language-model.service.ts';
import { languageModelSettingsSchema, type LanguageModelSettings } from './language-model.settings.ts';
import type { ModelAnswer } from './model-answer.schema.ts';

/**
 * The engine against a real HTTP server speaking the chat completions wire format (no model: the
 * server answers what each test scripts). Every transcript here is synthetic, written for this file.
 */
const now = new Date('2026-12-07T10:00:00Z');
const refillCall = 'Agent: Good morning, Maple Street Family Practice.\nCaller: Hi, this is Gwendolyn Abernathy, my number is 415-555-0192. I need my metformin refilled, and could someone call me back about it?\nAgent: Sure, we will send it over.';
const chestCall = "Caller: I've had crushing chest pain for the last twenty minutes and I can't catch my breath.\nAgent: Please hang up and dial 911.";
const swellingCall = 'Caller: This is Thaddeus Quimby. I took the new antibiotic an hour ago and now my lips are swelling and my throat feels tight. Can I get an appointment today?';

type Reply = (request: IncomingMessage, response: ServerResponse, body: unknown) => void;
interface Received { headers: IncomingMessage['headers']; raw: string; body: Record<string, unknown> }

let server: Server;
let baseUrl: string;
let reply: Reply;
const received: Received[] = [];
/** Answers a test left hanging (the timeout case), ended after it. */
const hanging: ServerResponse[] = [];

const completion = (content: string, model = 'served-model') => ({
  id: 'chatcmpl-test', object: 'chat.completion', created: 1_765_100_000, model,
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 500, completion_tokens: 80, total_tokens: 580 },
});
const answerWith = (answer: unknown): Reply => (_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion(typeof answer === 'string' ? answer : JSON.stringify(answer))));
};
const refillAnswer: ModelAnswer = {
  primary: { code: 'prescription_refill', probability: 0.93 },
  secondary: [{ code: 'callback_request', probability: 0.81 }],
  redFlags: [],
  summary: { details: '[NAME] needs metformin refilled and asks for a call back.', actionRequested: 'Send the metformin refill; call back.' },
};

beforeAll(async () => {
  server = createServer((request, response) => {
    let raw = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => { raw += chunk; });
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
        response.writeHead(404).end();
        return;
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      received.push({ headers: request.headers, raw, body });
      reply(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  received.length = 0;
  // Only the hanging answers' sockets: the client keeps the others alive for its next request.
  for (const response of hanging.splice(0)) response.destroy();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function engine(overrides: Partial<LanguageModelSettings> = {}, env: NodeJS.ProcessEnv = {}) {
  const logs: string[] = [];
  const records: LanguageModelRequestRecord[] = [];
  const logger = createLogger({ level: 'debug', destination: new Writable({ write(chunk, _encoding, done) { logs.push(String(chunk)); done(); } }) });
  const settings = languageModelSettingsSchema.parse({ baseUrl, model: 'clinic-model', timeoutMs: 2_000, ...overrides });
  const assist = languageModelAssistFor(settings, { env, logger, onRequest: (record) => records.push(record) });
  const understand = (text: string, analysis: CallAnalysis = analyzeCall(text, { now })) => assist.understand(text, analysis, { workflows: defaultRequestWorkflows, now });
  return { understand, logs, records };
}

/** The rules' analysis as if they had missed every red flag (so a flag can only come from the model). */
function rulesMissedFlags(text: string): CallAnalysis {
  const analysis = analyzeCall(text, { now });
  return { ...analysis, redFlags: [], urgent: false, requestTypes: analysis.requestTypes.filter((score) => score.type !== 'urgent_emergency'), summary: { ...analysis.summary, urgency: 'routine', evidence: {} } };
}

describe('the language model engine over the chat completions API', () => {
  it('sends the documented request and merges a good answer, marked as the model output', async () => {
    reply = answerWith(refillAnswer);
    const { understand, records, logs } = engine({}, { CALLCHART_LANGUAGE_MODEL_API_KEY: 'sk-local-test-key' });
    const understood = await understand(refillCall);

    expect(received).toHaveLength(1);
    const { body, headers } = received[0]!;
    expect(body).toMatchObject({
      model: 'clinic-model',
      temperature: 0,
      messages: [{ role: 'system', content: expect.stringContaining('callback_request') }, { role: 'user', content: expect.stringContaining('metformin') }],
      response_format: { type: 'json_schema', json_schema: { name: 'call_understanding', strict: true, schema: { type: 'object', additionalProperties: false } } },
    });
    expect(headers.authorization).toBe('Bearer sk-local-test-key');
    expect(headers['content-type']).toBe('application/json');

    expect(understood.languageModel).toMatchObject({ used: true, model: 'clinic-model', sent: 'redacted' });
    expect(understood.requestTypes).toEqual([
      { type: 'prescription_refill', rank: 'primary', confidence: 0.93, source: 'callchart-language-model' },
      { type: 'callback_request', rank: 'secondary', confidence: 0.81, source: 'callchart-language-model' },
    ]);
    expect(understood.summary).toMatchObject({ generatedBy: 'callchart-language-model', reviewed: false, details: expect.stringContaining('metformin') });
    expect(records).toEqual([expect.objectContaining({ used: true, reason: null, sent: 'redacted' })]);
    expect(logs.join('')).toContain('language model answer merged');
    expect(logs.join('')).not.toContain('sk-local-test-key');
  });

  it('sends no Authorization header when no API key is set', async () => {
    reply = answerWith(refillAnswer);
    await engine().understand(refillCall);
    expect(received[0]!.headers.authorization).toBeUndefined();
  });

  it('makes the call urgent when the model adds a red flag the rules missed', async () => {
    reply = answerWith({
      primary: { code: 'appointment', probability: 0.6 }, secondary: [],
      redFlags: [{ code: 'anaphylaxis', evidence: 'my lips are swelling and my throat feels tight', certainty: 'affirmed' }],
      summary: { details: 'Lip swelling and throat tightness after a new antibiotic.', actionRequested: 'Same-day advice.' },
    });
    const understood = await engine().understand(swellingCall, rulesMissedFlags(swellingCall));
    expect(understood.redFlags).toEqual([expect.objectContaining({ code: 'anaphylaxis', status: 'affirmed', source: 'callchart-language-model' })]);
    expect(understood.urgent).toBe(true);
    expect(understood.summary.urgency).toBe('emergency');
    expect(understood.requestTypes[0]).toMatchObject({ type: 'urgent_emergency', rank: 'primary' });
  });

  it('keeps a red flag of the rules that the model left out', async () => {
    reply = answerWith({ ...refillAnswer, primary: { code: 'callback_request', probability: 0.9 }, secondary: [] });
    const analysis = analyzeCall(chestCall, { now });
    expect(analysis.redFlags.length).toBeGreaterThan(0);
    const understood = await engine().understand(chestCall, analysis);
    expect(understood.languageModel.used).toBe(true);
    expect(understood.redFlags.map((flag) => flag.code)).toEqual(expect.arrayContaining(analysis.redFlags.map((flag) => flag.code)));
    expect(understood.urgent).toBe(analysis.urgent);
    // A call with a red flag is never primarily an administrative one.
    if (analysis.redFlags.some((flag) => flag.status === 'affirmed')) expect(understood.requestTypes[0]!.type).toBe('urgent_emergency');
  });

  it.each([
    ['prose instead of JSON', answerWith('The caller wants a refill.'), 'not-json'],
    ['an unknown request type', answerWith({ ...refillAnswer, primary: { code: 'pharmacy', probability: 0.9 } }), 'schema-mismatch'],
    ['an unknown red flag', answerWith({ ...refillAnswer, redFlags: [{ code: 'heart_attack', evidence: 'chest', certainty: 'affirmed' }] }), 'schema-mismatch'],
    ['a probability above one', answerWith({ ...refillAnswer, primary: { code: 'appointment', probability: 7 } }), 'schema-mismatch'],
    ['a body that is not a chat completion', ((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"result":"ok"}')) as Reply, 'unreadable-response'],
    ['a 400', ((_request, response) => response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"bad schema"}}')) as Reply, 'http-client-error'],
    ['a 503', ((_request, response) => response.writeHead(503).end()) as Reply, 'http-server-error'],
  ])('falls back to the rules on %s', async (_what, scripted, reason) => {
    reply = scripted;
    const analysis = analyzeCall(refillCall, { now });
    const { understand, records, logs } = engine();
    const understood = await understand(refillCall, analysis);
    expect(received).toHaveLength(1);
    expect(understood.languageModel).toEqual({ used: false, reason, sent: 'redacted' });
    expect(understood.requestTypes.map((score) => score.type)).toEqual(analysis.requestTypes.map((score) => score.type));
    expect(understood.requestTypes.every((score) => score.source === 'callchart-rules')).toBe(true);
    expect(understood.summary.generatedBy).toBe('callchart-rules');
    expect(records).toEqual([expect.objectContaining({ used: false, reason })]);
    expect(logs.join('')).toContain(reason);
  });

  it('falls back to the rules when the model does not answer in time', async () => {
    reply = (_request, response) => { hanging.push(response); };
    const analysis = analyzeCall(chestCall, { now });
    const understood = await engine({ timeoutMs: 300 }).understand(chestCall, analysis);
    expect(understood.languageModel).toEqual({ used: false, reason: 'timeout', sent: 'redacted' });
    expect(understood.redFlags.map((flag) => flag.code)).toEqual(analysis.redFlags.map((flag) => flag.code));
    expect(understood.urgent).toBe(analysis.urgent);
  });

  it('falls back to the rules when nothing listens, and stops trying while the circuit is open', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { understand } = engine({ baseUrl: `http://127.0.0.1:${port}`, breakerThreshold: 2 });
    expect((await understand(refillCall)).languageModel).toMatchObject({ used: false, reason: 'connection-failed' });
    expect((await understand(refillCall)).languageModel).toMatchObject({ used: false, reason: 'connection-failed' });
    expect((await understand(refillCall)).languageModel).toMatchObject({ used: false, reason: 'circuit-open' });
  });

  it('opens the circuit on repeated server errors, so the server is not asked again at once', async () => {
    reply = (_request, response) => response.writeHead(500).end();
    const { understand } = engine({ breakerThreshold: 2 });
    await understand(refillCall);
    await understand(refillCall);
    expect((await understand(refillCall)).languageModel).toMatchObject({ used: false, reason: 'circuit-open' });
    expect(received).toHaveLength(2);
  });

  it('does not fall back because the server closed an idle kept-alive connection', async () => {
    const { understand } = engine({ breakerThreshold: 100 });
    for (let round = 0; round < 10; round++) {
      reply = (_request, response) => response.writeHead(503).end();
      expect((await understand(refillCall)).languageModel).toMatchObject({ used: false, reason: 'http-server-error' });
      server.closeAllConnections();
      reply = answerWith(refillAnswer);
      expect((await understand(refillCall)).languageModel).toMatchObject({ used: true });
    }
  });

  it('never sends a name or phone number of the transcript by default, and logs none', async () => {
    reply = answerWith({ ...refillAnswer, summary: { details: 'Gwendolyn Abernathy at 415-555-0192 needs metformin.', actionRequested: 'Refill.' } });
    const { understand, logs } = engine();
    const understood = await understand(refillCall);
    const sent = received[0]!.raw;
    for (const identifier of ['Gwendolyn', 'Abernathy', '415-555-0192', '0192']) expect(sent).not.toContain(identifier);
    expect(sent).toContain('[NAME]');
    expect(sent).toContain('[PHONE]');
    // A model that makes identifiers up (or repeats them) does not get them into the summary.
    expect(understood.summary.details).not.toContain('Abernathy');
    expect(understood.summary.details).not.toContain('0192');
    for (const identifier of ['Gwendolyn', 'Abernathy', '0192', 'metformin']) expect(logs.join('')).not.toContain(identifier);
  });

  it('sends the transcript as said when the clinic policy allows raw text to this endpoint, and says so', async () => {
    reply = answerWith(refillAnswer);
    const understood = await engine({ sendRawText: true }).understand(refillCall);
    expect(received[0]!.raw).toContain('Gwendolyn Abernathy');
    expect(received[0]!.raw).toContain('415-555-0192');
    expect(understood.languageModel).toMatchObject({ used: true, sent: 'raw' });
  });

  it('does not send a transcript longer than the model is set to read', async () => {
    reply = answerWith(refillAnswer);
    const understood = await engine({ maxTranscriptChars: 200 }).understand(refillCall);
    expect(received).toHaveLength(0);
    expect(understood.languageModel).toEqual({ used: false, reason: 'transcript-too-long', sent: null });
  });
});

describe('language model settings', () => {
  it('allow plain http only to this machine', () => {
    for (const url of ['http://127.0.0.1:8000', 'http://localhost:11434', 'http://[::1]:8080', 'https://llm.clinic.example']) {
      expect(languageModelSettingsSchema.safeParse({ baseUrl: url, model: 'm' }).success).toBe(true);
    }
    const remote = languageModelSettingsSchema.safeParse({ baseUrl: 'http://10.0.0.5:8000', model: 'm' });
    expect(remote.success).toBe(false);
    expect(remote.error?.issues[0]?.message).toContain('https');
  });

  it('default to redacted text and a timeout of a few seconds', () => {
    expect(languageModelSettingsSchema.parse({ baseUrl: 'http://127.0.0.1:8000', model: 'm' })).toMatchObject({ sendRawText: false, timeoutMs: 4_000 });
  });
});
