import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { liveDemoScripts, playLiveCall } from '../../src/simulator/live-stream.client.ts';
import { speechSettingsSchema } from '../../src/speech/speech.settings.ts';
import { eventually, startHarness, type Harness } from '../helpers/engine-harness.ts';
import { closeBrowser, screenshots, seriousViolations, signedInPage } from '../helpers/staff-app.ts';
import { markFocused, stillFocused } from './live-calls-helpers.ts';

/**
 * The live transcript in Chromium (issue 17, item 5), end to end with the real recogniser: an
 * engine with Debian's pocketsphinx (two workers), a synthetic caller spoken by flite, put through
 * the telephone network and streamed to /media/twilio as Twilio does (signed upgrade, the TwiML's
 * stream token, 20 ms µ-law frames in real time). The nurse of the call's queue watches the
 * partial transcript grow, then settle; the verdict is in words (phone audio), uncertain words are
 * marked, nothing takes the focus. The front desk's screen for the same call shows no transcript.
 * All speech here is synthetic.
 */
const queue = 'live-speech';
const lines = liveDemoScripts[0]!;

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness('pglite', { config: { speech: speechSettingsSchema.parse({ engine: 'pocketsphinx', pocketsphinx: { workers: 2 } }) } });
}, 120_000);
afterAll(async () => {
  await closeBrowser();
  await harness?.close();
});

/** Every text the transcript showed, in order, and whether words still being heard were among them (recorded in the page). */
async function recordTranscriptTexts(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.__transcriptTexts = [];
    window.__partialSeen = false;
    const record = () => {
      const text = document.querySelector('[data-field="transcript-text"]');
      if (!text) return;
      if (text.querySelector('[data-field="transcript-partial"]')) window.__partialSeen = true;
      const value = text.textContent || '';
      const texts = window.__transcriptTexts;
      if (texts[texts.length - 1] !== value) texts.push(value);
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
    record();
  })()`);
}

describe('live transcript in Chromium (issue 17)', () => {
  it('shows the nurse a partial transcript that grows, then the settled text, the quality in words and uncertain words marked; the front desk sees none', async () => {
    const nurse = await signedInPage(harness.engine, { role: 'nurse', queues: [queue] }, '/live');
    const desk = await signedInPage(harness.engine, { role: 'intake', queues: [queue] }, '/live');
    for (const { page } of [nurse, desk]) await page.locator('[data-connection="live"]').waitFor();
    await recordTranscriptTexts(nurse.page);

    const call = playLiveCall({ engineUrl: harness.engine.url, webhookSecret: harness.secret, twilioAuthToken: harness.twilioAuthToken, queue, ani: '+19075550181', lines, voice: 'rms', endCall: false });
    const card = nurse.page.locator('article[data-call-id]', { has: nurse.page.locator('[data-field="live-transcript"]') });
    await card.waitFor({ timeout: 60_000 });
    const text = card.locator('[data-field="transcript-text"]');
    expect(await text.getAttribute('aria-live')).toBe('polite');
    // The nurse is at a control on the card while it grows: live updates must not take the focus.
    await card.getByRole('button').first().focus();
    await markFocused(nurse.page);

    // Words arrive while the caller is still speaking: the text grows before the stream ends.
    await eventually(async () => {
      const texts = (await nurse.page.evaluate('window.__transcriptTexts')) as string[];
      const heard = texts.map((value) => value.replace('Listening…', '').trim()).filter(Boolean);
      return heard.length >= 2 && heard.at(-1)!.length > heard[0]!.length ? true : null;
    }, 60_000, 'the transcript to grow');
    expect(await nurse.page.evaluate('window.__partialSeen')).toBe(true);

    const { closeCode } = await call;
    expect(closeCode).toBe(1000);
    // Settled: nothing still being heard, the text is there, the verdict says phone audio.
    await eventually(async () => ((await card.locator('[data-field="transcript-partial"]').count()) === 0 && ((await text.textContent()) ?? '').replace('Listening…', '').trim().length > 0 ? true : null), 60_000, 'the transcript to settle');
    const verdict = card.locator('[data-field="transcript-quality"]');
    expect(await verdict.textContent()).toMatch(/Phone audio/);
    expect(await card.locator('[data-field="live-transcript"]').getAttribute('data-quality')).not.toBe('ok');
    // Uncertain words are marked, with a word for screen readers, not a style alone.
    const uncertain = card.locator('[data-low-confidence]');
    expect(await uncertain.count()).toBeGreaterThan(0);
    expect(await uncertain.first().textContent()).toContain('(uncertain)');
    expect(await stillFocused(nurse.page)).toBe(true);

    const { phoneWidth } = await screenshots(nurse.page, 'live-transcript-nurse');
    expect(phoneWidth).toBeLessThanOrEqual(390);
    expect(await seriousViolations(nurse.page)).toEqual([]);
    expect(nurse.pageErrors).toEqual([]);

    // The front desk has the same call on its screen, without any of its content.
    const deskCard = desk.page.locator('article[data-call-id]').first();
    await deskCard.waitFor();
    expect(await desk.page.locator('[data-field="live-transcript"]').count()).toBe(0);
    const deskText = (await desk.page.locator('main').textContent()) ?? '';
    const settled = ((await text.textContent()) ?? '').replaceAll('(uncertain)', ' ').split(/[^A-Za-z']+/).filter((word) => word.length >= 7);
    for (const word of settled) expect(deskText.toLowerCase()).not.toContain(word.toLowerCase());
    const { phoneWidth: deskWidth } = await screenshots(desk.page, 'live-transcript-desk');
    expect(deskWidth).toBeLessThanOrEqual(390);
    expect(desk.pageErrors).toEqual([]);
    await nurse.context.close();
    await desk.context.close();
  }, 240_000);
});
