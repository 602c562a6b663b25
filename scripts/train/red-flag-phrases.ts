import type { RedFlagCode } from '../../src/nlp/analysis.types.ts';

/**
 * Hand-written phrase material for the red-flag training corpus, per flag, in many voices: lay,
 * clinical, garbled, British/Australian/Indian English, third person. Written for this folder; none
 * is taken from the benchmark sets.
 *
 * - `np`: noun phrases said as a current symptom ("crushing chest pain", "a seizure"); the corpus
 *   wraps them in affirmed frames and in negated, historical, family-history and hypothetical ones.
 * - `cl`: whole clauses, present and current, with placeholders for the subject:
 *   {S} subject, {P} possessive, {be} am/is, {have} have/has, {dont} don't/doesn't, {s} verb -s,
 *   {es} verb -es, {obj} me/him/her, {self} myself/himself/herself, {was} was.
 * - `mimic`: whole sentences that sound like the flag and are not one (the hard negatives).
 */
export interface FlagPhrases {
  np: string[];
  cl: string[];
  mimic: string[];
  /** Subjects that fit (infants for infant fever); default: anyone. */
  subjects?: 'infant' | 'pregnant';
}

export const flagPhrases: Record<RedFlagCode, FlagPhrases> = {
  chest_pain: {
    np: [
      'chest pain', 'crushing chest pain', 'chest pressure', 'tightness in the chest', 'a heavy feeling in the chest', 'pain in the middle of the chest',
      'a squeezing pain in the chest', 'chest pains that go down the left arm', 'pain behind the breastbone', 'sharp pain in the chest',
      'a burning pressure in the chest', 'chest discomfort with sweating', 'pain radiating to the jaw', 'an ache in the chest that spreads to the back',
      'chest tightness', 'pressure on the chest', 'a tight band around the chest', 'angina', 'a heart attack', 'cardiac pain',
      'pain in the left side of the chest', 'chest heaviness', 'chest pain and a numb left arm', 'stabbing chest pain', 'a pain in the heart',
    ],
    cl: [
      '{P} chest hurts', '{P} chest is killing {obj}', '{P} chest feels tight', '{P} chest feels like it is being crushed', '{S} {be} clutching {P} chest',
      'it feels like an elephant is sitting on {P} chest', '{P} chest is on fire and the pain goes into {P} arm', '{S} {have} this squeezing in {P} chest',
      "{P} chest is really heavy and {S} can't get comfortable", 'there is a pressure in {P} chest that goes up to {P} jaw', '{P} chest is paining a lot',
      '{P} heart is hurting', '{S} {be} grabbing at {P} chest', '{P} left arm is numb and {P} chest feels weird', '{S} feel{s} like {S} {be} having a heart attack',
      '{P} chest is tight and {S} {be} all sweaty', 'the pain in {P} chest is going through to {P} back', '{P} breastbone is sore and heavy and it came on suddenly',
      'it is like a vice round {P} chest', '{P} chest is burning and squeezing', '{S} {have} got a tight chest and {P} arm is aching', '{P} chest went really tight when {S} climbed the stairs',
      'chess pain started just now', '{P} chest is hurting bad', 'there is a weight on {P} chest', '{P} chest feels funny and {S} {be} clammy and pale',
      'something is pressing down on {P} chest', '{P} chest has been tight for an hour', 'pain in {P} chest whenever {S} breathe{s}',
    ],
    mimic: [
      'i have a chest cold and a cough', 'just some chest congestion from this cold', 'i need my chest x ray results', 'i have heartburn after eating pizza',
      'my heartburn is acting up again after spicy food', 'she broke my heart when she left', 'i am heartbroken about my dog', 'i need to get something off my chest about the bill',
      'i bought a new chest of drawers', 'can i get a refill of my heart medication', 'i need a referral to cardiology for my checkup', 'my chest congestion is better',
      'i pulled a muscle in my shoulder at the gym', 'the cardiology office wants my records', 'my heart rate monitor needs a new battery', 'i have indigestion after dinner sometimes',
      'my chest feels fine now, just a cough', 'is my chest x-ray back yet', 'i want to schedule my stress test', 'my heart was racing during the scary movie',
      'he has a sore chest muscle from coughing all week', 'i have a rash on my chest', 'the baby has a rash on her chest', 'my heart goes out to them',
    ],
  },
  breathing_difficulty: {
    np: [
      'trouble breathing', 'shortness of breath', 'difficulty breathing', 'a hard time breathing', 'breathlessness', 'wheezing that will not stop',
      'an asthma attack', 'struggling for breath', 'gasping for air', 'laboured breathing', 'no air getting in', 'blue lips',
      'breathing problems', 'a tight chest and wheeze', 'rapid shallow breathing', 'air hunger', 'shortness of breath at rest', 'breathing trouble',
      'bad wheezing', 'severe shortness of breath',
    ],
    cl: [
      "{S} can't breathe", "{S} can't catch {P} breath", '{S} {be} gasping for air', '{S} {be} struggling to breathe', '{P} lips are turning blue',
      "{S} can't get enough air in", '{S} {be} breathing really fast and shallow', '{S} {be} wheezing and can barely talk', "{S} can't finish a sentence without stopping for air",
      '{S} feel{s} like {S} {be} suffocating', '{S} {be} so out of breath just sitting here', "{P} inhaler isn't working and {S} {be} struggling for breath",
      '{S} {be} fighting for every breath', '{P} ribs are sucking in with every breath', '{S} {be} making a grunting noise when {S} breathe{s}', '{S} {be} breathless and can hardly speak',
      "{S} can barely breathe", 'every breath is a struggle', "{S} {be} heaving for breath", "{S} can't get air", '{P} breathing is really laboured',
      '{S} {be} puffing and panting and cannot stop', '{S} {be} short of breath even lying down', '{S} {be} turning blue around the mouth', "{S} can't breed",
      '{S} {be} having a hard time getting air', '{P} breathing sounds awful, like a whistle', '{S} keep{s} gasping', '{S} feel{s} like {S} {be} drowning',
    ],
    mimic: [
      "i can't breathe through my nose with this cold", 'my nose is stuffed up', 'i need a refill on my breathing treatment', 'my cpap machine needs a new mask',
      'the view took my breath away', 'i can finally breathe a sigh of relief', 'i was out of breath after my run but i feel fine now', 'i need my inhaler refilled before it runs out',
      'she has a stuffy nose', 'can i schedule my pulmonary function test', 'i breathe fine, it is just a cough', 'my asthma is well controlled, i just need the refill',
      'i am calling about my sleep apnea study results', 'give me a breather on the payment plan', 'i held my breath waiting for the results', 'i have a runny nose and sneezing',
      'my breathing test is next week', 'he snores loudly at night', 'breathing is normal, he just has a rash', 'i need a spacer for my inhaler',
    ],
  },
  stroke_signs: {
    np: [
      'a stroke', 'slurred speech', 'a drooping face', 'weakness on one side', 'numbness down one side', 'facial droop', 'a mini stroke',
      'sudden confusion and trouble speaking', 'trouble speaking', 'one sided weakness', 'sudden loss of vision in one eye', 'a lopsided smile',
      'stroke symptoms', 'a tia', 'garbled speech', 'sudden numbness in the face', 'a crooked face', 'arm weakness and slurring',
    ],
    cl: [
      '{P} face is drooping on one side', '{P} speech is slurred', "{S} can't lift {P} right arm", '{P} smile is crooked all of a sudden', '{S} {be} talking gibberish',
      '{P} words are coming out all wrong', '{P} left side is numb', "{S} can't move {P} arm or leg on the left", '{P} mouth is pulled down on one side',
      "{S} can't find {P} words and {P} face looks droopy", '{S} {be} slurring {P} words like {S} {be} drunk but {S} {have} not had a drink', '{P} arm just went dead',
      '{S} {be} dragging {P} leg', "{S} can't grip anything with {P} right hand", '{P} face went lopsided', '{S} suddenly lost the sight in one eye',
      "{S} can't speak properly", '{P} speech is all jumbled', "{S} {be} not making any sense and {P} face is hanging", 'half of {P} face is numb',
      '{P} arm is weak and floppy', '{S} {be} having a stroke i think', "{S} can't get the words out", '{P} eye and mouth are drooping',
      '{S} suddenly {be} confused and {P} speech is thick', '{P} face dropped on one side', "{S} {be} slurry and can't stand straight", '{S} {be} losing feeling in {P} leg and arm',
    ],
    mimic: [
      'i had heat stroke at the beach, i feel fine now', 'it was a stroke of luck that i got the appointment', 'i swim backstroke every morning', 'i need a refill of my blood thinner to prevent stroke',
      'i want to sign up for the stroke prevention class', 'can i get a referral to the stroke clinic for my follow up', 'the painter used broad brush strokes', 'my speech therapy appointment needs to move',
      'my foot fell asleep while sitting', 'my hand is numb when i wake up but it goes away', 'i talk funny when i am tired, that is normal for me', 'he has a lazy eye since childhood',
      'my face is puffy from allergies', 'i want to know my stroke risk', 'the neurologist is a stroke specialist', 'my face is sunburned',
      'my toes tingle in the cold', 'i am slurring my words because i just had dental work and i am numb', 'stroke awareness month is in may', 'my arm is sore from the flu shot',
    ],
  },
  suicidal_ideation: {
    np: [
      'thoughts of suicide', 'suicidal thoughts', 'thoughts of killing myself', 'a plan to end my life', 'thoughts of ending it all', 'suicidal feelings',
      'urges to hurt myself', 'thoughts of self harm', 'a suicide plan', 'thoughts about dying', 'the urge to end things',
    ],
    cl: [
      '{S} {be} going to kill {self}', '{S} want{s} to die', '{S} {dont} want to be here anymore', 'everyone would be better off without {obj}',
      '{S} {be} thinking about ending it all', '{S} {have} been saving up {P} pills to take them all', "{S} can't go on like this anymore", '{S} {have} a gun and {S} {be} thinking of using it on {self}',
      '{S} want{s} to end {P} life', '{S} said goodbye to everyone and gave away {P} things', '{S} wish{es} {S} could go to sleep and never wake up', '{S} {be} going to jump off the bridge',
      '{S} keep{s} thinking about taking {P} own life', '{S} {have} been cutting {self} again', "there's no point in living anymore", '{S} {be} suicidal',
      '{S} just want{s} it all to stop for good', '{S} wrote a note and said {S} {be} done with life', "{S} {dont} see a reason to keep going", '{S} {be} planning to overdose on purpose',
      '{S} told {obj} {S} want{s} to kill {self}', 'i feel like ending my life tonight', 'i have had enough of life and want to end it', '{S} {be} talking about not wanting to wake up',
      '{S} {have} the rope ready', 'i just want to disappear forever and not exist', '{S} keep{s} saying {S} would be better off dead', 'i am thinking of harming myself tonight',
    ],
    mimic: [
      'this headache is killing me', 'my back is killing me', 'i am dying to know my test results', 'i could kill for a cup of coffee',
      'my phone died during the last call', 'the deadline is killing me at work', 'i was bored to death in the waiting room', 'i nearly died laughing at the show',
      'my plants died while i was away', 'i would kill to get an earlier appointment', 'i am dead tired after work', 'my car battery died this morning',
      'i need a refill of my antidepressant', 'i want to schedule with my therapist', 'my mood has been okay, i just need the refill', 'i am so done with this insurance company',
      'he said the exam was murder', 'i am feeling much better since starting the medication', 'i need my mental health records sent over', 'i feel stressed about money but i am safe',
    ],
  },
  severe_bleeding: {
    np: [
      'heavy bleeding', 'bleeding that will not stop', 'uncontrolled bleeding', 'a lot of blood', 'blood everywhere', 'a deep cut that keeps bleeding',
      'vomiting blood', 'blood in the vomit', 'black tarry stools', 'coughing up blood', 'massive bleeding', 'a gushing wound', 'a nosebleed that will not stop',
      'bleeding through the bandages', 'rectal bleeding with clots', 'spurting blood',
    ],
    cl: [
      "{S} {be} bleeding and it won't stop", '{S} {be} bleeding through every towel', 'blood is pouring out of the cut', "the bleeding hasn't slowed down in an hour",
      "{S} {be} throwing up blood", "{S} {be} coughing up blood", "{P} nose has been pouring blood for forty minutes", 'blood is spurting out of {P} leg',
      "{S} cut {P} hand really deep and it won't stop bleeding", "{S} {be} soaking through a pad every hour", "{S} {be} passing big clots", '{S} {be} losing a lot of blood',
      "there's a pool of blood on the floor", "{P} poop is black and tarry", "{S} {be} bleeding like crazy", "{P} wound is gushing",
      "{S} {be} bleeding heavily from down below", "{S} {have} gone through three towels already", "the blood is dripping everywhere", "{S} {be} bleeding badly and feel{s} faint",
      "the cut is deep and the blood won't clot", "{S} {be} vomiting what looks like coffee grounds", "{S} {be} haemorrhaging", "it's bleeding so much",
      '{S} {be} bleeding a lot from the head', 'the bandage is soaked through with blood', "{S} {be} on blood thinners and the bleeding won't stop",
    ],
    mimic: [
      'my gums bleed a little when i brush', 'i had a small nosebleed that stopped right away', 'i am bleeding a bit where they drew blood', 'i need my blood test results',
      'can i get a refill of my blood pressure medicine', 'i want to schedule my blood work', 'my period is a little heavier than usual this month', 'i nicked myself shaving, it stopped already',
      'my paper cut is bleeding a tiny bit', 'i donated blood yesterday and i feel fine', 'the blood draw site has a bruise', 'is the blood sugar reading normal',
      'my blood type is o negative', 'he scraped his knee and we put a band aid on it', 'a little spotting between periods, not heavy', 'the bill for my blood work is wrong',
      'the lab needs another blood sample', 'my blood pressure cuff is broken', 'the bleeding stopped after i pressed on it', 'a small cut on my finger, it is fine',
    ],
  },
  anaphylaxis: {
    np: [
      'an allergic reaction with a swollen throat', 'anaphylaxis', 'a severe allergic reaction', 'throat swelling', 'swelling of the lips and tongue', 'hives and trouble swallowing',
      'an anaphylactic reaction', 'a swollen tongue', 'a closing throat', 'facial swelling after a bee sting', 'hives all over and a tight throat',
    ],
    cl: [
      '{P} throat is closing up', '{P} lips and tongue are swelling', '{S} ate peanuts and {P} throat feels tight', '{S} got stung and {P} face is swelling up',
      '{S} just used {P} epipen', '{P} tongue feels thick and {S} {be} wheezing', "{S} {be} covered in hives and can't swallow", '{P} throat feels like it is swelling shut',
      '{S} {be} having an allergic reaction and {P} lips are huge', '{P} face blew up after the new antibiotic', "{S} can't swallow and {P} voice sounds funny after eating shrimp",
      '{S} {be} going into anaphylactic shock', '{P} eyes are swollen shut and {S} {be} itchy everywhere', '{S} {be} breaking out in welts and feel{s} dizzy',
      'we had to give {obj} the epi pen', '{P} tongue is swelling', '{P} throat is getting tight after the bee sting', "{S} {be} allergic to nuts and ate one and now {P} mouth is swelling",
      '{P} lips blew up like balloons', '{P} throat is itchy and closing', '{S} {be} having anaphylaxis',
    ],
    mimic: [
      'i need a refill of my epipen', 'my seasonal allergies are bad this week', 'i want to schedule my allergy shots', 'i am allergic to penicillin, please note that in my chart',
      'my eyes are puffy from hay fever', 'i have a mild rash on my arm', 'my epipen expires next month', 'i need an allergy test referral',
      'my nose is itchy and runny', 'i need a new prescription for my allergy pills', 'the school needs a form for his epipen', 'my lips are chapped from the cold',
      'a mosquito bite on my leg is itchy', 'i have a sore throat from the cold', 'my allergies are acting up with the pollen', 'she has eczema on her elbows',
      'my throat is a little scratchy in the morning', 'i have a food allergy form to fill out', 'my face is red from the sun', 'the allergist moved my appointment',
    ],
  },
  loss_of_consciousness: {
    np: [
      'a blackout', 'a fainting spell', 'loss of consciousness', 'a collapse', 'a faint', 'unresponsiveness', 'passing out', 'a syncope episode',
    ],
    cl: [
      '{S} passed out', '{S} just fainted', '{S} collapsed on the floor', "{S} {be} not responding", "{S} won't wake up", '{S} blacked out in the kitchen',
      '{S} {be} unconscious', '{S} keel{s} over', '{S} went limp and dropped', "{S} {be} out cold", "we can't wake {obj} up", '{S} dropped to the ground and was not moving',
      '{S} fell down and is not answering', '{S} keep{s} passing out', '{S} went down and {be} not breathing right', '{S} {be} in and out of consciousness',
      '{S} came to on the bathroom floor', '{S} fainted twice this morning', '{S} just slumped over at the table', '{S} {be} floppy and not responding',
      '{S} went grey and collapsed', '{S} {be} not waking up properly', "{S} {be} unresponsive", '{S} fell unconscious', '{S} blanked out and hit the floor',
      '{S} {have} fainted and {be} still not with it', '{S} past out at work', '{S} lost consciousness for a minute',
    ],
    mimic: [
      'my phone keeps blacking out', 'i passed the test with good marks', 'i knocked out the whole project today', 'i am dead tired after my shift',
      'i fell asleep on the couch watching tv', 'he is not answering his phone', 'the power blacked out last night', 'i passed my driving test',
      'i need a sleep study referral', 'i got a little dizzy when i stood up too fast but i am fine', 'i zoned out in the meeting', 'he is out cold after the long trip, just sleeping',
      'the baby is sleeping soundly', 'i have trouble sleeping at night', 'he passed the kidney stone yesterday', 'the faint line on the pregnancy test',
      'she did not answer the door', 'i feel a bit tired this week', 'my watch went blank', 'the lights went out at the office',
    ],
  },
  seizure: {
    np: [
      'a seizure', 'a fit', 'convulsions', 'a grand mal seizure', 'jerking movements and foaming at the mouth', 'an epileptic fit', 'a convulsion',
      'seizure activity', 'a febrile seizure', 'shaking all over and not responding',
    ],
    cl: [
      '{S} {be} having a seizure', '{S} {be} shaking all over and not responding', '{P} eyes rolled back and {S} started jerking', '{S} {be} convulsing',
      '{S} {be} fitting', '{P} whole body went stiff and shook', '{S} {be} foaming at the mouth and twitching', '{S} had a seizure a few minutes ago',
      "{S} {be} jerking and won't stop", '{P} arms and legs are jerking', '{S} just had a fit', '{S} {be} seizing', "{S} {be} having convulsions and can't hear me",
      '{S} started shaking and {P} eyes rolled up', '{S} {be} having another seizure right now', '{S} {be} having a sea sure', '{S} {be} twitching and staring and not answering',
      '{S} keep{s} having seizures today', '{S} had a fit and bit {P} tongue', '{S} {be} stiff and jerking on the floor',
    ],
    mimic: [
      'i need a refill of my seizure medication', 'i have been seizure free for two years', 'my car engine seized up', 'the police seized the car',
      'seize the day', 'my muscles cramp at night', 'my eye twitches when i am tired', 'i need my epilepsy clinic appointment moved',
      'i want to renew my keppra prescription', 'he shivers when he is cold', 'my neurologist needs my seizure diary', 'my leg twitches sometimes when i fall asleep',
      'i need a driving form signed for my epilepsy', 'my seizure meds are too expensive', 'she was fidgeting all day', 'i get the shakes when i skip breakfast, it passes',
      'the dog had a fit of barking', 'my hands shake a little with coffee', 'i want to ask about the seizure precautions form', 'he threw a fit about bedtime',
    ],
  },
  overdose_poisoning: {
    np: [
      'an overdose', 'an accidental overdose', 'poisoning', 'an overdose of pills', 'a drug overdose', 'bleach poisoning', 'an opioid overdose',
      'swallowed chemicals', 'a tylenol overdose',
    ],
    cl: [
      '{S} took a whole bottle of pills', '{S} swallowed a handful of {P} sleeping pills', '{S} drank bleach', '{S} got into the cleaning cabinet and drank something',
      '{S} took too many of {P} pain pills', '{S} overdosed', '{S} took all of {P} xanax with vodka', '{S} ate some of grandma\'s heart pills',
      '{S} swallowed a battery', '{S} drank antifreeze', '{S} took twenty tylenol', '{S} mixed {P} pills with a lot of alcohol', '{S} accidentally took a double dose of {P} insulin',
      '{S} swallowed a laundry pod', '{S} od\'d on heroin', '{S} took way more than {S} {be} supposed to', '{S} found {P} oxy pills and took a bunch',
      '{S} chugged a bottle of cough syrup', '{S} took an entire pack of paracetamol', '{S} {have} taken the wrong medicine by mistake', '{S} injected too much insulin',
      'i think {S} overdosed on fentanyl', '{S} took a bunch of pills on purpose', '{S} swallowed some weed killer', '{S} drank the paint thinner',
    ],
    mimic: [
      'i have food poisoning from bad sushi', 'i took my meds this morning as usual', 'my bill is overdue', 'can you double check my dose',
      'how much tylenol can i take in a day', 'i need a refill on my pain pills', 'i took my blood pressure pill twice a day like the doctor said', 'i need the poison control number for my fridge',
      'i want to schedule my medication review', 'the dose was changed last month', 'i forgot to take my pill yesterday', 'i take two tablets every morning',
      'my kid ate some crayons, they are non toxic', 'is it ok to take ibuprofen with my antibiotic', 'my prescription says take one daily', 'i took a sleeping pill last night and slept well',
      'i drank too much coffee today', 'i need my naloxone kit refilled', 'the pharmacy gave me the generic', 'i ate too much at dinner',
    ],
  },
  severe_headache: {
    np: [
      'the worst headache of my life', 'a thunderclap headache', 'a sudden severe headache', 'a splitting headache with a stiff neck', 'an excruciating headache',
      'a blinding headache', 'a headache with vomiting and confusion', 'a sudden explosive headache', 'a headache ten out of ten', 'the worst migraine ever',
      'a headache that came on like a thunderclap', 'a terrible headache and a stiff neck',
    ],
    cl: [
      '{P} head is about to explode', "{S} {have} the worst headache {S} {have} ever had", '{P} head hurts so bad {S} {be} throwing up', 'it feels like someone hit {obj} in the head with a hammer',
      "{S} {have} a headache and {P} neck is stiff and the light hurts", "{P} headache came on all of a sudden and it's unbearable", '{P} head is pounding like never before',
      "{S} {have} never had a headache this bad", '{S} {be} clutching {P} head and crying', "{P} head is killing {obj} and {S} {be} confused", 'the pain in {P} head is ten out of ten',
      '{S} got a sudden headache like a thunderclap', '{P} migraine is worse than ever and {S} can\'t see straight', '{P} head is splitting and {S} keep{s} vomiting',
      "{S} {have} got a blinding headache that won't go", 'the headache woke {obj} up and it is excruciating', '{P} head pain is unbearable', '{S} {have} a massive headache out of nowhere',
    ],
    mimic: [
      'i have a mild headache from not drinking enough water', 'i get tension headaches at work', 'i need a refill of my migraine medication', 'my boss is a real headache',
      'i had a headache but advil fixed it', 'this insurance mess is a headache', 'i have a slight headache from the sun', 'my usual migraine, nothing new, just need my sumatriptan',
      'my head is fine, i just need the referral', 'i have a little headache and a runny nose', 'a small headache after my long drive', 'i want to see the neurologist about my migraines next month',
      'i get a headache when i skip coffee', 'my kid says his head hurts a little after school', 'the headache went away after a nap', 'i have a dull ache from my glasses',
    ],
  },
  infant_fever: {
    np: [
      'a fever', 'a temperature of 101', 'a high temperature', 'a fever of 38.5', 'a temp of 100.8', 'a fever of 102',
    ],
    cl: [
      '{S} {have} a fever of 101', '{S} feel{s} really hot and the thermometer says 100.6', '{S} {be} burning up', '{S} {have} a temperature of 38.4',
      '{S} {be} running a fever', '{S} {have} a temp of 102 and {be} not feeding', '{S} {be} febrile', '{S} {be} hot to the touch and the reading is 100.9',
      '{P} temperature is 101.3', '{S} {have} been feverish all night', "{S} {be} warm and {P} temp is 38 point 6", '{S} spiked a fever',
    ],
    mimic: [
      'my five year old has a fever of 101', 'my toddler has a low fever and is playing fine', 'we are planning a baby shower', 'the baby needs her two month shots scheduled',
      'my baby is fine, temperature 98.6', 'my teenager has a fever and a sore throat', 'i need a form for my baby\'s daycare', 'my baby has a little diaper rash',
      'the newborn checkup is on friday', 'my 8 year old has had a fever for a day, he is eating fine', 'my baby feels warm but the thermometer says 98.4', 'i want to book a well baby visit',
    ],
    subjects: 'infant',
  },
  pregnancy_emergency: {
    np: [
      'bleeding while pregnant', 'heavy bleeding at 30 weeks pregnant', 'leaking fluid at 34 weeks', 'severe cramping while pregnant', 'decreased fetal movement',
      'preeclampsia', 'an ectopic pregnancy', 'a placental abruption', 'contractions at 28 weeks',
    ],
    cl: [
      "{S} {be} 32 weeks pregnant and bleeding", "{S} {be} pregnant and {P} water just broke", "{S} {be} 30 weeks and the baby hasn't moved all day",
      "{S} {be} pregnant and {S} {have} a terrible headache and blurry vision", "{S} {be} pregnant and {S} {be} bleeding heavily", "{S} {be} 26 weeks along and having contractions",
      "{S} {be} expecting and {S} fell down the stairs", "{S} {be} pregnant and {S} {have} sharp pain on one side", "the baby stopped kicking and {S} {be} 36 weeks",
      "{S} {be} pregnant and leaking fluid", "{S} {be} 20 weeks pregnant and spotting with cramps", "{S} {be} pregnant and {P} face and hands are really swollen",
      "{S} {be} 34 weeks and {P} blood pressure is high and {S} see{s} spots", "{S} {be} 8 weeks pregnant with bad pain on the right and bleeding", "{S} {be} pregnant and {S} {have} not felt the baby move since yesterday",
      "{S} {be} 38 weeks and there is a gush of fluid", "{S} {be} pregnant and {S} passed out",
    ],
    mimic: [
      'i need my pregnancy test results', 'can i get a refill of my prenatal vitamins', 'i want to schedule my first ultrasound', 'i have mild morning sickness',
      'i am 20 weeks pregnant and everything is fine, just need a note for work', 'i want to book my glucose test', 'my wife is pregnant and we want to register at the hospital', 'i am trying to get pregnant',
      'the baby kicks a lot at night', 'i need a form for maternity leave', 'i am pregnant and need to know which cold medicine is safe', 'i need my ob records sent over',
      'my pregnancy has been going well', 'i want to ask about the birth plan', 'i am 12 weeks pregnant, when is my next appointment', 'my sister is pregnant and we are so happy',
    ],
    subjects: 'pregnant',
  },
  severe_abdominal_pain: {
    np: [
      'severe abdominal pain', 'excruciating stomach pain', 'sharp pain in the lower right belly', 'unbearable belly pain', 'a rigid swollen belly', 'terrible stomach pain',
      'stabbing pain in the stomach', 'appendicitis', 'intense abdominal cramps', 'the worst stomach pain', 'a rock hard belly with pain',
    ],
    cl: [
      '{P} stomach hurts so bad {S} can\'t stand up', '{S} {be} doubled over with belly pain', '{P} belly is rock hard and really painful', 'the pain in {P} lower right side is unbearable',
      '{P} tummy is killing {obj}', "{S} {have} got a stabbing pain in {P} gut", '{P} abdomen is rigid and {S} {be} vomiting', "{S} can't straighten up because of the pain in {P} belly",
      '{S} {be} curled up in a ball with stomach pain', '{P} stomach pain is ten out of ten', 'the pain in {P} belly moved to the right side and is getting worse', '{S} {be} screaming with tummy pain',
      '{P} stomach is swollen and hurts like crazy', '{S} {have} horrible cramping in {P} abdomen', '{P} belly pain is excruciating', 'the pain in {P} stomach is the worst {S} {have} ever felt',
    ],
    mimic: [
      'i have a little stomach ache after lunch', 'i had a stomach bug last week and i am better now', 'i have an upset stomach from the antibiotic', 'i laughed so hard my belly hurt',
      'i have butterflies in my stomach before the test', 'i need a refill of my acid reflux medicine', 'my stomach is growling', 'i want to schedule my colonoscopy',
      'i have mild cramps from my period', 'my belly button piercing is a bit sore', 'my tummy is a bit off today', 'i need my gi referral sent over',
      'i get bloated after dairy', 'the stomach flu is going around school', 'my stomach is fine now', 'i have a small hernia that the surgeon is watching',
    ],
  },
  head_injury: {
    np: [
      'a head injury', 'a concussion', 'a bad knock to the head', 'a blow to the head', 'a head injury with vomiting',
    ],
    cl: [
      '{S} hit {P} head and {be} throwing up', '{S} fell and hit {P} head and now {S} {be} confused', '{S} banged {P} head and passed out', '{S} hit {P} head on the concrete and {be} drowsy',
      '{S} fell off the ladder onto {P} head', '{S} hit {P} head and {be} on blood thinners', '{S} knocked {P} head hard and keep{s} vomiting', '{S} got hit in the head with a bat and {be} acting strange',
      '{S} fell down the stairs and hit {P} head and won\'t wake up properly', '{S} smacked {P} head and {P} vision is blurry', '{S} hit {P} head and there is blood coming from {P} ear',
      '{S} bumped {P} head hard and now {S} {be} really sleepy and confused', '{S} {have} a concussion and keep{s} throwing up', '{S} fell off {P} bike with no helmet and hit {P} head',
      '{S} slipped on the ice and cracked {P} head', '{S} took a hit to the head in football and {be} dizzy and confused',
    ],
    mimic: [
      'i need to head over to the pharmacy', 'heads up, i will be late', 'i hit my head on the cabinet but i feel totally fine', 'i need my concussion form signed for school',
      'my head is full of questions about the bill', 'i am heading out of town next week', 'he is the head of the department', 'i need a refill of my head lice shampoo',
      'she has a cold in her head', 'i need the head ct results', 'i keep my head down at work', 'i am in over my head with this paperwork',
    ],
  },
  sepsis_signs: {
    np: [
      'sepsis', 'septic shock', 'a spreading infection with fever and confusion', 'a high fever with a racing heart', 'fever with mottled skin', 'signs of sepsis',
      'a fever and low blood pressure', 'an infection with chills and confusion',
    ],
    cl: [
      '{S} {have} a fever and {be} confused and clammy', '{P} wound is red and oozing and {S} {have} a high fever and shaking chills', '{S} {be} burning up and {P} heart is racing',
      '{S} {have} a fever and {P} skin is blotchy and cold', '{S} {have} a urinary infection and now {S} {be} confused and shivering', '{S} {have} a fever and {S} {have} not peed all day',
      '{S} had surgery last week and now {S} {have} a fever and feel{s} like {S} {be} dying', '{S} {have} pneumonia and {be} barely responding', '{S} {have} a fever of 103 and {be} so weak {S} can\'t stand',
      '{P} infection is spreading up {P} leg and {S} {have} chills', '{S} {be} shaking with fever and {P} blood pressure is low', '{S} {have} a temperature and {be} not making sense',
      '{S} {have} chills and {P} heart is pounding and {S} {be} really drowsy', '{S} {have} a fever and {P} skin looks mottled', '{S} {be} feverish and breathing fast and really out of it',
    ],
    mimic: [
      'the septic tank needs pumping', 'i had a fever last week and it is gone now', 'i have a low grade fever and i feel okay', 'i need my antibiotic refilled for my uti',
      'i have a cold with a little fever', 'my infection is healing well', 'i get cold sweats after the gym', 'i want to schedule my flu shot',
      'my tooth is infected and i need a dentist referral', 'my heart races when i drink coffee', 'i feel a bit run down', 'my wound looks better today',
    ],
  },
};

/** A second voice: more lay, regional and indirect wording per flag, merged into `flagPhrases`. */
const moreClauses: Record<RedFlagCode, string[]> = {
  chest_pain: [
    "{S} {have} a pain in {P} chest like a tight belt", '{P} chest has gone all tight and heavy', "{S} {be} getting a crushing feeling behind {P} ribs", '{P} chest feels like it is in a clamp',
    "{S} {have} had a dull ache in the centre of {P} chest and {S} {be} sweating buckets", 'the pain in {P} chest is spreading to {P} neck and shoulder', '{S} {have} got a bad pain in the chest area',
    "{S} said {P} chest feels like it is being squashed", 'heavy pressure right on {P} sternum', '{S} {have} chest pains and feel{s} sick and dizzy',
  ],
  breathing_difficulty: [
    "{S} {be} really struggling to get {P} breath", "{S} can't breath properly", "{S} {be} panting and can't get a word out", '{S} {be} wheezing badly and using {P} inhaler every few minutes',
    "{P} chest is rattling and {S} can't get air", "{S} sound{s} like {S} {be} choking on air", "{S} {be} breathing like a fish out of water", "{S} {be} so short of breath {S} can't walk across the room",
    "{S} can't get {P} breath back", "{S} {be} gulping for air",
  ],
  stroke_signs: [
    "{S} {be} suddenly talking nonsense and {P} arm is heavy", "{P} face has gone droopy and {S} {be} dribbling", "{S} can't lift {P} arm above {P} head and {P} speech is off",
    "{S} woke up and {P} face was sagging on the left", "{S} {be} mumbling and one side of {P} face is dead", "{S} suddenly can't walk straight and is slurring",
    "{P} hand went numb and {S} can't talk right", "{S} {be} confused and {P} mouth is twisted", "{S} {have} sudden weakness in {P} leg and arm on the same side",
  ],
  suicidal_ideation: [
    "{S} {be} going to end it tonight", "{S} {have} been thinking everyone would be happier if {S} {was} gone", "{S} {dont} want to live anymore", "{S} {have} pills saved up to end it",
    "{S} said {S} {be} going to hang {self}", "{S} {have} a plan to kill {self}", "{S} {be} ready to give up on life", "{S} {be} having thoughts of hurting {self}",
    "{S} keep{s} saying {S} wish{es} {S} {was} dead", "i feel like there is no way out except dying",
  ],
  severe_bleeding: [
    "{S} {be} bleeding like a stuck pig", "there's blood all over the bathroom and it won't stop", "{S} sliced {P} arm open and it's pumping blood",
    "{S} {have} been bleeding heavily for hours", "{P} nose won't stop pouring blood", "{S} {be} throwing up bright red blood", "{S} {be} losing loads of blood",
    "{S} {be} bleeding through {P} clothes", "{P} stitches burst and it's bleeding everywhere",
  ],
  anaphylaxis: [
    "{P} throat is tightening after eating the nuts", "{P} face and lips are blowing up after the bee sting", "{S} {be} swelling up all over and struggling to swallow",
    "{P} tongue is huge and {S} can barely talk", "{S} {be} having a really bad reaction to the shrimp and {P} throat is closing", "{S} used {P} epi pen but {S} {be} still swelling",
    "{P} lips went huge after the new tablets", "{S} {be} covered in welts and {P} throat feels thick",
  ],
  loss_of_consciousness: [
    "{S} went out like a light and won't come round", "{S} just dropped and {be} not waking", "{S} {be} out of it and won't respond to {P} name", "{S} fainted and hit the floor",
    "{S} collapsed in the shower", "{S} {be} not coming round", "{S} keeled over at the dinner table", "{S} {be} completely unresponsive", "{S} fell over and is not responding to me",
  ],
  seizure: [
    "{S} {be} having a fit and jerking all over", "{S} {be} thrashing around and {P} eyes are rolled back", "{S} went stiff and started shaking and won't stop",
    "{S} {be} having convulsions", "{S} {be} fitting on the floor", "{S} had a seizure and is still not with it", "{S} {be} twitching all over and foaming",
    "{S} started seizing in the car", "{S} {be} shaking uncontrollably and not answering",
  ],
  overdose_poisoning: [
    "{S} necked a whole packet of paracetamol", "{S} took {P} whole prescription at once", "{S} {have} swallowed some bleach", "{S} drank some cleaning fluid by accident",
    "{S} took loads of pills with wine", "{S} ate a bunch of {P} nan's tablets", "{S} overdosed on {P} meds", "{S} took about thirty pills", "the toddler got into the medicine cabinet and ate the pills",
  ],
  severe_headache: [
    "{S} {have} the most horrendous headache and {P} neck is stiff", "{P} head is pounding and {S} {be} being sick", "{S} {have} a headache that came out of nowhere like a bang",
    "{P} head feels like it is going to burst", "{S} {have} the worst head pain {S} {have} ever had", "{S} {have} a horrendous headache and can't stand the light",
    "{S} said {P} head is exploding", "{S} {have} an awful headache and {be} confused",
  ],
  infant_fever: [
    "{S} {have} a high temp of 38.9", "{S} {be} red hot and the thermometer says 101.2", "{S} {have} a temperature of 39", "{S} {be} feverish and floppy",
    "{S} {have} a fever and won't feed", "{S} {have} been running a temperature since last night",
  ],
  pregnancy_emergency: [
    "{S} {be} 29 weeks pregnant and bleeding a lot", "{S} {be} pregnant and the baby has stopped moving", "{S} {be} 35 weeks and {P} waters have gone",
    "{S} {be} pregnant and {S} {have} terrible pain in {P} belly", "{S} {be} 31 weeks and having regular contractions", "{S} {be} pregnant and bleeding bright red blood",
    "{S} {be} pregnant and {S} {have} a bad headache with flashing lights",
  ],
  severe_abdominal_pain: [
    "{S} {be} in agony with {P} stomach", "{P} tummy hurts so much {S} {be} screaming", "{S} {have} a terrible pain low down on the right side of {P} belly",
    "{S} can't move because of the pain in {P} abdomen", "{P} stomach is agony and {S} {be} being sick", "{S} {have} got a pain in {P} belly like a knife",
    "{P} belly is swollen and agony to touch", "the stomach pain is so bad {S} {be} rolling on the floor",
  ],
  head_injury: [
    "{S} smashed {P} head on the pavement and {be} confused", "{S} fell and whacked {P} head and {be} being sick", "{S} took a nasty knock to the head and {be} drowsy",
    "{S} hit {P} head and {be} not making sense", "{S} fell down the stairs and banged {P} head and {be} vomiting", "{S} {have} a big lump on {P} head and keep{s} being sick",
  ],
  sepsis_signs: [
    "{S} {have} a high fever and {be} all mottled and cold", "{S} {have} an infection and now {S} {be} really confused and clammy", "{S} {be} burning up and shaking and {P} skin looks grey",
    "{S} {have} a fever and {P} heart is racing and {S} {be} breathing fast", "{P} wound is infected and {S} {have} a fever and feel{s} like {S} {be} going to die",
    "{S} {have} a temperature and {be} barely awake",
  ],
};
for (const code of Object.keys(moreClauses) as RedFlagCode[]) flagPhrases[code].cl.push(...moreClauses[code]);

/** Hard negatives that need a generator: fevers in older children and adults, medicines taken as prescribed. */
export const extraNegatives: string[] = [
  ...['my 6 month old', 'my 9 month old', 'my 2 year old', 'my toddler', 'my 4 year old', 'my ten year old', 'my teenager', 'my husband', 'my 8 month old', 'my 18 month old', 'my 3 year old']
    .flatMap((who) => [`${who} has a fever of 101`, `${who} is running a temperature`, `${who} feels hot and has a temp of 100.9`, `${who} has had a fever since yesterday`]),
  'my baby feels warm after her bath', 'my 5 week old feels warm but her temperature is 99.1', 'the baby feels a bit warm, the thermometer says 98.7', 'what temperature counts as a fever in a baby',
  'my newborn is warm from the blanket but the temp is normal', 'how do i take my baby\'s temperature',
  'i take my insulin twice a day', 'i took my pills this morning', 'she takes her seizure meds every day', 'i take two tablets at night', 'he takes his blood thinner every evening',
  'i took my metformin with dinner', 'i take 20 units of insulin at bedtime', 'i took a tylenol for my back', 'i took two advil for my knee', 'i use my inhaler twice a day',
  'my mom takes her heart pills in the morning', 'i took my antibiotic as prescribed', 'i double checked my pill box', 'i take my medicine with food',
  'i get a bit breathless climbing hills, it is normal for me', 'i am a little dizzy when i stand up fast', 'i feel faint when i see blood, always have',
  'my chest x-ray came back clear', 'my ecg was normal', 'he had a fall last month and is fine', 'she bumped her knee', 'i cut my finger cooking, it is fine now',
];

/** Call chatter with no clinical content: greetings, identity checks, spelling, numbers, sign-offs. */
export const chatter: string[] = [
  'thank you for calling oak street clinic, this is maria, how can i help you', 'can i have your name please', 'can you spell the last name for me', 'and your date of birth',
  'okay let me pull up your chart', 'bear with me one second', 'are you still there', 'sorry, you broke up a little', 'can you repeat that', 'got it, thank you',
  'and what is the best number to reach you', 'is this still your address', 'perfect, i have you here', 'let me put you on a brief hold', 'thanks so much for holding',
  'okay bye now', 'you have a good one', 'no problem at all', 'and please call me back at the number on file', 'oh and one more thing', 'also', 'and then',
  'the best time to call is after three', 'i am at work until five', 'my cell is the best number', 'it is spelled with two ls', 'that is correct', 'yes that is right',
  'hold on let me get a pen', 'my husband usually handles this', 'i am calling on behalf of my father', 'i have his permission to talk about it', 'i will be here all afternoon',
  'i am not sure i have the right department', 'who am i speaking with', 'is the doctor in today', 'can you transfer me', 'i got a letter in the mail', 'thanks so much',
  'how are you today', 'good morning', 'hi there thanks for picking up', 'have a good day', 'alright take care', 'i appreciate it', 'much appreciated', 'thank you very much',
  'that would be great', 'sounds good', 'sure', 'sure thing', 'sure, one second', "i don't drive anymore", 'i am ninety two', 'i will wait for the call', 'and the last four of my social', 'my member id starts with', 'the account number is on the statement',
];
const spokenNumbers = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'oh', 'zero', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'hundred', 'nineteen', 'eighty', 'twelve', 'fifteen'];
const months = ['january', 'march', 'may', 'june', 'august', 'october', 'december'];

/** Spoken numbers, dates and spellings as they come up in calls (dates of birth, phone numbers, IDs). */
export function spokenChatter(r: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => pick(spokenNumbers)).join(' ');
  switch (Math.floor(r() * 6)) {
    case 0: return `my date of birth is ${pick(months)} ${pick(['third', 'eighth', 'twenty first', 'fifteenth', 'thirtieth'])} nineteen ${pick(['eighty', 'seventy', 'sixty', 'ninety'])} ${pick(spokenNumbers)}`;
    case 1: return `my number is ${digits(3)} ${digits(3)} ${digits(4)}`;
    case 2: return `it's ${Array.from({ length: 5 + Math.floor(r() * 4) }, () => pick('abcdefghijklmnoprstuvwy'.split(''))).join(' ')}`;
    case 3: return `the member id is ${digits(6)}`;
    case 4: return `i was born in ${pick(['nineteen', 'two thousand'])} ${digits(2)} and i'm ${pick(['thirty', 'forty', 'fifty', 'sixty', 'twenty'])} ${pick(spokenNumbers)}`;
    default: return `${digits(2)} ${pick(['twenty twenty', 'twenty twenty four', 'twenty nineteen'])}`;
  }
}

const pregnantIntros = ['i am 20 weeks pregnant', "i'm 12 weeks pregnant", 'my wife is pregnant', "i'm expecting", 'i am 34 weeks along', 'she is 28 weeks pregnant', 'i am pregnant with twins', "i'm 8 weeks pregnant", 'my daughter is 30 weeks pregnant', 'i am 38 weeks'];
const pregnantRoutine = [
  'want to book my scan', 'need my prenatal vitamins refilled', 'want to know if i can take tylenol', 'have a bit of heartburn', 'need a note for work', 'my back aches a little',
  'need to schedule the glucose test', 'feel tired all the time', 'have mild nausea in the mornings', 'want to sign up for the birthing class', 'need my ob records sent over',
  'want to move my next appointment', 'have a question about the flu shot', 'want to know my blood type results', 'need a letter for my employer', 'everything is going well',
  'the baby is kicking a lot', 'want to talk about the birth plan', 'need a refill of my nausea medicine', 'have some swollen ankles at the end of the day like usual',
];
const youngBabies = ['my 6 week old', 'my newborn', 'my two month old', 'our 10 day old', 'my infant son', 'my 3 week old daughter'];
const babyRoutine = [
  'needs her vaccines', 'is due for a weight check', 'has a bit of diaper rash', 'is feeding well but we have a question about formula', 'has a blocked tear duct', 'needs a well baby visit',
  'has a little cradle cap', 'is spitting up a bit after feeds', 'has a normal temperature of 98.6', 'needs a referral to the lactation consultant',
];
for (const intro of pregnantIntros) for (const routine of pregnantRoutine.slice(0, 10)) extraNegatives.push(`${intro} and ${routine}`);
for (const intro of pregnantIntros.slice(0, 5)) for (const routine of pregnantRoutine.slice(10)) extraNegatives.push(`${intro}, i ${routine}`.replace(', i everything', ', everything').replace(', i the baby', ', the baby').replace(', i my back', ', my back'));
for (const baby of youngBabies) for (const routine of babyRoutine) extraNegatives.push(`${baby} ${routine}`);
// "anymore" and "sure" out of their red-flag company ("don't want to be here anymore", "sea sure").
extraNegatives.push(
  "i don't drive anymore", "i don't smoke anymore", "i don't take that medicine anymore", "i don't work there anymore", "she doesn't live there anymore",
  "i don't use that pharmacy anymore", "he doesn't need the inhaler anymore", "i don't have that insurance anymore", "we don't go to that clinic anymore", "i can't drive anymore since the cataract",
  "i don't want that appointment anymore", "i don't see dr. lee anymore", 'sure, it is the eighth of may', 'sure thing', 'for sure, thank you', "i'm sure it is nothing but wanted to check",
  'make sure the pharmacy gets it', 'sure, my date of birth is june second', 'i am not sure of the dose', 'sure, that works for me',
);

/** Clinical words, as a nurse or another office says them, in the same frames (affirmed, denied, past, family). */
const clinicalNp: Record<RedFlagCode, string[]> = {
  chest_pain: ['substernal chest pain', 'angina', 'retrosternal pressure', 'an nstemi'], breathing_difficulty: ['sob', 'dyspnea at rest', 'respiratory distress', 'stridor'],
  stroke_signs: ['a facial droop', 'aphasia', 'hemiparesis', 'a cva'], suicidal_ideation: ['si with a plan', 'suicidal ideation', 'active si'],
  severe_bleeding: ['hematemesis', 'melena', 'a gi bleed', 'hemoptysis'], anaphylaxis: ['angioedema', 'airway compromise'],
  loss_of_consciousness: ['a syncopal episode', 'syncope', 'altered mental status'], seizure: ['tonic clonic activity', 'status epilepticus', 'a postictal state'],
  overdose_poisoning: ['an intentional ingestion', 'acetaminophen toxicity', 'a toxic ingestion'], severe_headache: ['a thunderclap headache', 'headache with photophobia and neck stiffness'],
  infant_fever: ['a fever of 38.2'], pregnancy_emergency: ['vaginal bleeding at 32 weeks', 'decreased fetal movement', 'rupture of membranes at 30 weeks'],
  severe_abdominal_pain: ['an acute abdomen', 'rlq tenderness with guarding'], head_injury: ['a head strike on anticoagulation', 'head trauma with loc'],
  sepsis_signs: ['fever with hypotension', 'a fever and tachycardia and confusion'],
};
for (const code of Object.keys(clinicalNp) as RedFlagCode[]) flagPhrases[code].np.push(...clinicalNp[code]);
