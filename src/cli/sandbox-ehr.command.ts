import { readFileSync } from 'node:fs';
import { createLogger } from '../lib/logger.ts';
import { startSandboxEhr, type SandboxClient } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { step } from './progress.ts';
import { SANDBOX_CLIENTS_ENV } from './sandbox-process.ts';

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

export async function runSandboxEhr(options: SandboxEhrCommandOptions): Promise<void> {
  let clients: SandboxClient[];
  try {
    clients = readClients(options);
  } catch (error) {
    console.error(`Sandbox clients: ${(error as Error).message}`);
    process.exit(2);
  }
  const ehr = await step(`Starting the sandbox EHR (${options.patients} synthetic patients)`, () =>
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
      logger: createLogger({ level: process.env.LOG_LEVEL ?? 'warn' }),
    }),
  );
  const auth = options.auth
    ? `SMART token endpoint: ${ehr.tokenUrl} (${clients.length} client${clients.length === 1 ? '' : 's'} registered)`
    : 'Auth: off (--no-auth)';
  console.log(`Sandbox FHIR R4 server (synthetic data): ${ehr.baseUrl}\nCapabilityStatement: ${ehr.baseUrl}/metadata\n${auth}\nStop: Ctrl+C`);
  if (options.auth && clients.length === 0) {
    console.warn('No backend clients registered: every FHIR request will be refused (401). Pass --clients <file>, or --no-auth.');
  }
  const stop = () => void ehr.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
