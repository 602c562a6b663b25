// Regenerates the staff app's API types (app/src/api/openapi.d.ts) from the engine's own
// /openapi.json: `npm run app:api`. The contract test (test/staff-app-api.e2e.test.ts) fails when the
// committed file and the running engine's contract disagree.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startHarness } from '../test/helpers/engine-harness.ts';
import { openApiTypes } from '../test/helpers/openapi-types.ts';

const target = fileURLToPath(new URL('../app/src/api/openapi.d.ts', import.meta.url));
const harness = await startHarness('pglite');
try {
  const spec = await (await fetch(`${harness.engine.url}/openapi.json`)).json();
  writeFileSync(target, await openApiTypes(spec));
  console.error(`Wrote ${target}`);
} finally {
  await harness.close();
}
