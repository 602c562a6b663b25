import { readFileSync } from 'node:fs';
import path from 'node:path';
import { redFlagCodes, type RedFlagCode } from '../../src/nlp/analysis.types.ts';
import { readCatalogue } from './catalogue.ts';
import { fill, noisy, pick, rng, sentence, shuffle, subject, type Rng } from './corpus-tools.ts';
import { chatter, extraNegatives, flagPhrases, spokenChatter } from './red-flag-phrases.ts';

/**
 * The red-flag training corpus: synthetic calls built from `red-flag-phrases.ts` in affirmed,
 * negated, historical, family-history and hypothetical frames, with intros, outros, fillers and
 * ASR noise; plus the catalogue test cases and (optionally) the bench's dev split.
 */

export interface Example {
  text: string;
  /** Flags present. */
  labels: RedFlagCode[];
  /** Labels whose value is known (undefined: all); a catalogue negative for one flag says nothing of the others. */
  known?: RedFlagCode[];
  kind: 'positive' | 'negated' | 'historical' | 'family-history' | 'hypothetical' | 'mimic' | 'neutral';
  source: 'synthetic' | 'catalogue' | 'dev';
}

const intros = [
  '', '', '', 'hi', 'hello', 'hi um', 'yeah hi', 'hi, this is about my husband,', 'good morning,', 'sorry to bother you but', "i'm calling because",
  'ok so', 'hi, i need some advice,', 'hello is this the nurse line?', 'hey,', 'hi there, quick question,', 'hello, yes,', 'right so',
  'hi, i was told to call this number,', 'evening,', 'hiya,', 'good afternoon, i am calling for my mother,', 'hi, it is about my son,', 'yes hello,',
];
const times = [
  '', '', '', 'right now', 'since this morning', 'for about an hour', 'all of a sudden', 'just now', 'tonight', 'since last night',
  'for the past 20 minutes', 'again today', 'since lunch', 'over the last hour', 'since he got home', 'this afternoon',
];
const outros = [
  '', '', '', 'what should i do', 'please help', 'should i go to the er', 'should i call 911', 'is that bad', "i'm really scared", 'can the nurse call me back',
  'what do i do', 'do i need an ambulance', 'i need someone to call me', 'thank you', 'is this serious', 'should i bring him in', 'i am at home',
  'i have a refill question too', 'can i get an appointment', 'please call me back at the number on file',
];
const pastTimes = [
  'last year', 'two years ago', 'years ago', 'back in 2019', 'in 2015', 'a long time ago', 'a few years back', 'last summer', 'ten years ago',
  'in the past', 'back in college', 'several years ago', 'in 2008', 'when i was younger', 'a decade ago', 'last spring', 'back in the nineties', 'six years ago',
];
const relatives = [
  'my dad', 'my father', 'my mom', 'my mother', 'my grandma', 'my grandpa', 'my grandmother', 'my grandfather', 'my uncle', 'my aunt', 'my brother',
  'my sister', 'my cousin', 'my mum', 'my nan', 'my late father', 'my great aunt', 'my older brother',
];
const minors = ['a cough', 'a runny nose', 'a sore throat', 'a rash', 'some back pain', 'a cold', 'a headache', 'an earache', 'some heartburn', 'a stuffy nose', 'sore knees'];
/** Everyday complaints in the same frames as the red flags, so the frames themselves ("having", "since this morning") teach nothing. */
const everydayNp = [
  ...minors, 'a toothache', 'a sprained ankle', 'pink eye', 'an itchy rash', 'diarrhea', 'a bit of nausea', 'a urine infection', 'a sore shoulder', 'a swollen ankle',
  'a cold sore', 'hay fever', 'a blocked ear', 'a stiff back', 'a twisted knee', 'a chesty cough', 'a bladder infection', 'a mild headache', 'heartburn', 'a sore neck',
  'an ingrown toenail', 'a bad cold', 'the flu', 'a sinus infection', 'a cough that keeps me up', 'a pulled muscle', 'a sore wrist', 'swollen glands', 'dry skin', 'a boil',
  'a sore foot', 'a wart', 'a bit of constipation', 'an upset stomach', 'itchy eyes', 'a lot of sneezing', 'cramp in my calf', 'a nosebleed that stopped', 'a sore hip', 'acid reflux',
];
const everydayClauses = [
  '{P} back is killing {obj}', '{P} throat is really sore', '{P} ear hurts', '{S} {be} sneezing a lot', '{P} knee is swollen', '{P} nose is running', '{S} {have} been coughing all night',
  '{P} ankle hurts when {S} walk{s}', '{P} eyes are itchy and red', '{S} feel{s} a bit off', '{P} tooth is throbbing', '{P} skin is itchy all over', '{S} {be} really tired',
  '{P} feet are a bit swollen by the evening', '{P} wrist hurts after tennis', '{S} {be} throwing up a little since lunch', '{P} shoulder is stiff', '{P} sinuses are blocked',
  '{S} {have} a cough and a temperature of 99', '{P} stomach is a bit upset', '{P} hip aches when {S} sit{s}', '{P} heel is sore in the morning', '{S} {be} peeing a lot',
  '{P} foot is swollen from a bee sting but {S} {be} fine otherwise', '{P} rash is spreading a little', '{S} {have} got the sniffles', '{P} neck is stiff from sleeping funny',
  '{S} {be} a bit lightheaded when {S} skip{s} breakfast', '{P} glands are up', '{S} {have} a bit of a cough', '{P} leg is cramping at night', '{S} can\'t sleep well',
];

const affirmedNp = [
  '{S} {have} {np}', '{S} {be} having {np}', '{S} {have} got {np}', '{S} started having {np} {time}', '{S} {be} complaining of {np}',
  '{S} {have} had {np} since this morning', 'i think {S} {be} having {np}', '{S} suddenly got {np}', '{S} {be} experiencing {np}', '{S} {have} {np} right now',
  '{S} woke up with {np}', '{S} {be} having {np} and it is getting worse', 'it looks like {S} {be} having {np}', '{S} developed {np} an hour ago',
];
const eventNp = ['{S} just had {np}', '{S} had {np} a few minutes ago', '{S} {be} having {np} right now'];
const negatedNp = [
  "{S} {dont} have any {bare}", 'no {bare}', '{S} {have} no {bare}', 'there is no {bare}', '{S} {be} not having any {bare}', '{S} denies {bare}',
  'no {bare} at all', 'no {bare} or anything like that', 'not having any {bare}', '{S} {have} not had any {bare}', 'without any {bare}', 'no signs of {bare}',
  'definitely no {bare}', '{S} {have} {minor} but no {bare}', '{S} {be} tired, no {bare} though', 'no {bare}, just {minor}', '{S} {have} {minor}, denies {bare}',
  "{S} {have} not got {bare}", 'nothing like {bare}', "thankfully {S} {dont} have {bare}", 'the nurse asked about {bare} and {S} said no', 'negative for {bare}',
  "{S} {have} never had {np}", 'no {bare} today', 'not {np}, just {minor}', 'there was no {bare} this time',
];
const historicalNp = [
  '{S} had {np} {past}', '{past}, {S} had {np}', '{S} {have} a history of {bare}', '{S} used to get {bare}', 'history of {bare}', '{S} had {np} once, {past}',
  '{S} had {np} {past} and {be} fine now', 'after {P} {bare} {past} {S} started a new medicine and need{s} a refill', '{S} recovered from {np} {past}',
  '{S} {was} treated for {bare} {past}', "{S} {have}n't had {bare} since {year}", 'last year {S} had {np}', '{S} had {np} when {S} {was} a kid',
  'when {S} {was} younger {S} had {np}', 'the {bare} {S} had {past} is all cleared up', 'i need records from when {S} had {np} {past}',
  '{S} had {np} {past}, nothing since', 'back in {year} {S} had {np} but {be} doing well', '{S} got over {P} {bare} {past}',
];
const familyNp = [
  '{rel} had {np}', '{rel} had {np} {past}', '{rel} died of {bare}', '{rel} passed away from {bare}', '{bare} runs in my family', 'there is a family history of {bare}',
  '{rel} has a history of {bare}', 'both my parents had {bare}', '{rel} had {np} at 60', 'my family has a history of {bare}', "on my dad's side there is a lot of {bare}",
  '{rel} and {rel2} both had {bare}', "i'm worried because {rel} had {np}", '{rel} had {np} years before he passed', 'family history: {rel} with {bare}',
  '{rel} had {np} in his fifties', 'my whole family has {bare}', '{rel} suffered from {bare} for years', 'the doctor asked about family history, {rel} had {np}',
];
const hypotheticalNp = [
  'what if {S} get{s} {np}', 'what should i do if {S} get{s} {np}', 'should i worry about {bare}', 'what are the warning signs of {bare}',
  'the doctor said to call if {S} get{s} {np}', 'how do i know if it is {np}', 'can this medicine cause {bare}', 'in case of {bare}, what do i do',
  "i'm worried i might get {np} someday", 'is there a risk of {bare} with this drug', 'my doctor wants to prevent {bare}', 'i was reading about {bare} online',
  'if {S} ever {have} {np}, should we call 911', 'they told us to watch for {bare}', 'could {S} be at risk for {bare}', 'when should i go to the er for {bare}',
  'i want to learn the signs of {bare}', 'what do i do if {S} start{s} having {np}', 'how would i know if {S} {be} having {np}', 'is {bare} something to watch for after surgery',
  'the leaflet says to watch out for {bare}', 'what are the symptoms of {bare}', 'my friend said this drug can cause {bare}, is that true',
];
const years = ['2012', '2016', '2019', '2020', '2005', '2018'];

function bare(np: string): string {
  return np.replace(/^(a|an|the) /, '');
}

function wrap(r: Rng, core: string, withTime: boolean): string {
  const parts = [pick(r, intros), core, withTime ? pick(r, times) : '', pick(r, outros)].filter(Boolean);
  let text = parts.join(' ');
  if (r() < 0.5) text = parts.map((part, k) => (k === 0 || k === parts.length - 1 ? part : part)).join(r() < 0.5 ? '. ' : ', ');
  return noisy(r, sentence(text.replace(/\s+/g, ' ').trim()));
}

/** A held-out fraction of the phrase material (every `mod`-th entry) for validation by unseen wording. */
export interface SplitOptions { mod?: number; part?: 'train' | 'val' | 'all' }

function select<T>(list: readonly T[], options: SplitOptions): T[] {
  const { mod = 5, part = 'all' } = options;
  if (part === 'all') return [...list];
  return list.filter((_, k) => (part === 'val') === (k % mod === mod - 1));
}

export function syntheticRedFlags(seed: number, perFlag: number, options: SplitOptions = {}): Example[] {
  const r = rng(seed);
  const out: Example[] = [];
  const fillNp = (template: string, code: RedFlagCode, np: string) => {
    const s = subject(r, flagPhrases[code].subjects);
    const rel = pick(r, relatives);
    return fill(r, template, s, {
      np, bare: bare(np), time: pick(r, times), past: pick(r, pastTimes), minor: pick(r, minors), rel, rel2: pick(r, relatives.filter((x) => x !== rel)), year: pick(r, years),
    });
  };
  const negativeFrames: [Example['kind'], string[]][] = [['negated', negatedNp], ['historical', historicalNp], ['family-history', familyNp], ['hypothetical', hypotheticalNp]];
  for (const code of redFlagCodes) {
    const phrases = flagPhrases[code];
    const np = select(phrases.np, options);
    const cl = select(phrases.cl, options);
    const mimic = select(phrases.mimic, options);
    for (let k = 0; k < perFlag; k++) {
      // Positives: half clauses, half noun phrases in an affirmed frame.
      let core: string;
      if (r() < 0.55 && cl.length > 0) core = fill(r, pick(r, cl), subject(r, phrases.subjects));
      else {
        const phrase = pick(r, np);
        const frames = /^(a|an) /.test(phrase) ? [...affirmedNp, ...eventNp] : affirmedNp;
        core = fillNp(pick(r, frames), code, phrase);
      }
      const labels: RedFlagCode[] = [code];
      // Now and then a second sentence: another flag, a denied one, or a minor complaint.
      const roll = r();
      if (roll < 0.08) {
        const other = pick(r, redFlagCodes.filter((c) => c !== code && !flagPhrases[c].subjects));
        core = `${core}, and ${fill(r, pick(r, flagPhrases[other].cl), subject(r))}`;
        labels.push(other);
      } else if (roll < 0.2) {
        const other = pick(r, redFlagCodes.filter((c) => c !== code));
        const negated = fillNp(pick(r, negatedNp), other, pick(r, flagPhrases[other].np));
        core = r() < 0.5 ? `${negated}, but ${core}` : `${core}. ${negated}`;
      } else if (roll < 0.3) {
        core = r() < 0.5 ? `${core} and ${fill(r, '{S} also {have} {minor}', subject(r), { minor: pick(r, minors) })}` : `${fill(r, '{S} {have} {minor}', subject(r), { minor: pick(r, minors) })} and now ${core}`;
      }
      out.push({ text: wrap(r, core, true), labels, kind: 'positive', source: 'synthetic' });
    }
    // Negatives: every frame, plus the mimics.
    for (const [kind, frames] of negativeFrames) {
      for (let k = 0; k < Math.round(perFlag * 0.4); k++) {
        let core = fillNp(pick(r, frames), code, pick(r, np));
        if (r() < 0.15) core = `${core}. ${fill(r, '{S} {have} {minor}', subject(r), { minor: pick(r, minors) })}`;
        out.push({ text: wrap(r, core, kind === 'negated' && r() < 0.5), labels: [], kind, source: 'synthetic' });
      }
    }
    for (let k = 0; k < Math.round(perFlag * 0.4); k++) {
      out.push({ text: wrap(r, pick(r, mimic), r() < 0.5), labels: [], kind: 'mimic', source: 'synthetic' });
    }
    // Everyday complaints in the very frames the positives use (and with the same times and outros).
    for (let k = 0; k < Math.round(perFlag * 0.6); k++) {
      let core = r() < 0.5 ? fill(r, pick(r, everydayClauses), subject(r)) : fillNp(pick(r, [...affirmedNp, ...eventNp]), code, pick(r, everydayNp));
      // A denied flag and an everyday complaint: "no chest pain, but my back is killing me".
      if (r() < 0.25) core = `${fillNp(pick(r, negatedNp), code, pick(r, np))}, but ${core}`;
      out.push({ text: wrap(r, core, true), labels: [], kind: 'neutral', source: 'synthetic' });
    }
  }
  return out;
}

const neutralCalls = [
  'i need a refill on my lisinopril', 'can i make an appointment for next week', 'i am calling about my lab results', 'i need a referral to a dermatologist',
  'my insurance denied the claim, can you help', 'i need my medical records sent to my new doctor', 'please have the nurse call me back', 'i need a note for work',
  'this is the pharmacy calling about a prescription', 'i want to cancel my appointment on thursday', 'can you fax the prior authorization form', 'what time do you open on saturday',
  'i got a bill that i already paid', 'i need to update my address', 'is my mri report back yet', 'can the doctor call in my inhaler', 'i need to reschedule my physical',
  'this is dr. patel from the cardiology office about a mutual patient', 'my son needs his school physical form', 'i have a question about my copay',
  'my blood pressure readings have been good', 'i have had a cough for a week and want to be seen', 'my knee has been sore since my run', 'i have a rash on my arm that itches',
  'my allergies are acting up', 'i think i have a sinus infection', 'i have a sore throat and a low fever', 'my back has been aching after gardening',
  'can you tell me if my referral went through', 'i need a copy of my vaccination record', 'i need to change my pharmacy to walgreens', 'my ear has been hurting for two days',
  'i am running out of my metformin', 'can i get an earlier appointment', 'i need my cholesterol results explained', 'the specialist never got my referral',
  'i am calling to pay my bill', 'my daughter has a cold and a cough', 'i have been feeling tired lately', 'i have some heartburn after meals',
  'thank you, have a good day', 'can you call me back after five', 'my number is on file', 'i am the caregiver for my mother and need to update her forms',
  'my husband needs his blood work scheduled', 'i am returning a call from the office', 'the doctor wanted me to check in after my visit', 'i feel much better since the antibiotics',
];

const bodyParts = ['ear', 'knee', 'back', 'tooth', 'foot', 'ankle', 'wrist', 'shoulder', 'elbow', 'hip', 'throat', 'eye', 'toe', 'finger', 'leg', 'skin', 'gums', 'heel', 'thumb', 'lower back', 'calf', 'bladder', 'sinuses', 'nose'];
const painPredicates = [
  'has been hurting', 'is hurting', 'hurts so bad', 'is killing me', 'is aching', 'is throbbing', 'is really painful', 'is swollen and sore', 'feels tight', 'is burning',
  'has a sharp pain', 'has been hurting and draining', 'is so sore i can barely sleep', 'is in agony', 'is stabbing me', 'has a terrible ache', 'hurts like crazy', 'is on fire',
  'feels heavy', 'is numb from the cold', 'went stiff', 'is itching like crazy', 'is red and hot', 'has been bleeding a tiny bit', 'is getting worse',
  'has been swelling up again', 'is swelling up', 'keeps swelling', 'puffed up after the walk', 'is swollen', 'is all puffy', 'blew up like a balloon after i twisted it', 'is tight and swollen',
];

/** Pain and severity words on body parts that are not red flags ("my knee is killing me"). */
function everydayPain(r: Rng): string {
  const possessive = pick(r, ['my', 'his', 'her', 'my son\'s', 'my wife\'s']);
  return `${possessive} ${pick(r, bodyParts)} ${pick(r, painPredicates)}`;
}

/** Calls with no red flag: the neutral list, noised. */
export function neutralExamples(seed: number, count: number): Example[] {
  const r = rng(seed);
  const out: Example[] = [];
  for (let k = 0; k < count; k++) {
    const roll = r();
    if (roll < 0.35) {
      // Chatter on its own or strung together, as in a long call: no red flag anywhere.
      const parts = Array.from({ length: 1 + Math.floor(r() * 3) }, () => (r() < 0.4 ? spokenChatter(r) : pick(r, chatter)));
      out.push({ text: noisy(r, sentence(parts.join(r() < 0.5 ? '. ' : ' '))), labels: [], kind: 'neutral', source: 'synthetic' });
      continue;
    }
    if (roll < 0.55) {
      out.push({ text: wrap(r, everydayPain(r), r() < 0.5), labels: [], kind: 'neutral', source: 'synthetic' });
      continue;
    }
    const list = roll < 0.7 ? extraNegatives : neutralCalls;
    const core = r() < 0.3 ? `${pick(r, list)}, and ${pick(r, neutralCalls)}` : pick(r, list);
    out.push({ text: wrap(r, core, false), labels: [], kind: 'neutral', source: 'synthetic' });
  }
  return out;
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

/** The red-flag catalogue tests as examples (positives: the flag; negatives: not that flag; no-flag lists: none). */
export function catalogueRedFlags(): Example[] {
  const tables = readCatalogue(path.join(root, 'src/nlp/understand/red-flags.catalogue.test.ts'));
  const out: Example[] = [];
  const isCode = (code: string | undefined): code is RedFlagCode => (redFlagCodes as readonly string[]).includes(code ?? '');
  for (const [name, rows] of tables) {
    const negative = /negative|noflag/i.test(name);
    for (const [code, text] of rows) {
      if (!negative && isCode(code)) out.push({ text, labels: [code], kind: 'positive', source: 'catalogue' });
      else if (negative && isCode(code)) out.push({ text, labels: [], known: [code], kind: 'mimic', source: 'catalogue' });
      else if (negative && code === undefined) out.push({ text, labels: [], kind: 'mimic', source: 'catalogue' });
    }
  }
  return out;
}

/** Request-type catalogue utterances without an emergency: calls with no red flag. */
export function catalogueCalls(): Example[] {
  const tables = readCatalogue(path.join(root, 'src/nlp/understand/request-types.catalogue.test.ts'));
  const out: Example[] = [];
  for (const [, rows] of tables) {
    for (const [code, text] of rows) if (code !== 'urgent_emergency' && code !== 'symptom_report') out.push({ text, labels: [], known: [], kind: 'neutral', source: 'catalogue' });
  }
  // `known: []` would teach nothing; these say "no red flag", so every label is known.
  for (const example of out) delete example.known;
  return out;
}

/** The bench's dev split (never a held-out split). */
export function devRedFlags(): Example[] {
  const file = path.join(root, 'bench/eval/data/dev/red-flags.jsonl');
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
    const row = JSON.parse(line) as { text: string; redFlags: RedFlagCode[]; kind?: string };
    return { text: row.text, labels: row.redFlags, kind: row.redFlags.length ? 'positive' : 'mimic', source: 'dev' } satisfies Example;
  });
}

export { shuffle };
