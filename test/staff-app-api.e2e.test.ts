import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers/engine-harness.ts';
import { openApiTypes } from './helpers/openapi-types.ts';

/**
 * The staff app's API client is typed from the engine's own contract (issue 14): the committed
 * app/src/api/openapi.d.ts must be what the running engine's /openapi.json generates, so a route or
 * body the app uses and the engine no longer accepts fails `npm run typecheck`.
 */
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness('pglite');
});
afterAll(async () => harness?.close());

describe("the staff app's API types", () => {
  it('match the running engine\'s /openapi.json (regenerate with `npm run app:api`)', async () => {
    const spec = await (await fetch(`${harness.engine.url}/openapi.json`)).json();
    const committed = readFileSync(new URL('../app/src/api/openapi.d.ts', import.meta.url), 'utf8');
    expect(committed === (await openApiTypes(spec)), 'app/src/api/openapi.d.ts is out of date: run `npm run app:api`').toBe(true);
  });

  it('cover every staff API route the engine serves', async () => {
    const spec = (await (await fetch(`${harness.engine.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const staffRoutes = harness.engine.app.routeAccessList.filter((route) => route.access.kind === 'staff' && route.url.startsWith('/api/'));
    const missing = staffRoutes.filter((route) => !spec.paths[route.url.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()]).map((route) => `${route.method} ${route.url}`);
    expect(missing).toEqual([]);
  });
});
