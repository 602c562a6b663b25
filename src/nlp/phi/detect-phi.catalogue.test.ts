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
    ['I live at 6 Fenwick Place in Dayton Ohio', '6 Fenwick Place in Dayton'],
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

describe('catalogue: spoken EMAIL (whole address)', () => {
  it.each<[string, string]>([
    ['my email is j dot okonkwo at gee mail dot com thanks', 'j dot okonkwo at gee mail dot com'],
    ['you can email me at marisol underscore reyes seventy one at yahoo dot com', 'marisol underscore reyes seventy one at yahoo dot com'],
    ['it is t h o r n e at hotmail dot com', 't h o r n e at hotmail dot com'],
    ['email is quill dash pen four four at outlook dot com okay', 'quill dash pen four four at outlook dot com'],
    ['send it to b a r r y dot k one nine at proton mail dot com', 'b a r r y dot k one nine at proton mail dot com'],
    ['my address is lindqvist dot anna at uni dot edu', 'lindqvist dot anna at uni dot edu'],
    ['email fenwick hyphen garden at greenfield clinic dot org please', 'fenwick hyphen garden at greenfield clinic dot org'],
    ['her email is r o s a dot m at btinternet dot co dot uk', 'r o s a dot m at btinternet dot co dot uk'],
    ['it is mo dot tahir at gmail dot com', 'mo dot tahir at gmail dot com'],
    ['my email is zed nine nine at icloud dot com', 'zed nine nine at icloud dot com'],
    ['email address harlow two thousand at aol dot net', 'harlow two thousand at aol dot net'],
    ['you can reach me at kestrel at fastmail dot fm', 'kestrel at fastmail dot fm'],
    ['the email is p underscore quon at g mail dot com', 'p underscore quon at g mail dot com'],
    ['email me at dana dot w at sunnyvale dot k twelve dot ca dot us', 'dana dot w at sunnyvale dot k twelve dot ca dot us'],
    ['it is x a v i e r at gmail.com', 'x a v i e r at gmail.com'],
    ['my email is ottoline eighty eight at yahoo dot co dot uk', 'ottoline eighty eight at yahoo dot co dot uk'],
    ['email is greta period holm at outlook dot com', 'greta period holm at outlook dot com'],
    ['my email is ben at benfield dot io', 'ben at benfield dot io'],
    ['my email is corinna vale at gmail dot com', 'corinna vale at gmail dot com'],
    ['email me at tobias ninety at outlook dot com', 'tobias ninety at outlook dot com'],
    ['you can email it to hollis dot brandt at live dot com', 'hollis dot brandt at live dot com'],
  ])('%j → %j', (text, phi) => check(text, phi, 'EMAIL'));

  it.each<[string]>([
    ['i will be at home dot dot dot you know'],
    ['she is at work and then at the gym'],
    ['look at that'],
    ['i was at the clinic dot com thing'],
    ['back in the dot com bubble'],
    ['FEET ARE WARM.CO AND CI HAVE BEEN IMPROVING'],
  ])('%j has no email', (text) => clean(text, 'EMAIL'));
});

describe('catalogue: spoken URL (whole address)', () => {
  it.each<[string, string]>([
    ['go to www dot harborview clinic dot org slash portal', 'www dot harborview clinic dot org slash portal'],
    ['the site is h t t p s colon slash slash my chart dot lakeside health dot org', 'h t t p s colon slash slash my chart dot lakeside health dot org'],
    ['check w w w dot findley family dot net', 'w w w dot findley family dot net'],
    ['my page is facebook dot com slash tilda dot marsh', 'facebook dot com slash tilda dot marsh'],
    ['visit mychart dot riverbend dot edu slash login', 'mychart dot riverbend dot edu slash login'],
    ['the link was bit dot ly slash three x k nine q', 'bit dot ly slash three x k nine q'],
    ['try www dot quillon dot co dot uk', 'www dot quillon dot co dot uk'],
    ['my blog is oakhurst dash recipes dot com', 'oakhurst dash recipes dot com'],
    ['look me up at linkedin dot com slash in slash pia dash holm', 'linkedin dot com slash in slash pia dash holm'],
    ['go to https colon slash slash portal dot mercywest dot org', 'https colon slash slash portal dot mercywest dot org'],
  ])('%j → %j', (text, phi) => check(text, phi, 'URL'));
});

describe('catalogue: DEVICE', () => {
  it.each<[string, string]>([
    ['the serial number is k x seven four four one nine', 'k x seven four four one nine'],
    ['s n is p m two two eight four one', 'p m two two eight four one'],
    ['the model and serial are a b c dash one two three four', 'a b c dash one two three four'],
    ['device id zero nine k q eight eight one', 'zero nine k q eight eight one'],
    ["the pump's number is t four four seven zero two", 't four four seven zero two'],
    ['serial on the back says r j nine one one four six', 'r j nine one one four six'],
    ['the pacemaker serial number is pwr three three eight one five', 'pwr three three eight one five'],
    ['the monitor serial is GX-22871-B', 'GX-22871-B'],
    ['my cpap serial number is double a seven seven one two three four', 'double a seven seven one two three four'],
    ['insulin pump serial number n g four one five five seven three two', 'n g four one five five seven three two'],
    ['the serial number on the device is m t one one two two three three', 'm t one one two two three three'],
  ])('%j → %j', (text, phi) => check(text, phi, 'DEVICE'));
});

describe('catalogue: identifier traps', () => {
  it.each<[string]>([
    ['Heme: serial Hcts 27.7- 28.1- 26.9, transfused'],
    ['we did serial troponins and they were fine'],
    ['I need to renew my plates next month'],
    ['the serial number is on the back of the box'],
  ])('%j has no device or vehicle', (text) => {
    clean(text, 'DEVICE');
    clean(text, 'VEHICLE');
  });
});

describe('catalogue: VEHICLE', () => {
  it.each<[string, string]>([
    ['my license plate is seven k j l four four two', 'seven k j l four four two'],
    ['plate number b r x nine nine one', 'b r x nine nine one'],
    ['the tag number is h g t dash four one one', 'h g t dash four one one'],
    ['the vin is one h g c m eight two six three three a zero zero four three five two', 'one h g c m eight two six three three a zero zero four three five two'],
    ['vehicle id is w d b two one one zero four two', 'w d b two one one zero four two'],
    ['plate is 8XKP221', '8XKP221'],
    ['the car plate says q t r seven seven eight', 'q t r seven seven eight'],
    ['my plates are l m n four five six', 'l m n four five six'],
  ])('%j → %j', (text, phi) => check(text, phi, 'VEHICLE'));
});

describe('catalogue: MRN / HEALTH_PLAN_ID / ACCOUNT', () => {
  it.each<[string, string, PhiType]>([
    ['my medical record is m r four four two nine one seven', 'm r four four two nine one seven', 'MRN'],
    ['chart number one one seven four four two three eight', 'one one seven four four two three eight', 'MRN'],
    ['the patient id is p t dash zero zero nine one three', 'p t dash zero zero nine one three', 'MRN'],
    ['medical record number is 00448217', '00448217', 'MRN'],
    ['mrn is double seven one four eight eight two zero nine', 'double seven one four eight eight two zero nine', 'MRN'],
    ['her medical record number is h two two nine three eight four one zero', 'h two two nine three eight four one zero', 'MRN'],
    ['member number x k w four four one two nine eight seven', 'x k w four four one two nine eight seven', 'HEALTH_PLAN_ID'],
    ['the policy is a g one one three four five six seven eight', 'a g one one three four five six seven eight', 'HEALTH_PLAN_ID'],
    ['group number is seven seven four one two', 'seven seven four one two', 'HEALTH_PLAN_ID'],
    ['my member id is y h z nine two eight one one four four three', 'y h z nine two eight one one four four three', 'HEALTH_PLAN_ID'],
    ['policy number ending in four four one nine', 'four four one nine', 'HEALTH_PLAN_ID'],
    ['the subscriber id is w nine eight seven six five four three two one zero', 'w nine eight seven six five four three two one zero', 'HEALTH_PLAN_ID'],
    ['my account is nine one one four two seven seven three', 'nine one one four two seven seven three', 'ACCOUNT'],
    ['the billing account is b a dash two two one nine four', 'b a dash two two one nine four', 'ACCOUNT'],
    ['account number four four three two one one eight eight seven six', 'four four three two one one eight eight seven six', 'ACCOUNT'],
  ])('%j → %j (%s)', (text, phi, type) => check(text, phi, type));
});

describe('catalogue: AGE over 89', () => {
  it.each<[string, string]>([
    ['my mom is ninety-one and lives alone', 'ninety-one'],
    ["she's ninety two now", 'ninety two'],
    ['he is 93 years young', '93'],
    ['my grandfather just turned ninety five', 'ninety five'],
    ['the patient is a ninety seven year old woman', 'ninety seven'],
    ['she will be a hundred and two in may', 'a hundred and two'],
    ['my father, who is ninety four, fell', 'ninety four'],
    ['aged 96, lives with daughter', '96'],
    ['a 91-year-old male', '91'],
    ['my aunt is ninety eight years of age', 'ninety eight'],
  ])('%j → %j', (text, phi) => check(text, phi, 'AGE'));

  it.each<[string]>([
    ['she is in her nineties'],
    ['her oxygen was ninety two percent'],
    ['about ninety minutes later'],
    ['the fever was ninety nine point five'],
    ['my mom is in her late nineties'],
    ['the sat is ninety four on room air'],
    ['her sugar was ninety six this morning'],
  ])('%j has no age', (text) => clean(text, 'AGE'));
});
