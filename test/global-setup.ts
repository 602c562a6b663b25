import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Before any tier: the staff app built (when missing or older than its sources), so the engine's
 * pages and the browser tests see the app of this checkout.
 */
export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build-app.mjs', import.meta.url))], { stdio: 'inherit' });
}
