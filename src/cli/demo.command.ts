import { mkdirSync } from 'node:fs';
import { loadConfigFile } from '../config/config.loader.ts';
import { defaultConfig, type CallchartConfig } from '../config/config.schema.ts';
import { startEngine, type Engine } from '../engine/engine.ts';
import path from 'node:path';
import { decodeAuditKey } from '../audit/audit-key.ts';
import {
  assertStrongSecret, auditKeySpec, dataKeySpec, resolveSecret, SANDBOX_EHR_READER_SCOPES, staffTokenSecretSpec, storeSandboxEhrReader, twilioAuthTokenSpec, webhookSecretSpec,
  type ResolvedSecret, type SecretSpec,
} from '../engine/secrets.ts';
import { isCallchartError } from '../lib/errors.ts';
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

/** Runs the secret checks; a weak secret ends the command with its reason and exit code 2, no stack. */
function secretsOrExit<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    if (isCallchartError(error) && error.code === 'CONFIG_INVALID') {
      console.error(`Secrets: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}

function regeneratedNotice(spec: SecretSpec, resolved: ResolvedSecret, dataDir: string): void {
  const consequence =
    spec.kind === 'data-key' ? 'call content stored with the old key can no longer be read' : 'anything that used the old one (simulate, a PBX, a staff link) needs the new one';
  console.warn(`Notice: the trial secret in ${dataDir}/secrets/${spec.file} ${resolved.replaced}; a new one was generated and stored there (${consequence}).`);
}

/** Why the demo did not start, in one line: codes and messages, never a stack trace. */
function startFailure(error: unknown, port: number): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE') return `port ${port} is in use (EADDRINUSE); pick another with --port`;
  return error instanceof Error ? `${error.message}${typeof code === 'string' ? ` (${code})` : ''}` : String(error);
}

export async function runDemo(options: { port: number; dataDir: string; ehrUrl?: string; ehrPort: number; patients: number; config?: string }): Promise<void> {
  const config = loadConfigOrExit(options.config);
  mkdirSync(options.dataDir, { recursive: true });
  storageNotice();
  // Trial secrets: a stored one too weak for today's rule (an older version made webhook secrets of
  // 24 bytes) is replaced and said so, not refused: it is demo data and the new one is printed below.
  const [webhookSecret, dataKey, twilioAuthToken, staffSecret, auditKey] = secretsOrExit(() =>
    [webhookSecretSpec, dataKeySpec, twilioAuthTokenSpec, staffTokenSecretSpec, auditKeySpec].map((spec) => {
      const resolved = resolveSecret({ ...spec, dataDir: options.dataDir, whenStoredIsWeak: 'regenerate' });
      if (resolved.source === 'regenerated') regeneratedNotice(spec, resolved, options.dataDir);
      return resolved;
    }) as [ResolvedSecret, ResolvedSecret, ResolvedSecret, ResolvedSecret, ResolvedSecret],
  );
  const staffTokenSecret = Buffer.from(staffSecret.value, 'base64');
  let sandbox: SpawnedSandboxEhr | null = null;
  let engine: Engine;
  let fhirBaseUrl: string;
  try {
    // The sandbox gets the engine's client (generated per run) and a read-only one for `simulate`.
    const reader = options.ehrUrl ? null : await generateEhrClient({ clientId: 'callchart-simulator' });
    fhirBaseUrl =
      options.ehrUrl ??
      (sandbox = await step(`Starting the sandbox EHR (${options.patients} synthetic patients)`, () =>
        spawnSandboxEhr({ port: options.ehrPort, patients: options.patients, clients: reader ? [{ clientId: reader.credentials.clientId, jwks: reader.jwks, scopes: SANDBOX_EHR_READER_SCOPES }] : [] }),
      )).baseUrl;
    storeSandboxEhrReader(options.dataDir, sandbox && reader ? { ...reader.credentials, tokenUrl: sandbox.tokenUrl, scopes: SANDBOX_EHR_READER_SCOPES } : null);
    const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
    engine = await step(`Starting the engine and workers (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () =>
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
  } catch (error) {
    // Nothing the demo started may outlive it: the sandbox goes before we say why we stopped.
    await sandbox?.close();
    console.error(`The demo could not start: ${startFailure(error, options.port)}`);
    process.exit(1);
  }
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
  // Production: every secret is checked before anything starts; a stored trial secret too weak for
  // today's rule is refused, not rotated (the PBX signing with it would start failing silently).
  const { webhookSecret, dataKey, staffSecret, auditKey, twilioAuthToken } = secretsOrExit(() => ({
    webhookSecret: resolveSecret({ ...webhookSecretSpec, dataDir: options.dataDir, whenStoredIsWeak: 'refuse' }),
    dataKey: resolveSecret({ ...dataKeySpec, dataDir: options.dataDir, whenStoredIsWeak: 'refuse' }),
    staffSecret: resolveSecret({ ...staffTokenSecretSpec, dataDir: options.dataDir, whenStoredIsWeak: 'refuse' }),
    auditKey: resolveSecret({ ...auditKeySpec, dataDir: options.dataDir, whenStoredIsWeak: 'refuse' }),
    // Twilio's token is optional (without it the Twilio routes refuse everything), never weak when set.
    twilioAuthToken: process.env.TWILIO_AUTH_TOKEN ? assertStrongSecret('TWILIO_AUTH_TOKEN', process.env.TWILIO_AUTH_TOKEN, twilioAuthTokenSpec.kind) : undefined,
  }));
  const staffTokenSecret = Buffer.from(staffSecret.value, 'base64');
  if (!twilioAuthToken) console.warn('TWILIO_AUTH_TOKEN is not set: Twilio webhooks and Media Streams will be refused (403 TWILIO_NOT_CONFIGURED).');
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
