import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { demoAccounts, newInitialPassword } from '../auth/staff-accounts.service.ts';
import path from 'node:path';
import { checkConfigFile } from '../config/config.loader.ts';
import { defaultConfig, type CallchartConfig } from '../config/config.schema.ts';
import type { Engine } from '../engine/engine.ts';
import type { EngineRole } from '../api/health.routes.ts';
import { decodeAuditKey } from '../audit/audit-key.ts';
import {
  assertStrongSecret, auditKeySpec, dataKeySpec, resolveSecret, SANDBOX_EHR_READER_SCOPES, sharedSecretsFromEnv, staffTokenSecretSpec, storeSandboxEhrReader, twilioAuthTokenSpec, webhookSecretSpec, zoomSecretTokenSpec,
  type ResolvedSecret, type SecretSpec,
} from '../engine/secrets.ts';
import { isCallchartError } from '../lib/errors.ts';
import type { SpawnedSandboxEhr } from './sandbox-process.ts';
import { step } from './progress.ts';
import { databaseProblem, portProblem, refuseStart, START_REFUSED_EXIT_CODE, startFailureSentence } from './start-checks.ts';

/**
 * What starting needs: the engine (seconds to load), the SMART and staff-token crypto and the
 * logger. Loaded only once the start-up checks pass, so a busy port, a database that is down or a
 * bad config is answered in well under a second; it loads while the secrets are resolved.
 */
function loadStarters() {
  const loading = Promise.all([import('../engine/engine.ts'), import("../ehr/smart-auth.ts"), import('../lib/logger.ts'), import('./sandbox-process.ts')]).then(
    ([{ startEngine }, { generateEhrClient }, { createLogger }, { spawnSandboxEhr }]) => ({ startEngine, generateEhrClient, createLogger, spawnSandboxEhr }),
  );
  // Awaited, and a failure reported, where they are first used.
  loading.catch(() => undefined);
  return loading;
}

/** The config and every file it names, or exit 2 with every problem (what `config check` prints). */
function configOrRefuse(file: string | undefined): CallchartConfig {
  if (!file) return defaultConfig;
  const result = checkConfigFile(file);
  if (result.ok) return result.config;
  console.error(`Config ${file} is invalid (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}); correct ${result.problems.length === 1 ? 'it' : 'them'} and check again with \`callchart config check ${file}\`:`);
  for (const problem of result.problems) console.error(`  ${problem.path}: ${problem.message}`);
  process.exit(START_REFUSED_EXIT_CODE);
}

/** Ports first, then the database: each answers at once, before anything is started or written. */
async function refuseUnlessReady(ports: { host: string; port: number; option: string }[]): Promise<void> {
  for (const { host, port, option } of ports) {
    const problem = await portProblem(host, port, option);
    if (problem) refuseStart(problem);
  }
  if (process.env.DATABASE_URL) {
    const problem = await databaseProblem(process.env.DATABASE_URL);
    if (problem) refuseStart(problem);
  }
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
    if (isCallchartError(error) && error.code === 'CONFIG_INVALID') refuseStart(`Secrets: ${error.message}`);
    throw error;
  }
}

function regeneratedNotice(spec: SecretSpec, resolved: ResolvedSecret, dataDir: string): void {
  const consequence =
    spec.kind === 'data-key' ? 'call content stored with the old key can no longer be read' : 'anything that used the old one (simulate, a PBX, a staff link) needs the new one';
  console.warn(`Notice: the trial secret in ${dataDir}/secrets/${spec.file} ${resolved.replaced}; a new one was generated and stored there (${consequence}).`);
}

export async function runDemo(options: { port: number; dataDir: string; ehrUrl?: string; ehrPort: number; patients: number; config?: string }): Promise<void> {
  const config = configOrRefuse(options.config);
  if (!options.ehrUrl && options.port !== 0 && options.port === options.ehrPort) refuseStart(`--port and --ehr-port are both ${options.port}: give the sandbox EHR another port (or 0 for any free one).`);
  await refuseUnlessReady([
    { host: config.server.host, port: options.port, option: '--port' },
    ...(options.ehrUrl ? [] : [{ host: '127.0.0.1', port: options.ehrPort, option: '--ehr-port' }]),
  ]);
  const starters = loadStarters();
  // Live transcription (issue 17): checked while the app builds; on when pocketsphinx and flite are here.
  const liveCheck = liveTranscriptionFor(config);
  buildStaffAppIfStale();
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
  // Zoom Phone (issue 19): the demo takes Zoom webhooks too, with a trial Secret Token kept beside the others.
  const zoomSecret = secretsOrExit(() => resolveSecret({ ...zoomSecretTokenSpec, dataDir: options.dataDir, whenStoredIsWeak: 'regenerate' }));
  config.zoom = { ...config.zoom, enabled: true };
  const staffTokenSecret = Buffer.from(staffSecret.value, 'base64');
  let sandbox: SpawnedSandboxEhr | null = null;
  // Twilio's cloud cannot run here: without a configured account the demo's outbound calls and SMS
  // (callbacks, on-call notifications, booking links) go to a local stand-in speaking Twilio's REST API.
  const twilioCloud = config.twilio.accountSid ? null : await (await import('../simulator/twilio-cloud.server.ts')).startTwilioCloud({
    authToken: twilioAuthToken.value,
    // The demo's phone network: calls placed from callback tasks ring for a few seconds, then in turn
    // go unanswered, are answered (the patient says yes to each consent) or find the line busy.
    autoFinish: { afterMs: 4_000, outcome: (_call, index) => [{ outcome: 'no-answer' as const }, { outcome: 'completed' as const, keypad: ['1', '1', '1', '1'] }, { outcome: 'busy' as const }][index % 3]! },
  });
  if (twilioCloud) config.twilio = { ...config.twilio, accountSid: twilioCloud.accountSid, apiBaseUrl: twilioCloud.url, clinicNumber: config.twilio.clinicNumber ?? '+15555550100' };
  // The on-call view (issue 16): the demo clinician is on call after hours; notices go to the local stand-in's messages.
  if (twilioCloud && config.onCall.roster.length === 0) config.onCall = { ...config.onCall, roster: [{ user: 'clinician', notify: { sms: '+15555550199' }, covers: 'after-hours' }] };
  const live = await liveCheck;
  if (live.on && config.speech.engine === 'none') config.speech = { ...config.speech, engine: 'pocketsphinx', pocketsphinx: { ...config.speech.pocketsphinx, workers: 2 } };
  let engine: Engine;
  let fhirBaseUrl: string;
  try {
    // The sandbox gets the engine's client (generated per run) and a read-only one for `simulate` and `chart`.
    const { startEngine, generateEhrClient, createLogger, spawnSandboxEhr } = await starters;
    const reader = options.ehrUrl ? null : await generateEhrClient({ clientId: 'callchart-simulator' });
    fhirBaseUrl =
      options.ehrUrl ??
      (sandbox = await step(`Starting the sandbox EHR (${options.patients} synthetic patients)`, () =>
        spawnSandboxEhr({ port: options.ehrPort, patients: options.patients, outreachAsOf: new Date().toISOString(), clients: reader ? [{ clientId: reader.credentials.clientId, jwks: reader.jwks, scopes: SANDBOX_EHR_READER_SCOPES }] : [] }),
      )).baseUrl;
    storeSandboxEhrReader(options.dataDir, sandbox && reader ? { ...reader.credentials, tokenUrl: sandbox.tokenUrl, scopes: SANDBOX_EHR_READER_SCOPES, fhirBaseUrl } : null);
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
        zoomWebhookSecret: zoomSecret.value,
        staffTokenSecret,
        dataKey: Buffer.from(dataKey.value, 'base64'),
        kekMode: 'demo',
        demoData: true,
        auditKey: decodeAuditKey(auditKey.value),
        auditCheckpointFile: path.join(options.dataDir, 'audit-checkpoints.jsonl'),
        port: options.port,
        logger,
      }),
    );
  } catch (error) {
    // Nothing the demo started may outlive it: the sandbox goes before we say why we stopped.
    await sandbox?.close();
    await twilioCloud?.close();
    refuseStart(`The demo could not start: ${startFailureSentence(error, { host: config.server.host, port: options.port, option: '--port', databaseUrl: process.env.DATABASE_URL })}`);
  }
  // A stand-in front desk (synthetic): the simulator's missed calls and voicemails become callback
  // tasks, and this logs a few attempts on them so the Callbacks screen shows every stage.
  const { logDemoCallbackAttempts } = await import('../simulator/demo-callback-attempts.service.ts');
  const demoAttempts = setInterval(() => void logDemoCallbackAttempts(engine.db, config.callbacks).catch(() => undefined), 15_000);
  demoAttempts.unref();
  const liveCalls = new AbortController();
  onShutdown(async () => {
    liveCalls.abort();
    clearInterval(demoAttempts);
    await engine.close();
    await sandbox?.close();
    await twilioCloud?.close();
  });
  // Demo accounts, one per role: passwords kept in the data directory (synthetic clinic, mode 0600) so every run prints them.
  const { ensureDemoAccounts } = await import('../auth/staff-accounts.service.ts');
  const demoPasswords = demoPasswordsIn(options.dataDir);
  await ensureDemoAccounts(engine.db, (userName) => demoPasswords[userName]!);
  const dataDirFlag = options.dataDir !== path.resolve('.callchart') ? ` --data-dir ${options.dataDir}` : '';
  const roleWords: Record<string, string> = { intake: 'front desk', nurse: 'nurse', clinician: 'clinician', supervisor: 'supervisor', analyst: 'analyst', admin: 'administrator', auditor: 'auditor' };
  const accountLines = demoAccounts.map((account) => `${(roleWords[account.role] ?? account.role).padEnd(14)}${account.userName} / ${demoPasswords[account.userName]}`);
  console.log(`
Callchart ${'demo'} is running (synthetic data only).

  Staff app       ${engine.url}/sign-in
  Demo users      ${accountLines.join('\n                  ')}
                  (user name and password, then an authenticator app: the first sign-in shows its QR code
                   and ten recovery codes)
  API             sign in as above (cookie + x-csrf-token), or a token for scripts:
                  npx callchart staff-token --role nurse${dataDirFlag}   then  -H 'Authorization: Bearer <token>'
  Write-back      ${engine.url}/api/write-back/summary  (signed in, or with a token: what waits for the EHR, what failed)
  CTI webhook     POST ${engine.url}/webhooks/cti
  OpenAPI         ${engine.url}/openapi.json
  Health          ${engine.url}/healthz
  FHIR R4 (EHR)   ${fhirBaseUrl}${sandbox ? '  (sandbox; it asks for a SMART token, so a browser gets 401: read it with `chart` below)' : ''}
  Data directory  ${options.dataDir}
  Webhook secret  ${webhookSecret.value}  (${webhookSecret.source === 'env' ? 'from CALLCHART_WEBHOOK_SECRET' : 'stored in the data directory'})
  Twilio          POST ${engine.url}/webhooks/twilio/voice  (auth token ${twilioAuthToken.value}, ${twilioAuthToken.source === 'env' ? 'from TWILIO_AUTH_TOKEN' : 'generated for the demo'})
  Zoom Phone      POST ${engine.url}/webhooks/zoom  (secret token ${zoomSecret.value}, ${zoomSecret.source === 'env' ? 'from CALLCHART_ZOOM_WEBHOOK_SECRET' : 'generated for the demo'})
  Twilio REST     ${twilioCloud ? `${twilioCloud.url}  (a local stand-in for Twilio's cloud: outbound calls and SMS stay on this machine)` : config.twilio.apiBaseUrl ?? 'https://api.twilio.com'}

Send calls:  npx callchart simulate --target ${engine.url} --calls 20 --duplicate --shuffle${dataDirFlag}
             (add --source zoom to send them as Zoom Phone webhooks)
             (the calls take turns through the review, summary-only and event queues; --pattern picks one;
              missed calls and voicemails become callback tasks, and a stand-in front desk logs attempts on them;
              add --after-hours for calls at 3 a.m.: the on-call clinician gets a text with a link, no PHI)
See chart:   npx callchart chart${sandbox ? dataDirFlag : ` --ehr-url ${fhirBaseUrl}`}
             (reads back every Task, Communication, DocumentReference and Provenance Callchart wrote, read-only;
              add a patient id for one chart, --json for the FHIR resources)
Stop:        Ctrl+C
`);
  console.log(live.sentence);
  // In the background, after the banner: the demo's start never waits for speech.
  if (live.on) void startDemoLiveCalls({ engineUrl: engine.url, webhookSecret: webhookSecret.value, twilioAuthToken: twilioAuthToken.value, signal: liveCalls.signal });
}

/** The demo's live calls: the queue the nurse watches; a round of two calls now and one every few minutes, bounded. */
const liveDemo = { queue: 'demo-review', rounds: 10, callsPerRound: 2, minutesBetweenRounds: 2 } as const;

/**
 * Whether the demo shows live transcripts, and the one console line that says so (or why not, and
 * how to install what is missing). A config that names a speech engine is kept as it is.
 */
async function liveTranscriptionFor(config: CallchartConfig): Promise<{ on: boolean; sentence: string }> {
  if (config.speech.engine === 'http') return { on: false, sentence: 'Live transcript: the config names the http speech engine; the demo streams no synthetic calls to it.' };
  const { liveTranscriptionProblem, liveTranscriptInstallHint } = await import('../simulator/live-stream.client.ts');
  const problem = await liveTranscriptionProblem(config.speech.pocketsphinx.modelDir);
  if (problem) return { on: false, sentence: `Live transcript: off — ${problem}, so the demo's calls show no live transcript (install: \`${liveTranscriptInstallHint}\`).` };
  return {
    on: true,
    sentence:
      `Live transcript: on (pocketsphinx, ${config.speech.engine === 'pocketsphinx' ? config.speech.pocketsphinx.workers : 2} workers). ${liveDemo.callsPerRound} synthetic callers (flite voices, phone audio) stream to the ${liveDemo.queue} queue now and every ${liveDemo.minutesBetweenRounds} minutes;\n` +
      '                 sign in as nurse and open Live calls to watch their partial transcripts grow (the front desk sees none).',
  };
}

async function startDemoLiveCalls(options: { engineUrl: string; webhookSecret: string; twilioAuthToken: string; signal: AbortSignal }): Promise<void> {
  const { playLiveDemoCalls } = await import('../simulator/live-stream.client.ts');
  let failed = 0;
  for (let round = 0; round < liveDemo.rounds && !options.signal.aborted; round++) {
    const result = await playLiveDemoCalls({ ...options, queue: liveDemo.queue, count: liveDemo.callsPerRound, concurrency: 2 });
    // One line, once: what failed is counted, never what was said.
    if (result.failed > 0 && failed === 0) console.warn(`Live transcript: ${result.failed} synthetic live call${result.failed === 1 ? '' : 's'} could not be streamed; the demo goes on.`);
    failed += result.failed;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, liveDemo.minutesBetweenRounds * 60_000);
      timer.unref();
      options.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}

/**
 * The staff app built from this checkout (a no-op when dist/app matches app/): the demo opens on
 * the app's sign-in. A failed build is said and the engine starts anyway (the API works without it).
 */
function buildStaffAppIfStale(): void {
  try {
    execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-app.mjs', import.meta.url))], { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    console.warn('The staff app could not be built (see above); the engine starts without it. Run `npm run build:app` to try again.');
  }
}

/** The demo accounts' passwords: generated once per data directory (one per account, new accounts added), kept beside the trial secrets. */
function demoPasswordsIn(dataDir: string): Record<string, string> {
  const file = path.join(dataDir, 'secrets', 'demo-passwords.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const missing = demoAccounts.filter((account) => !stored[account.userName]);
  if (missing.length === 0) return stored;
  const passwords = { ...stored, ...Object.fromEntries(missing.map((account) => [account.userName, newInitialPassword()])) };
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(passwords)}\n`, { mode: 0o600 });
  return passwords;
}

export async function runServe(options: { config: string; dataDir: string; port?: number; role?: EngineRole }): Promise<void> {
  const role: EngineRole = options.role ?? 'all';
  const config = configOrRefuse(options.config);
  if (!config.ehr.fhirBaseUrl) refuseStart(`Config ${options.config}: ehr.fhirBaseUrl is required for serve; set it to your EHR's FHIR R4 base URL (or use \`callchart demo\` for the sandbox EHR).`);
  // A split deployment is several processes on one database: the embedded store is one process's.
  if (role !== 'all' && !process.env.DATABASE_URL) {
    refuseStart(`--role ${role} needs PostgreSQL: set DATABASE_URL. The embedded store serves one process only, which runs every role (--role all, the default).`);
  }
  const port = options.port ?? config.server.port;
  await refuseUnlessReady([{ host: config.server.host, port, option: options.port === undefined ? 'server.port in the config or --port' : '--port' }]);
  const starters = loadStarters();
  mkdirSync(options.dataDir, { recursive: true });
  storageNotice();
  // Production: every secret is checked before anything starts; a stored trial secret too weak for
  // today's rule is refused, not rotated (the PBX signing with it would start failing silently).
  // Split roles (issue 18): every secret from the environment, none generated or read from this
  // machine's data directory, so every process of the deployment holds the same ones.
  const { webhookSecret, dataKey, staffSecret, auditKey, twilioAuthToken } = secretsOrExit(() => {
    // Twilio's token is optional (without it the Twilio routes refuse everything), never weak when set.
    const twilioAuthToken = process.env.TWILIO_AUTH_TOKEN ? assertStrongSecret('TWILIO_AUTH_TOKEN', process.env.TWILIO_AUTH_TOKEN, twilioAuthTokenSpec.kind) : undefined;
    if (role !== 'all') {
      const shared = sharedSecretsFromEnv(role);
      return { webhookSecret: shared.webhookSecret, dataKey: shared.dataKey, staffSecret: shared.staffTokenSecret, auditKey: shared.auditKey, twilioAuthToken };
    }
    const resolved = {
      webhookSecret: resolveSecret({ ...webhookSecretSpec, dataDir: options.dataDir, whenStoredIsWeak: 'refuse' }),
      dataKey: resolveSecret({ ...dataKeySpec, dataDir: options.dataDir, whenStoredIsWeak: 'refuse' }),
      staffSecret: resolveSecret({ ...staffTokenSecretSpec, dataDir: options.dataDir, whenStoredIsWeak: 'refuse' }),
      auditKey: resolveSecret({ ...auditKeySpec, dataDir: options.dataDir, whenStoredIsWeak: 'refuse' }),
    };
    // On PostgreSQL a second process elsewhere would generate its own: say which to set.
    const local = ([[webhookSecretSpec, resolved.webhookSecret], [staffTokenSecretSpec, resolved.staffSecret], [auditKeySpec, resolved.auditKey]] as const)
      .filter(([, secret]) => secret.source !== 'env').map(([spec]) => spec.envVar);
    if (process.env.DATABASE_URL && local.length > 0) {
      console.warn(`Secrets: ${local.join(', ')} ${local.length === 1 ? 'comes' : 'come'} from ${options.dataDir}/secrets, not the environment: another process on this database would not hold the same; set ${local.length === 1 ? 'it' : 'them'} in the environment to run more than one.`);
    }
    return { webhookSecret: resolved.webhookSecret.value, dataKey: resolved.dataKey.value, staffSecret: resolved.staffSecret.value, auditKey: resolved.auditKey.value, twilioAuthToken };
  });
  const staffTokenSecret = Buffer.from(staffSecret, 'base64');
  if (!twilioAuthToken && role !== 'worker') console.warn('TWILIO_AUTH_TOKEN is not set: Twilio webhooks and Media Streams will be refused (403 TWILIO_NOT_CONFIGURED).');
  let engine: Engine;
  try {
    const { startEngine } = await starters;
    engine = await step(`Starting the engine (role ${role})`, () =>
      startEngine({
        config,
        role,
        databaseUrl: process.env.DATABASE_URL,
        dataDir: options.dataDir,
        fhirBaseUrl: config.ehr.fhirBaseUrl!,
        webhookSecret,
        ...(twilioAuthToken ? { twilioAuthToken } : {}),
        staffTokenSecret,
        ...(dataKey ? { dataKey: Buffer.from(dataKey, 'base64') } : {}),
        kekMode: 'serve',
        auditKey: decodeAuditKey(auditKey),
        // Checkpoints belong on storage the leader of the audit chain can reach wherever it runs (WORM in production).
        auditCheckpointFile: process.env.CALLCHART_AUDIT_CHECKPOINT_FILE || path.join(options.dataDir, 'audit-checkpoints.jsonl'),
        port,
      }),
    );
  } catch (error) {
    refuseStart(`Callchart could not start: ${startFailureSentence(error, { host: config.server.host, port, option: '--port', databaseUrl: process.env.DATABASE_URL })}`);
  }
  onGracefulShutdown(engine, { drainMs: config.server.drainSeconds * 1_000, timeoutMs: config.server.shutdownTimeoutSeconds * 1_000 });
  console.log(`Callchart (role ${role}) is listening on ${engine.url} (EHR ${config.ehr.fhirBaseUrl})`);
}

/**
 * SIGTERM or SIGINT: the engine drains (readiness false, in-flight requests and stage runs finish
 * or go back, duties hand over) and the process exits 0; past the timeout, or at a second signal,
 * it exits 1 at once. What is unfinished is never lost: it is in the database for a peer.
 */
function onGracefulShutdown(engine: Engine, bounds: { drainMs: number; timeoutMs: number }): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting now; unfinished work is picked up by another process or the next start.\n`);
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`\n${signal}: draining (at most ${Math.round(bounds.timeoutMs / 1000)} s)…\n`);
    engine.drain(bounds).then(
      (outcome) => {
        if (outcome === 'timed-out') process.stderr.write('Shutdown took longer than server.shutdownTimeoutSeconds: exiting; unfinished work is picked up by another process or the next start.\n');
        process.exit(outcome === 'clean' ? 0 : 1);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
