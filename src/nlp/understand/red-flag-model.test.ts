import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redFlagCodes, type RedFlagCode } from '../analysis.types.ts';
import modelData from './models/red-flags.json' with { type: 'json' };
import { detectRedFlags, modelAffirmed, modelThreshold, redFlagModel } from './red-flags.ts';
import { decodeBase64, fnv, LinearTextModel, type LinearModelData } from './text-model.ts';
import { contentTokens } from './tokens.ts';

const probability = (text: string, code: RedFlagCode) => redFlagModel.predict(contentTokens(text))[redFlagCodes.indexOf(code)]!;
const codes = (text: string) => detectRedFlags(text).redFlags.map((flag) => flag.code);

describe('red-flag model: the shipped weights', () => {
  it('loads, with one label per red flag and a sane size', () => {
    expect(redFlagModel.labels).toEqual([...redFlagCodes]);
    const data = modelData as LinearModelData;
    expect(decodeBase64(data.weights).length).toBe((1 << data.bits) * redFlagCodes.length);
    expect(JSON.stringify(data).length).toBeLessThan(2 * 1024 * 1024);
    expect(data.meta).toMatchObject({ trainedBy: 'scripts/train/train-red-flags.ts' });
  });

  it('is deterministic: same text, same numbers, from a fresh copy too', () => {
    const text = "my husband is gulping for air and can't talk";
    const again = new LinearTextModel(modelData as LinearModelData);
    expect(redFlagModel.predict(contentTokens(text))).toEqual(redFlagModel.predict(contentTokens(text)));
    expect(again.predict(contentTokens(text))).toEqual(redFlagModel.predict(contentTokens(text)));
    expect(detectRedFlags(text)).toEqual(detectRedFlags(text));
  });

  it('decodes base64 and hashes the same way on every run', () => {
    expect([...decodeBase64('AQL/')]).toEqual([1, 2, 255]);
    expect(fnv('chest')).toBe(fnv('chest'));
    expect(fnv('chest')).not.toBe(fnv('chess'));
  });
});

/** Per flag: phrasings the model scores as that flag, and hard negatives it does not. */
const phrasings: Record<RedFlagCode, [string[], string[]]> = {
  chest_pain: [['my chest is killing me', 'it feels like an elephant is sitting on my chest'], ['i have a chest cold and a cough', 'she broke my heart']],
  breathing_difficulty: [["i can't catch my breath", 'she is gasping for air'], ['i cannot breathe through my nose with this cold', 'the view took my breath away']],
  stroke_signs: [['his face is drooping on one side', 'her speech is slurred all of a sudden'], ['i had heat stroke last summer', 'it was a stroke of luck']],
  suicidal_ideation: [['i want to kill myself', "i don't want to be here anymore"], ['this headache is killing me', 'i am dying to know my results']],
  severe_bleeding: [["the bleeding won't stop", 'he is throwing up blood'], ['my gums bleed a little when i brush', 'i need my blood test results']],
  anaphylaxis: [['my throat is closing up', 'her lips and tongue are swelling'], ['i need a refill of my epipen', 'my seasonal allergies are bad']],
  loss_of_consciousness: [['he passed out and will not wake up', 'she collapsed on the floor'], ['my phone keeps blacking out', 'i passed my driving test']],
  seizure: [['he is having a seizure', 'she is convulsing'], ['i need a refill of my seizure medication', 'my car engine seized up']],
  overdose_poisoning: [['she took a whole bottle of pills', 'he drank bleach'], ['i have food poisoning from bad sushi', 'i took my meds this morning as usual']],
  severe_headache: [['the worst headache of my life', 'my head is about to explode'], ['a mild headache from not drinking water', 'my boss is a real headache']],
  infant_fever: [['my 6 week old has a fever of 101', 'my newborn is burning up'], ['my five year old has a fever of 101', 'we are planning a baby shower']],
  pregnancy_emergency: [["i'm 32 weeks pregnant and bleeding", 'i am pregnant and my water just broke'], ['i need my pregnancy test results', 'can i get a refill of my prenatal vitamins']],
  severe_abdominal_pain: [['my stomach hurts so bad i cannot stand up', 'my belly is rock hard and really painful'], ['i have a little stomach ache after lunch', 'i laughed so hard my belly hurt']],
  head_injury: [['he hit his head and is throwing up', 'she fell and hit her head and now she is confused'], ['i need to head over to the pharmacy', 'heads up, i will be late']],
  sepsis_signs: [['he has a fever and is confused and clammy', 'she is burning up and her heart is racing'], ['the septic tank needs pumping', 'i had a fever last week and it is gone now']],
};

describe('red-flag model: known phrasings of every flag', () => {
  for (const code of redFlagCodes) {
    const [positives, negatives] = phrasings[code];
    it.each(positives)(`${code}: %j scores as the flag`, (text) => {
      expect(probability(text, code)).toBeGreaterThanOrEqual(modelThreshold);
      expect(codes(text)).toContain(code);
    });
    it.each(negatives)(`${code}: %j does not`, (text) => {
      expect(probability(text, code)).toBeLessThan(modelThreshold);
      // The rules may still hear a doubtful flag ("can't breathe through my nose"); the model adds none.
      expect(detectRedFlags(text).redFlags.filter((flag) => flag.cue.startsWith('model')).map((flag) => flag.code)).not.toContain(code);
    });
  }
});

describe('red-flag model: combined with the rules', () => {
  it('catches wording the rules do not know, with the model as cue', () => {
    for (const [text, code] of [
      ["he's bleeding like a stuck pig", 'severe_bleeding'],
      ["she's gulping for air", 'breathing_difficulty'],
      ["she went out like a light and won't come round", 'loss_of_consciousness'],
      ['she necked a whole packet of paracetamol', 'overdose_poisoning'],
      ["i'm in agony with my stomach", 'severe_abdominal_pain'],
    ] as [string, RedFlagCode][]) {
      expect(detectRedFlags(text, { model: false }).redFlags.map((flag) => flag.code), text).not.toContain(code);
      expect(detectRedFlags(text).redFlags, text).toContainEqual(expect.objectContaining({ code, cue: expect.stringMatching(/^model/) }));
    }
  });

  it('sets model flags aside the way the rules do: negated, past, family history, hypothetical', () => {
    const reasons = (text: string) => detectRedFlags(text).setAside.map((mention) => `${mention.code}/${mention.reason}`);
    expect(reasons("i'm not gulping for air at all")).toContain('breathing_difficulty/negated');
    expect(reasons('last year i was gulping for air')).toContain('breathing_difficulty/historical');
    expect(reasons('my dad was bleeding like a stuck pig years ago')).toContain('severe_bleeding/family-history');
    expect(reasons('what if my face goes droopy')).toContain('stroke_signs/hypothetical');
    for (const text of ["i'm not gulping for air at all", 'last year i was gulping for air', 'my dad was bleeding like a stuck pig years ago']) {
      expect(detectRedFlags(text).redFlags, text).toEqual([]);
    }
  });

  it('reports the flag of someone the caller speaks for as the patient\'s, and a middling model flag as uncertain; never drops it', () => {
    const spokenFor = detectRedFlags("she's gulping for air").redFlags.find((flag) => flag.code === 'breathing_difficulty');
    expect(spokenFor).toMatchObject({ subject: 'patient' });
    for (const flag of detectRedFlags("he's bleeding like a stuck pig. i'm gulping for air").redFlags) {
      if (!flag.cue.startsWith('model')) continue;
      if (flag.status === 'affirmed') expect(flag.confidence).toBeGreaterThanOrEqual(Math.min(0.9, modelAffirmed * 0.9));
      expect(flag.confidence).toBeGreaterThanOrEqual(0.3);
    }
  });

  it('adds nothing to everyday calls and call chatter', () => {
    for (const text of [
      'my knee is killing me', 'my ear has been hurting and draining', 'the lights went out at the office',
      "I'm 62 and I've never had this before", 'And please call me back at the number on file. Thanks so much.',
      'my date of birth is may third nineteen eighty two and my number is five five five one two three four',
    ]) {
      expect(detectRedFlags(text).redFlags, text).toEqual([]);
    }
  });
});

const words = [
  'i', 'my', 'he', 'she', 'chest', 'pain', 'no', 'not', 'had', 'last', 'year', 'dad', 'mom', 'seizure', 'breathe', "can't", 'bleeding', 'blood', 'stroke',
  'face', 'drooping', 'fever', 'baby', 'week', 'old', 'took', 'pills', 'bottle', 'head', 'hit', 'worst', 'headache', 'pregnant', 'weeks', 'water', 'broke',
  'refill', 'appointment', 'please', 'call', 'back', 'and', 'but', 'what', 'if', 'years', 'ago', 'passed', 'out', 'throat', 'swelling', 'kill', 'myself',
  '.', ',', '?', 'um', 'now', 'today', 'stomach', 'hurts', 'so', 'bad', 'confused', 'clammy', 'heart', 'attack', 'family', 'history', 'of', '6', '30',
];

describe('red-flag model: safety property', () => {
  it('never removes or changes a rule flag (random texts)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 40 }), (list) => {
        const text = list.join(' ').replace(/ ([.,?])/g, '$1');
        const rules = detectRedFlags(text, { model: false });
        const both = detectRedFlags(text);
        for (const flag of rules.redFlags) expect(both.redFlags).toContainEqual(flag);
        for (const mention of rules.setAside) expect(both.setAside).toContainEqual(mention);
      }),
      { numRuns: 400, seed: 8 },
    );
  });

  it('never removes or changes a rule flag (the test phrasings above)', () => {
    for (const text of Object.values(phrasings).flat(2)) {
      const rules = detectRedFlags(text, { model: false });
      const both = detectRedFlags(text);
      for (const flag of rules.redFlags) expect(both.redFlags).toContainEqual(flag);
    }
  });
});
