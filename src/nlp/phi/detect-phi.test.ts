import { describe, expect, it } from 'vitest';
import type { PhiSpan, PhiType } from '../analysis.types.ts';
import { detectPhi, resolveOverlaps } from './detect-phi.ts';

// Every utterance, name and number below is synthetic, written for these tests.

/** The text and type of each detected span, for readable assertions. */
function found(text: string, spans: PhiSpan[] = detectPhi(text)): [string, PhiType][] {
  return spans.map((span) => [text.slice(span.start, span.end), span.type]);
}

describe('detectPhi: written forms', () => {
  it.each<[string, string, PhiType]>([
    ['call me at 555-212-3344 please', '555-212-3344', 'PHONE'],
    ['my cell is (617) 555-0123.', '(617) 555-0123', 'PHONE'],
    ['SSN 123-45-6789 on file', '123-45-6789', 'SSN'],
    ['DOB 03/03/1952 confirmed', '03/03/1952', 'DATE'],
    ['born March 3rd, 1952 in the spring', 'March 3rd, 1952', 'DATE'],
    ['seen on 1952-03-03 last', '1952-03-03', 'DATE'],
    ['MRN 0042137 is mine', '0042137', 'MRN'],
    ['Member ID: XYZ123456789 thanks', 'XYZ123456789', 'HEALTH_PLAN_ID'],
    ['policy number W123-456-789 thanks', 'W123-456-789', 'HEALTH_PLAN_ID'],
    ['account number 88812345 today', '88812345', 'ACCOUNT'],
    ["driver's license D1234567 here", 'D1234567', 'LICENSE'],
    ['license plate 7ABC123 outside', '7ABC123', 'VEHICLE'],
    ['pacemaker serial number SN4471209 noted', 'SN4471209', 'DEVICE'],
    ['email me at jane.doe@example.com today', 'jane.doe@example.com', 'EMAIL'],
    ['see https://portal.example.org/record/77 now', 'https://portal.example.org/record/77', 'URL'],
    ['from 192.168.10.24 yesterday', '192.168.10.24', 'IP'],
    ['I live at 123 Main Street now', '123 Main Street', 'ADDRESS'],
    ['Send it to Boston, MA 02118 please', 'Boston', 'ADDRESS'],
    ['Send it to Boston, MA 02118 please', '02118', 'ADDRESS'],
    ['She is 93 years old', '93', 'AGE'],
    ['confirmation number 4471-2290 okay', '4471-2290', 'OTHER_ID'],
    ['fax it to 555-212-9988', '555-212-9988', 'FAX'],
  ])('%j → %j as %s', (text, phi, type) => {
    expect(found(text)).toContainEqual([phi, type]);
  });
});

describe('detectPhi: ASR spoken forms', () => {
  it.each<[string, string, PhiType]>([
    ['my number is five five five two one two three three four four', 'five five five two one two three three four four', 'PHONE'],
    ['it is five five five, two one two, thirty three forty four', 'five five five, two one two, thirty three forty four', 'PHONE'],
    ['call six one seven double five five oh one two three', 'six one seven double five five oh one two three', 'PHONE'],
    ['triple seven two one two three four five six', 'triple seven two one two three four five six', 'PHONE'],
    ['my birthday is march third nineteen fifty two', 'march third nineteen fifty two', 'DATE'],
    ['it was the third of march nineteen fifty two', 'the third of march nineteen fifty two', 'DATE'],
    ['date of birth three three nineteen fifty two', 'three three nineteen fifty two', 'DATE'],
    ['dob oh three oh three fifty two', 'oh three oh three fifty two', 'DATE'],
    ['m r n zero zero four two one three seven', 'zero zero four two one three seven', 'MRN'],
    ['my member id is x y z one two three four five six', 'x y z one two three four five six', 'HEALTH_PLAN_ID'],
    ['social is one two three four five six seven eight nine', 'one two three four five six seven eight nine', 'SSN'],
    ['last four of my social is six seven eight nine', 'six seven eight nine', 'SSN'],
    ["that's l-o-p-e-z", 'l-o-p-e-z', 'NAME'],
    ['it is spelled s m i t h', 's m i t h', 'NAME'],
    ['i live at one twenty three main street', 'one twenty three main street', 'ADDRESS'],
    ['boston massachusetts zero two one one eight', 'boston', 'ADDRESS'],
    ['boston massachusetts zero two one one eight', 'zero two one one eight', 'ADDRESS'],
    ['my email is john dot smith at gmail dot com', 'john dot smith at gmail dot com', 'EMAIL'],
    ["she's ninety two years old", 'ninety two', 'AGE'],
    ["i'm a hundred and one", 'a hundred and one', 'AGE'],
  ])('%j → %j as %s', (text, phi, type) => {
    expect(found(text)).toContainEqual([phi, type]);
  });
});

describe('detectPhi: names', () => {
  it.each<[string, string]>([
    ['hi my name is maria lopez and i need a refill', 'maria lopez'],
    ['this is doctor patel calling', 'patel'],
    ["i'm calling for mr johnson", 'johnson'],
    ['Hello, this is Grace Kim calling about my results', 'Grace Kim'],
    ['my son mateo has a fever', 'mateo'],
    ['can i speak with nguyen please', 'nguyen'],
    ['the patient is Aisha Rahman, seen last week', 'Aisha Rahman'],
    ['I talked to Dr. Okafor yesterday', 'Okafor'],
    ['thank you mark', 'mark'],
  ])('%j → %j', (text, name) => {
    expect(found(text)).toContainEqual([name, 'NAME']);
  });

  it('finds a spelled name and the word said before it (each its own span once a word or comma parts them)', () => {
    expect(found('my last name is lopez l o p e z')).toEqual([['lopez l o p e z', 'NAME']]);
    expect(found('it is gonzalez, g o n z a l e z')).toEqual([['gonzalez', 'NAME'], ['g o n z a l e z', 'NAME']]);
    expect(found("it's teodorescu that's t e o d o r e s c u")).toEqual([['teodorescu', 'NAME'], ['t e o d o r e s c u', 'NAME']]);
  });
});

describe('detectPhi: the identified patient (PH-2)', () => {
  const patient = { name: 'Rosa Delgado-Vance', birthDate: '1952-03-03', phones: ['+1 555-212-3344'], mrn: '0042137' };

  it('finds the name, spelled name, phone, birth date and MRN in spoken form', () => {
    const text = 'yes this is rosa, delgado, d e l g a d o, my number is five five five two one two three three four four, '
      + 'born three three fifty two and the chart says zero zero four two one three seven';
    const spans = detectPhi(text, { patient });
    const patientSpans = spans.filter((span) => span.source === 'patient').map((span) => text.slice(span.start, span.end));
    expect(patientSpans).toEqual(expect.arrayContaining(['rosa', 'delgado', 'd e l g a d o', 'five five five two one two three three four four', 'three three fifty two', 'zero zero four two one three seven']));
    for (const span of spans.filter((s) => s.source === 'patient')) expect(span.confidence).toBeCloseTo(0.99);
  });

  it('finds the birth date said as words, case-insensitively', () => {
    const text = 'DOB is March third, nineteen fifty two';
    expect(detectPhi(text, { patient })).toContainEqual(expect.objectContaining({ type: 'DATE', source: 'patient' }));
  });

  it('finds a lone name said with no cue, and as the patient with full confidence', () => {
    const text = 'rosa said to call';
    expect(found(text)).toEqual([['rosa', 'NAME']]);
    expect(detectPhi(text, { patient })).toEqual([expect.objectContaining({ type: 'NAME', source: 'patient', confidence: 0.99 })]);
  });
});

describe('detectPhi: traps that are not PHI', () => {
  it.each([
    'lisinopril ten milligrams once a day',
    'metformin 500 mg twice a day',
    'i need more amoxicillin',
    'can i come in at three thirty',
    'the appointment is at 3:30 pm',
    'around ten in the morning works',
    'take two pills for three days',
    'a ninety day supply please',
    'he had a hundred and two fever',
    'it was one oh two degrees last night',
    'back in twenty nineteen i had surgery',
    // A year alone is not PHI, a birth year included (docs/guides/labelling-calls.md §3).
    'i was born in nineteen fifty two',
    'in twenty twenty three i had surgery',
    "i'm sixty five and healthy",
    'she is 89 years old',
    'my son will call you back',
    'is there a grace period on the bill',
    'may i ask a question',
    'i hope you can help, mark my words',
    'we will see you in april or june',
    'the rose bush and a summer job, frank talk about faith and joy',
    'dean of the school, chase the hunter, the king, brown and white rice, young wood',
    'i can come monday or tuesday',
    'sometime in march would be good',
    'i called 911 last night',
    'I had a fever. Will you call me? May I ask? Grace said it was fine.',
    'across the street from the pharmacy',
  ])('%j has no PHI', (text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('resolveOverlaps', () => {
  it('keeps the union of overlapping spans, labelled by the stronger one, sorted', () => {
    const spans: PhiSpan[] = [
      { start: 10, end: 20, type: 'NAME', confidence: 0.8, source: 'context' },
      { start: 0, end: 4, type: 'DATE', confidence: 0.9, source: 'spoken' },
      { start: 15, end: 30, type: 'HEALTH_PLAN_ID', confidence: 0.95, source: 'context' },
    ];
    expect(resolveOverlaps(spans)).toEqual([
      { start: 0, end: 4, type: 'DATE', confidence: 0.9, source: 'spoken' },
      { start: 10, end: 30, type: 'HEALTH_PLAN_ID', confidence: 0.95, source: 'context' },
    ]);
  });

  it('returns sorted, non-overlapping spans for a busy transcript', () => {
    const text = 'my name is maria lopez l o p e z, member id x y z one two three four five six, dob march third nineteen fifty two, call 555-212-3344';
    const spans = detectPhi(text);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  });

  it('uses UTF-16 offsets', () => {
    const text = '😀 café: call me at 555-212-3344';
    const [span] = detectPhi(text);
    expect(text.slice(span!.start, span!.end)).toBe('555-212-3344');
  });
});
