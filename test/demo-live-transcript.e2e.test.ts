import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LiveMessage } from '../src/api/live-calls.hub.ts';
import { liveDemoScripts } from '../src/simulator/live-stream.client.ts';
import { connectLiveClient } from './helpers/engine-harness.ts';

/**
 * `callchart demo` and live transcription (issue 17): with pocketsphinx and flite installed the
 * console says live transcription is on and the demo's synthetic callers stream (a nurse's screen
 * gets their transcripts); without them it says why, and how to install, in one line, and starts
 * anyway. Neither the console nor the logs ever carry what a caller said.
 */
const bin = path.resolve('bin/callchart.js');
const scratch = mkdtempSync(path.join(tmpdir(), 'callchart-demo-live-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Words of the demo's synthetic lines that would show a transcript had leaked to the console. */
const spokenWords = [...new Set(liveDemoScripts.flat().join(' ').toLowerCase().split(/[^a-z]+/).filter((word) => word.length >= 6 && !['synthetic', 'caller'].includes(word)))];

async function startDemo(dataDir: string, env: NodeJS.ProcessEnv): Promise<{ demo: ChildProcess; url: string; output: () => string }> {
  const demo = spawn(process.execPath, [bin, 'demo', '--port', '0', '--ehr-port', '0', '--data-dir', dataDir], { env: { ...process.env, DATABASE_URL: '', CALLCHART_WEBHOOK_SECRET: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  demo.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  demo.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    demo.once('close', () => reject(new Error(`demo stopped:\n${stderr}`)));
    const check = () => {
      const match = /Staff app\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout);
      if (match && /Live transcript:/.test(stdout)) resolve(match[1]!);
    };
    demo.stdout.on('data', check);
  });
  return { demo, url, output: () => `${stdout}\n${stderr}` };
}

async function stop(demo: ChildProcess): Promise<void> {
  if (demo.exitCode !== null) return;
  const closed = new Promise((resolve) => demo.once('close', resolve));
  demo.kill('SIGINT');
  await closed;
}

describe('callchart demo with live transcription (issue 17)', () => {
  it('says live transcription is on, and its synthetic callers reach a nurse\'s screen; no transcript text on the console', async () => {
    const dataDir = path.join(scratch, 'on');
    const { demo, url, output } = await startDemo(dataDir, {});
    try {
      expect(output()).toMatch(/Live transcript: on \(pocketsphinx, 2 workers\)/);
      const token = spawnSync(process.execPath, [bin, 'staff-token', '--role', 'nurse', '--data-dir', dataDir], { encoding: 'utf8' }).stdout.trim();
      const nurse = await connectLiveClient(url, token);
      try {
        // The demo's callers stream now: the nurse's screen receives a transcript that has words.
        await nurse.waitFor((message): message is Extract<LiveMessage, { type: 'transcript.live' }> =>
          message.type === 'transcript.live' && (message.transcript.pieces.length > 0 || message.transcript.pending.length > 0), 120_000);
      } finally {
        nurse.close();
      }
    } finally {
      await stop(demo);
    }
    const console = output().toLowerCase();
    expect(spokenWords.filter((word) => console.includes(word))).toEqual([]);
  }, 240_000);

  it('says in one line why there is no live transcript, and how to install it, when flite is missing; the demo starts anyway', async () => {
    // Only node on the PATH (a directory of its own: Debian keeps flite beside node in /usr/bin).
    const onlyNode = path.join(scratch, 'only-node');
    mkdirSync(onlyNode);
    symlinkSync(process.execPath, path.join(onlyNode, 'node'));
    const { demo, url, output } = await startDemo(path.join(scratch, 'off'), { PATH: onlyNode });
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const lines = output().split('\n').filter((line) => line.includes('Live transcript'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/Live transcript: off — flite is not installed/);
      expect(lines[0]).toContain('apt-get install pocketsphinx pocketsphinx-en-us flite');
    } finally {
      await stop(demo);
    }
  }, 240_000);
});
