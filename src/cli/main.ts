import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { engineVersion } from '../engine/engine.ts';
import { runAnalyze } from './analyze.command.ts';
import { runAuditExport } from './audit-export.command.ts';
import { runAuditVerify } from './audit-verify.command.ts';
import { runConfigCheck } from './config-check.command.ts';
import { runDemo, runServe } from './demo.command.ts';
import { runSandboxEhr } from './sandbox-ehr.command.ts';
import { runSimulate } from './simulate.command.ts';
import { runStaffToken } from './staff-token.command.ts';

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
  .option('--ehr-url <url>', 'use this FHIR R4 base URL instead of starting the sandbox EHR')
  .option('--ehr-port <port>', 'port for the sandbox EHR (0 = any free port)', integer('ehr-port', 0, 65535), 0)
  .option('--patients <n>', 'synthetic patients in the sandbox EHR', integer('patients', 10, 5000), 240)
  .option('-c, --config <file>', 'config file (YAML)')
  .action(runDemo);

program
  .command('serve')
  .description('Start the engine against the EHR in the config file (PostgreSQL via DATABASE_URL for real PHI)')
  .requiredOption('-c, --config <file>', 'config file (YAML); ehr.fhirBaseUrl is required')
  .option('-d, --data-dir <dir>', 'embedded store (when DATABASE_URL is unset) and trial secrets', defaultDataDir)
  .option('-p, --port <port>', 'HTTP port (overrides server.port)', integer('port', 0, 65535))
  .action(runServe);

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
  .action(runSandboxEhr);

program
  .command('simulate')
  .description('Send signed synthetic call events to a running engine, then check the Tasks in its EHR')
  .requiredOption('-t, --target <url>', 'engine URL, e.g. http://127.0.0.1:8787')
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
  .action(runSimulate);

program
  .command('analyze')
  .description('Understand transcripts: JSONL {"id","text","patient"?} on stdin, one JSONL analysis per line on stdout')
  .option('-c, --config <file>', 'config file (YAML) with the request type workflows')
  .option('--now <iso>', 'the time follow-ups are due from (default: now)')
  .action(runAnalyze);

const list = (value: string, previous: string[]) => [...previous, ...value.split(',').map((item) => item.trim()).filter(Boolean)];
program
  .command('staff-token')
  .description('Issue a signed token for the live-calls display (trials; the clinic sign-in issues them in production)')
  .requiredOption('-r, --role <role>', 'intake, nurse, clinician, supervisor, analyst or admin')
  .option('-u, --user <id>', 'who the token is for (an id, not a name)', 'staff-1')
  .option('-q, --queues <list>', 'queues this person works, comma-separated (default: all)', list, [])
  .option('-x, --extensions <list>', 'extensions this person answers, comma-separated', list, [])
  .option('--hours <n>', 'validity in hours (at most 12: a shift)', integer('hours', 1, 12), 8)
  .option('-d, --data-dir <dir>', "where to read the engine's trial secret", defaultDataDir)
  .action(runStaffToken);

const config = program.command('config').description('Work with the config file');
config
  .command('check')
  .argument('[file]', 'config file (YAML)', 'callchart.yaml')
  .description('Validate a config file; print every problem with its path; exit 1 if any')
  .action(runConfigCheck);

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
  .action(runAuditVerify);
audit
  .command('export')
  .description('Write the audit events of a period to stdout: signed JSON lines, or FHIR R4 AuditEvent NDJSON')
  .option('-d, --data-dir <dir>', 'embedded store and trial audit key', defaultDataDir)
  .option('--from <time>', 'events at or after this time (ISO 8601)', isoTime('from'))
  .option('--to <time>', 'events before this time (ISO 8601)', isoTime('to'))
  .addOption(new Option('--format <format>', 'jsonl: signed JSON lines with an HMAC trailer; fhir: FHIR R4 AuditEvent NDJSON').choices(['jsonl', 'fhir']).default('jsonl'))
  .action(runAuditExport);

program.hook('preAction', (_command, action) => {
  const options = action.opts() as { dataDir?: string; checkpoints?: string };
  if (options.dataDir) options.dataDir = path.resolve(options.dataDir);
  if (options.checkpoints) options.checkpoints = path.resolve(options.checkpoints);
});

await program.parseAsync(process.argv);
