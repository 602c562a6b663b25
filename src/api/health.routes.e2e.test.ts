import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLiveClient, startHarness, type Harness } from '../../test/helpers/engine-harness.ts';

/**
 * Liveness and readiness are distinct (issue 18), and a graceful shutdown turns readiness false
 * before anything closes: a load balancer stops sending, the process stays alive, staff screens are
 * told the server is going away (1001) and the engine closes cleanly.
 */
describe('health and graceful shutdown (pglite)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness('pglite');
  });
  afterAll(async () => harness?.close());

  it('live and ready answer separately; a drain turns ready to 503 draining first, live stays 200, screens get 1001, the close is clean', async () => {
    const { engine } = harness;
    const live = await fetch(`${engine.url}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'alive', role: 'all' });
    const ready = await fetch(`${engine.url}/health/ready`);
    expect(ready.status).toBe(200);
    // The embedded store's one process leads every single-writer duty.
    expect(await ready.json()).toMatchObject({ status: 'ready', role: 'all', storage: 'pglite', leading: expect.arrayContaining(['audit-chain', 'retention-purge', 'callback-sweep', 'alerts']) });
    // The old combined probe keeps working.
    expect((await fetch(`${engine.url}/healthz`)).status).toBe(200);

    const screen = await connectLiveClient(engine.url, await harness.token('nurse'));
    const closed = new Promise<number>((resolve) => screen.socket.once('close', (code: number) => resolve(code)));
    // A long drain window: the probes below run inside it, while the listener is still open.
    const drained = engine.drain({ drainMs: 60_000, timeoutMs: 120_000 });
    const duringDrain = await fetch(`${engine.url}/health/ready`);
    expect(duringDrain.status).toBe(503);
    expect(await duringDrain.json()).toMatchObject({ status: 'draining', role: 'all' });
    expect((await fetch(`${engine.url}/health/live`)).status).toBe(200);
    // The rest of the drain, without waiting out its window: close now.
    await engine.close();
    expect(await closed).toBe(1001);
    void drained;
  });
});
