import { describe, expect, it } from 'vitest';
import type { PhiSpan, PhiType } from '../analysis.types.ts';
import { detectPhi } from './detect-phi.ts';

/*
 * A catalogue of realistic phrasings, written fresh for generalisation (not taken from any eval
 * split). Every name, number, date and address below is synthetic. Each positive row names the
 * core text that must be covered by spans of the expected type; the covering spans may reach a
 * little past it (a leading "the", a comma) but not swallow the sentence. Trap rows must produce
 * no span of the given type (or none at all).
 */

const slack = 10;

function check(text: string, phi: string, type: PhiType): void {
  const at = text.indexOf(phi);
  expect(at, `"${phi}" not in text`).toBeGreaterThanOrEqual(0);
  const end = at + phi.length;
  const spans = detectPhi(text);
  const touching = spans.filter((span) => span.start < end && span.end > at);
  const shown = spans.map((span: PhiSpan) => `${span.type}:${text.slice(span.start, span.end)}`);
  expect(touching.length, `nothing over "${phi}"; found ${JSON.stringify(shown)}`).toBeGreaterThan(0);
  for (const span of touching) expect(span.type, JSON.stringify(shown)).toBe(type);
  let covered = at;
  for (const span of touching) if (span.start <= covered) covered = Math.max(covered, span.end);
  expect(covered, `"${phi}" only partly covered: ${JSON.stringify(shown)}`).toBeGreaterThanOrEqual(end);
  expect(touching[0]!.start, `reaches too far left: ${JSON.stringify(shown)}`).toBeGreaterThanOrEqual(at - slack);
  expect(touching[touching.length - 1]!.end, `reaches too far right: ${JSON.stringify(shown)}`).toBeLessThanOrEqual(end + slack);
}

function clean(text: string, type?: PhiType): void {
  const spans = detectPhi(text).filter((span) => type === undefined || span.type === type);
  expect(spans.map((span) => `${span.type}:${text.slice(span.start, span.end)}`)).toEqual([]);
}

describe('catalogue: SSN', () => {
  it.each<[string, string]>([
    ['my social is 318-40-2297 if you need it', '318-40-2297'],
    ['SSN: 402 61 7735', '402 61 7735'],
    ['Social security number 529.08.4416 on the intake form', '529.08.4416'],
    ['her social security number is 611203948', '611203948'],
    ['SS# 233-71-0982', '233-71-0982'],
    ['the card shows xxx-xx-5521 for the social', 'xxx-xx-5521'],
    ['the portal lists ***-**-8830 as the SSN', '***-**-8830'],
    ['last four of my social is 4417', '4417'],
    ["my social's four one two, three three, nine eight seven six", 'four one two, three three, nine eight seven six'],
    ['social security is two six one, four five, oh seven eight three', 'two six one, four five, oh seven eight three'],
    ['my s s n is oh one two oh three four five six seven', 'oh one two oh three four five six seven'],
    ['social is uh five five one um two two uh three three four four', 'five five one um two two uh three three four four'],
    ['for the social security the last four digits are six seven eight one', 'six seven eight one'],
    ['Soc Sec # 140-22-9031', '140-22-9031'],
    ['S.S.N. 287-55-1046', '287-55-1046'],
    ['my social security number? sure, it is 246 80 1357', '246 80 1357'],
    ['and her social is seven seven three, one two, three four five six', 'seven seven three, one two, three four five six'],
    ['the last 4 of the SSN are 9902', '9902'],
    ['social security number nine eight seven six five four three two one', 'nine eight seven six five four three two one'],
    ['SSN ending in 3318', '3318'],
    ['patient SSN 655-19-0274.', '655-19-0274'],
    ['his social security num is 512 33 8870', '512 33 8870'],
    ['social sec number 301-48-7726', '301-48-7726'],
    ['I can give you my social, it is three oh one, four eight, seven seven two six', 'three oh one, four eight, seven seven two six'],
  ])('%j → %j', (text, phi) => check(text, phi, 'SSN'));
});

describe('catalogue: DATE', () => {
  it.each<[string, string]>([
    ['she was born march the third', 'march the third'],
    ['it was the 3rd of march', '3rd of march'],
    ['admitted 3rd March 2019', '3rd March 2019'],
    ['my date of birth is March 3', 'March 3'],
    ['DOB 03-03-52', '03-03-52'],
    ['born 3.3.1952 in Lagos', '3.3.1952'],
    ['birthday nineteen fifty-two march third', 'nineteen fifty-two march third'],
    ['born in june of nineteen forty-eight', 'june of nineteen forty-eight'],
    ['the appointment is in april, on the fifteenth', 'the fifteenth'],
    ['i was born on the twelfth of august', 'the twelfth of august'],
    ['d o b oh seven one four sixty one', 'oh seven one four sixty one'],
    ['date of birth is 7/14/61', '7/14/61'],
    ['her birthday is july fourteenth', 'july fourteenth'],
    ['my date of birth is seven twenty two eighty', 'seven twenty two eighty'],
    ['born twelve slash five slash nineteen ninety', 'twelve slash five slash nineteen ninety'],
    ['we saw him on December twenty-fifth', 'December twenty-fifth'],
    ['the twenty first of june two thousand and three', 'the twenty first of june two thousand and three'],
    ['can you come in Tuesday the 14th', 'Tuesday the 14th'],
    ['how about friday the twenty third', 'friday the twenty third'],
    ['my appointment is on 4/18 at nine', '4/18'],
    ['scheduled for Sept. 9, 2021', 'Sept. 9, 2021'],
    ['the surgery was on the 22nd of Nov', '22nd of Nov'],
    ['DOB: 5-Mar-1970', '5-Mar-1970'],
    ['dob 1970-03-05', '1970-03-05'],
    ['born three fifteen nineteen forty eight', 'three fifteen nineteen forty eight'],
    ['my date of birth is the fifth of may, nineteen seventy', 'the fifth of may, nineteen seventy'],
    ['date of birth is oh four slash oh nine slash eighty two', 'oh four slash oh nine slash eighty two'],
    ['the procedure is set for monday, october 7th', 'october 7th'],
    ['she was born on 11/02/1988', '11/02/1988'],
    ['born on the thirty-first of january', 'thirty-first of january'],
    ['birthdate january thirty first nineteen sixty', 'january thirty first nineteen sixty'],
    ['My birthday is 12 January 1959', '12 January 1959'],
    ['the letter was dated February 2nd', 'February 2nd'],
    ['he passed away on august 9', 'august 9'],
    ['dob is two nineteen sixty six', 'two nineteen sixty six'],
  ])('%j → %j', (text, phi) => check(text, phi, 'DATE'));

  it.each<[string]>([
    ['take it at 7:30 in the morning'],
    ['it has been going on for about two weeks'],
    ['it started a year ago'],
    ['I was seen in march and again in june'],
    ['back in 2019 I had surgery'],
    ['take 1/2 tablet at night'],
    ['the pain is 7/10 today'],
    ['my blood pressure was 140/90'],
    ['five hundred mg twice a day'],
    ['her room is on the second floor'],
    ['the first time it happened I fainted'],
    ['may I ask who is calling'],
    ['I may need a refill soon'],
    ['take it every third day'],
    ['Tuesday works for me'],
    ['call me back at three thirty'],
    ['twenty twenty four was a rough year'],
    ['she is seventy two'],
    ['take one tablet the first week then two'],
    ['about 3 times a day for 10 days'],
    ['I will be there the fourth time they ask'],
  ])('%j has no date', (text) => clean(text, 'DATE'));
});

describe('catalogue: NAME', () => {
  it.each<[string, string]>([
    ["hi it's Dolores Achterberg", 'Dolores Achterberg'],
    ['Renata Oyelaran here, calling about my refill', 'Renata Oyelaran'],
    ['renata oyelaran here calling about my refill', 'renata oyelaran'],
    ['Yes, Bartholomew Quist speaking', 'Bartholomew Quist'],
    ["i'm calling for Thaddeus Brzezinski", 'Thaddeus Brzezinski'],
    ['on behalf of my mother Ngozi Adebayo-Okafor', 'Ngozi Adebayo-Okafor'],
    ["my husband's name is Kwame", 'Kwame'],
    ['the patient is Soo-ah Baek', 'Soo-ah Baek'],
    ['can I ask for Imelda please', 'Imelda'],
    ["I'm Dr. Vasquez-Whitfield's nurse", 'Vasquez-Whitfield'],
    ['it is spelled k o w a l c z y k', 'k o w a l c z y k'],
    ['last name is Nakashima', 'Nakashima'],
    ['first name Priyanka, last name Venkataraman', 'Priyanka'],
    ['first name Priyanka, last name Venkataraman', 'Venkataraman'],
    ['she goes by Tess', 'Tess'],
    ['my name is María José Hernández Villanueva', 'María José Hernández Villanueva'],
    ['this is Nguyen Thi Thu, calling for my mother', 'Nguyen Thi Thu'],
    ['my name is Park Ji-hoon', 'Park Ji-hoon'],
    ['Zhang Xiuying speaking, how can I help', 'Zhang Xiuying'],
    ['this is Abdulrahman Al-Khatib', 'Abdulrahman Al-Khatib'],
    ['the patient is Venkata Subramanian', 'Venkata Subramanian'],
    ['my name is Chukwuemeka Obi', 'Chukwuemeka Obi'],
    ['hello, Grzegorz Wiśniewski speaking', 'Grzegorz Wiśniewski'],
    ['my name is Pieter van den Berg', 'Pieter van den Berg'],
    ['yes hi this is ngozi adeyemi calling about my refill', 'ngozi adeyemi'],
    ["I'm calling about my father Emmanuel's medication", 'Emmanuel'],
    ["Dr. Okafor's nurse left a message", 'Okafor'],
    ['i was speaking with doctor lindqvist', 'lindqvist'],
    ['Patient name: Herrera, Consuelo', 'Herrera, Consuelo'],
    ["I'm Siobhan, the daughter", 'Siobhan'],
    ['my wife Oluwaseun is sick', 'Oluwaseun'],
    ['my son is Diego Ramírez Castillo', 'Diego Ramírez Castillo'],
    ['her maiden name was Kowalczyk', 'Kowalczyk'],
    ['you can ask for Mrs. Abernathy at the desk', 'Abernathy'],
    ['the patient is mrs delacroix', 'delacroix'],
    ['my caregiver Teodora Petrescu will call', 'Teodora Petrescu'],
    ['Ifeoma Nwosu, date of birth on file', 'Ifeoma Nwosu'],
    ['calling on behalf of my dad, Stanisław Kaczmarek', 'Stanisław Kaczmarek'],
    ['the nurse was Jolanta', 'Jolanta'],
    ['his last name is spelled o k o n k w o', 'o k o n k w o'],
    ['Hi, this is Lakshmi Raghunathan from the front desk', 'Lakshmi Raghunathan'],
    ['I spoke to Dr. Oyelowo yesterday', 'Oyelowo'],
    ['this is Hoang Van Duc', 'Hoang Van Duc'],
    ['my name is Jean-Baptiste Moreau', 'Jean-Baptiste Moreau'],
  ])('%j → %j', (text, phi) => check(text, phi, 'NAME'));

  it.each<[string]>([
    ['I will call back tomorrow'],
    ['my son will pick it up'],
    ["I'm taking lisinopril and metformin"],
    ['the pain is in my chest and back'],
    ['can I speak to the billing department'],
    ["it's in March, I think"],
    ['see you on Monday then'],
    ['this is urgent, please call'],
    ["I'm fine, thanks"],
    ["it's my knee again"],
    ['I hope the doctor can call me'],
    ['the nurse said to rest'],
    ['can I ask for a refill'],
    ['the patient is diabetic'],
    ["I'm worried about my heart"],
    ['my mother is doing better'],
    ['speak to pharmacy please'],
    ['Cardiology here, returning your call'],
    ['this is the billing office'],
    ['it is spelled with a hyphen'],
    ['Nurse line here, how can I help'],
    ["I'm at the pharmacy now"],
    ['I take Tylenol and Advil'],
  ])('%j has no name', (text) => clean(text, 'NAME'));
});

describe('catalogue: NAME in dialogue (greetings, address forms, vocatives)', () => {
  it.each<[string, string]>([
    ['hi martha , how are you', 'martha'],
    ['[doctor] good morning mr. smith', 'smith'],
    ['good morning mrs. okafor, come on in', 'okafor'],
    ['thanks, david', 'david'],
    ['okay ms. nguyen, let us get started', 'nguyen'],
    ['how are you doing today, jose', 'jose'],
    ['mr. and mrs. kowalski are both here', 'kowalski'],
    ['this is nurse jamie from the cardiology clinic', 'jamie'],
    ['your daughter priya called this morning', 'priya'],
    ["my husband's name is li wei", 'li wei'],
    ['Hi Martha, how are you feeling?', 'Martha'],
    ['Thanks, Gwendolyn. See you next week.', 'Gwendolyn'],
    ['[doctor] hi frank how are you\n[patient] good', 'frank'],
    ['[doctor] morning roy , nice to see you', 'roy'],
    ['[doctor] so , ashley , what brings you in today ?', 'ashley'],
    ['do you have any questions , hannah ?', 'hannah'],
    ['[doctor] all right . take care , joyce .', 'joyce'],
    ['[doctor] so dennis tell me what is going on', 'dennis'],
    ['[doctor] okay kevin\n[patient] alright', 'kevin'],
    ['[doctor] so , alexander is a 62-year-old male with diabetes', 'alexander'],
    ["[doctor] beverly's a 24 year old female patient", 'beverly'],
    ['today i am seeing jose alvarado for follow up', 'jose alvarado'],
    ['[doctor] michelle king , date of birth 01/05/1986', 'michelle'],
    ['well good afternoon, Mr. Abernathy-Cole', 'Abernathy-Cole'],
    ['bye now, theresa, see you in two weeks', 'theresa'],
    ['[doctor] so, ashley, how is school? [patient] fine. [doctor] and does ashley play sports?', 'ashley play'],
  ])('%j → %j', (text, phi) => {
    // The last row: every mention of a name found once is a name ("ashley play" → the span covers "ashley").
    if (phi === 'ashley play') {
      const at = text.lastIndexOf('ashley');
      expect(detectPhi(text).some((span) => span.type === 'NAME' && span.start <= at && span.end >= at + 6)).toBe(true);
      return;
    }
    check(text, phi, 'NAME');
  });

  it.each<[string]>([
    ['[doctor] hi , how are you doing today ?\n[patient] good , thanks .'],
    ['[patient] thank you doctor .\n[doctor] you are welcome .'],
    ['Started Lasix, CXR clear, HR 80s, O2 sat 95%, Neo weaned, Aline in place, MICU team aware'],
    ['wound C-D-I, no hematoma, G-U intact'],
    ['MS changes overnight, ms given for pain'],
    ['skin clean, pink, dry, intact'],
    ['seen in MICU on Monday, back to the floor in March'],
    ['Seen by Cardiology and Neurology, ECHO pending'],
    ['Propofol on hold, Levophed weaned, Zosyn and Vanco continued'],
    ['okay , so the pain is better ?'],
    ['[doctor] so , tell me what is going on\n[patient] well , my back hurts'],
    ['so will you be able to come in on friday ?'],
    ['thanks , grace period ends soon'],
  ])('%j has no name', (text) => clean(text, 'NAME'));
});

describe('catalogue: ADDRESS', () => {
  it.each<[string, string]>([
    ['I live at 4821 Juniper Hollow Drive', '4821 Juniper Hollow Drive'],
    ['my address is twelve oh four maple lane', 'twelve oh four maple lane'],
    ['it is forty two hundred bluebonnet court', 'forty two hundred bluebonnet court'],
    ['1500 Larkspur Way, Unit 12', '1500 Larkspur Way, Unit 12'],
    ['send it to p o box one two three', 'p o box one two three'],
    ['mail goes to P.O. Box 4471', 'P.O. Box 4471'],
    ['my mailing address is po box 88', 'po box 88'],
    ['we are on rural route 2 box 45', 'rural route 2 box 45'],
    ['the address is 210 N. Cedar St.', '210 N. Cedar St'],
    ['two ten north cedar street', 'two ten north cedar street'],
    ['I moved to 77 Sycamore Terrace, Apt 5', '77 Sycamore Terrace, Apt 5'],
    ['1600 West Magnolia Boulevard', '1600 West Magnolia Boulevard'],
    ['the address is nine eighteen east elm avenue', 'nine eighteen east elm avenue'],
    ['we moved to 33 Birchwood Circle last year', '33 Birchwood Circle'],
    ['deliver to 5 Harbor View Place', '5 Harbor View Place'],
    ['she lives at 2240 Old Mill Parkway', '2240 Old Mill Parkway'],
    ['our farm is at 3100 Highway 7', '3100 Highway 7'],
    ['i live at four ten pinecrest drive apartment two c', 'four ten pinecrest drive apartment two c'],
    ['my address is 18 Quarry Road, Springfield Illinois', '18 Quarry Road, Springfield Illinois'],
    ['the zip code is six two seven oh four', 'six two seven oh four'],
    ['I live at 902 Wren Ct #3', '902 Wren Ct #3'],
    ['it is 45 Lantern Hill Lane, suite 200', '45 Lantern Hill Lane, suite 200'],
    ['I live at 6 Fenwick Place in Dayton Ohio', '6 Fenwick Place'],
    ['my address is 1187 SW Alder Terrace', '1187 SW Alder Terrace'],
    ['the house is at eight twelve south pine way', 'eight twelve south pine way'],
  ])('%j → %j', (text, phi) => check(text, phi, 'ADDRESS'));

  it.each<[string]>([
    ['take two tablets a day'],
    ['I walked three blocks down the street'],
    ['park in lot B'],
    ['I was in room 4 for a while'],
    ['turn left at the light'],
    ['I live in Texas'],
    ['I will be in the building'],
    ['Dr. Patel said so'],
    ['two days rest and fluids'],
    ['the suite is on the left'],
    ['my box of bandages ran out'],
  ])('%j has no address', (text) => clean(text, 'ADDRESS'));
});
