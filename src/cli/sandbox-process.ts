import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/callchart.js', import.meta.url));

/**
 * Runs the sandbox EHR as its own process, as a real EHR would be: Callchart reaches it only over
 * HTTP, and its CPU work (in-memory FHIR search) cannot stall the engine's event loop.
 */
export async function spawnSandboxEhr(options: { port: number; patients: number; latencyMs?: number }): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const args = [bin, 'sandbox-ehr', '--port', String(options.port), '--patients', String(options.patients), '--latency', String(options.latencyMs ?? 0)];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  });
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /synthetic data\): (http\S+)/.exec(output);
      if (match) {
        child.stdout.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`sandbox EHR exited (${code}) before it was ready:\n${output}`)));
  });
  child.stdout.resume();
  child.stderr.resume();
  return {
    baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
