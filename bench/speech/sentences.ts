/**
 * Clinic call sentences for the speech corpus (issue 17). Synthetic, written for this bench; no
 * real caller said them. Two kinds:
 * - `drug`: dense with drug names from src/nlp/understand/drug-lexicon.ts and doses;
 * - `everyday`: appointments, symptoms, billing, falls, results, WITHOUT any drug name, to count
 *   the drug names an engine invents on speech that has none.
 * Each kind has a `tuning` half (the quality thresholds were set on it) and a `heldOut` half
 * (only measured): the verdict's numbers are reported for both.
 */

export type SentenceKind = 'drug' | 'everyday';
export type CorpusHalf = 'tuning' | 'heldOut';

export interface CorpusSentence {
  id: string;
  kind: SentenceKind;
  half: CorpusHalf;
  text: string;
}

const drugTuning = [
  'Hi, I need a refill of my lisinopril ten milligrams, I only have two pills left.',
  'This is about my mother, she takes metformin five hundred milligrams twice a day.',
  'Can you send the atorvastatin forty milligrams to the pharmacy on Main Street?',
  'I ran out of my amlodipine five milligrams yesterday and my pressure is up.',
  'The doctor started me on sertraline fifty milligrams and I feel dizzy.',
  'I am calling to ask if I can take ibuprofen with my warfarin.',
  'My son needs his albuterol inhaler refilled before school starts.',
  'I take levothyroxine seventy five micrograms every morning before breakfast.',
  'Is it okay to take omeprazole twenty milligrams with my coffee?',
  'The pharmacy says my gabapentin three hundred needs a new prescription.',
  'I was prescribed amoxicillin five hundred three times a day and I have a rash.',
  'My husband is on metoprolol twenty five and his heart rate is very slow.',
  'Could the doctor switch my losartan fifty to something cheaper?',
  'I need my prednisone taper again, the cough came back.',
  'I take furosemide forty milligrams and my ankles are still swollen.',
  'Please refill my escitalopram ten milligrams, the pharmacy is closed on Sunday.',
  'My father takes apixaban five milligrams and he cut his hand.',
  'I missed two doses of my insulin glargine, what should I do?',
  'Can I get a ninety day supply of simvastatin twenty milligrams?',
  'The montelukast ten milligrams is giving my daughter bad dreams.',
  'I am out of hydrochlorothiazide twenty five and my appointment is next week.',
  'I have been taking cetirizine ten milligrams but my allergies are worse.',
  'My doctor wants me on clopidogrel seventy five after the stent.',
  'Is tramadol fifty milligrams safe with my trazodone at night?',
  'I need the azithromycin again, my sinus infection is back.',
  'She takes carvedilol twelve point five twice a day with food.',
  'The pantoprazole forty milligrams is not helping my heartburn.',
  'Can you call in fluticasone nasal spray and loratadine for my son?',
  'I was told to stop my aspirin before the colonoscopy, is that right?',
  'My glipizide five milligrams makes my sugar drop too low in the afternoon.',
];

const drugHeldOut = [
  'Good morning, I need a refill on my rosuvastatin ten milligrams please.',
  'My mother is out of her donepezil ten and she gets confused without it.',
  'I take spironolactone twenty five and my potassium was high last time.',
  'The cephalexin five hundred is making my stomach upset.',
  'Can I take acetaminophen with my oxycodone after the surgery?',
  'I need more tamsulosin point four milligrams, I take one at bedtime.',
  'My daughter needs her methylphenidate refilled, it is a controlled medication.',
  'I started duloxetine thirty milligrams and I cannot sleep.',
  'Please send my valacyclovir one gram to the pharmacy, I have a cold sore.',
  'I take bupropion one fifty in the morning and I feel jittery.',
  'My doctor said to take doxycycline one hundred twice a day for ten days.',
  'I am on allopurinol three hundred and my toe still hurts.',
  'Is it safe to take naproxen with my lisinopril?',
  'I need my budesonide inhaler and my albuterol refilled today.',
  'He takes quetiapine fifty milligrams at night and he sleeps all day.',
  'My sugar is high even with the metformin and the empagliflozin.',
  'The nitrofurantoin one hundred is for my bladder infection, I finished it yesterday.',
  'I need to know if my cyclobenzaprine ten interacts with my alprazolam.',
  'Please renew my estradiol one milligram, I only have three tablets.',
  'My son takes fluoxetine twenty and he seems more anxious.',
  'I was given ondansetron four milligrams for nausea but it is not working.',
  'I take meloxicam fifteen milligrams for my knee, can I get more?',
  'The diltiazem one twenty is making my legs swell.',
  'I need a prescription for semaglutide, the pharmacy says it expired.',
  'Can I split my atenolol fifty milligram tablets in half?',
  'My mother takes memantine and donepezil and she fell this morning.',
  'I take famotidine twenty at night and still have reflux.',
  'The clonazepam point five is not enough to help me sleep.',
  'Please refill the topiramate fifty for my migraines.',
  'I need my enoxaparin shots before my flight next week.',
];

const everydayTuning = [
  'Hi, I would like to make an appointment for a checkup next Tuesday.',
  'I fell down the stairs yesterday and my wrist is swollen.',
  'I got a bill in the mail and I think I was charged twice.',
  'Can you tell me if my blood test results came back?',
  'My daughter has had a fever since Sunday night.',
  'I need to cancel my appointment on Friday, something came up at work.',
  'The nurse said someone would call me back about my x ray.',
  'My insurance changed this month and I need to update my card.',
  'I have a sore throat and it hurts to swallow.',
  'Could I see the doctor earlier, the pain in my back is getting worse?',
  'I am calling for my father, he is very tired and not eating.',
  'Is the clinic open on the holiday next Monday?',
  'I need a letter for my employer saying I was seen last week.',
  'My son threw up three times this morning and he looks pale.',
  'I would like to speak to someone about my payment plan.',
  'I twisted my ankle playing soccer and I cannot put weight on it.',
  'Can you send my records to the new specialist across town?',
  'I have been coughing for two weeks and it is worse at night.',
  'I think I have a bladder infection, it burns when I go.',
  'I missed a call from your office this afternoon.',
  'My mother has a rash on her arms that started two days ago.',
  'I need to reschedule my physical to the end of the month.',
  'The parking lot was full so I missed my appointment, I am sorry.',
  'I have chest pain when I walk up the hill to my house.',
  'Do you have any openings for a flu shot this week?',
  'My husband hit his head on the cabinet and he has a headache.',
  'I got my lab results online but I do not understand them.',
  'I would like a referral to a dermatologist for a mole on my back.',
  'My baby has an ear infection again, she keeps pulling her ear.',
  'Can I pay my balance over the phone with a card?',
];

const everydayHeldOut = [
  'Hello, I am calling to book a follow up visit after my surgery.',
  'My grandmother slipped in the bathroom and hurt her hip.',
  'I was charged for a visit that my insurance should cover.',
  'Are my cholesterol results ready yet?',
  'I have had diarrhea for three days and I feel weak.',
  'I need to move my appointment from Wednesday to Thursday afternoon.',
  'Somebody from the office left me a message about my scan.',
  'I have a new address and a new phone number for my file.',
  'My eyes are red and itchy and there is some discharge.',
  'I have a terrible headache that will not go away.',
  'My wife is short of breath when she lies down at night.',
  'What time does the clinic close on Saturday?',
  'I need a form filled out for my daughter to play sports.',
  'My toddler has a cough and a runny nose and he is not sleeping.',
  'I would like to ask about the charges on my last statement.',
  'I cut my finger in the kitchen and it will not stop bleeding.',
  'Please fax my test results to my cardiologist.',
  'I feel dizzy when I stand up too fast.',
  'I have pain in my lower belly on the right side.',
  'I am returning a call from the nurse about my mammogram.',
  'My son has red spots on his chest and a mild fever.',
  'Can I get an earlier appointment, I am worried about my knee?',
  'I am running late, I will be there in twenty minutes.',
  'My heart feels like it is racing and skipping beats.',
  'Do I need to fast before my blood work tomorrow morning?',
  'My father fell in the garden and he cannot get up by himself.',
  'I do not understand the letter I got about my biopsy.',
  'I need a referral for physical therapy for my shoulder.',
  'My daughter has a stomach ache and she has not eaten today.',
  'I want to set up automatic payments for my bills.',
];

function sentences(kind: SentenceKind, half: CorpusHalf, texts: string[]): CorpusSentence[] {
  return texts.map((text, index) => ({ id: `${kind}-${half === 'tuning' ? 't' : 'h'}${String(index + 1).padStart(2, '0')}`, kind, half, text }));
}

/** All 120 sentences: 60 with drug names, 60 without, each half tuning and half held out. */
export const corpusSentences: readonly CorpusSentence[] = [
  ...sentences('drug', 'tuning', drugTuning),
  ...sentences('drug', 'heldOut', drugHeldOut),
  ...sentences('everyday', 'tuning', everydayTuning),
  ...sentences('everyday', 'heldOut', everydayHeldOut),
];
