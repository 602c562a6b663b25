import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RedFlagCode } from '../analysis.types.ts';
import { detectRedFlags } from './red-flags.ts';
import { classifyRequestTypes } from './request-types.ts';

// Every utterance here is synthetic, written for these tests.

function flagsOf(text: string) {
  return detectRedFlags(text).redFlags.map((flag) => ({ code: flag.code, status: flag.status, subject: flag.subject }));
}

describe('detectRedFlags: lay words', () => {
  it.each<[string, RedFlagCode]>([
    ['My chest feels tight', 'chest_pain'],
    ["There's this pressure in my chest", 'chest_pain'],
    ["I can't catch my breath", 'breathing_difficulty'],
    ["I can't breathe", 'breathing_difficulty'],
    ['I am really short of breath', 'breathing_difficulty'],
    ['My face is drooping on one side', 'stroke_signs'],
    ["I'm slurring my words", 'stroke_signs'],
    ['I just want to end it all', 'suicidal_ideation'],
    ["I don't want to be here anymore", 'suicidal_ideation'],
    ["The cut won't stop bleeding", 'severe_bleeding'],
    ['My throat is closing up', 'anaphylaxis'],
    ['My lips are swelling after I ate shrimp', 'anaphylaxis'],
    ['I passed out in the kitchen', 'loss_of_consciousness'],
    ['I blacked out for a minute', 'loss_of_consciousness'],
    ['I took too many pills', 'overdose_poisoning'],
    ['This is the worst headache of my life', 'severe_headache'],
    ['It came on like a thunderclap', 'severe_headache'],
    ["I'm bleeding and I'm pregnant", 'pregnancy_emergency'],
    ['My water broke at 30 weeks', 'pregnancy_emergency'],
    ["There's decreased fetal movement since last night", 'pregnancy_emergency'],
    ["I've got a stabbing pain in my belly", 'severe_abdominal_pain'],
    ['I hit my head and now I keep vomiting', 'head_injury'],
  ])('%j → %s, affirmed for the patient', (text, code) => {
    expect(flagsOf(text)).toContainEqual({ code, status: 'affirmed', subject: 'patient' });
  });

  it('reports where the words are, so a reviewer can see them', () => {
    const text = 'Hello, my chest feels tight today';
    const [flag] = detectRedFlags(text).redFlags;
    expect(text.slice(flag!.start, flag!.end)).toBe('chest feels tight');
  });
});

describe('detectRedFlags: a caller speaking for someone speaks about the patient', () => {
  it.each<[string, RedFlagCode]>([
    ['My husband is having chest pain right now', 'chest_pain'],
    ['He is having a fit', 'seizure'],
    ["She's shaking and not responding", 'seizure'],
    ['My son swallowed bleach', 'overdose_poisoning'],
    ['Her face is drooping', 'stroke_signs'],
    ['He has a fever and is confused and shivering', 'sepsis_signs'],
  ])('%j → %s, affirmed for the patient (the person the call is about)', (text, code) => {
    expect(flagsOf(text)).toContainEqual({ code, status: 'affirmed', subject: 'patient' });
  });

  it.each([
    'My two month old has a fever of 101',
    'The newborn feels hot, I think it is a fever',
    'My six week old baby has a temperature',
  ])('infant fever: %j is affirmed, about the patient (the baby), so the call is urgent', (text) => {
    const flag = detectRedFlags(text).redFlags.find((f) => f.code === 'infant_fever');
    expect(flag).toMatchObject({ status: 'affirmed', subject: 'patient' });
    expect(flag!.confidence).toBeGreaterThanOrEqual(0.7);
  });

  it('a baby of unknown age with a fever is flagged with lower confidence; an older baby is not an infant', () => {
    const unknown = detectRedFlags('My baby has a fever').redFlags.find((f) => f.code === 'infant_fever');
    expect(unknown?.confidence).toBeLessThan(0.7);
    expect(detectRedFlags('My six month old has a fever').redFlags.map((f) => f.code)).not.toContain('infant_fever');
  });
});

describe('detectRedFlags: set aside with a reason', () => {
  it.each<[string, RedFlagCode, 'negated' | 'historical' | 'hypothetical' | 'family-history']>([
    ['No chest pain at all', 'chest_pain', 'negated'],
    ['She denies chest pain', 'chest_pain', 'negated'],
    // A list negation reaches down its list (it was "uncertain" before the labelling conventions said so).
    ['She denies fever, shortness of breath', 'breathing_difficulty', 'negated'],
    ["I don't have a fever, chest pain or trouble breathing", 'breathing_difficulty', 'negated'],
    ["I'm not having any trouble breathing", 'breathing_difficulty', 'negated'],
    ['I get dizzy without passing out', 'loss_of_consciousness', 'negated'],
    ["I've never had a seizure", 'seizure', 'negated'],
    ['I had a seizure two years ago', 'seizure', 'historical'],
    ['I have a history of seizures', 'seizure', 'historical'],
    ['I passed out last year at a wedding', 'loss_of_consciousness', 'historical'],
    ['If I get chest pain should I go to the ER?', 'chest_pain', 'hypothetical'],
    ['What should I do if my baby has a fever?', 'infant_fever', 'hypothetical'],
    ['Just in case I have trouble breathing tonight, who do I call?', 'breathing_difficulty', 'hypothetical'],
    ['My father died of a heart attack', 'chest_pain', 'family-history'],
    ['Strokes run in the family', 'stroke_signs', 'family-history'],
  ])('%j → %s %s', (text, code, reason) => {
    const scan = detectRedFlags(text);
    expect(scan.redFlags.filter((flag) => flag.code === code)).toEqual([]);
    expect(scan.setAside).toContainEqual(expect.objectContaining({ code, reason }));
  });

  it('negation stops at "but": the second clause is its own mention', () => {
    const scan = detectRedFlags('No shortness of breath but I have chest pain');
    expect(scan.redFlags.map((f) => f.code)).toEqual(['chest_pain']);
    expect(scan.setAside.map((m) => m.code)).toEqual(['breathing_difficulty']);
  });

  it('a past event and a current one in the same call: the current one is flagged', () => {
    const scan = detectRedFlags('I had a stroke last year and now my face is drooping again');
    expect(scan.redFlags).toContainEqual(expect.objectContaining({ code: 'stroke_signs', status: 'affirmed' }));
    expect(scan.setAside).toContainEqual(expect.objectContaining({ code: 'stroke_signs', reason: 'historical' }));
  });

  it('a hypothetical that implies the symptom is there now stays a flag', () => {
    expect(flagsOf('What do I do if the chest pain gets worse?')).toContainEqual(expect.objectContaining({ code: 'chest_pain', status: 'affirmed' }));
  });
});

describe('detectRedFlags: pseudo-negations do not negate', () => {
  it.each<[string, RedFlagCode]>([
    ['Not only chest pain but my arm hurts too', 'chest_pain'],
    ["No, it's chest pain", 'chest_pain'],
    ["I can't breathe", 'breathing_difficulty'],
    ["It doesn't stop bleeding", 'severe_bleeding'],
    ["I've never had a headache this bad", 'severe_headache'],
    ['The baby is not moving like she used to', 'pregnancy_emergency'],
  ])('%j → %s is flagged', (text, code) => {
    expect(detectRedFlags(text).redFlags.map((f) => f.code)).toContain(code);
  });
});

describe('detectRedFlags: hedged, or just eased, about the patient now: still a red flag (labelling §2)', () => {
  it.each<[string, RedFlagCode]>([
    ['I think maybe my chest is a little tight', 'chest_pain'],
    ["I'm not sure if it's chest pain or heartburn", 'chest_pain'],
    ['It kind of feels like pressure in my chest', 'chest_pain'],
    ['The chest pain went away an hour ago', 'chest_pain'],
  ])('%j → %s affirmed', (text, code) => {
    expect(flagsOf(text)).toContainEqual(expect.objectContaining({ code, status: 'affirmed' }));
  });
});

describe('detectRedFlags: when in doubt, uncertain rather than set aside', () => {
  it.each<[string, RedFlagCode]>([
    ["I've never had chest pain before", 'chest_pain'],
  ])('%j → %s uncertain', (text, code) => {
    expect(flagsOf(text)).toContainEqual(expect.objectContaining({ code, status: 'uncertain' }));
  });

  it("a likely other reading is still flagged, low and uncertain (\"can't breathe through my nose\")", () => {
    const [flag] = detectRedFlags("I can't breathe through my nose, it's so stuffy").redFlags;
    expect(flag).toMatchObject({ code: 'breathing_difficulty', status: 'uncertain' });
    expect(flag!.confidence).toBeLessThan(0.5);
  });

  it('a head bump without warning signs is flagged for a human, uncertain', () => {
    expect(flagsOf('I bumped my head on the cupboard')).toContainEqual({ code: 'head_injury', status: 'uncertain', subject: 'patient' });
  });
});

describe('detectRedFlags: ASR-garbled words', () => {
  it.each<[string, RedFlagCode]>([
    ['I have chess pain', 'chest_pain'],
    ['Chest pane since this morning', 'chest_pain'],
    ["I can't breed", 'breathing_difficulty'],
    ['Shortness of breast', 'breathing_difficulty'],
    ['I think I had a sea sure', 'seizure'],
    ['He over dosed on something', 'overdose_poisoning'],
    ['Is this anna phylaxis', 'anaphylaxis'],
    ['I passed out, sorry, I past out in the shower', 'loss_of_consciousness'],
  ])('%j → %s, affirmed: an ASR transcript is labelled by what was said', (text, code) => {
    expect(flagsOf(text)).toContainEqual(expect.objectContaining({ code, status: 'affirmed' }));
  });

  it('anaphylaxis words in full are affirmed', () => {
    expect(flagsOf('I am having an anaphylactic reaction, I used my EpiPen')).toContainEqual({ code: 'anaphylaxis', status: 'affirmed', subject: 'patient' });
  });
});

describe('detectRedFlags: words that only look like red flags', () => {
  it.each([
    'I got heat stroke at the beach',
    'That was a stroke of luck',
    'I had food poisoning from bad sushi',
    'Our septic tank is fine, I am calling about a refill',
    'Can I book an appointment for a physical?',
    "I'd like to refill my lisinopril",
    '',
  ])('%j → no red flag', (text) => {
    expect(detectRedFlags(text).redFlags).toEqual([]);
  });

  it('is deterministic', () => {
    const text = 'My husband has chest pain and cannot catch his breath, no fever';
    expect(detectRedFlags(text)).toEqual(detectRedFlags(text));
  });
});

describe('detectRedFlags: negation scope across lists', () => {
  it('"or" lists and comma lists stay negated; "no X and Y" affirms Y (was uncertain; recall comes first)', () => {
    expect(detectRedFlags('No fever or chest pain').setAside).toContainEqual(expect.objectContaining({ code: 'chest_pain', reason: 'negated' }));
    expect(detectRedFlags('no cough, fever, and chest pain').setAside).toContainEqual(expect.objectContaining({ code: 'chest_pain', reason: 'negated' }));
    expect(flagsOf('I have no energy and chest pain')).toContainEqual(expect.objectContaining({ code: 'chest_pain', status: 'affirmed' }));
  });

  it('"never mind" and "no problem" are not negations', () => {
    expect(flagsOf('Never mind the bill, my chest hurts')).toContainEqual(expect.objectContaining({ code: 'chest_pain', status: 'affirmed' }));
    expect(flagsOf("No problem, I just can't breathe")).toContainEqual(expect.objectContaining({ code: 'breathing_difficulty', status: 'affirmed' }));
  });
});

describe('detectRedFlags: properties', () => {
  const words = ['no', 'chest', 'pain', 'my', 'son', 'if', 'had', 'a', 'seizure', 'years', 'ago', 'but', 'now', ',', '.', 'fever',
    'newborn', "can't", 'breathe', 'think', 'maybe', 'pregnant', 'bleeding', 'hit', 'head', 'vomiting', 'not', 'and', 'or', 'sure'];
  const utterance = fc.array(fc.constantFrom(...words), { maxLength: 40 }).map((list) => list.join(' '));

  it('never throws; every span lies inside the text and every mention is reported exactly once', () => {
    fc.assert(fc.property(fc.oneof(utterance, fc.string()), (text) => {
      const scan = detectRedFlags(text);
      for (const item of [...scan.redFlags, ...scan.setAside]) {
        expect(item.start).toBeGreaterThanOrEqual(0);
        expect(item.end).toBeGreaterThan(item.start);
        expect(item.end).toBeLessThanOrEqual(text.length);
      }
      for (const flag of scan.redFlags) {
        expect(flag.confidence).toBeGreaterThan(0);
        expect(flag.confidence).toBeLessThanOrEqual(1);
        // "other" is only ever someone outside the clinic's care; the people a caller speaks for are the patient.
        if (flag.subject === 'other') expect(flag.cue).toContain('outsider');
      }
    }));
  });

  it('any affirmed red flag makes request types include urgent_emergency', () => {
    fc.assert(fc.property(utterance, (text) => {
      const { redFlags } = detectRedFlags(text);
      const types = classifyRequestTypes(text, redFlags).map((score) => score.type);
      if (redFlags.some((flag) => flag.status === 'affirmed')) expect(types).toContain('urgent_emergency');
    }));
  });
});

describe('detectRedFlags: fillers and lay wording', () => {
  it.each<[string, RedFlagCode]>([
    ['my chest um is uh so tight', 'chest_pain'],
    ["i can't uh get my breath you know", 'breathing_difficulty'],
    ['there is a weight pressing on my chest', 'chest_pain'],
    ['the ache in the center of my chest is not easing', 'chest_pain'],
    ["I can't get through a sentence without stopping for air", 'breathing_difficulty'],
    ['she is talking gibberish all of a sudden', 'stroke_signs'],
    ['he cannot lift his arm on one side', 'stroke_signs'],
    ['honestly my family would be better off if I were gone', 'suicidal_ideation'],
    ["I don't see any point in living", 'suicidal_ideation'],
    ['I keep thinking about ending my life', 'suicidal_ideation'],
    ['my nose has bled through three towels', 'severe_bleeding'],
    ['his lips puffed up after the peanut butter', 'anaphylaxis'],
    ['he suddenly went limp on the couch', 'loss_of_consciousness'],
    ['my grandson had a seezure, sorry, a seizer at school', 'seizure'],
    ['I accidentally swallowed my wife’s blood pressure pills', 'overdose_poisoning'],
    ['I ate way too much of the edibles', 'overdose_poisoning'],
    ['my belly hurts really bad on the lower right', 'severe_abdominal_pain'],
    ['my head is pounding so bad I can barely see', 'severe_headache'],
    ["I'm 31 weeks and I have a gush of fluid", 'pregnancy_emergency'],
    ["she's got a fever and her heart is racing and she's confused", 'sepsis_signs'],
    ['I have a fever, chills, and I am too weak to stand up', 'sepsis_signs'],
  ])('%j → %s', (text, code) => {
    expect(detectRedFlags(text).redFlags.map((f) => f.code)).toContain(code);
  });

  it('an ASR filler "you know" does not hide a hypothetical "if"', () => {
    const scan = detectRedFlags('the nurse told me to come in if you know i get chest pain again');
    expect(scan.redFlags.map((f) => f.code)).not.toContain('chest_pain');
    expect(scan.setAside).toContainEqual(expect.objectContaining({ code: 'chest_pain', reason: 'hypothetical' }));
  });
});

describe('detectRedFlags: family history, past history and questions are set aside', () => {
  it.each<[string, RedFlagCode, 'historical' | 'hypothetical' | 'family-history' | 'negated']>([
    ['Both of my grandparents had strokes', 'stroke_signs', 'family-history'],
    ['my uncle had seizures before he passed', 'seizure', 'family-history'],
    ['my sister had heavy bleeding in her thirties', 'severe_bleeding', 'family-history'],
    ['my mother had preeclampsia with my brother', 'pregnancy_emergency', 'family-history'],
    ['heart attacks are hereditary on my dad’s side', 'chest_pain', 'family-history'],
    ['he was treated for sepsis a long time ago', 'sepsis_signs', 'historical'],
    ['I had fainting spells as a teenager', 'loss_of_consciousness', 'historical'],
    ['I overdosed once, years ago', 'overdose_poisoning', 'historical'],
    ['Should I worry about fainting on this new blood pressure pill?', 'loss_of_consciousness', 'hypothetical'],
    ['What are the warning signs, like slurred speech or a droopy face?', 'stroke_signs', 'hypothetical'],
    ['Could this antibiotic cause a seizure?', 'seizure', 'hypothetical'],
    ['When should I take him in for trouble breathing?', 'breathing_difficulty', 'hypothetical'],
    ['my throat is not tight at all', 'anaphylaxis', 'negated'],
  ])('%j → %s %s', (text, code, reason) => {
    const scan = detectRedFlags(text);
    expect(scan.redFlags.filter((flag) => flag.code === code)).toEqual([]);
    expect(scan.setAside).toContainEqual(expect.objectContaining({ code, reason }));
  });

  it('a normal temperature reading or a question about fever in a newborn is not infant fever', () => {
    expect(detectRedFlags('my five week old feels warm but her temperature is 99.1').redFlags.map((f) => f.code)).not.toContain('infant_fever');
    expect(detectRedFlags('what temperature is a fever in a newborn?').redFlags.map((f) => f.code)).not.toContain('infant_fever');
    expect(detectRedFlags('my five week old has a temp of 100.9').redFlags.map((f) => f.code)).toContain('infant_fever');
  });

  it('a past event that has come back is a red flag now (affirmed; it was uncertain before the labelling conventions)', () => {
    const scan = detectRedFlags('I had a seizure two years ago and today I had another one');
    expect(scan.redFlags).toContainEqual(expect.objectContaining({ code: 'seizure', status: 'affirmed' }));
  });

  it('a relative with a current problem is affirmed; a bare "my aunt had a seizure" stays uncertain, not set aside', () => {
    expect(flagsOf('both my parents are coughing and having trouble breathing')).toContainEqual(expect.objectContaining({ code: 'breathing_difficulty', status: 'affirmed' }));
    expect(flagsOf('my aunt had a seizure')).toContainEqual(expect.objectContaining({ code: 'seizure', status: 'uncertain' }));
    expect(flagsOf('my brother had chest pain in his forties and now I have chest pain')).toContainEqual(expect.objectContaining({ code: 'chest_pain', subject: 'patient' }));
  });
});

describe('detectRedFlags: treatments and supplies are not events', () => {
  it.each([
    'Can you refill my seizure meds before Friday?',
    'The school needs a new EpiPen prescription for my daughter',
    "He's not answering his phone, can you try his cell?",
    'I take my insulin twice a day',
  ])('%j → no red flag', (text) => {
    expect(detectRedFlags(text).redFlags).toEqual([]);
  });

  it('a treatment word next to a real event still flags it', () => {
    expect(detectRedFlags('he had a seizure medication did not stop it').redFlags.map((f) => f.code)).toContain('seizure');
    expect(detectRedFlags('I had to jab him with his EpiPen, can you refill it').redFlags.map((f) => f.code)).toContain('anaphylaxis');
  });
});

// ---- issue 15: the labelling conventions' red-flag rules (docs/guides/labelling-calls.md §2) ----------
// Every sentence below is written for these tests.

const affirmedOf = (text: string) => detectRedFlags(text).redFlags.filter((flag) => flag.status === 'affirmed').map((flag) => flag.code);
const reasonsOf = (text: string) => detectRedFlags(text).setAside.map((mention) => `${mention.code}:${mention.reason}`);

describe('red flags: a caller speaking for a baby, child or dependent adult speaks about the patient', () => {
  it.each<[string, RedFlagCode]>([
    ['my baby is six weeks old and has a fever', 'infant_fever'],
    ['hi so my little boy is only nine days old and he is burning up, a hundred and one', 'infant_fever'],
    ['our newborn has a temperature of 100.6 and will not feed', 'infant_fever'],
    ['my baby is 2 months and she feels feverish', 'infant_fever'],
    ['calling for my mother, she has dementia, and this morning her face is drooping on the left', 'stroke_signs'],
    ['my son is autistic and nonverbal and he just had a seizure that lasted five minutes', 'seizure'],
    ['i look after my brother, he is disabled, and he cannot catch his breath', 'breathing_difficulty'],
  ])('%j → %s affirmed, subject patient (urgent)', (text, code) => {
    expect(detectRedFlags(text).redFlags).toContainEqual(expect.objectContaining({ code, status: 'affirmed', subject: 'patient' }));
  });

  it('an older baby with a fever is not an infant fever; a baby of unsaid age is shown but not urgent', () => {
    expect(detectRedFlags('my baby is 7 months and has a fever of 102').redFlags.map((f) => f.code)).not.toContain('infant_fever');
    expect(detectRedFlags('my baby has had a fever since lunch').redFlags).toContainEqual(expect.objectContaining({ code: 'infant_fever', status: 'uncertain' }));
  });
});

describe('red flags: people outside the clinic\'s care', () => {
  it.each<[string, RedFlagCode]>([
    ['my neighbour had a stroke last week so i want my own blood pressure checked', 'stroke_signs'],
    ['a coworker passed out at the office yesterday and it scared me', 'loss_of_consciousness'],
    ['my friend from church had a heart attack on sunday, can i get a cholesterol test', 'chest_pain'],
  ])('%j → %s set aside as third-party', (text, code) => {
    expect(affirmedOf(text)).not.toContain(code);
    expect(reasonsOf(text)).toContain(`${code}:third-party`);
  });

  it('an outsider the caller is calling about, or who is collapsing in front of them now, is still a red flag', () => {
    expect(affirmedOf("i'm calling about my neighbour, he is on your list, he can't breathe and his lips look blue")).toContain('breathing_difficulty');
    expect(affirmedOf('my roommate is not breathing right now')).toContain('breathing_difficulty');
    expect(affirmedOf('i think my friend overdosed on her pills, what do i do')).toContain('overdose_poisoning');
  });
});

describe('red flags: history, resolved, mild and ordinary versions are set aside', () => {
  it.each<[string, RedFlagCode, string]>([
    ['i had a stroke in 2019 and i need my statin refilled', 'stroke_signs', 'historical'],
    ['i was bleeding heavily from the cut but it stopped yesterday afternoon and has been fine since, i just want it checked', 'severe_bleeding', 'resolved'],
    ['she had a reaction to shrimp last summer, her lips swelled up and we went to the er, now we need a referral', 'anaphylaxis', 'historical'],
    ['i have a bad headache and threw up once, same as my usual migraines', 'severe_headache', 'mild'],
    ['i am a little short of breath after the stairs, like always, nothing new', 'breathing_difficulty', 'mild'],
    ['he was admitted last tuesday with a gi bleed and goes home today, we need a follow up', 'severe_bleeding', 'historical'],
    ['take one puff every four hours as needed for wheezing or shortness of breath', 'breathing_difficulty', 'hypothetical'],
  ])('%j → %s set aside as %s', (text, code, reason) => {
    expect(affirmedOf(text)).not.toContain(code);
    expect(reasonsOf(text)).toContain(`${code}:${reason}`);
  });

  it.each<[string, RedFlagCode]>([
    ['the chest pain just eased a few minutes ago but i am sweaty', 'chest_pain'],
    ['his seizure stopped about ten minutes ago and he is still very sleepy', 'seizure'],
    ['i usually would not call but this is the worst headache of my life', 'severe_headache'],
    ['this headache is nothing like my usual migraines, it is the worst ever', 'severe_headache'],
    ['i think maybe it is a bit tight in my chest, probably nothing', 'chest_pain'],
  ])('%j → %s still affirmed (just stopped, hedged, or unlike the usual)', (text, code) => {
    expect(affirmedOf(text)).toContain(code);
  });
});

describe('red flags: hypotheticals and education questions', () => {
  it.each<[string, RedFlagCode]>([
    ['what should i do if he gets a fever, he is three weeks old', 'infant_fever'],
    ['what are the signs of a stroke that i should watch for with my dad', 'stroke_signs'],
    ['the leaflet says to call if the bleeding will not stop, is that right', 'severe_bleeding'],
    ['how would i know if it was a seizure rather than a faint', 'seizure'],
  ])('%j → %s not a red flag', (text, code) => {
    expect(affirmedOf(text)).not.toContain(code);
    expect(detectRedFlags(text).setAside.map((mention) => mention.code)).toContain(code);
  });
});

describe('red flags: negation scope', () => {
  it.each<[string, RedFlagCode]>([
    ['no chest pain or trouble breathing, just the cough', 'breathing_difficulty'],
    ["she isn't having any trouble breathing", 'breathing_difficulty'],
    ['he denies chest pain and shortness of breath', 'breathing_difficulty'],
    ['it started without any chest pain, only the dizziness', 'chest_pain'],
  ])('%j → %s negated', (text, code) => {
    expect(reasonsOf(text)).toContain(`${code}:negated`);
  });

  it('a negation ends at its clause and at its own verb', () => {
    expect(affirmedOf('no fever. but now she has a crushing pain in her chest')).toContain('chest_pain');
    expect(affirmedOf("he isn't making any sense and his face is drooping")).toContain('stroke_signs');
  });
});

describe('red flags: only the caller\'s words count, the agent\'s screening questions do not', () => {
  it('a diarized screening question answered no, or not answered about it, is set aside', () => {
    const text = 'Agent: Any chest pain or trouble breathing?\nCaller: No, nothing like that, it is just my ankle.';
    expect(affirmedOf(text)).toEqual([]);
    expect(reasonsOf(text)).toEqual(expect.arrayContaining(['chest_pain:negated', 'breathing_difficulty:negated']));
    const other = 'Agent: Is he having a seizure, or was he unconscious at any point?\nCaller: He has a rash on his arm.';
    expect(affirmedOf(other)).toEqual([]);
    expect(reasonsOf(other)).toContain('seizure:agent-question');
  });

  it('a yes to the agent\'s question makes it the caller\'s answer', () => {
    const text = 'Agent: Are you having any chest pain right now?\nCaller: Yeah. It started an hour ago.';
    expect(detectRedFlags(text).redFlags).toContainEqual(expect.objectContaining({ code: 'chest_pain', status: 'affirmed' }));
  });

  it('the agent reading back or advising is not the caller saying it; the caller\'s own words still count', () => {
    const text = 'Caller: My knee is swollen.\nAgent: Okay. If you ever get chest pain with it, call 911, and trouble breathing too.\nCaller: Will do.';
    expect(affirmedOf(text)).toEqual([]);
    const caller = 'Caller: I have crushing chest pain.\nAgent: With chest pain like that you need to call 911.';
    expect(affirmedOf(caller)).toEqual(['chest_pain']);
  });

  it('in a stream with no speaker labels, the second-person screening form is recognised', () => {
    expect(affirmedOf('ok and are you having any chest pain or shortness of breath no no nothing like that just the rash')).toEqual([]);
    expect(affirmedOf('are you having any chest pain yes it feels heavy')).toContain('chest_pain');
    // A caller's own question about what is happening now is not a screening question.
    expect(affirmedOf('do you think i am having a heart attack, my chest is so tight')).toContain('chest_pain');
  });
});

describe('red flags: routine calls that only mention a red-flag word do not make the call urgent', () => {
  it.each([
    'the new water pill makes me lightheaded and i nearly fainted in the shower, can the doctor switch it',
    'i need a follow up visit after my hospital stay for the stroke',
    'this is the pharmacy with a question on the keppra dose for your seizure patient',
    'the discharge nurse said to call back if the chest pain comes back, and it has not, i am confirming friday',
    'my wife is 36 weeks pregnant and her ankles are swollen by evening, is that normal',
    'i have had a cold all week and i am a bit wheezy at night, can you refill my inhaler',
  ])('%j → nothing affirmed', (text) => {
    expect(affirmedOf(text)).toEqual([]);
  });

  it('breathlessness brought on by effort is shown to a person; at rest or getting worse it is a red flag', () => {
    expect(detectRedFlags('i get short of breath when i climb the stairs to my flat').redFlags)
      .toContainEqual(expect.objectContaining({ code: 'breathing_difficulty', status: 'uncertain' }));
    expect(affirmedOf('i am short of breath just sitting on the couch')).toContain('breathing_difficulty');
    expect(affirmedOf('he is wheezing so badly he can barely talk')).toContain('breathing_difficulty');
  });

  it('a swollen face or sudden swelling in pregnancy is still a warning sign', () => {
    expect(affirmedOf("i'm 33 weeks pregnant and my face and hands are suddenly really swollen")).toContain('pregnancy_emergency');
  });
});

describe('red flags: a nurse-line screening conversation', () => {
  it('a "no, it is just ..." answer is a denial; "no, it is getting worse" is not', () => {
    const spotting = 'Agent: Is the bleeding heavy, soaking a pad every hour?\nCaller: No, it is only light spotting.';
    expect(affirmedOf(spotting)).toEqual([]);
    expect(reasonsOf(spotting)).toContain('severe_bleeding:negated');
    expect(affirmedOf('Agent: Is the bleeding heavy?\nCaller: No, it is getting worse, it is soaking through everything.')).toContain('severe_bleeding');
  });

  it('a list of screening questions answered about other symptoms leaves the call routine', () => {
    const text = [
      'Agent: Any fever, chest pain, or shortness of breath?',
      'Caller: A bit of a temperature last night, ninety nine something. No chest pain. My breathing is fine.',
      'Agent: Has he passed out or hit his head?',
      'Caller: He bumped his knee, that is all.',
    ].join('\n');
    expect(affirmedOf(text)).toEqual([]);
  });
});

describe('red flags: past visits, spoken years and known patterns against what is new now', () => {
  it.each([
    'i had a heart attack in two thousand eighteen and they put in a stent, i need my plavix refilled',
    'so i was at urgent care last night for chest pain and they said it was a pulled muscle, i just need a follow up',
    'the last time i had chest pain it turned out to be my gallbladder, can i get those records',
    'i have a question about the bill from the emergency room for my son\'s asthma attack',
    'my daughter passed out at school yesterday after skipping breakfast, she is fine now, the nurse said to let you know',
    'i took an extra dose of my vitamin d by accident, is that a problem',
  ])('%j → nothing affirmed', (text) => {
    expect(affirmedOf(text)).toEqual([]);
  });

  it.each<[string, RedFlagCode]>([
    ['i went to the er last night for chest pain and they sent me home but it is back now and worse', 'chest_pain'],
    ['my husband had a seizure this morning, he is fine now but he has never had one before', 'seizure'],
    ['the hospital discharged her yesterday after a fall but now she is throwing up and really confused', 'head_injury'],
    ['i was in the hospital in twenty twenty for a stroke and now my face is drooping again', 'stroke_signs'],
    ['i get chest pain when i walk and today it came on at rest and will not go away', 'chest_pain'],
    ['i look after my niece and the little girl i watch just swallowed a magnet', 'overdose_poisoning'],
  ])('%j → %s affirmed', (text, code) => {
    expect(affirmedOf(text)).toContain(code);
  });
});

describe('red flags: a condition named for care, a test, a verdict or a hospital stay is not an event now', () => {
  it.each([
    'the cardiologist said my chest pain was just reflux and to follow up with you',
    'they were checking for a stroke in the er and it was negative, can i get the results',
    'my mri for the seizures came back, can the doctor go over it',
    'i am calling to book my stroke follow up with neurology',
    'i need a letter for my employer about my seizures',
    'your patient had an asthma attack at school last week and we need an updated action plan',
    'we need to cancel because my mom is in the hospital with a stroke',
    'my dad had a stroke on saturday and he is in the icu, please cancel his appointment',
  ])('%j → nothing affirmed', (text) => {
    expect(affirmedOf(text)).toEqual([]);
  });

  it.each<[string, RedFlagCode]>([
    ["for the past few days i've had chest pain off and on and it's worse today", 'chest_pain'],
    ['my seizures are getting worse, he had three today', 'seizure'],
    ["the er said my chest pain was nothing but it's back and worse now", 'chest_pain'],
    ['last week he hit his head and today he is vomiting and confused', 'head_injury'],
    ['this is the icu, our patient had a seizure this morning and we need his neurologist', 'seizure'],
  ])('%j → %s affirmed', (text, code) => {
    expect(affirmedOf(text)).toContain(code);
  });
});

describe('red flags: in a stream with no punctuation, context stays with its own clause', () => {
  it.each<[string, RedFlagCode]>([
    ['i saw the doctor last month for my knee and uh i have crushing chest pain', 'chest_pain'],
    ['my knee aches like always and i have crushing chest pain', 'chest_pain'],
    ['my chest is killing me and my headache went away yesterday', 'chest_pain'],
    ["the doctor said my chest pain was probably reflux but it's worse now", 'chest_pain'],
  ])('%j → %s affirmed', (text, code) => {
    expect(affirmedOf(text)).toContain(code);
  });
});

describe('red flags: a relative\'s event as the reason for the call', () => {
  it('"calling because my mom had a seizure" is affirmed; a bare "my aunt had a seizure" is shown to a person', () => {
    expect(affirmedOf("hi i'm calling because my mom had a seizure")).toContain('seizure');
    expect(detectRedFlags('my aunt had a seizure').redFlags).toContainEqual(expect.objectContaining({ code: 'seizure', status: 'uncertain' }));
  });
});
