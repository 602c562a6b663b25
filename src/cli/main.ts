import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { engineVersion } from '../engine/version.ts';

/*
 * Each command's module is loaded when that command runs, not before: the engine and its
 * libraries take seconds to load, and `--help`, `config check` or a start-up refusal (a busy
 * port) should answer at once.
 */
type Action = (...args: never[]) => void | Promise<void>;
const lazy = <T extends Action>(load: () => Promise<T>) => async (...args: Parameters<T>): Promise<void> => {
  await (await load())(...args);
};

const integer = (name: string, min: number, max: number) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
  return parsed;
};
const rate = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (value.trim() === '' || !(parsed >= 0 && parsed <= 1)) throw new InvalidArgumentError(`${name} must be a number from 0 to 1`);
  return parsed;
};
const httpUrl = (name: string) => (value: string) => {
  if (!/^https?:\/\//.test(value) || !URL.canParse(value)) throw new InvalidArgumentError(`${name} must be an http:// or https:// URL, e.g. http://127.0.0.1:8787`);
  return value.replace(/\/+$/, '');
};
const defaultDataDir = process.env.CALLCHART_DATA_DIR ?? './.callchart';

const program = new Command()
  .name('callchart')
  .description('Callchart: cloud phone calls to EHR work items, compliance first.\nAll bundled data is synthetic.')
  .version(engineVersion)
  .showHelpAfterError();

program
  .command('demo')
  .description('Start the engine, workers, the sandbox EHR and the live-calls page on the embedded store')
  .option('-p, --port <port>', 'HTTP port for the engine', integer('port', 0, 65535), 8787)
  .option('-d, --data-dir <dir>', 'embedded store and trial secrets', defaultDataDir)
  .option('--ehr-url <url>', 'use this FHIR R4 base URL instead of starting the sandbox EHR', httpUrl('ehr-url'))
  .option('--ehr-port <port>', 'port for the sandbox EHR (0 = any free port)', integer('ehr-port', 0, 65535), 0)
  .option('--patients <n>', 'synthetic patients in the sandbox EHR', integer('patients', 10, 5000), 240)
  .option('-c, --config <file>', 'config file (YAML)')
  .action(lazy(async () => (await import('./demo.command.ts')).runDemo));

program
  .command('serve')
  .description('Start the engine against the EHR in the config file (PostgreSQL via DATABASE_URL for real PHI)')
  .requiredOption('-c, --config <file>', 'config file (YAML); ehr.fhirBaseUrl is required')
  .option('-d, --data-dir <dir>', 'embedded store (when DATABASE_URL is unset) and trial secrets', defaultDataDir)
  .option('-p, --port <port>', 'HTTP port (overrides server.port)', integer('port', 0, 65535))
  .addOption(
    new Option('--role <role>', 'web: webhooks, API, staff app, WebSockets; worker: pipeline, write-back, purge, audit chain, sweeps (HTTP for health only); all: both. web and worker need PostgreSQL and every secret from the environment')
      .choices(['web', 'worker', 'all'])
      .env('CALLCHART_ROLE')
      .default('all'),
  )
  .action(lazy(async () => (await import('./demo.command.ts')).runServe));

program
  .command('sandbox-ehr')
  .description('Serve the synthetic FHIR R4 sandbox EHR on its own')
  .option('-p, --port <port>', 'HTTP port', integer('port', 0, 65535), 8080)
  .option('--host <host>', 'interface to bind', '127.0.0.1')
  .option('--patients <n>', 'synthetic patients', integer('patients', 10, 5000), 240)
  .option('--seed <n>', 'generator seed (same seed, same clinic)', integer('seed', 0, 2 ** 31 - 1))
  .option('--latency-ms <ms>', 'added to every FHIR response, like a remote EHR', integer('latency-ms', 0, 60000))
  .option('--latency <ms>', 'alias of --latency-ms', integer('latency', 0, 60000))
  .option('--no-auth', 'serve FHIR without SMART Backend Services tokens')
  .option('--clients <file>', 'JSON file of backend clients: [{"clientId", "jwks" | "jwksUrl", "scopes"?}] (also CALLCHART_SANDBOX_CLIENTS)')
  .option('--fail-rate <f>', 'probability (0-1) that a FHIR request fails: 500, 429, timeout after apply, or reset before apply', rate('fail-rate'), 0)
  .option('--token-fail-rate <f>', 'the same for the token endpoint (500, 429, reset)', rate('token-fail-rate'), 0)
  .option('--outreach-as-of <iso>', 'date the outreach lists\' discharges and no-shows relative to this moment (default: the clinic\'s reference date)')
  .action(lazy(async () => (await import('./sandbox-ehr.command.ts')).runSandboxEhr));

program
  .command('simulate')
  .description('Send signed synthetic call events to a running engine, then check the Tasks in its EHR')
  .requiredOption('-t, --target <url>', 'engine URL, e.g. http://127.0.0.1:8787', httpUrl('target'))
  .option('-n, --calls <n>', 'number of calls', integer('calls', 1, 100000), 20)
  .option('-d, --data-dir <dir>', "where to read the engine's webhook secret", defaultDataDir)
  .option('--secret <secret>', 'webhook secret (default: CALLCHART_WEBHOOK_SECRET, then the data dir)')
  .option('--duplicate', 'send every event twice (PBX redelivery)', false)
  .option('--shuffle', 'send events in random order (late and out-of-order webhooks)', false)
  .option('--seed <n>', 'random seed for reproducible traffic', integer('seed', 0, 2 ** 31 - 1))
  .option('--concurrency <n>', 'requests in flight', integer('concurrency', 1, 256), 8)
  .option('--no-verify', 'do not wait for and check the Tasks')
  .addOption(new Option('--pattern <pattern>', 'send the calls to the demo queue of this integration pattern').choices(['summary-only', 'review', 'event']))
  .option('--mixed-consents', 'some callers decline AI or EHR use (the policy fallbacks)', false)
  .option('--after-hours', "place the calls at 3 a.m. last night in the clinic's time zone (the on-call clinician is told)", false)
  .addOption(new Option('--source <pbx>', 'which PBX the calls come from: the generic CTI webhook, or Zoom Phone webhooks (signed with the Zoom secret token), or RingCentral telephony session notifications (RINGCENTRAL_VERIFICATION_TOKEN)').choices(['cti', 'zoom', 'ringcentral']).default('cti'))
  .option('--zoom-secret <token>', 'Zoom secret token (default: CALLCHART_ZOOM_WEBHOOK_SECRET, then the data dir)')
  .action(lazy(async () => (await import('./simulate.command.ts')).runSimulate));

program
  .command('chart')
  .argument('[patient]', 'only what was filed on this patient (an id or Patient/<id>)')
  .description('Read back from the EHR every Task, Communication, DocumentReference and Provenance Callchart wrote, grouped by call (read-only)')
  .option('-d, --data-dir <dir>', "the demo's data directory (its read-only sandbox EHR key)", defaultDataDir)
  .option('--ehr-url <url>', 'FHIR R4 base URL (default: the demo\'s sandbox EHR); EHR_CLIENT_* for a token', httpUrl('ehr-url'))
  .option('--json', 'one FHIR resource per line (NDJSON) instead of the summary', false)
  .action(lazy(async () => (await import('./chart.command.ts')).runChart));

program
  .command('analyze')
  .description('Understand transcripts: JSONL {"id","text","patient"?} on stdin, one JSONL analysis per line on stdout')
  .option('-c, --config <file>', 'config file (YAML) with the request type workflows')
  .option('--now <iso>', 'the time follow-ups are due from (default: now)')
  .option('--language-model', "also ask the config's languageModel, merged over the rules (docs/guides/language-model.md)", false)
  .action(lazy(async () => (await import('./analyze.command.ts')).runAnalyze));

program
  .command('transcribe')
  .argument('<file>', 'audio: WAV (PCM, float, µ-law, A-law), raw µ-law (.ulaw/.mulaw/.ul, 8 kHz) or raw PCM s16le (.raw/.pcm, with --sample-rate)')
  .description('Transcribe one audio file; print JSON with segments, words, confidences and the quality verdict (exit 2 on an unreadable file, an unsupported format or an unavailable engine)')
  .addOption(new Option('--engine <engine>', 'speech engine (default: speech.engine in the config, else pocketsphinx)').choices(['pocketsphinx', 'http']))
  .option('-c, --config <file>', 'config file (YAML) with the speech: section (speech.http for --engine http)')
  .option('--sample-rate <hz>', 'sample rate of a raw file', integer('sample-rate', 4000, 192000))
  .action(lazy(async () => (await import('./transcribe.command.ts')).runTranscribe));

const list = (value: string, previous: string[]) => [...previous, ...value.split(',').map((item) => item.trim()).filter(Boolean)];
program
  .command('staff-token')
  .description('Issue a signed staff token for scripts and the API (people sign in to the staff app instead)')
  .requiredOption('-r, --role <role>', 'intake, nurse, clinician, supervisor, analyst or admin')
  .option('-u, --user <id>', 'who the token is for (an id, not a name)', 'staff-1')
  .option('-q, --queues <list>', 'queues this person works, comma-separated (default: all)', list, [])
  .option('-x, --extensions <list>', 'extensions this person answers, comma-separated', list, [])
  .option('--hours <n>', 'validity in hours (at most 12: a shift)', integer('hours', 1, 12), 8)
  .option('-d, --data-dir <dir>', "where to read the engine's trial secret", defaultDataDir)
  .action(lazy(async () => (await import('./staff-token.command.ts')).runStaffToken));

const users = program.command('users').description('Staff accounts that sign in with a password and an authenticator app');
users
  .command('add')
  .description("Create a local staff account (e.g. the clinic's first admin) and print its one-time initial password (uses DATABASE_URL when set)")
  .requiredOption('--user-name <name>', 'login name (lower-case)')
  .requiredOption('-r, --role <role>', 'intake, nurse, clinician, supervisor, analyst, admin or auditor')
  .option('-q, --queues <list>', 'queues this person works, comma-separated (* for all)', list, [])
  .option('--display-name <name>', 'name shown in the staff app')
  .option('--email <address>', 'contact address')
  .option('-d, --data-dir <dir>', 'embedded store (when DATABASE_URL is unset; stop the engine first)', defaultDataDir)
  .action(lazy(async () => (await import('./users.command.ts')).runUsersAdd));

const config = program.command('config').description('Work with the config file');
config
  .command('check')
  .argument('[file]', 'config file (YAML)', 'callchart.yaml')
  .description('Validate a config file and every file it names (routing rules, queue policy); print every problem with its path; exit 1 if any')
  .action(lazy(async () => (await import('./config-check.command.ts')).runConfigCheck));
config
  .command('init')
  .argument('[dir]', 'folder to write into', '.')
  .description('Write a sample config (callchart.yaml) with the routing rules and queue policy it names, all synthetic')
  .option('--force', 'overwrite files that already exist', false)
  .action(lazy(async () => (await import('./config-init.command.ts')).runConfigInit));

const audit = program.command('audit').description('The tamper-evident audit log');
const isoTime = (name: string) => (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) throw new InvalidArgumentError(`${name} must be an ISO 8601 date or time, e.g. 2026-01-05 or 2026-01-05T14:00:00Z`);
  return new Date(value);
};
audit
  .command('verify')
  .description('Verify the keyed chain against the signed checkpoints; name what is missing or altered (uses DATABASE_URL when set; key from CALLCHART_AUDIT_KEY or the data dir)')
  .option('-d, --data-dir <dir>', 'embedded store, trial audit key and checkpoint file', defaultDataDir)
  .option('--checkpoints <file>', 'checkpoint file (default: <data-dir>/audit-checkpoints.jsonl)')
  .action(lazy(async () => (await import('./audit-verify.command.ts')).runAuditVerify));
audit
  .command('export')
  .description('Write the audit events of a period to stdout: signed JSON lines, or FHIR R4 AuditEvent NDJSON')
  .option('-d, --data-dir <dir>', 'embedded store and trial audit key', defaultDataDir)
  .option('--from <time>', 'events at or after this time (ISO 8601)', isoTime('from'))
  .option('--to <time>', 'events before this time (ISO 8601)', isoTime('to'))
  .addOption(new Option('--format <format>', 'jsonl: signed JSON lines with an HMAC trailer; fhir: FHIR R4 AuditEvent NDJSON').choices(['jsonl', 'fhir']).default('jsonl'))
  .action(lazy(async () => (await import('./audit-export.command.ts')).runAuditExport));

const retention = program.command('retention').description('Retention with proof: what is past policy, legal holds, purge proofs (DATABASE_URL when set; stop the engine first on the embedded store)');
retention
  .command('report')
  .description('List anything past policy (should be nothing), holds in force, deletions outside policy, keys destroyed, the last and next purge; exit 1 if anything is past policy or content vanished outside policy')
  .option('-d, --data-dir <dir>', 'embedded store', defaultDataDir)
  .option('--json', 'the report as JSON', false)
  .action(lazy(async () => (await import('./retention.command.ts')).runRetentionReport));
retention
  .command('proof')
  .argument('<call-id>', 'the call id (UUID) as in the audit log')
  .description('For a purged call: its purge audit entries, its destroyed data keys, that its rows are gone and the audit chain verifies; exit 1 unless all of it holds')
  .option('-d, --data-dir <dir>', 'embedded store, trial audit key and checkpoint file', defaultDataDir)
  .option('--checkpoints <file>', 'checkpoint file (default: <data-dir>/audit-checkpoints.jsonl)')
  .option('--json', 'the proof as JSON', false)
  .action(lazy(async () => (await import('./retention.command.ts')).runRetentionProof));
retention
  .command('purge')
  .description('Run one purge now (the engine runs it on its schedule): delete what is due, destroy keys that seal nothing any more')
  .option('-d, --data-dir <dir>', 'embedded store, trial audit key and checkpoint file', defaultDataDir)
  .option('--checkpoints <file>', 'checkpoint file (default: <data-dir>/audit-checkpoints.jsonl)')
  .action(lazy(async () => (await import('./retention.command.ts')).runRetentionPurge));

const keys = program.command('keys').description('Envelope encryption keys: status and rotation without downtime');
keys
  .command('status')
  .description('KEK versions, data keys per class and KEK, re-wrap progress, rows still under the legacy key (DATABASE_URL when set)')
  .option('-d, --data-dir <dir>', 'embedded store (when DATABASE_URL is not set)', defaultDataDir)
  .option('--json', 'print JSON', false)
  .action(lazy(async () => (await import('./keys.command.ts')).runKeysStatus));
keys
  .command('rotate')
  .description('Make a new KEK version current now and re-wrap every data key under it, with progress (PostgreSQL: while engines serve; embedded store: use the engine\'s admin API)')
  .option('-d, --data-dir <dir>', 'embedded store (when DATABASE_URL is not set)', defaultDataDir)
  .option('--data-keys', 'also start new data keys for today (a suspected data-key leak)', false)
  .option('--reseal', 're-seal content under the replaced data keys and the legacy single key', false)
  .action(lazy(async () => (await import('./keys.command.ts')).runKeysRotate));
keys
  .command('init')
  .description('Create the key file (CALLCHART_KEK_FILE, else ~/.config/callchart/kek.json) if it does not exist')
  .action(lazy(async () => (await import('./keys.command.ts')).runKeysInit));
// The SMART client key pair Callchart signs EHR token requests with (issue 13, item 7).
keys
  .command('ehr')
  .description("The SMART Backend Services key pair Callchart signs EHR token requests with: create it, rotate it (the old key stays published until --retire), print the public JWKS")
  .option('-d, --data-dir <dir>', 'the key set goes to <data-dir>/secrets/ehr-client-keys.json unless --keys-file or CALLCHART_EHR_KEYS_FILE says otherwise', defaultDataDir)
  .option('--keys-file <file>', 'where the key set is kept (mode 0600), e.g. outside the data directory (also CALLCHART_EHR_KEYS_FILE)')
  .addOption(new Option('--alg <alg>', 'algorithm of a new key').choices(['ES384', 'RS384']).default('ES384'))
  .option('--rotate', 'a new key signs from now on; the previous one stays in the JWKS', false)
  .option('--retire', 'drop every key that no longer signs from the key set and the JWKS', false)
  .option('--jwks', 'print the public JWKS (what /.well-known/jwks.json serves)', false)
  .action(lazy(async () => (await import('./keys-ehr.command.ts')).runKeysEhr));
audit
  .command('access')
  .description("The access log: who saw a patient's calls (--patient), or what a person saw (--user), optionally on one UTC day; ids, times, purposes")
  .option('-d, --data-dir <dir>', 'embedded store (or DATABASE_URL)', defaultDataDir)
  .option('--patient <id>', 'the EHR patient id')
  .option('--user <id>', 'the staff id (or a full actor such as operator:it)')
  .option('--day <date>', 'one UTC day, YYYY-MM-DD')
  .option('--json', 'one JSON line per view', false)
  .action(lazy(async () => (await import('./audit-access.command.ts')).runAuditAccess));
audit
  .command('verify-export')
  .argument('<file>', 'a signed export (`audit export`, or an incident\'s evidence)')
  .description("Verify a signed audit export's HMAC trailer and chain links with the audit key; exit 1 if anything was changed")
  .option('-d, --data-dir <dir>', 'where the trial audit key is (or CALLCHART_AUDIT_KEY)', defaultDataDir)
  .action(lazy(async () => (await import('./audit-access.command.ts')).runAuditVerifyExport));

program.hook('preAction', (_command, action) => {
  const options = action.opts() as { dataDir?: string; checkpoints?: string };
  if (options.dataDir) options.dataDir = path.resolve(options.dataDir);
  if (options.checkpoints) options.checkpoints = path.resolve(options.checkpoints);
});

await program.parseAsync(process.argv);
