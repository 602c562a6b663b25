import { readSandboxEhrReader, readStoredSecret } from '../engine/secrets.ts';
import { SmartBackendTokenProvider } from '../ehr/smart-auth.client.ts';
import { runSimulation, SimulationRefused } from '../simulator/simulate.client.ts';
import { progressLine } from './progress.ts';
import { refuseStart } from './start-checks.ts';

/** Where the webhook secret came from, so a refusal can say which one to change. */
type SecretSource = '--secret' | 'CALLCHART_WEBHOOK_SECRET' | 'data-dir';

/** One sentence per refusal: what is wrong and what to do. */
function refusalSentence(refusal: SimulationRefused, options: { target: string; dataDir: string }, secretSource: SecretSource): string {
  const { status, code } = refusal.detail;
  switch (refusal.reason) {
    case 'target-unreachable':
      return `Nothing answers at ${options.target}${code ? ` (${code})` : ''}: start the engine (\`npx callchart demo\`) or pass its URL with --target.`;
    case 'not-callchart':
      return `${options.target} is not a Callchart engine (GET /api/info ${status ? `answered ${status}` : `gave ${code}`}): pass the engine's URL with --target, e.g. http://127.0.0.1:8787.`;
    case 'signature-refused': {
      if (code === 'ZOOM_NOT_CONFIGURED') return `The engine at ${options.target} does not take Zoom Phone webhooks (ZOOM_NOT_CONFIGURED): set zoom.enabled in its config and CALLCHART_ZOOM_WEBHOOK_SECRET (the demo does both).`;
      if (refusal.detail.url.endsWith('/webhooks/zoom') && code !== 'SIGNATURE_STALE' && code !== 'SIGNATURE_FUTURE') {
        return `The engine at ${options.target} refused the Zoom signature (${code ?? 'HTTP 401'}): the Zoom secret token is not the engine's; pass the engine's --data-dir, or its token with --zoom-secret or CALLCHART_ZOOM_WEBHOOK_SECRET.`;
      }
      const from = secretSource === 'data-dir' ? `the one stored in ${options.dataDir}` : `the one from ${secretSource}`;
      return code === 'SIGNATURE_STALE' || code === 'SIGNATURE_FUTURE'
        ? `The engine at ${options.target} refused the webhook signature (${code}): this machine's clock and the engine's disagree; correct the clock and send again.`
        : `The engine at ${options.target} refused the webhook signature (${code ?? 'HTTP 401'}): the webhook secret (${from}) is not the engine's; pass the engine's --data-dir, or its secret with --secret or CALLCHART_WEBHOOK_SECRET.`;
    }
    case 'ehr-unreadable':
      return `The simulator cannot read the EHR at ${new URL(refusal.detail.url).origin} (${status ? `HTTP ${status}` : code}): with the demo's sandbox EHR, pass the running demo's --data-dir (its read-only EHR key is there); otherwise check that the EHR is up.`;
  }
}

export async function runSimulate(options: {
  target: string; calls: number; dataDir: string; secret?: string; duplicate: boolean; shuffle: boolean; seed?: number; concurrency: number; verify: boolean;
  pattern?: 'summary-only' | 'review' | 'event'; mixedConsents?: boolean; afterHours?: boolean; source?: 'cti' | 'zoom' | 'ringcentral'; zoomSecret?: string;
}): Promise<void> {
  const zoomSecret = options.source === 'zoom' ? options.zoomSecret || process.env.CALLCHART_ZOOM_WEBHOOK_SECRET || readStoredSecret(options.dataDir, 'zoom-webhook-secret') : null;
  if (options.source === 'zoom' && !zoomSecret) refuseStart(`No Zoom secret token: pass --zoom-secret, set CALLCHART_ZOOM_WEBHOOK_SECRET, or point --data-dir at the demo's data directory (looked in ${options.dataDir}).`);
  // RingCentral's notifications carry the subscription's verification token, not a signature.
  const ringcentralToken = options.source === 'ringcentral' ? (process.env.RINGCENTRAL_VERIFICATION_TOKEN ?? '').split(',')[0]!.trim() : '';
  if (options.source === 'ringcentral' && !ringcentralToken) refuseStart('--source ringcentral needs the engine\'s RINGCENTRAL_VERIFICATION_TOKEN in the environment.');
  const secretSource: SecretSource = options.secret ? '--secret' : process.env.CALLCHART_WEBHOOK_SECRET ? 'CALLCHART_WEBHOOK_SECRET' : 'data-dir';
  const secret = options.secret || process.env.CALLCHART_WEBHOOK_SECRET || readStoredSecret(options.dataDir, 'webhook-secret');
  if (!secret) refuseStart(`No webhook secret: pass --secret, set CALLCHART_WEBHOOK_SECRET, or point --data-dir at the engine's data directory (looked in ${options.dataDir}).`);
  // The demo's sandbox EHR requires a token; the demo left a read-only client in the data directory.
  const reader = readSandboxEhrReader(options.dataDir);
  const ehrTokens = reader ? new SmartBackendTokenProvider(reader) : null;
  const sending = progressLine('Sending events');
  const verifying = progressLine('Waiting for Tasks');
  let phase: 'send' | 'verify' = 'send';
  const report = await runSimulation({
    target: options.target,
    secret,
    calls: options.calls,
    duplicate: options.duplicate,
    shuffle: options.shuffle,
    concurrency: options.concurrency,
    verify: options.verify,
    ...(options.pattern ? { pattern: options.pattern } : {}),
    consents: options.mixedConsents ? 'mixed' : 'all',
    afterHours: options.afterHours ?? false,
    ...(options.source === 'zoom' && zoomSecret ? { source: 'zoom' as const, zoomSecret } : {}),
    ...(options.source === 'ringcentral' ? { source: 'ringcentral' as const, ringcentralToken } : {}),
    ...(ehrTokens ? { ehrToken: () => ehrTokens.getAccessToken() } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    onProgress: (progress) => {
      if (progress.phase === 'verify' && phase === 'send') {
        phase = 'verify';
        sending.done();
      }
      (progress.phase === 'send' ? sending : verifying).update(progress.done, progress.total);
    },
  }).catch((error: unknown) => {
    if (phase === 'send') sending.done();
    if (error instanceof SimulationRefused) refuseStart(refusalSentence(error, options, secretSource));
    console.error(`Simulation failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
  (phase === 'send' ? sending : verifying).done();
  const kinds = Object.entries(report.byKind).map(([kind, n]) => `${n} ${kind}`).join(', ');
  console.log(`Run ${report.runId}: ${report.calls} calls (${kinds})`);
  console.log(`Events: ${report.eventsSent} sent, ${report.accepted} accepted, ${report.duplicates} duplicates acknowledged, ${report.failed.length} failed`);
  for (const failure of report.failed.slice(0, 5)) console.log(`  failed: HTTP ${failure.status} ${failure.code ?? ''}`);
  if (report.verified) {
    console.log(`Tasks in the EHR: ${report.tasksFound} for ${report.calls} calls; ${report.correctlyLinked} linked to the right patient or to none`);
    for (const problem of report.problems.slice(0, 10)) console.log(`  ${problem.providerCallId} (${problem.kind}): ${problem.problem}`);
  }
  const ok = report.failed.length === 0 && (!report.verified || (report.problems.length === 0 && report.tasksFound === report.calls));
  console.log(ok ? 'OK' : 'PROBLEMS FOUND');
  process.exit(ok ? 0 : 1);
}
