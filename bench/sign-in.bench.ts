/**
 * What sign-in and sessions cost (SE-3):
 *   - argon2id password hash and check at the OWASP parameters, p50/p95 (pure CPU);
 *   - a recovery-code sign-in's worst case: ten argon2id checks (the code matched last);
 *   - one staff request authenticated by the session cookie (a store read and a touch per request)
 *     against the same request with a bearer token (a signature check only), on each backend.
 *
 *   npx tsx bench/sign-in.bench.ts             # both backends, 400 requests each
 *   npx tsx bench/sign-in.bench.ts postgres 1000
 *
 * Prints a table and writes bench/results/sign-in-<backend>.json. Synthetic accounts only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { hashPassword, passwordMatches } from '../src/auth/password.ts';
import { hashRecoveryCodes, matchRecoveryCode, newRecoveryCodes } from '../src/auth/recovery-codes.ts';
import { backendKinds, type BackendKind } from '../test/helpers/backends.ts';
import { startHarness } from '../test/helpers/engine-harness.ts';
import { sessionCookiePrefix, signUpAndSignIn } from '../test/helpers/staff-session.ts';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const ms = (value: number) => Number(value.toFixed(2));

async function timed(n: number, work: () => Promise<unknown>): Promise<{ p50Ms: number; p95Ms: number }> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return { p50Ms: ms(percentile(samples, 50)), p95Ms: ms(percentile(samples, 95)) };
}

async function credentials() {
  const stored = await hashPassword('synthetic-bench-password');
  const hash = await timed(30, () => hashPassword('synthetic-bench-password'));
  const check = await timed(30, () => passwordMatches(stored, 'synthetic-bench-password'));
  const codes = newRecoveryCodes();
  const hashes = await hashRecoveryCodes(codes);
  const recovery = await timed(20, () => matchRecoveryCode(hashes, codes[9]!));
  return { passwordHash: hash, passwordCheck: check, recoveryCodeWorstCase: recovery };
}

async function requests(kind: BackendKind, n: number) {
  const harness = await startHarness(kind);
  try {
    const staff = await signUpAndSignIn(harness.engine, { role: 'nurse' });
    const token = await harness.token('nurse');
    const get = (headers: Record<string, string>) => async () => {
      const response = await fetch(`${harness.engine.url}/api/calls`, { headers });
      if (response.status !== 200) throw new Error(`GET /api/calls answered ${response.status}`);
      await response.arrayBuffer();
    };
    // Warm both paths first (JIT, pools).
    await timed(50, get({ cookie: `${sessionCookiePrefix}${staff.cookie}` }));
    await timed(50, get({ authorization: `Bearer ${token}` }));
    const session = await timed(n, get({ cookie: `${sessionCookiePrefix}${staff.cookie}` }));
    const bearer = await timed(n, get({ authorization: `Bearer ${token}` }));
    return { session, bearer };
  } finally {
    await harness.close();
  }
}

const [only, count] = process.argv.slice(2);
const kinds = only ? [only as BackendKind] : [...backendKinds];
const n = Number(count ?? 400);
const machine = { cpus: cpus().length, node: process.version };
const pure = await credentials();
console.log(`argon2id password hash p50 ${pure.passwordHash.p50Ms} ms (p95 ${pure.passwordHash.p95Ms}); check p50 ${pure.passwordCheck.p50Ms} ms; recovery code, 10 hashes, p50 ${pure.recoveryCodeWorstCase.p50Ms} ms`);
mkdirSync(path.join('bench', 'results'), { recursive: true });
for (const kind of kinds) {
  const http = await requests(kind, n);
  console.log(`${kind}: GET /api/calls with the session cookie p50 ${http.session.p50Ms} ms (p95 ${http.session.p95Ms}); with a bearer token p50 ${http.bearer.p50Ms} ms (p95 ${http.bearer.p95Ms}); n=${n}`);
  writeFileSync(path.join('bench', 'results', `sign-in-${kind}.json`), `${JSON.stringify({ at: new Date().toISOString(), machine, backend: kind, requests: n, ...pure, ...http }, null, 2)}\n`);
}
process.exit(0);
