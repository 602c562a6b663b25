import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { signCtiRequest } from '../../src/pbx/cti-signature.ts';
import type { CallEvent } from '../../src/calls/call-event.schema.ts';
import { consentEvents } from '../helpers/consent-events.ts';
import { eventually, syntheticEvent, type Harness } from '../helpers/engine-harness.ts';

/**
 * Synthetic calls for the live-calls browser tests: each test works its own queue, so cards of
 * one test never crowd another's. Synthetic numbers and patients only.
 */
export function liveCalls(getHarness: () => Harness) {
  const event = (queue: string, overrides: Parameters<typeof syntheticEvent>[0]): CallEvent => {
    const base = syntheticEvent(overrides);
    return { ...base, call: { ...base.call, queue } };
  };

  /** A ringing call; with `route`, as a PBX asking Callchart where to send it (`?route=sync`). */
  async function ring(queue: string, callId: string, ani: string, options: { route?: boolean } = {}): Promise<{ callId: string; routing?: { reason: string; destination: { label: string } } }> {
    const harness = getHarness();
    if (!options.route) {
      const answer = await harness.post(event(queue, { type: 'call.ringing', callId, ani }));
      expect(answer.status).toBe(202);
      return { callId: String(answer.body.callId) };
    }
    const body = JSON.stringify(event(queue, { type: 'call.ringing', callId, ani }));
    const response = await fetch(`${harness.engine.url}/webhooks/cti?route=sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'callchart-signature': signCtiRequest(harness.secret, body, Math.floor(Date.now() / 1000)) },
      body,
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { callId: string; routing: { reason: string; destination: { label: string } } };
  }

  async function send(queue: string, overrides: Parameters<typeof syntheticEvent>[0]): Promise<void> {
    const answer = await getHarness().post(event(queue, overrides));
    expect(answer.status).toBeLessThan(300);
  }

  /** A whole call that raises a red flag (breathing difficulty), ended, with every consent given. */
  async function redFlagCall(queue: string, callId: string, ani: string): Promise<string> {
    const { callId: id } = await ring(queue, callId, ani);
    for (const consent of consentEvents(callId, ani, [], queue)) await getHarness().post(consent);
    await send(queue, { type: 'call.answered', callId, ani });
    await send(queue, { type: 'transcript.available', callId, ani, data: { transcript: { text: "Synthetic caller: I can't breathe, my throat is closing after the new antibiotic." } } });
    await send(queue, { type: 'call.ended', callId, ani });
    return id;
  }

  /** Audit rows of one action on one call (the chain is written shortly after the transaction). */
  async function auditRows(callId: string, action: string, atLeast = 1): Promise<{ actor: string; detail: Record<string, unknown>; outcome: string }[]> {
    const harness = getHarness();
    return eventually(async () => {
      const { rows } = await harness.engine.db.query<{ actor: string; detail: Record<string, unknown>; outcome: string }>(
        'select actor, detail, outcome from audit_event where object_id = $1 and action = $2 order by seq',
        [callId, action],
      );
      return rows.length >= atLeast ? rows : null;
    }, 15_000, `${action} audited`);
  }

  return { ring, send, redFlagCall, auditRows };
}

/** Marks the focused element, so a test can tell it is the very same node after an update. */
export async function markFocused(page: Page): Promise<void> {
  await page.evaluate("document.activeElement && document.activeElement.setAttribute('data-focus-probe', 'yes')");
}

/** Whether the marked element still has the keyboard focus (not the body, not a new copy). */
export async function stillFocused(page: Page): Promise<boolean> {
  return (await page.evaluate("document.activeElement !== document.body && document.activeElement?.getAttribute('data-focus-probe') === 'yes'")) as boolean;
}

/** An attribute of every element a locator matches, in document order. */
export async function attributes(locator: Locator, name: string): Promise<(string | null)[]> {
  return locator.evaluateAll((nodes, attribute) => nodes.map((node) => (node as unknown as { getAttribute(name: string): string | null }).getAttribute(attribute)), name);
}
