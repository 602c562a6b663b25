import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The staff app's build (app/, `npm run build:app`) as the engine serves it: `dist/app/index.html`
 * for every screen's path, `dist/app/assets/*` for its scripts and styles. The page itself holds
 * no data: every answer it shows comes from the API behind the session cookie.
 */
export const staffAppDir = fileURLToPath(new URL('../../dist/app', import.meta.url));

/** The app's screens: each path answers with the app's page (the browser router draws the screen). */
export const staffAppPaths = ['/', '/sign-in', '/live', '/review', '/review/:id', '/worklist', '/audit', '/audit/calls/:id', '/settings', '/dashboard', '/callbacks', '/on-call/:id', '/outreach'] as const;

/** Where the page's nonce goes: Mantine's style tags and the colour-scheme script read it from this meta tag. */
const noncePlaceholder = '__CSP_NONCE__';

let cached: { mtimeMs: number; html: string } | null = null;

/** The built page, re-read when a new build replaces it (a running demo picks up `npm run build:app`). */
function builtPage(): string | null {
  const file = path.join(staffAppDir, 'index.html');
  if (!existsSync(file)) return null;
  const { mtimeMs } = statSync(file);
  if (!cached || cached.mtimeMs !== mtimeMs) cached = { mtimeMs, html: readFileSync(file, 'utf8') };
  return cached.html;
}

/** Shown when the app was never built: what to run, in words (the API works without the app). */
const notBuiltPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Callchart</title></head><body>
<main><h1>The staff app is not built yet</h1><p>Run <code>npm run build:app</code> in the Callchart folder, then reload this page.
<code>npm start</code> and <code>npm test</code> build it for you. Every API answers without the app: see <a href="/openapi.json">/openapi.json</a>.</p></main></body></html>`;

/**
 * The page for one request: the build with this request's CSP nonce, and the reason a sign-in
 * failed (`data-problem`, a code from a fixed list) when the SSO callback refused it.
 */
export function staffAppPage(nonce: string, problem?: string): { status: 200 | 503; html: string } {
  const html = builtPage();
  if (!html) return { status: 503, html: notBuiltPage };
  const withNonce = html.replaceAll(noncePlaceholder, nonce);
  return { status: 200, html: problem ? withNonce.replace('<body>', `<body data-problem="${problem}">`) : withNonce };
}

export function staffAppAssetsDir(): string {
  return path.join(staffAppDir, 'assets');
}
