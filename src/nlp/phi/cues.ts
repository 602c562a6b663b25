/**
 * Context cues, found in the same token pass: "my member id is", "m r n", "date of birth",
 * "my name is", "doctor". The cue decides what the next identifier or name is.
 */
import type { PhiType } from '../analysis.types.ts';
import { isEverydayName, isLexiconName } from './name-lexicon.ts';
import { TokenKind, type Token } from './tokens.ts';

export type CueKind = 'id' | 'birth' | 'age' | 'name-strong' | 'name-weak' | 'name-title' | 'place' | 'place-now';

export interface Cue {
  kind: CueKind;
  /** For `id` cues: what the identifier that follows is. */
  type?: PhiType;
  startTok: number;
  endTok: number;
}

interface CueEntry {
  words: string[];
  kind: CueKind;
  type?: PhiType;
}

const table: [CueKind, PhiType | undefined, string][] = [
  ['id', 'PHONE', 'call me on|reach me on|text me at|text me on|text me|desk|mobile phone|phone|phone number|telephone|cell|cell phone|cell number|mobile|mobile number|home number|work number|call me at|call me back at|reach me at|callback number|call back number|my number|the number|number is|area code|contact number|best number|reached at|be reached at|pager|pg|beeper'],
  ['id', 'FAX', 'fax|fax number|fax it to|fax to'],
  ['id', 'SSN', 'social|social security|social security number|social security no|social sec|soc sec|ssn|s s n|ss|ss number|last four of my social|last four of the social|last four of her social|last four of his social|last four'],
  ['id', 'MRN', 'hospital number|hospital id|mrn|m r n|medical record|medical record number|record number|chart number|patient id|patient number|patient id number'],
  ['id', 'HEALTH_PLAN_ID', 'member i d|insurance i d|plan i d|subscriber i d|member id|member number|member|membership number|policy|policy number|subscriber id|subscriber number|insurance id|insurance number|group number|group id|medicare number|medicare id|medicaid number|medicaid id|plan id|id card number|beneficiary id|group|group no|insurance card|insurance card number|medicare card|medicaid card|card number|rx group|rx bin'],
  ['id', 'ACCOUNT', 'account|account number|acct|billing account|account no'],
  ['id', 'LICENSE', "n p i|d e a|d e a number|license|licence|license number|driver's license|drivers license|driver license|dea number|npi|npi number|certificate number|dea|dea registration|license no|licence no|licence number|drivers licence|driver's licence|dl|dl number|state id|state id number|nursing license|upin"],
  ['id', 'VEHICLE', 'v i n|v i n number|license plate|license plate number|plate|plates|plate number|vin|vin number|vehicle identification number|vehicle id|vehicle number|tag number|tags|registration number'],
  ['id', 'DEVICE', "serial|serial number|serial no|serial numbers|s n|device id|device number|device serial|pacemaker serial|model and serial|imei|udi|pump number|pump's number|pump serial|meter number|meter's number|monitor number|monitor's number|implant number|implant id|transmitter|transmitter number|transmitter id|transmitter serial|sensor serial|sensor number|sensor id|receiver serial|hearing aid serial|device serial number"],
  ['id', 'OTHER_ID', 'invoice|invoice number|authorization number|prior authorization number|prior auth number|auth number|authorization|referral number|tracking number|identifier|beneficiary identifier|medicare beneficiary identifier|record locator|ticket|voucher number|member identifier|confirmation number|confirmation code|confirmation|claim number|claim id|reference number|case number|ticket number|order number|claim reference|reference|student id|student number|employee id|employee number|case id|rx number|prescription number|id number|id is|i d number|i d is|identification number|passport|passport number|pin|accession|accession number|specimen number|specimen id|requisition number|lab number|the id|my id|his id|her id|your id|card id|the i d|my i d'],
  ['id', 'ADDRESS', 'zip|zip code|zipcode|postal code'],
  ['birth', undefined, 'born|born in|born on|date of birth|birth date|birthdate|birthday|birthdays|dob|d o b|birth year|year of birth'],
  ['age', undefined, "age|aged|i'm|im|i am|he's|she's|he is|she is|turned|turning|turns|age of"],
  ['name-strong', undefined, "my name is|name is|name's|names|last name|last name is|first name|first name is|middle name|named|spelled|spell|spelling|surname|full name|patient name|patient's name|name of the patient|goes by|name was|maiden name|nickname|nickname is|preferred name|preferred name is|under the name|under the name of|also known as|aka|name on the account is|name on file is"],
  ['name-title', undefined, 'drs|mr|mrs|ms|mx|dr|mister|missus|miz|doctor|nurse|professor|prof|miss|daughter|dtr|son|wife|husband|niece|nephew|sister|brother|caregiver|neighbor|guardian|proxy|np|pa|subscriber|policyholder|guarantor|cardholder|pharmacist|therapist|coordinator|supervisor|midwife|surgeon|physician|dentist|chaplain|counselor|interpreter|fr|father|pastor|reverend|rev|rabbi|imam'],
  ['name-weak', undefined, "this is|i'm|im|i am|it's|calling for|calling about|calling on behalf of|on behalf of|speaking with|speak with|speak to|talk to|talking to|talked to|spoke to|spoke with|ask for|asking for|patient|my son|my daughter|my wife|my husband|my mom|my mother|my dad|my father|my brother|my sister|my grandson|my granddaughter|my grandmother|my grandfather|my grandma|my grandpa|my child|my partner|my aunt|my uncle|my niece|my nephew|my friend|my caregiver|my neighbor|my neighbour|my cousin|my guardian|my stepdaughter|my stepson|my boyfriend|my girlfriend|my fiance|my fiancee|my spouse|my stepmother|my stepfather|my stepmom|my stepdad|my roommate|my caseworker|my case worker|my case manager|my social worker|my aide|my home aide|my interpreter|my coworker|my co worker|my boss|my landlord|my teacher|my pastor|my lawyer|my therapist|my counselor|my doctor|my nurse|my pcp|my primary|my provider|my surgeon|my specialist|my grandchild|my grandkid|my kid|my baby|my twin|my godmother|my godfather|my mother in law|my father in law|my sister in law|my brother in law|my son in law|my daughter in law|my great grandmother|my great grandfather|known as|trying to reach|looking for|message for|transfer me to|the patient is|patient is|hi|hello|hey|thanks|thank you|bye|seeing|under|for|tell|ask|have|let|text|remind|told|asked|it's me|with|and|says|said|call me|calls me|named him|named her|starring|featuring|features"],
  ['place', undefined, 'live in|live at|living in|lives in|reside in|moved to|live on|lives on|staying in'],
  // Where the person is now or lives, said loosely ("we're out in ...", "i live up in ...", "out past ..."): weaker
  // than "live in", so the place word after it must be one no dictionary knows (addresses.ts).
  ['place-now', undefined, "we're in|we are in|i'm in|im in|i am in|he's in|she's in|they're in|we're out in|i'm out in|we're up in|i'm up in|we're down in|we're out past|i'm out past|we're out by|out past|out by|live out by|live up in|live out in|live down in|lives out in|lives up in|lives out by|living out in|living up in|outside of|stuck here in|stuck in|home in|staying out in"],
];

const byFirstWord = new Map<string, CueEntry[]>();
for (const [kind, type, phrases] of table) {
  for (const phrase of phrases.split('|')) {
    const words = phrase.split(' ');
    const entry: CueEntry = type ? { words, kind, type } : { words, kind };
    const list = byFirstWord.get(words[0]!) ?? [];
    list.push(entry);
    byFirstWord.set(words[0]!, list);
  }
}
// Longest phrase first, so "member id" wins over "member" and "license plate" over "license".
for (const list of byFirstWord.values()) list.sort((a, b) => b.words.length - a.words.length);

/** Every cue in the text, left to right. Several kinds can share tokens ("i'm" is an age and a name cue). */
export function findCues(tokens: readonly Token[]): Cue[] {
  const cues: Cue[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== TokenKind.Word && token.norm !== '?') continue;
    let entries = byFirstWord.get(token.norm);
    // "my social's ...", "husband's name": a possessive or contracted cue word counts as the word.
    const stem = entries === undefined && token.norm.endsWith("'s") ? token.norm.slice(0, -2) : undefined;
    if (stem !== undefined) entries = byFirstWord.get(stem)?.filter((entry) => entry.words.length === 1 && (entry.kind === 'id' || entry.kind === 'birth'));
    // "Agent: Your name? Caller: Imani Okoro-Blake.", "Who's the patient?⏎Caller: ...": a question about a name,
    // answered in the next turn after the speaker's label.
    if (token.norm === '?' && tokens[i + 2]?.norm === ':' && tokens[i + 1]?.kind === TokenKind.Word && nameQuestion(tokens, i) && answerLooksLikeName(tokens, i + 3)) {
      cues.push({ kind: 'name-strong', startTok: i + 1, endTok: i + 3 });
      continue;
    }
    // "Name: Toshimi Arata", "Patient Name:" on forms: the word "name" and a colon.
    if (token.norm === 'name' && (tokens[i + 1]?.norm === ':' || (tokens[i + 1]?.norm === '?' && tokens[i - 1]?.norm === 'your'))) {
      cues.push({ kind: 'name-strong', startTok: i, endTok: i + 2 });
      continue;
    }
    if (!entries) continue;
    const seen = new Set<CueKind>();
    for (const entry of entries) {
      if (seen.has(entry.kind)) continue;
      const end = stem !== undefined ? i + 1 : matchWords(tokens, i, entry.words);
      if (end < 0) continue;
      seen.add(entry.kind);
      cues.push(entry.type ? { kind: entry.kind, type: entry.type, startTok: i, endTok: end } : { kind: entry.kind, startTok: i, endTok: end });
    }
  }
  return cues;
}

const answerOpeners = new Set(['yes', 'yeah', 'sure', 'it', "it's", 'its', 'is', ',', 'um', 'uh', 'oh', 'okay', 'ok', 'the', 'patient', 'name']);

/** "Caller: Sure, Imani Okoro-Blake.": the answer's first word is a capitalised name-like word, not "Sorry" or "My". */
function answerLooksLikeName(tokens: readonly Token[], t: number): boolean {
  while (tokens[t] && answerOpeners.has(tokens[t]!.norm)) t++;
  const word = tokens[t];
  return word !== undefined && word.kind === TokenKind.Word && word.upper && (!isEverydayName(word.norm) || isLexiconName(word.norm));
}

const nameQuestionWords = new Set(['name', "name's", 'names', 'patient', 'subscriber', "subscriber's", 'spell', 'spelling', 'who']);

/** Does the question ending at token `mark` ask for a name ("your name?", "name and date of birth?", "who's the patient?")? */
function nameQuestion(tokens: readonly Token[], mark: number): boolean {
  for (let t = mark - 1; t >= 0 && t >= mark - 6; t--) {
    const norm = tokens[t]!.norm;
    if (norm === '.' || norm === '?' || norm === ':' || norm === '\n') return false;
    if (nameQuestionWords.has(norm) || norm === "who's") return true;
  }
  return false;
}

// ASR fillers that can fall between the words of a cue: "date of uh birth", "this you know is".
const cueFillers = new Set(['uh', 'um', 'umm', 'er', 'like', 'so']);

/** Skips fillers ("uh", "like", "you know") from token t; returns the next token index. */
export function skipFillers(tokens: readonly Token[], t: number): number {
  for (;;) {
    const norm = tokens[t]?.norm;
    if (norm !== undefined && cueFillers.has(norm)) t++;
    else if (norm === 'you' && tokens[t + 1]?.norm === 'know') t += 2;
    else return t;
  }
}

/** Matches `words` from token i, skipping punctuation and fillers between them ("m.r.n.", "date of uh birth"); returns the end or -1. */
function matchWords(tokens: readonly Token[], i: number, words: readonly string[]): number {
  let t = i;
  for (let w = 0; w < words.length; w++) {
    if (w > 0) {
      while (tokens[t]?.kind === TokenKind.Punct && tokens[t]!.norm !== '?') t++;
      if (tokens[t]?.norm !== words[w]) t = skipFillers(tokens, t);
    }
    if (tokens[t]?.norm !== words[w]) return -1;
    t++;
  }
  // A title cue swallows its period: "Dr." → the name starts after it.
  if (tokens[t]?.norm === '.' && (words[0] === 'dr' || words[0] === 'drs' || words[0] === 'mr' || words[0] === 'mrs' || words[0] === 'ms' || words[0] === 'fr' || words[0] === 'rev')) t++;
  return t;
}
