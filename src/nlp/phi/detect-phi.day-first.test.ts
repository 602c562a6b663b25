import { describe, expect, it } from 'vitest';
import type { PhiSpan, PhiType } from '../analysis.types.ts';
import { detectPhi } from './detect-phi.ts';

// Every utterance, name, address and number below is synthetic, written for these tests.

function found(text: string, spans: PhiSpan[] = detectPhi(text)): [string, PhiType][] {
  return spans.map((span) => [text.slice(span.start, span.end), span.type]);
}

describe('detectPhi: day-first dates said with a cardinal', () => {
  it.each<[string, string]>([
    ['my birthday is twenty two of october sixty one thanks', 'twenty two of october sixty one'],
    ['date of birth three august nineteen ninety and my phone is the same', 'three august nineteen ninety'],
    ['Caller: Ines Morado. Eleven April, 1948.', 'Eleven April, 1948'],
    ['i saw the nurse on the nine of june and it still hurts', 'the nine of june'],
  ])('%j → %j', (text, phi) => {
    expect(found(text)).toContainEqual([phi, 'DATE']);
  });

  it('does not read a count before a month word as a day', () => {
    expect(found('i take two pills and may need more').filter(([, type]) => type === 'DATE')).toEqual([]);
    expect(found('we waited six march days for it').filter(([, type]) => type === 'DATE')).toEqual([]);
  });
});

describe('detectPhi: an everyday-word surname after "doctor" in lowercase speech', () => {
  it.each<[string, string]>([
    ["she sees doctor marsh's team and i'm her daughter", 'marsh'],
    ['the doctor fairweather wrote me a note about it', 'fairweather'],
    ['her doctor is doctor bishop we are at home now', 'bishop'],
    ['okay but doctor hale should know about the dose', 'hale'],
  ])('%j → %j', (text, phi) => {
    expect(found(text)).toContainEqual([phi, 'NAME']);
  });

  it('does not read a compound after "doctor" as a name', () => {
    expect(found('the doctor office said the doctor visit is fine').filter(([, type]) => type === 'NAME')).toEqual([]);
  });
});

describe('detectPhi: the town where someone is or lives, said loosely', () => {
  it.each<[string, string]>([
    ["we're out in chinle today so the drive is long", 'chinle'],
    ['my dad lives up in kykotsmovi by himself', 'kykotsmovi'],
    ["Caller: I'm outside of Tucumcari right now.", 'Tucumcari'],
  ])('%j → %j', (text, phi) => {
    expect(found(text)).toContainEqual([phi, 'ADDRESS']);
  });

  it('does not read a state of being or a room as a town', () => {
    const text = "i'm in pain and we're in a hurry, she's in hospice and he's in bed";
    expect(found(text).filter(([, type]) => type === 'ADDRESS')).toEqual([]);
  });
});

describe('detectPhi: street lines with the street type first, road directions, park spaces', () => {
  it.each<[string, string]>([
    ['mail it to four oh six calle las flores in taos please', 'four oh six calle las flores'],
    ['mail it to four oh six calle las flores in taos please', 'taos'],
    ['Her address is 77 Camino Alto, Socorro.', '77 Camino Alto'],
    ['we are at nine ninety county road twelve north now', 'nine ninety county road twelve north'],
    ['it is thirty one ten mesa lane space nine', 'thirty one ten mesa lane space nine'],
  ])('%j covers %j', (text, phi) => {
    const at = text.indexOf(phi);
    expect(detectPhi(text).some((span) => span.type === 'ADDRESS' && span.start <= at && span.end >= at + phi.length)).toBe(true);
  });

  it('does not read "via" after a count as a street', () => {
    expect(found('i got two via the portal and one by mail').filter(([, type]) => type === 'ADDRESS')).toEqual([]);
  });
});

describe('detectPhi: written codes of capitals and digits', () => {
  it.each<[string, string]>([
    ['Your invoice QTA-5520193 is past due.', 'QTA-5520193'],
    ['The reference they gave me is ZP7K2M4W, if that helps.', 'ZP7K2M4W'],
    ['His plan card reads 7HJ2-WQ4-LR19, front side.', '7HJ2-WQ4-LR19'],
  ])('%j → %j', (text, phi) => {
    const at = text.indexOf(phi);
    expect(detectPhi(text).some((span) => span.start <= at && span.end >= at + phi.length)).toBe(true);
  });

  it('leaves short clinical codes and measurements alone', () => {
    expect(found('Her A1C and B12 came back, the COVID-19 swab too, and she wears an N95.')).toEqual([]);
    expect(found('Vent settings AC-20-50-400-5, HR-110-133, drain 40-140CC, NPO 7AM-11PM.')).toEqual([]);
  });
});

describe('detectPhi: a given name said as a sentence of its own, and the greeting sign-off', () => {
  it('finds a name answered alone and the agent name ending the greeting', () => {
    const text = 'Agent: Sunvalley Pediatrics, Autumn.\nCaller: Hi. My brother drives me. Fernando. He has the car.';
    expect(found(text)).toContainEqual(['Autumn', 'NAME']);
    expect(found(text)).toContainEqual(['Fernando', 'NAME']);
  });

  it('does not read one-word replies, drugs or greetings as names', () => {
    const text = 'Caller: Yes. Okay. Tuesday. Lisinopril. Thanks.';
    expect(found(text).filter(([, type]) => type === 'NAME')).toEqual([]);
  });
});

describe('detectPhi: a holiday birthday with a spoken two-digit year', () => {
  it('takes the year said after the holiday when a birth cue comes before it', () => {
    expect(found('my birthday is christmas eve seventy one so easy to remember')).toContainEqual(['christmas eve seventy one', 'DATE']);
  });
});
