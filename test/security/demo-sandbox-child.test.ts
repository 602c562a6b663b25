import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/engine-harness.ts';

/**
 * Finding 11, the demo part (issue 11): the sandbox EHR the demo spawns outlived a failed demo.
 * Whatever ends the demo — the engine failing to start after the sandbox is up, or a SIGKILL that
 * runs no cleanup at all — the sandbox child must go too. Linux: children are found through /proc.
 */

const bin = path.resolve('bin/callchart.js');
const scratch = mkdtempSync(path.join(tmpdir(), 'callchart-sec-demo-'));
/** Demos and sandbox pids this file started or saw, so none is left behind whatever the outcome. */
const seen = new Set<number>();
const demos = new Set<ChildProcess>();
afterAll(() => {
  for (const demo of demos) if (demo.exitCode === null && demo.signalCode === null) demo.kill('SIGKILL');
  for (const pid of seen) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  // A zombie has exited; it only waits to be reaped.
  return !/^\d+ \(.*\) Z /.test(readFileSync(stat, 'utf8'));
}

/** Pids of sandbox-ehr processes whose parent is `parentPid`. */
function sandboxChildrenOf(parentPid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parentPid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes('sandbox-ehr')) found.push(Number(entry));
    } catch {
      // The process went away while we looked.
    }
  }
  return found;
}

function startDemo(args: string[], dataDir: string): { demo: ChildProcess; output: () => { stdout: string; stderr: string }; exited: Promise<number | null> } {
  const demo = spawn(process.execPath, [bin, 'demo', '--data-dir', dataDir, '--patients', '10', ...args], {
    env: { ...process.env, DATABASE_URL: '', CALLCHART_WEBHOOK_SECRET: '', CALLCHART_STAFF_TOKEN_SECRET: '', CALLCHART_DATA_KEY: '', TWILIO_AUTH_TOKEN: '', LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  demos.add(demo);
  let stdout = '';
  let stderr = '';
  demo.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  demo.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
  return { demo, output: () => ({ stdout, stderr }), exited };
}

describe('the demo never leaves its sandbox EHR running', () => {
  it('kills the sandbox when the engine fails to start after it (its store is in use), and says why in one sentence', async () => {
    // A busy port no longer gets this far (issue 12: ports are checked before anything starts);
    // an embedded store held by another live process is found only when the engine opens it.
    const dataDir = path.join(scratch, 'store-in-use');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path.join(dataDir, 'pgdata.lock'), String(process.pid));
    const { demo, output, exited } = startDemo(['--port', '0'], dataDir);
    const [sandboxPid] = await eventually(async () => {
      const pids = sandboxChildrenOf(demo.pid!);
      return pids.length ? pids : null;
    }, 90_000, 'the sandbox child');
    seen.add(sandboxPid!);
    const code = await exited;
    expect(code).toBe(2);
    const { stderr } = output();
    expect(stderr).toMatch(/The demo could not start: .*in use by process \d+.*\n?$/);
    expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    await eventually(async () => (alive(sandboxPid!) ? null : true), 20_000, 'the sandbox child to exit');
  });

  it('refuses a busy port before it spawns the sandbox: no child at all, one sentence', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busyPort = (blocker.address() as net.AddressInfo).port;
    try {
      const { demo, output, exited } = startDemo(['--port', String(busyPort)], path.join(scratch, 'busy'));
      let sandboxSeen = false;
      // Watch for a child for as long as the demo lives: none may ever appear.
      const watching = (async () => {
        while (demo.exitCode === null && demo.signalCode === null) {
          if (sandboxChildrenOf(demo.pid!).length > 0) sandboxSeen = true;
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      expect(await exited).toBe(2);
      await watching;
      expect(sandboxSeen).toBe(false);
      expect(output().stderr.trim()).toMatch(new RegExp(`^Port ${busyPort} on 127\\.0\\.0\\.1 is already in use.*--port`));
    } finally {
      blocker.close();
    }
  });

  it('the sandbox exits when the demo is SIGKILLed; a stored trial secret that is too short is regenerated with a notice', async () => {
    const dataDir = path.join(scratch, 'killed');
    mkdirSync(path.join(dataDir, 'secrets'), { recursive: true });
    const oldSecret = `whsec_${randomBytes(24).toString('base64url')}`;
    writeFileSync(path.join(dataDir, 'secrets', 'webhook-secret'), `${oldSecret}\n`, { mode: 0o600 });
    const { demo, output, exited } = startDemo(['--port', '0'], dataDir);
    const stdout = await eventually(async () => (/Staff app\s+http/.test(output().stdout) ? output().stdout : null), 90_000, 'the demo to come up');
    const sandboxPids = sandboxChildrenOf(demo.pid!);
    expect(sandboxPids).toHaveLength(1);
    seen.add(sandboxPids[0]!);

    demo.kill('SIGKILL');
    await exited;
    await eventually(async () => (alive(sandboxPids[0]!) ? null : true), 20_000, 'the sandbox child to exit');

    // Too short for the new rule: a new one is made and said so; the demo still starts.
    const printed = /Webhook secret\s+(whsec_\S+)/.exec(stdout)?.[1];
    expect(printed).toBeDefined();
    expect(printed).not.toBe(oldSecret);
    expect(Buffer.from(printed!.slice('whsec_'.length), 'base64url').byteLength).toBeGreaterThanOrEqual(32);
    expect(output().stderr).toMatch(/webhook-secret.*(regenerated|new one)/is);
  });
});
