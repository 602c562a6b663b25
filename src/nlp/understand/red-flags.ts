import type { RedFlag, RedFlagCode, RedFlagScan, SetAsideMention } from '../analysis.types.ts';
import { commonIllness, findClinicalSigns, type SignFlag } from './clinical-signs.ts';
import { drugNames } from './drug-lexicon.ts';
import { PhraseTrie } from './phrase-trie.ts';
import redFlagModelData from './models/red-flags.json' with { type: 'json' };
import { LinearTextModel, sigmoid, type LinearModelData } from './text-model.ts';
import { contentTokens, isClauseBoundary, isSentenceBoundary, parseNumberAt, type Token } from './tokens.ts';

/**
 * Red-flag detection (UN-2) in lay and ASR-garbled words, read by the labelling conventions
 * (docs/guides/labelling-calls.md §2). A mention said as happening now (or in the last hours) to the
 * patient is `affirmed` and makes the call urgent, hedged or garbled or not; the patient includes a
 * baby, child or adult the caller speaks for. Negated (clause-bounded scope), past, resolved,
 * hypothetical and education, family-history, third-party (outside the clinic's care), mild or
 * ordinary, and agent-said mentions are set aside with the reason. `uncertain` is kept for a real
 * doubt that a mention is a red flag at all: it is shown to a person and does not by itself make a
 * routine call urgent. Recall comes first: when the context is unclear, a mention about the
 * patient stays a red flag.
 */

interface FlagRule {
  kind: 'flag';
  code: RedFlagCode;
  cue: string;
  confidence: number;
  /** ASR mis-hearings ("chess pain"): always reported as uncertain. */
  garbled?: boolean;
  /** A preceding word that turns the phrase into another sense ("heat stroke", "food poisoning"). */
  notPrev?: readonly string[];
  notNext?: readonly string[];
  /** A following word that makes another reading likely ("can't breathe through my nose"): flagged, but uncertain and low. */
  doubtNext?: readonly string[];
  /** The pattern itself holds a negation ("won't stop bleeding"): a trigger inside the span is not a negation. */
  negationInside?: boolean;
  /** Words that, in the same clause, make it a medication or supply mention (an EpiPen refill), unless a use verb is there. */
  supplyContext?: boolean;
  /** A following noun that makes it a modifier ("seizure medication"), unless an article precedes ("a seizure"). */
  modifierOf?: readonly string[];
  /** A sign too common alone ("wheezing"): uncertain unless a mark of severity is near it. */
  weak?: boolean;
  /** Words one of which must be within a dozen words ("soaked through" needs a wound, a towel or blood). */
  nearWords?: readonly string[];
}

/** Parts of red flags that only count together (fever + newborn, bleeding + pregnant). */
type Feature =
  | 'fever' | 'chills' | 'infection' | 'systemic' | 'pregnant' | 'pregnancy-trouble' | 'head-hit' | 'head-danger' | 'baby'
  | 'abd-pain' | 'severity' | 'headache' | 'headache-danger' | 'fall' | 'warm' | 'normal-temp'
  | 'chest-equiv' | 'cardiac-sign' | 'allergen' | 'allergy-sign' | 'abd-organ' | 'pain';

interface FeatureRule {
  kind: 'feature';
  feature: Feature;
  cue: string;
  confidence: number;
}

type Rule = FlagRule | FeatureRule;

const possessive = 'my|his|her|their|the|your|its|our';

// [code, cue, confidence, patterns, options]
const flagTable: [RedFlagCode, string, number, string[], Partial<FlagRule>?][] = [
  ['chest_pain', 'chest-pain', 0.9, [
    'chest pain|pains|pressure|tightness|discomfort|heaviness|ache|aching|squeezing|hurting|hurts|hurt|tight|heavy|burning',
    'chest ~ ~ ~ hurts|hurting|hurt|tight|heavy|aching|burning|squeezing|crushing|killing',
  ]],
  ['chest_pain', 'pain-in-chest', 0.85, [
    `pain|pains|pressure|tightness|heaviness|squeezing|weight|ache|burning|elephant in|on ~ chest`,
    'pain|pains|pressure|tightness|heaviness|ache|burning|squeezing|crushing|tight|heavy in|on the middle|center|centre|left|side of ~ chest',
    'elephant|something|someone|weight ~ ~ sitting|standing|pressing|pushing on ~ chest', 'crushing|squeezing ~ chest',
    'crushing|squeezing|burning|stabbing|sharp|tightness|pressure|pain|pains|ache|aching|discomfort ~ ~ in|on|across|behind|through ~ ~ chest|breastbone|sternum',
    'clutching|grabbing|holding|gripping|clutched|grabbed ~ ~ chest|heart', 'chest ~ ~ ~ on fire',
    'heart ~ ~ hurts|hurting|aching|aches', 'squeezing|crushing ~ ~ heart', 'breastbone|sternum ~ ~ hurts|hurting|pain',
    // Indirect words for it: a weight, a vise, a band, a fist; a heavy or tight feeling; pain spreading out from the chest.
    'like ~ weight|elephant|anvil|ton|truck on ~ ~ me|chest', 'weight ~ on ~ chest', 'chest ~ ~ ~ in a vise|vice',
    'vise|vice|band|belt ~ around|on|across ~ chest', 'chest|heart ~ ~ ~ being squeezed|crushed', 'fist ~ squeezing|clenching',
    'heavy|tight|squeezing|crushing|pressing|pressure|burning feeling|sensation in|on|across|behind ~ ~ ~ ~ chest|breastbone',
    'tight|heavy|squeezing|crushing|sore|achy in|on|across ~ ~ chest',
    'pain|pains|ache|pressure|tightness ~ ~ ~ from ~ chest into|to|up|down|through', 'from ~ chest ~ ~ ~ into ~ arm|arms|jaw|neck|shoulder|back',
    'tightness|pressure|heaviness when|whenever i|he|she walk|walks|climb|climbs|exercise|exercises',
  ]],
  ['chest_pain', 'heart-attack', 0.85, ['heart attack|attacks'], { notNext: ['prevention', 'risk', 'survivor', 'survivors', 'awareness', 'education'] }],
  ['chest_pain', 'pain-to-arm-or-jaw', 0.7, ['pain ~ ~ down|into|to ~ left arm|jaw', 'left arm ~ ~ numb|hurts|hurting|tingling|aching']],
  ['chest_pain', 'chest-pain-garbled', 0.7, [
    'chess pain|pains|pressure|tightness|hurts|hurting|tight|discomfort', 'chess ~ ~ hurts|hurting|tight|heavy',
    'tight|tightness|pressure|heavy|heaviness|squeezing|burning|pain|ache in|on ~ ~ chess',
    'chest pane|panes|paine|payne|paint', 'pain in ~ chess',
  ], { garbled: true }],

  ['breathing_difficulty', 'cannot-breathe', 0.9, [
    "can't|cannot|couldn't breathe|breath", 'can not breathe|breath', 'unable to breathe|breath', 'not able to breathe|breath',
    "can't|cannot|couldn't get|take|catch ~ ~ full|deep|good breath", 'barely breathe|breathing|breath', 'barely able to breathe',
    "can't|cannot|couldn't catch ~ breath", "can't|cannot get ~ breath|air", "can't|cannot get enough air",
    'not|stopped breathing', 'not getting enough air',
  ], { doubtNext: ['through', 'out'], negationInside: true }],
  ['breathing_difficulty', 'short-of-breath', 0.85, ['short|shortness of breath', 'short winded']],
  ['breathing_difficulty', 'trouble-breathing', 0.85, [
    'trouble|difficulty|difficult|problems|problem|struggling|hard|harder breathing',
    'hard|difficult|harder|trouble|struggling|struggle to breathe', 'hard time breathing', 'struggling|fighting for breath|air',
    'gasping|gasp', 'lips|face ~ ~ blue', 'turning blue',
    'suffocating|smothering|suffocate', 'air hungry', 'hungry for air', 'grunting', 'winded', 'breathless', 'asthma attack',
    'hard time ~ ~ ~ air|breath|breathing|breathe', 'huffing and puffing', 'ribs ~ ~ sucking|pulling in',
    'hard|harder|difficult|tough|struggling|trouble to|getting ~ get ~ air|breath', "can't|cannot get ~ air ~ in", 'not getting|get enough air',
  ]],
  ['breathing_difficulty', 'laboured-breathing', 0.7, [
    'breathing ~ ~ hard|labored|laboured|fast|rapid|shallow|difficult|heavy|funny|weird', 'out of breath', 'choking',
  ]],
  // Wheezing alone is common (a cold, known asthma): a flag only with a mark of how bad it is; otherwise a person reads it.
  ['breathing_difficulty', 'wheezing', 0.6, ['wheezing|wheeze|wheezy'], { weak: true }],
  ['breathing_difficulty', 'breathing-garbled', 0.7, [
    "can't|cannot|couldn't breed|bread", 'short|shortness of|a breast|breadth', 'shortness a breath', 'short a breath',
    'trouble|hard|difficulty breeding', 'hard to breed',
  ], { garbled: true }],
  ['breathing_difficulty', 'cannot-finish-sentence', 0.8, [
    "can't|cannot finish|complete|get through ~ sentence|sentences", "can't|cannot talk|speak in full sentences",
    "can't|cannot talk|speak without ~ gasping|stopping",
  ]],

  ['stroke_signs', 'face-droop', 0.9, [
    'face|smile|mouth|lip ~ ~ drooping|droopy|droops|drooped|droop|droopin|crooked|lopsided|sagging|hanging',
    'drooping|droopy face|smile|mouth', 'half ~ ~ face|body ~ ~ numb|weak|dead|droopy|drooping',
    'mouth|face|smile ~ ~ ~ to one side', 'face|mouth|smile|lip|eye ~ ~ ~ ~ on one side', 'face|smile|mouth ~ ~ uneven|slanted|twisted', 'face|smile|mouth ~ ~ pulled down|over', 'one side of ~ face|mouth ~ ~ fell|dropped|slid|sagged', 'one side of ~ face ~ ~ numb|down|sagging|drooping',
  ]],
  ['stroke_signs', 'slurred-speech', 0.85, [
    'slurring|slurred ~ words|speech', 'speech|words ~ ~ slurred|slurring|garbled|jumbled',
    "can't|cannot get ~ words out",
    'talking|speaking|talks|speech|sounds ~ funny|weird|strange|drunk|gibberish|nonsense|confused',
    "can't|cannot talk|speak right|properly|straight",
    'talking|speaking|talks|speech ~ ~ garbled|jumbled|slurred|slurring|slurry', 'words|speech ~ ~ coming out wrong|funny|weird|jumbled|garbled|mixed',
    'slurring|slurrin|slurred|slurs', 'speech|talking ~ ~ ~ slow and thick', 'speech ~ ~ messed up', 'speech ~ ~ thick', "can't|cannot|couldn't say|find|get ~ ~ ~ words", 'not say|find ~ ~ ~ words', "can't|cannot find ~ words", 'mixing up ~ words', "can't|cannot understand ~ ~ ~ saying",
  ], { negationInside: true }],
  ['stroke_signs', 'one-sided-weakness', 0.8, [
    'numbness|weakness|numb|weak on|in one|the|my|his|her ~ side', 'sudden|suddenly ~ numb|numbness|weak|weakness',
    "can't|cannot move|lift|feel|smile|raise ~ ~ arm|leg|hand|side", "can't|cannot smile|move|feel on one side",
    'one side of ~ face|body ~ ~ numb|weak|droopy|drooping|dead|heavy',
    'arm|leg|hand|face ~ ~ went|gone|feels|is|feel|feeling ~ numb|dead|limp|weak', 'arm and|or leg ~ ~ ~ ~ weak|numb|dead',
    "can't|cannot grip|hold", 'dragging ~ ~ leg|foot', 'left|right side ~ ~ ~ weak|numb|dead',
    "can't|cannot move|feel ~ ~ ~ right|left side", 'not feel|move ~ ~ ~ right|left side|arm|leg',
    "arm|leg|hand ~ won't|doesn't|isn't|can't work|working|move|moving", 'arm|leg|legs gave|giving out',
    "arm|leg|hand ~ ~ not|isn't working right|properly", 'dropped|dropping ~ ~ fork|cup|spoon|coffee|phone|glass ~ ~ ~ ~ hand|arm|side',
    'lost|losing|no feeling in|on ~ ~ ~ face|arm|leg|side|hand', "can't|cannot|couldn't walk straight", 'can not walk straight', 'arm|leg|hand|face ~ ~ ~ ~ and numb', 'dead weight',
  ], { negationInside: true }],
  ['stroke_signs', 'stroke', 0.75, ['stroke|strokes', 'mini stroke', 'tia'], { notPrev: ['heat', 'sun', 'back', 'brush', 'swim', 'swimming', 'master', 'pen', 'paint'], notNext: ['of', 'risk', 'prevention', 'screening', 'awareness', 'education', 'clinic', 'center', 'unit', 'team', 'doctor', 'specialist', 'neurologist', 'support', 'rehab', 'program', 'survivor', 'survivors'] }],
  ['stroke_signs', 'vision-loss', 0.75, [
    'lost|losing ~ vision|sight', "can't|cannot see out of ~ eye", 'suddenly|sudden ~ blind|blurry|double vision',
    'black|dark|blind|blurry|gone|grey|gray|curtain in|over one eye', 'seeing double',
    'sudden|suddenly ~ ~ ~ ~ balance',
  ]],
  ['stroke_signs', 'stroke-garbled', 0.65, [
    'face|smile|mouth ~ ~ dropping', 'slurry|slurpy ~ words|speech', 'having a stoke',
  ], { garbled: true }],

  ['suicidal_ideation', 'self-harm-intent', 0.95, [
    'kill|killing myself|himself|herself|themselves', 'kill|killing my self', 'end|ending it all', 'end|ending my|his|her life',
    'take|taking my|his|her own life', 'suicidal', 'suicide', 'gun|pistol|rifle to ~ head',
  ]],
  ['suicidal_ideation', 'wish-to-die', 0.85, [
    "don't want to be here anymore", "don't want to be alive|here", "don't|dont want to live|wake up", "don't want to live anymore",
    'better off dead', 'better off without me', 'want|wanna|wants|wanted|wanting|wish|wishes to die', "don't want to be around", 'overdosing|overdose on purpose',
    'better off if i|he|she', 'thoughts of|about dying|death|ending',
    'stockpiling|hoarding ~ ~ pills|meds|medication', 'ending it', 'shoot|shooting|hang|hanging|drown|drowning myself|himself|herself',
    "can't|cannot keep going", "don't think i can keep going", "don't think i can go on", 'saving up ~ ~ pills|meds|medication', 'wanna die', 'wish ~ was|were dead',
    'rather be dead', 'go to sleep and not|never wake up', 'not being alive|here', 'never wake up',
    'hurt|hurting|harm|harming|kill|killing|cut|cutting|off|offing myself|himself|herself|themselves',
    'cutting|cut again', 'started cutting', 'jump|jumping off ~ ~ bridge|roof|building|cliff|overpass', 'jump in front of',
    'say|saying goodbye|goodbyes', 'giving away ~ ~ things|stuff|belongings|possessions', 'disappear forever',
    'no reason ~ ~ ~ be here|live|living', 'take|taking all ~ ~ ~ pills|meds|medication|medicine ~ ~ be done|end',
    'suicide note', "can't do this anymore",
    'no reason to live', 'nothing to live for',
    'want|wanna|wants|thinking|thoughts|thought|going|gonna|planning ~ ~ hurt|harm|hurting|harming myself|himself|herself',
    'cutting myself|himself|herself', 'self harm',
    'better off ~ ~ ~ dead|gone', 'if i|he|she was|were dead|gone', 'to end it|things|everything', 'end|ending things|everything',
    "don't|can't|cannot see ~ point ~ ~ living|life|anymore|going|on", 'no point ~ ~ living|life|anymore|going|on',
    'gun|pistol|rifle ~ out', 'got|have|has|bought|loaded ~ ~ gun ~ ready',
  ], { negationInside: true }],
  ['suicidal_ideation', 'cannot-go-on', 0.6, [
    "can't|cannot go on", 'want|wanna|wish ~ ~ it all|everything to stop|end', 'pills|gun|rope|razor|blade|knife ~ ready',
    'goodbye letter|letters|note|notes', 'sleep forever',
  ]],
  // "not wake up" as a wish ("go to sleep and not wake up"), not as "he will not wake up" (loss of consciousness).
  ['suicidal_ideation', 'wish-not-to-wake', 0.8, ['not wake up'], { notPrev: ['will', 'would', 'does', 'did', 'could', 'can', 'might'] }],

  ['severe_bleeding', 'bleeding-through', 0.85, [
    'bleeding|bled|bleed|soaking|soaked|soak through ~ ~ ~ towel|towels|pad|pads|bandage|bandages|gauze|shirt|clothes|sheets',
    'towel|pad|bandage after|every ~ towel|pad|bandage', 'bleeding ~ after|every ~ hour',
  ]],
  ['severe_bleeding', 'bleeding-will-not-stop', 0.9, [
    "won't|doesn't|didn't|wouldn't|isn't|hasn't|not|never stop|stopping|stopped bleeding",
    "can't|cannot get ~ to stop bleeding", "can't|cannot stop the bleeding",
    "bleeding ~ won't|doesn't|not|isn't|hasn't ~ stop|stopping|stopped",
    "bleeding|bleed|blood ~ ~ ~ ~ won't|doesn't|not|isn't|hasn't|can't stop|stopping|quit|quitting",
    "can't|cannot get ~ bleeding to stop", 'still bleeding after|through',
    "bleeding|bleed|blood ~ ~ ~ won't|doesn't|not|isn't|hasn't slow|slowing|slowed|easing|letting",
    "won't|doesn't|not|isn't|can't|cannot|didn't stop|stopping|control|controlling ~ ~ bleeding",
    "won't|doesn't|isn't|not|can't|hasn't|wouldn't clot|clotting|clotted", 'bleeding|bleed|blood ~ ~ ~ ~ ~ will|would not stop',
  ], { negationInside: true }],
  ['severe_bleeding', 'heavy-bleeding', 0.85, [
    'bleeding ~ a lot', 'bleeding heavily|profusely|badly|everywhere|nonstop', 'bleeding so much', 'bleeding is|was|has|got ~ ~ heavy|heavier|worse',
    'heavy|severe|uncontrolled|uncontrollable|massive bleeding', 'blood everywhere', 'blood all over',
    'lots|lot|tons of blood', 'so much blood', 'pouring|gushing|spurting|squirting ~ blood', 'blood ~ pouring|gushing|spurting|squirting', 'blood ~ ~ running|dripping|streaming down',
    'bleeding bad|badly|heavy|hard', 'bleeding for ~ ~ hour|hours', 'pooping|passing ~ ~ blood', 'tarry|maroon stool|stools|poop', 'black and tarry', 'coffee grounds',
    'soaked|soaking ~ ~ ~ towel|towels|bandage|bandages|pad|pads',
    'gushing|spurting|pouring', 'bleeding like crazy', 'dripping|pouring everywhere', 'hemorrhaging|hemorrhage|haemorrhaging|haemorrhage',
    'losing|lost ~ lot of blood', 'blood ~ ~ everywhere', 'pool|puddle|puddles of blood', 'pumping ~ blood', 'blood ~ pumping',
    'gone|went|going through ~ ~ ~ towels|bandages|gauze|rags', 'soaked|soaking|through ~ pad|pads ~ ~ hour', 'cut ~ ~ badly|deep', 'cut ~ ~ ~ pretty|really|so bad|badly|deep', 'passing ~ ~ clots',
    'still bleeding through', 'passing ~ lot of blood',
  ]],
  // A dressing that blood has soaked, and blood still coming after pressure: only with a wound or blood named nearby
  // ("my shirt is soaked through from the rain" is not bleeding).
  ['severe_bleeding', 'soaked-through', 0.8, ['soaked|soaking through', "it's|is still dripping|pouring|gushing|spurting"], { nearWords: ['blood', 'bleeding', 'bled', 'bleed', 'cut', 'wound', 'towel', 'towels', 'bandage', 'gauze', 'pad', 'pads', 'dressing', 'gash'] }],
  ['severe_bleeding', 'blood-in-vomit', 0.85, [
    'coughing|throwing|vomiting|puking|spitting up blood', 'vomiting|vomited|vomit blood', 'threw up blood', 'blood in ~ vomit',
  ]],

  ['anaphylaxis', 'throat-closing', 0.9, [
    "throat|throat's ~ ~ ~ closing|closed|swelling|swollen|tight|tightening|thick", 'closing|swelling of|in ~ throat',
  ]],
  ['anaphylaxis', 'lip-tongue-swelling', 0.85, [
    "lips|lip|tongue|tongue's ~ ~ ~ swelling|swollen|swelled|puffing|puffy|thick", 'swelling|swollen in|of ~ lips|tongue',
    'swollen shut', 'hives everywhere',
    'lips|lip|tongue ~ ~ blew|blown|blowing|puffed|puffing up', 'lips|lip|tongue|tongue\'s ~ ~ ~ huge|enormous|fat|big', 'covered in hives|welts',
    'hives ~ ~ ~ ~ wheezing|wheezy|swallow|swallowing|dizzy|faint|lightheaded',
  ]],
  ['anaphylaxis', 'face-swelling', 0.65, ['face ~ ~ swelling|swollen|swelled|puffing|blowing', 'face ~ ~ blew|blown up']],
  ['anaphylaxis', 'anaphylaxis', 0.95, ['anaphylaxis|anaphylactic']],
  ['anaphylaxis', 'epinephrine', 0.85, ['epipen|epipens', 'epi pen|pens', 'used|injected|gave ~ ~ epinephrine|epi'], { supplyContext: true }],
  ['anaphylaxis', 'allergic-reaction', 0.75, ['allergic reaction', 'hives all over']],
  ['anaphylaxis', 'anaphylaxis-garbled', 0.75, ['anna|ana|anne|any phylaxis|phylactic|filaxis|filactic', 'epi pin|pan'], { garbled: true }],

  ['loss_of_consciousness', 'passed-out', 0.9, [
    'passed|pass|passing out', 'blacked|blacking out', 'fainted|fainting', 'lost consciousness', 'unconscious|unresponsive',
    "won't|can't|cannot wake ~ up", "can't|cannot wake him|her|them", 'not waking up', 'collapsed', 'knocked out',
    'keeled over', 'out cold', 'not responding', 'went|gone|going|is limp', "isn't|not|won't waking up",
    "she's|he's|is limp", "not|isn't responsive", 'in and out of consciousness', 'woke up on ~ floor|ground',
    'slumped over', 'dropped to ~ ground|floor', 'went unconscious', 'everything|all went|goes|turned black|dark', 'will|would|does|did not wake ~ up', 'blanked|blanking out',
    'woke|came up|to on ~ ~ floor|ground', 'dropped|collapsed|fell|went down ~ ~ ~ ~ not moving|breathing|responding', 'just dropped',
  ], { negationInside: true }],
  ['loss_of_consciousness', 'not-answering', 0.75, [
    "isn't|not|stopped|won't|can't answering|answer|responding|respond",
  ], { negationInside: true, notNext: ['phone', 'phones', 'calls', 'call', 'texts', 'text', 'door', 'messages', 'emails', 'email', 'his', 'her', 'their', 'my', 'your', 'our', 'the', 'any', 'well'], doubtNext: ['to'] }],
  ['loss_of_consciousness', 'feels-faint', 0.6, ['faint', 'black out']],
  ['loss_of_consciousness', 'passed-out-garbled', 0.75, ['past out'], { garbled: true }],

  ['seizure', 'seizure', 0.9, [
    'seizure|seizures|seizing', 'convulsing|convulsion|convulsions|convulsed', 'grand mal',
    "shaking|jerking|twitching ~ ~ ~ ~ not|isn't|won't|can't respond|responding", 'shaking|jerking ~ ~ unresponsive', 'eyes ~ rolled|rolling back',
    'whole body ~ ~ jerking|shaking|twitching|stiff', 'body went stiff', 'foaming at ~ mouth', 'jerking|twitching and|then ~ ~ ~ ~ staring|collapsed|shaking',
    'shaking|jerking uncontrollably', 'arms and legs ~ ~ jerking|twitching|shaking',
  ], { negationInside: true, modifierOf: ['medication', 'medications', 'meds', 'medicine', 'pills', 'prescription', 'drug', 'drugs', 'doctor', 'neurologist', 'clinic', 'refill', 'dose', 'levels', 'level', 'diary', 'log', 'plan', 'precautions', 'action', 'disorder', 'history', 'patient', 'patients', 'workup', 'follow', 'med'] }],
  ['seizure', 'having-a-fit', 0.7, ['having|had a fit|fits', 'having|keeps fits', 'epileptic', 'fitting']],
  ['seizure', 'seizure-garbled', 0.7, ['sea|see sure|sures|zure|zures', 'seize sure', 'seizer|seizers|seazure|seazures|siezure|siezures|seisure|seasure'], {
    garbled: true, modifierOf: ['medication', 'medications', 'meds', 'medicine', 'pills', 'prescription', 'refill'],
  }],

  ['overdose_poisoning', 'overdose', 0.9, ["overdose+", "od'd", 'od', 'took|taken ~ whole bottle'], { notNext: ['prevention', 'training', 'awareness', 'education', 'kit', 'kits', 'risk'] }],
  ['overdose_poisoning', 'used-too-much', 0.7, [
    'used|using|did|shot|smoked|snorted ~ too much|many', 'chugged|downed|drank|swallowed ~ ~ bottle of cough|nyquil|dayquil|robitussin|medicine|benadryl|tylenol|syrup',
  ], { notNext: ['time', 'sun', 'coffee', 'water'] }],
  ['overdose_poisoning', 'more-than-prescribed', 0.75, [
    'took|taken|take ~ ~ more than ~ ~ ~ supposed|prescribed|allowed', 'pills|meds|xanax|oxy|percocet|painkillers ~ with|and ~ alcohol|vodka|booze|beer|wine|liquor|whiskey|drinking',
    'mixed|mixing ~ ~ pills|meds ~ ~ alcohol|vodka|booze|drinking', 'shooting|shot up', 'got into ~ ~ ~ cleaning|cleaner|chemicals|supplies|cabinet',
    'empty ~ pill|pills|medicine|medication bottle|bottles|pack', 'snorted|snorting', 'gave|given|took|taken ~ ~ ~ wrong medicine|medication|meds|pills|dose',
  ]],
  ['overdose_poisoning', 'too-many-pills', 0.8, ['took|taken|swallowed|ate ~ too many|much'], { notNext: ['time', 'sun', 'coffee'] }],
  ['overdose_poisoning', 'took-twice', 0.7, [
    'took|taken|gave|given|injected ~ ~ ~ twice', 'double dosed', 'doubled ~ ~ dose',
  ], { notNext: ['a', 'daily', 'per', 'each', 'every', 'weekly'] }],
  ['overdose_poisoning', 'accidental-ingestion', 0.7, ['accidentally|accidently|mistakenly took|taken|swallowed|ate|drank|gave|injected']],
  ['overdose_poisoning', 'swallowed-poison', 0.85, [
    'swallowed|drank|ingested|ate|drinking|eating|into ~ ~ bleach|poison|cleaner|antifreeze|detergent|pod|pods|battery|batteries|chemicals|drano|lye|pesticide',
    'ingested ~ ~ pills|medicine|medication', 'got into ~ ~ pills|medicine|medication|meds', 'poison control', 'poisoned|poisoning',
  ], { notPrev: ['food'] }],
  // One extra dose is usually a question for a nurse; with a mark of how bad, a red flag.
  ['overdose_poisoning', 'double-dose', 0.55, ['took|taken|gave ~ ~ double|extra dose'], { weak: true }],
  ['overdose_poisoning', 'overdose-garbled', 0.75, ['over dose|dosed|dosing'], { garbled: true }],

  ['severe_headache', 'worst-headache', 0.9, [
    'worst headache|headaches', 'worst head pain|ache', 'thunderclap', 'thunder clap', 'worst ~ ~ headache|migraine',
    'headache|migraine ~ ~ ~ worst|unbearable|excruciating', "headache|migraine ~ ~ ten out of ten",
  ]],
  ['severe_headache', 'never-this-bad', 0.85, ['never ~ ~ headache|headaches|migraine ~ this|so bad|severe|painful', 'never ~ ~ ~ headache|migraine|pain like this|that']],
  ['severe_headache', 'sudden-headache', 0.75, [
    'sudden|suddenly ~ ~ headache', 'headache ~ ~ stiff neck', 'head ~ ~ ~ explode|exploding', 'exploding headache',
    'going to|gonna explode|burst', 'head with a hammer|bat|brick|sledgehammer', 'hit me ~ ~ ~ ~ hammer|bat|brick',
    'headache ~ ~ out of nowhere', 'headache ~ ~ ~ all of a sudden',
  ]],
  ['severe_headache', 'splitting-headache', 0.6, [
    'splitting|blinding|excruciating|unbearable|horrible|terrible|massive|severe|intense|agonizing|awful|killer ~ ~ headache|migraine',
    'unbearable|severe|excruciating|terrible|horrible|intense ~ ~ pain in ~ head', 'head pain|pains',
  ]],
  ['severe_headache', 'head-hurts-badly', 0.7, [
    'head ~ ~ hurts|hurting|pounding|killing|aches so|really|too bad|much', 'head ~ ~ killing me', 'worst pain ~ ~ ~ head',
    'grabbed|grabbing|clutching|clutched ~ head', 'headache ~ ~ ~ neck ~ stiff', 'head ~ ~ ~ neck ~ stiff',
  ]],

  ['pregnancy_emergency', 'waters-broken', 0.85, ['my|her water|waters broke|broken|breaking', 'my|her water|waters has|have|just|already broke|broken']],
  ['pregnancy_emergency', 'reduced-fetal-movement', 0.85, [
    'decreased|reduced|less|fewer|no fetal|baby movement|movements|kicks',
    "baby ~ isn't|hasn't|stopped|not ~ moving|moved|kicking|kicked", "baby's not moving|kicking",
    "haven't|not|didn't|can't felt|feel|feeling ~ baby move|moving|kick|kicking|kicks", 'baby stopped moving|kicking',
  ], { negationInside: true }],
  ['pregnancy_emergency', 'pregnancy-complication', 0.8, ['preeclampsia|eclampsia|ectopic', 'pre eclampsia', 'placental abruption']],

  ['severe_abdominal_pain', 'severe-belly-pain', 0.85, [
    'severe|stabbing|sharp|excruciating|unbearable|terrible|horrible|worst|extreme|intense|crippling ~ pain|pains in|on ~ ~ belly|stomach|abdomen|tummy|gut|side',
    'severe|stabbing|sharp|excruciating|unbearable|terrible|horrible|worst|intense belly|stomach|abdominal|abdomen|tummy pain|pains|ache|cramps',
    'belly|stomach|abdomen|tummy ~ ~ killing me', 'belly|stomach|abdomen ~ ~ rock hard|rigid',
    'severe|stabbing|sharp|excruciating|unbearable|terrible|horrible|worst|extreme|intense ~ pain|pains in|on ~ lower|upper|right|left ~ side|belly|abdomen|stomach',
    'belly|stomach|abdominal|abdomen|tummy pain|pains|ache|cramps ~ ~ worst', 'belly|stomach|abdomen|tummy ~ ~ hurts|hurting|aches so|really|too bad|much',
    'right lower quadrant', 'belly|stomach|abdomen|tummy|gut ~ ~ ~ hard as a rock', 'abdomen|belly|stomach ~ ~ rigid',
    'pain|pains in|on ~ ~ belly|stomach|abdomen|tummy|gut ~ ~ unbearable|excruciating|killing',
    'belly|stomach|abdomen|abdominal|tummy ~ ~ ~ ~ unbearable|excruciating',
  ]],
  ['severe_abdominal_pain', 'doubled-over', 0.75, ['doubled over', 'appendicitis', 'curled up in a ball']],

  // Clinical words, as a nurse, a home-health aide or another office says them on the phone.
  ['chest_pain', 'clinical-chest', 0.85, ['substernal|retrosternal|precordial ~ pain|pressure|tightness|discomfort', 'angina|anginal', 'acs', 'stemi|nstemi', 'myocardial infarction']],
  ['breathing_difficulty', 'clinical-breathing', 0.8, [
    'dyspnea|dyspnoea|dyspneic|dyspnoeic', 'tachypneic|tachypnoeic|tachypnea|tachypnoea', 'accessory muscles', 'hypoxic|hypoxia|hypoxemic', 'cyanotic|cyanosis', 'stridor',
    'respiratory distress', 'sats|saturation|saturations|spo2 ~ ~ ~ dropping|low|88|85|87|86|84|82|80',
    'oxygen|o2 level|levels|saturation|sat|sats ~ ~ ~ dropping|low|88|85|87|86|84|82|80',
  ]],
  // "SOB" as nurses write it, not the verb ("started to sob").
  ['breathing_difficulty', 'clinical-breathing', 0.8, ['sob'], { notPrev: ['to', 'i', 'she', 'he', 'they', 'we', 'would', 'could', 'a', 'and', 'started', 'began', 'will', 'little', 'quiet', 'sob'], notNext: ['story', 'stories', 'sister', 'sisters'] }],
  ['stroke_signs', 'clinical-stroke', 0.85, ['facial droop', 'aphasia|aphasic|dysarthria|dysarthric', 'hemiparesis|hemiplegia|hemiparetic', 'cva', 'unilateral weakness|numbness', 'new onset ~ ~ weakness|droop|slurring']],
  ['suicidal_ideation', 'clinical-si', 0.85, ['endorses|endorsing|reports|reporting|expresses|expressing|with|has|having|active|passive si', 'si with ~ plan', 'suicidal ideation|ideations', 'self harm|injury intent']],
  ['severe_bleeding', 'clinical-bleeding', 0.85, ['hematemesis|haematemesis|melena|melaena|hematochezia|haematochezia|hemoptysis|haemoptysis', 'gi bleed|bleeding', 'active bleeding', 'hemorrhage|haemorrhage']],
  ['seizure', 'clinical-seizure', 0.85, ['tonic clonic', 'tonic|clonic activity|movements', 'postictal|post ictal', 'status epilepticus']],
  ['anaphylaxis', 'clinical-anaphylaxis', 0.85, ['angioedema', 'airway swelling|compromise']],
  ['overdose_poisoning', 'clinical-ingestion', 0.85, ['intentional|accidental|toxic|unknown ingestion', 'ingestion of', 'acetaminophen|tylenol|opioid|opiate|benzodiazepine toxicity']],
  ['loss_of_consciousness', 'clinical-syncope', 0.8, ['syncope|syncopal|presyncope|presyncopal', 'loss of consciousness', 'altered mental status', 'gcs']],
  ['severe_headache', 'clinical-headache', 0.8, ['thunderclap', 'photophobia ~ ~ ~ headache|neck', 'headache ~ ~ ~ photophobia|meningismus', 'meningismus|nuchal rigidity']],
  ['head_injury', 'clinical-head', 0.75, ['head strike|trauma', 'struck ~ head', 'hit head']],
  ['pregnancy_emergency', 'clinical-pregnancy', 0.85, ['vaginal bleeding ~ ~ ~ weeks', 'weeks ~ ~ ~ vaginal bleeding', 'decreased fetal movement|movements', 'rupture of membranes', 'srom|pprom']],
  ['severe_abdominal_pain', 'clinical-abdomen', 0.8, ['acute abdomen', 'abdominal guarding', 'guarding and rebound', 'rebound tenderness', 'peritoneal signs', 'rlq pain|tenderness']],

  ['head_injury', 'head-injury', 0.75, ['head injury|trauma']],
  ['sepsis_signs', 'sepsis', 0.85, ['sepsis|septic'], { notNext: ['tank', 'system'] }],
];

const featureTable: [Feature, string, number, string[]][] = [
  ['fever', 'fever', 0.9, ["fever|fevers|fever's|feverish|febrile|temperature|temp", 'burning up', 'hot to the touch']],
  ['chills', 'chills', 0.8, ['chills|shivering|shivers|rigors|shakes', 'shaking chills']],
  // A known infection getting worse is the other way into sepsis ("infection is spreading and now I'm clammy").
  ['infection', 'infection', 0.7, ['infection|infected|cellulitis|pneumonia|uti|abscess', 'wound ~ ~ red|hot|oozing|pus']],
  ['systemic', 'systemic', 0.8, [
    'confused|confusion|disoriented|delirious|lethargic|mottled|clammy', 'not making sense', 'not making any sense', 'making no sense', 'out of it', 'very sleepy',
    'hard to wake', 'racing heart', 'heart ~ ~ racing|pounding', 'breathing ~ ~ fast|rapid', 'not peeing', "hasn't|haven't peed",
    "can't|cannot stand|walk", "can't|cannot stand up", 'too|so|very weak to', 'so weak', 'going to die', 'gonna die', 'sense of doom',
    'recent surgery|operation', 'surgery|operation last|this week', 'after ~ surgery|operation|procedure',
    'hypotensive|hypotension|tachycardic|tachycardia|tachypneic|tachypnea|lethargic|obtunded|altered', 'sbp ~ ~ 80|85|90|70|75',
    'blotchy|mottled|splotchy', 'skin ~ ~ ~ gray|grey|blue|cold|blotchy', 'barely responding|responsive|awake', 'not responding',
    "heart's ~ ~ racing|pounding", 'heart ~ ~ ~ beating ~ ~ fast|hard', 'blood pressure ~ ~ low|dropping', 'low blood pressure',
    'faint|lightheaded', 'light headed', 'hard to wake|rouse', 'feel like ~ ~ dying', 'something is really wrong', 'shivering|shaking uncontrollably',
    "can't|cannot get out of bed", 'c section', 'mile a minute', 'barely stand|walk|move', 'super|really|extremely|very weak', 'barely ~ get out of bed',
    'not himself|herself|themselves', 'shaking all over', 'not urinated|peed|peeing', "haven't|hasn't urinated",
    'heart rate|pulse ~ ~ ~ high|fast|racing|120|125|130|135|140|145|150|160',
    'drowsy|listless|floppy', 'hands|feet|legs ~ ~ ~ ~ icy|freezing', 'hands|feet|legs ~ ~ ~ ~ ice cold', 'ice cold',
  ]],
  ['pregnant', 'pregnant', 0.85, ['pregnant|pregnancy', 'weeks along', "i'm|she's|we're expecting"]],
  ['pregnancy-trouble', 'pregnancy-trouble', 0.85, [
    'bleeding|spotting|cramping|cramps|contractions', 'leaking fluid', 'gush of fluid', 'severe|bad|sharp pain',
    // Preeclampsia and abruption signs: headache, vision changes, sudden swelling, high pressure, fainting, belly pain.
    'headache|headaches', 'blurry|blurred vision', 'seeing spots|stars', 'blood pressure ~ ~ ~ high',
    // Swollen feet are ordinary late in pregnancy; a swollen face or hands, or sudden swelling, is the warning.
    'face|hands|eyes|fingers ~ ~ ~ swollen|swelling|puffy', 'sudden|suddenly ~ ~ swollen|swelling|puffy', 'swelling|swollen ~ ~ face|hands|eyes',
    'passed out', 'fainted', 'stomach|belly|abdominal pain', 'pain on ~ ~ side', 'pain in ~ shoulder',
    'fluid ~ ~ leaking', 'leaking', 'fell|fall|slipped|tripped', 'car accident', 'hit in ~ stomach|belly', 'flashing lights', 'throwing|threw up blood', 'vomiting blood',
  ]],
  ['head-hit', 'head-hit', 0.6, [
    `hit|bumped|banged|smacked|whacked|struck|hitting|bumping|banging ~ ${possessive} head`, `fell ~ on ${possessive} head`,
    'concussion', 'hit his|her|my head', 'hit|bumped|banged|smacked|cracked ~ back|side|front|top of ~ head', 'hit|bumped|banged|smacked|whacked|struck|cracked|hitting|bumping|banging ~ ~ ~ head',
    'hit|whacked|struck|smacked|kicked|punched|blow|blows in|to|on the head', 'smashed|slammed ~ ~ ~ head', 'head hit|hitting|struck ~ ~ concrete|floor|ground|pavement|table|ice',
    'knocked out|unconscious', 'head injury',
    // The mark a blow leaves: "a goose egg on her forehead", "a gash on his head".
    'goose egg on|to ~ ~ head|forehead|temple', 'bump|lump|knot|gash|cut|bruise|swelling on|to ~ ~ head|forehead|temple', 'hit|bumped|banged|smacked|whacked|struck|cracked ~ ~ ~ forehead|temple',
  ]],
  ['head-danger', 'head-danger', 0.9, [
    'vomiting|vomited|confused|drowsy|sleepy|seizure', 'throwing|threw|thrown up', 'same thing ~ over and over', 'asking ~ ~ ~ same', "won't wake up", 'passed out', 'blacked out', 'seeing double',
    'knocked out', "can't remember", 'blood thinner|thinners', 'eliquis|warfarin|coumadin|xarelto', 'worst headache',
    'dizzy', 'not making sense', 'acting weird|strange|funny|different|off', 'lump|goose egg', 'blurry|blurred|double vision',
    'bleeding from ~ ear|ears|nose', 'headache', 'unconscious', 'disoriented', 'slurring', 'seeing stars', 'head ~ ~ bleeding',
    'keeps|keep throwing|vomiting', 'anticoagulated|anticoagulation|anticoagulant|anticoagulants', 'loc',
    // A blow with force (a fall from height, a car, a hard surface, a hard hit) or memory loss is a warning sign in itself.
    'vision ~ ~ blurry|blurred|double|fuzzy|weird|funny', 'ladder|roof|stairs|staircase|scaffolding|horse', 'car accident|crash',
    'concrete|pavement|sidewalk|curb', 'really|so|very|pretty|super hard', 'out of it', 'not acting ~ right|normal|himself|herself', 'not himself|herself', 'hard hit', 'hit hard', 'big ~ bump|lump', 'same questions|question',
    "doesn't|don't|didn't|cannot|can't|couldn't remember|recall", 'does|did not remember|recall', 'memory',
  ]],
  ['fall', 'fall', 0.5, ['fell|fall|fallen|slipped|tripped', 'without a helmet', 'car accident']],
  ['abd-pain', 'belly-pain', 0.8, [
    'belly|stomach|abdomen|abdominal|tummy|gut ~ ~ ~ ~ pain|pains|hurts|hurting|ache|aches|cramps|cramping|painful|killing',
    'pain|pains|cramping|cramps in|on|around|near ~ ~ ~ belly|stomach|abdomen|tummy|gut|navel', 'stomachache|bellyache', 'right lower belly|side|abdomen',
    'lower right side|belly',
  ]],
  // A belly organ or condition named in the call: it tells where a bare "the pain" is ("my pancreatitis is back ... the pain is a ten").
  ['abd-organ', 'abd-organ', 0.7, [
    'pancreatitis|appendicitis|appendix|gallbladder|gallstone|gallstones|diverticulitis|pancreas', 'kidney stone|stones', 'bowel obstruction|blockage',
  ]],
  ['pain', 'pain', 0.6, ['pain|pains']],
  ['severity', 'severity', 0.8, [
    'so|really|too bad', 'unbearable|excruciating|severe|intense|horrible|terrible|worst|stabbing|awful|agonizing|crippling|screaming',
    'ten out of ten', 'a ten|10', "can't|cannot stand|walk|move|straighten|sit", "can't|cannot even walk|stand|move",
    'doubled|curled', 'rigid', 'getting worse', 'super|very|extremely|really painful', 'vomiting|vomited blood', 'throwing|threw up blood', 'pooping|passing black',
    'black|bloody stool|stools', "can't stop throwing up|vomiting", 'swollen|distended', 'killing me|him|her', 'moved|moving|spread|spreading to ~ right', '8|9|10|eight|nine|ten out of 10|ten', 'like crazy', "can't|cannot get off|up",
  ]],
  ['headache', 'headache', 0.8, [
    "headache|headaches|migraine|migraines|head's", 'head ~ ~ pounding|hurts|hurting|aching|killing|throbbing|splitting', 'head pain',
    'pain in|at ~ ~ ~ ~ head',
  ]],
  ['headache-danger', 'headache-danger', 0.8, [
    'vomiting|puking|vomit', 'throwing|threw up', 'confused|confusion', 'blurry|blurred|double vision', 'seeing double', 'stiff neck',
    'neck ~ ~ stiff', "can't look at ~ light", "can't stand ~ light", 'light hurts', 'out of nowhere', 'all of a sudden',
    'suddenly', 'woke me up', "it's different", 'ten out of ten', 'hit|bumped|banged|hitting ~ ~ head', 'worse than ~ ~ ~ normal|usual|regular|ever',
    'like crazy',
  ]],
  // A chest-pain equivalent (heartburn, a weight, pain between the shoulder blades or in the left arm or jaw) counts with a
  // sign that goes with a heart attack (sweating, clammy, pale, sick, short of breath, a numb arm).
  ['chest-equiv', 'chest-equiv', 0.7, [
    'heartburn|indigestion', 'chest ~ ~ funny|weird|strange|off', 'weight|pressure|heaviness|tightness|squeezing on|in ~ ~ ~ chest',
    'between ~ shoulder blades', 'jaw ~ ~ hurts|hurting|aching|aches|pain', 'jaw pain', 'left arm ~ ~ hurts|hurting|aching|aches|heavy|pain',
    'pain ~ ~ left arm|shoulder|jaw', 'like a weight',
  ]],
  ['cardiac-sign', 'cardiac-sign', 0.8, [
    'sweaty|sweating|sweats|clammy|pale|gray|grey|ashen', 'cold sweat', 'short|shortness of breath', 'nauseous|nauseated|sick to ~ stomach',
    'arm|arms ~ ~ numb|tingling|heavy', 'pale and|or sweaty', 'sweating buckets', 'throwing up|threw up', 'lightheaded|dizzy', 'light headed',
    "won't|doesn't go away", 'not going away',
  ]],
  ['allergen', 'allergen', 0.7, [
    'hives|welts', 'stung|sting', 'allergic|allergy', 'peanut|peanuts|shellfish|shrimp|nuts|penicillin|amoxicillin|antibiotic|bee|wasp',
  ]],
  ['allergy-sign', 'allergy-sign', 0.8, [
    "can't|cannot|hardly|barely swallow", 'hard to swallow', 'trouble swallowing', 'face|eyes|lips|tongue ~ ~ puffy|swollen|swelling|puffing',
    'throat ~ ~ ~ scratchy|itchy|funny|weird|tight', 'voice ~ ~ hoarse|changed|funny', 'wheezing|wheezy', 'dizzy|lightheaded|faint',
  ]],
  ['baby', 'baby', 0.6, ['baby|newborn|infant', 'new born']],
  ['baby', 'infant-age', 0.9, ['under 3|three|2|two months', 'younger|less than 3|three|2|two months']],
  // A baby that "feels hot" or "is warm": a fever for an infant only (adults feel warm all the time).
  ['warm', 'warm', 0.8, ['feels|feel|felt|feeling|is|running|seems ~ ~ hot|warm', 'warm to the touch']],
];

const trie = new PhraseTrie<Rule>();
for (const [code, cue, confidence, patterns, options] of flagTable) {
  const rule: FlagRule = { kind: 'flag', code, cue, confidence, ...options };
  for (const pattern of patterns) trie.add(pattern, rule);
}
for (const [feature, cue, confidence, patterns] of featureTable) {
  const rule: FeatureRule = { kind: 'feature', feature, cue, confidence };
  for (const pattern of patterns) trie.add(pattern, rule);
}

// ---- context (NegEx-style) -------------------------------------------------------------------

type SetAsideReason = SetAsideMention['reason'];

interface Context {
  setAside?: SetAsideReason;
  uncertain: boolean;
  subject: 'patient' | 'other';
  /** Appended to the cue so a reviewer sees why a flag is uncertain. */
  note?: string;
  factor: number;
}

const negationTriggers = new Set([
  'no', 'not', 'never', 'denies', 'denied', 'deny', 'denying', 'without', 'none', 'neither', 'nor', "don't", "doesn't",
  "didn't", "haven't", "hasn't", "hadn't", "isn't", "wasn't", "aren't", "weren't", 'negative', 'free', 'ruled',
]);
// Words right after a trigger that make it a pseudo-negation ("not only", "no, it's", "not sure").
const pseudoAfterTrigger = new Set([
  'only', 'just', 'sure', 'certain', 'better', 'improving', 'going', 'helping', 'stopping', 'getting', 'doubt', 'idea',
  'change', 'relief', 'one', 'know', 'think', 'matter', 'wonder', 'longer', 'mind', 'problem', 'worries', 'thanks',
]);
const hedgeWords = new Set([
  'think', 'maybe', 'kind', 'kinda', 'sort', 'sorta', 'little', 'bit', 'slight', 'slightly', 'mild', 'mildly', 'might',
  'possibly', 'perhaps', 'guess', 'probably', 'unsure', 'wondering', 'wonder', 'seems', 'seem', 'could', 'may',
]);
const relations = new Set<string>([
  'husband', 'wife', 'son', 'daughter', 'baby', "baby's", 'child', 'kid', 'kids', 'mom', 'mother', 'dad', 'father',
  'grandma', 'grandmother', 'grandpa', 'grandfather', 'brother', 'sister', 'partner', 'boyfriend', 'girlfriend', 'friend',
  'neighbor', 'roommate', 'moms', 'dads', 'aunt', 'uncle', 'cousin', 'toddler', 'infant', 'newborn', 'parents', 'mum', 'grandson',
  'granddaughter', 'fiance', 'spouse', "husband's", "wife's", "son's", "daughter's", "mom's", "dad's", "cousin's", "brother's",
  "sister's", "aunt's", "uncle's", 'grandparents', 'stepdad', 'stepmom', 'stepfather', 'stepmother',
]);
const thirdPersonPronouns = new Set(['he', 'she', 'him', 'his', 'her', 'they', 'them', 'their', "he's", "she's", "they're"]);
const firstPerson = new Set(['i', "i'm", "i've", "i'd", "i'll", 'me', 'my', 'myself', 'mine']);
const familyHistoryWords = new Set(['died', 'deceased']);
// Relatives whose past illness is family history (a child's own past seizure is just history).
const familyRelations = new Set([
  'mom', 'mother', 'dad', 'father', 'grandma', 'grandmother', 'grandpa', 'grandfather', 'brother', 'sister', 'aunt',
  'uncle', 'cousin', 'parents', 'mum', "mom's", "dad's", 'moms', 'dads', 'mums', "cousin's", "brother's", "sister's", "aunt's", "uncle's",
  'grandparents', 'relatives', 'stepdad', 'stepmom', 'stepfather', 'stepmother',
  // British, Australian and family words for grandparents.
  'nan', 'nana', 'nanna', 'gran', 'granny', 'grandad', 'granddad', 'grandmom', 'gramps', 'grandparent', "nan's", "gran's", "grandma's", "grandpa's",
]);
for (const word of familyRelations) relations.add(word);
// Words of the last few days: with them, a relative's "had" may be now.
const recentWords = new Set([
  'yesterday', 'night', 'tonight', 'today', 'morning', 'afternoon', 'evening', 'earlier', 'hour', 'hours', 'minute', 'minutes', 'week',
  'weekend', 'days', 'just', 'now', 'still', 'again', 'since',
]);
// Two or more relatives "had" it: nobody's two parents have the same emergency at once.
const pluralRelations = new Set(['parents', 'grandparents', 'relatives', 'both']);
// "in his twenties", "in the nineties": a life period, so the mention is past history.
const lifePeriods = new Set([
  'teens', 'twenties', 'thirties', 'forties', 'fifties', 'sixties', 'seventies', 'eighties', 'nineties', 'childhood', 'youth',
  '20s', '30s', '40s', '50s', '60s', '70s', '80s', '90s',
]);
const lifeStages = new Set(['newborn', 'baby', 'kid', 'child', 'teenager', 'teen', 'toddler', 'infant', 'boy', 'girl']);
const determiners = new Set(['this', 'these', 'that', 'my', 'the', 'his', 'her', 'their', 'our']);
const historyWords = new Set(['history', 'previously', 'used', 'hx', 'pmh', 'pmhx']);
// Weeks ago stays a flag: recent enough that a clinician should hear about it.
const pastUnits = new Set(['year', 'years', 'month', 'months', 'decades', 'decade', 'ages']);
const lastPeriods = new Set(['year', 'month', 'summer', 'winter', 'spring', 'fall', 'christmas', 'decade', 'time', 'week', 'weekend']);
const nowWords = new Set([
  'now', 'currently', 'today', 'tonight', 'again', 'still', 'another', 'started', 'starting', 'since', 'morning',
  'suddenly', 'just',
]);
const hypotheticalWords = new Set(['if', 'case', 'whether', 'prevent', 'risk', 'signs', 'watch', 'avoid']);
// "what do I do if the chest pain gets worse" presumes the pain is there; "call if it comes back" presumes it is gone.
const impliedCurrent = new Set(['worse', 'worsens', 'continues', 'persists', 'away']);
const settledWords = new Set(['fine', 'okay', 'ok', 'better', 'good', 'great', 'normal', 'well', 'healthy', 'stable', 'clean', 'sober']);
const months = new Set(['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']);

/** Scope of the clause around tokens [first, last]; "and I/now ..." also starts a new clause. */
function clauseStart(tokens: readonly Token[], first: number): number {
  let k = first - 1;
  for (let words = 0; k >= 0 && words < 10; k--) {
    const token = tokens[k]!;
    if (isClauseBoundary(token)) break;
    if ((token.text === 'and' || token.text === 'then') && k + 1 < first && startsNewSubject(tokens[k + 1]!.text)) break;
    if (!token.punct) words++;
  }
  return k + 1;
}

function clauseEnd(tokens: readonly Token[], last: number): number {
  let k = last + 1;
  for (let words = 0; k < tokens.length && words < 8; k++) {
    const token = tokens[k]!;
    if (isClauseBoundary(token)) break;
    if ((token.text === 'and' || token.text === 'then') && startsNewSubject(tokens[k + 1]?.text ?? '')) break;
    if (!token.punct) words++;
  }
  return k; // exclusive
}

function startsNewSubject(word: string): boolean {
  return firstPerson.has(word) || thirdPersonPronouns.has(word) || word === 'now' || word === 'it' || word === "it's" || word === 'today' || word === 'we' || word === "we're" || word === "we've";
}

/**
 * Whose mention it is. A caller who speaks for a baby, a child, a spouse or a parent ("my baby is
 * six weeks old and has a fever", "he passed out") speaks about the patient: the person the call is
 * about. Only people outside the clinic's care ("my neighbour had a stroke", "a coworker passed
 * out") are someone else, and a pronoun takes the person it refers back to ("my coworker ... he").
 */
function subjectOf(tokens: readonly Token[], first: number, last: number, caredFor: ReadonlySet<string>): 'patient' | 'outsider' {
  let pronounSeen = false;
  for (let k = last, seen = 0, sentences = 0; k >= 0 && seen < 40; k--, seen++) {
    const token = tokens[k]!;
    if (k < first && isSentenceBoundary(token)) {
      // A pronoun may refer back one sentence ("my coworker collapsed. he is not breathing"); nothing else does.
      if (!pronounSeen || ++sentences > 1) break;
      continue;
    }
    const word = token.text;
    if (outsiders.has(word) || (word === 'worker' && tokens[k - 1]?.text === 'co')) {
      if (caredFor.has(word.replace(/'s$/, ''))) return 'patient';
      // "my son's coach said he hit his head": a pronoun may go past the outsider to the child the caller speaks for.
      if (pronounSeen) {
        for (let j = k - 1; j >= Math.max(0, k - 8) && !isSentenceBoundary(tokens[j]!); j--) if (relations.has(tokens[j]!.text) && !outsiders.has(tokens[j]!.text)) return 'patient';
      }
      return 'outsider';
    }
    if (relations.has(word)) return 'patient';
    if (thirdPersonPronouns.has(word)) {
      pronounSeen = true;
      continue;
    }
    // "I", "me": the caller is the patient, or speaks for the person a pronoun names.
    if (firstPerson.has(word)) return 'patient';
  }
  return 'patient';
}

// People outside the household whom the clinic does not care for unless the call is about them.
const outsiders = new Set([
  'neighbor', 'neighbour', 'neighbors', 'neighbours', "neighbor's", "neighbour's", 'coworker', 'coworkers', "coworker's", 'colleague',
  'colleagues', "colleague's", 'boss', "boss's", 'friend', 'friends', "friend's", 'classmate', 'classmates', 'teammate', 'teammates',
  'roommate', 'landlord', 'landlady', 'acquaintance', 'buddy', 'stranger', 'customer', 'tenant', 'pastor', 'teacher', 'coach',
]);

/** People the call says it is about ("calling about my neighbour", "on behalf of my friend", "my friend is your patient"). */
function caredForIn(tokens: readonly Token[]): Set<string> {
  const cared = new Set<string>();
  for (let k = 0; k < tokens.length; k++) {
    const word = tokens[k]!.text;
    if (word === 'about' || word === 'for' || word === 'regarding' || word === 'behalf' || word === 'because') {
      const prev = tokens[k - 1]?.text ?? '';
      const calling = word === 'behalf' || ['calling', 'call', 'ringing', 'phoning', 'here', 'worried', 'concerned', 'is', "it's"].includes(prev);
      if (!calling) continue;
      for (let j = k + 1; j <= k + 4 && j < tokens.length; j++) {
        const other = tokens[j]!.text.replace(/'s$/, '');
        if (outsiders.has(other)) cared.add(other);
      }
    }
    // "my friend is a patient of Dr ...", "she's your patient".
    if (word === 'patient' && (tokens[k - 1]?.text === 'a' || tokens[k - 1]?.text === 'your')) {
      for (let j = k - 2; j >= Math.max(0, k - 6); j--) {
        const other = tokens[j]!.text.replace(/'s$/, '');
        if (outsiders.has(other)) cared.add(other);
      }
    }
  }
  return cared;
}

const noneCared: ReadonlySet<string> = new Set();

/**
 * The context of a mention at tokens [first, last]: set aside (with the reason), uncertain (a real
 * doubt that it is a red flag at all), or affirmed. Hedges ("I think", "kind of", "probably
 * nothing"), ASR garbling and a caller speaking for someone else do not make a mention uncertain:
 * under the labelling conventions a hedged red flag about the patient now is still a red flag.
 */
function assess(tokens: readonly Token[], first: number, last: number, caredFor: ReadonlySet<string> = noneCared): Context {
  const start = clauseStart(tokens, first);
  const end = clauseEnd(tokens, last);
  const who = subjectOf(tokens, first, last, caredFor);
  const context: Context = { uncertain: false, subject: who === 'outsider' ? 'other' : 'patient', factor: 1 };
  const notes: string[] = [];

  let relationBefore = false;
  let familyCue = false;
  let historyCue = false;
  let nowCue = false;
  let hypothetical = false;
  let hedge = false;
  let hadBefore = false;
  let inherited = false;
  let recentCue = false;
  let worryBecause = false;
  let sinceSettled = false;
  let saidNo = false;
  // A question about a symptom's nature ("is spotting normal ...", "is chest pain a side effect of ..."): maybe the
  // caller's own, maybe not; a person reads it.
  let askedAbout = false;
  // "admitted with", "discharged after": the hospital has it in hand; what the call asks is follow-up.
  let hospitalised = false;
  let nearMiss = false;
  let recurring = false;
  let statusPost = false;
  let onExertion = false;
  // "mild", "slight", "minor": said of the symptom, it is not the emergency version; a person reads it.
  let mild = false;
  for (let k = start; k < end; k++) {
    const word = tokens[k]!.text;
    const next = tokens[k + 1]?.text ?? '';
    if (k < first && familyRelations.has(word)) relationBefore = true;
    if (familyHistoryWords.has(word) || (word === 'passed' && next === 'away') || ((word === 'runs' || word === 'run') && next === 'in')) familyCue = true;
    if (word === 'family' && (next === 'history' || k > last)) familyCue = true;
    // "in my family", "my family has", "it's hereditary", "genetic", "on my mom's side".
    if (word === 'family' && (tokens[k - 1]?.text === 'my' || tokens[k - 1]?.text === 'our') && (tokens[k - 2]?.text === 'in' || next === 'has' || next === 'had')) familyCue = true;
    // "my whole family has", "everyone in my family".
    if (word === 'family' && tokens[k - 1]?.text === 'whole' && possessives.has(tokens[k - 2]?.text ?? '')) familyCue = true;
    // "I'm worried because my mom had ...": the caller's own risk, from a relative's history.
    if (k < first && worryWords.has(word) && (next === 'because' || next === 'since' || next === 'as')) worryBecause = true;
    // "suffered from X (for years)": a long-standing condition, not an event now.
    if (k < first && word === 'suffered' && next === 'from') historyCue = true;
    // "X for years", "for decades": long-standing, when said with a past or perfect verb.
    if (k > last && word === 'for' && hadBefore && (lifeSpans.has(next) || (lifeSpans.has(tokens[k + 2]?.text ?? '') && parseNumberAt(tokens, k + 1) !== undefined))) historyCue = true;
    // "nothing since", "none since", "not since": over, and not back.
    if (word === 'since' && settledBeforeSince.has(wordAt(tokens, k, -1))) { historyCue = true; sinceSettled = true; }
    // "the previous stroke", "his prior overdose", "my past seizures".
    if (k < first && first - k <= 2 && (word === 'previous' || word === 'prior' || (word === 'past' && !timeUnits.has(next)))) historyCue = true;
    // "all cleared up", "cleared up years ago".
    if (k > last && word === 'cleared' && next === 'up') historyCue = true;
    // "I was reading about X", "heard about", "an article on": information, not a symptom.
    if (k < first && readingWords.has(word) && withinCommaSegment(tokens, k, first)) {
      const after = next === 'up' || next === 'about' || next === 'on' || next === 'of' || next === 'the' || next === 'a' || next === 'an' || next === 'that' || next === 'signs' || next === 'how' || next === 'what';
      if (after || (word !== 'reading' && word !== 'read' && word !== 'heard' && word !== 'learn' && word !== 'learning')) hypothetical = true;
    }
    // "is X something to watch for", "X is something to worry about".
    if (k > last && word === 'something' && wordAt(tokens, k, 1) === 'to' && ['watch', 'look', 'worry', 'expect', 'be'].includes(wordAt(tokens, k, 2))) hypothetical = true;
    // "he was admitted December 1st with a GI bleed", "discharged after a stroke": a hospital stay already under way or over.
    if (k < first && first - k <= 8 && hospitalStay.has(word) && withinCommaSegment(tokens, k, first)) hospitalised = true;
    // "they were checking for a stroke", "my MRI for the seizures", "tested for sepsis": a test's purpose, not an event.
    if (k < first && first - k <= 4 && word === 'for' && testNouns.has(tokens[k - 1]?.text ?? '') && withinCommaSegment(tokens, k, first)) hypothetical = true;
    // "my mom is in the hospital with a stroke", "in the ICU after a heart attack": the hospital has it in hand.
    if (k < first && first - k <= 3 && (word === 'with' || word === 'after' || word === 'for') && inHospital(tokens, k)) hospitalised = true;
    // "had a stroke on Saturday": a named day before today.
    if (word === 'on' && k > last && hadBefore && weekdays.has(next)) historyCue = true;
    // "the cardiologist said my chest pain was just reflux": a clinician's verdict on it.
    if (k > last && k - last <= 2 && (word === 'was' || word === 'were') && verdictAfter.has(next) && clinicianSaid(tokens, first)) hospitalised = true;
    // "I almost passed out", "nearly fainted": it did not happen.
    if (k === first - 1 && (word === 'almost' || word === 'nearly')) nearMiss = true;
    // "my ER visit for the seizure", "the hospital stay for chest pain": a visit that has happened.
    if (k < first && first - k <= 4 && word === 'for' && visitWords.has(tokens[k - 1]?.text ?? '') && withinCommaSegment(tokens, k, first)) hospitalised = true;
    // "short of breath when I climb stairs": brought on by effort, a person judges it.
    if (k > last && k - last <= 4 && (word === 'when' || word === 'after' || word === 'if' || word === 'whenever') && exertion(tokens, k + 1)) onExertion = true;
    // "as needed for pain or shortness of breath", "prescribed for seizures": a medicine's use, not a symptom now.
    if (k < first && first - k <= 6 && withinCommaSegment(tokens, k, first) && indicationFor(tokens, k)) hypothetical = true;
    // "the nurse asked about X and I said no".
    if (k > last && word === 'said' && next === 'no') saidNo = true;
    // "my late father had a stroke": a relative who has died.
    if (k < first && word === 'late' && familyRelations.has(next)) familyCue = true;
    // "my sister was diagnosed with preeclampsia": a relative's diagnosis is family history.
    if (k < first && word === 'diagnosed' && relationBefore) historyCue = true;
    // "should I be worried about chest pain": a question about a possible symptom, unless it names one ("this chest pain").
    if (k < first && (word === 'worried' || word === 'concerned') && wordAt(tokens, k, -1) === 'be' && ['should', 'do', 'would'].includes(wordAt(tokens, k, -3)) && withinCommaSegment(tokens, k, first)) {
      if (determiners.has(tokens[first - 1]?.text ?? '')) hedge = true;
      else hypothetical = true;
    }
    // "strokes are hereditary", "a genetic heart condition": only when said of the mention itself.
    if ((word === 'hereditary' || word === 'genetic' || word === 'inherited') && ((k > last && k - last <= 3) || k === first - 1)) inherited = true;
    // "what temperature is a fever", "which temp counts": a question about the threshold.
    if (k < first && (word === 'temperature' || word === 'temp') && (tokens[k - 1]?.text === 'what' || tokens[k - 1]?.text === 'which')) hypothetical = true;
    if (word === 'side' && k > last && tokens[k - 2]?.text === 'my' && familyRelations.has(tokens[k - 1]?.text ?? '')) familyCue = true;
    // "in the past", "I once had", "I've had it before" (without "never", which is negation or novelty).
    if (word === 'past' && tokens[k - 1]?.text === 'the' && tokens[k - 2]?.text === 'in') historyCue = true;
    // "I once had", "had a seizure once", "once when I was"; not "once a day" (recurring) or "once I got home".
    // "threw up once" counts another symptom, it does not date this one.
    if (word === 'once' && (tokens[k - 1]?.text === 'had' || next === 'had' || (k > last && k - last <= 2 && onceEnds.has(next)))) historyCue = true;
    // "when should I go in for chest pain", "at what point do I worry about".
    if (k < first && word === 'when' && (next === 'should' || (next === 'do' && wordAt(tokens, k, 3) === 'need')) && withinCommaSegment(tokens, k, first)) hypothetical = true;
    if (k < first && word === 'point' && tokens[k - 1]?.text === 'what' && tokens[k - 2]?.text === 'at') hypothetical = true;
    // "can this medicine cause seizures", "could it cause a stroke": a question about a risk.
    if (k < first && (word === 'cause' || word === 'turn' || word === 'lead' || word === 'become' || word === 'trigger' || word === 'give') && [-1, -2, -3, -4].some((n) => causeModals.has(wordAt(tokens, k, n))) && withinCommaSegment(tokens, k, first)) hypothetical = true;
    if (k < first && word === 'look' && next === 'out' && tokens[k + 2]?.text === 'for') hypothetical = true;
    // "I used to have seizures" is history; "not moving like she used to" is a comparison.
    if (historyWords.has(word) && (word !== 'used' || (wordAt(tokens, k, 1) === 'to' && k < first))) historyCue = true;
    if (word === 'ago' || (word === 'back' && k > last && (wordAt(tokens, k, -1) === 'while' || (wordAt(tokens, k, -1) === 'years' && wordAt(tokens, k, -2) === 'few')))) {
      const prev = wordAt(tokens, k, -1);
      if (prev === 'while' && wordAt(tokens, k, -2) === 'a') historyCue = true;
      // "years ago", "a long time ago"; "a few minutes ago" is now.
      if (pastUnits.has(prev) || (prev === 'time' && tokens[k - 2]?.text === 'long') || prev === 'long') historyCue = true;
    }
    // "in his twenties", "in the nineties", "as a newborn", "as a teenager".
    if (word === 'in' && (lifePeriods.has(wordAt(tokens, k, 2)) || lifePeriods.has(wordAt(tokens, k, 1)))) historyCue = true;
    if (word === 'as' && (next === 'a' || next === 'an') && lifeStages.has(tokens[k + 2]?.text ?? '') && k > last) historyCue = true;
    if (word === 'treated' && (tokens[k - 1]?.text === 'was' || tokens[k - 1]?.text === 'were') && k < first) historyCue = true;
    if (word === 'had' && k < first && relationBefore && (pluralRelations.has(tokens[k - 1]?.text ?? '') || pluralRelations.has(tokens[k - 2]?.text ?? '') || tokens[k - 3]?.text === 'both')) familyCue = true;
    // "my mom had preeclampsia with me": a mother's pregnancy history.
    if (word === 'with' && k > last && relationBefore && hadBefore && (next === 'me' || next === 'my' || next === 'us' || next === 'all' || next === 'both')) familyCue = true;
    if (word === 'had' && k < first) hadBefore = true;
    // "before he passed": the relative has died.
    if (word === 'passed' && (next === 'from' || next === 'of') && k < first && relationBefore) familyCue = true;
    if (word === 'passed' && next !== 'out' && (thirdPersonPronouns.has(tokens[k - 1]?.text ?? '') || tokens[k - 1]?.text === 'they')) familyCue = true;
    // "last year", "last week", "the last time", "the past few years": past. "The past few days", "for the last week": up to now.
    if (word === 'last' || word === 'past') {
      const counted = next === 'few' || next === 'couple';
      const unit = counted ? (wordAt(tokens, k, 2) === 'of' ? wordAt(tokens, k, 3) : wordAt(tokens, k, 2)) : wordAt(tokens, k, 1);
      const upToNow = tokens[k - 1]?.text === 'the' && unit !== 'time';
      if (pastUnits.has(unit) || (!counted && !upToNow && lastPeriods.has(unit))) historyCue = true;
    }
    if (word === 'when' && (next === 'i' || next === 'he' || next === 'she') && tokens[k + 2]?.text === 'was') historyCue = true;
    if (word === 'as' && (next === 'a' && (tokens[k + 2]?.text === 'kid' || tokens[k + 2]?.text === 'child'))) historyCue = true;
    // "had seizures growing up", "his whole life", "all her life": a lifelong history.
    if ((word === 'growing' && next === 'up' && k > last) || (word === 'life' && (tokens[k - 1]?.text === 'whole' || tokens[k - 2]?.text === 'all'))) historyCue = true;
    if (recentWords.has(word)) recentCue = true;
    // "should I worry about X", "when do I need to worry about X": a question about a possible symptom.
    if (k < first && word === 'worry' && worryQuestion(tokens, k) && withinCommaSegment(tokens, k, first)) {
      if (determiners.has(tokens[first - 1]?.text ?? '')) hedge = true; // "should I worry about this chest pain": it is here
      else hypothetical = true;
    }
    // "what counts as a fever", "warning signs, like fainting".
    if (k < first && word === 'counts' && next === 'as') hypothetical = true;
    if (k < first && (word === 'signs' || word === 'symptoms') && (tokens[k - 1]?.text === 'warning' || tokens[k - 1]?.text === 'the')) {
      if (withinCommaSegment(tokens, k, first) || listFollows(tokens, k, first)) hypothetical = true;
    }
    if (word === 'back' && (next === 'in' || pastUnits.has(tokens[k - 1]?.text ?? ''))) historyCue = true;
    // "on my mom's side", "my grandma on my moms side": a relative's side of the family.
    if (word === 'side' && familyRelations.has(tokens[k - 1]?.text ?? '') && tokens[k - 2]?.text === 'my') familyCue = true;
    // "how do I know if ...": a question, not a report.
    if (k < first && word === 'if' && tokens[k - 1]?.text === 'know' && [-2, -3, -4].some((n) => wordAt(tokens, k, n) === 'how') && withinCommaSegment(tokens, k, first)) hypothetical = true;
    // "is chest pain a side effect of ...": probably the caller's own symptom; flagged, uncertain.
    if (k > last && word === 'effect' && tokens[k - 1]?.text === 'side' && (tokens[first - 1]?.text === 'is' || tokens[first - 1]?.text === 'are')) askedAbout = true;
    if (/^(19|20)\d\d$/.test(word) && tokens[k - 1]?.text === 'in') historyCue = true;
    // "in two thousand eighteen", "back in twenty nineteen": a year said aloud.
    if (word === 'in' && spokenYear(tokens, k + 1)) historyCue = true;
    // "when I was at urgent care last night for chest pain", "the ER bill for his asthma attack": a visit that happened.
    if (word === 'for' && k < first && first - k <= 4 && visitedFor(tokens, k)) hospitalised = true;
    // "I get chest pain when I'm anxious": a known pattern; a person reads it.
    if (k < first && first - k <= 3 && (word === 'get' || word === 'gets') && ['i', 'he', 'she', 'always', 'usually', 'sometimes'].includes(tokens[k - 1]?.text ?? '') && [1, 2, 3, 4].some((n) => ['when', 'whenever', 'if'].includes(tokens[last + n]?.text ?? ''))) recurring = true;
    // "I'm fine now", "doing well now": the past event is over, not happening now; "clean since" ends the sentence.
    // "fine now", "is fine like now", "what do I do now": no sign that the mention is happening now.
    const settled = word === 'now' && (settledWords.has(wordAt(tokens, k, -1)) || wordAt(tokens, k, -1) === 'do' || (settledWords.has(wordAt(tokens, k, -2)) && wordAt(tokens, k, -1) === 'up'));
    // "since this morning" is now; "since the medicine he's been fine", "ever since" and a bare "since" are not.
    const bareSince = word === 'since' && (!next || tokens[k + 1]!.punct || next === 'then' || settledBeforeSince.has(wordAt(tokens, k, -1)) || sinceNotTime.has(next));
    // "started a new medicine", "just need a refill": about the call, not the symptom.
    const greeting = (word === 'morning' || word === 'afternoon' || word === 'evening') && tokens[k - 1]?.text === 'good';
    const aboutTheCall = greeting || ((word === 'started' || word === 'starting') && startedOther.has(next)) || (word === 'just' && justOther.has(next));
    if ((nowWords.has(word) && !settled && !bareSince && !aboutTheCall) || (word === 'right' && next === 'now')) nowCue = true;
    // "had a heart attack at 50": an age at the event.
    if ((word === 'at' || word === 'age') && k > last && hadBefore && (parseNumberAt(tokens, k + 1)?.value ?? 0) >= 5) historyCue = true;
    // "is slurred speech a sign of ...", "is it normal to ...": a question about the symptom, not a report of it.
    if (k < first && word === 'normal' && wordAt(tokens, k, -1) === 'it' && wordAt(tokens, k, -2) === 'is' && withinCommaSegment(tokens, k, first)) hypothetical = true;
    if (k < first && word === 'sign' && wordAt(tokens, k, -1) === 'a' && next === 'of') hypothetical = true;
    if (k > last && word === 'sign' && wordAt(tokens, k, -1) === 'a' && next === 'of' && (tokens[first - 1]?.text === 'is' || tokens[first - 1]?.text === 'are') && (first === 1 || isSentenceBoundary(tokens[first - 2] ?? tokens[0]!))) hypothetical = true;
    // "is spotting normal ...?": likely a question about a symptom the caller has; flagged, uncertain.
    if (k === first - 1 && (word === 'is' || word === 'are') && (k === 0 || isSentenceBoundary(tokens[k - 1]!)) && [1, 2, 3].some((n) => wordAt(tokens, last, n) === 'normal')) askedAbout = true;
    // "after my surgery in March": a named month with a past verb in the clause.
    if (word === 'in' && months.has(next) && k > last && hadBefore) historyCue = true;
    // "s/p CVA in March", "status post stroke": a clinician's word for after an event.
    if (k < first && first - k <= 3 && ((word === 'post' && tokens[k - 1]?.text === 'status') || word === 'sp' || (word === 'p' && tokens[k - 1]?.text === 's'))) {
      historyCue = true;
      statusPost = true;
    }
    // "when my daughter was a newborn", "when we were kids".
    if (word === 'when' && k !== first && [1, 2, 3, 4, 5].some((n) => wordAt(tokens, k, n) === 'was' || wordAt(tokens, k, n) === 'were') && !wasNow(tokens, k)) historyCue = true;
    // "I'm recovering from a stroke", "he got over the pneumonia", "my old seizures": past, not now.
    if (k < first && first - k <= 5 && ((word === 'from' && (tokens[k - 1]?.text === 'recovering' || tokens[k - 1]?.text === 'recovered')) || (word === 'over' && (tokens[k - 1]?.text === 'got' || tokens[k - 1]?.text === 'gotten')))) historyCue = true;
    if (k === first - 1 && word === 'old' && possessives.has(tokens[k - 1]?.text ?? '')) historyCue = true;
    // "would it be a stroke if ...", "is it possible to have a seizure from ...": a question about a possibility.
    if (k < first && word === 'would' && (next === 'it' || next === 'that' || next === 'this') && tokens[k + 2]?.text === 'be' && withinCommaSegment(tokens, k, first)) hypothetical = true;
    if (k < first && word === 'possible' && withinCommaSegment(tokens, k, first)) {
      if (next === 'to' || next === 'for') hypothetical = true;
      // "is it possible I'm having a stroke": a worry about now; "is it possible the chest pain was from anxiety": a question about one that is over.
      else if (wordAt(tokens, last, 1) === 'was' || wordAt(tokens, last, 1) === 'were') askedAbout = true;
      else hedge = true;
    }
    // "worried I might have a stroke" (the future); "worried I might be having one" is now, and hedged.
    if (k < first && worryWords.has(word) && withinCommaSegment(tokens, k, first)) {
      const modal = [1, 2, 3].map((n) => k + n).find((j) => futureModals.has(tokens[j]?.text ?? ''));
      if (modal !== undefined) {
        const after = tokens[modal + 1]?.text ?? '';
        const presentOrPast = after === 'be' || after === 'already' || (after === 'have' && ['had', 'been'].includes(tokens[modal + 2]?.text ?? ''));
        if (presentOrPast) hedge = true;
        else hypothetical = true;
      }
    }
    if (k < first && hypotheticalWords.has(word)) {
      const prev = tokens[k - 1]?.text ?? '';
      // "as if" is a comparison; "if you could" is a polite request; "not sure if" is a hedge.
      if (word === 'if' && (prev === 'as' || next === 'you' || prev === 'sure' || prev === 'know' || prev === 'see' || prev === 'wondering')) {
        if (prev !== 'as' && next !== 'you') hedge = true;
      } else if (word === 'case' && wordAt(tokens, k, -1) !== 'in') {
        // "in my case" is not hypothetical.
      } else if (word === 'watch' && next !== 'for' && next !== 'out') {
        // "the little boy I watch": looking after a child, not watching for a sign.
      } else if (word === 'signs' || word === 'watch' || word === 'risk') {
        if (withinCommaSegment(tokens, k, first)) hypothetical = true;
      } else if (withinCommaSegment(tokens, k, first)) {
        hypothetical = true;
      }
    }
    if (k <= last && first - k <= 4 && explicitMild.has(word) && !contrastWords.has(tokens[k - 1]?.text ?? '')) mild = true;
    if ((k < first || (k >= first && k <= last)) && hedgeWords.has(word)) {
      // "kind of"/"sort of"/"a little"/"a bit" are hedges; bare "kind"/"little" are not always.
      if ((word === 'kind' || word === 'sort') && next !== 'of') continue;
      if ((word === 'little' || word === 'bit') && tokens[k - 1]?.text !== 'a') continue;
      if (word === 'could' && next !== 'be') continue;
      if (word === 'may' && next !== 'be') continue;
      hedge = true;
    }
    if (word === 'not' && next === 'sure') hedge = true;
    if (word === "don't" && next === 'know') hedge = true;
  }

  // Family history: a relative plus "died/passed/runs in the family", or "family history of".
  if ((inherited && !nowCue) || (familyCue && (relationBefore || hasFamilyWord(tokens, start, end)))) return { ...context, setAside: 'family-history' };
  if (historyCue && relationBefore) return { ...context, setAside: 'family-history' };
  if (worryBecause && relationBefore && hadBefore && !nowCue && !recentCue) return { ...context, setAside: 'family-history' };
  if (saidNo || saidNoAfter(tokens, first, last) || answeredNo(tokens, last)) return { ...context, setAside: 'negated' };
  if (sinceSettled && historyCue && !recentCue) return { ...context, setAside: 'historical' };
  // "my mom and her sister had cancer and my aunt had a stroke": a later item of a list of what relatives had, with no
  // sign of now or of the last few days, is family history. A bare "my aunt had a seizure", or a list's first item, stays
  // an (uncertain) flag.
  if (relationBefore && hadBefore && !nowCue && !recentCue && relativesWhoHad(tokens, first) >= 2) return { ...context, setAside: 'family-history' };
  // Someone outside the clinic's care: a story ("my neighbour had a stroke"), unless it is happening in front of the caller now.
  if (who === 'outsider') {
    if (!happeningNow(tokens, start, end) && !callingAbout(tokens, first) && outsiderStory(tokens, first, last, hadBefore)) return { ...context, setAside: 'third-party' };
    notes.push('outsider');
  }
  if (hospitalised) return { ...context, setAside: 'historical' };
  // "because of my seizures", "his strokes": a condition the patient lives with, when nothing says it is happening now.
  if (possessives.has(tokens[first - 1]?.text ?? '') && conditionPlurals.has(tokens[last]!.text) && !nowCue && !recentCue && !nowLater(tokens, last) && !wordsAfter(tokens, last, recurrenceWords)) {
    return { ...context, setAside: 'historical' };
  }
  if (nearMiss) return { ...context, setAside: 'negated' };
  // "My daughter had a reaction last year, she got hives and her lips swelled": a story in the past, told in one sentence.
  if (!historyCue && !nowCue && !recentCue && pastStory(tokens, first, last)) historyCue = true;
  if (historyCue) {
    if (!nowCue || statusPost) return { ...context, setAside: 'historical' };
    // "I had a seizure years ago and now ...": the now wins; a past event that is back is a red flag.
    notes.push('history-and-now');
    context.factor *= 0.85;
  }
  if (hypothetical) {
    const implied = tokensBetween(tokens, last + 1, end).some((t, n) => impliedCurrent.has(t.text) && (t.text !== 'back' || backIsReturn.has(tokens[last + n]?.text ?? '')));
    if (!implied) return { ...context, setAside: 'hypothetical' };
    // "what do I do if the chest pain gets worse": the question presumes the symptom is there now.
    notes.push('hypothetical-but-current');
  }

  const negation = findNegation(tokens, start, first, last, end);
  if (negation === 'negated') return { ...context, setAside: 'negated' };
  const resolved = resolution(tokens, first, last);
  if (resolved === 'settled') return { ...context, setAside: 'resolved' };
  if (ordinaryVersion(tokens, first, last)) return { ...context, setAside: 'mild' };
  if (negation === 'unclear') {
    notes.push('negation-unclear');
    context.uncertain = true;
    context.factor *= 0.7;
  }
  if (resolved === 'eased') {
    // Stopped minutes ago, or with no time said: it may come back, so it stays a red flag.
    notes.push('resolved-recently');
    context.factor *= 0.8;
  }
  if (hedge) {
    notes.push('hedged');
    context.factor *= 0.8;
  }
  // "is chest pain normal after the flu shot? I have it right now": the question is about a symptom here now.
  const nowAfter = nowCue || nowLater(tokens, last);
  if (askedAbout && !nowAfter) {
    notes.push('asked-about');
    context.uncertain = true;
  }
  if (mild && !nowAfter) {
    notes.push('mild');
    context.uncertain = true;
  }
  if (recurring && !nowAfter) {
    notes.push('recurring-pattern');
    context.uncertain = true;
  }
  if (onExertion && !nowAfter) {
    notes.push('on-exertion');
    context.uncertain = true;
  }
  // "my aunt had a seizure": a relative's event with no sign of when; a person reads it.
  if (relationBefore && hadBefore && !nowCue && !recentCue && !happeningNow(tokens, last + 1, sentenceEnd(tokens, last))) {
    notes.push('relative-when-unsaid');
    if (!callingAbout(tokens, first)) context.uncertain = true;
  }
  if (notes.length > 0) context.note = notes.join('+');
  return context;
}

const explicitMild = new Set(['mild', 'mildly', 'slight', 'slightly', 'minor']);
const storyPeriods = new Set(['year', 'month', 'summer', 'winter', 'spring', 'fall', 'autumn', 'christmas', 'decade', 'week', 'weekend']);
const presentTense = new Set(['have', 'has', "i'm", 'am', 'is', 'are', "he's", "she's", "it's", "they're", "can't", "won't", 'keeps', 'keep', 'getting', 'having', 'feel', 'feels']);
const storyStops = new Set(['now', 'today', 'tonight', 'again', 'still', 'another', 'currently', 'worse', 'started', 'minutes', 'hour', 'hours', 'yesterday', 'morning']);

/**
 * The sentence before the mention sets it in the past ("last year", "years ago", "in 2019", "back in
 * the spring") and nothing between says now ("again", "it's back", "today") or follows in the rest of
 * the sentence.
 */
function pastStory(tokens: readonly Token[], first: number, last: number): boolean {
  for (let k = last + 1; k < Math.min(tokens.length, last + 12) && !isSentenceBoundary(tokens[k]!); k++) {
    const word = tokens[k]!.text;
    if (word === ',' || ((word === 'and' || word === 'then') && startsNewSubject(tokens[k + 1]?.text ?? ''))) break;
    if (storyStops.has(word) || (word === 'back' && ["it's", 'is', "he's", "she's", 'came', 'coming'].includes(tokens[k - 1]?.text ?? ''))) return false;
  }
  for (let k = first - 1; k >= Math.max(0, first - 30); k--) {
    const token = tokens[k]!;
    if (isSentenceBoundary(token)) return false;
    const word = token.text;
    const prev = tokens[k - 1]?.text ?? '';
    if (storyStops.has(word) || (word === 'back' && ["it's", 'is', "he's", "she's", 'came', 'coming'].includes(prev))) return false;
    // A present tense between the past time and the mention ("last month for my knee and I have chest pain"): now.
    if (presentTense.has(word)) return false;
    if (storyPeriods.has(word) && (prev === 'last' || (prev === 'the' && tokens[k - 2]?.text === 'in'))) return true;
    if (word === 'ago' && pastUnits.has(prev)) return true;
    if (/^(19|20)\d\d$/.test(word) && prev === 'in') return true;
    if (word === 'in' && prev === 'back') return true;
  }
  return false;
}

const placesOfCare = new Set(['er', 'r', 'emergency', 'room', 'hospital', 'ed', 'care', 'clinic', 'ambulance', 'ambulatory', 'hospitalist']);
const visitedVerbs = new Set(['was', 'were', 'went', 'been', 'from', 'bill', 'billed', 'charge', 'charged', 'claim', 'statement', 'visit', 'seen', 'treated']);

/** "for" at k ends "was at urgent care last night for", "the bill from the emergency room for": a visit that happened. */
function visitedFor(tokens: readonly Token[], k: number): boolean {
  let place = false;
  for (let j = k - 1; j >= Math.max(0, k - 10); j--) {
    const word = tokens[j]!.text;
    if (isSentenceBoundary(tokens[j]!) || word === 'should' || word === 'need' || word === 'go' || word === 'going' || word === 'gonna') return false;
    if (placesOfCare.has(word)) place = true;
    if (place && visitedVerbs.has(word)) return true;
  }
  return false;
}

/** A year said aloud at k: "two thousand eighteen", "twenty nineteen", "nineteen ninety eight". */
function spokenYear(tokens: readonly Token[], k: number): boolean {
  const word = tokens[k]?.text ?? '';
  const whole = parseNumberAt(tokens, k);
  if (whole && whole.value >= 1950 && whole.value <= 2030) return true;
  if (word !== 'nineteen' && word !== 'twenty') return false;
  const rest = tokens[k + 1]?.text === 'oh' ? parseNumberAt(tokens, k + 2) : parseNumberAt(tokens, k + 1);
  return rest !== undefined && (tokens[k + 1]?.text === 'oh' ? rest.value < 10 : rest.value >= 10 && rest.value <= 99);
}

const testNouns = new Set([
  'checking', 'check', 'checked', 'test', 'tested', 'testing', 'tests', 'screen', 'screened', 'screening', 'evaluated', 'evaluation', 'mri', 'ct', 'scan', 'eeg',
  'ekg', 'ecg', 'echo', 'labs', 'workup', 'imaging', 'ultrasound', 'monitor', 'monitoring', 'looking', 'look',
]);
const weekdays = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'the']);
const verdictAfter = new Set(['just', 'only', 'from', 'due', 'caused', 'muscular', 'nothing', 'fine', 'reflux', 'anxiety', 'negative', 'not', 'probably', 'likely', 'a', 'an', 'gas', 'heartburn', 'benign']);
const clinicians = new Set(['doctor', 'dr', 'cardiologist', 'neurologist', 'specialist', 'er', 'hospital', 'they', 'nurse', 'physician', 'provider', 'urgent', 'pa', 'np', 'surgeon']);

/** A clinician said or found something earlier in the sentence ("the cardiologist said ...", "they told me ..."). */
function clinicianSaid(tokens: readonly Token[], first: number): boolean {
  let said = false;
  for (let k = first - 1; k >= Math.max(0, first - 12) && !isSentenceBoundary(tokens[k]!); k--) {
    const word = tokens[k]!.text;
    if (['said', 'says', 'told', 'thinks', 'thought', 'found', 'confirmed', 'decided'].includes(word)) said = true;
    if (said && clinicians.has(word)) return true;
  }
  return false;
}

/** "in the hospital with", "in the ICU after", "admitted to the hospital for": k is the preposition after the place. */
function inHospital(tokens: readonly Token[], k: number): boolean {
  for (let j = k - 1; j >= Math.max(0, k - 3); j--) {
    const word = tokens[j]!.text;
    if (word === 'hospital' || word === 'icu' || word === 'rehab' || word === 'hospice') return ['in', 'the', 'at'].includes(tokens[j - 1]?.text ?? '') || tokens[j - 2]?.text === 'in';
  }
  return false;
}

const visitWords = new Set(['visit', 'trip', 'stay', 'admission', 'hospitalization', 'workup', 'appointment', 'followup', 'surgery']);
const exertionWords = new Set(['climb', 'climbing', 'stairs', 'walk', 'walking', 'exercise', 'exercising', 'run', 'running', 'jog', 'jogging', 'carry', 'carrying', 'hike', 'hiking', 'lift', 'lifting', 'workout', 'working']);

/** "I climb the stairs", "walking the dog", "I exercise": effort named within a few words. */
function exertion(tokens: readonly Token[], from: number): boolean {
  for (let k = from; k < Math.min(tokens.length, from + 4); k++) if (exertionWords.has(tokens[k]!.text)) return true;
  return false;
}

const conditionPlurals = new Set(['seizures', 'strokes', 'attacks', 'overdoses', 'spells', 'fits', 'convulsions', 'blackouts', 'migraines']);

/** Any of `words` later in the sentence. */
function wordsAfter(tokens: readonly Token[], last: number, words: ReadonlySet<string>): boolean {
  for (let k = last + 1; k < sentenceEnd(tokens, last); k++) if (words.has(tokens[k]!.text)) return true;
  return false;
}

const hospitalStay = new Set(['admitted', 'hospitalized', 'hospitalised', 'discharged', 'readmitted']);

/** "as needed for", "prn for", "prescribed for", "used to treat": the word at k starts a medicine's indication. */
function indicationFor(tokens: readonly Token[], k: number): boolean {
  const word = tokens[k]!.text;
  const next = tokens[k + 1]?.text ?? '';
  if (word === 'needed' && next === 'for') return true;
  if (word === 'prn') return true;
  if ((word === 'prescribed' || word === 'indicated' || word === 'approved') && next === 'for') return true;
  if (word === 'to' && next === 'treat') return true;
  if (word === 'treatment' && next === 'of') return true;
  return false;
}

const presentWords = new Set(['now', 'currently', 'just', 'here', 'still', 'keeps', "won't", "can't", "isn't", "he's", "she's", "they're", 'having']);

const storyTimes = new Set(['yesterday', 'ago', 'last', 'weekend', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'party', 'funeral', 'before', 'once']);
const storyTurns = new Set(['worried', 'worry', 'scared', 'nervous', 'thinking', 'wondering', 'made', 'got', 'own', 'myself', 'too', 'also']);

/**
 * An outsider's event told as a story, not as the reason for the call: "had" an event ("my
 * neighbour had a stroke"), a past time ("last week", "yesterday", "at the party"), or the caller
 * turning to their own worry ("... and it got me worried about my own heart").
 */
function outsiderStory(tokens: readonly Token[], first: number, last: number, hadBefore: boolean): boolean {
  if (hadBefore) return true;
  for (let k = last + 1; k < Math.min(tokens.length, last + 20); k++) {
    const word = tokens[k]!.text;
    if (storyTimes.has(word) && k - last <= 8) return true;
    if (storyTurns.has(word) && (firstPerson.has(tokens[k + 1]?.text ?? '') || firstPerson.has(tokens[k - 1]?.text ?? '') || word === 'own' || word === 'myself')) return true;
  }
  for (let k = first - 1; k >= Math.max(0, first - 8); k--) if (storyTimes.has(tokens[k]!.text)) return true;
  return false;
}

/** A word of now later in the sentence ("... when I walk, and today it came on at rest"). */
function nowLater(tokens: readonly Token[], last: number): boolean {
  for (let k = last + 1; k < sentenceEnd(tokens, last); k++) if (['now', 'today', 'tonight', 'currently', 'rest', 'resting', 'sitting', 'again'].includes(tokens[k]!.text)) return true;
  return false;
}

/** "I'm calling because my mom had a seizure", "calling about my dad, he had a fall": the event is why the caller rang. */
function callingAbout(tokens: readonly Token[], first: number): boolean {
  for (let k = first - 1; k >= Math.max(0, first - 12) && !isSentenceBoundary(tokens[k]!); k--) {
    const word = tokens[k]!.text;
    if ((word === 'calling' || word === 'call' || word === 'ringing') && ['because', 'about', 'for', 'cause', "'cause", 'since'].includes(tokens[k + 1]?.text ?? '')) return true;
  }
  return false;
}

function sentenceEnd(tokens: readonly Token[], last: number): number {
  let k = last + 1;
  while (k < tokens.length && k - last < 20 && !isSentenceBoundary(tokens[k]!)) k++;
  return k;
}

/** A present-tense or just-now mention ("she's not breathing", "he just collapsed", "here with me"). */
function happeningNow(tokens: readonly Token[], start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const word = tokens[k]!.text;
    if (presentWords.has(word)) return true;
    if ((word === 'is' || word === 'are') && tokens[k + 1]?.text !== 'a') return true;
  }
  return false;
}

const easedWords = new Set(['stopped', 'eased', 'resolved', 'gone', 'went', 'passed', 'settled', 'cleared', 'better', 'fine', 'okay', 'ok', 'normal']);
const dayScale = new Set(['yesterday', 'days', 'weekend', 'week', 'weeks', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);
const recurrenceWords = new Set(['again', 'still', 'back', 'keeps', 'returned', 'returning', 'worse', 'worsening', 'another', 'restarted']);

/**
 * Whether the mention is over: `settled` when it stopped a day or more ago, or "has been fine
 * since" ("the bleeding stopped yesterday and has been fine since"); `eased` when it stopped with
 * no such time ("chest pain that just eased"): that may come back and stays a red flag.
 */
function resolution(tokens: readonly Token[], first: number, last: number): 'settled' | 'eased' | undefined {
  let eased = false;
  let days = false;
  let recent = false;
  let fineSince = false;
  let fineNow = false;
  // The time said just before the mention counts too ("yesterday she passed out ...").
  for (let k = Math.max(0, first - 6); k < first; k++) {
    const word = tokens[k]!.text;
    if (dayScale.has(word) || (word === 'last' && tokens[k + 1]?.text === 'night')) days = true;
    if (recentTimes.has(word)) recent = true;
  }
  for (let k = last + 1; k < Math.min(tokens.length, last + 18); k++) {
    const token = tokens[k]!;
    if (isSentenceBoundary(token) && k > last + 1 && !eased) break;
    if (isSentenceBoundary(token) && k > last + 12) break;
    const word = token.text;
    const next = tokens[k + 1]?.text ?? '';
    // "my chest is killing me and my headache went away yesterday": another thing's resolution, not this one's.
    if ((word === 'and' || word === 'but' || word === 'so') && (firstPerson.has(next) || next === 'the' || next === 'we' || possessives.has(next)) && !eased) break;
    // "stopped for a minute then started again": not over at all.
    if (recurrenceWords.has(word) && !(word === 'back' && ['to', 'when', 'then'].includes(next))) return undefined;
    if (dayScale.has(word) || (word === 'last' && next === 'night')) days = true;
    if (recentTimes.has(word)) recent = true;
    if (easedWords.has(word)) {
      if (word === 'went' && next !== 'away') continue;
      if (word === 'passed' && next === 'out') continue;
      if ((word === 'fine' || word === 'okay' || word === 'ok' || word === 'normal' || word === 'better') && !eased) {
        // "fine since", "back to normal", "fine now": over; "fine" alone is not a resolution of this mention.
        if (['since', 'ever'].includes(next) || tokens[k - 1]?.text === 'to') { eased = true; fineSince = true; }
        if (next === 'now') { eased = true; fineNow = true; }
        continue;
      }
      eased = true;
      if ((word === 'fine' || word === 'okay' || word === 'normal') && (next === 'since' || next === 'ever')) fineSince = true;
    }
    if (eased && (word === 'since' || (word === 'ever' && next === 'since')) && (!next || tokens[k + 1]!.punct || ['then', 'yesterday', 'last'].includes(next) || word === 'ever')) fineSince = true;
  }
  if (!eased) return undefined;
  // Over a day or more, or fine since: history. "This morning ... fine now": the last hours, still a red flag.
  if (days || (fineSince && !recent) || (fineNow && !recent && days)) return 'settled';
  return 'eased';
}

const recentTimes = new Set(['minutes', 'minute', 'hour', 'hours', 'just', 'today', 'morning', 'tonight', 'earlier', 'afternoon', 'evening']);

/** "and I ...", "but she ...", "so he ...": token k joins a new clause with its own subject. */
function newClauseAt(tokens: readonly Token[], k: number): boolean {
  const word = tokens[k]!.text;
  return (word === 'and' || word === 'so' || word === 'then') && startsNewSubject(tokens[k + 1]?.text ?? '');
}

const minorAfterNothing = new Set(['dramatic', 'serious', 'major', 'crazy', 'severe', 'terrible', 'alarming', 'scary']);
const ordinaryWords = new Set(['usual', 'always', 'typical', 'normal', 'regular', 'ever', 'chronic']);
const contrastWords = new Set(['than', 'not', 'unlike', 'nothing', 'from', 'beyond', "isn't", "wasn't", 'never', 'worse', 'different', 'more']);

/**
 * "a mild headache like my usual ones", "a little short of breath after the stairs, like always",
 * "my regular migraine", "normal for me": the ordinary version of a symptom, said of it in the same
 * sentence, is not a red flag. "Worse than usual", "not like my usual", "different from always" say
 * the opposite; a bare "usually" elsewhere in the sentence ("I usually wouldn't call") says nothing.
 */
function ordinaryVersion(tokens: readonly Token[], first: number, last: number): boolean {
  // Only the mention's own clause: "my knee aches like always and I have crushing chest pain" is not an ordinary chest pain.
  let from = first;
  while (from > 0 && first - from < 12 && !isClauseBoundary(tokens[from - 1]!) && !newClauseAt(tokens, from - 1)) from--;
  const to = clauseEnd(tokens, last) - 1;
  let ordinary = false;
  for (let k = from; k <= to; k++) {
    const word = tokens[k]!.text;
    const prev = tokens[k - 1]?.text ?? '';
    const next = tokens[k + 1]?.text ?? '';
    // "nothing dramatic", "nothing serious", "no big deal": said to make it small (not "probably nothing", a hedge).
    if (word === 'nothing' && minorAfterNothing.has(next)) ordinary = true;
    if (word === 'big' && prev === 'no' && next === 'deal') ordinary = true;
    // Anything that says it is new or worse undoes the comparison.
    if (word === 'worse' || word === 'worst' || word === 'different' || (word === 'never' && k > last) || (word === 'first' && next === 'time')) return false;
    if (!ordinaryWords.has(word) && word !== 'new' && word !== 'same') continue;
    if (contrastWords.has(prev) || contrastWords.has(tokens[k - 2]?.text ?? '') || contrastWords.has(tokens[k - 3]?.text ?? '')) {
      if (word !== 'new') return false;
    }
    // "like always", "as usual", "like my usual ones", "as ever".
    const likeBefore = [1, 2].some((n) => ['like', 'as'].includes(tokens[k - n]?.text ?? ''));
    if (likeBefore && word !== 'new' && word !== 'same') ordinary = true;
    // "my usual headache", "the regular migraine", "her chronic ...": an adjective of the mention itself.
    if (k < first && first - k <= 3 && (word === 'usual' || word === 'regular' || word === 'typical' || word === 'chronic')) ordinary = true;
    // "normal for me", "typical for him".
    if ((word === 'normal' || word === 'usual' || word === 'typical') && next === 'for' && ['me', 'him', 'her', 'them', 'us'].includes(tokens[k + 2]?.text ?? '')) ordinary = true;
    // "nothing new", "the same as always".
    if (word === 'new' && prev === 'nothing') ordinary = true;
    if (word === 'same' && next === 'as' && ['always', 'usual', 'ever', 'normal'].includes(tokens[k + 2]?.text ?? '')) ordinary = true;
    // "I always get a little short of breath": a habit, said before the mention.
    if (word === 'always' && k < first && ['get', 'gets', 'have', 'has', 'feel', 'feels', 'am', 'get'].includes(next)) ordinary = true;
  }
  return ordinary;
}

/** "should I worry", "do I need to worry", "when should we worry". */
function worryQuestion(tokens: readonly Token[], k: number): boolean {
  const prev = wordAt(tokens, k, -1);
  const before = wordAt(tokens, k, -2);
  if ((prev === 'i' || prev === 'we') && (before === 'should' || before === 'do' || before === 'would')) return true;
  return prev === 'to' && (before === 'need' || before === 'have');
}

const possessives = new Set(['my', 'his', 'her', 'their', 'our', 'your']);
const lifeSpans = new Set(['years', 'decades', 'ages', 'yrs']);
const sinceNotTime = new Set(['the', 'my', 'his', 'her', 'their', 'starting', 'taking', 'being', 'he', 'she', 'i', 'we', 'they', 'it', 'that', 'surgery', 'then']);
const settledBeforeSince = new Set(['nothing', 'none', 'not', 'fine', 'ok', 'okay', 'well', 'problems', 'issues', 'anything', 'nothin']);
const timeUnits = new Set(['hour', 'hours', 'minute', 'minutes', 'day', 'days', 'week', 'few', 'couple', 'half', 'while', 'night']);
const readingWords = new Set([
  'reading', 'read', 'heard', 'article', 'video', 'leaflet', 'pamphlet', 'brochure', 'information', 'info', 'class', 'course', 'lecture',
  'documentary', 'podcast', 'googling', 'googled', 'researching', 'learn', 'learning', 'studying', 'essay', 'paper', 'poster', 'website',
]);
const startedOther = new Set(['a', 'an', 'the', 'taking', 'on', 'new', 'my', 'his', 'her', 'their', 'physio', 'therapy', 'treatment', 'medication', 'medicine', 'work', 'school']);
const justOther = new Set(['need', 'needs', 'want', 'wants', 'wanted', 'calling', 'called', 'wondering', 'checking', 'to', 'fine', 'because', 'a', 'the', 'curious', 'asking']);
const backIsReturn = new Set(["it's", 'is', 'came', 'comes', 'coming', 'are', "they're", 'keeps', 'right']);

/** "any chest pain? no.", "are you having trouble breathing? nope": a question answered no. */
function answeredNo(tokens: readonly Token[], last: number): boolean {
  let k = last + 1;
  while (k < tokens.length && !isSentenceBoundary(tokens[k]!) && k - last <= 12) k++;
  if (tokens[k]?.text !== '?') return false;
  let j = k + 1;
  // A transcript's speaker label ("Caller:") may come between.
  if (tokens[j + 1]?.text === ':' && (tokens[j]?.text === 'caller' || tokens[j]?.text === 'patient')) j += 2;
  const answer = tokens[j]?.text ?? '';
  if (answer !== 'no' && answer !== 'nope' && answer !== 'nah' && answer !== 'negative') return false;
  // "no, it's getting worse" is not a denial.
  const after = tokens[j + 1]?.text === ',' ? tokens[j + 2]?.text ?? '' : tokens[j + 1]?.text ?? '';
  return !['but', "it's", 'it', 'worse', 'still', 'actually'].includes(after);
}

/** "the nurse asked about X and I said no": asked before the mention, "said no" after it, one sentence. */
function saidNoAfter(tokens: readonly Token[], first: number, last: number): boolean {
  let asked = false;
  for (let k = first - 1; k >= Math.max(0, first - 8) && !isSentenceBoundary(tokens[k]!); k--) {
    if (tokens[k]!.text === 'asked' || tokens[k]!.text === 'asking') asked = true;
  }
  if (!asked) return false;
  for (let k = last + 1; k < Math.min(tokens.length, last + 10) && !isSentenceBoundary(tokens[k]!); k++) {
    const word = tokens[k]!.text;
    if ((word === 'said' || word === 'says') && ['no', 'nope', 'never'].includes(wordAt(tokens, k, 1))) return true;
    if (word === 'denied' || word === 'denies') return true;
  }
  return false;
}

/** "when he was having it, ..." / "when she was lying there": a when-clause about now, not a past period. */
function wasNow(tokens: readonly Token[], k: number): boolean {
  for (let n = 1; n <= 7; n++) {
    const word = wordAt(tokens, k, n);
    if (word === 'just' || word === 'now' || word === 'today' || word === 'tonight' || word === 'earlier' || word === 'minutes') return true;
  }
  return false;
}
const worryWords = new Set(['worried', 'afraid', 'scared', 'concerned', 'nervous', 'terrified', 'fear', 'worry']);
const futureModals = new Set(['might', 'could', 'will', 'may', "i'll", "he'll", "she'll", "we'll", 'gonna', 'would']);
const causeModals = new Set(['can', 'could', 'does', 'will', 'might', 'would', 'do']);
const onceEnds = new Set(['', '.', '?', '!', ',', ';', 'before', 'years', 'when', 'as', 'back', 'long', 'in']);
const softWords = new Set(['like', 'so', 'really', 'just', 'actually']);

/** The word `n` words after (or before, n < 0) token `k`, skipping soft fillers ("in his like twenties"). */
function wordAt(tokens: readonly Token[], k: number, n: number): string {
  const step = n < 0 ? -1 : 1;
  let j = k;
  for (let left = Math.abs(n); left > 0;) {
    j += step;
    const token = tokens[j];
    if (!token) return '';
    if (!softWords.has(token.text)) left--;
  }
  return tokens[j]?.text ?? '';
}

/** "signs, like X" / "signs, such as X": the comma opens the list of examples. */
function listFollows(tokens: readonly Token[], from: number, to: number): boolean {
  for (let k = from + 1; k < to; k++) {
    if (tokens[k]!.text !== ',') continue;
    const next = tokens[k + 1]?.text;
    if (next !== 'like' && next !== 'such' && next !== 'say' && next !== 'e') return false;
  }
  return true;
}

/** Relatives said with "had"/"has" before `at` in its sentence: the mention is a later item of a list ("my mom had ..., my aunt had ..."). */
function relativesWhoHad(tokens: readonly Token[], at: number): number {
  let from = at;
  while (from > 0 && !isSentenceBoundary(tokens[from - 1]!)) from--;
  let count = 0;
  for (let k = from; k < at; k++) {
    if (!familyRelations.has(tokens[k]!.text) && tokens[k]!.text !== 'sister' && tokens[k]!.text !== 'brother') continue;
    for (let j = k + 1; j <= k + 4 && j < tokens.length; j++) {
      const word = tokens[j]!.text;
      if (word === 'had' || word === 'has') { count++; break; }
    }
  }
  return count;
}

function hasFamilyWord(tokens: readonly Token[], start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (tokens[k]!.text === 'family') return true;
  return false;
}

function tokensBetween(tokens: readonly Token[], from: number, to: number): Token[] {
  return tokens.slice(from, to);
}

function withinCommaSegment(tokens: readonly Token[], from: number, to: number): boolean {
  for (let k = from + 1; k < to; k++) if (tokens[k]!.text === ',') return false;
  return true;
}

// Negations that govern a list of nouns: "no fever, chills or chest pain", "denies fever and chest pain".
const listNegators = new Set(['no', 'denies', 'denied', 'deny', 'denying', 'without', 'none', 'neither', 'nor', 'negative', 'free', 'ruled']);
// After a verbal negation, words that make it govern what follows as a list: "don't have fever, chills or chest pain".
const haveWords = new Set(['have', 'having', 'has', 'had', 'get', 'getting', 'got', 'feel', 'feeling', 'any', 'experiencing', 'experienced', 'notice', 'noticed', 'see', 'seen', 'seem']);

/**
 * A negation trigger before the mention in the same clause. Within the same comma segment and six
 * words it negates. Beyond a comma or "and", it depends on what the trigger governs: a list
 * negation ("no fever, chills or chest pain", "denies fever and chest pain") reaches down its list;
 * a negated verb ("he's not making sense and his face fell") ends at its own predicate, so the
 * next conjunct is not negated; "no energy and chest pain" stays uncertain.
 */
function findNegation(tokens: readonly Token[], start: number, first: number, last: number, end: number): 'negated' | 'unclear' | undefined {
  let crossedComma = false;
  let crossedAnd = false;
  let words = 0;
  for (let k = first - 1; k >= start && words < 10; k--) {
    const token = tokens[k]!;
    if (token.punct) {
      if (token.text === ',') crossedComma = true;
      continue;
    }
    words++;
    if (token.text === 'and' || token.text === 'plus') crossedAnd = true;
    // "nothing like chest pain": a denial; "nothing like this before" is novelty, handled by the rules' own patterns.
    // "nothing like my usual migraines" is a contrast: this one is different.
    if (token.text === 'nothing' && tokens[k + 1]?.text === 'like' && k + 1 < first && !['this', 'that', 'it'].includes(tokens[k + 2]?.text ?? '') && !comparedWithUsual(tokens, k + 2)) {
      return crossedComma || crossedAnd || words > 6 ? 'unclear' : 'negated';
    }
    if (!negationTriggers.has(token.text)) continue;
    const next = tokens[k + 1];
    if (!next || next.punct) continue; // "no, it's chest pain"
    if (pseudoAfterTrigger.has(next.text)) {
      if (token.text === 'no' && next.text === 'longer') return 'negated';
      continue;
    }
    if ((token.text === 'free' && next.text !== 'of') || (token.text === 'negative' && next.text !== 'for') || (token.text === 'ruled' && next.text !== 'out')) continue;
    // "never had a headache this bad" affirms a new, worse symptom; "never ... before" is ambiguous.
    if (token.text === 'never') {
      const novelty = affirmsNovelty(tokens, last, end);
      if (novelty === 'novel') continue;
      if (novelty === 'before') return 'unclear';
    }
    if (!crossedComma && !crossedAnd && words <= 6) return 'negated';
    const list = listNegators.has(token.text) || haveWords.has(next.text) || (next.text === 'any' || tokens[k + 2]?.text === 'any');
    if (!list) return undefined; // a negated verb's scope ends at its predicate
    if (crossedAnd && (token.text === 'no' || haveWords.has(next.text))) return listOnly(tokens, k + 1, first) && crossedComma ? 'negated' : undefined;
    return listOnly(tokens, k + 1, first) ? 'negated' : 'unclear';
  }
  return undefined;
}

/** "my usual", "his normal", "the other", "before": what a "nothing like" compares with, not what it denies. */
function comparedWithUsual(tokens: readonly Token[], k: number): boolean {
  const word = tokens[k]?.text ?? '';
  const next = tokens[k + 1]?.text ?? '';
  if (possessives.has(word) || word === 'the' || word === 'any') return ['usual', 'normal', 'regular', 'typical', 'other', 'old', 'previous', 'past'].includes(next);
  return word === 'before' || word === 'usual' || word === 'normal';
}

/** Tokens (from, to) hold only a list: words joined by commas, "or", "and", "nor", with no verb of their own. */
function listOnly(tokens: readonly Token[], from: number, to: number): boolean {
  let run = 0;
  for (let k = from; k < to; k++) {
    const token = tokens[k]!;
    if (token.punct || token.text === 'or' || token.text === 'and' || token.text === 'nor') {
      run = 0;
      continue;
    }
    if (listBreakers.has(token.text)) return false;
    if (++run > 4) return false;
  }
  return true;
}

const listBreakers = new Set(['i', "i'm", 'he', 'she', "he's", "she's", 'it', "it's", 'they', 'we', 'is', 'was', 'but', 'now', 'then', 'just', 'my', 'his', 'her']);

function affirmsNovelty(tokens: readonly Token[], last: number, end: number): 'novel' | 'before' | undefined {
  for (let k = last + 1; k < end; k++) {
    const word = tokens[k]!.text;
    const next = tokens[k + 1]?.text;
    if ((word === 'like' && next === 'this') || (word === 'this' && (next === 'bad' || next === 'severe')) || (word === 'so' && next === 'bad')) return 'novel';
    if (word === 'before') return 'before';
  }
  return undefined;
}

// ---- detection ------------------------------------------------------------------------------

interface Found extends Omit<SignFlag, 'garbled'> {
  garbled: boolean;
  /** The second part of a combined flag (the warning sign of a fall), when it has its own place. */
  extraFirst?: number;
  extraLast?: number;
  /** A negation inside a gapped phrase ("chest is not tight"). */
  negatedInside?: boolean;
}

interface FeatureHit {
  feature: Feature;
  first: number;
  last: number;
  confidence: number;
}

/**
 * Scans a transcript for red flags. Affirmed and uncertain mentions go to `redFlags`; negated,
 * historical, hypothetical and family-history mentions go to `setAside` with the reason, so a
 * reviewer can check them. Nothing recognised is dropped without a trace.
 */
export function detectRedFlags(text: string, options: { model?: boolean } = {}): RedFlagScan {
  // Hesitation fillers ("um", "uh", a filler "you know") are dropped; offsets still index `text`.
  const tokens = contentTokens(text);
  const found: Found[] = [];
  const features: FeatureHit[] = [];

  for (const match of trie.matchAll(tokens)) {
    const rule = match.value;
    if (rule.kind === 'feature') {
      if (rule.feature === 'fever' && isNormalTemperature(tokens, match.last)) {
        // Kept as a marker: a baby who "feels warm" with a normal reading has no fever.
        features.push({ feature: 'normal-temp', first: match.first, last: match.last, confidence: 0 });
        continue;
      }
      // "the concussion form", "a concussion screening": paperwork, not an injury.
      if (rule.feature === 'head-hit' && paperworkNouns.has(tokens[match.last + 1]?.text ?? '')) continue;
      features.push({ feature: rule.feature, first: match.first, last: match.last, confidence: rule.confidence });
      continue;
    }
    const prev = tokens[match.first - 1]?.text ?? '';
    const next = tokens[match.last + 1]?.text ?? '';
    if (rule.notPrev?.includes(prev)) continue;
    if (rule.notNext?.includes(next)) continue;
    // "my seizure medication", "the EpiPen prescription": the word names a treatment, not an event.
    if (rule.modifierOf?.includes(next) && (!articles.has(prev) || recordNouns.has(next))) continue;
    // "my stroke follow-up", "the seizure letter", "heart attack rehab": a condition's name used for care or paperwork.
    if (conditionCues.has(rule.cue) && careNouns.has(next) && !articles.has(prev)) continue;
    if (rule.supplyContext && isSupplyMention(tokens, match.first, match.last)) continue;
    if (rule.nearWords && !wordNear(tokens, match.first, match.last, rule.nearWords, 12)) continue;
    const doubtful = (rule.doubtNext?.includes(next) ?? false) || (rule.weak === true && !severeNear(tokens, match.first, match.last));
    found.push({
      code: rule.code, first: match.first, last: match.last, anchorFirst: match.first, anchorLast: match.last,
      confidence: doubtful ? 0.4 : rule.confidence, cue: doubtful ? `${rule.cue}:other-reading-likely` : rule.cue,
      garbled: rule.garbled ?? false, forcedUncertain: doubtful,
      negatedInside: !rule.negationInside && negationInside(tokens, match.first, match.last),
    });
  }
  for (const infant of findInfants(tokens)) features.push(infant);
  for (const ingestion of findIngestions(tokens)) found.push(ingestion);
  for (const gestation of findGestation(tokens)) features.push(gestation);
  // Vital signs said as numbers, signs a carer can see, self-harm said as a plan (clinical-signs.ts); assessed below like any cue.
  const signs = findClinicalSigns(text, tokens, features);
  features.push(...signs.features);
  found.push(...signs.found);
  const caredFor = caredForIn(tokens);
  combineFeatures(tokens, features, found, caredFor);

  const redFlags: RedFlag[] = [];
  const setAside: SetAsideMention[] = [];
  for (const hit of dedupe(found)) {
    const context = assess(tokens, hit.anchorFirst, hit.anchorLast, caredFor);
    if (hit.negatedInside && !context.setAside) context.setAside = 'negated';
    const start = tokens[hit.first]!.start;
    const end = tokens[hit.last]!.end;
    // "I had a seizure years ago and I just had another one": the past one is back, so it is flagged.
    // A past event that is back now is a red flag now (labelling §2): affirmed.
    if (context.setAside === 'historical' && recursLater(tokens, hit.last)) {
      context.setAside = undefined;
      context.note = context.note ? `${context.note}+history-and-recurrence` : 'history-and-recurrence';
    }
    // "discharged yesterday after a fall, but now she's throwing up and confused": the warning sign is new, so the flag is.
    if (context.setAside === 'historical' && hit.extraFirst !== undefined && hit.extraFirst > hit.anchorLast && nowBetween(tokens, hit.anchorLast, hit.extraFirst)
      && !assess(tokens, hit.extraFirst, hit.extraLast!, caredFor).setAside) {
      context.setAside = undefined;
      context.note = context.note ? `${context.note}+new-sign-now` : 'new-sign-now';
    }
    // Bleeding that has stopped is over ("a cut that stopped bleeding"); a pain or a seizure that just eased may come back.
    if (!context.setAside && hit.code === 'severe_bleeding' && context.note?.includes('resolved-recently')) context.setAside = 'resolved';
    if (context.setAside) {
      setAside.push({ code: hit.code, start, end, reason: context.setAside });
      continue;
    }
    const subject = context.subject;
    // A real doubt that it is a red flag at all ("can't breathe through my nose", a bump with no warning sign, a baby of
    // unsaid age): shown to a person, not urgent by itself. Garbled ASR words are read as what they sound like.
    const uncertain = context.uncertain || hit.forcedUncertain === true;
    const notes = [context.note, hit.garbled ? 'garbled' : undefined].filter(Boolean).join('+');
    redFlags.push({
      code: hit.code,
      start,
      end,
      confidence: round(Math.max(0.3, hit.confidence * context.factor)),
      status: uncertain ? 'uncertain' : 'affirmed',
      subject,
      cue: notes ? `${hit.cue}:${notes}` : hit.cue,
    });
  }
  // The trained model adds what the rules missed (never removes); `{ model: false }` gives the rules alone.
  if (options.model !== false) addModelFlags(tokens, redFlags, setAside, caredFor);
  // Only the caller's words count: the agent's screening questions and read-backs are set aside, a "yes" kept.
  const callerFlags = screenAgentSpeech(text, tokens, redFlags, setAside);
  callerFlags.sort((a, b) => a.start - b.start);
  setAside.sort((a, b) => a.start - b.start);
  return { redFlags: callerFlags, setAside };
}

// ---- who is speaking: only the caller's words (and answers) count ----------------------------------

interface Turn {
  agent: boolean;
  start: number;
  end: number;
}

// Line labels of the clinic's side in a diarized transcript; any other label is the caller's side.
const agentLabels = new Set([
  'agent', 'staff', 'nurse', 'receptionist', 'operator', 'scheduler', 'front desk', 'triage', 'triage nurse', 'clinic', 'office', 'rep',
  'representative', 'ma', 'rn', 'lpn', 'medical assistant', 'assistant', 'call center', 'answering service', 'coordinator', 'csr',
  'care coordinator', 'intake', 'front office', 'practice', 'team member', 'employee',
]);
const turnLabel = /^[ \t]*\[?([A-Za-z][A-Za-z0-9 .'()-]{0,30}?)\]?[ \t]*:/gm;

/** The turns of a diarized transcript ("Agent: ..." / "Caller: ..." lines); none for a voicemail or an ASR stream. */
export function speakerTurns(text: string): Turn[] {
  const labels: { agent: boolean; start: number }[] = [];
  turnLabel.lastIndex = 0;
  for (let match = turnLabel.exec(text); match; match = turnLabel.exec(text)) {
    // "Agent (Tasha)", "Nurse - Kim": the role, without the name.
    const label = match[1]!.toLowerCase().replace(/\(.*?\)|\s-\s.*$/g, '').replace(/\./g, '').replace(/\s+/g, ' ').trim();
    labels.push({ agent: agentLabels.has(label), start: match.index });
  }
  if (labels.length < 2 || !labels.some((label) => label.agent)) return [];
  return labels.map((label, i) => ({ agent: label.agent, start: label.start, end: labels[i + 1]?.start ?? text.length }));
}

// A yes: the word itself, or a short answer that ends there ("I am.", "A little.", "Kind of, yeah"); not "he has a rash".
const yesAnswer = /^(?:(?:yes|yeah|yep|yup|ya|yah|uh[- ]?huh|mm[- ]?hmm|mhm|definitely|correct|that's right|absolutely|i think so|sure is)\b|(?:i am|i do|i have|i did|she is|he is|she does|he does|she did|he did|she has|he has|it is|it does|it was|a little|a bit|kind of|sort of|some|right|maybe|probably|very)(?=\s*(?:[,.!?…]|$|yes\b|yeah\b)))/;
const noAnswer = /^(no|nope|nah|not really|none|never|negative|not at all|nothing|i don't|i'm not|i haven't|i didn't|she's not|he's not|she isn't|he isn't|she hasn't|he hasn't|she doesn't|he doesn't)\b/;
// "no, it's getting worse", "no but it comes and goes": a "no" that goes on to affirm.
const notADenial = /^no\b[\s,.]*(?:but\b|actually\b|(?:it's|it is|it)\s+(?:worse|getting|still|not|really|even|back|there|bad)\b)/;
// Reported speech and fillers before the answer itself: "... she says no", "um, well, yes".
const answerLead = /^(?:[\s.,…-]|um\b|uh\b|oh\b|well\b|so\b|hmm\b|okay\b|ok\b|(?:she|he|they) (?:says?|said)\b)+/;
// A question about whether it is over ("is the bleeding gone?"): a "no" there means it is not over.
const overWords = /\b(gone|better|stopped|away|over|resolved|eased|improved|improving)\b/;

/**
 * Mentions in the agent's turns are the agent's words (a screening question, a read-back), not the
 * caller's: they are set aside as `agent-question`, except that a "yes" to a question makes it the
 * caller's answer (affirmed) and a "no" a denial. In a stream with no speaker labels, a
 * second-person screening question ("are you having any chest pain or trouble breathing") is
 * recognised by its form and read the same way.
 */
function screenAgentSpeech(text: string, tokens: readonly Token[], redFlags: readonly RedFlag[], setAside: SetAsideMention[]): RedFlag[] {
  const turns = speakerTurns(text);
  const kept: RedFlag[] = [];
  for (const flag of redFlags) {
    const turn = turns.find((t) => t.start <= flag.start && flag.start < t.end);
    let question: { from: number; answer: string } | undefined;
    if (turn?.agent) {
      const next = turns.find((t) => t.start >= turn.end && !t.agent);
      // The caller's next words answer the mention only when it sits in the turn's last question
      // ("Vomiting blood is an emergency. Do you have someone with you?" — a yes there is not about the blood).
      const after = text.slice(flag.end, turn.end);
      const stop = after.search(/[.!?]/);
      const sentenceStart = Math.max(text.lastIndexOf('.', flag.start), text.lastIndexOf('?', flag.start), text.lastIndexOf('!', flag.start), text.indexOf(':', turn.start));
      const opener = /^\s*(any|are|is|do|does|did|have|has|was|were)\b/i.test(text.slice(sentenceStart + 1, flag.start));
      const asked = stop >= 0 ? after[stop] === '?' : opener;
      const lastQuestion = stop < 0 || !after.slice(stop + 1).includes('?');
      const answer = next && next.start === turn.end && asked && lastQuestion ? text.slice(next.start, next.end).replace(/^[^:]*:/, '') : '';
      question = { from: turn.start, answer };
    } else if (turns.length === 0) {
      const first = tokens.findIndex((t) => t.start === flag.start);
      const form = first >= 0 ? screeningForm(tokens, first) : undefined;
      if (form !== undefined) question = { from: tokens[form]!.start, answer: answerAfter(tokens, first) };
    }
    if (!question) {
      kept.push(flag);
      continue;
    }
    const answer = question.answer.toLowerCase().replace(answerLead, '').trimStart();
    const askedIfOver = overWords.test(text.slice(question.from, flag.end + 40).toLowerCase());
    // "Do you have your EpiPen with you?" "Yes": having the treatment is not the reaction.
    const treatment = flag.cue.startsWith('epinephrine');
    if (answer && (yesAnswer.test(answer) || notADenial.test(answer)) && !askedIfOver && !treatment) {
      kept.push({ ...flag, cue: `${flag.cue}:answered-yes` });
    } else if (answer && noAnswer.test(answer) && !askedIfOver) {
      setAside.push({ code: flag.code, start: flag.start, end: flag.end, reason: 'negated' });
    } else {
      setAside.push({ code: flag.code, start: flag.start, end: flag.end, reason: 'agent-question' });
    }
  }
  return kept;
}

// "are you having", "do you have", "have you had", "did you pass": the agent's screening form; never "do you think".
const screeningVerbs = new Set([
  'having', 'feeling', 'experiencing', 'getting', 'noticing', 'short', 'able', 'have', 'feel', 'get', 'notice', 'had', 'noticed', 'felt',
  'been', 'experienced', 'passed', 'fainted', 'hit', 'fall', 'fell', 'lose', 'lost', 'pass', 'vomit', 'vomited', 'taken', 'take', 'took',
]);

/** The token where a second-person screening question begins in the mention's clause, if the mention is asked about. */
function screeningForm(tokens: readonly Token[], first: number): number | undefined {
  for (let k = first - 1, words = 0; k >= 0 && words < 10; k--) {
    const token = tokens[k]!;
    if (isSentenceBoundary(token)) break;
    if (token.punct) continue;
    words++;
    const word = token.text;
    const next = tokens[k + 1]?.text ?? '';
    const lead = k === 0 || isSentenceBoundary(tokens[k - 1]!) || ['and', 'or', 'also', 'any', 'okay', 'ok', 'so', 'right'].includes(tokens[k - 1]!.text);
    if (['are', 'do', 'have', 'did', 'were', 'has'].includes(word) && next === 'you' && screeningVerbs.has(tokens[k + 2]?.text ?? '')) return k;
    // "any chest pain or trouble breathing": "any" right before the symptom; not "any time I breathe in, my chest hurts".
    if (word === 'any' && lead && !['time', 'way', 'more', 'longer', 'of', 'minute', 'second'].includes(next) && (first - k <= 2 || listedAfter(tokens, k, first))) return k;
    if (word === 'is' && next === 'there' && tokens[k + 2]?.text === 'any') return k;
  }
  return undefined;
}

const streamAnswers = new Set(['yes', 'yeah', 'yep', 'yup', 'no', 'nope', 'nah', 'negative']);

/** "any chest pain, fever or shortness of breath": the mention is a later item of the list "any" opens. */
function listedAfter(tokens: readonly Token[], k: number, first: number): boolean {
  let joined = false;
  for (let j = k + 1; j < first; j++) if ([',', 'or', 'and'].includes(tokens[j]!.text)) joined = true;
  return joined && listOnly(tokens, k + 1, first);
}

/** The words after a screening question's list of symptoms: where a stream with no labels puts the answer. */
function answerAfter(tokens: readonly Token[], first: number): string {
  for (let k = first + 1; k < Math.min(tokens.length, first + 14); k++) {
    const word = tokens[k]!.text;
    if (streamAnswers.has(word)) return tokens.slice(k, k + 7).map((t) => t.text).join(' ');
    if (tokens[k]!.text === '?') return tokens.slice(k + 1, k + 8).map((t) => t.text).join(' ');
  }
  return '';
}

/** "now" (or "today", "this morning") between two token positions: what follows is happening now. */
function nowBetween(tokens: readonly Token[], from: number, to: number): boolean {
  for (let k = from + 1; k < to; k++) if (['now', 'today', 'tonight', 'currently'].includes(tokens[k]!.text)) return true;
  return false;
}

/** "... another one", "it happened again", "it's back" later in the same sentence. */
function recursLater(tokens: readonly Token[], last: number): boolean {
  for (let k = last + 1; k < Math.min(tokens.length, last + 16); k++) {
    const token = tokens[k]!;
    if (isSentenceBoundary(token)) return false;
    const word = token.text;
    const next = tokens[k + 1]?.text ?? '';
    if (word === 'another' && (next === 'one' || next === 'episode' || next === 'attack' || next === 'today' || next === 'now')) return true;
    if (word === 'again' && ['happened', 'happening', 'it', 'started', 'having', 'one', 'just', 'now'].includes(tokens[k - 1]?.text ?? '')) return true;
    if ((word === "it's" || word === 'is') && next === 'back') return true;
    // "they sent me home but it still hurts": not over.
    if (word === 'still' && !settledWords.has(next) && next !== 'no' && next !== 'not') return true;
    // "the doctor said it was reflux but it's worse now", "getting worse": not over.
    if (word === 'worse' && ["it's", 'is', 'getting', 'got', 'gotten', 'much', 'even', 'way'].includes(tokens[k - 1]?.text ?? '')) return true;
  }
  return false;
}

const conditionCues = new Set(['stroke', 'seizure', 'heart-attack', 'overdose', 'sepsis', 'having-a-fit', 'clinical-stroke', 'clinical-seizure']);
const careNouns = new Set([
  'follow', 'followup', 'appointment', 'appointments', 'appt', 'visit', 'workup', 'letter', 'results', 'scan', 'test', 'tests', 'testing', 'referral',
  'paperwork', 'form', 'forms', 'medication', 'medications', 'meds', 'med', 'rehab', 'rehabilitation', 'clinic', 'specialist', 'doctor', 'nurse', 'care',
  'recovery', 'survivor', 'protocol', 'precautions', 'education', 'class', 'records', 'record', 'history', 'diagnosis', 'team', 'unit', 'ward', 'service',
]);
// "a seizure diary", "a seizure action plan": a record or plan, even after an article.
const recordNouns = new Set(['diary', 'log', 'plan', 'precautions', 'action', 'disorder', 'history']);
const articles = new Set(['a', 'an', 'another', 'having', 'had']);
const supplyWords = new Set([
  'refill', 'refills', 'renew', 'renewed', 'renewal', 'prescription', 'prescriptions', 'pharmacy', 'expired', 'expires', 'expiring',
  'replace', 'replacement', 'order', 'insurance', 'cost', 'copay', 'coverage', 'spare', 'school', 'sample', 'samples',
]);
const useWords = new Set(['used', 'use', 'using', 'gave', 'give', 'giving', 'injected', 'inject', 'needed', 'jab', 'jabbed', 'stab', 'stabbed', 'shot']);

const severeWords = new Set(['tight', 'chest', 'breath', 'breathe', 'breathing', 'bad', 'badly', 'severe', 'really', 'so', 'very', 'terrible', 'awful', "can't", 'cannot', 'struggling', 'hard', 'worse', 'scared', 'blue', 'gasping', 'emergency']);

/** A mark of severity within a few words of a weak sign ("wheezing really bad", "so wheezy he can't talk"). */
function severeNear(tokens: readonly Token[], first: number, last: number): boolean {
  for (let k = Math.max(0, first - 4); k < Math.min(tokens.length, last + 6); k++) if (severeWords.has(tokens[k]!.text)) return true;
  return false;
}


function wordNear(tokens: readonly Token[], first: number, last: number, words: readonly string[], window: number): boolean {
  for (let k = Math.max(0, first - window); k < Math.min(tokens.length, last + window); k++) if (words.includes(tokens[k]!.text)) return true;
  return false;
}

/** An EpiPen named as a supply ("refill on my EpiPen", "the EpiPen prescription") and not as a treatment just given. */
function isSupplyMention(tokens: readonly Token[], first: number, last: number): boolean {
  let supply = false;
  for (let k = clauseStart(tokens, first); k < clauseEnd(tokens, last); k++) {
    const word = tokens[k]!.text;
    if (useWords.has(word)) return false;
    if (supplyWords.has(word)) supply = true;
  }
  return supply;
}

/** A negation trigger in the gap of a phrase ("throat is not tight", "chest isn't hurting"). */
function negationInside(tokens: readonly Token[], first: number, last: number): boolean {
  for (let k = first + 1; k < last; k++) {
    const word = tokens[k]!.text;
    if (negationTriggers.has(word) && !pseudoAfterTrigger.has(tokens[k + 1]?.text ?? '')) return true;
  }
  return false;
}

/** "temperature is 98.6", "temp of 37": a reading in the normal range is not a fever. */
function isNormalTemperature(tokens: readonly Token[], last: number): boolean {
  const word = tokens[last]!.text;
  if (word !== 'temperature' && word !== 'temp') return false;
  // "what temperature counts as a fever": a question about the threshold, not a reading.
  const prev = tokens[last - 1]?.text ?? '';
  if (prev === 'what' || prev === 'which' || prev === 'normal') return true;
  let k = last + 1;
  while (k < last + 4 && ['is', 'was', 'of', 'at', 'reads', 'reading', "it's", 'only', 'just', 'about', 'around'].includes(tokens[k]?.text ?? '')) k++;
  const next = tokens[k]?.text ?? '';
  if (next === 'normal' || next === 'fine') return true;
  const reading = parseNumberAt(tokens, k);
  if (!reading) return false;
  const value = reading.value;
  return (value >= 95 && value < 100.4) || (value >= 35 && value < 38);
}

// ---- ingestion: a swallowing verb with a poison, or with pills in an amount or of someone else's ----

const swallowVerbs = new Set(['inhaled', 'swallowed', 'ate', 'eaten', 'chewed', 'downed', 'drank', 'drunk', 'ingested', 'gulped', 'popped', 'bit', 'licked', 'sucked']);
const takeVerbs = new Set(['took', 'taken', 'had', 'got']);
const poisonNouns = new Set([
  'bleach', 'poison', 'antifreeze', 'cleaner', 'cleaners', 'cleaning', 'detergent', 'pod', 'pods', 'battery', 'batteries', 'chemical',
  'chemicals', 'drano', 'lye', 'pesticide', 'pesticides', 'insecticide', 'weed', 'gasoline', 'kerosene', 'washer', 'windshield', 'lighter',
  'ammonia', 'mouthwash', 'fumes', 'glue', 'soap', 'sanitizer', 'shampoo', 'perfume', 'polish', 'remover', 'mushrooms', 'berries', 'magnets', 'magnet', 'coins', 'coin', 'fertilizer', 'roundup', 'rat', 'paint',
]);
const pillNouns = new Set([
  'pill', 'pills', 'tablet', 'tablets', 'capsule', 'capsules', 'meds', 'medication', 'medications', 'medicine', 'medicines', 'gummies',
  'vitamins', 'antidepressants', 'painkillers', 'sleeping', 'xanax', 'oxy', 'oxys', 'oxycodone', 'percocet', 'percocets', 'tylenol',
  'advil', 'ibuprofen', 'aspirin', 'acetaminophen', 'benadryl', 'motrin', 'edibles', 'opioids', 'fentanyl', 'heroin', 'drugs', 'iron',
  'adderall', 'ambien', 'valium', 'klonopin', 'norco', 'vicodin', 'melatonin', 'aleve', 'naproxen', 'insulin',
]);
for (const name of drugNames) if (!name.contextual && !name.phrase.includes(' ')) pillNouns.add(name.phrase);
const quantityWords = new Set(['handful', 'bunch', 'whole', 'bottle', 'entire', 'lot', 'lots', 'ton', 'tons', 'dozen', 'several', 'extra', 'many', 'half', 'fistful', 'pile', 'box', 'pack', 'packet']);
// Someone else's pills ("grandma's heart pills", "my husband's medication") taken by mistake.
const notOwnWords = new Set(["grandma's", "grandpa's", "husband's", "wife's", "mom's", "dad's", "mother's", "father's", "sister's", "brother's", "someone's", "somebody's", "friend's", 'found', 'accidentally', 'accident', 'mistake']);

const alcoholWords = new Set(['vodka', 'alcohol', 'whiskey', 'liquor', 'booze', 'beer', 'wine', 'tequila', 'rum', 'drunk', 'drinking']);

function alcoholNear(tokens: readonly Token[], k: number): boolean {
  for (let j = Math.max(0, k - 8); j < Math.min(tokens.length, k + 10); j++) {
    if (isSentenceBoundary(tokens[j]!)) { if (j < k) continue; break; }
    if (alcoholWords.has(tokens[j]!.text)) return true;
  }
  return false;
}

/** "took a handful of", "swallowed all her", "drank antifreeze", "ate some of grandma's pills". */
function findIngestions(tokens: readonly Token[]): Found[] {
  const hits: Found[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const word = tokens[k]!.text;
    const swallow = swallowVerbs.has(word) || (word === 'got' && tokens[k + 1]?.text === 'into');
    const take = takeVerbs.has(word);
    if (!swallow && !take) continue;
    if (word === 'bit' && tokens[k + 1]?.text !== 'into') continue;
    // Pills with alcohol in the same sentence ("drank vodka and took some sleeping pills") count as an amount.
    let amount = alcoholNear(tokens, k);
    let notOwn = false;
    for (let j = k + 1; j < Math.min(tokens.length, k + 9); j++) {
      const token = tokens[j]!;
      if (isSentenceBoundary(token) || token.text === 'and' && j > k + 1 && !pillNouns.has(tokens[j + 1]?.text ?? '')) break;
      const next = token.text;
      // "swallowed all her pills", "took all of the pills"; not "I took all my pills today".
      if (next === 'all' && (swallow || tokens[j + 1]?.text === 'of' || tokens[j + 1]?.text === 'the')) amount = true;
      if (quantityWords.has(next) || (parseNumberAt(tokens, j)?.value ?? 0) >= 8 && !/^(mg|milligrams|units|mcg|ml)$/.test(tokens[j + 1]?.text ?? '')) amount = true;
      if (notOwnWords.has(next)) notOwn = true;
      const poison = poisonNouns.has(next) && (next !== 'rat' || tokens[j + 1]?.text === 'poison') && (next !== 'paint' || tokens[j + 1]?.text === 'thinner');
      const pills = pillNouns.has(next);
      // Swallowing a poison, or pills a person does not "eat" or "down" as prescribed; "took" needs an amount or someone else's pills.
      if ((swallow && !take && (poison || (pills && word !== 'popped'))) || (word === 'got' && swallow && (poison || pills)) || (poison && take && word === 'took') || (pills && (amount || notOwn) && (swallow || take || word === 'popped'))) {
        hits.push({
          code: 'overdose_poisoning', first: k, last: j, anchorFirst: k, anchorLast: j, confidence: poison || amount ? 0.8 : 0.7,
          cue: poison ? 'swallowed-poison' : 'ingested-pills', garbled: false,
        });
        break;
      }
    }
  }
  return hits;
}

/** Weeks of pregnancy said as "I'm 28 weeks", "she is 32 weeks", "at 30 weeks": the 'pregnant' part. */
function findGestation(tokens: readonly Token[]): FeatureHit[] {
  const hits: FeatureHit[] = [];
  for (let k = 1; k < tokens.length; k++) {
    const word = tokens[k]!.text;
    if (word !== 'weeks' && word !== 'wks') continue;
    const after = tokens[k + 1]?.text ?? '';
    if (after === 'old' || after === 'ago' || after === 'now' || after === 'straight') continue;
    // The longest number that ends at "weeks": "thirty two weeks" is 32, not 2.
    for (let back = Math.max(0, k - 4); back < k; back++) {
      const parsed = parseNumberAt(tokens, back);
      if (!parsed || parsed.next !== k) continue;
      const before = tokens[back - 1]?.text ?? '';
      if (parsed.value >= 4 && parsed.value <= 42 && ["i'm", 'am', "she's", 'is', 'at', "we're", 'are', 'only', 'just', 'about'].includes(before)) {
        hits.push({ feature: 'pregnant', first: back, last: k, confidence: 0.8 });
      }
      break;
    }
  }
  return hits;
}

// "he's 6 weeks", "the baby is only 9 days"; never "I'm 6 weeks" (pregnant) or "for 3 weeks" (a duration).
const infantAgeBefore = new Set(["he's", "she's", 'is', 'only', 'just', 'barely', 'turned']);
const notAgeAfter = new Set(['old', 'ago', 'pregnant', 'along', 'now', 'straight', 'later', 'early', 'late', 'postpartum', 'out', 'after', 'since', 'into', 'in']);

/** Infants (under about three months): "newborn", "six week old", "two month old", "10 day old". */
function findInfants(tokens: readonly Token[]): FeatureHit[] {
  const hits: FeatureHit[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const word = tokens[k]!.text;
    if (word === 'newborn' || word === 'infant' || word === "newborn's" || word === "infant's" || (word === 'new' && tokens[k + 1]?.text === 'born')) {
      hits.push({ feature: 'baby', first: k, last: word === 'new' ? k + 1 : k, confidence: 0.9 });
      continue;
    }
    // "she's 6 weeks and has a fever", "the baby is only 10 days": an age said without "old".
    if ((word === 'weeks' || word === 'days' || word === 'week' || word === 'day' || word === 'months' || word === 'month') && !notAgeAfter.has(tokens[k + 1]?.text ?? '')) {
      const parsed = parseNumberAt(tokens, k - 1);
      const at = parsed?.next === k ? k - 1 : parseNumberAt(tokens, k - 2)?.next === k ? k - 2 : -1;
      const value = at >= 0 ? parseNumberAt(tokens, at)!.value : 0;
      const days = value * (word.startsWith('day') ? 1 : word.startsWith('month') ? 30.5 : 7);
      if (at >= 1 && days > 0 && infantAgeBefore.has(tokens[at - 1]!.text)) {
        // Past three months the baby is not an infant for this flag (0 marks an age that rules it out).
        hits.push({ feature: 'baby', first: at, last: k, confidence: days <= 92 ? 0.85 : 0 });
      }
      continue;
    }
    if (word !== 'old') continue;
    // "<number> day|week|month(s) old", looking back over at most four tokens for the number.
    const unit = tokens[k - 1]?.text.replace(/s$/, '');
    if (unit !== 'day' && unit !== 'week' && unit !== 'month') continue;
    // "my month old", "a week old baby": one of the unit.
    if (['my', 'our', 'a', 'the', 'her', 'his', 'their'].includes(tokens[k - 2]?.text ?? '')) {
      hits.push({ feature: 'baby', first: k - 1, last: k, confidence: 0.9 });
      continue;
    }
    for (let back = k - 2; back >= Math.max(0, k - 5); back--) {
      const parsed = parseNumberAt(tokens, back);
      if (!parsed || parsed.next !== k - 1) continue;
      const days = parsed.value * (unit === 'day' ? 1 : unit === 'week' ? 7 : 30.5);
      if (days <= 92) hits.push({ feature: 'baby', first: back, last: k, confidence: 0.9 });
      else hits.push({ feature: 'baby', first: back, last: k, confidence: 0 }); // older than an infant
      break;
    }
  }
  return hits;
}

function near(a: FeatureHit, b: FeatureHit, window: number): boolean {
  return Math.abs(a.first - b.first) <= window;
}

/** Builds the red flags that need two parts (infant fever, pregnancy, head injury, sepsis). */
function combineFeatures(tokens: readonly Token[], features: readonly FeatureHit[], found: Found[], caredFor: ReadonlySet<string>): void {
  const of = (feature: Feature) => features.filter((hit) => hit.feature === feature);
  const fevers = of('fever');
  const babies = of('baby');
  const live = (hit: FeatureHit) => !assess(tokens, hit.first, hit.last, caredFor).setAside;

  // "Warm" counts only with an explicit infant age (not the bare word "baby").
  const warmth = of('warm').filter((warm) => !fevers.some((fever) => near(fever, warm, 3)) && !of('normal-temp').some((normal) => near(normal, warm, 15)));
  for (const fever of [...fevers, ...warmth]) {
    // The closest age mention decides: an explicit age beats the bare word "baby".
    const candidates = babies.filter((baby) => near(baby, fever, 15));
    const explicit = candidates.filter((baby) => baby.confidence !== 0.6);
    const chosen = explicit.length > 0 ? closest(explicit, fever) : closest(candidates, fever);
    if (!chosen || chosen.confidence === 0) continue;
    if (fever.feature === 'warm' && chosen.confidence === 0.6) continue;
    // 0.6 marks the bare word "baby" (age unknown), 0 an age past three months (not an infant).
    const confidence = chosen.confidence === 0.6 ? 0.6 : 0.9;
    // A baby of unsaid age may be past the infant months: flagged for a person, not urgent by itself.
    const flag = span('infant_fever', chosen, fever, confidence, chosen.confidence === 0.6 ? 'fever-baby-age-unknown' : 'fever-in-infant');
    if (chosen.confidence === 0.6) flag.forcedUncertain = true;
    found.push(flag);
  }

  for (const trouble of of('pregnancy-trouble')) {
    const pregnant = closest(of('pregnant').filter((hit) => near(hit, trouble, 20) && live(hit)), trouble);
    if (pregnant) found.push(span('pregnancy_emergency', pregnant, trouble, 0.85, 'pregnant-with-bleeding-or-pain'));
  }

  for (const hit of of('head-hit')) {
    // A parent tells the blow first and the warning signs after it ("... hit his head on the concrete ... now he's thrown up twice").
    const danger = closest(of('head-danger').filter((d) => (near(d, hit, 20) || (d.first > hit.last && d.first - hit.last <= 32)) && live(d)), hit);
    if (danger) found.push(span('head_injury', hit, hit, 0.9, 'head-hit-with-warning-sign', danger));
    else found.push({ ...span('head_injury', hit, hit, 0.5, 'head-hit'), forcedUncertain: true });
  }

  // A fall counts as a head injury only with a warning sign close by (vomiting, confusion, blood thinners).
  for (const fall of of('fall')) {
    const danger = closest(of('head-danger').filter((d) => d.first > fall.last && d.first - fall.last <= 12 && sameSentence(tokens, fall, d) && live(d)), fall);
    if (danger && !of('head-hit').some((hit) => near(hit, fall, 12))) found.push(span('head_injury', fall, fall, 0.6, 'fall-with-warning-sign', danger));
  }

  // Belly pain or a headache counts as a red flag with a mark of severity or danger next to it.
  pairFeatures(tokens, of('abd-pain'), of('severity'), found, 'severe_abdominal_pain', 'belly-pain-with-severity', 0.75);
  const organs = of('abd-organ');
  const organPains = of('pain').filter((pain) => organs.some((organ) => organ.first < pain.first && pain.first - organ.first <= 30));
  pairFeatures(tokens, organPains, of('severity'), found, 'severe_abdominal_pain', 'organ-pain-with-severity', 0.7);
  pairFeatures(tokens, of('headache'), [...of('headache-danger'), ...of('severity')], found, 'severe_headache', 'headache-with-danger-sign', 0.75);

  // Chest pain said another way: an equivalent symptom with a heart-attack sign in the same sentence.
  for (const equiv of of('chest-equiv')) {
    if ([1, 2, 3].some((n) => settledWords.has(tokens[equiv.last + n]?.text ?? ''))) continue; // "my heartburn is fine"
    const sign = closest(of('cardiac-sign').filter((m) => m.first !== equiv.first && Math.abs(m.first - equiv.first) <= 14 && sameSentence(tokens, equiv, m) && live(m)), equiv);
    if (sign) found.push(span('chest_pain', equiv, equiv, 0.7, 'chest-equivalent-with-cardiac-sign', sign));
  }
  // An allergy (a sting, a food, a new antibiotic, hives) with a swallowing, swelling, voice or wheezing sign.
  for (const allergen of of('allergen')) {
    const sign = closest(of('allergy-sign').filter((m) => Math.abs(m.first - allergen.first) <= 14 && sameSentence(tokens, allergen, m) && live(m)), allergen);
    if (sign) found.push(span('anaphylaxis', sign, sign, 0.7, 'allergen-with-airway-sign', allergen));
  }

  // One sepsis flag per systemic sign, read in the context of the nearest live fever, chills or infection.
  const infections = [...fevers, ...of('chills'), ...of('infection')];
  for (const systemic of of('systemic')) {
    if (!live(systemic)) continue;
    const infection = closest(infections.filter((hit) => near(hit, systemic, 15) && live(hit)), systemic);
    if (!infection) continue;
    const flag = span('sepsis_signs', infection, infection, 0.75, 'fever-with-systemic-sign', systemic);
    // "a sore throat, a fever and I feel really weak": weakness with a named cold or flu is a person's call, not a sepsis alarm.
    if (tokens.slice(systemic.first, systemic.last + 1).some((t) => t.text === 'weak') && wordNear(tokens, infection.first, systemic.last, commonIllness, 12)) flag.forcedUncertain = true;
    found.push(flag);
  }
}

/** `anchors` that have a `marks` hit within a few words in the same sentence become flags of `code`. */
function pairFeatures(tokens: readonly Token[], anchors: readonly FeatureHit[], marks: readonly FeatureHit[], found: Found[], code: RedFlagCode, cue: string, confidence: number): void {
  for (const anchor of anchors) {
    const mark = closest(marks.filter((m) => !mildBefore.has(tokens[m.first - 1]?.text ?? '') && m.first <= anchor.last + 10 && m.last >= anchor.first - 6 && sameSentence(tokens, anchor, m)), anchor);
    if (mark) found.push(span(code, anchor, anchor, confidence, cue, mark));
  }
}

function sameSentence(tokens: readonly Token[], a: FeatureHit, b: FeatureHit): boolean {
  const from = Math.min(a.last, b.last);
  const to = Math.max(a.first, b.first);
  for (let k = from + 1; k < to; k++) if (isSentenceBoundary(tokens[k]!)) return false;
  return true;
}

// "nothing severe", "not that bad": a severity word that is itself denied.
const mildBefore = new Set(['nothing', 'not', 'no', 'never', "isn't", "wasn't", "aren't", 'none', 'that']);
const paperworkNouns = new Set(['form', 'forms', 'protocol', 'test', 'testing', 'screening', 'clearance', 'baseline', 'paperwork', 'clinic', 'class']);

function closest(hits: readonly FeatureHit[], to: FeatureHit): FeatureHit | undefined {
  let best: FeatureHit | undefined;
  for (const hit of hits) if (!best || Math.abs(hit.first - to.first) < Math.abs(best.first - to.first)) best = hit;
  return best;
}

/** A combined flag spans both parts; its context is read at `anchor`, the symptom. */
function span(code: RedFlagCode, a: FeatureHit, anchor: FeatureHit, confidence: number, cue: string, extra?: FeatureHit): Found {
  const first = Math.min(a.first, anchor.first, extra?.first ?? Infinity);
  const last = Math.max(a.last, anchor.last, extra?.last ?? -Infinity);
  const found: Found = { code, first, last, anchorFirst: anchor.first, anchorLast: anchor.last, confidence, cue, garbled: false };
  if (extra) {
    found.extraFirst = extra.first;
    found.extraLast = extra.last;
  }
  return found;
}

/** One report per mention: a span inside a longer span of the same code is the same mention. */
function dedupe(found: Found[]): Found[] {
  const sorted = [...found].sort((a, b) => a.first - b.first || b.last - a.last || b.confidence - a.confidence);
  const kept: Found[] = [];
  for (const hit of sorted) {
    const container = kept.find((k) => k.code === hit.code && k.first <= hit.first && k.last >= hit.last);
    // Overlapping phrases of one code ("crushing chest" + "chest pain") are one mention: widen it.
    const overlapping = container ? undefined : kept.find((k) => k.code === hit.code && k.first <= hit.last && hit.first <= k.last);
    if (overlapping) {
      overlapping.last = Math.max(overlapping.last, hit.last);
      if (hit.confidence > overlapping.confidence && !hit.garbled) {
        overlapping.confidence = hit.confidence;
        overlapping.cue = hit.cue;
      }
      continue;
    }
    if (container) {
      if (hit.confidence > container.confidence && !hit.garbled) {
        container.confidence = hit.confidence;
        container.cue = hit.cue;
      }
      continue;
    }
    kept.push(hit);
  }
  return kept;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

// ---- the second route: a trained model (scripts/train/train-red-flags.ts) -------------------------

/**
 * The shipped red-flag model: one-vs-rest logistic regression over hashed word and character
 * n-grams, trained on a synthetic corpus written apart from these rules (other wording, other
 * voices). It only ever adds, and only uncertain flags: a rule flag is never removed or changed by
 * it, and it never makes a call urgent by itself.
 */
export const redFlagModel = new LinearTextModel(redFlagModelData as LinearModelData);

/** A model-only flag at or above this probability is reported, as `uncertain`. */
export const modelThreshold = 0.6;
/** Below this a model-only flag is marked `model-middling` (a model-only flag is always `uncertain`). */
export const modelAffirmed = 0.92;
const thresholdLogit = Math.log(modelThreshold / (1 - modelThreshold));
/** A label other than the window's best needs this probability. */
export const modelSecondLabel = 0.97;
/** Sentences longer than this are read in overlapping windows, so one mention is not drowned in a long ASR run-on. */
const maxWindow = 24;
const windowStep = 12;

const modelStopWords = new Set([
  'a', 'an', 'the', 'and', 'or', 'but', 'so', 'with', 'of', 'to', 'in', 'on', 'at', 'for', 'from', 'by', 'much', 'very', 'too', 'i', 'me', 'my', 'he', 'she', 'him',
  'her', 'his', 'it', "it's", 'is', 'was', 'are', 'were', 'be', 'been', 'am', "i'm", "he's", "she's", 'has', 'have', 'had', 'this', 'that', 'just', 'now', 'please',
  'call', 'back', 'number', 'file', 'thank', 'thanks', 'you', 'your', 'we', 'they', 'them', 'our', 'their', 'what', 'do', 'should', 'can', 'could', 'would', 'will',
  'some', 'any', 'all', 'also', 'then', 'there', 'here', 'if', 'as', 'about', 'like', 'really', 'okay', 'ok', 'yes', 'hi', 'hello', 'minutes', 'minute', 'hour', 'hours',
  'since', 'ago', 'today', 'tonight', 'morning', 'afternoon', 'evening', 'night', 'last', 'again', 'right', 'suddenly', 'sudden', 'started', 'having', 'getting',
  'every', 'each', 'day', 'days', 'week', 'weeks', 'month', 'months', 'year', 'years', 'time', 'times', 'take', 'takes', 'took', 'taking', 'need', 'needs', 'want',
  'make', 'sure', 'anymore', 'go', 'going', 'come', 'know', 'think', 'see', 'said', 'says', 'told', 'tell', 'way', 'thing', 'things', 'well', 'good', 'bad',
  'got', 'get', 'one', 'few', 'lot', 'lots', 'still', "i've", "i'd", "i'll", "we've", "you've", "we're", 'never', 'ever', 'been', 'not', 'no', 'up', 'out', 'down', 'off', 'over', 'into', 'after', 'before', 'when', 'while', 'who', 'how', '?',
]);

interface ModelHit {
  code: RedFlagCode;
  probability: number;
  first: number;
  last: number;
  windowFirst: number;
  windowLast: number;
}

/**
 * Stretches of tokens the model reads: clauses (split at ". ! ? ;" and "but"), windows over long
 * ones, and the parts of a clause that "and/then" + a new subject starts ("she is gulping for air |
 * and my dad had a stroke years ago"), so one part's context does not drown the other.
 */
export function modelWindows(tokens: readonly Token[]): [number, number][] {
  const windows: [number, number][] = [];
  const add = (from: number, to: number) => {
    if (to - from <= maxWindow) {
      if (to > from) windows.push([from, to]);
      return;
    }
    for (let start = from; ; start += windowStep) {
      const end = Math.min(to, start + maxWindow);
      windows.push([start, end]);
      if (end === to) break;
    }
  };
  let from = 0;
  for (let k = 0; k <= tokens.length; k++) {
    if (k < tokens.length && !isClauseBoundary(tokens[k]!)) continue;
    add(from, k);
    // The clause's parts, when "and I", "and my dad", "then she", "and now" starts another subject.
    let part = from;
    for (let j = from + 2; j < k - 1; j++) {
      const word = tokens[j]!.text;
      if ((word === 'and' || word === 'then') && startsNewSubject(tokens[j + 1]!.text)) {
        if (part > from || j - part < k - from) add(part, j);
        part = j + 1;
      }
    }
    if (part > from) add(part, k);
    from = k + 1;
  }
  return windows;
}

/** The model's hits per code: the best window per mention, with the tokens that drove the score. */
function modelHits(tokens: readonly Token[]): ModelHit[] {
  const model = redFlagModel;
  const L = model.labelCount;
  const sums = model.prefixScores(tokens);
  const score = (k: number, l: number) => sums[(k + 1) * L + l]! - sums[k * L + l]!;
  const hits: ModelHit[] = [];
  const logits = new Float64Array(L);
  for (const [from, to] of modelWindows(tokens)) {
    let top = 0;
    for (let l = 0; l < L; l++) {
      logits[l] = model.biasOf(l) + sums[to * L + l]! - sums[from * L + l]!;
      if (logits[l]! > logits[top]!) top = l;
    }
    for (let l = 0; l < L; l++) {
      if (logits[l]! < thresholdLogit) continue;
      const probability = sigmoid(logits[l]!);
      // Unseen wording of one flag lifts its neighbours too ("garbled speech" → a little of everything):
      // in a window, only the model's best label counts, unless another is near certain.
      if (l !== top && probability < modelSecondLabel) continue;
      // The anchor: the token that pushed hardest, widened over neighbours that pushed too.
      let best = from;
      for (let k = from; k < to; k++) if (score(k, l) > score(best, l)) best = k;
      const peak = score(best, l);
      let first = best;
      let last = best;
      while (first > from && best - first < 3 && score(first - 1, l) >= 0.35 * peak) first--;
      while (last < to - 1 && last - best < 3 && score(last + 1, l) >= 0.35 * peak) last++;
      // A negation word the model reads as part of the symptom ("can't breathe", "not responding") is inside it.
      for (let k = first - 1; k >= Math.max(from, first - 2); k--) {
        if (negationTriggers.has(tokens[k]!.text) && score(k, l) > 0) first = k;
      }
      // The words that decided must say something: a hit carried by "and", "with" or a number is noise.
      let content = false;
      for (let k = first; k <= last && !content; k++) content = !modelStopWords.has(tokens[k]!.text) && parseNumberAt(tokens, k) === undefined;
      if (!content) continue;
      const code = model.labels[l] as RedFlagCode;
      const same = hits.find((hit) => hit.code === code && hit.windowLast >= from && hit.windowFirst < to);
      if (same) {
        if (probability > same.probability) Object.assign(same, { probability, first, last, windowFirst: from, windowLast: to - 1 });
        continue;
      }
      hits.push({ code, probability, first, last, windowFirst: from, windowLast: to - 1 });
    }
  }
  return hits;
}

/**
 * Adds the model's flags that the rules did not find. The same NegEx-style context decides:
 * negated, past, hypothetical and family-history mentions are set aside; another person's, hedged
 * or middling-probability ones are uncertain. Rule flags and rule set-asides of the same code
 * in the same place win.
 */
function addModelFlags(tokens: readonly Token[], redFlags: RedFlag[], setAside: SetAsideMention[], caredFor: ReadonlySet<string>): void {
  for (const hit of modelHits(tokens)) {
    const windowStart = tokens[hit.windowFirst]!.start;
    const windowEnd = tokens[hit.windowLast]!.end;
    if (redFlags.some((flag) => flag.code === hit.code && flag.start < windowEnd && windowStart < flag.end)) continue;
    // An infant fever needs an infant: the model cannot count weeks, the rules can.
    if (hit.code === 'infant_fever' && !infantMentioned(tokens, hit.windowFirst, hit.windowLast)) continue;
    const start = tokens[hit.first]!.start;
    const end = tokens[hit.last]!.end;
    if (setAside.some((mention) => mention.code === hit.code && mention.start < windowEnd && windowStart < mention.end)) continue;
    const context = assess(tokens, hit.first, hit.last, caredFor);
    if (context.setAside) {
      setAside.push({ code: hit.code, start, end, reason: context.setAside });
      continue;
    }
    // The model reads words, not structure: on calls written by strangers its confident readings include "half past
    // one" as stroke and "coming back" as fainting. A model-only flag is shown to a person and never makes a call
    // urgent by itself; the rules are the floor that does.
    const notes = [context.note, hit.probability < modelAffirmed ? 'model-middling' : undefined].filter(Boolean).join('+');
    redFlags.push({
      code: hit.code,
      start,
      end,
      confidence: round(Math.max(0.3, Math.min(0.9, hit.probability * context.factor))),
      status: 'uncertain',
      subject: context.subject,
      cue: notes ? `model:${notes}` : 'model',
    });
  }
}

const infantWords = new Set(['baby', "baby's", 'newborn', "newborn's", 'infant', "infant's", 'bub', 'bubba', 'babe']);

/** An infant named in tokens [from, to]: "baby", "newborn", "6 week old", "10 days"; not "6 months", "2 years". */
function infantMentioned(tokens: readonly Token[], from: number, to: number): boolean {
  let infant = false;
  for (let k = Math.max(0, from - 12); k <= Math.min(tokens.length - 1, to); k++) {
    const word = tokens[k]!.text;
    if (infantWords.has(word) || (word === 'new' && tokens[k + 1]?.text === 'born')) infant = true;
    const unit = tokens[k + 1]?.text.replace(/s$/, '') ?? '';
    const value = parseNumberAt(tokens, k);
    if (!value || value.next !== k + 1) continue;
    // "6 week old", "she's only 10 days"; never "I'm 6 weeks" (pregnant) or "for 3 days" (a duration).
    const aged = tokens[k + 2]?.text === 'old' || infantAgeBefore.has(tokens[k - 1]?.text ?? '');
    if ((unit === 'week' || unit === 'wk' || unit === 'day') && value.value <= 13 && aged) infant = true;
    if (unit === 'month' && value.value <= 3) infant = true;
    if ((unit === 'month' && value.value > 3) || unit === 'year' || unit === 'yr') return false;
  }
  return infant;
}
