import { createLogger } from '../lib/logger.ts';
import { startSandboxEhr } from '../sandbox-ehr/sandbox-ehr.server.ts';
import { step } from './progress.ts';

export async function runSandboxEhr(options: { port: number; host: string; patients: number; seed?: number; latency: number }): Promise<void> {
  const ehr = await step(`Starting the sandbox EHR (${options.patients} synthetic patients)`, () =>
    startSandboxEhr({
      port: options.port,
      host: options.host,
      patientCount: options.patients,
      latencyMs: options.latency,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      logger: createLogger({ level: process.env.LOG_LEVEL ?? 'warn' }),
    }),
  );
  console.log(`Sandbox FHIR R4 server (synthetic data): ${ehr.baseUrl}\nCapabilityStatement: ${ehr.baseUrl}/metadata\nStop: Ctrl+C`);
  const stop = () => void ehr.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
