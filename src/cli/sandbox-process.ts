import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { generateEhrClient, type EhrClientCredentials } from '../ehr/smart-auth.ts';
import type { SandboxClient } from '../sandbox-ehr/sandbox-auth.ts';

/** Environment variable through which a parent process hands the sandbox its clients' public keys. */
export const SANDBOX_CLIENTS_ENV = 'CALLCHART_SANDBOX_CLIENTS';
/**
 * Set by `spawnSandboxEhr`: the sandbox exits when its stdin closes (its parent is gone, however it
 * died: the kernel closes a SIGKILLed process's pipes) or when it is re-parented.
 */
export const SANDBOX_EXIT_WITH_PARENT_ENV = 'CALLCHART_SANDBOX_EXIT_WITH_PARENT';

const bin = fileURLToPath(new URL('../../bin/callchart.js', import.meta.url));

export interface SpawnedSandboxEhr {
  baseUrl: string;
  tokenUrl: string;
  /**
   * A client registered with this sandbox for this run only (fresh key pair), ready to pass to
   * `startEngine({ ehrAuth })`; null with `auth: false`.
   */
  client: EhrClientCredentials | null;
  close(): Promise<void>;
}

/**
 * Runs the sandbox EHR as its own process, as a real EHR would be: Callchart reaches it only over
 * HTTP, and its CPU work (in-memory FHIR search) cannot stall the engine's event loop. With auth on
 * (the default) it generates a client key pair, registers the public half with the child (through
 * the environment: public keys only), and returns the private half in memory.
 */
export async function spawnSandboxEhr(options: {
  port: number;
  patients: number;
  latencyMs?: number;
  failRate?: number;
  /** false: the sandbox serves FHIR without tokens. */
  auth?: boolean;
  /** More clients to register (public keys), e.g. a simulator's. */
  clients?: readonly SandboxClient[];
  /** Date the outreach lists' discharges and no-shows relative to this moment (the demo: now). */
  outreachAsOf?: string;
}): Promise<SpawnedSandboxEhr> {
  const auth = options.auth ?? true;
  const generated = auth ? await generateEhrClient({ clientId: `callchart-${randomBytes(4).toString('hex')}` }) : null;
  const clients = [...(generated ? [{ clientId: generated.credentials.clientId, jwks: generated.jwks }] : []), ...(options.clients ?? [])];
  const args = [bin, 'sandbox-ehr', '--port', String(options.port), '--patients', String(options.patients), '--latency-ms', String(options.latencyMs ?? 0)];
  if (options.failRate) args.push('--fail-rate', String(options.failRate));
  if (!auth) args.push('--no-auth');
  if (options.outreachAsOf) args.push('--outreach-as-of', options.outreachAsOf);
  const child = spawn(process.execPath, args, {
    // stdin is a pipe nobody writes to: its end is how the child learns that we are gone.
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', [SANDBOX_CLIENTS_ENV]: JSON.stringify(clients), [SANDBOX_EXIT_WITH_PARENT_ENV]: '1' },
  });
  // Every way out of this process that still runs code (process.exit, an uncaught error, the end of
  // the event loop) takes the child along; a SIGKILL is covered by the child watching its stdin.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  child.stdin.on('error', () => undefined);
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
    // Its last words are the reason (the sandbox says why in one sentence); the rest is progress.
    child.once('exit', (code) => {
      const reason = output.trim().split('\n').filter((line) => line.trim() && !line.startsWith('•')).at(-1);
      reject(new Error(`the sandbox EHR stopped before it was ready (exit ${code})${reason ? `: ${reason}` : ''}`));
    });
  }).catch((error: unknown) => {
    killOnExit();
    throw error;
  });
  child.stdout.resume();
  child.stderr.resume();
  const tokenUrl = `${new URL(baseUrl).origin}/oauth2/token`;
  return {
    baseUrl,
    tokenUrl,
    client: generated ? { ...generated.credentials, tokenUrl } : null,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
