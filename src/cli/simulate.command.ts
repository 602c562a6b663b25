import { readSandboxEhrReader, readStoredSecret } from '../engine/secrets.ts';
import { SmartBackendTokenProvider } from '../ehr/smart-auth.client.ts';
import { runSimulation } from '../simulator/simulate.client.ts';
import { progressLine } from './progress.ts';

export async function runSimulate(options: {
  target: string; calls: number; dataDir: string; secret?: string; duplicate: boolean; shuffle: boolean; seed?: number; concurrency: number; verify: boolean;
  pattern?: 'summary-only' | 'review' | 'event'; mixedConsents?: boolean;
}): Promise<void> {
  const secret = options.secret || process.env.CALLCHART_WEBHOOK_SECRET || readStoredSecret(options.dataDir, 'webhook-secret');
  if (!secret) {
    console.error(`No webhook secret: pass --secret, set CALLCHART_WEBHOOK_SECRET, or point --data-dir at the engine's data directory (looked in ${options.dataDir}).`);
    process.exit(2);
  }
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
    console.error(`\nSimulation failed: ${(error as Error).message}`);
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
