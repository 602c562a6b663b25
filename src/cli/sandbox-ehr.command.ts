import { readFileSync } from 'node:fs';
import { createLogger } from '../lib/logger.ts';
import { startSandboxEhr, type SandboxClient } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { step } from './progress.ts';
import { SANDBOX_CLIENTS_ENV, SANDBOX_EXIT_WITH_PARENT_ENV } from './sandbox-process.ts';
import { portProblem, refuseStart, startFailureSentence } from './start-checks.ts';

export interface SandboxEhrCommandOptions {
  port: number;
  host: string;
  patients: number;
  seed?: number;
  latencyMs?: number;
  latency?: number;
  auth: boolean;
  clients?: string;
  failRate: number;
  tokenFailRate: number;
  outreachAsOf?: string;
}

function readClients(options: SandboxEhrCommandOptions): SandboxClient[] {
  const sources = [
    ...(options.clients ? [{ name: options.clients, text: readFileSync(options.clients, 'utf8') }] : []),
    ...(process.env[SANDBOX_CLIENTS_ENV] ? [{ name: SANDBOX_CLIENTS_ENV, text: process.env[SANDBOX_CLIENTS_ENV] }] : []),
  ];
  return sources.flatMap(({ name, text }) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${name} is not JSON`);
    }
    if (!Array.isArray(parsed)) throw new Error(`${name} must be a JSON array of clients`);
    return parsed as SandboxClient[];
  });
}

/**
 * A sandbox spawned by the demo must not outlive it, however the demo ends. Its parent holds the
 * other end of our stdin: when that closes (the kernel closes a dead process's pipes, SIGKILL
 * included) or we are re-parented, we stop. `stop` may run before the server is up.
 */
function exitWithParent(stop: () => void): void {
  const parent = process.ppid;
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  const watch = setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 1_000);
  watch.unref();
}

export async function runSandboxEhr(options: SandboxEhrCommandOptions): Promise<void> {
  const running: { ehr?: { close(): Promise<void> } } = {};
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // A close that hangs must not keep an orphan alive.
    setTimeout(() => process.exit(0), 5_000).unref();
    void (running.ehr ? running.ehr.close() : Promise.resolve()).finally(() => process.exit(0));
  };
  if (process.env[SANDBOX_EXIT_WITH_PARENT_ENV] === '1') exitWithParent(stop);
  let clients: SandboxClient[];
  try {
    clients = readClients(options);
  } catch (error) {
    refuseStart(`Sandbox clients: ${(error as Error).message}.`);
  }
  const portRefused = await portProblem(options.host, options.port, '--port');
  if (portRefused) refuseStart(portRefused);
  const started = await step(`Starting the sandbox EHR (${options.patients} synthetic patients)`, () =>
    startSandboxEhr({
      port: options.port,
      host: options.host,
      patientCount: options.patients,
      latencyMs: options.latencyMs ?? options.latency ?? 0,
      auth: options.auth,
      clients,
      failRate: options.failRate,
      tokenFailRate: options.tokenFailRate,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.outreachAsOf ? { outreachAsOf: options.outreachAsOf } : {}),
      logger: createLogger({ level: process.env.LOG_LEVEL ?? 'warn' }),
    }),
  ).catch((error: unknown) => refuseStart(`The sandbox EHR could not start: ${startFailureSentence(error, { host: options.host, port: options.port, option: '--port' })}`));
  running.ehr = started;
  const auth = options.auth
    ? `SMART token endpoint: ${started.tokenUrl} (${clients.length} client${clients.length === 1 ? '' : 's'} registered)`
    : 'Auth: off (--no-auth)';
  console.log(`Sandbox FHIR R4 server (synthetic data): ${started.baseUrl}\nCapabilityStatement: ${started.baseUrl}/metadata\n${auth}\nStop: Ctrl+C`);
  if (options.auth && clients.length === 0) {
    console.warn('No backend clients registered: every FHIR request will be refused (401). Pass --clients <file>, or --no-auth.');
  }
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
