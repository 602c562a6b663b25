import { requestTypeCodes, type EvidenceSpan, type RedFlag, type RequestTypeCode, type RequestTypeScore } from '../analysis.types.ts';
import { acceptsOffer, callTurns, hasClinicTurns, inAgreementSentence, offersSlot, turnAt } from './call-turns.ts';
import { drugNames } from './drug-lexicon.ts';
import { symptomLexicon } from './entities.ts';
import { PhraseTrie } from './phrase-trie.ts';
import { detectRedFlags } from './red-flags.ts';
import calibrationData from './models/request-types.calibration.json' with { type: 'json' };
import { calibrated, type RequestTypeCalibration } from './request-type-calibration.ts';
import { contentTokens, isClauseBoundary, type Token } from './tokens.ts';

/**
 * Request types (UN-1): what the caller asks the clinic to do in this call, as one primary code
 * plus secondary codes (docs/guides/labelling-calls.md §1). Weighted cue phrases per type, read
 * only in the caller's words, are combined as a noisy-OR, so two moderate cues beat one and no
 * single weak word ("pharmacy") decides alone; the score is then calibrated per code
 * (models/request-types.calibration.json, fitted on a split the rules are never tuned on) so
 * `confidence` is a probability. Every score carries the spans and rule names that produced it.
 */

/** The clinic's names for the request types, for queues and the review screen. */
export const requestTypeLabels = {
  prescription_refill: 'Prescription refill',
  appointment: 'Appointment scheduling or change',
  symptom_report: 'Symptom report or clinical concern',
  test_results: 'Lab or test results',
  referral: 'Referral',
  billing_insurance: 'Billing and insurance',
  prior_authorization: 'Prior authorization',
  medical_records: 'Medical records',
  callback_request: 'Callback request',
  urgent_emergency: 'Urgent or emergency',
  administrative: 'Administrative',
  provider_to_provider: 'Provider to provider',
} as const satisfies Record<RequestTypeCode, string>;

interface Cue {
  type: RequestTypeCode;
  cue: string;
  weight: number;
  notPrev?: readonly string[];
  /** Symptom cues: skipped when negated ("no fever"). */
  negatable?: boolean;
  notNext?: readonly string[];
  /**
   * A bare noun that callers name in passing as often as they ask about it ("I saw it in the
   * portal", "my appointment is in February"): full weight only inside a request clause.
   */
  mention?: boolean;
}

/** `not-refill`: the medication is named for another reason (a side effect, the cost, a new drug). */
type Value = Cue | { type: 'suppress' } | { type: 'not-refill' } | { type: 'afterthought' };

// [type, cue, weight, patterns, options]
const cueTable: [RequestTypeCode, string, number, string[], Partial<Cue>?][] = [
  ['prescription_refill', 'refill', 0.85, ['refill+', 're fill']],
  ['prescription_refill', 'renew', 0.7, ['renew|renewal|renewed|renewing']],
  ['prescription_refill', 'ran-out', 0.85, ['ran|run|running out of ~ ~ ~ medication|medications|meds|pills|medicine|prescription|inhaler|insulin|tablets', "am|i'm|completely out of ~ ~ ~ medication|medications|meds|pills|medicine|inhaler|insulin|tablets"]],
  ['prescription_refill', 'running-out', 0.6, [
    'ran|run|running out of', 'running low on', 'almost|nearly|all|completely|totally out of', 'ran|run out',
    'finished|used up ~ ~ pills|meds|medication|medicine|prescription|inhaler|bottle', 'call|send in ~ ~ inhaler|prescription|medication|meds|pills|script|refill',
    'inhaler|bottle|pen|pens|vial|vials ~ ~ empty', 'more of my|his|her', 'new order',
  ]],
  ['prescription_refill', 'out-of-my', 0.45, ["i'm|im|am|we're|she's|he's out of my|his|her|our"]],
  ['prescription_refill', 'need-more', 0.6, [
    'need|want|get|needs some more of', 'need|needs more of',
    // The caller names the call by the medicine: "I'm calling for my pills for the prostate".
    'calling for|about my|his|her ~ pills|meds|medicine|medication|medications|prescription|insulin|inhaler',
    'finished|done with the|his|her|my insulin|inhaler|pills|meds|medicine|medication',
  ]],
  ['prescription_refill', 'supply-left', 0.7, [
    'only ~ ~ ~ pills|pill|tablets|doses|days|shots|pens|vials left', 'pills|tablets|doses|pens|vials ~ left', 'last pill|dose|tablet|pen|vial|puff|puffs|refill',
    'down to ~ ~ last|pills|tablets|doses',
  ]],
  ['prescription_refill', 'prescription', 0.45, ['prescription|prescriptions|script|rx'], { mention: true }],
  ['prescription_refill', 'send-to-pharmacy', 0.55, [
    'send|call|sent|called|fax ~ ~ ~ pharmacy|cvs|walgreens|walmart|costco|kroger|rite|publix|safeway|target|heb|meijer',
    'prescription|script|rx|refill ~ ~ to|at ~ pharmacy|cvs|walgreens|walmart|costco|kroger|rite|publix|safeway|target|heb|meijer',
    'day supply', 'send|call|fax ~ ~ ~ c v s', 'prescription|script for ~ ~ ~ pens|needles|strips|vials|insulin|inhaler',
  ]],
  ['prescription_refill', 'pharmacy', 0.25, ['pharmacy|pharmacist'], { mention: true }],
  ['prescription_refill', 'medication', 0.2, ['medication|medications|meds|medicine'], { mention: true }],

  // The bare noun: the verbs ("book", "move", "cancel") carry the request.
  ['appointment', 'appointment', 0.6, ['appointment|appointments|appt'], { mention: true }],
  ['appointment', 'schedule-appointment', 0.9, [
    'schedule+|reschedule+|book|booked|booking|cancel+|make|move|change ~ ~ appointment|appt|visit|physical|checkup|follow',
  ]],
  ['appointment', 'reschedule', 0.8, ['reschedule+']],
  ['appointment', 'schedule-it', 0.6, ['schedule+|book that|it|one|something', 'schedule+|book a time|visit', 'move|push|change it|that to', 'move|push it|that back|up', 'move it', 'see me|him|her|us today|tomorrow|this|soon|sometime']],
  ['appointment', 'cancel', 0.6, ['cancel+ my']],
  // "I see Dr. Okafor" says who my doctor is; "to see / need to see the doctor" asks for a visit.
  ['appointment', 'come-in', 0.65, ['come in']],
  ['appointment', 'see-provider', 0.55, ['see ~ doctor|dr|nurse|provider|someone|np', 'seen by ~ doctor|dr|nurse|provider|someone', 'get in to see'], { notPrev: ['i', 'we', 'he', 'she', 'they', 'us', 'both', 'all', 'usually', 'normally', 'always', 'also', 'who', 'still'] }],
  ['appointment', 'fit-me-in', 0.75, ['fit|squeeze ~ in', 'running late']],
  ['appointment', 'availability', 0.45, ['available|availability|opening|openings|slot|slots'], { mention: true }],
  ['appointment', 'ask-availability', 0.7, [
    'anything|something|anyone available', 'any openings|availability|appointments', 'next available', 'get in with', 'get in to see',
    'book|fit|squeeze me|us|him|her in', 'wait list|waitlist', 'sick|well|wellness visit|check|checkup|appointment', 'well child',
    'first visit', 'make it to ~ appointment|visit', 'get|come in for', 'get in',
  ]],
  ['appointment', 'visit-kind', 0.5, ['follow up|followup', 'checkup|physical', 'check up', 'wellness visit', 'annual exam', 'telehealth', 'video|virtual visit'], { notNext: ['therapy', 'therapist', 'form', 'forms', 'paperwork'], mention: true }],
  ['appointment', 'be-seen', 0.6, ['be|get seen today|tomorrow|soon|this|asap', 'want|need|like to be seen']],
  // Asking for a time without the word "appointment": "can the doctor see me", "anything on Thursday", "push my visit back".
  ['appointment', 'ask-for-time', 0.65, [
    'doctor|dr|nurse|provider|np|pediatrician|someone|somebody|anyone ~ see me|him|her|us', 'have|got|there anything|something|room on|for|this|next|tomorrow|today',
    'spot|spots|opening|openings|time ~ open|available|this|next|today|tomorrow', 'get on ~ schedule', 'get in sometime|soon|this|next|today|tomorrow',
    'visit with ~ ~ doctor|dr|pediatrician|nurse|provider', 'new patient visit|appointment|exam',
    'yearly|annual physical|exam|visit|checkup', 'my yearly', 'set up ~ time|visit',
  ]],
  ['appointment', 'move-visit', 0.8, [
    'push|pushed|bump|bumped|move|moved ~ ~ visit|slot|appointment|appt', 'confirm|confirming ~ ~ appointment|appt|visit|time|slot',
    "can't|cannot|won't make it", 'can not make it', 'not be able to make it',
    'check ~ ~ ~ appointment|appt|time|date|arrival', 'what time ~ ~ ~ appointment|appt|arrive', 'what time ~ ~ ~ be there',
    'make sure ~ ~ ~ right day|time|date', 'what day|time is my',
    // The visit named by a pronoun after it was mentioned: "he has an appointment on the 19th … I need to cancel it".
    'need|want|have to cancel+|reschedule+|move it|that|this',
  ]],
  // Asking to get in, as a question: "can I get in with Dr. Hale", "do I need to come back in".
  ['appointment', 'ask-to-get-in', 0.8, [
    'can|could i|we|he|she get in with|to', 'can|could i|we|he|she get in ~ ~ see', 'need|needs|should ~ ~ come back in', 'do i|we|he|she need to come in|back',
  ]],

  ['symptom_report', 'side-effect', 0.6, ['side effect|effects', 'reaction to']],
  ['symptom_report', 'feeling-unwell', 0.5, [
    'feeling|feel|felt ~ sick|unwell|worse|terrible|awful|bad|off|lousy|crummy|rough', 'getting worse', 'symptoms',
    "don't|not|didn't feel|feeling well|good|right|myself", 'under the weather',
  ]],
  ['symptom_report', 'complaint', 0.55, [
    'burns|burning|hurts|stings when ~ pee|urinate|peeing', 'a|bad|the cold', 'the flu', 'heartburn|reflux|indigestion',
    'lump|bump|knot ~ ~ ~ ~ neck|breast|arm|leg|skin|back|armpit|groin', 'upset stomach', 'stomach ~ ~ ~ upset',
    'blood sugar|sugars|pressure ~ ~ ~ ~ high|low', 'red and itchy|swollen|painful', 'toothache|earache',
    'yeast|urinary|kidney|skin|tooth|chest|sinus|ear|eye|bladder infection', 'allergies ~ ~ ~ acting up|bad|terrible',
    'acting up', 'not healing', 'throat|ear|back|knee|tooth|neck|foot|feet ~ ~ killing me', 'drainage|pus', 'it|that burns|stings|itches', 'than usual|normal',
    'heart ~ skips|skipping|racing|pounding|fluttering|flutters', 'flutters|fluttering',
    'twisted|sprained|rolled|hurt|injured|pulled ~ ~ ankle|knee|wrist|back|shoulder|neck|muscle', "won't heal", 'tingling',
    'more|getting|very|so forgetful|confused', 'memory ~ ~ worse|slipping',
  ]],
  ['symptom_report', 'worried-question', 0.45, [
    'should i be worried|concerned', 'is it normal', 'is that normal', 'is this normal',
    // A treatment that is not doing its job: "I'm worried it's not working", "it isn't better yet".
    "worried|concerned it's|it|that's|that not|isn't working|helping", "worried|concerned it's|it|that's|that isn't|not ~ working|helping",
  ]],
  // Asking what to do about something happening to the patient.
  ['symptom_report', 'advice-question', 0.45, [
    'what should i|we do', 'should i|we ~ ~ be worried|concerned', 'should i|we ~ bring ~ ~ in', 'do i|we ~ ~ bring ~ ~ in', 'is it safe to',
  ]],
  // The caller wants a clinician told about something happening: the definition of a symptom report.
  ['symptom_report', 'tell-clinician', 0.5, [
    'want|wants|wanted|like ~ ~ doctor|dr|nurse|provider|him|her|them to know', 'doctor|dr|nurse|provider ~ should know', 'want|wanted|wants|need|needed to tell ~ ~ doctor|dr|nurse|provider', 'tell|let ~ ~ doctor|dr|nurse|provider know|about',
  ]],
  ['symptom_report', 'body-trouble', 0.4, ['stomach|bowel|bladder|skin|breathing|heart|vision|memory|balance|sleep problems|issues|trouble']],
  ['symptom_report', 'been-having', 0.3, ['been having', "i've had"]],
  ['symptom_report', 'symptom-course', 0.4, [
    'getting|gotten|got worse|bigger|larger|darker|redder', 'keeps|keep coming back', "it's changed", 'it has changed', 'changed color|shape|size', 'spreading|draining|oozing|swelling up', 'keep|keeps getting', 'been getting', "not|isn't|wasn't|hasn't|hasn't ~ better", 'more swollen|painful|red|tender', "still getting|having ~ ~ attacks|episodes|spells|pain|headaches",
  ]],

  ['test_results', 'results', 0.5, ['result|results'], { mention: true }],
  ['test_results', 'test-results', 0.85, [
    'test|tests|lab|labs|blood|bloodwork|biopsy|scan|mri|xray|ray|imaging|mammogram|pap|smear|study|panel|work|ct|culture|urine|a1c|tsh|psa|cbc|cmp|lipid|thyroid|cholesterol|covid|strep|my|the|your result|results',
    'test|tests|lab|labs|bloodwork|biopsy|scan|mri|xray|ray|ultrasound|mammogram|ekg|ecg|ct|culture|echo showed|shows|said|found|mean|means',
    'go|went|going over ~ ~ ~ numbers|results|labs|levels|report', 'cholesterol|a1c|sugar|thyroid|iron|potassium|kidney|liver numbers|levels',
    'test|tests|lab|labs|bloodwork|biopsy|scan|mri|xray|ray|ultrasound|mammogram|ct|culture|echo show|find|say|turned|turn|came|found', 'it|they show|turned|came back',
    'cholesterol|a1c|sugar|thyroid|iron|potassium|kidney|liver|vitamin|psa|tsh|hemoglobin|sodium|function ~ ~ numbers|levels|level|count',
    'is|are|was|were my ~ ~ ~ okay|ok|normal|good|fine|low|high', 'heard from|back ~ ~ radiology|pathology|lab|imaging',
    'findings', 'pathology report', 'look|looked at ~ ~ echo|scan|labs|results|xray|mri|ct|bloodwork|ultrasound|biopsy|ekg',
    'radiologist|pathologist|radiology|pathology ~ say|said|found|report|read', 'back to normal',
    'what ~ ~ ~ numbers|results|levels|it|this|that ~ mean|means', 'explain ~ ~ ~ numbers|results|levels|labs|report|it',
    'what ~ it|they|mri|scan|test|xray|ultrasound|biopsy|results show+|showed|found|says|said',
    'test|tests|labs|results ~ ~ ~ back', 'culture|cultures|biopsy|test ~ grow|grew|positive|negative', 'gotten|get|got ~ ~ results', 'what does that|it|this mean', 'news|update on|about ~ ~ ~ test|scan|biopsy|labs|results|mri|ct|ultrasound',
    'what|how were|are|was|is ~ ~ numbers|levels', 'a 1 c ~ ~ numbers|levels|level|high|low|back', 'a one c ~ ~ numbers|levels|level|high|low|back',
    'came|come|coming back normal|high|low|positive|negative|abnormal|okay|ok|fine|clear|elevated',
    'hear|heard|hearing|know|news about|from|on ~ ~ ~ test|tests|scan|biopsy|labs|results|mri|ct|ultrasound|mammogram|bloodwork|xray|pap|culture|sample|echo',
    'everything|anything|it okay|ok|normal|fine|alright|good with|on|from ~ ~ ~ test|tests|scan|biopsy|labs|mri|ct|ultrasound|mammogram|bloodwork|xray|pap|sample|work',
    'anything ~ back from|on', 'did|does|do|has|have ~ ~ ~ doctor|provider|nurse|dr ~ look|review|reviewed|see|read ~ ~ ~ scan|labs|mri|ct|xray|bloodwork|ultrasound|mammogram|biopsy|test|tests|report|images|results',
  ]],
  ['test_results', 'lab-panel', 0.4, ['enzymes|panel|count|counts'], { mention: true }],
  ['test_results', 'discuss', 0.35, ['talk about|discuss|explain|review', 'go|went|going over it|them|that|everything', "don't|not understand", 'come|came out okay|ok|normal|fine|good|alright|clear|bad|abnormal', 'flagged|abnormal|elevated', 'bone density', 'sleep study', 'test|tests'], { mention: true }],
  ['test_results', 'lab-work', 0.5, ['lab|labs', 'lab|blood work', 'bloodwork', 'blood drawn|draw|taken', 'blood|stool|urine|sputum test|sample|specimen', 'kidney|liver|thyroid|lung function', 'urine culture'], { mention: true }],
  ['test_results', 'test-kind', 0.35, [
    'x ray', 'xray|mri|ultrasound|mammogram|biopsy|ekg|ecg|echocardiogram|a1c|cholesterol|colonoscopy|scan|urinalysis|culture',
    'pap smear', 'ct|cat scan', 'pregnancy|covid|strep test', 'pap', 'ct', 'a 1 c', 'stress test', 'bone scan', 'potassium|sodium|psa|tsh|hemoglobin|platelets|glucose',
  ], { mention: true, notNext: ['time', 'appointment', 'appt', 'date', 'prep', 'visit', 'scheduled', 'arrival'] }],
  // Another office calling with a result for the doctor, or asking for one.
  ['test_results', 'reporting-result', 0.7, [
    'calling with ~ ~ ~ result|results|value|values|report', 'critical value|values|result|results',
    'calling about|regarding ~ ~ ~ ct|scan|mri|xray|ultrasound|test|labs|biopsy|study|result|results|report|findings|echo|mammogram',
    'most recent ~ ~ lipid|panel|labs|bloodwork|results|a1c|cmp|cbc|tsh|echo|ekg|imaging', 'latest|last ~ ~ lipid|panel|labs|bloodwork|results|a1c|cmp|cbc|tsh|echo|ekg|imaging',
  ]],
  ['test_results', 'result-said', 0.6, [
    'pap|mammogram|biopsy|scan|test|labs|bloodwork|xray|mri|ct|ultrasound|culture|a1c|psa ~ was|were|is|came|come|showed ~ ~ abnormal|positive|negative|elevated|high|low|normal|off|fine|clear',
    'results|result are|is available|ready|in|posted', 'lab|labs|radiology|imaging|pathology called|left|sent', 'flagged ~ high|low|abnormal|critical',
    'does that|it|this mean',
    // What a test found, asked or feared: "there's a finding", "maybe they found something".
    'a finding', 'they|you found something|anything', 'says|said everything is|was normal|fine|okay|clear',
  ]],
  ['test_results', 'heard-back', 0.35, ['hear|heard back', 'came|come back', "heard anything|nothing", "haven't|not heard", 'nobody ~ ~ called|told', 'no one ~ ~ called|told', 'waiting to hear']],

  ['referral', 'referral', 0.85, ['referral|referrals']],
  ['referral', 'refer', 0.8, ['refer+ me|him|her|us|to|out', 'refer+ ~ ~ to']],
  // Being sent on to a specialist, said without the word: "can the doctor send us to the GI", "what is happening with the dermatology".
  ['referral', 'send-to-specialist', 0.75, [
    'send|sending|sent|refer me|him|her|us|them to ~ ~ specialist|specialists|ent|gi|dermatology|dermatologist|cardiology|cardiologist|neurology|neurologist|urology|urologist|orthopedics|ortho|orthopedist|gastroenterology|gastroenterologist|rheumatology|rheumatologist|endocrinology|endocrinologist|oncology|podiatry|podiatrist|allergist|pulmonology|pulmonologist|nephrology|nephrologist', 'can|could|would ~ ~ send|refer me|him|her|us to',
    'happening|news|status|update with|of|on ~ ~ specialist|specialists|ent|gi|dermatology|dermatologist|cardiology|cardiologist|neurology|neurologist|urology|urologist|orthopedics|ortho|orthopedist|gastroenterology|gastroenterologist|rheumatology|rheumatologist|endocrinology|endocrinologist|oncology|podiatry|podiatrist|allergist|pulmonology|pulmonologist|nephrology|nephrologist', 'going on with ~ ~ specialist|specialists|ent|gi|dermatology|dermatologist|cardiology|cardiologist|neurology|neurologist|urology|urologist|orthopedics|ortho|orthopedist|gastroenterology|gastroenterologist|rheumatology|rheumatologist|endocrinology|endocrinologist|oncology|podiatry|podiatrist|allergist|pulmonology|pulmonologist|nephrology|nephrologist',
  ]],
  ['referral', 'second-opinion', 0.45, ['second opinion'], { mention: true }],
  ['referral', 'specialist', 0.4, ['specialist|specialists'], { mention: true }],
  ['referral', 'see-specialist', 0.6, ['see|seeing|visit ~ specialist', 'specialist referral|appointment']],
  ['referral', 'specialty', 0.35, [
    'cardiologist|dermatologist|orthopedist|orthopedic|neurologist|gastroenterologist|urologist|endocrinologist|rheumatologist|podiatrist|allergist|oncologist|psychiatrist|therapist|surgeon|ent',
    'physical therapy',
  ], { mention: true }],

  ['billing_insurance', 'bill-noun', 0.7, ['bill|bills|billed|billing|invoice|statement'], { notPrev: ['is', "i'm", 'husband', 'son', 'father', 'dad', 'brother', 'uncle', 'named', 'mr', 'dr', 'with', 'to'] }],
  ['billing_insurance', 'payment', 0.6, ['copay|copays|deductible|coinsurance|balance|refund|payment|payments|charge|charged|charges|collections', 'co pay', 'out of pocket', 'payment plan', 'explanation of benefits', 'eob'], { notNext: ['nurse'] }],
  ['billing_insurance', 'claim', 0.5, ['claim|claims', 'in|out network', 'out of network', 'overcharged|overbilled', 'hsa|fsa card|account']],
  ['billing_insurance', 'plan-accepted', 0.7, [
    'take|accept|bill ~ ~ insurance|blue|aetna|cigna|united|humana|medicare|medicaid|kaiser|tricare|anthem|ambetter|molina',
    'in network', 'medicaid|medicare|plan|coverage changed|ended|lapsed|expired', 'insurance ended|lapsed|expired', 'how much ~ ~ ~ cost|costs|charge',
  ]],
  ['billing_insurance', 'insurance', 0.45, ['insurance|insurer|medicaid|medicare'], { mention: true }],
  // Updating the insurance on file is an administrative update (labelling-calls.md §1), not a billing question.
  // "My insurance changed" is the reason for another request; updating it, or a new card, is the ask.
  ['administrative', 'insurance-change', 0.75, ['insurance card', 'new insurance', 'change|update|changed ~ ~ insurance', 'insurance changed ~ ~ ~ ~ update|change']],
  ['billing_insurance', 'cost', 0.35, ['cost|costs|price', 'how much']],
  ['billing_insurance', 'coverage', 0.6, ['insurance|plan|medicare|medicaid ~ ~ cover|covers|covered|pay|pays|paid', 'covered by ~ ~ insurance|plan']],

  ['prior_authorization', 'prior-auth', 0.95, [
    'prior auth|authorization|authorisation|approval', 'pre auth|authorization|authorisation|approval|cert|certification|approve',
    'preauth|preauthorization|preauthorisation|precert|precertification|preapproval',
  ]],
  ['prior_authorization', 'insurance-needs-approval', 0.85, [
    'insurance|plan ~ ~ needs|requires|require|need|wants|want ~ ~ approval|approve|authorization|authorize',
    'approved|authorized by ~ ~ insurance|plan',
    "insurance|plan ~ won't|wouldn't|doesn't|didn't|will ~ cover ~ ~ ~ unless|until|without",
    'step therapy', 'formulary exception', 'coverage determination',
    'insurance|plan ~ ~ ~ needs|requires|require|need|wants|want ~ ~ ~ approval|approve|authorization|authorize',
    'needs|need|do|submit|file|sent|send|requires a|the pa', 'pa for|paperwork|request|form|approval|on', 'asking for a pa', 'not on ~ formulary',
    'medical necessity', 'needs|need|wants|requires ~ ~ form|paperwork|letter|documentation from ~ doctor|provider|office',
    'before they|it ~ pay|cover', 'for ~ ~ approval', 'before ~ ~ approving|approve|covering|cover',
    'without|unless|until ~ ~ approval|authorization|prior', 'doctor|provider|office ~ ~ ~ submit|submits|submitted', 're authorization|authorize', 'reauthorization', 'to approve it',
    'until|unless|before ~ ~ ~ approves|approve|approved|authorizes|authorized',
    // The approval awaited from the payer: "still waiting on the authorization from my insurance".
    'waiting on|for ~ ~ authorization|approval|auth', 'authorization|approval|auth from ~ ~ insurance|insurer|plan|medicaid|medicare', 'authorization|approval ~ expired|lapsed|pending|denied', 'authorization|approval ~ ran out',
  ]],
  ['prior_authorization', 'authorization', 0.7, ['authorization|authorisation']],
  ['prior_authorization', 'approval', 0.35, ['approval|approve', 'denied|rejected']],

  ['medical_records', 'medical-records', 0.85, [
    'medical|health|immunization|immunizations|vaccine|vaccines|vaccination|vaccinations|shot|shots|dental records|record', 'copy of ~ chart|records|notes',
    'immunization|immunizations|vaccine|vaccines|vaccination|vaccinations|shot ~ history', 'records request|requests',
  ], { notNext: ['number', 'numbers'] }],
  // Asking for records by the verb: "we need all records from July", "the VA wants his records from you".
  ['medical_records', 'records-asked', 0.8, [
    'need|needs|want|wants|wanted|requesting|request|requested ~ ~ ~ records', 'records from you|your',
  ]],
  ['medical_records', 'records', 0.55, ['records'], { mention: true }],
  ['medical_records', 'records-release', 0.8, ['release form', 'records release', 'release of information', 'send|fax|transfer ~ ~ records|chart|notes']],
  ['medical_records', 'hipaa-form', 0.45, ['hipaa release|form'], { mention: true }],
  ['medical_records', 'images', 0.7, ['images|films', 'on a disc|cd', 'burn a|the disc|cd', 'send|fax|transfer ~ ~ electronically'], { mention: true }],
  ['medical_records', 'visit-notes', 0.6, [
    'operative|op|surgical|discharge report|notes|summary', 'vaccination|vaccine|immunization|shot card|cards|history',
    'email|send|fax|mail|print ~ ~ ~ history|chart|notes|records|report', 'history|records|chart|notes ~ faxed|sent|emailed|transferred',
    'send|fax|transfer|email ~ ~ ~ images|films|scans|imaging|xrays|reports to', 'proof of ~ ~ shot|shots|vaccine|vaccines|vaccination|vaccinations|immunization|immunizations', 'xray|mri|ct|imaging|scan|surgery|operative report|reports',
  ]],
  ['medical_records', 'copies', 0.8, ['copy|copies of ~ ~ ~ ~ reports|report|records|chart|notes|note|imaging|films|images|history|summary']],
  // A clinician's note of a visit: "the notes from his last visit", "his last progress note".
  ['medical_records', 'visit-note', 0.75, [
    'visit|office|clinical|clinic|progress note|notes', 'note|notes from ~ ~ ~ visit|appointment|day', 'last|latest|recent ~ note|notes',
  ], { mention: true, notNext: ['saying', 'says', 'that', 'for'] }],
  ['medical_records', 'my-chart', 0.6, ['old|my ~ files|file|chart', 'in my chart'], { mention: true }],
  ['medical_records', 'records-sent', 0.65, [
    'visit summary|summaries', 'after visit summary|summaries',
    'report|reports|summary|files|file|chart|history|everything ~ ~ ~ ~ sent|faxed|emailed|mailed|transferred|forwarded|printed',
    'print|printed|printout|print out ~ ~ ~ labs|lab|reports|report|results|records|notes|chart|history',
  ]],
  ['medical_records', 'medication-list', 0.6, ['medication|med|meds|medicine list', 'list of ~ medications|meds'], { mention: true }],

  ['callback_request', 'call-me-back', 0.95, [
    'call|ring|phone me back', 'appreciate a call', 'give me a ~ call|ring', 'return my call', 'call me at', 'get back to me', 'have|ask ~ ~ call me',
    'someone|somebody|anyone|you call|ring|phone me|us',
  ]],
  ['callback_request', 'call-back', 0.7, ['call back|callback', 'please call', 'reach me at', 'call me']],
  // A number said is how to reach the caller, not a request for a call by itself.
  ['callback_request', 'contact-number', 0.25, ['my number is', 'contact me', 'my cell is', 'best number']],
  ['callback_request', 'reach-me', 0.7, [
    'call then', 'best time to reach|call', 'reach me', 'called me back', 'nobody|noone ~ called|call|gotten|got back', 'no one ~ called|call|gotten|got back',
    'by phone', 'give me a ring', 'ring|phone me|us', 'a call from ~ ~ nurse|doctor|someone|dr|provider', 'like|want|need a call|callback', 'give ~ ~ ring', 'return call|calls', 'try me at|on', 'waiting for a|your call', 'call me',
    'call|ring|phone me|us|her|him ~ ~ back', 'call anytime|whenever', 'call any time',
  ]],
  // Asking for a conversation with a clinician is asking for a call.
  ['callback_request', 'talk-to-clinician', 0.7, ['like|want|need to talk|speak to|with', 'on the phone with', 'phone call with|from']],
  ['callback_request', 'reply-wanted', 0.35, ['let me know', 'can|could ~ leave ~ ~ ~ message|voicemail', 'leave a detailed message']],

  // Urgency the caller states. Emergency words are not urgency by themselves: "911" is read out
  // inside member ids, "the ambulance or you?" is a question, the agent says "call 911". Affirmed
  // red flags carry urgency; these cues only add what a caller says outright.
  ['urgent_emergency', 'stated-emergency', 0.85, ["it's|this|is an|a emergency", 'it is an emergency', 'emergency situation']],
  ['urgent_emergency', 'needs-emergency-care', 0.7, [
    'need|needs|send|get ~ ~ ambulance', 'need|needs ~ ~ 911', 'should i|we call 911', 'should i|we call ~ ambulance', 'should i|we call nine one one',
    'need|needs|have|has to go to the er|hospital', 'need|needs|have|has to go to the emergency room', 'need|needs|have|has to go to the e r',
    'should i|we ~ go to the er|hospital', 'should i|we ~ go to the emergency room', 'should i|we ~ go to the e r',
  ]],
  ['urgent_emergency', 'urgent', 0.6, ['urgent|urgently']],
  ['urgent_emergency', 'send-help', 0.85, ['send help', 'help right now', 'help immediately|asap', 'seen immediately', 'seen right now|away']],
  // Another provider reporting a critical lab value asks for same-day clinical action.
  ['urgent_emergency', 'critical-value', 0.8, ['critical value|values|result|results|lab|labs|level|finding|findings', 'panic value|values']],

  ['administrative', 'office-hours', 0.7, ['office hours', 'your hours', 'are you closed', 'closed on|for|today|tomorrow', 'walk ins|in', 'walkin|walkins', 'what time ~ ~ ~ open|close|closes|opens', 'are you open', "you|you're|office|clinic open on|today|tomorrow|saturday|sunday|weekends", 'open on saturday|saturdays|sunday|sundays|weekends|holidays']],
  ['administrative', 'hours', 0.45, ['hours|closed'], { mention: true, notPrev: ['after', 'business', 'few', 'two', 'three', 'several', 'many', 'couple'] }],
  ['administrative', 'location', 0.5, ['directions|parking|located', 'your address', 'fax number']],
  ['administrative', 'find-office', 0.7, ['what|which floor|suite|entrance|building', 'wheelchair|handicap access|accessible|ramp', 'service dog|animal', 'emotional support animal', 'how do i get to|there', 'office location', 'new location|office', 'where are you located', 'where is your office|clinic']],
  ['administrative', 'portal', 0.6, ['portal|password|login|username', 'log in'], { mention: true }],
  // "do you have an interpreter" asks; "I'm an interpreter with…" introduces the person on the line.
  ['administrative', 'interpreter', 0.6, ['interpreter|translator'], { mention: true, notNext: ['with', 'number', 'from', 'here', 'on'] }],
  ['administrative', 'update-details', 0.75, [
    'update|change|changed ~ ~ address|email|name', 'phone number on file', 'new address', 'new phone|number|email|cell',
    'update ~ ~ ~ insurance|contact|number|phone|information|info|pharmacy|file', 'emergency contact', 'change|update ~ ~ ~ on file',
    'where do|can|should i park', 'sign ~ ~ orders', 'address|email|phone|number|name changed', 'name is different', 'maiden name', 'new|changed ~ last name',
    'need|needs|want|get|write|writing|requesting ~ ~ letter', 'exemption|clearance letter|form', 'exemption', 'sign ~ ~ form|forms|paperwork',
    "excuse", 'take|by|catch ~ bus|train|shuttle', 'bus|train|shuttle that|to|stop|stops|route', 'transit|paratransit', 'mychart|myhealth', 'reset|resetting|locked', 'my chart account',
    'fax ~ ~ ~ employer|school|work|job|landlord', 'lost and found', 'left|forgot my ~ ~ ~ ~ in|at the|your',
    // Naming someone the clinic may talk to: "he wants me to be able to talk to you about his care".
    'be able to talk|speak to|with you', 'what does|do ~ ~ need to sign',
    'paper|papers from ~ ~ ~ doctor|provider', 'says|saying i|he|she|they can work|return|go', 'note that i was', 'proof i was seen|here', 'preferred|default pharmacy',
    "can't|cannot get into|log|sign ~ ~ ~ account|portal|app", 'online account', 'medical leave', 'leave paperwork|form|forms', 'short term disability', 'address of|for ~ clinic|office|practice', 'letter for ~ ~ landlord|employer|school|work|court|airline|housing|job',
  ]],
  ['administrative', 'forms', 0.55, ['form|forms|paperwork|fmla', 'disability form|forms', 'jury duty', 'fill out'], { notPrev: ['authorization', 'auth', 'release', 'consent'], mention: true }],
  ['administrative', 'letter', 0.4, ['letter'], { mention: true }],
  // Paperwork to be filled in or signed: "FMLA paperwork filled out", "the form signed by the doctor", "fill it out".
  ['administrative', 'form-completed', 0.75, [
    'form|forms|paperwork|fmla ~ ~ ~ filled|completed|signed|done', 'fill+ ~ out', 'fill+ in ~ ~ form|forms|paperwork',
    'note|letter|documentation from ~ ~ doctor|clinician|provider|nurse|physician', 'need|needs ~ ~ note|excuse',
    // Something to be signed by the clinician: "I need Dr. Tso to sign it", "a new one signed by the doctor".
    'need|needs|want|wants ~ ~ ~ to sign', 'signed by ~ ~ doctor|provider|physician|clinician', 'has|have to sign',
  ], { notPrev: ['authorization', 'auth', 'release', 'consent'] }],
  ['administrative', 'work-note', 0.7, ['work|school|excuse|sick|doctors|doctor\'s note', 'note for ~ work|school|employer|job|boss|gym|daycare', 'return|back to work|school saying', 'saying i|he|she can return|go back', 'note ~ ~ ~ i was seen']],
  ['administrative', 'new-patient', 0.6, ['new patients', 'accepting new', 'become a patient', 'new patient paperwork|forms', 'switch|change to ~ different|new|another doctor|provider|pcp', 'switch|change|new ~ ~ primary care|pcp', 'switch|change ~ ~ different|new|another doctor|provider', 'switch|change doctors|providers|pcp|pcps']],

  ['provider_to_provider', 'provider-introduction', 0.9, [
    'this is dr|doctor * ~ from|with|at|over|calling', 'dr|doctor * ~ calling from',
    'calling from * ~ ~ clinic|hospital|office|practice|group|center|er|department',
    'this is * ~ nurse|np|pa|rn|physician from|at|with', 'nurse|np|rn|physician calling from',
  ]],
  ['provider_to_provider', 'shared-patient', 0.9, ['mutual|shared|common patient', 'your patient', 'our patient', 'peer to peer', 'we share ~ patient']],
  // "this is Jolene from Sunrise Home Health": a person introduced by an organisation.
  ['provider_to_provider', 'from-organisation', 0.8, [
    "this is|it's * from|with ~ ~ home|health|hospice|clinic|hospital|pharmacy|imaging|lab|laboratory|radiology|diagnostics|rehab|therapy|agency|center|centre|cardiology|orthopedics|oncology|urology|neurology|dermatology|pediatrics|dialysis",
    "it's * from|with ~ ~ ~ home|health|hospice|clinic|hospital|pharmacy|imaging|lab|laboratory|radiology|diagnostics|rehab|therapy|agency|center|centre|dialysis|unit|department",
    // A department introducing itself: "Janelle with the scheduling department at Barrow".
    'with|from the ~ department|unit at|of',
  ]],
  ['provider_to_provider', 'facility-introduction', 0.85, [
    'this is [the|a] ~ ~ pharmacist|pharmacy|lab|laboratory|radiology|imaging|hospital|er|ed|agency|department|facility|therapy|hospice|clinic|practice|unit|icu|office|home|center|centre|care|rehab|dialysis calling|at|from|with|in|here',
    'case manager|social worker|care coordinator',
    'this is the pharmacist|pharmacy|lab|laboratory|radiology|er|ed|icu|hospital|hospice',
    'this is dr|doctor * office|clinic|practice|nurse',
    "i'm a|the ~ nurse|pharmacist|physician|doctor|therapist|coordinator at|from|with", 'i am a|the ~ nurse|pharmacist|physician|doctor|therapist|coordinator at|from|with',
    // A role with a workplace, the role qualified: "I'm a home health RN with …", "I'm the charge nurse at …".
    "i'm a|an|the ~ ~ rn|nurse|lpn|np|pharmacist|therapist|aide|coordinator|planner at|from|with|for", "i'm a|an|the ~ ~ r n at|from|with|for",
    'i am a|an|the ~ ~ rn|nurse|lpn|np|pharmacist|therapist|aide|coordinator|planner at|from|with|for',
    // "Anita Sorrell, RN with Desert Bloom Home Health": the credential and the workplace.
    'rn|lpn|np with|from|at ~ ~ ~ home|hospice|health|hospital|clinic|care|nursing|dialysis|rehab|center|pharmacy',
    'this is * in|from|at dr|doctor * ~ office|practice|clinic',
  ]],
  // Weaker: a caller's sister "is a nurse at Mercy".
  ['provider_to_provider', 'role-named', 0.55, ['a|an rn|nurse|np|lpn|pa with|from|at']],
  // "calling about one of your patients"; not a parent's "he's one of your patients".
  ['provider_to_provider', 'one-of-your-patients', 0.85, ['one of your|our patients|residents'], { notPrev: ["he's", "she's", "i'm", 'is', 'am', 'are', "we're", "they're", 'was', 'been'] }],
  ['provider_to_provider', 'calling-about-a-patient', 0.85, [
    'calling about|regarding|for a|the|one of ~ patient|patients|resident|client', 'about|regarding a|the|your|our ~ patient|patients|resident|residents',
  ], { notNext: ['portal', 'portals', 'advocate', 'line'] }],
  ['provider_to_provider', 'third-person-patient', 0.6, [
    "the patient's", 'for a patient', 'order for ~ patient', 'report|results for dr|doctor',
    // The patient in the third person, the way a clinician speaks of one: "the patient says she's always taken …".
    'the patient says|said|is|was|has|had|reports|states|already|left', 'ordering provider|physician|doctor|clinician',
  ]],
  // A pharmacist checking what was prescribed before filling it.
  ['provider_to_provider', 'script-clarification', 0.7, ['clarification on|about|for|of ~ ~ script|prescription|order|rx|dose|dosing']],
  ['provider_to_provider', 'care-facility', 0.4, ['home health', 'skilled nursing', 'nursing facility|home', 'assisted living', 'hospice']],
  ['provider_to_provider', 'covering', 0.85, [
    'covering|cover for dr|doctor', 'on call for dr|doctor', 'critical value|values|lab|result|results|finding|findings',
    'nurse|aide|therapist|caseworker|pt|ot for|with ~ mr|mrs|ms', 'this is ~ ~ pharmacy|pharmacist|diagnostics|laboratory|imaging|radiology',
    'calling from * ~ diagnostics|laboratory|laboratories|imaging|radiology',
  ]],
  ['provider_to_provider', 'clinical-handoff', 0.55, ['discharge summary', 'discharged from', 'npi', 'consult|consultation note|request']],
  // A staff role said with a workplace: "I'm the office manager over at …", "a pharmacy tech calling from …".
  ['provider_to_provider', 'staff-role', 0.85, [
    'pharmacy tech|technician', 'office|practice|clinic manager', 'discharge planner|coordinator', 'referral|scheduling|intake coordinator',
    'medical assistant|secretary', 'nurse navigator', 'home health nurse|aide', 'utilization review', 'charge nurse',
    "i'm ~ ~ nurse|pharmacist|manager|planner|coordinator|technician|tech|therapist|assistant|practitioner|physician|doctor over|at|from|with",
    'i am ~ ~ nurse|pharmacist|manager|planner|coordinator|technician|tech|therapist|assistant|practitioner|physician|doctor over|at|from|with',
    'pharmacist|technician|coordinator|planner|manager|paralegal|adjuster at|from|with|over|here', 'hospitalist|intensivist', 'attending physician', 'front office|desk at|from', 'from the front office|desk',
  ]],
  // An institution speaking as "we": "our fax", "our NPI", "we got a referral from you".
  ['provider_to_provider', 'institutional-we', 0.6, [
    'our pharmacy|office|clinic|practice|unit|facility|floor|lab|npi ~ number|line|is', 'our fax|npi',
    'we got|have|received ~ ~ referral|order|orders|prescription|script|request|requisition from you|your', 'referral|order|orders we received|got',
  ]],
  ['provider_to_provider', 'patient-here', 0.7, ["we've|we got|have ~ patient|resident here", 'we have|got|admitted a patient|resident', 'we have ~ ~ patient|resident of yours', 'a patient of yours', 'for a mutual|shared patient']],
];

const suppressors = [
  'as a result', 'result of', 'resulted in', 'end result', 'clean bill of health', 'not urgent', 'not an emergency',
  'not a emergency', 'no rush', 'not that urgent', 'nothing urgent', 'returning your|a call', 'bill of rights',
  // A department's name, not an emergency: "Dr. Lee from the emergency department".
  'from|at|in the emergency department|room|dept', 'emergency department|dept calling',
  // A pharmacist's or caller's question about a prescription is not a refill request by itself.
  'question about ~ prescription|medication',
  // The header of a written message, not a question about the portal.
  'portal message', 'message from ~ portal',
];

const trie = new PhraseTrie<Value>();
for (const [type, cue, weight, patterns, options] of cueTable) {
  const value: Cue = { type, cue, weight, ...options };
  for (const pattern of patterns) trie.add(pattern, value);
}
for (const name of drugNames) {
  // Word-like names ("singular") are left to entity extraction, which checks context.
  if (!name.contextual) trie.add(name.phrase, { type: 'prescription_refill', cue: 'medication-name', weight: 0.35 });
}
for (const [code, patterns] of Object.entries(symptomLexicon)) {
  const value: Cue = { type: 'symptom_report', cue: `symptom:${code}`, weight: code === 'pain' ? 0.3 : 0.35, negatable: true };
  for (const pattern of patterns) trie.add(pattern, value);
}
for (const pattern of suppressors) trie.add(pattern, { type: 'suppress' });
// A caller turning to a second matter: what came before it is what the call is for.
for (const pattern of ['while i have you', 'while i got you', 'one more thing', 'another thing', 'one other thing', 'also', 'oh and', 'before i forget', 'unrelated']) {
  trie.add(pattern, { type: 'afterthought' });
}

// A medication named with a side effect, its price, a new drug, or how to take it: a question, not a refill.
const notRefillPatterns = [
  'side effect|effects', 'reaction to', 'allergic to', 'making|makes|made|giving|gives|gave me', 'new medication|med|medicine|drug|antibiotic', 'new prescription|script for something|a|an', 'new prescription|script she|he|they|that|we|you|talked|mentioned',
  'interact|interacts|interaction|interactions',
  'prescribe|prescribed ~ something|anything', 'something stronger|else|different', 'switch|change me|it ~ ~ to', 'cheaper|generic|expensive',
  // "price" alone is also a surname: the cost words need a determiner or a question.
  'how much', 'the|a|what|its|high|higher|cheaper cost|costs|price', 'copay|dollars', 'stop|stopped|quit taking', 'how long ~ ~ ~ taking', 'with food', 'missed ~ ~ dose', 'safe to take',
  'take ~ ~ ~ with|while', 'back order', 'backorder|backordered', 'dose ~ ~ ~ lowered|raised|changed|increased|decreased', 'lower|raise|change|increase|decrease ~ ~ dose',
  "won't|not|doesn't cover", 'need|needs something for', 'an antibiotic|antibiotics for',
];
for (const pattern of notRefillPatterns) trie.add(pattern, { type: 'not-refill' });
// Cues that ask for the same drug again whatever else is said.
const refillRequestCues = new Set(['refill', 'renew', 'ran-out', 'need-more', 'supply-left']);

const pastVisitBefore = new Set(['from', 'during', 'after', 'since', 'at']);
const visitOwners = new Set(['my', 'the', 'last', 'his', 'her', 'our', "yesterday's", "today's"]);
const negators = new Set(['no', 'not', 'denies', 'without', "don't", "doesn't", "haven't", "hasn't", "didn't", 'never']);
const strongRefillCues = new Set(['refill', 'renew', 'ran-out', 'running-out', 'need-more', 'supply-left', 'send-to-pharmacy']);
// A symptom word right before one of these names a thing, not a complaint ("cough medicine", "strep test").
const treatmentNouns = new Set([
  'medicine', 'medicines', 'medication', 'medications', 'meds', 'pills', 'pill', 'syrup', 'drops', 'cream', 'ointment', 'spray',
  'prescription', 'refill', 'inhaler', 'patch', 'patches', 'tablets', 'relief', 'reliever', 'clinic', 'specialist', 'doctor',
  'test', 'tests', 'testing', 'screen', 'screening', 'swab', 'shot', 'shots', 'vaccine', 'check', 'clinic', 'doctor',
]);
// Words around a symptom that make it the caller's own report rather than a passing mention.
const reportBefore = new Set([
  'i', "i've", "i'm", 'my', 'me', 'keep', 'keeps', 'been', 'having', 'getting', 'has', 'have', 'had', 'still', 'started', 'got',
  'feel', 'feeling', "he's", "she's", 'he', 'she', 'developed',
]);
const reportAfter = new Set([
  'since', 'for', 'days', 'weeks', 'spreading', 'worse', 'draining', 'itches', 'started', 'again', 'today', 'yesterday',
  'all', 'every', 'when', 'that', 'won\'t', "isn't", 'keeps',
]);

function isReported(tokens: readonly Token[], first: number, last: number): boolean {
  for (let k = first - 1, words = 0; k >= 0 && words < 4; k--, words++) {
    const token = tokens[k]!;
    if (isClauseBoundary(token) || token.text === ',') break;
    if (reportBefore.has(token.text)) return true;
  }
  for (let k = last + 1, words = 0; k < tokens.length && words < 4; k++, words++) {
    const token = tokens[k]!;
    if (isClauseBoundary(token) || token.text === ',') break;
    if (reportAfter.has(token.text)) return true;
  }
  return false;
}

// Words that make a clause a request or a question to the clinic: "I need…", "can you…", "I'm calling to…".
const requestMarkers = new Set([
  'need', 'needs', 'needed', 'want', 'wants', 'wanted', 'would', "i'd", "we'd", "she'd", "he'd", 'can', 'could', 'please',
  'calling', 'help', 'question', 'questions', 'wondering', 'wonder', 'check', 'checking', 'ask', 'asking', 'request',
  'requesting', 'trying', 'hoping', 'get', 'make', 'schedule', 'cancel', 'move', 'change', 'update', 'send', 'fax',
  "can't", 'status', 'confirm', 'forgot', 'locked', 'reset',
]);
// "calling about…", "a question about…": "about" asks only after these.
const askingAbout = new Set(['calling', 'call', 'question', 'questions', 'asking', 'wondering', 'ask', 'message', 'news', 'update', 'hear', 'heard']);
// Question openers and the word after them: "do you have…", "is there…", "how do I…", "did my…".
const questionOpeners = new Map(Object.entries({
  do: ['you', 'i', 'we'], does: ['it', 'my', 'the', 'that', 'this'], did: ['my', 'you', 'the', 'they', 'it', 'she', 'he', 'anyone'],
  is: ['there', 'my', 'it', 'this', 'that'], are: ['you', 'my', 'they', 'there'], has: ['the', 'my', 'anyone', 'she', 'he'], have: ['you', 'they'],
  how: ['do', 'can', 'does', 'is', 'are', 'long', 'much'], where: ['do', 'can', 'is', 'are'], when: ['can', 'will', 'is', 'are', 'do', 'does', 'should'],
  what: ['do', 'does', 'did', 'is', 'are', 'should', 'time'],
}).map(([opener, next]) => [opener, new Set(next)]));

const subjectPronouns = new Set(['i', 'we', 'he', 'she', 'they', 'it']);

/** The cue sits in a clause that asks for something (a request word before it, or a question mark after it). */
function inRequestClause(tokens: readonly Token[], first: number, last: number): boolean {
  for (let k = first - 1, words = 0; k >= 0 && words < 12; k--, words++) {
    const token = tokens[k]!;
    if (token.punct && token.text !== ',' && token.text !== ':') break;
    if (!requestMarkers.has(token.text)) {
      if (questionOpeners.get(token.text)?.has(tokens[k + 1]?.text ?? '')) return true;
      if (token.text === 'about' && askingAbout.has(tokens[k - 1]?.text ?? '')) return true;
      continue;
    }
    // "I can log in" states an ability; "can I", "can you" ask.
    if ((token.text === 'can' || token.text === 'could') && subjectPronouns.has(tokens[k - 1]?.text ?? '')) continue;
    return true;
  }
  // "…my FMLA paperwork needs to be filled out", "…results, are they back?"
  for (let k = last + 1, words = 0; k < tokens.length && words < 8; k++, words++) {
    const token = tokens[k]!;
    if (token.text === '?') return true;
    if (token.punct && token.text !== ',') break;
    // "…and I don't understand it" asks for an explanation.
    if (words < 4 && (token.text === 'need' || token.text === 'needs' || token.text === 'please')) return true;
    if (token.text === 'understand' && negators.has(tokens[k - 1]?.text ?? '')) return true;
  }
  return false;
}

// A call promised rather than asked for: "we'll call you back", "she'd ring me back", "I'll call back later".
const promiseWords = new Set(["we'll", "i'll", "she'll", "he'll", "they'll", "you'll", 'will', 'would', "she'd", "he'd", "they'd", "we'd", 'gonna', 'going', 'supposed']);
const wantWords = new Set(['like', 'love', 'appreciate', 'want', 'need', 'please']);

function isPromisedCall(tokens: readonly Token[], first: number, last: number): boolean {
  // "call you": the caller will ring the clinic, or the clinic offers to ring the caller.
  for (let k = first; k <= Math.min(last + 2, tokens.length - 1); k++) {
    const word = tokens[k]!.text;
    if ((word === 'call' || word === 'ring' || word === 'phone' || word === 'to') && tokens[k + 1]?.text === 'you') return true;
  }
  for (let k = first - 1, words = 0; k >= 0 && words < 4; k--, words++) {
    const token = tokens[k]!;
    if (token.punct) break;
    if (wantWords.has(token.text)) return false;
    // "will you call me back?" asks; "someone will call me back" promises.
    if (promiseWords.has(token.text)) return tokens[k + 1]?.text !== 'you';
  }
  return false;
}

const permissionModals = new Set(['can', 'could', 'may']);

/** "you can call me", "you may reach me": the caller says how to reach them, as a statement. */
function isPermission(tokens: readonly Token[], first: number): boolean {
  return tokens[first - 2]?.text === 'you' && permissionModals.has(tokens[first - 1]?.text ?? '');
}

// Narrative, history and hypotheticals around a symptom: not something happening that the caller reports.
const hypotheticalWords = new Set(['if', 'whether', 'signs', 'case']);
// Past, resolved, or the patient's ordinary state ("my usual migraines", "puffy like always"): not a new complaint.
const notNowMarkers = [
  'last year', 'years ago', 'year ago', 'months ago', 'back in', 'back when', 'history of', 'as a kid', 'as a child', 'used to',
  'been fine', 'went away', 'cleared up', 'my usual', 'his usual', 'her usual', 'the usual', 'as usual', 'like usual', 'as always', 'like always', 'same as always',
];
const reasonWords = new Set(['for', 'about', 'of', 'because']);

function clauseText(tokens: readonly Token[], first: number, last: number, reach: number): string {
  let from = first;
  for (let words = 0; from > 0 && words < reach; words++) {
    if (isClauseBoundary(tokens[from - 1]!)) break;
    from--;
  }
  let to = last;
  for (let words = 0; to < tokens.length - 1 && words < reach; words++) {
    if (isClauseBoundary(tokens[to + 1]!)) break;
    to++;
  }
  return tokens.slice(from, to + 1).map((token) => token.text).join(' ');
}

type SymptomReading = 'report' | 'reason' | 'not-now';

/** How a symptom word is said: a complaint, the reason for something else ("pills for my back pain"), or not happening now. */
function readSymptom(tokens: readonly Token[], first: number, last: number): SymptomReading {
  for (let k = first - 1, words = 0; k >= 0 && words < 5; k--, words++) {
    const token = tokens[k]!;
    if (isClauseBoundary(token)) break;
    if (hypotheticalWords.has(token.text)) return 'not-now';
  }
  const clause = clauseText(tokens, first, last, 7);
  if (notNowMarkers.some((marker) => clause.includes(marker))) return 'not-now';
  for (let k = first - 1, words = 0; k >= 0 && words < 3; k--, words++) {
    const token = tokens[k]!;
    if (token.punct) break;
    if (reasonWords.has(token.text)) return 'reason';
  }
  return 'report';
}

// Requests other than a clinical one, for telling a symptom said in passing from a symptom reported.
// An appointment is not among them: a symptom and a visit for it are asked for together.
const otherRequestTypes = new Set<RequestTypeCode>([
  'prior_authorization', 'medical_records', 'administrative', 'billing_insurance', 'referral', 'test_results',
]);
// Cues that show the caller wants a clinician to know or advise.
const careSeekingCues = new Set(['tell-clinician', 'worried-question', 'advice-question', 'side-effect', 'red-flag', 'uncertain-red-flag', 'symptom-course', 'feeling-unwell']);

// "Urgent" about paperwork or a refill is administrative urgency, not clinical.
const nonClinicalNouns = new Set([
  'form', 'forms', 'paperwork', 'note', 'letter', 'records', 'record', 'bill', 'refill', 'prescription', 'fmla', 'authorization',
  'referral', 'leave', 'deadline', 'due', 'employer', 'hr', 'school', 'work', 'job', 'insurance', 'payment', 'appointment',
]);

interface CueHit {
  type: RequestTypeCode;
  cue: string;
  weight: number;
  span: EvidenceSpan;
}

/** What the cue pass found: raw noisy-OR scores per type, their evidence, and the red flags that count. */
interface CueReading {
  raw: Record<RequestTypeCode, number>;
  evidence: Map<RequestTypeCode, EvidenceSpan[]>;
  /** Affirmed red flags in the caller's words. */
  affirmed: RedFlag[];
  /** Per type, where its first strong cue (weight ≥ 0.5) starts. */
  firstStrong: Map<RequestTypeCode, number>;
  /** Where the caller turns to a second matter ("while I have you", "also"), or Infinity. */
  afterthought: number;
}

// The four calls per transcript (analyze, benchmark, calibration) read the same text: keep the last reading.
let lastReading: { text: string; flags: readonly RedFlag[]; reading: CueReading } | undefined;

function readCues(text: string, redFlags: readonly RedFlag[]): CueReading {
  if (lastReading && lastReading.text === text && lastReading.flags === redFlags) return lastReading.reading;
  const reading = readCuesFresh(text, redFlags);
  lastReading = { text, flags: redFlags, reading };
  return reading;
}

function readCuesFresh(text: string, redFlags: readonly RedFlag[]): CueReading {
  // Hesitation fillers are dropped ("a note uh for work"); offsets still index `text`.
  const tokens = contentTokens(text);
  const matches = trie.matchAll(tokens);
  const turns = callTurns(text);
  const diarized = hasClinicTurns(turns);
  const speakerOf = (offset: number): 'clinic' | 'caller' | 'none' => {
    if (!diarized) return 'caller';
    const index = turnAt(turns, offset);
    return index < 0 ? 'none' : turns[index]!.speaker;
  };
  // The clinic's scripted questions and advice ("any chest pain?", "if you get chest pain, go to
  // the ER") are not red flags; only the caller's answer counts.
  const flags = redFlags.filter((flag) => speakerOf(flag.start) === 'caller');
  const affirmed = flags.filter((flag) => flag.status === 'affirmed');

  // Caller turns that answer a clinic offer of a call back ("want the nurse to call you?" "yes please")
  // or a request for a number: the call back there is the clinic's idea.
  const answersOffer = new Set<number>();
  const answersNumberQuestion = new Set<number>();
  if (diarized) {
    for (let t = 1; t < turns.length; t++) {
      const previous = turns[t - 1]!;
      if (turns[t]!.speaker !== 'caller' || previous.speaker !== 'clinic') continue;
      const said = text.slice(previous.start, previous.end);
      if (/\b(call|ring|phone)\s+(you|ya)\b|\bcall\s*back\b|\bcallback\b|\bget back to you\b/i.test(said)) answersOffer.add(t);
      if (/\b(number|phone|reach you|contact)\b/i.test(said)) answersNumberQuestion.add(t);
    }
  }

  // Tokens inside an idiom ("as a result") or a negated urgency ("not urgent") cannot cue anything.
  const suppressed = new Uint8Array(tokens.length);
  for (const match of matches) if (match.value.type === 'suppress') suppressed.fill(1, match.first, match.last + 1);
  let notRefill = false;

  const hits: CueHit[] = [];
  const symptomHits: { hit: CueHit; reading: SymptomReading }[] = [];
  for (const match of matches) {
    const value = match.value;
    if (value.type === 'suppress' || value.type === 'afterthought') continue;
    const start = tokens[match.first]!.start;
    const end = tokens[match.last]!.end;
    const speaker = speakerOf(start);
    if (speaker !== 'caller') continue;
    if (value.type === 'not-refill') {
      notRefill = true;
      continue;
    }
    if (suppressed[match.first] === 1 || suppressed[match.last] === 1) continue;
    if (value.notPrev?.includes(tokens[match.first - 1]?.text ?? '')) continue;
    if (value.notNext?.includes(tokens[match.last + 1]?.text ?? '')) continue;
    if (value.cue === 'bill-noun' && looksLikeName(text, tokens, match.first)) continue;
    if (isDisclaimed(tokens, match.first)) continue;
    // "this is my pharmacy's number" is not another office introducing itself.
    if ((value.cue === 'facility-introduction' || value.cue === 'covering') && tokens.slice(match.first, match.last + 1).some((t) => t.text === 'my')) continue;
    let weight = value.weight;
    if (value.type === 'callback_request') {
      if (isPromisedCall(tokens, match.first, match.last)) continue;
      // "you can reach me at…" gives a number; "can you call me" asks for a call.
      if (isPermission(tokens, match.first)) weight = Math.min(weight, 0.25);
      if (diarized) {
        const turn = turnAt(turns, start);
        // Agreeing to the clinic's offer ("Yes, please, call me at…") is not asking; a request of the
        // caller's own in a later sentence of the same turn still is.
        if (answersOffer.has(turn) && inAgreementSentence(text, turns[turn]!.start, start)) continue;
        if (value.cue === 'contact-number' && answersNumberQuestion.has(turn)) continue;
      }
    }
    if (value.type === 'urgent_emergency') {
      if (isNegated(tokens, match.first)) continue;
      const clause = clauseText(tokens, match.first, match.last, 12).split(' ');
      if (clause.some((word) => nonClinicalNouns.has(word) || word === 'if')) continue;
    }
    // "the scan from my appointment", "since my last visit": a past visit named, not one asked for.
    if (value.cue === 'appointment' && pastVisitBefore.has(tokens[match.first - 2]?.text ?? '') && visitOwners.has(tokens[match.first - 1]?.text ?? '')) weight = 0.3;
    if (value.mention && !inRequestClause(tokens, match.first, match.last)) weight *= 0.55;
    const hit: CueHit = { type: value.type, cue: value.cue, weight, span: { start, end, cue: value.cue } };
    if (value.negatable) {
      if (isNegated(tokens, match.first)) continue;
      // A symptom inside an affirmed red flag is the emergency itself: the flag carries it. An
      // uncertain flag (perhaps not one at all) leaves the symptom its own weight.
      if (affirmed.some((flag) => flag.start < end && start < flag.end)) continue;
      // "cough medicine", "strep test": the symptom word names a treatment or a test.
      if (treatmentNouns.has(tokens[match.last + 1]?.text ?? '')) continue;
      const reading = readSymptom(tokens, match.first, match.last);
      if (reading === 'not-now') continue;
      // Said as the caller's own complaint ("I keep getting headaches", "my ear has been draining").
      if (reading === 'report' && isReported(tokens, match.first, match.last)) hit.weight = Math.max(weight, 0.55);
      symptomHits.push({ hit, reading });
    }
    hits.push(hit);
  }

  // Red flags: an affirmed flag is an emergency and a clinical report; a hedged one is a symptom said.
  for (const flag of flags) {
    const span = { start: flag.start, end: flag.end, cue: `red-flag:${flag.code}` };
    if (flag.status === 'affirmed') hits.push({ type: 'urgent_emergency', cue: 'red-flag', weight: Math.max(0.9, flag.confidence), span });
    hits.push({ type: 'symptom_report', cue: flag.status === 'affirmed' ? 'red-flag' : 'uncertain-red-flag', weight: flag.status === 'affirmed' ? 0.9 : 0.4, span });
  }

  // Per type, per cue: the best weight and every span.
  const byType = new Map<RequestTypeCode, Map<string, { weight: number; spans: EvidenceSpan[] }>>();
  const add = (hit: CueHit) => {
    let cues = byType.get(hit.type);
    if (!cues) byType.set(hit.type, (cues = new Map()));
    const entry = cues.get(hit.cue) ?? { weight: 0, spans: [] };
    entry.weight = Math.max(entry.weight, hit.weight);
    entry.spans.push(hit.span);
    cues.set(hit.cue, entry);
  };
  // Accepting a slot the clinic offers books an appointment ("I have Tuesday at 9:15." "I'll take it.").
  if (diarized) {
    for (let t = 1; t < turns.length; t++) {
      const previous = turns[t - 1]!;
      const turn = turns[t]!;
      if (turn.speaker !== 'caller' || previous.speaker !== 'clinic') continue;
      if (!offersSlot(text.slice(previous.start, previous.end)) || !acceptsOffer(text.slice(turn.start, turn.end))) continue;
      hits.push({ type: 'appointment', cue: 'accepts-slot', weight: 0.9, span: { start: turn.start, end: turn.end, cue: 'accepts-slot' } });
      // The clinic offered the visit for a complaint the caller told before it: the call reports it.
      const told = symptomHits.find(({ hit, reading }) => reading === 'report' && hit.weight >= 0.35 && hit.span.end <= previous.start);
      if (told) hits.push({ type: 'symptom_report', cue: 'visit-offered-for-complaint', weight: 0.6, span: { ...told.hit.span, cue: 'visit-offered-for-complaint' } });
    }
  }

  // A symptom given as the reason for something else the caller asks for ("a refill of my pain pills",
  // "an MRI of my lower back") is not a report by itself; nor is a symptom said in passing in a call
  // that asks for something else and never asks a clinician about it.
  const isRefill = (hit: CueHit) => hit.type === 'prescription_refill' && strongRefillCues.has(hit.cue);
  const otherRequest = hits.some((hit) => hit.weight >= 0.6 && (isRefill(hit) || otherRequestTypes.has(hit.type)));
  // The caller's own ask for a visit, not a slot the clinic offered for the symptom.
  const asksVisit = hits.some((hit) => hit.type === 'appointment' && hit.weight >= 0.6 && hit.cue !== 'accepts-slot');
  const seeksCare = hits.some((hit) => hit.type === 'symptom_report' && careSeekingCues.has(hit.cue));
  for (const { hit, reading } of symptomHits) {
    if (reading === 'reason' && (otherRequest || asksVisit)) hit.weight = Math.min(hit.weight, 0.15);
  }
  if (otherRequest && !seeksCare) for (const hit of hits) if (hit.type === 'symptom_report' && hit.cue !== 'red-flag') hit.weight *= 0.6;
  // "Urgent" counts as clinical urgency in a call that says something clinical, or that asks for
  // nothing else; beside paperwork, a bill or a refill it is that request's urgency.
  const clinical = hits.some((hit) => hit.type === 'symptom_report' && hit.weight >= 0.3) || flags.length > 0;
  if (!clinical && otherRequest) for (const hit of hits) if (hit.type === 'urgent_emergency' && hit.cue === 'urgent') hit.weight = 0;
  for (const hit of hits) if (hit.weight > 0) add(hit);

  const score = (type: RequestTypeCode): number => {
    let miss = 1;
    for (const { weight } of byType.get(type)?.values() ?? []) miss *= 1 - weight;
    return 1 - miss;
  };
  // Prior authorization is an insurance question, but not a billing one: its insurance words go to it.
  if (score('prior_authorization') >= 0.5) {
    const billing = byType.get('billing_insurance');
    billing?.delete('insurance');
    billing?.delete('cost');
    billing?.delete('coverage');
    billing?.delete('claim');
    // The PA's paperwork is the PA (labelling-calls.md §1), not administrative forms.
    byType.get('administrative')?.delete('forms');
    byType.get('administrative')?.delete('form-completed');
    byType.get('administrative')?.delete('letter');
    byType.get('administrative')?.delete('work-note');
    // Naming the drug that needs approval is not asking for a refill of it.
    const refill = byType.get('prescription_refill');
    if (refill && ![...refill.keys()].some((cue) => strongRefillCues.has(cue))) byType.delete('prescription_refill');
  }
  if (notRefill) {
    const refill = byType.get('prescription_refill');
    if (refill && ![...refill.keys()].some((cue) => refillRequestCues.has(cue))) byType.delete('prescription_refill');
  }

  const raw = Object.fromEntries(requestTypeCodes.map((type) => [type, score(type)])) as Record<RequestTypeCode, number>;
  const evidence = new Map<RequestTypeCode, EvidenceSpan[]>();
  const firstStrong = new Map<RequestTypeCode, number>();
  for (const [type, cues] of byType) {
    evidence.set(type, dedupeSpans([...cues.values()].flatMap((entry) => entry.spans).sort((a, b) => a.start - b.start)));
    for (const entry of cues.values()) {
      if (entry.weight < 0.5) continue;
      for (const span of entry.spans) if (span.start < (firstStrong.get(type) ?? Infinity)) firstStrong.set(type, span.start);
    }
  }
  let afterthought = Infinity;
  for (const match of matches) {
    if (match.value.type !== 'afterthought') continue;
    const start = tokens[match.first]!.start;
    if (speakerOf(start) === 'caller' && start < afterthought) afterthought = start;
  }
  return { raw, evidence, affirmed, firstStrong, afterthought };
}

const calibration = calibrationData as RequestTypeCalibration;

/** Secondary codes are returned at or above this calibrated probability (fitted on the calibration split). */
export const requestTypeThreshold = calibration.secondaryThreshold;

/**
 * The uncalibrated cue score (noisy-OR of the caller's cues, 0..1) of every code: the input to
 * calibration. `bench/eval/calibrate-request-types.ts` fits the calibration on it.
 */
export function rawRequestTypeScores(text: string, redFlags: readonly RedFlag[]): Record<RequestTypeCode, number> {
  return { ...readCues(text, redFlags).raw };
}

/**
 * The calibrated probability that each of the twelve codes is among the caller's requests in this
 * call (primary or secondary), from the cue scores through the fitted per-code calibration.
 */
export function requestTypeProbabilities(text: string, redFlags: readonly RedFlag[]): Record<RequestTypeCode, number> {
  const { raw } = readCues(text, redFlags);
  return Object.fromEntries(requestTypeCodes.map((type) => [type, calibrated(calibration, type, raw[type])])) as Record<RequestTypeCode, number>;
}

// When both are asked for, the first is what the call is for: the PA blocks the refill; the results
// or the symptom come before the visit to discuss them.
const primaryOver: [RequestTypeCode, RequestTypeCode][] = [
  ['prior_authorization', 'prescription_refill'],
  ['test_results', 'appointment'],
  ['symptom_report', 'appointment'],
];

/**
 * The caller's requests: one primary code, then secondary codes at or above `requestTypeThreshold`,
 * each with its calibrated probability as `confidence` and the spans that decided it. `[]` means
 * nothing was asked that the rules recognise (the caller decides 'unclassified').
 *
 * Only the caller's words count: in a diarized call the clinic's lines are skipped, and a call
 * back the clinic offers is not one the caller asked for. An affirmed red flag makes the primary
 * `urgent_emergency` (with `symptom_report` beside it); an uncertain one stays visible in the red
 * flags but does not make the call urgent. When `redFlags` is omitted they are detected here.
 */
export function classifyRequestTypes(text: string, redFlags?: readonly RedFlag[]): RequestTypeScore[] {
  return classifyRequestTypesWith(calibration, text, redFlags ?? detectRedFlags(text).redFlags);
}

/** `classifyRequestTypes` with a given calibration: what the fitting script scores candidate thresholds with. */
export function classifyRequestTypesWith(calibration: RequestTypeCalibration, text: string, flags: readonly RedFlag[]): RequestTypeScore[] {
  const { raw, evidence, affirmed, firstStrong, afterthought } = readCues(text, flags);
  const probability = (type: RequestTypeCode) => calibrated(calibration, type, raw[type]);
  const threshold = calibration.secondaryThreshold;
  const present = requestTypeCodes.filter((type) => raw[type] > 0 && probability(type) >= calibration.primaryFloor);

  let primary: RequestTypeCode | undefined;
  if (affirmed.length > 0) primary = 'urgent_emergency';
  else if (probability('provider_to_provider') >= threshold) primary = 'provider_to_provider';
  else {
    // A call back is the primary only when it is all the caller asks for; stated urgency without
    // a red flag rides along with what the call is about.
    let candidates = present.filter((type) => type !== 'callback_request' && type !== 'urgent_emergency' && probability(type) >= threshold);
    // "…and while I have you, my eye drops": the matter raised first is the primary.
    const first = candidates.filter((type) => (firstStrong.get(type) ?? Infinity) < afterthought);
    if (first.length > 0 && first.length < candidates.length) candidates = first;
    const pool = candidates.length > 0 ? candidates : present;
    for (const type of pool) if (!primary || probability(type) > probability(primary)) primary = type;
    for (const [over, under] of primaryOver) if (primary === under && probability(over) >= threshold) primary = over;
  }
  if (!primary) return [];

  const scoreOf = (type: RequestTypeCode, rank: 'primary' | 'secondary'): RequestTypeScore => ({
    type, rank, confidence: round(probability(type)), evidence: evidence.get(type) ?? [],
  });
  const secondary = requestTypeCodes
    // raw > 0: a code no cue supports is never returned, whatever its base rate.
    .filter((type) => type !== primary && raw[type] > 0 && probability(type) >= threshold)
    .map((type) => scoreOf(type, 'secondary'));
  // An emergency described is a clinical report too.
  if (affirmed.length > 0 && !secondary.some((score) => score.type === 'symptom_report')) secondary.push(scoreOf('symptom_report', 'secondary'));
  secondary.sort((a, b) => b.confidence - a.confidence || order(a.type) - order(b.type));
  return [scoreOf(primary, 'primary'), ...secondary];
}

const typeOrder = new Map(Object.keys(requestTypeLabels).map((type, index) => [type, index]));
function order(type: RequestTypeCode): number {
  return typeOrder.get(type) ?? 99;
}

/** "Bill" capitalised mid-sentence ("this is Bill", "Bill Jones") is a person. */
function looksLikeName(text: string, tokens: readonly Token[], index: number): boolean {
  const token = tokens[index]!;
  if (text.charCodeAt(token.start) !== 66 /* B */) return false;
  const previous = tokens[index - 1];
  if (!previous || previous.punct) return false; // sentence start: cannot tell from case
  return !['my', 'the', 'a', 'this', 'that', 'your', 'our', 'his', 'her'].includes(previous.text);
}

// "I don't know why my back hurts": the negator governs the verb after it, not the symptom.
const negatedVerbsNotScope = new Set(['only', 'know', 'think', 'mind', 'remember', 'sure', 'want']);

/** Negated within its clause: "no fever", "I'm not having any chest pain". */
function isNegated(tokens: readonly Token[], first: number): boolean {
  for (let k = first - 1, words = 0; k >= 0 && words < 5; k--, words++) {
    const token = tokens[k]!;
    if (isClauseBoundary(token) || token.text === ',') return false;
    if (negators.has(token.text)) return !negatedVerbsNotScope.has(tokens[k + 1]?.text ?? '');
  }
  return false;
}

const disclaimingVerbs = new Set(['asking', 'looking', 'need', 'needing', 'want', 'wanting', 'calling']);

/** The caller says they are not asking for it: "I'm not asking for an appointment", "I don't need a referral". */
function isDisclaimed(tokens: readonly Token[], first: number): boolean {
  for (let k = first - 1, words = 0; k > 0 && words < 5; k--, words++) {
    const token = tokens[k]!;
    if (token.punct) return false;
    if (disclaimingVerbs.has(token.text) && negators.has(tokens[k - 1]!.text)) return true;
  }
  return false;
}

function dedupeSpans(spans: EvidenceSpan[]): EvidenceSpan[] {
  const seen = new Set<string>();
  return spans.filter((span) => {
    const key = `${span.start}:${span.end}:${span.cue}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
