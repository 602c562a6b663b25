/**
 * Deterministic generator of SYNTHETIC labelled evaluation sets for call understanding.
 *
 *   npx tsx bench/eval/generate-eval-sets.ts
 *
 * Writes bench/eval/data/{dev,heldout}/{phi-calls,request-types,red-flags}.jsonl. Labels are by
 * construction: texts are assembled from templates with slots, and every PHI span's offsets are
 * recorded as the slot value is inserted. The held-out split draws from DIFFERENT templates and
 * slot values (disjoint halves of every pool, other Faker locales, names/streets/cities that never
 * occur in dev), not just another seed. Never tune detectors on the held-out split.
 * Every person, number and address below is made up (Faker or random digits).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Faker, base, cs_CZ, de, en, en_GH, en_IN, en_NG, en_US, es, es_MX, fi, fr, hu, it, nl, pl, pt_BR, ro, sv, tr, vi, yo_NG,
  type LocaleDefinition,
} from '@faker-js/faker';
import type { PatientContext, PhiType, RedFlagCode, RequestTypeCode } from '../../src/nlp/analysis.types.ts';

type Split = 'dev' | 'heldout';
const here = path.dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------- randomness

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
let rand = mulberry32(1);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const chance = (p: number) => rand() < p;
const shuffle = <T>(xs: T[]): T[] => {
  for (let i = xs.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [xs[i], xs[j]] = [xs[j]!, xs[i]!]; }
  return xs;
};
/** Disjoint halves of a pool: even indexes for dev, odd for held-out. */
const half = <T>(xs: readonly T[], split: Split): T[] => xs.filter((_, i) => (i % 2 === 0) === (split === 'dev'));

// ---------------------------------------------------------------- number words

const ones = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen',
  'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const tens = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ordinalsSmall: Record<string, string> = { one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth' };
function words(n: number): string {
  if (n < 20) return ones[n]!;
  if (n < 100) return tens[Math.floor(n / 10)]! + (n % 10 ? ' ' + ones[n % 10] : '');
  if (n < 1000) return ones[Math.floor(n / 100)] + ' hundred' + (n % 100 ? (chance(0.3) ? ' and ' : ' ') + words(n % 100) : '');
  return words(Math.floor(n / 1000)) + ' thousand' + (n % 1000 ? ' ' + words(n % 1000) : '');
}
function ordinal(n: number): string {
  const w = words(n).split(' ');
  const last = w.pop()!;
  const o = ordinalsSmall[last] ?? (last.endsWith('y') ? last.slice(0, -1) + 'ieth' : last + 'th');
  return [...w, o].join(' ');
}
/** A digit as ASR would write it; zero is often "oh". */
const digitWord = (d: string, ohRate = 0.5) => (d === '0' ? (chance(ohRate) ? 'oh' : 'zero') : ones[Number(d)]!);
const spellDigits = (s: string, ohRate = 0.5) => [...s].map((d) => digitWord(d, ohRate)).join(' ');
/** "4471" as "forty four seventy one", "0142" as "oh one forty two". */
function pairWords(s: string): string {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += 2) {
    const p = s.slice(i, i + 2);
    if (p.length === 1) out.push(digitWord(p));
    else if (p[0] === '0') out.push(digitWord('0', 0.9), digitWord(p[1]!));
    else out.push(words(Number(p)));
  }
  return out.join(' ');
}
/** Street numbers as said: 123 -> "one twenty three", 4521 -> "forty five twenty one", 87 -> "eighty seven". */
function streetNumberWords(n: number): string {
  const s = String(n);
  if (s.length <= 2) return words(n);
  if (s.length === 3) return ones[Number(s[0])] + ' ' + (s[1] === '0' ? 'oh ' + ones[Number(s[2])] : words(Number(s.slice(1))));
  if (s.length === 4) return pairWords(s);
  return spellDigits(s);
}
function yearWords(y: number): string {
  if (y >= 2000 && y < 2010) return chance(0.5) ? `two thousand ${ones[y - 2000]}` : `twenty oh ${ones[y - 2000]}`;
  if (y >= 2010) return `twenty ${words(y - 2000)}`;
  const hi = Math.floor(y / 100); const lo = y % 100;
  return `${words(hi)} ${lo < 10 ? 'oh ' + ones[lo] : words(lo)}`;
}
/** Alphanumeric identifier as said letter by letter: "XGH-4492" -> "x g h four four nine two". */
const spellAlnum = (s: string) => [...s.toLowerCase()].filter((c) => /[a-z0-9]/.test(c)).map((c) => (/[0-9]/.test(c) ? digitWord(c) : c)).join(' ');
const stripAccents = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[łŁ]/g, 'l').replace(/ı/g, 'i').replace(/[đĐ]/g, 'd').replace(/[øØ]/g, 'o').replace(/ß/g, 'ss');
const spokenName = (s: string) => stripAccents(s).toLowerCase().replace(/[-'.]/g, ' ').replace(/\s+/g, ' ').trim();
const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad2 = (n: number) => String(n).padStart(2, '0');
const digits = (n: number) => Array.from({ length: n }, () => String(int(0, 9))).join('');
const letters = (n: number) => Array.from({ length: n }, () => 'ABCDEFGHJKLMNPRSTUVWXYZ'[int(0, 22)]).join('');

// ---------------------------------------------------------------- slot values (written + spoken forms)

interface Val { w: string; s: string; type?: PhiType }
const v = (w: string, s: string, type?: PhiType): Val => (type ? { w, s, type } : { w, s });

function dateVal(y: number, m: number, d: number, split: Split, withYear = true): Val {
  const mon = months[m - 1]!;
  const sharedW = withYear
    ? [`${pad2(m)}/${pad2(d)}/${y}`, `${m}/${d}/${y}`, `${mon} ${d}, ${y}`, `${mon} ${d}${d === 1 ? 'st' : d === 2 ? 'nd' : d === 3 ? 'rd' : 'th'}, ${y}`]
    : [`${mon} ${d}`, `${m}/${d}`, `${mon} ${d}${d === 1 ? 'st' : d === 2 ? 'nd' : d === 3 ? 'rd' : 'th'}`];
  const extraW = withYear ? (split === 'dev' ? [`${y}-${pad2(m)}-${pad2(d)}`, `${m}-${d}-${String(y).slice(2)}`] : [`${d} ${mon.slice(0, 3)} ${y}`, `${m}.${d}.${y}`])
    : (split === 'dev' ? [`${mon.slice(0, 3)} ${d}`] : [`${d} ${mon}`]);
  const yw = yearWords(y);
  const sharedS = withYear
    ? [`${mon.toLowerCase()} ${ordinal(d)} ${yw}`, `${mon.toLowerCase()} ${words(d)} ${yw}`, `the ${ordinal(d)} of ${mon.toLowerCase()} ${yw}`]
    : [`${mon.toLowerCase()} ${ordinal(d)}`, `the ${ordinal(d)} of ${mon.toLowerCase()}`];
  const extraS = withYear
    ? (split === 'dev' ? [`${words(m)} ${words(d)} ${String(y).slice(2, 3) === '0' ? 'oh ' + ones[y % 10] : words(y % 100)}`, `${spellDigits(pad2(m), 0.9)} ${spellDigits(pad2(d), 0.9)} ${yw}`]
      : [`${mon.toLowerCase()} the ${ordinal(d)} ${yw}`, `${words(m)} slash ${words(d)} slash ${yw}`])
    : (split === 'dev' ? [`${mon.toLowerCase()} ${words(d)}`] : [`${mon.toLowerCase()} the ${ordinal(d)}`]);
  return v(pick([...sharedW, ...extraW]), pick([...sharedS, ...extraS]), 'DATE');
}

function phoneDigits(): string {
  const area = pick(['312', '617', '415', '646', '713', '404', '503', '602', '555', '720', '919', '832', '206', '267']);
  return area + String(int(2, 9)) + digits(2) + digits(4);
}
function phoneVal(d10: string, type: PhiType, split: Split): Val {
  const a = d10.slice(0, 3), b = d10.slice(3, 6), c = d10.slice(6);
  const w = pick([`${a}-${b}-${c}`, `(${a}) ${b}-${c}`, `${a}.${b}.${c}`, ...(split === 'dev' ? [`${a}${b}${c}`, `+1 ${a} ${b} ${c}`] : [`1-${a}-${b}-${c}`, `${a} ${b} ${c}`])]);
  const s = pick([
    spellDigits(d10), `${spellDigits(a)} ${spellDigits(b)} ${spellDigits(c)}`, `${spellDigits(a)} ${spellDigits(b)} ${pairWords(c)}`,
    ...(split === 'dev' ? [`${streetNumberWords(Number(a))} ${spellDigits(b)} ${pairWords(c)}`] : [`${spellDigits(a, 0)} ${spellDigits(b, 0)} ${spellDigits(c, 0)}`]),
  ]);
  return v(w, s, type);
}
function alnumVal(w: string, type: PhiType): Val { return v(w, spellAlnum(w), type); }

// ---------------------------------------------------------------- people

const devLocales: LocaleDefinition[][] = [[en_US, en, base], [es_MX, es, en, base], [de, en, base], [fr, en, base], [it, en, base],
  [en_IN, en, base], [en_NG, en, base], [vi, en, base], [pl, en, base], [nl, en, base]];
const heldLocales: LocaleDefinition[][] = [[pt_BR, en, base], [tr, en, base], [sv, en, base], [ro, en, base], [cs_CZ, en, base],
  [yo_NG, en, base], [en_GH, en, base], [hu, en, base], [fi, en, base]];
/** First names that are also common words; kept out of patient names so traps stay unambiguous. */
const wordNames = new Set(['will', 'may', 'bill', 'mark', 'april', 'june', 'grace', 'hope', 'joy', 'rose', 'frank', 'art', 'sunny', 'dawn', 'summer', 'august', 'faith', 'sandy', 'rich', 'bob']);
const usedDev = new Set<string>();

interface Person { first: string; last: string }
class People {
  private fakers: Faker[];
  constructor(private split: Split, seed: number) {
    this.fakers = (split === 'dev' ? devLocales : heldLocales).map((locale, i) => { const f = new Faker({ locale }); f.seed(seed + i); return f; });
  }
  person(): Person {
    for (let tries = 0; ; tries++) {
      const f = pick(this.fakers);
      const first = f.person.firstName().split(' ')[0]!;
      const last = f.person.lastName();
      if (!/^[\p{L}][\p{L}'-]+$/u.test(first) || !/^[\p{L}][\p{L}' -]+$/u.test(last)) continue;
      const toks = spokenName(`${first} ${last}`).split(' ');
      if (toks.some((t) => wordNames.has(t) || t.length < 2)) continue;
      if (this.split === 'heldout' && toks.some((t) => usedDev.has(t)) && tries < 50) continue;
      if (this.split === 'dev') toks.forEach((t) => usedDev.add(t));
      return { first, last };
    }
  }
}
/** Real US place names (towns are PHI below state level); dev and held-out use disjoint halves. */
const usCities = ['Springfield', 'Columbus', 'Fresno', 'Tacoma', 'Dayton', 'Boise', 'Savannah', 'Albany', 'Scranton', 'Eugene', 'Flint', 'Macon', 'Lubbock',
  'Bakersfield', 'Chattanooga', 'Peoria', 'Topeka', 'Durham', 'Pueblo', 'Modesto', 'Trenton', 'Erie', 'Provo', 'Yakima', 'Waco', 'Gary', 'Lowell',
  'Cedar Rapids', 'Sioux Falls', 'Fort Wayne', 'Baton Rouge', 'Grand Rapids', 'Santa Fe', 'Little Rock', 'Ann Arbor', 'Green Bay', 'El Paso', 'St. Paul',
  'New Haven', 'Fall River', 'Kalamazoo', 'Hialeah', 'Joliet', 'Irvine', 'Mesa', 'Laredo', 'Akron', 'Athens', 'Buffalo', 'Orlando', 'Salem', 'Camden'];
const us = new Faker({ locale: [en_US, en, base] });

// ---------------------------------------------------------------- text assembly with offsets

interface Span { start: number; end: number; type: PhiType }
type Style = 'spoken' | 'written';
const fillers = ['um', 'uh', 'um', 'uh', 'you know', 'like', 'so'];
function spokenLiteral(s: string): string {
  const toks = s.replace(/\b(Staff|Caller):/g, ' ').toLowerCase().replace(/[.,;:!?"()]/g, ' ').replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
  const out: string[] = [];
  for (const t of toks) { if (chance(0.07)) out.push(pick(fillers)); out.push(t); }
  return out.join(' ');
}
class Builder {
  text = '';
  spans: Span[] = [];
  constructor(private style: Style) {}
  lit(s: string) {
    const t = this.style === 'spoken' ? spokenLiteral(s) : s;
    if (!t) return;
    if (this.text && !/^[.,;:!?)']/.test(t) && !/[\n(]$/.test(this.text)) this.text += ' ';
    this.text += t;
  }
  val(x: Val) {
    const t = this.style === 'spoken' ? x.s : x.w;
    if (this.text && !/[\n(]$/.test(this.text)) this.text += ' ';
    const start = this.text.length;
    this.text += t;
    if (x.type) this.spans.push({ start, end: this.text.length, type: x.type });
  }
  newline() { if (this.style === 'written') this.text += '\n'; }
}
/** Fills "{slot}" markers from a resolver; literal text between slots goes through the style. */
function fill(b: Builder, template: string, resolve: (slot: string) => Val) {
  const re = /\{(\w+)\}/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    b.lit(template.slice(last, m.index));
    b.val(resolve(m[1]!));
    last = m.index + m[0].length;
  }
  b.lit(template.slice(last));
}
const wordCount = (s: string) => s.split(/\s+/).filter(Boolean).length;

// ---------------------------------------------------------------- PHI call templates

const clinics = ['Lakeside Family Medicine', 'Northgate Internal Medicine', 'Cedar Valley Pediatrics', 'Harbor View Cardiology', 'Riverbend Primary Care',
  'Summit Women\'s Health', 'Oak Street Clinic', 'Westfield Orthopedics', 'Pine Ridge Family Practice', 'Meadowbrook Medical Group'];
const drugs = [['lisinopril', '20 mg', 'twenty milligrams'], ['metformin', '500 mg', 'five hundred milligrams'], ['atorvastatin', '40 mg', 'forty milligrams'],
  ['amlodipine', '5 mg', 'five milligrams'], ['sertraline', '50 mg', 'fifty milligrams'], ['levothyroxine', '75 mcg', 'seventy five micrograms'],
  ['omeprazole', '20 mg', 'twenty milligrams'], ['gabapentin', '300 mg', 'three hundred milligrams'], ['losartan', '100 mg', 'a hundred milligrams'],
  ['albuterol', '2 puffs', 'two puffs'], ['hydrochlorothiazide', '25 mg', 'twenty five milligrams'], ['prednisone', '10 mg', 'ten milligrams'],
  ['montelukast', '10 mg', 'ten milligrams'], ['escitalopram', '10 mg', 'ten milligrams'], ['warfarin', '5 mg', 'five milligrams'],
  ['insulin glargine', '22 units', 'twenty two units'], ['tamsulosin', '0.4 mg', 'point four milligrams'], ['meloxicam', '15 mg', 'fifteen milligrams']] as const;
const pharmacies = ['CVS', 'Walgreens', 'Rite Aid', 'the Walmart pharmacy', 'Costco pharmacy', 'the Kroger pharmacy', 'Publix pharmacy', 'the hospital pharmacy'];

interface CallCtx { split: Split; patient: Person; caller: Person | null; relation: string; staff: string; doctor: string; dob: [number, number, number];
  phone: string; mrn: string; clinic: string; drug: readonly [string, string, string] }

function nameVal(n: string): Val { return v(n, spokenName(n), 'NAME'); }
function resolveSlot(slot: string, c: CallCtx, people: People): Val {
  const sp = c.split;
  switch (slot) {
    case 'PN': return nameVal(`${c.patient.first} ${c.patient.last}`);
    case 'PF': return nameVal(c.patient.first);
    case 'PL': return nameVal(c.patient.last);
    case 'PSPELL': { const l = stripAccents(c.patient.last).replace(/[^A-Za-z]/g, ''); return v(l.toUpperCase().split('').join('-'), l.toLowerCase().split('').join(' '), 'NAME'); }
    case 'CN': return nameVal(c.caller ? `${c.caller.first} ${c.caller.last}` : `${c.patient.first} ${c.patient.last}`);
    case 'CF': return nameVal(c.caller ? c.caller.first : c.patient.first);
    case 'ON': { const p = people.person(); return nameVal(`${p.first} ${p.last}`); }
    case 'SN': return nameVal(c.staff);
    case 'DR': return nameVal(c.doctor);
    case 'REL': return v(c.relation, c.relation);
    case 'DOB': return dateVal(c.dob[0], c.dob[1], c.dob[2], sp);
    case 'DATE': return dateVal(2025, int(1, 12), int(1, 28), sp, false);
    case 'DATEY': return dateVal(int(2023, 2025), int(1, 12), int(1, 28), sp, true);
    case 'AGE90': { const a = int(90, 104); return v(String(a), chance(0.3) && a >= 100 ? `a hundred and ${words(a - 100)}`.replace(/ and zero$/, '') : words(a), 'AGE'); }
    case 'PHONE': return phoneVal(c.phone, 'PHONE', sp);
    case 'PHONE2': return phoneVal(phoneDigits(), 'PHONE', sp);
    case 'FAX': return phoneVal(phoneDigits(), 'FAX', sp);
    case 'EMAIL': {
      const p = chance(0.7) ? c.patient : people.person();
      const user = stripAccents(pick([`${p.first}.${p.last}`, `${p.first}${p.last}${int(1, 99)}`, `${p.first[0]}${p.last}`, `${p.first}_${int(50, 99)}`])).toLowerCase().replace(/[^a-z0-9._]/g, '');
      const dom = pick(sp === 'dev' ? ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com'] : ['hotmail.com', 'aol.com', 'protonmail.com', 'comcast.net']);
      const e = `${user}@${dom}`;
      const s = e.replace(/[0-9]+/g, (d) => ` ${d.length <= 2 ? words(Number(d)) : spellDigits(d)} `).replace(/\./g, ' dot ').replace('@', ' at ').replace(/_/g, ' underscore ').replace(/\s+/g, ' ').trim();
      return v(e, s, 'EMAIL');
    }
    case 'SSN': { let a = int(101, 772); if (a === 666) a = 667; const d = `${a}${pad2(int(1, 99))}${String(int(1, 9999)).padStart(4, '0')}`;
      return v(pick([`${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}`, `${d.slice(0, 3)} ${d.slice(3, 5)} ${d.slice(5)}`]), spellDigits(d), 'SSN'); }
    case 'SSN4': { const d = String(int(1000, 9999)); return v(d, chance(0.5) ? spellDigits(d) : pairWords(d), 'SSN'); }
    case 'MRN': return v(c.mrn, spellDigits(c.mrn, 0.3), 'MRN');
    case 'HPID': return alnumVal(pick([`${letters(3)}${digits(9)}`, `W${digits(9)}`, `${letters(1)}${digits(8)}`, `${letters(3)} ${digits(4)} ${digits(4)}`]), 'HEALTH_PLAN_ID');
    case 'GROUP': return alnumVal(pick([digits(6), `${letters(2)}${digits(5)}`]), 'HEALTH_PLAN_ID');
    case 'ACCT': { const d = pick([digits(8), `${digits(4)}-${digits(4)}`, digits(10)]); return v(d, spellDigits(d), 'ACCOUNT'); }
    case 'DL': return alnumVal(pick([`${letters(1)}${digits(7)}`, `${letters(1)}${digits(3)}-${digits(4)}-${digits(4)}`, digits(9)]), 'LICENSE');
    case 'NPI': return alnumVal(`1${digits(9)}`, 'LICENSE');
    case 'STREET': {
      const n = int(5, 9899);
      let street = us.location.street();
      for (let i = 0; i < 20 && sp === 'heldout' && usedDev.has(street); i++) street = us.location.street();
      if (sp === 'dev') usedDev.add(street);
      const unit = chance(0.25) ? ` Apt ${int(1, 40)}` : '';
      return v(`${n} ${street}${unit}`, `${streetNumberWords(n)} ${spokenName(street)}${unit ? ` apartment ${words(Number(unit.slice(5)))}` : ''}`, 'ADDRESS');
    }
    case 'CITY': {
      const city = pick(half(usCities, sp));
      return v(city, spokenName(city), 'ADDRESS');
    }
    case 'ZIP': { const z = us.location.zipCode('#####'); return v(z, spellDigits(z), 'ADDRESS'); }
    case 'URL': {
      const p = c.patient; const n = stripAccents(`${p.first}${p.last}`).toLowerCase().replace(/[^a-z]/g, '');
      const u = pick(sp === 'dev' ? [`www.${n}photos.com`, `https://facebook.com/${n}.${int(1, 9)}`, `${n}.blogspot.com`]
        : [`https://www.${n}-art.net`, `instagram.com/${n}`, `www.${n}family.org`]);
      const s = u.replace('https://', '').replace(/www\./, 'w w w dot ').replace(/\./g, ' dot ').replace(/\//g, ' slash ').replace(/-/g, ' dash ').replace(/:/g, '').replace(/([0-9])/g, (d) => ` ${digitWord(d)} `).replace(/\s+/g, ' ').trim();
      return v(u, s, 'URL');
    }
    case 'IP': { const o = [pick([73, 98, 24, 172, 68, 192, 10, 107]), int(0, 255), int(0, 255), int(1, 254)]; return v(o.join('.'), o.map((x) => (x >= 100 && chance(0.5) ? streetNumberWords(x) : words(x))).join(' dot '), 'IP'); }
    case 'PLATE': return alnumVal(pick([`${int(1, 9)}${letters(3)}${digits(3)}`, `${letters(3)} ${digits(4)}`, `${letters(3)}-${digits(3)}`]), 'VEHICLE');
    case 'VIN': return alnumVal(`${int(1, 5)}${letters(2)}${letters(1)}${digits(2)}${letters(1)}${digits(2)}${letters(1)}${digits(6)}`.slice(0, 17), 'VEHICLE');
    case 'DEVSN': return alnumVal(pick([`${letters(3)}${digits(6)}`, `${digits(1)}${letters(2)}-${digits(5)}`, `SN${digits(8)}`]), 'DEVICE');
    case 'OID': return alnumVal(pick([`${digits(2)}-${digits(4)}`, `${letters(1)}${digits(6)}`, `${letters(2)}${digits(7)}`]), 'OTHER_ID');
    // non-PHI slots (traps)
    case 'CLINIC': return v(c.clinic, c.clinic.toLowerCase());
    case 'DRUG': return v(c.drug[0], c.drug[0]);
    case 'DOSE': return v(c.drug[1], c.drug[2]);
    case 'PHARM': return v(pick(pharmacies), pick(pharmacies).toLowerCase());
    case 'TIME': { const h = int(1, 11); const m = pick([0, 15, 30, 45]); return v(`${h}:${pad2(m)}${pick(['', ' am', ' pm'])}`, `${words(h)}${m === 0 ? " o'clock" : m === 15 ? ' fifteen' : m === 30 ? ' thirty' : ' forty five'}`); }
    case 'SUPPLY': { const n = pick([30, 60, 90]); return v(`${n}-day`, `${words(n)} day`); }
    case 'COUNT': { const n = pick([30, 60, 90, 120, 14, 28]); return v(String(n), words(n)); }
    case 'TEMP': { const t = pick([100.4, 101, 101.5, 102, 102.6, 103]); const i = Math.floor(t); const f = Math.round((t - i) * 10);
      return v(String(t), `${pick(['a hundred and', 'one hundred', 'a hundred'])} ${words(i - 100)}${f ? ` point ${words(f)}` : ''}`.replace(' and zero', '').replace(' zero', '')); }
    case 'YEAR': { const y = int(2008, 2023); return v(String(y), yearWords(y)); }
    case 'AGEOK': { const a = int(18, 89); return v(String(a), words(a)); }
    case 'BP': { const a = int(128, 178), b = int(78, 104); return v(`${a}/${b}`, `${streetNumberWords(a)} over ${words(b)}`); }
    case 'SUGAR': { const a = int(140, 390); return v(String(a), streetNumberWords(a)); }
    case 'ROOM': { const a = int(2, 14); return v(String(a), words(a)); }
    default: throw new Error(`unknown slot ${slot}`);
  }
}

/** Template pools; each is split into disjoint dev/held-out halves by `half`. */
const T = {
  open: [
    'Staff: Thank you for calling {CLINIC}, this is {SN}, how can I help you?',
    'Staff: {CLINIC}, {SN} speaking.',
    'Staff: Good morning, {CLINIC}, my name is {SN}. What can I do for you today?',
    'Staff: Hi, you\'ve reached {CLINIC}, this is {SN} at the front desk.',
    'Staff: {CLINIC} nurse line, this is {SN}, may I have your name?',
    'Staff: Hello, {CLINIC}, you\'re speaking with {SN}.',
    'Staff: Thanks for holding, this is {SN} with {CLINIC}.',
    'Staff: {CLINIC} scheduling, {SN} here, how may I help?',
  ],
  introSelf: [
    'Caller: Hi, yeah, this is {PN}, I\'m a patient of Dr. {DR}.',
    'Caller: Hello, my name is {PN}.',
    'Caller: Hi {SN}, it\'s {PN} calling.',
    'Caller: Yes hi, I\'m calling, my name\'s {PN}, I see Dr. {DR}.',
    'Caller: Hey, good morning, this is {PF} {PL}.',
    'Caller: Hi there, {PN} here, I was told to call back today.',
    'Caller: Um hi, I\'m {PN} and I had a question.',
    'Caller: Hi, this is {PN}, last name {PL}, I\'m one of Dr. {DR}\'s patients.',
  ],
  introOther: [
    'Caller: Hi, this is {CN}, I\'m calling for my {REL} {PN}.',
    'Caller: Hello, my name is {CN}, I take care of my {REL}, {PN}.',
    'Caller: Yes, I\'m {CN}, calling on behalf of my {REL}, the patient is {PN}.',
    'Caller: Hi, it\'s {CF}, {PN}\'s {REL}, she asked me to call.',
    'Caller: Good afternoon, I\'m calling about my {REL} {PN}, my name is {CN}.',
    'Caller: Hi, this is {CN}. My {REL} {PN} is a patient there.',
  ],
  verify: [
    'Staff: Can I get the date of birth? Caller: Sure, it\'s {DOB}.',
    'Staff: And your date of birth please? Caller: {DOB}.',
    'Staff: Can you spell the last name for me? Caller: Yes, {PSPELL}. And the birthday is {DOB}.',
    'Staff: What\'s the birthdate on the chart? Caller: It\'s {DOB}.',
    'Staff: Okay, and can you verify the date of birth? Caller: Yeah, {DOB}.',
    'Staff: How do you spell that last name? Caller: It\'s {PL}, {PSPELL}.',
    'Staff: Do you have the medical record number handy? Caller: Yes, the MRN is {MRN}. Date of birth {DOB}.',
    'Staff: Could I get a date of birth to pull up the chart? Caller: It\'s {DOB}, and the MRN on my card is {MRN}.',
    'Staff: Let me look you up, what\'s your birthday? Caller: {DOB}.',
    'Staff: Can you confirm the last name and date of birth? Caller: {PL}, spelled {PSPELL}, born {DOB}.',
  ],
  phi: {
    PHONE: ['Staff: What\'s the best number to reach you? Caller: You can call me at {PHONE}.', 'Caller: My cell is {PHONE} if anybody needs to call me back.',
      'Staff: Is {PHONE} still a good number? Caller: Yes, that\'s my cell.', 'Caller: Call my daughter\'s phone instead, it\'s {PHONE2}.',
      'Caller: The number I have on file is old, the new one is {PHONE}.', 'Caller: Please leave a message at {PHONE}, that\'s my home line.'],
    FAX: ['Caller: Can you fax it to my lawyer\'s office? The fax is {FAX}.', 'Caller: The school nurse said to fax the form to {FAX}.',
      'Caller: Their fax number is {FAX}, attention billing.', 'Caller: Send it by fax to {FAX}, that goes to my work.'],
    EMAIL: ['Caller: My email is {EMAIL} if you want to send the form.', 'Staff: Can I send the portal invite by email? Caller: Sure, {EMAIL}.',
      'Caller: I changed my email, it\'s {EMAIL} now.', 'Caller: Could you email the receipt to {EMAIL}?'],
    SSN: ['Staff: For the disability form I need the social security number. Caller: It\'s {SSN}.', 'Caller: They asked for the last four of my social, it\'s {SSN4}.',
      'Caller: My social is {SSN}, the insurance needed it.', 'Staff: Just the last four of the social please. Caller: {SSN4}.'],
    MRN: ['Caller: The letter had a medical record number on it, {MRN}.', 'Staff: I see the MRN {MRN}, is that you? Caller: Yes.',
      'Caller: My chart number is {MRN} I think.', 'Caller: It says MRN {MRN} at the top of the paper.'],
    HEALTH_PLAN_ID: ['Caller: My new insurance member ID is {HPID}.', 'Caller: The policy number on the card is {HPID}, group number {GROUP}.',
      'Staff: Can you read me the member ID? Caller: {HPID}.', 'Caller: My Medicare number is {HPID}.', 'Caller: The subscriber ID is {HPID}.'],
    ACCOUNT: ['Caller: I got a bill, the account number is {ACCT}.', 'Caller: It says account {ACCT} on the statement.',
      'Staff: Do you have the account number from the statement? Caller: Yeah, {ACCT}.', 'Caller: The billing account number is {ACCT}, I want to set up a payment plan.'],
    LICENSE: ['Caller: They want my driver\'s license number for the form, it\'s {DL}.', 'Caller: My license number is {DL}.',
      'Caller: This is for the home health nurse, her license is {DL} and the doctor\'s NPI is {NPI}.', 'Staff: We\'ll need a photo ID number. Caller: My driver license is {DL}.'],
    ADDRESS: ['Caller: I moved, my new address is {STREET}, {CITY}, {ZIP}.', 'Caller: Please mail it to {STREET} in {CITY}.',
      'Staff: Is your address still {STREET}? Caller: No, it\'s {STREET} now, still in {CITY}.', 'Caller: Send the records to my home, {STREET}, {CITY} {ZIP}.',
      'Caller: I live at {STREET}, zip code {ZIP}.', 'Caller: We\'re staying at my son\'s place, {STREET}, {CITY}.'],
    URL: ['Caller: I posted the photos of the rash on {URL}, can the doctor look?', 'Caller: My blog is {URL}, I wrote down all my symptoms there.',
      'Caller: The link they gave me is {URL}.', 'Caller: My support group page is {URL} if that helps.'],
    IP: ['Caller: The portal blocked me, it says my IP address {IP} is locked out.', 'Caller: The error message shows {IP} and then says access denied.',
      'Caller: IT told me my IP is {IP}, I can\'t log in to the portal.', 'Caller: It says login attempt from {IP} failed.'],
    VEHICLE: ['Caller: Someone hit my car in your parking lot, my plate is {PLATE}.', 'Caller: The VIN for the accident claim is {VIN}.',
      'Caller: My license plate is {PLATE}, I need the parking permit.', 'Caller: I\'m parked out front, the plate is {PLATE}, for the curbside pickup.'],
    DEVICE: ['Caller: My pacemaker serial number is {DEVSN}, the card says.', 'Caller: The insulin pump serial is {DEVSN} and it keeps alarming.',
      'Caller: My CPAP machine serial number is {DEVSN}, the supplier needs the order.', 'Caller: The glucose monitor, serial {DEVSN}, stopped reading.'],
    OTHER_ID: ['Caller: The case number for my workers comp is {OID}.', 'Caller: My employee ID for the work note is {OID}.',
      'Caller: The claim reference from the lawyer is {OID}.', 'Caller: My passport number is {OID}, for the travel vaccine letter.', 'Caller: My student ID is {OID}, for the school form.'],
    NAME: ['Caller: My wife {ON} will pick it up.', 'Caller: You can talk to my son {ON}, he\'s on the HIPAA form.',
      'Caller: My neighbor {ON} drove me last time.', 'Caller: My caseworker is {ON}.', 'Caller: The home nurse, {ON}, said I should call.'],
    DATE: ['Caller: I was seen on {DATE} and they said to follow up.', 'Caller: My appointment is on {DATE}, can I move it?',
      'Caller: I had the MRI on {DATEY} and nobody called.', 'Caller: I was in the hospital from {DATE} to {DATE}.', 'Caller: The surgery is scheduled for {DATEY}.'],
    AGE: ['Caller: My mother is {AGE90} years old and lives alone.', 'Caller: He just turned {AGE90}, he\'s very frail.',
      'Caller: I\'m {AGE90}, I don\'t drive anymore.', 'Caller: My grandmother, she\'s {AGE90}, fell last week.'],
  } as Record<PhiType, string[]>,
  trap: [
    'Caller: I take {DRUG} {DOSE} once a day and I\'m almost out, I need a {SUPPLY} supply.',
    'Caller: Can the pharmacy fill {COUNT} tablets of the {DRUG}?',
    'Caller: Could someone call me back at {TIME}? I will be home by then.',
    'Caller: May I ask if the doctor is in today? I can come in at {TIME}.',
    'Caller: His fever was {TEMP} last night, now it\'s down.',
    'Caller: I had my gallbladder out back in {YEAR}.',
    'Caller: I\'m {AGEOK} and I\'ve never had this before.',
    'Caller: I have a question about my bill, it looks too high.',
    'Caller: There\'s a red mark on my arm where they gave the shot.',
    'Caller: I was supposed to come in April but I forgot.',
    'Caller: My blood pressure was {BP} this morning.',
    'Caller: My sugar was {SUGAR} after dinner.',
    'Caller: I hope the doctor can see me soon. I will wait for the call.',
    'Staff: May I put you on a brief hold? Caller: Sure.',
    'Caller: The grace period on my insurance ends soon, I think.',
    'Caller: They told me to take {DRUG} {DOSE} twice a day with food.',
    'Caller: I go to {PHARM}, same as always.',
    'Caller: I was in room {ROOM} last time.',
    'Caller: My son is {AGEOK}, he\'s off my insurance now.',
    'Caller: I walked about {COUNT} minutes and got tired.',
    'Caller: The nurse said to call if the fever went over {TEMP}.',
    'Caller: I paid my bill in full last month, I will send proof.',
    'Caller: I noticed a mark on my back, a dark spot, since {YEAR} maybe.',
    'Caller: We are going to see family in June, so may I get the refill early?',
  ],
  reason: [
    'Caller: I\'m calling because I need a refill on my {DRUG}.', 'Caller: I wanted to get an appointment, I\'ve had a cough for a week.',
    'Caller: I\'m calling about my lab results from last week.', 'Caller: I need a referral to a dermatologist.',
    'Caller: I have a question about a charge on my statement.', 'Caller: I need a copy of my records sent to my new doctor.',
    'Caller: I need to update my information on file.', 'Caller: I need a form filled out for work.',
    'Caller: My knee has been swelling up again.', 'Caller: I\'m calling to reschedule my physical.',
    'Caller: The insurance needs a prior authorization for my {DRUG}.', 'Caller: I need a note saying I was seen.',
  ],
  staffAck: ['Staff: Okay, let me pull that up.', 'Staff: Sure, one moment.', 'Staff: Got it, thank you.', 'Staff: All right, I can help with that.',
    'Staff: Okay, I\'m making a note of that.', 'Staff: Thanks, bear with me, the system is slow today.', 'Staff: Perfect, I see you here.', 'Staff: Okay, no problem.'],
  close: [
    'Staff: Is there anything else? Caller: No, that\'s it. Thank you so much. Staff: You\'re welcome, have a good day.',
    'Staff: We\'ll call you back today. Caller: Great, thanks, bye.',
    'Staff: I\'ve sent the message to Dr. {DR}\'s nurse. Caller: Okay, thank you.',
    'Staff: All set. Caller: Thanks, bye bye.',
    'Staff: Someone will reach out within two business days. Caller: Okay, I appreciate it.',
    'Staff: You\'re all taken care of. Caller: Thank you, {SN}.',
  ],
  relations: ['mother', 'father', 'wife', 'husband', 'grandmother', 'son', 'daughter', 'brother', 'aunt', 'uncle', 'grandfather', 'sister'],
};

function phiCall(split: Split, people: People, idx: number, focus: PhiType, style: Style): Record<string, unknown> {
  const patient = people.person();
  const other = chance(0.3);
  const caller = other ? people.person() : null;
  const doctorP = people.person();
  const staffP = people.person();
  const dob: [number, number, number] = [int(1925, 2012), int(1, 12), int(1, 28)];
  const c: CallCtx = { split, patient, caller, relation: pick(half(T.relations, split)), staff: staffP.first, doctor: doctorP.last, dob,
    phone: phoneDigits(), mrn: pick([digits(8), digits(7), `00${digits(6)}`]), clinic: pick(half(clinics, split)), drug: pick(half(drugs, split)) };
  const b = new Builder(style);
  const resolve = (s: string) => resolveSlot(s, c, people);
  const line = (tpl: string) => { fill(b, tpl, resolve); b.newline(); };
  const r = rand();
  const target = r < 0.85 ? int(80, 105) : r < 0.97 ? int(105, 250) : int(250, 440);
  const used = new Set<string>();
  /** A template not used yet in this call (so a call does not repeat itself). */
  const fresh = (pool: string[]) => { const left = pool.filter((x) => !used.has(x)); const t = pick(left.length ? left : pool); used.add(t); return t; };
  line(pick(half(T.open, split)));
  line(pick(half(other ? T.introOther : T.introSelf, split)));
  line(pick(half(T.staffAck, split)));
  line(pick(half(T.verify, split)));
  line(pick(half(T.reason, split)));
  line(fresh(half(T.phi[focus], split)));
  const bodyTypes = phiTypesList.filter((t) => t !== focus);
  let guard = 0;
  while (wordCount(b.text) < target - 6 && guard++ < 40) {
    if (chance(0.5)) line(fresh(half(T.trap, split)));
    else line(fresh(half(T.phi[pick(bodyTypes)], split)));
    if (chance(0.3)) line(pick(half(T.staffAck, split)));
  }
  line(pick(half(T.close, split)));
  const rec: Record<string, unknown> = { id: `${split}-phi-${String(idx).padStart(4, '0')}`, style, text: b.text.trim() };
  if (chance(0.6)) {
    const ctx: PatientContext = { name: `${patient.first} ${patient.last}`, birthDate: `${dob[0]}-${pad2(dob[1])}-${pad2(dob[2])}`, phones: [`+1${c.phone}`], mrn: c.mrn };
    rec.patient = ctx;
  }
  rec.spans = b.spans;
  return rec;
}
const phiTypesList: PhiType[] = ['NAME', 'DATE', 'AGE', 'PHONE', 'FAX', 'EMAIL', 'SSN', 'MRN', 'HEALTH_PLAN_ID', 'ACCOUNT', 'LICENSE', 'ADDRESS', 'URL', 'IP', 'VEHICLE', 'DEVICE', 'OTHER_ID'];

// ---------------------------------------------------------------- request types

const RT: Record<RequestTypeCode, string[]> = {
  prescription_refill: ['I need a refill on my {drug}.', 'I\'m almost out of my {drug}, can you send a new prescription to the pharmacy?',
    'Can Dr. {doc} renew my {drug} prescription?', 'I ran out of my {drug} yesterday and the pharmacy says there are no refills left.',
    'Could you call in my {drug} to the pharmacy?', 'I need my {drug} refilled before I go out of town.',
    'My {drug} bottle says zero refills, can you authorize more?', 'I\'d like a 90 day supply of my {drug} sent to the mail order pharmacy.',
    'I need more of my {drug}, I only have two pills left.', 'Please send a new script for my {drug}, the old one expired.',
    'Can I get my {drug} renewed? I take it every day.', 'I\'m calling to request a medication refill for {drug}.'],
  appointment: ['I need to schedule an appointment with Dr. {doc}.', 'Can I reschedule my appointment on Tuesday?',
    'I need to cancel my visit tomorrow.', 'Do you have anything open this week to see the doctor?', 'I\'d like to book my annual physical.',
    'I want to confirm my appointment time for Friday.', 'Can I get in for a follow up visit?', 'Is there an earlier slot for my daughter\'s checkup?',
    'I need to move my appointment to next month.', 'I\'d like to set up a new patient visit.', 'Can I make an appointment for a flu shot?',
    'I missed my appointment and need to rebook.'],
  symptom_report: ['I\'ve had a sore throat and a low fever for three days.', 'My ankle is still swollen from when I twisted it.',
    'I\'ve been getting dizzy when I stand up.', 'This new medicine is giving me an upset stomach.', 'I have a rash on my arms that itches.',
    'My cough has gotten worse and I\'m bringing up green stuff.', 'I\'ve had diarrhea since Sunday.', 'My back pain is worse since Monday.',
    'I keep getting headaches in the afternoon, nothing severe.', 'My blood sugar has been running high all week.', 'My ear has been hurting and draining.',
    'I feel tired all the time and my joints ache.'],
  test_results: ['I\'m calling to get my lab results.', 'Are my blood work results back yet?', 'Did the doctor look at my MRI results?',
    'I saw a result in the portal marked abnormal and I don\'t understand it.', 'Can someone go over my cholesterol numbers with me?',
    'I had a biopsy last week, has the report come in?', 'I want to know what my x-ray showed.', 'Has my urine culture come back?',
    'I got a notification that my A1c result is ready.', 'Can the nurse explain my thyroid test?', 'I\'m waiting on my COVID test result.',
    'What did my ultrasound show?'],
  referral: ['I need a referral to a cardiologist.', 'My insurance says I need a referral before I see the dermatologist.',
    'Can Dr. {doc} refer me to physical therapy?', 'I\'m checking on the status of my referral to orthopedics.', 'The specialist office never got my referral.',
    'I want to be referred to a gastroenterologist.', 'Can you send a referral to the sleep clinic?', 'I need a new referral, the old one ran out.',
    'The ENT said they need a referral from my primary.', 'Could I get a referral for a mammogram?', 'I need to see an allergist, can you refer me?',
    'Can you put in a referral for counseling?'],
  billing_insurance: ['I got a bill I don\'t understand.', 'Why was I charged for my visit when I have insurance?', 'I want to set up a payment plan for my balance.',
    'I have new insurance and need to update it.', 'My copay was charged twice.', 'Does my plan cover this visit?', 'I need an itemized statement for my HSA.',
    'Insurance says the claim was coded wrong.', 'I got sent to collections for a bill I already paid.', 'Can I pay my balance over the phone?',
    'The explanation of benefits says I owe more than I thought.', 'Is the office in network with my insurance?'],
  prior_authorization: ['The pharmacy says my insurance needs a prior authorization for my {drug}.', 'My MRI was denied pending prior auth, can the doctor submit it?',
    'I\'m checking on the status of the prior authorization for my injections.', 'The insurance wants a PA before they\'ll cover the CT scan.',
    'They need a prior approval from Dr. {doc} for my surgery.', 'Has the prior authorization for my sleep study gone through?',
    'Insurance denied my {drug} until the doctor fills out the authorization form.', 'Can someone send the pre-authorization for physical therapy?',
    'The specialty pharmacy is waiting on a prior auth.', 'My plan requires pre-certification for the procedure.', 'The prior auth for my CPAP expired.',
    'The insurance company said the doctor has to request approval before they\'ll pay for the scan.'],
  medical_records: ['I need a copy of my medical records.', 'Can you send my records to my new doctor?', 'I need my immunization records for school.',
    'How do I request my chart?', 'I need the records from my surgery sent to the specialist.', 'Can I get a copy of my vaccination record?',
    'I need my records transferred to another clinic.', 'I signed a release, can you send my records to my lawyer?', 'I need my last office notes for my insurance.',
    'Can you send my records to the VA?', 'I need copies of my imaging reports.', 'I want my full chart sent to me.'],
  callback_request: ['Can someone call me back?', 'Please have the nurse call me back this afternoon.', 'I\'d like Dr. {doc} to give me a call when she has a minute.',
    'Could you have somebody return my call?', 'Please call me back at the number on file.', 'I left a message yesterday and nobody called me back.',
    'Can the doctor call me?', 'Have someone give me a ring back, please.', 'I\'d appreciate a call back today.', 'Just call me when you know something.',
    'Can the nurse phone me back after three?', 'I need a call back from the billing person.'],
  urgent_emergency: ['My husband is having chest pain right now.', 'I can\'t breathe and my lips are blue.', 'My dad\'s face is drooping and he\'s slurring his words.',
    'My son took a whole bottle of pills.', 'She is having a seizure right now.', 'I\'m having the worst headache of my life.',
    'My throat is closing up after I ate shrimp.', 'He passed out and won\'t wake up.', 'My three week old has a fever of 101.',
    'I\'m pregnant and bleeding heavily.', 'I want to kill myself.', 'He hit his head and keeps throwing up.'],
  administrative: ['I need a note for work saying I was seen.', 'What are your office hours on Saturday?', 'I need to update my address and phone number.',
    'Can you fill out my FMLA paperwork?', 'I can\'t log into the patient portal.', 'I need a letter for my landlord about my service dog.',
    'How do I get to your new office location?', 'I want to switch to a different primary care doctor in your practice.', 'I need my disability form completed.',
    'Where do I park for the clinic?', 'Can you fax my school excuse note?', 'I need a jury duty excuse letter.'],
  provider_to_provider: ['This is Dr. {doc} from the emergency department, calling about a mutual patient.', 'Hi, this is the nurse from Dr. {doc}\'s cardiology office.',
    'This is the pharmacist at {pharm}, I have a question about a prescription.', 'I\'m calling from the hospital discharge team about a patient of yours.',
    'This is the home health agency calling about a patient.', 'Hi, this is Dr. {doc} at the urgent care, I saw your patient this morning.',
    'I\'m a nurse at the skilled nursing facility calling about a resident who is your patient.', 'This is the lab calling with a critical value for one of your patients.',
    'This is the radiology department calling with a report for Dr. {doc}.', 'Hi, I\'m the case manager at the hospital calling for your patient.',
    'This is physical therapy calling, we need an updated order for a patient.', 'Dr. {doc} here from oncology, I wanted to speak with your doctor about a shared patient.'],
};
/** Labelled hard cases, written out whole. */
const RT_HARD: { text: string; types: RequestTypeCode[] }[] = [
  { text: 'As a result of the fall I\'m still sore, can I come in this week?', types: ['symptom_report', 'appointment'] },
  { text: 'I missed work as a result and I need a note for my employer.', types: ['administrative'] },
  { text: 'My insurance denied the MRI and says Dr. {doc} has to submit a prior authorization first.', types: ['prior_authorization'] },
  { text: 'I got a bill for the MRI that my insurance should have covered.', types: ['billing_insurance'] },
  { text: 'The pharmacy can\'t fill my {drug} until the insurance approves a prior auth, and I only have one pill left.', types: ['prior_authorization', 'prescription_refill'] },
  { text: 'This is {pharm} pharmacy requesting a refill authorization for {drug} for a patient of Dr. {doc}.', types: ['provider_to_provider', 'prescription_refill'] },
  { text: 'Hi, this is Dr. {doc}\'s office at the orthopedic group, can you fax over the patient\'s last two office notes?', types: ['provider_to_provider', 'medical_records'] },
  { text: 'The result was that I stopped taking the medicine, so I need to talk to someone about a different one, please call me back.', types: ['prescription_refill', 'callback_request'] },
  { text: 'The insurance sent me a letter saying the prior authorization was approved but then they billed me anyway.', types: ['billing_insurance'] },
  { text: 'I need a refill on my {drug} and can someone call me back to let me know when it\'s sent?', types: ['prescription_refill', 'callback_request'] },
  { text: 'Can I make an appointment to go over my blood test results?', types: ['appointment', 'test_results'] },
  { text: 'My chest hurts really bad right now and my left arm is numb.', types: ['urgent_emergency', 'symptom_report'] },
  { text: 'This is the ER at St. Luke\'s, we have your patient here with chest pain and need her medication list.', types: ['provider_to_provider', 'medical_records'] },
  { text: 'I don\'t need a refill, I have plenty, I just want to know if the results came in.', types: ['test_results'] },
  { text: 'I\'m not sure my insurance covers the referral to the cardiologist, can you check?', types: ['billing_insurance', 'referral'] },
  { text: 'The specialist needs a referral and the insurance also wants a prior auth for the procedure.', types: ['referral', 'prior_authorization'] },
  { text: 'I got a voicemail from you guys, I\'m returning the call about my appointment.', types: ['appointment'] },
  { text: 'Can you resend the prescription? The pharmacy said it never came through for my {drug}.', types: ['prescription_refill'] },
  { text: 'I need copies of my records and my balance seems wrong on the statement.', types: ['medical_records', 'billing_insurance'] },
  { text: 'This is the lab at Quest, the specimen for your patient was hemolyzed and needs to be redrawn, please call us back.', types: ['provider_to_provider', 'test_results', 'callback_request'] },
  { text: 'My rash is spreading and I want to be seen today if possible.', types: ['symptom_report', 'appointment'] },
  { text: 'I\'m calling about the form, the school needs my son\'s shot records and a sports physical form signed.', types: ['medical_records', 'administrative'] },
  { text: 'The billing office said to call you because the insurance needs a prior authorization number on the claim.', types: ['prior_authorization'] },
  { text: 'I want to reschedule, and can someone call me back with a new time?', types: ['appointment', 'callback_request'] },
];
const RT_OPEN = ['Hi, good morning.', 'Hello, yes.', 'Hi there, thanks for picking up.', 'Yeah hi.', 'Good afternoon.', 'Hi, sorry to bother you.',
  'Hello, um, I\'m not sure I have the right department.', 'Hi, I\'ve been on hold for a while.', 'Hey, how are you?', 'Okay, hi.'];
const RT_CLOSE = ['Thanks so much.', 'That\'s all, thank you.', 'Okay, bye.', 'I appreciate it.', '', 'Thank you for your help.', 'Have a good day.', ''];
const RT_DOCS = ['Patel', 'Nguyen', 'Okafor', 'Schmidt', 'Rossi', 'Kowalski', 'Haddad', 'Moreno', 'Tanaka', 'Brennan', 'Lindqvist', 'Adeyemi'];
const RT_DRUGS = ['lisinopril', 'metformin', 'Ozempic', 'atorvastatin', 'Eliquis', 'sertraline', 'Synthroid', 'albuterol', 'Humira', 'gabapentin', 'Jardiance', 'losartan'];
const RT_PHARM = ['CVS', 'Walgreens', 'Rite Aid', 'Walmart', 'Kroger', 'Publix', 'Costco', 'Meijer'];
const RT_COMBOS: [RequestTypeCode, RequestTypeCode][] = [['prescription_refill', 'callback_request'], ['appointment', 'test_results'], ['symptom_report', 'appointment'],
  ['referral', 'prior_authorization'], ['billing_insurance', 'administrative'], ['medical_records', 'administrative'], ['test_results', 'callback_request'],
  ['symptom_report', 'callback_request'], ['provider_to_provider', 'medical_records'], ['appointment', 'referral'], ['billing_insurance', 'callback_request'],
  ['prescription_refill', 'symptom_report'], ['provider_to_provider', 'test_results'], ['prior_authorization', 'callback_request']];

function asrify(s: string): string { return spokenLiteral(s); }
function rtSlots(s: string, split: Split): string {
  return s.replace(/\{doc\}/g, () => pick(half(RT_DOCS, split))).replace(/\{drug\}/g, () => pick(half(RT_DRUGS, split))).replace(/\{pharm\}/g, () => pick(half(RT_PHARM, split)));
}
function requestTypeSet(split: Split): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const per = split === 'dev' ? 32 : 16;
  const codes = Object.keys(RT) as RequestTypeCode[];
  const emit = (body: string, types: RequestTypeCode[]) => {
    let t = [pick(half(RT_OPEN, split)), rtSlots(body, split), pick(half(RT_CLOSE, split))].filter(Boolean).join(' ');
    if (chance(0.4)) t = asrify(t);
    // Convention (README): a call describing an emergency is also a symptom report.
    const labelled = types.includes('urgent_emergency') ? [...types, 'symptom_report' as const] : types;
    out.push({ id: `${split}-rt-${String(out.length).padStart(4, '0')}`, text: t, types: [...new Set(labelled)] });
  };
  for (const code of codes) {
    const pool = half(RT[code], split);
    for (let i = 0; i < per; i++) emit(pool[i % pool.length]!, [code]);
  }
  const combos = half(RT_COMBOS, split).concat(half(RT_COMBOS, split));
  for (let i = 0; i < (split === 'dev' ? 80 : 40); i++) {
    const [a, b] = combos[i % combos.length]!;
    const sa = pick(half(RT[a], split)), sb = pick(half(RT[b], split));
    const types: RequestTypeCode[] = [a, b];
    emit(`${sa} ${pick(['Also,', 'And', 'Oh and', 'One more thing,'])} ${/^I\b/.test(sb) ? sb : sb.charAt(0).toLowerCase() + sb.slice(1)}`, types);
  }
  for (const h of half(RT_HARD, split)) { emit(h.text, h.types); emit(h.text, h.types); }
  return shuffle(out);
}

// ---------------------------------------------------------------- red flags

interface FlagDef { pos: string[]; np: string[]; neg?: Partial<Record<NegKind, string[]>> }
type NegKind = 'negated' | 'historical' | 'hypothetical' | 'family-history';
const RF: Record<RedFlagCode, FlagDef> = {
  chest_pain: { pos: ['I\'m having chest pain right now', 'I got this chess pain that started an hour ago', 'there\'s a crushing pressure in my chest',
    'my chest is really tight and it goes down my left arm', 'it feels like an elephant is sitting on my chest', 'my husband is clutching his chest and says it hurts bad',
    'the pain in the middle of my chest won\'t go away', 'I\'ve got chest pains and I\'m sweating a lot', 'my chest hurts and it goes up into my jaw',
    'he says his chest feels heavy and squeezing', 'chest pain started while I was shoveling and it hasn\'t stopped', 'my chess is hurting real bad'],
  np: ['chest pain', 'chess pain', 'chest pressure', 'chest tightness', 'pain in the chest', 'chest pains'] },
  breathing_difficulty: { pos: ['I can\'t breathe', 'I can\'t breed good', 'I can\'t catch my breath even sitting down', 'she\'s gasping for air',
    'my lips are turning blue and I\'m short of breath', 'he\'s struggling to breathe and his ribs are pulling in', 'I\'m so short of breath I can\'t finish a sentence',
    'I can\'t get any air in', 'my inhaler isn\'t working and I can\'t breathe', 'she\'s wheezing really bad and can barely talk', 'I\'m having real trouble breathing right now',
    'shortness of breast since this morning and it\'s getting worse'],
  np: ['shortness of breath', 'trouble breathing', 'difficulty breathing', 'shortness of breast', 'breathing problems', 'trouble catching breath'] },
  stroke_signs: { pos: ['her face is drooping on one side', 'his words are all slurred and he can\'t lift his arm', 'I can\'t move my left arm and my face feels numb',
    'my speech is coming out all wrong all of a sudden', 'the left side of his face is droopy', 'she suddenly can\'t find her words and her arm is weak',
    'my mom can\'t smile on one side and she\'s talking funny', 'my right side went numb and I can\'t see out of one eye', 'his mouth is crooked and he\'s slurring',
    'I woke up and my arm and leg on one side won\'t work', 'my dad is confused and his face looks lopsided', 'she\'s dropping things and her speech is slurred'],
  np: ['slurred speech', 'facial drooping', 'weakness on one side', 'numbness on one side', 'face drooping', 'trouble speaking'] },
  suicidal_ideation: { pos: ['I want to kill myself', 'I don\'t want to be alive anymore', 'I\'ve been thinking about ending it all', 'I have a plan to end my life',
    'I keep thinking everyone would be better off if I was dead', 'I want to kill my self', 'I\'m thinking of taking all my pills to end it',
    'my son told me he wants to die and he has a plan', 'I\'ve been having thoughts of suicide every day this week', 'I\'m going to hurt myself tonight',
    'I just don\'t see the point of living anymore and I have the gun out', 'she texted me she wants to end her life'],
  np: ['suicidal thoughts', 'thoughts of suicide', 'thoughts of self-harm', 'thoughts of ending it all', 'suicidal feelings', 'thoughts of self harm'] },
  severe_bleeding: { pos: ['the bleeding won\'t stop', 'he\'s bleeding really bad from his leg', 'I\'m bleeding through towel after towel', 'she cut her hand and it\'s gushing blood',
    'I\'m throwing up blood', 'there\'s blood everywhere and it won\'t stop', 'my nose has been bleeding nonstop for an hour', 'I\'m on warfarin and this cut won\'t stop bleeding',
    'he\'s losing a lot of blood', 'I\'m passing a lot of blood in my stool and feel faint', 'the wound opened up and it\'s pouring blood', 'blood is soaking through the bandage'],
  np: ['heavy bleeding', 'bleeding that wouldn\'t stop', 'uncontrolled bleeding', 'bleeding problems', 'excessive bleeding', 'major bleeding'] },
  anaphylaxis: { pos: ['my throat is closing up', 'my throat is swelling after I ate peanuts', 'his lips and tongue are swelling up after the bee sting',
    'I broke out in hives and my throat feels tight', 'she had the shot and now her face is swelling and she\'s wheezing', 'my throat\'s closing and I used my epipen',
    'my tongue is swelling and I can\'t swallow', 'after the new antibiotic I\'m covered in hives and my throat is tight', 'he ate shrimp and his face is puffing up and he can\'t breathe right',
    'I think I\'m having an allergic reaction, my throat is swelling shut', 'my lips blew up and my throat is scratchy and tight after the nuts', 'I\'m having anna flaxis I think, my throat is closing'],
  np: ['throat swelling', 'tongue swelling', 'anaphylaxis', 'allergic reactions', 'throat closing', 'severe allergic reactions'] },
  loss_of_consciousness: { pos: ['he passed out and won\'t wake up', 'she fainted and hit the floor', 'I blacked out at the store just now', 'he\'s unresponsive',
    'my dad collapsed and isn\'t responding', 'I keep passing out today', 'she went limp and isn\'t answering me', 'my husband fainted twice this morning',
    'he just fell over and he\'s out cold', 'I passed out in the shower an hour ago', 'my mom is not waking up when I shake her', 'he lost consciousness for a minute'],
  np: ['fainting spells', 'blackouts', 'loss of consciousness', 'passing out', 'fainting', 'blackout spells'] },
  seizure: { pos: ['she\'s having a seizure right now', 'he\'s shaking all over and not responding', 'my son is having a fit', 'he\'s convulsing',
    'she just had a seizure and she\'s still not herself', 'he\'s seizing', 'my daughter had a seizer a few minutes ago', 'his whole body is jerking and his eyes rolled back',
    'I just had a seizure and bit my tongue', 'she\'s been seizing for five minutes', 'my wife had a convulsion this morning', 'he had two seizures back to back today'],
  np: ['seizures', 'convulsions', 'seizure activity', 'seizers', 'fits', 'seizure episodes'] },
  overdose_poisoning: { pos: ['I took the whole bottle of my pills', 'my toddler swallowed some of my pills', 'he drank bleach', 'she took too many of her sleeping pills',
    'I think I overdosed', 'my kid got into the cleaning stuff and drank some', 'I took way too much tylenol', 'my son took a bunch of my oxycodone',
    'he might have taken an over dose', 'my daughter ate a detergent pod', 'I accidentally took my insulin twice', 'my husband mixed his pills with a lot of alcohol and won\'t stay awake'],
  np: ['overdoses', 'accidental poisoning', 'poisoning', 'drug overdoses', 'poisonings', 'accidental ingestions'] },
  severe_headache: { pos: ['I have the worst headache I\'ve ever had and it came on all of a sudden', 'my head is exploding out of nowhere', 'this headache hit me like a thunderclap',
    'it\'s the worst headache of my life', 'my head hurts so bad and my neck is stiff and light hurts my eyes', 'the worst head ache of my life just started',
    'sudden terrible headache, I\'ve never had one like this', 'she says her head is splitting and she\'s throwing up', 'I got a sudden blinding headache while lifting',
    'my headache is a ten out of ten and came on in seconds', 'he grabbed his head and said it\'s the worst pain ever', 'this is the worst headache I\'ve had, nothing like my migraines'],
  np: ['thunderclap headaches', 'sudden severe headaches', 'severe headaches', 'worst-ever headaches', 'terrible headaches', 'sudden headaches'] },
  infant_fever: { pos: ['my three week old has a fever of a hundred point six', 'my newborn feels hot and the thermometer says 100.5', 'my two month old baby has a temperature of 101',
    'the baby is six weeks old and running a fever', 'my one month old has a temp of a hundred and one', 'my newborn has a fever', 'my ten day old is burning up',
    'my eight week old has a fever of 100.8', 'our 5 week old has a fever and won\'t eat', 'the baby is only a month old and she\'s got a fever of 101.2',
    'my 2 week old has a temperature of 100.4 rectally', 'my seven week old daughter has a fever'],
  np: ['fever in the baby', 'fever in my newborn', 'fevers in the baby', 'fever in my infant', 'fever in the newborn', 'temperature in the baby'],
  neg: {
    negated: ['my three week old doesn\'t have a fever, her temperature is 98.6', 'no fever in the baby, he\'s just fussy', 'the newborn\'s temperature is normal, 98.9',
      'my six week old has no fever at all, she\'s just spitting up', 'I checked and my one month old does not have a fever', 'the baby is two weeks old and the thermometer says 98.4, no fever'],
    historical: ['my son had a fever when he was two weeks old but he\'s a year old now and fine', 'the baby had a fever in the hospital after birth, that cleared up months ago',
      'she had a fever as a newborn last year', 'my daughter had a fever at four weeks old, she\'s three now', 'he was treated for a fever as a newborn back in 2021', 'when my oldest was a newborn she had a fever, that was years ago'],
    hypothetical: ['what temperature counts as a fever for a newborn?', 'if my two month old gets a fever, do I bring her in?', 'when should I worry about fever in a newborn?',
      'how do I take a newborn\'s temperature in case she gets a fever?', 'the pediatrician said to call if the baby ever gets a fever', 'what do I do if my six week old runs a fever?'],
    'family-history': ['my sister\'s baby had a fever as a newborn years ago', 'my nephew had a fever at three weeks old, back in 2018', 'my cousin\'s newborn was admitted for a fever a long time ago',
      'when I was a newborn I had a fever, my mom says', 'my brother had a fever as a newborn in the nineties', 'my friend\'s baby had a fever last year at one month old'],
  } },
  pregnancy_emergency: { pos: ['I\'m 32 weeks pregnant and I\'m bleeding', 'I\'m pregnant and haven\'t felt the baby move since yesterday', 'I\'m 30 weeks and my water broke',
    'I\'m 34 weeks pregnant with blurry vision and my face is really swollen', 'I\'m eight weeks pregnant with bad cramping on one side and bleeding', 'I\'m having contractions every three minutes and I\'m only 31 weeks',
    'I\'m pregnant and bleeding a lot', 'the baby isn\'t moving like usual and I\'m 36 weeks', 'I\'m 28 weeks and leaking fluid', 'my pregnant wife is bleeding and has bad pain',
    'I\'m six weeks pregnant and have sharp pain on my right side and feel faint', 'I\'m 35 weeks, I have a pounding headache and seeing spots and my blood pressure is high'],
  np: ['bleeding in pregnancy', 'decreased fetal movement', 'preterm labor', 'bleeding during pregnancy', 'pregnancy complications', 'preeclampsia'],
  neg: { 'family-history': ['my mom had preeclampsia with me', 'my sister had preterm labor with her twins', 'preeclampsia runs in my family', 'my mother had bleeding in all her pregnancies',
    'my aunt had pregnancy complications', 'my grandmother lost a baby to preterm labor'] } },
  severe_abdominal_pain: { pos: ['I have the worst stomach pain of my life', 'my belly hurts so bad I can\'t stand up straight', 'I have severe pain in my lower right side and I\'m throwing up',
    'my stomach is rock hard and the pain is a ten out of ten', 'I\'ve had excruciating abdominal pain since last night', 'the pain in my belly is unbearable',
    'he\'s doubled over with stomach pain and can\'t move', 'I have a terrible pain in my stomach that goes to my back', 'my abdomen hurts so bad I\'m crying',
    'severe belly pain and I\'m vomiting green', 'my stomach pain is the worst it\'s ever been and I have a fever', 'she\'s screaming from pain in her tummy'],
  np: ['severe abdominal pain', 'severe belly pain', 'really bad stomach pain', 'severe stomach pain', 'terrible stomach pain', 'bad belly pain'] },
  head_injury: { pos: ['he fell and hit his head and now he\'s throwing up', 'she hit her head on the concrete and is really confused', 'my dad is on blood thinners and he fell and hit his head',
    'I hit my head in a car accident and I\'m dizzy and can\'t remember things', 'my son got hit in the head with a bat and he\'s acting drowsy', 'my mom fell down the stairs and hit her head',
    'he banged his head hard and now he has a bad headache and is vomiting', 'my daughter fell off the monkey bars onto her head and is sleepy', 'I slipped on the ice and hit my head and I\'m seeing double',
    'he hit his head on the dashboard and has a big lump and is confused', 'my grandpa fell and hit his head and is bleeding from the ear', 'she got kicked in the head at soccer and doesn\'t know where she is'],
  np: ['head injuries', 'concussions', 'head trauma', 'concussion symptoms', 'serious head injuries', 'head injury'] },
  sepsis_signs: { pos: ['he has a fever of 103 and he\'s confused and breathing fast', 'she\'s shaking with chills, her fever is high and her blood pressure is low',
    'I had surgery last week and now I have a high fever and chills and I feel like I\'m going to die', 'my mom\'s fever is 104 and she\'s not making sense and her skin looks blotchy',
    'I have a UTI and now I\'m shaking, burning up, and my heart is racing', 'the wound is red and oozing and I have a fever and I\'m really confused',
    'he\'s got a high fever, he\'s really sleepy and his hands are cold and mottled', 'my dad is on chemo and has a fever of 101 and chills',
    'I\'m so weak I can\'t stand, I\'m burning up with fever and my heart is pounding', 'she has a fever and she\'s hardly peeing and is very confused',
    'my husband has the shakes, a fever of 102 and his breathing is fast and shallow', 'the cellulitis is spreading and I have a high fever and feel faint'],
  np: ['sepsis', 'signs of sepsis', 'blood infections', 'septic shock', 'bloodstream infections', 'fever with confusion'] },
};
const RF_OPEN = ['Hi, I\'m calling because', 'Yeah so', 'Um, hello,', 'Please help,', 'Hi, this is about my husband,', 'I\'m calling the nurse line because',
  'Hello? Okay, so', 'Sorry, I\'m panicking,', 'Hi, I didn\'t know who else to call,', 'Good morning, um,'];
const RF_CLOSE = ['What should I do?', 'Should I go to the ER?', 'Can someone help me?', '', 'I don\'t know what to do.', 'Is the doctor there?', 'Thanks.', ''];
const RF_NEG: Record<NegKind, string[]> = {
  negated: ['no {np}', 'I\'m not having any {np}', 'there\'s no {np} at all', 'she denies any {np}', 'he hasn\'t had any {np}', 'I don\'t have any {np}, it\'s just a cough',
    'not having any {np} today', 'nope, no {np}, nothing like that', 'no {np} or anything like that', 'she hasn\'t had {np}'],
  historical: ['I had {np} back in 2019 but nothing since', 'she had {np} two years ago and she\'s been fine', 'history of {np} years ago, resolved',
    'I dealt with {np} last year, all good now', 'she had {np} a long time ago', 'I had {np} after my surgery in 2015, none now', 'years ago I was treated for {np}', 'I was in the hospital for {np} a long time ago'],
  hypothetical: ['what should I do if I get {np}?', 'if she starts having {np}, should we go to the ER?', 'the doctor said to call if I develop {np}',
    'in case I get {np}, who do I call?', 'what are the warning signs, like {np}?', 'is {np} a side effect of this medicine?', 'should I worry about {np} with this new pill?', 'if there\'s ever {np}, I should call 911, right?'],
  'family-history': ['my father had {np} before he passed', 'my mom has a history of {np}', 'there\'s {np} in my family history', 'my grandmother used to get {np}',
    'my brother had {np} in his twenties', 'my aunt had {np}, so I worry', 'both my parents had {np}', 'my sister was treated for {np} years ago'],
};
const RF_MIMIC: string[] = ['I need a refill on my seizure medication', 'I have a chest cold and a cough', 'I\'m calling about my chest x-ray results',
  'my nose bled for a minute and then stopped', 'I have a mild headache, tylenol helps', 'my five year old has a low fever of 99.8', 'my stomach is a little upset after dinner',
  'I bumped my knee on the table, it\'s just bruised', 'my arm is a little sore from the flu shot', 'I\'m pregnant and need to schedule my ultrasound',
  'the pharmacy needs the prescription for my EpiPen renewed', 'my breathing machine needs new tubing', 'I need the form for my blood pressure cuff',
  'I\'m feeling a bit down lately and want to talk to someone about counseling', 'I cut my finger cooking, it stopped bleeding with a band aid', 'I fainted once in high school when I gave blood',
  'my toddler has a runny nose and a temperature of 99', 'I get tension headaches when I work late', 'my inhaler is almost empty, can you refill it', 'I feel a little lightheaded if I stand up too fast'];

function redFlagSet(split: Split): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const per = split === 'dev' ? 22 : 11;
  const codes = Object.keys(RF) as RedFlagCode[];
  const wrap = (core: string) => {
    let t = [pick(half(RF_OPEN, split)), core.endsWith('?') ? core : core + '.', pick(half(RF_CLOSE, split))].filter(Boolean).join(' ');
    if (chance(0.45)) t = asrify(t);
    return t;
  };
  const emit = (core: string, redFlags: RedFlagCode[], kind: string) =>
    out.push({ id: `${split}-rf-${String(out.length).padStart(4, '0')}`, text: wrap(core), redFlags: [...new Set(redFlags)], kind });
  for (const code of codes) {
    const pool = half(RF[code].pos, split);
    for (let i = 0; i < per; i++) {
      const core = pool[i % pool.length]! + pick(['', '', ' right now', ' since this morning', ' and it\'s getting worse']).replace(/^ right now$/, pool[i % pool.length]!.includes('right now') ? '' : ' right now');
      emit(core, [code], 'positive');
    }
  }
  // a few positives with two flags
  for (let i = 0; i < (split === 'dev' ? 20 : 10); i++) {
    const [a, b] = shuffle([...codes]).slice(0, 2) as [RedFlagCode, RedFlagCode];
    emit(`${pick(half(RF[a].pos, split))} and ${pick(half(RF[b].pos, split))}`, [a, b], 'positive');
  }
  // positives hidden behind a negative: a negated mention of one flag alongside an affirmed other
  for (let i = 0; i < (split === 'dev' ? 15 : 8); i++) {
    const [a, b] = shuffle([...codes]).slice(0, 2) as [RedFlagCode, RedFlagCode];
    emit(`${pick(half(RF_NEG.negated, split)).replace('{np}', pick(half(RF[a].np, split)))}, but ${pick(half(RF[b].pos, split))}`, [b], 'positive');
  }
  const negPer = split === 'dev' ? 6 : 3;
  for (const code of codes) {
    for (const kind of Object.keys(RF_NEG) as NegKind[]) {
      const whole = RF[code].neg?.[kind];
      const frames = half(whole ?? RF_NEG[kind], split);
      for (let i = 0; i < negPer; i++) {
        const np = pick(half(RF[code].np, split));
        emit(whole ? frames[i % frames.length]! : frames[(i + codes.indexOf(code)) % frames.length]!.replace('{np}', np), [], kind);
      }
    }
  }
  for (const m of half(RF_MIMIC, split)) { emit(m, [], 'mimic'); emit(m, [], 'mimic'); }
  return shuffle(out);
}

// ---------------------------------------------------------------- main

function writeJsonl(file: string, rows: Record<string, unknown>[]) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

function main() {
  const sizes: Record<string, number> = {};
  for (const split of ['dev', 'heldout'] as Split[]) {
    const seed = split === 'dev' ? 20240611 : 90210917;
    rand = mulberry32(seed);
    us.seed(seed);
    const people = new People(split, seed);
    const n = split === 'dev' ? 400 : 200;
    const calls: Record<string, unknown>[] = [];
    for (let i = 0; i < n; i++) {
      const focus = phiTypesList[i % phiTypesList.length]!;
      const style: Style = Math.floor(i / phiTypesList.length) % 5 < 3 ? 'spoken' : 'written';
      calls.push(phiCall(split, people, i, focus, style));
    }
    const dir = path.join(here, 'data', split);
    writeJsonl(path.join(dir, 'phi-calls.jsonl'), calls);
    const rt = requestTypeSet(split);
    writeJsonl(path.join(dir, 'request-types.jsonl'), rt);
    const rf = redFlagSet(split);
    writeJsonl(path.join(dir, 'red-flags.jsonl'), rf);
    sizes[`${split}/phi-calls`] = calls.length; sizes[`${split}/request-types`] = rt.length; sizes[`${split}/red-flags`] = rf.length;
  }
  console.log(sizes);
}

main();
