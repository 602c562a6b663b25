import { describe, expect, it } from 'vitest';
import { requestTypeCodes, type RedFlag, type RequestTypeCode } from '../analysis.types.ts';
import { classifyRequestTypes, requestTypeLabels, requestTypeProbabilities, requestTypeThreshold } from './request-types.ts';

// Every utterance here is synthetic, written for these tests.

const typesOf = (text: string, redFlags: readonly RedFlag[] = []) => classifyRequestTypes(text, redFlags).map((score) => score.type);

describe('classifyRequestTypes: one clear request per call', () => {
  it.each<[string, RequestTypeCode]>([
    ['Hi, I need a refill on my lisinopril', 'prescription_refill'],
    ['I ran out of my blood pressure pills yesterday', 'prescription_refill'],
    ['I would like to reschedule my appointment', 'appointment'],
    ['Can you fit me in this week to see the doctor?', 'appointment'],
    ['I have had a fever and a bad cough since Tuesday', 'symptom_report'],
    ['Are my blood test results back yet?', 'test_results'],
    ['I need a referral to a dermatologist', 'referral'],
    ['I got a bill and my copay looks wrong', 'billing_insurance'],
    ['My insurance needs approval before they will cover the Ozempic', 'prior_authorization'],
    ['Did the pre-authorization for my MRI go through?', 'prior_authorization'],
    ['I need a copy of my medical records sent to my new doctor', 'medical_records'],
    ['What time do you open on Saturday?', 'administrative'],
    ['I need my FMLA paperwork filled out', 'administrative'],
    ['This is Doctor Patel from Riverside Cardiology calling about our mutual patient', 'provider_to_provider'],
  ])('%j → %s first', (text, type) => {
    expect(typesOf(text)[0]).toBe(type);
  });

  it('every returned score is at or above the threshold and names the words that decided it', () => {
    const text = 'I need a refill on my metformin';
    const [score] = classifyRequestTypes(text, []);
    expect(score!.confidence).toBeGreaterThanOrEqual(requestTypeThreshold);
    expect(score!.evidence.map((span) => [text.slice(span.start, span.end), span.cue])).toContainEqual(['refill', 'refill']);
  });
});

describe('classifyRequestTypes: multi-label calls', () => {
  it('a refill with a callback request', () => {
    const types = typesOf('I need a refill of my atorvastatin, please call me back at 555 212 1234');
    expect(types).toEqual(expect.arrayContaining(['prescription_refill', 'callback_request']));
  });

  it('symptoms plus an appointment plus a callback', () => {
    const types = typesOf('My rash is getting worse and I need to schedule an appointment, can someone give me a call?');
    expect(types).toEqual(expect.arrayContaining(['symptom_report', 'appointment', 'callback_request']));
  });

  it('results are returned best first', () => {
    const scores = classifyRequestTypes('I need a refill, and maybe an appointment at some point', []);
    const confidences = scores.map((score) => score.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
  });
});

describe('classifyRequestTypes: traps', () => {
  it('"pharmacy" alone is too weak to make a refill', () => {
    expect(typesOf('I was at the pharmacy earlier and they said hello')).not.toContain('prescription_refill');
  });

  it('"as a result" is not test results', () => {
    expect(typesOf('As a result of the storm I missed my appointment and need to reschedule')).not.toContain('test_results');
  });

  it('prior auth is not billing, even though it mentions insurance', () => {
    const types = typesOf('My insurance company says the prior auth is still pending');
    expect(types).toContain('prior_authorization');
    expect(types).not.toContain('billing_insurance');
  });

  it('"Bill" the caller is not a bill', () => {
    expect(typesOf('Hi, this is Bill, I need to reschedule my appointment')).not.toContain('billing_insurance');
    expect(typesOf('Hi, my husband Bill needs to cancel his appointment')).not.toContain('billing_insurance');
  });

  it('"bill" the noun and the verb are billing', () => {
    expect(typesOf('Why did you bill my insurance twice?')).toContain('billing_insurance');
    expect(typesOf('I have a question about my bill')).toContain('billing_insurance');
  });

  it('"not urgent" does not make the call urgent', () => {
    expect(typesOf('It is not urgent, no rush, just a question about my bill')).not.toContain('urgent_emergency');
  });

  it('negated symptoms do not make a symptom report', () => {
    expect(typesOf('No fever, no cough, I just need a refill')).not.toContain('symptom_report');
  });

  it('nothing recognisable → [] (the caller decides unclassified)', () => {
    expect(classifyRequestTypes('Hello? Hello? I think the line is bad', [])).toEqual([]);
    expect(classifyRequestTypes('', [])).toEqual([]);
  });
});

describe('classifyRequestTypes: red flags', () => {
  // Conventions changed (labelling-calls.md §1–2): urgent_emergency comes from AFFIRMED red flags
  // (or urgency the caller states), and is then the primary code; an uncertain flag stays visible
  // in the red flags for a person but does not make a routine call urgent.
  const flag: RedFlag = { code: 'chest_pain', start: 0, end: 10, confidence: 0.9, status: 'affirmed', subject: 'patient', cue: 'chest-pain' };

  it('an affirmed red flag makes urgent_emergency the primary code, with the flag as evidence', () => {
    const scores = classifyRequestTypes('chest pain and I also need a refill', [flag]);
    expect(scores[0]).toMatchObject({ type: 'urgent_emergency', rank: 'primary' });
    // The confidence is the calibrated probability, whatever the rank.
    expect(scores[0]!.confidence).toBeCloseTo(requestTypeProbabilities('chest pain and I also need a refill', [flag]).urgent_emergency, 2);
    expect(scores[0]!.evidence[0]).toEqual({ start: 0, end: 10, cue: 'red-flag:chest_pain' });
    expect(scores.map((s) => s.type)).toEqual(expect.arrayContaining(['symptom_report', 'prescription_refill']));
  });

  it('an uncertain flag does not add urgent_emergency', () => {
    const hedged = { ...flag, status: 'uncertain' as const, confidence: 0.6 };
    const types = classifyRequestTypes('chest pain maybe, probably nothing, and I also need a refill', [hedged]).map((s) => s.type);
    expect(types).not.toContain('urgent_emergency');
    expect(types[0]).toBe('prescription_refill');
  });

  it('a flag inside the clinic’s own question is not the caller’s', () => {
    const text = 'Agent: Any chest pain?\nCaller: No. I just need my refill.';
    const start = text.indexOf('chest pain');
    const asked = { ...flag, start, end: start + 'chest pain'.length };
    expect(classifyRequestTypes(text, [asked]).map((s) => s.type)).toEqual(['prescription_refill']);
  });

  it('detects red flags itself when none are passed', () => {
    expect(classifyRequestTypes('I am having crushing chest pain right now').map((s) => s.type)).toContain('urgent_emergency');
  });
});

describe('requestTypeLabels', () => {
  it('labels every request type', () => {
    expect(Object.keys(requestTypeLabels).sort()).toEqual([...requestTypeCodes].sort());
  });
});

describe('classifyRequestTypes: lay wording and fillers', () => {
  it.each<[string, RequestTypeCode]>([
    ['I am down to my last two tablets of metoprolol', 'prescription_refill'],
    ['I need some more of my inhaler, um, before the weekend', 'prescription_refill'],
    ['Could you send the new script over to Walgreens?', 'prescription_refill'],
    ['My knee has been swelling up for a week', 'symptom_report'],
    ['I keep getting nosebleeds, uh, every morning', 'symptom_report'],
    ['Can someone go over my thyroid levels with me?', 'test_results'],
    ['What did my ultrasound show? I mean what the ultrasound found', 'test_results'],
    ['Could I get copies of my scan reports for my lawyer?', 'medical_records'],
    ['Can the nurse phone me back this afternoon?', 'callback_request'],
    ['I need a sick note for my employer', 'administrative'],
    ['How do I get to the new office on Elm?', 'administrative'],
    ['Does my plan cover the sleep study?', 'billing_insurance'],
    ['This is the hospice team calling about one of your patients', 'provider_to_provider'],
    ['Hi, this is the lab at Northside, we have a critical value for Dr. Moreno', 'provider_to_provider'],
  ])('%j → %s', (text, type) => {
    expect(typesOf(text)).toContain(type);
  });
});

describe('classifyRequestTypes: look-alikes', () => {
  it('a prior authorization about a named drug is not a refill', () => {
    const types = typesOf('The pharmacist says my plan needs a prior authorization for the Wegovy');
    expect(types).toContain('prior_authorization');
    expect(types).not.toContain('prescription_refill');
  });

  it('the authorization form is prior auth, not administrative paperwork', () => {
    expect(typesOf('My plan denied it until the doctor completes the authorization form')).not.toContain('administrative');
  });

  it('a doctor calling from the emergency department is not itself an emergency', () => {
    expect(typesOf('This is Dr. Abebe from the emergency department about our shared patient')).not.toContain('urgent_emergency');
  });

  it('physical therapy is not a physical exam appointment', () => {
    expect(typesOf('Could the doctor refer me to physical therapy for my shoulder?')).not.toContain('appointment');
  });

  it('a symptom word naming a medicine is not a symptom report', () => {
    expect(typesOf('Please refill my cough syrup')).not.toContain('symptom_report');
  });

  it('a call that describes an emergency is urgent_emergency and symptom_report, the flag as evidence', () => {
    const scores = classifyRequestTypes('i am having crushing chest pain right now');
    expect(scores.map((score) => score.type)).toEqual(expect.arrayContaining(['urgent_emergency', 'symptom_report']));
    const symptom = scores.find((score) => score.type === 'symptom_report')!;
    expect(symptom.confidence).toBeGreaterThanOrEqual(0.6);
    expect(symptom.evidence).toContainEqual(expect.objectContaining({ cue: 'red-flag:chest_pain' }));
  });

  it('suicidal talk and overdoses are clinical reports too', () => {
    const detected = (text: string) => classifyRequestTypes(text).map((score) => score.type);
    expect(detected('i want to kill myself')).toEqual(expect.arrayContaining(['urgent_emergency', 'symptom_report']));
    expect(detected('i took a whole bottle of my pills an hour ago')).toEqual(expect.arrayContaining(['urgent_emergency', 'symptom_report']));
  });

  it('no red flag, no symptom_report from the emergency rule', () => {
    expect(classifyRequestTypes('It is not urgent, no rush, just a question about my bill').map((s) => s.type)).not.toContain('symptom_report');
  });

  it('"calling about the patient portal" is not another provider', () => {
    expect(typesOf("I'm calling about the patient portal, my password expired")).not.toContain('provider_to_provider');
  });
});

describe('classifyRequestTypes: the caller’s request, not a mention', () => {
  it('the clinic’s lines in a diarized call make no request', () => {
    const text = [
      'Agent: Good morning, how can I help? Do you need a refill or an appointment?',
      'Caller: Hi, I got a statement and I think I was charged twice for one visit.',
      'Agent: I can look at that. We will call you back once billing has checked.',
      'Caller: Thanks.',
    ].join('\n');
    expect(typesOf(text)).toEqual(['billing_insurance']);
  });

  it('a call back the agent offers, and the caller agreeing to it, is not a callback request', () => {
    const text = [
      'Agent: Westside Clinic, this is Sam.',
      'Caller: Hi, I need a copy of my immunization records for my new job.',
      'Agent: Sure. Would you like the records nurse to call you when they are ready?',
      'Caller: Yes please, that would be great.',
    ].join('\n');
    expect(typesOf(text)).toEqual(['medical_records']);
  });

  it('in one stream, an offer is known by its form: "we will call you", "someone will call you back"', () => {
    expect(typesOf('ok so we will call you back tomorrow once the doctor signs the referral for the podiatrist')).not.toContain('callback_request');
    expect(typesOf('the receptionist said someone will call me back about the referral to the podiatrist')).not.toContain('callback_request');
    expect(typesOf('hi i need a referral to a podiatrist can someone call me back about it')).toEqual(['referral', 'callback_request']);
  });

  it('"I see Dr. Alvarez" says who the doctor is; it does not ask for a visit', () => {
    expect(typesOf('I see Dr. Alvarez, and I need my atorvastatin refilled at the pharmacy on Pine')).not.toContain('appointment');
  });

  it('a slot the clinic offers and the caller takes is an appointment', () => {
    const text = [
      'Agent: Northside Family Practice.',
      'Caller: My ankle has been swollen and sore for four days now and it is not getting better.',
      'Agent: I have Thursday at 10:40 with Dr. Ruiz.',
      'Caller: Okay, that works.',
    ].join('\n');
    expect(typesOf(text)).toEqual(['symptom_report', 'appointment']);
  });

  it('a caller who says they are not asking for something is not asking for it', () => {
    expect(typesOf("I'm not asking for an appointment, I just want to know if my thyroid levels came back normal")).not.toContain('appointment');
  });
});

describe('classifyRequestTypes: symptoms', () => {
  it('a symptom given only as the reason for a refill is not a symptom report', () => {
    const types = typesOf('i need a refill on the pills for my back pain, i only have two left');
    expect(types).toEqual(['prescription_refill']);
  });

  it('the patient’s usual state, history and hypotheticals are not reports', () => {
    expect(typesOf('Please refill his sumatriptan, he has one of his usual migraines today')).not.toContain('symptom_report');
    expect(typesOf('I need my levetiracetam renewed; she had a seizure two years ago and has been fine since')).not.toContain('symptom_report');
    expect(typesOf('I need my inhaler refilled, and what should I do if the wheezing comes back at night?')).toContain('prescription_refill');
  });

  it('a new symptom the caller wants the doctor to know about is a report', () => {
    expect(typesOf('My new blood pressure pill is giving me a dry cough every night and I want the doctor to know')).toContain('symptom_report');
  });
});

describe('classifyRequestTypes: primary and secondary', () => {
  it('every score carries its rank: one primary first, then secondaries', () => {
    const scores = classifyRequestTypes('I need a refill of my losartan and please call me back at 555 201 7788 when it is sent', []);
    expect(scores.map((s) => [s.type, s.rank])).toEqual([['prescription_refill', 'primary'], ['callback_request', 'secondary']]);
  });

  it('callback_request is primary only when a call back is all the caller asks for', () => {
    expect(typesOf('please call me back about my MRI results from last week')[0]).toBe('test_results');
    expect(typesOf('Hi, this is Ana, please call me back when you get a chance')).toEqual(['callback_request']);
  });

  it('another provider calling is the primary code; what they ask for is secondary', () => {
    const types = typesOf('Hi, this is Priya, pharmacist at the Walgreens on 5th, we need a new prescription for a patient of yours whose refills ran out');
    expect(types[0]).toBe('provider_to_provider');
    expect(types).toContain('prescription_refill');
  });

  it('the matter raised before "while I have you" or "also" is the primary code', () => {
    const types = typesOf('I need to reschedule my physical to next month. Oh, and while I have you, can you refill my lisinopril, I am almost out.');
    expect(types[0]).toBe('appointment');
    expect(types).toContain('prescription_refill');
  });

  it('a prior authorization that blocks a refill is the primary code', () => {
    expect(typesOf('My pharmacy says the insurance needs a prior authorization before they can refill my Humira, I am on my last pen')[0]).toBe('prior_authorization');
  });

  it('"urgent" about paperwork is the paperwork’s urgency, not an emergency', () => {
    expect(typesOf('I need my disability form filled out, it is really urgent because the deadline is Friday')).toEqual(['administrative']);
  });
});

describe('requestTypeProbabilities', () => {
  it('gives a probability for all twelve codes, consistent with the returned confidences', () => {
    const text = 'I need a referral to a cardiologist please';
    const probabilities = requestTypeProbabilities(text, []);
    expect(Object.keys(probabilities).sort()).toEqual([...requestTypeCodes].sort());
    for (const p of Object.values(probabilities)) {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    const [referral] = classifyRequestTypes(text, []);
    expect(referral!.confidence).toBeCloseTo(probabilities.referral, 2);
    expect(probabilities.referral).toBeGreaterThan(probabilities.billing_insurance);
  });

  it('a code with no cue is unlikely, not impossible', () => {
    const probabilities = requestTypeProbabilities('I need a referral to a cardiologist please', []);
    expect(probabilities.billing_insurance).toBeGreaterThan(0);
    expect(probabilities.billing_insurance).toBeLessThan(requestTypeThreshold);
  });
});

describe('classifyRequestTypes: how records, paperwork and other providers are said', () => {
  it.each<[string, RequestTypeCode]>([
    // Records asked for by the verb, or as a clinician's note of a visit.
    ['The new practice wants all of her records from you before the first visit.', 'medical_records'],
    ['Could I get a copy of the note the doctor wrote at my visit last month?', 'medical_records'],
    ['Please mail me the notes from my husband’s last visit.', 'medical_records'],
    ['The summer camp needs his vaccine history, can you print it?', 'medical_records'],
    // Paperwork the clinician has to sign.
    ['The daycare sent a medication form and I need the doctor to sign it.', 'administrative'],
    ['I want to switch doctors, to someone closer to my house.', 'administrative'],
    ['I think I left my umbrella in the waiting room on Monday.', 'administrative'],
    // Providers introducing themselves by role and workplace.
    ["Hello, I'm a visiting RN with Lakeside Home Care, I'm at Mr. Ortiz's house now.", 'provider_to_provider'],
    ["Hi, it's Dana from the infusion unit at County General about Mrs. Cole.", 'provider_to_provider'],
    ['Morning, Sam with the Eastgate pharmacy, I need a clarification on a prescription Dr. Hale wrote; the patient says she takes it once a day.', 'provider_to_provider'],
  ])('%j → %s among the codes', (text, type) => {
    expect(typesOf(text)).toContain(type);
  });

  it.each<[string, RequestTypeCode]>([
    // An id, not a request for records.
    ['My medical record number is 44120 and I need a refill of my inhaler.', 'medical_records'],
    // A reason given for something else, not an update to the chart.
    ['My insurance changed, so I need a new referral to the podiatrist.', 'administrative'],
    // Saying your own last name is not a name change.
    ['I need a refill, my last name is Brandt, b r a n d t.', 'administrative'],
  ])('%j → no %s', (text, type) => {
    expect(typesOf(text)).not.toContain(type);
  });
});

describe('classifyRequestTypes: a visit asked for without the verbs of booking', () => {
  it.each<string>([
    'My mother has a visit on the ninth with the foot doctor, but her ride fell through, so I have to cancel it.',
    'Could we get in with Dr. Amari sometime next week?',
    'The nurse left a message about my scan; do I need to come back in?',
  ])('%j → appointment', (text) => {
    expect(typesOf(text)).toContain('appointment');
  });
});

describe('classifyRequestTypes: a referral asked for without the word', () => {
  it('asking to be sent on to a specialist, or after the specialty', () => {
    expect(typesOf('Her rash keeps spreading; could the doctor send her to a dermatologist?')).toContain('referral');
    expect(typesOf('Any news on the cardiology? Nobody has rung me.')).toContain('referral');
  });

  it('"send them to" names papers, not a person being referred', () => {
    expect(typesOf('Could you send them to my new clinic? The records, I mean.')).not.toContain('referral');
  });
});

describe('classifyRequestTypes: a refill or an approval named by its object', () => {
  it.each<[string, RequestTypeCode]>([
    ["I'm calling about my dad's... no, I'm calling for my pills, the water pill, the Rite Aid on Fifth has it.", 'prescription_refill'],
    ['My mother is done with the insulin, there is one pen left.', 'prescription_refill'],
    ['The imaging center says they are still waiting on the authorization from my insurance for the MRI.', 'prior_authorization'],
  ])('%j → %s', (text, type) => {
    expect(typesOf(text)).toContain(type);
  });
});

describe('classifyRequestTypes: a complaint beside another request, said for the clinician', () => {
  it.each<string>([
    'I need my allergy spray refilled, and I wanted to tell the doctor my sinus pain has been getting worse this month.',
    "Please refill her eczema cream; I'm worried it isn't working, the rash is spreading.",
    "I need a refill of my sertraline. I'm still having panic attacks most days and I'm worried it isn't helping.",
  ])('%j → refill and symptom_report', (text) => {
    expect(typesOf(text)).toEqual(expect.arrayContaining(['prescription_refill', 'symptom_report']));
  });
});

describe('classifyRequestTypes: a result asked about by what the test found', () => {
  it('"maybe they found something" after a test named', () => {
    expect(typesOf('I had the biopsy two weeks ago and nobody has called; did they find anything? Maybe they found something.')).toContain('test_results');
  });
});
