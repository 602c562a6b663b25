#!/usr/bin/env node
// Builds the staff app (app/ → dist/app/) when it is missing or older than its sources: what
// `npm start` and `npm test` run first, so the README's two commands work on a fresh clone.
// `--force` builds regardless. The stamp is a hash of every source file, the lock file and this script.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const appDir = path.join(root, 'app');
const outDir = path.join(root, 'dist', 'app');
const stampFile = path.join(outDir, '.source-hash');

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : [full];
  });
}

function sourceHash() {
  const hash = createHash('sha256');
  for (const file of [...sources(appDir).sort(), path.join(root, 'package-lock.json'), fileURLToPath(import.meta.url)]) {
    hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

const wanted = sourceHash();
const force = process.argv.includes('--force');
if (!force && existsSync(stampFile) && existsSync(path.join(outDir, 'index.html')) && readFileSync(stampFile, 'utf8') === wanted) {
  process.exit(0);
}
const started = Date.now();
// Always the production bundle, whoever runs this (the test runner sets NODE_ENV=test, and Vite
// would then bundle React's development build).
process.env.NODE_ENV = 'production';
let build;
try {
  ({ build } = await import('vite'));
} catch {
  // A production install without dev dependencies: the app ships prebuilt (or is served from elsewhere).
  process.stderr.write('The staff app is not built and Vite is not installed (npm ci --omit=dev?): run `npm ci` then `npm run build:app`.\n');
  process.exit(0);
}
process.stderr.write('Building the staff app (app/ → dist/app/)…\n');
await build({ configFile: path.join(appDir, 'vite.config.ts'), logLevel: 'warn' });
writeFileSync(stampFile, wanted);
const bytes = sources(path.join(outDir, 'assets')).reduce((sum, file) => sum + statSync(file).size, 0);
process.stderr.write(`Built the staff app in ${((Date.now() - started) / 1000).toFixed(1)} s (${(bytes / 1024).toFixed(0)} KiB of assets).\n`);
