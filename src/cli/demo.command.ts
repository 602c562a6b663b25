import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { decodeAuditKey } from '../audit/audit-key.ts';
import { loadConfigFile } from '../config/config.loader.ts';
import { defaultConfig, type CallchartConfig } from '../config/config.schema.ts';
import { startEngine, type Engine } from '../engine/engine.ts';
import { auditKeySpec, dataKeySpec, resolveSecret, SANDBOX_EHR_READER_SCOPES, staffTokenSecretSpec, storeSandboxEhrReader, twilioAuthTokenSpec, webhookSecretSpec } from '../engine/secrets.ts';
import { generateEhrClient } from '../ehr/smart-auth.ts';
import { issueStaffToken } from '../auth/staff-token.ts';
import { createLogger } from '../lib/logger.ts';
import { spawnSandboxEhr, type SpawnedSandboxEhr } from './sandbox-process.ts';
import { step } from './progress.ts';

function loadConfigOrExit(file: string | undefined): CallchartConfig {
  if (!file) return defaultConfig;
  const result = loadConfigFile(file);
  if (result.ok) return result.config;
  console.error(`Config ${file} is invalid:`);
  for (const problem of result.problems) console.error(`  ${problem.path}: ${problem.message}`);
  process.exit(2);
}

function onShutdown(close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping…\n`);
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function storageNotice(): void {
  if (!process.env.DATABASE_URL) {
    console.warn(
      '\n⚠  Storage: embedded PGlite in the data directory. It is for trials and demos only (fsync off);\n' +
        '   production PHI belongs in PostgreSQL — set DATABASE_URL.\n',
    );
  }
}

export async function runDemo(options: { port: number; dataDir: string; ehrUrl?: string; ehrPort: number; patients: number; config?: string }): Promise<void> {
  const config = loadConfigOrExit(options.config);
  mkdirSync(options.dataDir, { recursive: true });
  storageNotice();
  const webhookSecret = resolveSecret({ ...webhookSecretSpec, dataDir: options.dataDir });
  const dataKey = resolveSecret({ ...dataKeySpec, dataDir: options.dataDir });
  const twilioAuthToken = resolveSecret({ ...twilioAuthTokenSpec, dataDir: options.dataDir });
  const staffTokenSecret = Buffer.from(resolveSecret({ ...staffTokenSecretSpec, dataDir: options.dataDir }).value, 'base64');
  const auditKey = resolveSecret({ ...auditKeySpec, dataDir: options.dataDir });
  let sandbox: SpawnedSandboxEhr | null = null;
  // The sandbox gets the engine's client (generated per run) and a read-only one for `simulate`.
  const reader = options.ehrUrl ? null : await generateEhrClient({ clientId: 'callchart-simulator' });
  const fhirBaseUrl =
    options.ehrUrl ??
    (sandbox = await step(`Starting the sandbox EHR (${options.patients} synthetic patients)`, () =>
      spawnSandboxEhr({ port: options.ehrPort, patients: options.patients, clients: reader ? [{ clientId: reader.credentials.clientId, jwks: reader.jwks, scopes: SANDBOX_EHR_READER_SCOPES }] : [] }),
    )).baseUrl;
  storeSandboxEhrReader(options.dataDir, sandbox && reader ? { ...reader.credentials, tokenUrl: sandbox.tokenUrl, scopes: SANDBOX_EHR_READER_SCOPES } : null);
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const engine: Engine = await step(`Starting the engine and workers (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () =>
    startEngine({
      config,
      databaseUrl: process.env.DATABASE_URL,
      dataDir: options.dataDir,
      fhirBaseUrl,
      ...(sandbox?.client ? { ehrAuth: sandbox.client } : {}),
      webhookSecret: webhookSecret.value,
      twilioAuthToken: twilioAuthToken.value,
      staffTokenSecret,
      dataKey: Buffer.from(dataKey.value, 'base64'),
      auditKey: decodeAuditKey(auditKey.value),
      auditCheckpointFile: path.join(options.dataDir, 'audit-checkpoints.jsonl'),
      port: options.port,
      logger,
    }),
  );
  onShutdown(async () => {
    await engine.close();
    await sandbox?.close();
  });
  // Demo sign-in: one link per role (a clinic signs staff in through its identity provider).
  const frontDesk = await issueStaffToken(staffTokenSecret, { sub: 'demo-front-desk', role: 'intake', queues: ['*'], extensions: [] });
  const nurse = await issueStaffToken(staffTokenSecret, { sub: 'demo-nurse', role: 'nurse', queues: ['*'], extensions: [] });
  console.log(`
Callchart ${'demo'} is running (synthetic data only).

  Live calls      ${engine.url}/#token=${nurse}   (nurse view)
                  ${engine.url}/#token=${frontDesk}   (front-desk view)
  Review queue    ${engine.url}/review#token=${nurse}   (nurse: open, edit, S0 checklist, approve)
                  (sign-in links for the demo: the token is in the fragment, which never reaches the server,
                   and the page moves it out of the address bar; tokens last 8 h, 12 h at most)
                  API: curl -H 'Authorization: Bearer ${nurse}' ${engine.url}/api/review
  Write-back      ${engine.url}/api/write-back/summary  (same header; what waits for the EHR, what failed)
  CTI webhook     POST ${engine.url}/webhooks/cti
  OpenAPI         ${engine.url}/openapi.json
  Health          ${engine.url}/healthz
  FHIR R4 (EHR)   ${fhirBaseUrl}${sandbox ? '  (sandbox)' : ''}
  Data directory  ${options.dataDir}
  Webhook secret  ${webhookSecret.value}  (${webhookSecret.source === 'env' ? 'from CALLCHART_WEBHOOK_SECRET' : 'stored in the data directory'})
  Twilio          POST ${engine.url}/webhooks/twilio/voice  (auth token ${twilioAuthToken.value}, ${twilioAuthToken.source === 'env' ? 'from TWILIO_AUTH_TOKEN' : 'generated for the demo'})

Send calls:  npx callchart simulate --target ${engine.url} --calls 20 --duplicate --shuffle${options.dataDir !== process.cwd() + '/.callchart' ? ` --data-dir ${options.dataDir}` : ''}
             (the calls take turns through the review, summary-only and event queues; --pattern picks one)
Stop:        Ctrl+C
`);
}

export async function runServe(options: { config: string; dataDir: string; port?: number }): Promise<void> {
  const config = loadConfigOrExit(options.config);
  if (!config.ehr.fhirBaseUrl) {
    console.error('Config: ehr.fhirBaseUrl is required for serve (use `callchart demo` for the sandbox EHR).');
    process.exit(2);
  }
  mkdirSync(options.dataDir, { recursive: true });
  storageNotice();
  const webhookSecret = resolveSecret({ ...webhookSecretSpec, dataDir: options.dataDir });
  const dataKey = resolveSecret({ ...dataKeySpec, dataDir: options.dataDir });
  const twilioAuthToken = process.env.TWILIO_AUTH_TOKEN;
  const staffTokenSecret = Buffer.from(resolveSecret({ ...staffTokenSecretSpec, dataDir: options.dataDir }).value, 'base64');
  const auditKey = resolveSecret({ ...auditKeySpec, dataDir: options.dataDir });
  if (!twilioAuthToken) console.warn('TWILIO_AUTH_TOKEN is not set: Twilio webhooks will be refused (403).');
  const engine = await step('Starting the engine and workers', () =>
    startEngine({
      config,
      databaseUrl: process.env.DATABASE_URL,
      dataDir: options.dataDir,
      fhirBaseUrl: config.ehr.fhirBaseUrl!,
      webhookSecret: webhookSecret.value,
      ...(twilioAuthToken ? { twilioAuthToken } : {}),
      staffTokenSecret,
      dataKey: Buffer.from(dataKey.value, 'base64'),
      auditKey: decodeAuditKey(auditKey.value),
      auditCheckpointFile: path.join(options.dataDir, 'audit-checkpoints.jsonl'),
      ...(options.port !== undefined ? { port: options.port } : {}),
    }),
  );
  onShutdown(() => engine.close());
  console.log(`Callchart is listening on ${engine.url} (EHR ${config.ehr.fhirBaseUrl})`);
}
