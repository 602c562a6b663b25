import { describe, expect, it } from 'vitest';
import type { PhiSpan } from '../analysis.types.ts';
import { detectPhi } from './detect-phi.ts';

/*
 * Issue 15, item 4: PHI said the way callers say it, in sentences written for this file (not taken
 * from any evaluation set; every name, number and place is made up). A value passes when one span
 * covers all of it; a trap passes when no span touches it. Spans follow
 * docs/guides/labelling-calls.md §3: each mention its own span, the value without its cue.
 */

function shown(text: string, spans: readonly PhiSpan[]): string {
  return JSON.stringify(spans.map((span) => `${span.type}:${text.slice(span.start, span.end)}`));
}

function expectCovered(text: string, phi: string): void {
  const at = text.indexOf(phi);
  expect(at, `"${phi}" not in text`).toBeGreaterThanOrEqual(0);
  const spans = detectPhi(text);
  expect(spans.some((span) => span.start <= at && span.end >= at + phi.length), `"${phi}" not covered: ${shown(text, spans)}`).toBe(true);
}

function expectUntouched(text: string, trap: string): void {
  const at = text.indexOf(trap);
  expect(at, `"${trap}" not in text`).toBeGreaterThanOrEqual(0);
  const spans = detectPhi(text);
  expect(spans.filter((span) => span.start < at + trap.length && span.end > at), `"${trap}" touched: ${shown(text, spans)}`).toEqual([]);
}

describe('dates in every spoken and written form', () => {
  it.each<[string, string]>([
    ['the scan got moved to last tuesday the fourth and nobody told me', 'last tuesday the fourth'],
    ['she came home from rehab on the twenty sixth, so about a week ago', 'the twenty sixth'],
    ['Caller: It was the 17th, I think. A Friday.', 'the 17th'],
    ['dob 4 9 71 and the last name is the same', '4 9 71'],
    ['my birthday is eleven twenty eight fifty nine', 'eleven twenty eight fifty nine'],
    ['uh she was born on the ninth of october nineteen thirty', 'the ninth of october nineteen thirty'],
    ['the biopsy was friday the 2nd', 'friday the 2nd'],
    ['Agent: Which day works? Caller: The twenty-second. Mornings are better.', 'The twenty-second'],
    ['i fly out from the eighteenth to april second', 'the eighteenth'],
    ['Caller: Sure, DOB is August 9th, \'58.', "August 9th, '58"],
    ['you can put down october third forty one for her', 'october third forty one'],
    ['Caller: I was born on Christmas Eve, 1947, if you can believe it.', 'Christmas Eve, 1947'],
  ])('%j → %j', (text, phi) => expectCovered(text, phi));

  it.each<[string, string]>([
    ['my husband was born in nineteen forty seven', 'nineteen forty seven'],
    ['i was born in 1966 and moved here later', '1966'],
    ['he lives on the fourth floor', 'fourth'],
    ['this is the third time i have called', 'third'],
    ['the first dose made me dizzy', 'first'],
    ['can i come on june ninth at ten thirty', 'ten thirty'],
    ['the shot was march fifth thirty minutes before lunch', 'thirty minutes'],
    ['we were away over christmas so i missed it', 'christmas'],
    ['he finished the third of the pills', 'third'],
  ])('%j: %j is not a date', (text, trap) => expectUntouched(text, trap));
});

describe('device, licence, plan and other ids from their cues', () => {
  it.each<[string, string]>([
    ['the little transmitter number is four h j nine nine two k on the back', 'four h j nine nine two k'],
    ['her hearing aid serial is seven seven oh two one four eight', 'seven seven oh two one four eight'],
    ['Caller: Our DEA is FT2290417, and the NPI is 1730 448 219.', 'FT2290417'],
    ['Caller: Our DEA is FT2290417, and the NPI is 1730 448 219.', '1730 448 219'],
    ['my dl number is k five five oh two eight one nine', 'k five five oh two eight one nine'],
    ['and the group is eight two two four one on the back of the card', 'eight two two four one'],
    ['the id on my card is t r v nine one one four four two', 't r v nine one one four four two'],
    ['Caller: The accession on the tube says ZK 5520 1187.', 'ZK 5520 1187'],
    ["Caller: It's United, M as in Mary, M 4 4 0 9 1 7 2 6.", 'M 4 4 0 9 1 7 2 6'],
    ['Caller: The subscriber ID is 7QX2-LM4-PR90, same as last year.', '7QX2-LM4-PR90'],
    ['the policy number, which i have right here on the card somewhere, is GHT 503 118 274', 'GHT 503 118 274'],
    ['Agent: And the case number? Caller: Sure, WC-0048812093.', 'WC-0048812093'],
    ['Caller: Let me read it off the card. K 5530 8812 907.', 'K 5530 8812 907'],
    ['the sticker on the machine says t v five five two eight one oh four', 't v five five two eight one oh four'],
    ['and my badge number is four four one nine', 'four four one nine'],
    ['Caller: Yes, docket number 2025-CV-118204, and the hearing is soon.', '2025-CV-118204'],
    ['my medicaid id is six six two one eight four four zero nine b okay', 'six six two one eight four four zero nine b'],
  ])('%j → %j', (text, phi) => expectCovered(text, phi));

  it('reads an address given as an answer as an address, not as the id the question named', () => {
    const text = 'Agent: Can I update the account? Caller: 12 Wren Court, same as before.';
    expect(detectPhi(text).map((span) => [text.slice(span.start, span.end), span.type])).toEqual([['12 Wren Court', 'ADDRESS']]);
  });

  it('ends an id before the pronoun that follows it', () => {
    expectUntouched('the invoice number is r t seven seven one two i think, from june', 'think');
    expectCovered('the invoice number is r t seven seven one two i think, from june', 'r t seven seven one two');
  });

  it.each<[string, string]>([
    ['my group meets at seven on tuesdays', 'seven'],
    ['they said a group b strep test is routine', 'b strep'],
    ['she is in room number 4410 on the fifth floor', '4410'],
    ["the prior authorization lapsed and now it's like three thousand dollars", 'three thousand'],
    ['Caller: My interpreter ID is 55120. I have the patient on the line.', 'I have'],
    ['m r n zero zero four four one two eight', 'm r n'],
  ])('%j: %j is not an id', (text, trap) => expectUntouched(text, trap));
});

describe('titles before names no dictionary knows', () => {
  it.each<[string, string]>([
    ['doctor quennell started me on it last month', 'quennell'],
    ['i have been seeing doctor vandersloot for years', 'vandersloot'],
    ['can the doctor doctor okonjo-ward look at it', 'okonjo-ward'],
  ])('%j → %j', (text, phi) => expectCovered(text, phi));

  it('takes no everyday word after "doctor"', () => expectUntouched('the doctor office called about the doctor visit', 'office'));
});

describe('addresses in spoken form', () => {
  it.each<[string, string]>([
    ['the lab is the one at thirty one forty north lamar and i can walk there', 'thirty one forty north lamar'],
    ['Agent: And the zip code? Caller: 73301.', '73301'],
    ['Agent: What zip? Caller: seven three three oh one.', 'seven three three oh one'],
    ['i live at forty one quarry court out in pinedale', 'pinedale'],
    ['we moved out in grand junction colorado last spring', 'grand junction'],
    ['i am in apartment 12b now', 'apartment 12b'],
    ['it goes to apartment seventeen, the buzzer is broken', 'apartment seventeen'],
    ['Caller: Mail it to PO Box 512, Tilden, OH 45040.', '45040'],
    ['box it up to p o box six six two one please', 'six six two one'],
  ])('%j → %j', (text, phi) => expectCovered(text, phi));

  it.each<[string, string]>([
    ['i moved to six fifty maple drive in dayton ohio four five four oh two', 'ohio'],
    ['Caller: She is at the Birch Street pharmacy, the one by the school.', 'Birch Street'],
    ['take ten units of insulin at bedtime', 'ten units'],
    ['the score went from two ten south to north', 'north'],
  ])('%j: %j is not an address', (text, trap) => expectUntouched(text, trap));
});

describe('emails said aloud', () => {
  it.each<[string, string]>([
    ["yeah it's k brandt forty four at outlook dot com", 'k brandt forty four at outlook dot com'],
    ['my email is tfolau at gmail if you need it', 'tfolau at gmail'],
    ['the email on there is rosie underscore m at yahoo', 'rosie underscore m at yahoo'],
    ['you can email her at wen dot li at hotmail dot com', 'wen dot li at hotmail dot com'],
    ['the email i put on the form is teo m ninety at icloud dot com', 'teo m ninety at icloud dot com'],
    ['work is busy so the email is better r okafor dot home at gmail dot com', 'r okafor dot home at gmail dot com'],
  ])('%j → %j', (text, phi) => expectCovered(text, phi));

  it.each<[string, string]>([
    ['my son works at google in the city', 'google'],
    ['i saw it at yahoo news', 'yahoo'],
    ['work is busy so the email is better r okafor dot home at gmail dot com', 'better'],
  ])('%j: %j is not an email', (text, trap) => expectUntouched(text, trap));
});

describe('names found from context', () => {
  it.each<[string, string]>([
    ['yes my name is ros- rosamund ekwueme', 'ros- rosamund ekwueme'],
    ['this is uh bri- brielle calling for her mom', 'bri- brielle'],
    // The second mention of a name found once: the spelled word, the unknown name, the name after "his name is".
    ['the last name is h a u g e n and haugen is on the card', 'haugen'],
    ['my surname is w y s o c k i, sorry, wysocki with a y', 'wysocki'],
    ['the patient is ifeoluwa adebanjo and ifeoluwa has a rash', 'ifeoluwa'],
    ["i'm calling for my dad, his name is thaddeus orrin, and thaddeus is diabetic", 'thaddeus'],
  ])('%j → %j (its last mention)', (text, name) => {
    const at = text.lastIndexOf(name);
    const spans = detectPhi(text);
    expect(spans.some((span) => span.type === 'NAME' && span.start <= at && span.end >= at + name.length), shown(text, spans)).toBe(true);
  });

  it('takes the name, not its possessive', () => {
    const text = "i'm calling from doctor abernethy's office";
    const span = detectPhi(text).find((s) => s.type === 'NAME');
    expect(span && text.slice(span.start, span.end)).toBe('abernethy');
  });

  it.each<[string, string]>([
    ['Caller: My neighbor in Eugene, Oregon has the same thing.', 'Oregon'],
    ["Caller: I'm calling from Montana, we are up here for the summer.", 'Montana'],
    ["Caller: It's Premera now, they changed it in January.", 'Premera'],
    ["Caller: My husband's Welsh, so he spells it oddly.", 'Welsh'],
    ['Caller: She works nights at St. Gemma\'s as a tech.', 'Gemma'],
    ['Caller: The pharmacy on Marigold Avenue has it.', 'Marigold'],
    ['Caller: My pension comes from Harrison Mutual.', 'Harrison'],
    ['doctor hollingsworth prescribes it for the nerve pain', 'prescribes'],
    ['the spelling is o k a f o r i need it on the form', 'i need'],
    ['Caller: O-K-A-F-O-R. I had the scan on Monday.', 'I had'],
    ['we drove through dayton ohio on the way', 'ohio'],
  ])('%j: %j is not a name', (text, trap) => expectUntouched(text, trap));
});
