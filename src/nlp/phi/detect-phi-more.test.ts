import { describe, expect, it } from 'vitest';
import type { PhiSpan, PhiType } from '../analysis.types.ts';
import { detectPhi } from './detect-phi.ts';

// Every utterance, name, address and number below is synthetic, written for these tests.

function found(text: string, spans: PhiSpan[] = detectPhi(text)): [string, PhiType][] {
  return spans.map((span) => [text.slice(span.start, span.end), span.type]);
}

/** Is `phi` inside one detected span (of any type)? */
function covered(text: string, phi: string): boolean {
  const at = text.indexOf(phi);
  return detectPhi(text).some((span) => span.start <= at && span.end >= at + phi.length);
}

describe('detectPhi: spoken emails, URLs and IPs', () => {
  it.each<[string, string, PhiType]>([
    ['sure my email is wanda underscore forty two at mailbox dot com thanks', 'wanda underscore forty two at mailbox dot com', 'EMAIL'],
    ["it's quillon seven at postbox dot net okay", 'quillon seven at postbox dot net', 'EMAIL'],
    ['the page is photoshare dot com slash tamsin dot nine if that helps', 'photoshare dot com slash tamsin dot nine', 'URL'],
    ['it says my ip address one ninety two dot one sixty eight dot four dot twenty is blocked', 'one ninety two dot one sixty eight dot four dot twenty', 'IP'],
    ['the ip is ten dot two hundred and one dot zero dot seventy seven', 'ten dot two hundred and one dot zero dot seventy seven', 'IP'],
  ])('%j → %j as %s', (text, phi, type) => {
    expect(found(text)).toContainEqual([phi, type]);
  });

  it('does not read a version or a decimal list as an IP', () => {
    expect(found('the dose went from two dot five to five dot zero milligrams')).toEqual([]);
  });
});

describe('detectPhi: spoken addresses', () => {
  it.each<[string, string]>([
    ['my new address is forty two eleven brambleton heights apartment nine', 'forty two eleven brambleton heights apartment nine'],
    ['i live at seven oh three quarry mill', 'seven oh three quarry mill'],
    ['it is twelve ten n 4th street now', 'twelve ten n 4th street'],
    ['sixty one fifty county line road in greenfield', 'greenfield'],
    ['eighty eight orchard glen roseville nine five six one two is there anything else', 'nine five six one two'],
    ['eighty eight orchard glen roseville nine five six one two is there anything else', 'roseville'],
    ['no it is ninety nine cobble crossing now still in new alder okay', 'new alder'],
  ])('%j covers %j', (text, phi) => {
    expect(covered(text, phi)).toBe(true);
  });

  it.each(['i walked two miles in the park', 'take two tablets at rest', 'we had three days of rain in the valley'])('%j has no address', (text) => {
    expect(found(text).filter(([, type]) => type === 'ADDRESS')).toEqual([]);
  });
});

describe('detectPhi: identifiers after a longer lead-in', () => {
  it.each<[string, string]>([
    ['the case number for my disability claim is k seven two nine one four four', 'k seven two nine one four four'],
    ["my driver's license number for the form it's t four four nine one two eight", 't four four nine one two eight'],
    ['the claim reference from the adjuster is r five five one nine zero two', 'r five five one nine zero two'],
    ['my student id uh is q r eight one two two four six', 'q r eight one two two four six'],
  ])('%j covers %j', (text, phi) => {
    expect(covered(text, phi)).toBe(true);
  });
});

describe('detectPhi: spoken dates', () => {
  it.each<[string, string]>([
    ['date of uh birth may nine nineteen seventy four', 'may nine nineteen seventy four'],
    ['the scan was on eleven four twenty five and nobody called', 'eleven four twenty five'],
    ['the procedure is booked for two eighteen twenty six', 'two eighteen twenty six'],
    ['she is ninety four um years old', 'ninety four'],
  ])('%j covers %j', (text, phi) => {
    expect(covered(text, phi)).toBe(true);
  });

  it.each(['i take five milligrams on one two three days a week', 'may i call you back', 'we can meet for two hours'])('%j has no date', (text) => {
    expect(found(text).filter(([, type]) => type === 'DATE')).toEqual([]);
  });
});

describe('detectPhi: written notes', () => {
  it.each<[string, string]>([
    ['Extubated on 9/14 without difficulty.', '9/14'],
    ['Cultures from 11/3 still pending.', '11/3'],
    ['Hx of MI 6/88, stent placed.', '6/88'],
    ['Family can be reached at 555 3301212 tonight.', '555 3301212'],
    ['Pager #40231 for questions.', '40231'],
    ['Reviewed with Dr. Okonkwo-Bell today.', 'Okonkwo'],
  ])('%j covers %j', (text, phi) => {
    expect(covered(text, phi)).toBe(true);
  });

  it.each([
    'Pain 6/10 at rest, given 1/2 tab.',
    'BP 118/72, HR 88.',
    'Strength 4/5 in the left arm.',
    'On PS 10/5/40% overnight.',
    'UO 150-250cc per hour, ABG 7.38-41-96-24.',
    'Goal 500-1000cc by midnight; SVR 900-1100.',
    'Labs: 124, 27, 7.45, 19 this morning.',
  ])('%j has no PHI', (text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('detectPhi: names', () => {
  it.each<[string, string]>([
    ['thanks for calling this uh is oriane how can i help you', 'oriane'],
    ['my name um is beatriz', 'beatriz'],
    ['hi this is lotte van der brink calling about my refill', 'lotte van der brink'],
    ["i sent the message to dr ivanova petrova's nurse", 'ivanova petrova'],
    ['can you spell the last name for me yes n g', 'n g'],
    ['Ingrid: please call me back.', 'Ingrid'],
    ['The keynote is by Marisol T. Quintero this year.', 'Marisol T. Quintero'],
  ])('%j covers %j', (text, phi) => {
    expect(covered(text, phi)).toBe(true);
  });

  it.each(['the nurse line was busy', 'my son will call you back', 'Oak Street Clinic called back', 'my wife can help'])('%j has no name or address', (text) => {
    expect(found(text).filter(([, type]) => type === 'NAME' || type === 'ADDRESS')).toEqual([]);
  });
});

describe('detectPhi: international written addresses', () => {
  it.each<[string, string]>([
    ['Ship it to 5521 Kastanienweg 14, please.', '5521 Kastanienweg 14'],
    ['She lives on Via Corallo 88 now.', 'Via Corallo 88'],
    ['Unit: Apt. 417', 'Apt. 417'],
  ])('%j covers %j', (text, phi) => {
    expect(covered(text, phi)).toBe(true);
  });
});
