/**
 * Barriers to care heard in a call (issue 16, FU-2): what kept the patient from a visit, or may
 * keep them from the next one. The outreach lists carry these codes so the person calling back can
 * offer a ride, an interpreter or another time before being told. Pure and deterministic: cue
 * patterns per barrier, a negation check on the clause, and the clinic agent's own turns ignored
 * (an agent asking "do you need a ride?" is not the patient's barrier). Returns codes only; the
 * words that matched never leave this function.
 */

export const barrierCodes = ['transport', 'location-confusion', 'language', 'cost', 'childcare', 'work-schedule', 'technology'] as const;
export type BarrierCode = (typeof barrierCodes)[number];

interface BarrierCue {
  code: BarrierCode;
  /** Matched against one lower-cased clause of a caller's turn. */
  pattern: RegExp;
  /** A cue that is itself a negation ("no way to get there", "can't afford") must not be undone by it. */
  carriesNegation?: boolean;
}

const cues: readonly BarrierCue[] = [
  // Transport: no car, no ride, the bus, the taxi, getting there.
  { code: 'transport', pattern: /\b(no|don'?t have (a|any)|without (a|my)?|lost my|sold my) (car|ride|transport(ation)?|vehicle)\b/, carriesNegation: true },
  { code: 'transport', pattern: /\b(need(ed)?|get|find|arrange|have|had) (a |some )?(ride|lift|transport(ation)?)\b/ },
  { code: 'transport', pattern: /\b(no|couldn'?t get|can'?t get|couldn'?t find|can'?t find) (a )?(ride|lift|way (to get )?(there|in|over)|way for me to get)\b/, carriesNegation: true },
  { code: 'transport', pattern: /\bno way (for me )?to get (there|in|over|to)\b/, carriesNegation: true },
  { code: 'transport', pattern: /\b(bus|buses|train|subway|shuttle|paratransit|the ride)\b.*\b(doesn'?t|didn'?t|don'?t|never|wasn'?t|isn'?t|not|late|cancel+ed|stopped)\b/, carriesNegation: true },
  { code: 'transport', pattern: /\b(car|truck) (broke down|wouldn'?t start|is in the shop|was in the shop)\b/ },
  { code: 'transport', pattern: /\b(can'?t|cannot|couldn'?t|not allowed to|unable to) drive\b/, carriesNegation: true },
  { code: 'transport', pattern: /\b(taxi|uber|lyft|cab)\b.*\b(expensive|too much|afford|cost)/ },
  // Location confusion: wrong building, could not find the office or the entrance, moved offices.
  { code: 'location-confusion', pattern: /\bwrong (building|office|address|clinic|location|floor|entrance|place|hospital|campus)\b/ },
  { code: 'location-confusion', pattern: /\b(couldn'?t|could not|can'?t|cannot|didn'?t) (find|locate) (the|your|you|it|where)\b/, carriesNegation: true },
  { code: 'location-confusion', pattern: /\b(got|get|was|were) lost\b/ },
  { code: 'location-confusion', pattern: /\b(where (is|are) (you|the (office|clinic|building))|which (building|entrance|floor|office))\b/ },
  { code: 'location-confusion', pattern: /\b(you|the (office|clinic)) (moved|relocated)\b/ },
  // Language: an interpreter, another language, not speaking English well.
  { code: 'language', pattern: /\b(interpreter|interpretation|translat(e|or|ion))\b/ },
  { code: 'language', pattern: /\b(doesn'?t|don'?t|does not|do not|can'?t|cannot) (speak|understand) (much |good |very good |any )?english\b/, carriesNegation: true },
  { code: 'language', pattern: /\b(english (is not|isn'?t) (my|her|his|their) (first )?language|limited english|not (much|good) english)\b/, carriesNegation: true },
  { code: 'language', pattern: /\bonly (speaks?|understands?) (spanish|portuguese|vietnamese|chinese|mandarin|cantonese|arabic|haitian creole|creole|russian|polish|french|hindi|somali|korean|tagalog)\b/ },
  { code: 'language', pattern: /\b(español|espanol|no hablo|hablo poco|habla español|em português|tiếng việt)\b/ },
  { code: 'language', pattern: /\bin (spanish|portuguese|vietnamese|chinese|mandarin|cantonese|arabic|creole|russian|polish|french|hindi|somali|korean) (please|if possible)\b/ },
  // Cost: copays, bills, cannot afford.
  { code: 'cost', pattern: /\b(can'?t|cannot|couldn'?t|could not|unable to) (afford|pay)\b/, carriesNegation: true },
  { code: 'cost', pattern: /\b(too expensive|costs? too much|so expensive|the (co-?pay|bill|cost)\b.*\b(high|much|afford))\b/ },
  { code: 'cost', pattern: /\b(no|lost my|don'?t have) (insurance|coverage)\b/, carriesNegation: true },
  { code: 'cost', pattern: /\b(money is tight|short on money|out of money|no money)\b/, carriesNegation: true },
  // Childcare and caregiving: nobody to watch the kids, caring for a relative.
  { code: 'childcare', pattern: /\b(no ?one|nobody|no one|couldn'?t find (anyone|someone)) to (watch|look after|take care of|mind|stay with)\b/, carriesNegation: true },
  { code: 'childcare', pattern: /\b(babysitter|sitter|daycare|day care|childcare|child care)\b.*\b(cancel+ed|sick|closed|fell through|couldn'?t|didn'?t|no)\b/, carriesNegation: true },
  { code: 'childcare', pattern: /\b(no|couldn'?t get|don'?t have) (a )?(babysitter|sitter|childcare|child care|daycare)\b/, carriesNegation: true },
  { code: 'childcare', pattern: /\b(i|i'?m) (take|taking|look after|looking after) care of my (husband|wife|mother|mom|father|dad|son|daughter|grand\w+|partner|parents?)\b/ },
  { code: 'childcare', pattern: /\b(i'?m|i am) (the|his|her|a) (full-?time )?caregiver\b/ },
  { code: 'childcare', pattern: /\b(with|bring) (the|my) (kids|baby|children)\b.*\b(couldn'?t|can'?t|no)\b/, carriesNegation: true },
  // Work schedule: shifts, the boss, no time off.
  { code: 'work-schedule', pattern: /\b(can'?t|couldn'?t|cannot|unable to) (get|take) (time|the day|a day) off\b/, carriesNegation: true },
  { code: 'work-schedule', pattern: /\b(boss|manager|supervisor|job) (wouldn'?t|won'?t|didn'?t) (let|allow)\b/, carriesNegation: true },
  { code: 'work-schedule', pattern: /\b(my|a|the|double|night|late) shift\b/ },
  { code: 'work-schedule', pattern: /\b(was|i'?m|i am|were) at work\b/ },
  { code: 'work-schedule', pattern: /\bcan'?t miss (work|my shift)\b/, carriesNegation: true },
  // Technology: video visits, links, the portal, the app, no internet.
  { code: 'technology', pattern: /\b(link|video|app|portal|zoom|telehealth|computer|internet|wifi|wi-fi)\b.*\b(didn'?t|doesn'?t|wouldn'?t|won'?t|never|not|couldn'?t|can'?t|failing|failed|kept|broken|freez\w*|crash\w*)\b/, carriesNegation: true },
  { code: 'technology', pattern: /\b(couldn'?t|can'?t|cannot|could not) (log ?in|sign ?in|connect|open the (link|app))\b/, carriesNegation: true },
  { code: 'technology', pattern: /\b(don'?t|do not) (really )?know how to use (the|a|my) (app|portal|computer|phone|video|tablet)\b/, carriesNegation: true },
  { code: 'technology', pattern: /\b(no|don'?t have( an?)?) (internet|wifi|wi-fi|smartphone|smart phone|computer|data plan)\b/, carriesNegation: true },
];

/** A clause that denies the barrier: "no problem getting there", "I don't need a ride". */
const negation = /\b(no problem|not a problem|don'?t need|doesn'?t need|do not need|no need|never needed|without any (trouble|problem)|fine|easy|no trouble)\b/;

/** Speaker labels of the clinic's side in a diarised transcript. */
const agentTurn = /^\s*(agent|staff|nurse|clinic|receptionist|operator|ivr|system)\s*:/i;

/**
 * The barrier codes heard in a (redacted) transcript, in `barrierCodes` order, each once.
 *
 * @param transcript a call transcript; lines starting with an agent label are not the patient's words
 */
export function detectBarriers(transcript: string): BarrierCode[] {
  const found = new Set<BarrierCode>();
  for (const clause of callerClauses(transcript)) {
    const denied = negation.test(clause);
    for (const cue of cues) {
      if (found.has(cue.code)) continue;
      if (!cue.pattern.test(clause)) continue;
      if (denied && !cue.carriesNegation) continue;
      found.add(cue.code);
    }
  }
  return barrierCodes.filter((code) => found.has(code));
}

/** Barrier codes of several calls together (a patient's earlier calls), in `barrierCodes` order. */
export function mergeBarriers(lists: readonly (readonly string[])[]): BarrierCode[] {
  const all = new Set(lists.flat());
  return barrierCodes.filter((code) => all.has(code));
}

/** Lower-cased clauses of the caller's turns: agent turns dropped, split at sentence ends and "but"/"so". */
function callerClauses(transcript: string): string[] {
  const turns = transcript.split(/\n+|(?=\b(?:agent|caller|patient|staff|nurse)\s*:)/i);
  const clauses: string[] = [];
  for (const turn of turns) {
    if (agentTurn.test(turn)) continue;
    const text = turn.replace(/^\s*(caller|patient)\s*:/i, '').toLowerCase().replace(/[’‘]/g, "'");
    for (const clause of text.split(/[.!?;]+|,\s*(?:but|so|and then)\b|\bbut\b/)) {
      if (clause.trim()) clauses.push(clause);
    }
  }
  return clauses;
}
