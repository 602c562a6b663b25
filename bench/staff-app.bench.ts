/**
 * The staff app (issue 14): what it costs to build and to open.
 *   - the production build (`vite build`), forced, and the assets it writes (bytes and gzip bytes);
 *   - in Chromium, a signed-in nurse: navigation to /live until the screen's heading is drawn and
 *     the live feed says "Live", and /review until its first item is listed (one call placed), cold
 *     (new browser context) and warm (same context, reload).
 *
 *   npm run bench:app            # 5 runs each
 *   npm run bench:app -- 10      # 10 runs each
 *
 * Prints min / median / max and writes bench/results/staff-app.json. Synthetic data only.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { startSandboxEhr } from '../src/sandbox-ehr/sandbox-ehr.server.ts';
import { startHarness } from '../test/helpers/engine-harness.ts';
import { reviewCalls } from '../test/helpers/review-calls.ts';
import { browser, closeBrowser, signInBrowser } from '../test/helpers/staff-app.ts';
import { signUpAndSignIn } from '../test/helpers/staff-session.ts';

const runs = Number(process.argv[2] ?? 5);
const root = fileURLToPath(new URL('..', import.meta.url));
const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: Math.round(sorted[0]!), median: Math.round(sorted[Math.floor(sorted.length / 2)]!), max: Math.round(sorted.at(-1)!), runs: sorted.length };
};

// 1. The build.
const buildMs: number[] = [];
for (let run = 0; run < Math.min(runs, 3); run += 1) {
  const started = performance.now();
  execFileSync(process.execPath, [path.join(root, 'scripts/build-app.mjs'), '--force'], { stdio: 'ignore' });
  buildMs.push(performance.now() - started);
}
const assetsDir = path.join(root, 'dist/app/assets');
const assets = readdirSync(assetsDir).map((name) => {
  const bytes = readFileSync(path.join(assetsDir, name));
  return { name: name.replace(/-[A-Za-z0-9_-]{8}\./, '.'), bytes: statSync(path.join(assetsDir, name)).size, gzipBytes: gzipSync(bytes).byteLength };
}).sort((a, b) => b.bytes - a.bytes);

// 2. Opening screens.
const ehr = await startSandboxEhr({ port: 0 });
const harness = await startHarness('pglite', { ehr });
const { placeCall } = reviewCalls(() => harness, () => ehr);
await placeCall({ id: 'bench-app-1', queue: 'demo-review', dob: true, text: 'Synthetic: I need a refill of my lisinopril please.', patientIndex: 1 });
const nurse = await signUpAndSignIn(harness.engine, { role: 'nurse' });
const timings: Record<string, number[]> = { liveCold: [], liveWarm: [], reviewCold: [] };
try {
  // One sign-in (a code is good once); every cold context starts from its cookies and an empty cache.
  const first = await (await browser()).newContext();
  await signInBrowser(first, harness.engine.url, nurse);
  const storageState = await first.storageState();
  await first.close();
  for (let run = 0; run < runs; run += 1) {
    const context = await (await browser()).newContext({ viewport: { width: 1440, height: 900 }, storageState });
    const page = await context.newPage();
    let started = performance.now();
    await page.goto(`${harness.engine.url}/live`);
    await page.getByRole('heading', { name: 'Live calls', level: 1 }).waitFor();
    await page.getByText('Live', { exact: true }).first().waitFor();
    timings.liveCold!.push(performance.now() - started);
    started = performance.now();
    await page.reload();
    await page.getByRole('heading', { name: 'Live calls', level: 1 }).waitFor();
    await page.getByText('Live', { exact: true }).first().waitFor();
    timings.liveWarm!.push(performance.now() - started);
    await context.close();

    const reviewContext = await (await browser()).newContext({ viewport: { width: 1440, height: 900 }, storageState });
    const reviewPage = await reviewContext.newPage();
    started = performance.now();
    await reviewPage.goto(`${harness.engine.url}/review`);
    await reviewPage.getByTestId('open-item').first().waitFor();
    timings.reviewCold!.push(performance.now() - started);
    await reviewContext.close();
  }
} finally {
  await closeBrowser();
  await harness.close();
  await ehr.close();
}

const result = {
  bench: 'staff-app', at: new Date().toISOString(), node: process.version, cpus: cpus().length,
  buildMs: stats(buildMs),
  assets: { totalBytes: assets.reduce((sum, asset) => sum + asset.bytes, 0), totalGzipBytes: assets.reduce((sum, asset) => sum + asset.gzipBytes, 0), largest: assets.slice(0, 5) },
  openMs: Object.fromEntries(Object.entries(timings).map(([key, values]) => [key, stats(values)])),
};
console.log(`Build: ${result.buildMs.median} ms median (${result.buildMs.min}–${result.buildMs.max}); assets ${(result.assets.totalBytes / 1024).toFixed(0)} KiB, ${(result.assets.totalGzipBytes / 1024).toFixed(0)} KiB gzipped`);
for (const asset of result.assets.largest) console.log(`  ${asset.name.padEnd(28)} ${(asset.bytes / 1024).toFixed(0).padStart(6)} KiB  ${(asset.gzipBytes / 1024).toFixed(0).padStart(5)} KiB gz`);
for (const [key, value] of Object.entries(result.openMs)) console.log(`${key.padEnd(11)} min ${value.min} ms · median ${value.median} ms · max ${value.max} ms (${value.runs} runs)`);
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(path.join(root, 'bench/results/staff-app.json'), `${JSON.stringify(result, null, 2)}\n`);
