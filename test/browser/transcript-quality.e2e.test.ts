import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxEhr, type SandboxEhr } from '../../src/sandbox-ehr/sandbox-ehr.server.ts';
import { startHarness, type Harness } from '../helpers/engine-harness.ts';
import { reviewCalls } from '../helpers/review-calls.ts';
import { closeBrowser, seriousViolations, signedInPage } from '../helpers/staff-app.ts';

// Synthetic patients and calls only.
let ehr: SandboxEhr;
let harness: Harness;
beforeAll(async () => {
  ehr = await startSandboxEhr({ port: 0 });
  harness = await startHarness('pglite', { ehr });
});
afterAll(async () => {
  await closeBrowser();
  await harness?.close();
  await ehr?.close();
});

const { placeCall } = reviewCalls(() => harness, () => ehr);
const queue = 'demo-review';
const qualityCodes = ['narrowband-audio', 'low-confidence', 'transcript-low-quality', 'pocketsphinx', 'local'];

describe('the review screen and transcript quality (issue 17)', () => {
  it('shows where the transcript came from and that it is of low quality, in words, and marks the words the machine was unsure of', async () => {
    const words: Array<[string, number]> = [['Synthetic:', 0.9], ['I', 0.95], ['need', 0.9], ['a', 0.9], ['refill', 0.85], ['of', 0.9], ['my', 0.9], ['lisinopril,', 0.28], ['I', 0.9], ['have', 0.9], ['two', 0.4], ['days', 0.9], ['left.', 0.9]];
    let at = 0;
    const { item } = await placeCall({
      id: 'quality-app-1', queue, dob: true, patientIndex: 4, text: words.map(([word]) => word).join(' '),
      transcript: {
        source: 'pocketsphinx', quality: 'low', qualityReasons: ['narrowband-audio', 'low-confidence'],
        segments: [{ start: 0, end: 5.2, text: words.map(([word]) => word).join(' '), quality: 'low', qualityReasons: ['low-confidence'], final: true, words: words.map(([word, confidence]) => ({ word, start: at, end: (at += 0.4), confidence })) }],
      },
    });
    const { page, pageErrors, context } = await signedInPage(harness.engine, { role: 'nurse', queues: [queue] }, `/review/${item.id}`);
    const opened = page.locator(`[data-open-item="${item.id}"]`);
    await opened.waitFor();

    const banner = opened.getByTestId('transcript-quality');
    expect(await banner.getAttribute('data-quality')).toBe('low');
    const bannerText = await banner.innerText();
    expect(bannerText).toContain('Callchart’s speech engine');
    expect(bannerText).toContain('Quality low: phone-band audio the speech engine cannot hear well; many words the machine was unsure of');
    expect(await opened.getByTestId('reasons').innerText()).toContain('The transcript is of low quality');

    const unsure = opened.getByTestId('transcript').locator('[data-unsure]');
    // Marked pieces may be cut where evidence marks begin or end: together they are the unsure words, and only those.
    expect((await unsure.allInnerTexts()).join('|').replace('lisinopril|,', 'lisinopril,')).toBe('lisinopril,|two');
    expect(await opened.getByTestId('unsure-legend').innerText()).toContain('the machine was unsure of these words');
    // The draft the nurse approves starts by saying the transcript was doubtful.
    expect(await opened.getByTestId('note-form').locator('[data-field="details"]').inputValue()).toMatch(/^Transcript quality low: /);

    const text = await page.locator('main').innerText();
    for (const code of qualityCodes) expect(text, `"${code}" shown as a bare code`).not.toContain(code);
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
