import { describe, expect, it } from 'vitest';
import { detectPhi } from './detect-phi.ts';

/*
 * Written forms beyond US conventions, written fresh for this file (not taken from any eval or
 * public set): form labels, middle initials, street-first addresses across lines, military post,
 * street corners, international phone numbers with extensions, and time stamps after dates. One
 * span must cover the whole value.
 */

function wholeSpan(text: string, phi: string): void {
  const at = text.indexOf(phi);
  expect(at).toBeGreaterThanOrEqual(0);
  const spans = detectPhi(text);
  const shown = JSON.stringify(spans.map((span) => `${span.type}:${text.slice(span.start, span.end)}`));
  expect(spans.some((span) => span.start <= at && span.end >= at + phi.length), `"${phi}" not covered by one span: ${shown}`).toBe(true);
}

describe('written catalogue 2', () => {
  it.each<[string, string]>([
    ["Name: Oskari V\u00e4h\u00e4m\u00e4ki", "Oskari V\u00e4h\u00e4m\u00e4ki"],
    ["Name:   Ilse R. Vandermeulen", "Ilse R. Vandermeulen"],
    ["What's your name? Tamsin Okorafor", "Tamsin Okorafor"],
    ["The report was signed by Mirela K Dobrescu last week.", "Mirela K Dobrescu"],
    ["Thank you. Dragomir spent two years at the clinic.", "Dragomir"],
    ["Address:\n4471 Kastanjelaan 12\n Apt. 3\n Zwolle\n Netherlands 80412", "4471 Kastanjelaan 12\n Apt. 3\n Zwolle\n Netherlands 80412"],
    ["Please mail it to PSC 2281, Box 4410\nAPO AE 09123 thanks", "PSC 2281, Box 4410\nAPO AE 09123"],
    ["Her office is at the corner of Brookfield Road and Tamarack Lane.", "the corner of Brookfield Road and Tamarack Lane"],
    ["Mobile: +44 (0)20 7946 0321", "+44 (0)20 7946 0321"],
    ["Desk: (555)301-2299x214", "(555)301-2299x214"],
    ["Visit date: 2021-06-14 08:30:00", "2021-06-14 08:30:00"],
  ])('%j', (text, phi) => wholeSpan(text, phi));
});
