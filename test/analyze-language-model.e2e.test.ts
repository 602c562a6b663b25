import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnalyze } from './helpers/analyze-cli.ts';
import { startChatCompletionsServer } from './helpers/chat-completions-server.ts';

/** `callchart analyze --language-model` against a local chat-completions server. Synthetic calls only. */
const refill = 'hi this is gwendolyn abernathy i need my metformin refilled and can you book me a check up next week';

let model: Awaited<ReturnType<typeof startChatCompletionsServer>>;
let dir: string;

beforeAll(async () => {
  model = await startChatCompletionsServer(() => ({
    primary: { code: 'appointment', probability: 0.8 }, secondary: [{ code: 'prescription_refill', probability: 0.75 }], redFlags: [],
    summary: { details: 'Wants a check-up booked and a metformin refill.', actionRequested: 'Book; refill.' },
  }));
  dir = mkdtempSync(path.join(tmpdir(), 'callchart-analyze-llm-'));
  writeFileSync(path.join(dir, 'callchart.yaml'), `languageModel:\n  baseUrl: ${model.baseUrl}\n  model: clinic-model\n`);
  writeFileSync(path.join(dir, 'plain.yaml'), 'clinic: { name: Synthetic Clinic }\n');
});
afterAll(async () => {
  await model.close();
  rmSync(dir, { recursive: true, force: true });
});

const analyze = (input: string, args: string[]) => runAnalyze(input, args, '2026-12-07T09:00:00Z');

describe('callchart analyze --language-model', () => {
  it("merges the config's model over the rules on every line, sends it redacted text, and reports bad lines as before", async () => {
    const input = `${JSON.stringify({ id: 'c1', text: refill })}\n{not json\n`;
    const { code, lines, stderr } = await analyze(input, ['--config', path.join(dir, 'callchart.yaml'), '--language-model']);
    expect(code).toBe(0);
    expect(lines[0]).toMatchObject({
      id: 'c1',
      requestTypes: [{ type: 'appointment', rank: 'primary', source: 'callchart-language-model' }, { type: 'prescription_refill', rank: 'secondary' }],
      languageModel: { used: true, sent: 'redacted' },
      summary: { generatedBy: 'callchart-language-model' },
    });
    expect(lines[1]).toMatchObject({ id: null, error: expect.stringContaining('not valid JSON') });
    expect(model.bodies).toHaveLength(1);
    expect(model.bodies[0]).toContain('metformin');
    expect(model.bodies[0]).not.toContain('abernathy');
    expect(stderr).toContain('Language model: used 1');
  });

  it('refuses the flag without a languageModel in the config', async () => {
    const { code, stderr } = await analyze(`${JSON.stringify({ id: 'c1', text: refill })}\n`, ['--config', path.join(dir, 'plain.yaml'), '--language-model']);
    expect(code).toBe(2);
    expect(stderr).toContain('languageModel');
  });
});
