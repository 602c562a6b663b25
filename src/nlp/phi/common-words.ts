/**
 * Words that are never a name on their own evidence. The faker name lists are huge and contain
 * everyday English ("Will", "May", "Page", "Long"), so a lexicon hit on one of these needs a
 * name cue, a capital, or a surname next to it (PH-1: no redacting "will" in "my son will call").
 */

const split = (words: string): ReadonlySet<string> => new Set(words.trim().split(/\s+/));

/** Function words, pronouns, auxiliaries and the vocabulary of clinic calls: never a name, even after a cue. */
export const functionWords = split(`
a an the and or but if so of to in on at by for with from about as into onto over under up down out off than then
i me my mine myself you your yours we us our they them their he him his she her it its it's this that these those
is am are was were be been being do does did done have has had having would shall should can could might must
i'm im i've i'll i'd you're you've we're they're he's she's that's there's what's who's isn't wasn't don't doesn't didn't
can't couldn't won't wouldn't not no yes yeah yep nope ok okay alright right well just also too very really so
um uh umm er ah oh hmm hi hello hey bye goodbye thanks thank please sorry
what when where why how who whom which whose there here now today tonight tomorrow yesterday morning afternoon evening night
calling call called calls speaking speak talk talking ask asking said say says saying told tell need needs needed want wants
wanted like get got getting go going went come coming came see seen saw know knew think thought take taking took give gave
make made help let lets put keep kept try trying feel feeling felt hurt hurts hurting
some any all every each both either neither one two three four five six seven eight nine ten hundred thousand
just only still again already never always sometimes maybe probably actually basically
doctor dr nurse patient office clinic hospital pharmacy pharmacist insurance appointment refill prescription medication
medicine pill pills dose doses mg milligrams test tests results result lab labs blood pressure sugar pain fever cough
number phone cell mobile fax email address street name last first middle birth date dob social security member account
son daughter wife husband mother mom father dad brother sister child kid baby grandson granddaughter grandmother grandfather
mr mrs ms miss sir madam maam ma'am mister
back home work school week weeks day days month months year years time times hour hours minute minutes
good bad fine better worse great sure bit lot little much many more most less again new old
monday tuesday wednesday thursday friday saturday sunday
january february march september october november december
calling regarding about because since until while after before during
`);

/**
 * Everyday words that are also common given or family names. Without a cue they are words;
 * after a weak cue ("my son", "this is") they still need a second signal.
 */
export const ambiguousNameWords = split(`
will grace may bill mark april june hope rose faith frank joy summer dean chase hunter king brown white young wood
art guy rich long hall price best bell bird black green gray grey lily ivy daisy dawn eve jack pat sue ray rob don nick
bob sandy rusty penny ruby pearl amber crystal autumn sky river storm star page miles major marshall bishop cook baker
carter miller fisher porter rice fields hill lane chance christian august drew gene earl cliff glen wade reed heath rod
sterling forest victory honey candy melody harmony destiny trinity justice liberty sunny cherry jewel angel precious
bliss lucky kit hazel jade olive violet iris holly heather rosemary sage willow clay stone rock brook brooks banks
field ford house love may mason page paris park parks reading sharp short small strong swift wise golden gold silver
dale vale jean ann dee sol ben max gay rich ward west north south east wolf fox hart lamb little moore more nelson
carl colt dash duke earnest ernest free french german gentle happy hardy hale holiday hood hunt jay jolly kind knight
lord man mann marsh mayo nash noble oakley paige pace penn pope post pound power rain ransom read rich ridge root rose
rowe royal sable salmon savage sea shore snow spring stark steel street sweet tate temple thorn tower trust tucker
vance vice virtue walker ward warren waters webb well wells west whit wilde winter worth wren yates pierce rust
care nurse doctor early late cash cole coles dunn grant hale hay hays may mays moody nice pitt pitts poor small
neo aline comfort hold cont perl vesta mae pink ace
foster general okey captain major sergeant officer judge saint bishop pastor reverend elder chief general colonel
`);

/** Nouns that follow a title or relation word but are not names: "nurse line", "nurse practitioner". */
export const roleNouns = split(`
line practitioner station visit manager navigator triage advice team staff desk aide assistant supervisor
professor student resident intern fellow attending
caller staff agent speaker user bot operator receptionist representative rep scheduler
fr rev reverend pastor rabbi imam id
`);

/** Drug names and clinical words that appear capitalised in written transcripts and must never be read as names. */
export const clinicalWords = split(`
lisinopril metformin amoxicillin atorvastatin amlodipine levothyroxine losartan omeprazole simvastatin gabapentin
hydrochlorothiazide sertraline albuterol prednisone ibuprofen acetaminophen tylenol advil motrin aspirin insulin
lantus humalog ozempic trulicity jardiance eliquis xarelto warfarin coumadin plavix zoloft prozac lexapro xanax
ativan adderall lipitor crestor synthroid norvasc zithromax azithromycin cipro ciprofloxacin doxycycline keflex
cephalexin augmentin flonase zyrtec claritin benadryl allegra singulair ventolin proair symbicort advair spiriva
lyrica neurontin tramadol oxycodone hydrocodone norco percocet vicodin morphine naloxone narcan epipen sudafed
medicare medicaid tricare aetna cigna humana kaiser anthem bluecross walgreens cvs walmart costco target rite
kroger safeway publix albertsons meijer wegmans giant
covid flu strep mri ct xray ekg ecg
lasix micu sicu ccu picu nicu cxr hr rr bp sao spo pao fio peep perrl perrla trach contd
crea ca md mds rn rt np vit neuro resp abx prn npo iv ivf tpn ngt ogt foley picc cath
coumadin heparin lovenox levophed vasopressin dopamine dobutamine propofol fentanyl versed haldol zosyn vanco vancomycin
er pacu cardiology neurology oncology radiology urology nephrology pulmonology dermatology ortho gi
endo abd swan swann ganz comfort gu mi vue sev paco pasat pao na re ica kub fem etc cont contin
tham sxn vano colace dulcolax ativn lopressor lopresor zantac pepcid protonix flagyl levaquin
atrovent flovent combivent mdi mdis nare nares mae resid resids brady tachy shin pulmonale hematocrit diuresis orif
prbc ffp levo bactrim lotrimin hibiclens bacitracin dilaudid precedex nimbex captopril diuril aldactone milrinone
nitro ntg integrilin reopro asa rx pt pts ptt tele telemetry carevue careview
`);

/**
 * Names that clinical notes use as words or abbreviations ("Quinton cath", "Swan", "LOS", "Senna"):
 * never a name on lexicon evidence alone, but still one after a cue ("dr ho", "this is quinton").
 */
export const noteWords = split(`
ho min los quinton senna lima mallory weiss ganz swan comfort abd endo re sat sats mae vent iv
douglas devine le les johnny neice per pearl kling cola dec perla
`);
