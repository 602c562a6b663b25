/**
 * How long an admin waits for a start-up refusal (issue 12, defect 8): `demo --port <busy>` used to
 * spend 44 s starting and then crash with a stack trace. Measures the wall time of each command,
 * from spawn to exit, beside `callchart --version` (the floor: Node, tsx and the CLI parser), and
 * writes bench/results/start-refusal.json. Run with `npx tsx bench/start-refusal.bench.ts [--runs 7]`.
 * Synthetic data only.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const bin = path.resolve(import.meta.dirname, '../bin/callchart.js');
const scratch = mkdtempSync(path.join(tmpdir(), 'callchart-bench-refusal-'));

const blocker = net.createServer();
await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
const busy = (blocker.address() as net.AddressInfo).port;
const probe = net.createServer();
await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
const closed = (probe.address() as net.AddressInfo).port;
await new Promise((resolve) => probe.close(resolve));
writeFileSync(path.join(scratch, 'serve.yaml'), 'ehr:\n  fhirBaseUrl: http://127.0.0.1:9/fhir/R4\n');
writeFileSync(path.join(scratch, 'missing-rules.yaml'), 'routing:\n  rulesFile: ./no-such-rules.yaml\n');

const scenarios: { name: string; args: string[]; env?: Record<string, string>; expectCode: number }[] = [
  { name: 'callchart --version (floor)', args: ['--version'], expectCode: 0 },
  { name: 'demo --port <busy>', args: ['demo', '--port', String(busy), '--data-dir', path.join(scratch, 'demo')], expectCode: 2 },
  { name: 'serve --port <busy>', args: ['serve', '-c', path.join(scratch, 'serve.yaml'), '-d', path.join(scratch, 'serve'), '-p', String(busy)], expectCode: 2 },
  { name: 'serve, database down', args: ['serve', '-c', path.join(scratch, 'serve.yaml'), '-d', path.join(scratch, 'serve'), '-p', '0'], env: { DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/postgres` }, expectCode: 2 },
  { name: 'simulate, dead --target', args: ['simulate', '--target', `http://127.0.0.1:${closed}`, '--secret', 'whsec_synthetic'], expectCode: 2 },
  { name: 'config check, rules file missing', args: ['config', 'check', path.join(scratch, 'missing-rules.yaml')], expectCode: 1 },
];

const results = [];
for (const scenario of scenarios) {
  const times: number[] = [];
  let sample = '';
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [bin, ...scenario.args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'error', ...scenario.env } });
    times.push(performance.now() - started);
    if (result.status !== scenario.expectCode) throw new Error(`${scenario.name}: exit ${result.status}, expected ${scenario.expectCode}\n${result.stderr}`);
    sample = result.stderr.trim().split('\n').at(-1) ?? '';
  }
  times.sort((a, b) => a - b);
  const entry = { scenario: scenario.name, runs, medianMs: Math.round(times[Math.floor(times.length / 2)]!), minMs: Math.round(times[0]!), maxMs: Math.round(times.at(-1)!), says: sample };
  results.push(entry);
  console.log(`${entry.scenario.padEnd(36)} median ${String(entry.medianMs).padStart(5)} ms  (min ${entry.minMs}, max ${entry.maxMs})  ${entry.says.slice(0, 90)}`);
}
blocker.close();
rmSync(scratch, { recursive: true, force: true });

const output = { cpus: cpus().length, loadAverage: loadavg().map((value) => Number(value.toFixed(2))), before: { 'demo --port <busy>': '44 s, then an EADDRINUSE stack trace (issue 12)' }, results };
mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(path.join(import.meta.dirname, 'results', 'start-refusal.json'), `${JSON.stringify(output, null, 2)}\n`);
