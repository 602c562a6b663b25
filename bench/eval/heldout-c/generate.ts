/**
 * Held-out C: an independent third evaluation set for call understanding, written from scratch by
 * a separate author without reading the detectors or the other splits. Deterministic (faker seeds).
 *
 *   npx tsx bench/eval/heldout-c/generate.ts
 *
 * Writes data/heldout-c/{phi-calls,request-types,red-flags}.jsonl. Labels come from construction:
 * every PHI value is recorded with its UTF-16 offsets as it is appended; literal template text is
 * never labelled. Every span is re-verified before writing and any failure throws.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  faker, fakerEN_GB, fakerEN_CA, fakerPT_BR, fakerIT, fakerRO_MD, fakerTR, fakerUK, type Faker,
} from '@faker-js/faker';
import {
  phiTypes, requestTypeCodes, redFlagCodes, type PhiType, type RequestTypeCode, type RedFlagCode,
} from '../../../src/nlp/analysis.types.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'heldout-c');
const SEED = 20261123;
faker.seed(SEED);
[fakerEN_GB, fakerEN_CA, fakerPT_BR, fakerIT, fakerRO_MD, fakerTR, fakerUK].forEach((f, i) => f.seed(SEED + 101 * (i + 1)));

// ---------------------------------------------------------------- random helpers
const pick = <T>(a: readonly T[]): T => faker.helpers.arrayElement(a);
const int = (min: number, max: number): number => faker.number.int({ min, max });
const chance = (p: number): boolean => faker.number.float({ min: 0, max: 1 }) < p;
const digits = (n: number): string => Array.from({ length: n }, () => String(int(0, 9))).join('');
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const letters = (n: number): string => Array.from({ length: n }, () => pick(LETTERS.split(''))).join('');
const stripDiacritics = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ı/g, 'i').replace(/ș/g, 's').replace(/ț/g, 't');

// ---------------------------------------------------------------- numbers in words
const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
function n2w(n: number): string {
  if (n < 20) return ONES[n]!;
  if (n < 100) return TENS[Math.floor(n / 10)]! + (n % 10 ? ' ' + ONES[n % 10]! : '');
  if (n < 1000) return ONES[Math.floor(n / 100)]! + ' hundred' + (n % 100 ? ' ' + n2w(n % 100) : '');
  return n2w(Math.floor(n / 1000)) + ' thousand' + (n % 1000 ? ' ' + n2w(n % 1000) : '');
}
const ORD: Record<number, string> = { 1: 'first', 2: 'second', 3: 'third', 5: 'fifth', 8: 'eighth', 9: 'ninth', 12: 'twelfth' };
function ordinal(n: number): string {
  if (ORD[n]) return ORD[n]!;
  if (n < 20) return ONES[n]! + 'th';
  if (n % 10 === 0) return TENS[n / 10]!.replace(/y$/, 'ieth');
  return TENS[Math.floor(n / 10)]! + ' ' + ordinal(n % 10);
}
const ordSuffix = (n: number): string => (n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th');
function yearWords(y: number, short = false): string {
  const hi = Math.floor(y / 100); const lo = y % 100;
  const loW = lo === 0 ? 'hundred' : lo < 10 ? 'oh ' + ONES[lo]! : n2w(lo);
  if (short) return lo < 10 ? 'oh ' + ONES[lo]! : n2w(lo);
  if (hi === 20 && lo < 10) return 'two thousand' + (lo ? ' ' + ONES[lo]! : '');
  return n2w(hi) + ' ' + loW;
}
/** Digit by digit, with "oh" or "zero" and, for some speakers, "double". */
function speakDigits(s: string, zero: 'oh' | 'zero', useDouble = false): string {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const d = Number(s[i]);
    const w = d === 0 ? zero : ONES[d]!;
    if (useDouble && s[i + 1] === s[i]) { out.push('double ' + w); i++; } else out.push(w);
  }
  return out.join(' ');
}
/** Letters as single letters, digits as words, separators dropped. */
function spellAlnum(s: string, zero: 'oh' | 'zero' = 'zero'): string {
  return s.replace(/[^A-Za-z0-9]/g, '').split('').map((c) => (/\d/.test(c) ? (c === '0' ? zero : ONES[Number(c)]!) : c.toLowerCase())).join(' ');
}
const speakNumbersInText = (s: string): string => s.replace(/\d+/g, (m) => n2w(Number(m)));
/** "4471" -> "forty four seventy one" */
function speakHouseNumber(n: number): string {
  if (n >= 1000 && n % 100 !== 0 && chance(0.7)) return n2w(Math.floor(n / 100)) + ' ' + (n % 100 < 10 ? 'oh ' + ONES[n % 100]! : n2w(n % 100));
  return n2w(n);
}

// ---------------------------------------------------------------- names
/** Words the traps use as plain words: no patient, relative or staff member may be called this. */
const TRAP_WORDS = new Set(['will', 'may', 'bill', 'mark', 'grace', 'april', 'hope', 'rose', 'frank', 'sunny', 'jack', 'chase', 'page',
  'june', 'august', 'summer', 'faith', 'joy', 'dawn', 'art', 'pat', 'sue', 'don', 'guy', 'ray', 'amber', 'ruby', 'miles', 'gene',
  'penny', 'iris', 'holly', 'crystal', 'brook', 'lily', 'sterling', 'victory', 'ali', 'ana', 'lina', 'cash', 'rich', 'major', 'king',
  'young', 'long', 'black', 'white', 'green', 'brown', 'may-lee', 'nurse', 'doctor']);

const UK_TR: Record<string, string> = { а: 'a', б: 'b', в: 'v', г: 'h', ґ: 'g', д: 'd', е: 'e', є: 'ye', ж: 'zh', з: 'z', и: 'y', і: 'i', ї: 'yi',
  й: 'i', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh',
  щ: 'shch', ь: '', ю: 'yu', я: 'ya', "'": '', '’': '', ʼ: '', '-': '-' };
function translitUk(s: string): string {
  const t = s.toLowerCase().split('').map((c) => UK_TR[c] ?? c).join('');
  return t.replace(/(^|-)([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase());
}

interface NameList { first: string[]; last: string[] }
const SOMALI: NameList = {
  first: ['Abdirahman', 'Faadumo', 'Hodan', 'Ayaan', 'Khadra', 'Warsame', 'Ubah', 'Nasra', 'Abdiweli', 'Sahra', 'Deqa', 'Guled', 'Liban', 'Hibaaq', 'Mustafe', 'Ifrah', 'Cawo', 'Shukri'],
  last: ['Warsame', 'Farah', 'Jama', 'Abdi', 'Osman', 'Yusuf', 'Mohamud', 'Egal', 'Dualeh', 'Samatar', 'Gedi', 'Hirsi', 'Aden', 'Nuur'],
};
const HAITIAN: NameList = {
  first: ['Ketly', 'Wilner', 'Mackenson', 'Nadège', 'Fabiola', 'Jocelyne', 'Wesner', 'Dieuseul', 'Mirlande', 'Guerline', 'Ernso', 'Yveline', 'Lovens', 'Daphnée', 'Wideline', 'Frantzy'],
  last: ['Pierre-Louis', 'Jean-Baptiste', 'Dorsainvil', 'Célestin', 'Augustin', 'Desrosiers', 'Toussaint', 'Saint-Fleur', 'Exantus', 'Louissaint', 'Bellegarde', 'Moïse', 'Fleurimond', 'Jeanty'],
};
const TAGALOG: NameList = {
  first: ['Maricel', 'Rodel', 'Lorna', 'Jericho', 'Analyn', 'Rowena', 'Danilo', 'Marites', 'Jonalyn', 'Arnel', 'Liezel', 'Ramil', 'Rhodora', 'Emmanuel', 'Divina', 'Reynaldo'],
  last: ['Dela Cruz', 'Bautista', 'Mangubat', 'Villanueva', 'Macaraeg', 'Dimaculangan', 'Pangilinan', 'Manalo', 'Tolentino', 'Agbayani', 'Sisante', 'Malabanan', 'Evangelista', 'Catacutan'],
};
const ETHIOPIAN: NameList = {
  first: ['Abebe', 'Selamawit', 'Tewodros', 'Meseret', 'Yonas', 'Hirut', 'Dawit', 'Tigist', 'Bereket', 'Almaz', 'Kebede', 'Hiwot', 'Getachew', 'Mekdes', 'Lemlem', 'Chaltu'],
  last: ['Tadesse', 'Gebremedhin', 'Alemu', 'Bekele', 'Haile', 'Woldemariam', 'Desta', 'Mengistu', 'Tesfaye', 'Girma', 'Ayele', 'Gudeta', 'Negash', 'Asfaw'],
};
const PERSIAN: NameList = {
  first: ['Shirin', 'Dariush', 'Farnaz', 'Kourosh', 'Maryam', 'Behrouz', 'Niloufar', 'Arash', 'Parisa', 'Siavash', 'Golnaz', 'Babak', 'Roya', 'Kamran', 'Azadeh', 'Mehrdad'],
  last: ['Hosseini', 'Moradi', 'Rahimi', 'Tehrani', 'Karimi', 'Jafari', 'Sadeghi', 'Ahmadzadeh', 'Ghasemi', 'Najafi', 'Shirazi', 'Farahani', 'Esfandiari', 'Bagheri'],
};
const ARABIC: NameList = {
  first: ['Khalid', 'Noura', 'Yousef', 'Rania', 'Omar', 'Layla', 'Tariq', 'Huda', 'Samir', 'Dalia', 'Bilal', 'Amal', 'Hisham', 'Rasha', 'Walid', 'Mariam'],
  last: ['Al-Masri', 'Haddad', 'Nasser', 'Khoury', 'Abdelrahman', 'Mansour', 'Saleh', 'El-Sayed', 'Barakat', 'Hamdan', 'Qasim', 'Al-Tamimi', 'Darwish', 'Shamoun'],
};
const HAND: NameList[] = [SOMALI, HAITIAN, TAGALOG, ETHIOPIAN, PERSIAN, ARABIC];
const FAKERS: Faker[] = [fakerEN_GB, fakerEN_CA, fakerPT_BR, fakerIT, fakerRO_MD, fakerTR, fakerUK];
const PLACE_FAKERS: Faker[] = [fakerEN_GB, fakerEN_CA, fakerPT_BR, fakerIT, fakerRO_MD, fakerTR];

interface Person { first: string; last: string }
function okName(s: string): boolean {
  return s.length > 1 && !/[^\p{L}' -]/u.test(s) && s.toLowerCase().split(/[ -]/).every((t) => !TRAP_WORDS.has(t));
}
function fromSource(src: number): Person {
  for (;;) {
    let first: string; let last: string;
    if (src < FAKERS.length) {
      const f = FAKERS[src]!;
      first = f.person.firstName(); last = f.person.lastName();
      if (f === fakerUK) { first = translitUk(first); last = translitUk(last); }
    } else {
      const l = HAND[src - FAKERS.length]!;
      first = pick(l.first); last = pick(l.last);
    }
    if (okName(first) && okName(last)) return { first, last };
  }
}
const N_SOURCES = FAKERS.length + HAND.length;
const anyPerson = (): Person => fromSource(int(0, N_SOURCES - 1));

// ---------------------------------------------------------------- text builder
type Style = 'spoken' | 'written';
interface Span { start: number; end: number; type: PhiType }
/** A piece of text: literal template text (`raw` = already styled) or a labelled value. */
interface Part { s: string; type?: PhiType; raw?: boolean }
const L = (s: string): Part => ({ s, raw: true });
const V = (type: PhiType, s: string): Part => ({ s, type });

const ACRONYMS: Record<string, string> = { MRN: 'm r n', SSN: 's s n', DOB: 'd o b', VIN: 'v i n', NPI: 'n p i', ID: 'i d', IP: 'i p',
  CPAP: 'see pap', ER: 'e r', PA: 'p a', HR: 'h r', EOB: 'e o b', CGM: 'c g m', DMV: 'd m v', OK: 'okay', PDF: 'p d f', A1c: 'a one c', TV: 't v' };
const FILLERS = ['um', 'uh', 'like', 'um', 'uh', 'you know', 'i mean'];
/** Literal template text in ASR style: lowercase, no punctuation, fillers, false starts, repetitions. */
function asr(s: string): string {
  let t = s.replace(/\bDr\.\s/g, 'doctor ').replace(/\bMr\.\s/g, 'mister ').replace(/\bMrs\.\s/g, 'missus ').replace(/\bSt\.\s/g, 'saint ');
  t = t.replace(/\b([A-Z][A-Za-z0-9]{0,3})\b/g, (m) => ACRONYMS[m] ?? m);
  t = speakNumbersInText(t).toLowerCase().replace(/[.,!?;:"()]/g, ' ').replace(/(\w)-(\w)/g, '$1 $2').replace(/-/g, ' ');
  const lead = /^\s/.test(t) || /^[.,!?;:]/.test(s); const trail = /\s$/.test(t);
  const words = t.split(/\s+/).filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (chance(0.06)) out.push(pick(FILLERS));
    if (chance(0.025) && i + 1 < words.length) out.push(w, words[i + 1]!, pick(['uh', 'um', 'sorry']));      // false start
    else if (chance(0.03)) out.push(w);                                                                            // repetition
    out.push(w);
  }
  if (!out.length) return lead || trail ? ' ' : '';
  return (lead ? ' ' : '') + out.join(' ') + (trail ? ' ' : '');
}

class Builder {
  text = '';
  spans: Span[] = [];
  constructor(readonly style: Style) {}
  private put(s: string): void {
    if (!s) return;
    if (/\s$/.test(this.text) || this.text === '') s = s.replace(/^\s+/, '');
    this.text += s;
  }
  add(p: Part): void {
    if (p.type) {
      if (this.text && !/[\s("'/]$/.test(this.text)) this.text += ' ';
      const start = this.text.length;
      this.text += p.s;
      this.spans.push({ start, end: this.text.length, type: p.type });
    } else if (p.raw) {
      this.put(p.s);
    } else {
      this.put(this.style === 'spoken' ? asr(p.s) : p.s);
    }
  }
  /** A template: literal text with {SLOT}s filled by `fill`. */
  tpl(t: string, fill: (slot: string) => Part[]): void {
    for (const piece of t.split(/(\{[A-Z0-9_]+\})/)) {
      if (!piece) continue;
      const m = /^\{([A-Z0-9_]+)\}$/.exec(piece);
      if (m) fill(m[1]!).forEach((p) => this.add(p));
      else this.add({ s: piece });
    }
  }
  newTurn(speaker: string): void {
    if (this.style === 'written') { if (this.text) this.text += '\n'; this.text += speaker + ': '; } else if (this.text && !/\s$/.test(this.text)) this.text += ' ';
  }
}

function verify(id: string, text: string, spans: Span[], values?: string[]): void {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  sorted.forEach((s, i) => {
    if (!(s.start >= 0 && s.end > s.start && s.end <= text.length)) throw new Error(`${id}: bad offsets ${JSON.stringify(s)}`);
    if (!(phiTypes as readonly string[]).includes(s.type)) throw new Error(`${id}: unknown type ${s.type}`);
    const prev = sorted[i - 1];
    if (prev && prev.end > s.start) throw new Error(`${id}: overlapping spans ${JSON.stringify(prev)} ${JSON.stringify(s)}`);
    const v = text.slice(s.start, s.end);
    if (v !== v.trim() || !v) throw new Error(`${id}: span has edge whitespace "${v}"`);
  });
  if (values) spans.forEach((s, i) => { if (text.slice(s.start, s.end) !== values[i]) throw new Error(`${id}: span ${i} "${text.slice(s.start, s.end)}" != "${values[i]}"`); });
}

// ---------------------------------------------------------------- PHI value renderers
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MON3 = MONTHS.map((m) => m.slice(0, 3));
interface Ymd { y: number; m: number; d: number }
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const iso = (x: Ymd): string => `${x.y}-${pad(x.m)}-${pad(x.d)}`;
function randDate(y0: number, y1: number): Ymd { return { y: int(y0, y1), m: int(1, 12), d: int(1, 28) }; }

function dateParts(x: Ymd, style: Style, withYear: boolean): Part[] {
  const mon = MONTHS[x.m - 1]!;
  if (style === 'written') {
    const forms = withYear
      ? [`${pad(x.m)}/${pad(x.d)}/${x.y}`, `${x.d} ${mon} ${x.y}`, `${mon} ${x.d}, ${x.y}`, iso(x), `${pad(x.d)}.${pad(x.m)}.${x.y}`, `${MON3[x.m - 1]} ${x.d} ${x.y}`, `${x.m}-${x.d}-${String(x.y).slice(2)}`]
      : [`${mon} ${x.d}${ordSuffix(x.d)}`, `${x.d} ${mon}`, `${MON3[x.m - 1]}. ${x.d}`, `${x.m}/${x.d}`];
    return [V('DATE', pick(forms))];
  }
  const m = mon.toLowerCase();
  if (!withYear) return pick([[V('DATE', `${m} ${ordinal(x.d)}`)], [L('the '), V('DATE', `${ordinal(x.d)} of ${m}`)]]);
  const yr = chance(0.4) ? yearWords(x.y, true) : yearWords(x.y);
  return pick<Part[]>([
    [L('the '), V('DATE', `${ordinal(x.d)} of ${m} ${yr}`)],
    [V('DATE', `${m} ${ordinal(x.d)} ${yr}`)],
    [V('DATE', `${m} ${n2w(x.d)} ${yr}`)],
    [V('DATE', `${n2w(x.m)} ${n2w(x.d)} ${yearWords(x.y, true)}`)],
    [V('DATE', `${speakDigits(pad(x.m), 'oh')} ${speakDigits(pad(x.d), 'oh')} ${yearWords(x.y)}`)],
  ]);
}

interface Phone { area: string; exch: string; line: string }
const newPhone = (): Phone => ({ area: String(int(2, 9)) + digits(2), exch: String(int(2, 9)) + digits(2), line: digits(4) });
const e164 = (p: Phone): string => `+1${p.area}${p.exch}${p.line}`;
function phoneParts(p: Phone, style: Style, type: 'PHONE' | 'FAX', dbl: boolean): Part[] {
  if (style === 'written') {
    return [V(type, pick([`(${p.area}) ${p.exch}-${p.line}`, `${p.area}-${p.exch}-${p.line}`, `${p.area}.${p.exch}.${p.line}`, `+1 ${p.area} ${p.exch} ${p.line}`, `1-${p.area}-${p.exch}-${p.line}`, `${p.area} ${p.exch} ${p.line}`]))];
  }
  const z = pick(['oh', 'zero'] as const);
  const a = speakDigits(p.area, z, dbl); const e = speakDigits(p.exch, z, dbl);
  const l = chance(0.3) && p.line[0] !== '0' && p.line[2] !== '0' ? `${n2w(Number(p.line.slice(0, 2)))} ${n2w(Number(p.line.slice(2)))}` : speakDigits(p.line, z, dbl);
  return pick<Part[]>([
    [L('area code '), V(type, `${a} then ${e} ${l}`)],
    [V(type, `${a} ${e} ${l}`)],
    [V(type, `${a} ${e} uh ${l}`)],
    [V(type, `one ${a} ${e} ${l}`)],
    [L('area code '), V(type, a), L(' and then the number is '), V(type, `${e} ${l}`)],
  ]);
}
function ukMobileParts(style: Style): Part[] {
  const rest = digits(6);
  const s = `07${int(4, 9)}${digits(2)}`;
  if (style === 'written') return [V('PHONE', pick([`${s} ${rest}`, `+44 ${s.slice(1)} ${rest}`]))];
  return [V('PHONE', `${speakDigits(s, 'oh', true)} ${speakDigits(rest, 'oh', true)}`)];
}

const DOMAINS: [string, string][] = [['gmail.com', 'gee mail dot com'], ['outlook.com', 'outlook dot com'], ['yahoo.ca', 'yahoo dot c a'],
  ['hotmail.co.uk', 'hotmail dot co dot uk'], ['icloud.com', 'i cloud dot com'], ['proton.me', 'proton dot me'], ['live.com', 'live dot com'], ['aol.com', 'a o l dot com']];
function emailParts(p: Person, style: Style): Part[] {
  const f = stripDiacritics(p.first).toLowerCase().replace(/[^a-z]/g, ''); const l = stripDiacritics(p.last).toLowerCase().replace(/[^a-z]/g, '');
  const n = chance(0.5) ? String(int(1, 99)) : '';
  const [dom, domSp] = pick(DOMAINS);
  const kind = int(0, 3);
  const local = [[f[0]!, '.', l, n], [f, '_', l.slice(0, 4)], [f, l[0]!, n], [l, '.', f, n]][kind]!.filter(Boolean);
  if (style === 'written') return [V('EMAIL', `${local.join('')}@${dom}`)];
  const sp = local.map((t) => (t === '.' ? 'dot' : t === '_' ? 'underscore' : /^\d+$/.test(t) ? (chance(0.5) ? n2w(Number(t)) : speakDigits(t, 'zero')) : t.length === 1 ? t : t));
  return [V('EMAIL', `${sp.join(' ')} at ${domSp}`)];
}

const ssnRaw = (): string => `${int(101, 665)}${pad(int(1, 99))}${pad(int(1, 9999), 4)}`;
function idParts(type: PhiType, raw: string, written: string, style: Style, zero: 'oh' | 'zero' = 'zero'): Part[] {
  return [V(type, style === 'written' ? written : spellAlnum(raw, zero))];
}
function ssnParts(style: Style): Part[] {
  const r = ssnRaw();
  if (style === 'written') return [V('SSN', chance(0.7) ? `${r.slice(0, 3)}-${r.slice(3, 5)}-${r.slice(5)}` : `${r.slice(0, 3)} ${r.slice(3, 5)} ${r.slice(5)}`)];
  return [V('SSN', `${speakDigits(r.slice(0, 3), 'zero')} ${speakDigits(r.slice(3, 5), 'zero')} ${speakDigits(r.slice(5), 'zero')}`)];
}
function mrnRaw(): string { return pick([() => letters(2) + digits(7), () => 'M' + digits(8), () => letters(1) + digits(3) + letters(1) + digits(4), () => digits(9)])(); }
function mrnWritten(r: string): string { return /^[A-Z]{2}\d{7}$/.test(r) && chance(0.5) ? `${r.slice(0, 2)}-${r.slice(2, 5)}-${r.slice(5)}` : r; }
function vinRaw(): string { const c = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'; return [pick(['1', '2', '3', 'J', 'W', 'K'])].concat(Array.from({ length: 16 }, () => pick(c.split('')))).join(''); }

// ---------------------------------------------------------------- slot pools (traps carry no span)
const CLINICS = ['Harbourview Family Practice', 'Northgate Medical Centre', 'Lakeshore Internal Medicine', 'Cedar Hollow Health', 'Riverbend Pediatrics',
  'Eastfield Community Clinic', 'Summit Ridge Primary Care', 'Old Mill Health Group'];
const HOSPITALS = ['St. Brendan\'s Hospital', 'County General', 'Mercy Regional', 'Lakeshore University Hospital'];
const PHARMACIES = ['Shoppers Drug Mart', 'Rexall', 'CVS', 'Walgreens', 'the Costco pharmacy', 'Boots', 'the Kroger pharmacy'];
const DRUGS = ['lisinopril', 'metformin', 'atorvastatin', 'levothyroxine', 'amlodipine', 'sertraline', 'gabapentin', 'omeprazole', 'losartan',
  'escitalopram', 'montelukast', 'tamsulosin', 'rosuvastatin', 'bupropion', 'prednisone', 'apixaban'];
const DOSES_W = ['10 mg', '25 mg', '500 mg', '0.5 mg', '20mg', '40 milligrams', '75 mcg', '1000 mg'];
const DOSES_S = ['ten milligrams', 'twenty five milligrams', 'five hundred milligrams', 'point five milligrams', 'forty milligrams', 'seventy five micrograms'];
const FREQ = ['twice a day', 'once in the morning', 'at bedtime', 'every other day', 'three times a day'];
const RELS = ['mother', 'father', 'husband', 'wife', 'son', 'daughter', 'grandmother', 'partner', 'aunt', 'brother'];
const SPECS = ['dermatologist', 'cardiologist', 'orthopedic surgeon', 'allergist', 'gastroenterologist', 'neurologist', 'ENT'];

function trap(slot: string, style: Style): string {
  const sp = style === 'spoken';
  switch (slot) {
    case 'DRUG': return pick(DRUGS);
    case 'DOSE': return sp ? pick(DOSES_S) : pick(DOSES_W);
    case 'FREQ': return pick(FREQ);
    case 'TIME': { const h = int(1, 11); const m = pick([0, 15, 30, 45]); return sp ? pick([`${n2w(h)} ${m ? n2w(m) : 'o\'clock'}`, `half past ${n2w(h)}`, `around ${n2w(h)} p m`, `quarter to ${n2w(h)}`]) : pick([`${h}:${pad(m)}`, `${h}:${pad(m)} pm`, `${h} a.m.`, `${h}pm`]); }
    case 'COUNT': { const n = pick([2, 3, 4, 6, 10, 14, 30, 60, 90]); return sp ? `${n2w(n)} ${pick(['pills', 'tablets', 'capsules'])}` : `${n} ${pick(['pills', 'tablets', 'capsules'])}`; }
    case 'SUPPLY': { const n = pick([30, 60, 90]); return sp ? `${n2w(n)} day supply` : `${n}-day supply`; }
    case 'TEMP': return sp ? pick(['a hundred and one point four', 'a hundred point eight', 'thirty eight point five', 'ninety nine point six', 'a hundred and two']) : pick(['101.4', '100.8 F', '38.5°C', '99.6', '102']);
    case 'YEAR': { const y = int(1998, 2025); return sp ? yearWords(y) : String(y); }
    case 'AGEOK': { const a = int(19, 89); return sp ? n2w(a) : String(a); }
    case 'BP': { const a = int(118, 172); const b = int(70, 104); return sp ? `${n2w(a)} over ${n2w(b)}` : `${a}/${b}`; }
    case 'MONEY': { const a = int(25, 900); return sp ? `${n2w(a)} dollars` : `$${a}.${pad(int(0, 99))}`; }
    case 'MONTH': return pick(MONTHS.filter((m) => m !== 'May'));
    case 'CLINIC': return pick(CLINICS);
    case 'CLINIC2': return pick(CLINICS);
    case 'HOSP': return pick(HOSPITALS);
    case 'PHARM': return pick(PHARMACIES);
    case 'REL': return pick(RELS);
    case 'SPEC': return pick(SPECS);
    case 'DAYS': { const n = int(2, 12); return sp ? n2w(n) : String(n); }
    default: throw new Error(`no trap slot ${slot}`);
  }
}
const TRAP_SLOTS = new Set(['DRUG', 'DOSE', 'FREQ', 'TIME', 'COUNT', 'SUPPLY', 'TEMP', 'YEAR', 'AGEOK', 'BP', 'MONEY', 'MONTH', 'CLINIC', 'CLINIC2', 'HOSP', 'PHARM', 'REL', 'SPEC', 'DAYS']);

// ---------------------------------------------------------------- call context
interface Place { street: string; num: number; unit: string; city: string; state: string; zip: string; zipSpoken: string }
function newPlace(): Place {
  const f = pick(PLACE_FAKERS);
  let state = '';
  try { state = f.location.state({ abbreviated: true }) ?? ''; } catch { state = ''; }
  if (/\d/.test(state)) state = '';
  const unitN = int(1, 40);
  const unit = pick(['', '', `, Apartment ${unitN}${pick(['', 'B', 'C'])}`, ` Unit ${unitN}`, `, Apt. ${int(101, 1204)}`, ` Suite ${int(100, 450)}`, ` #${unitN}`]);
  const zip = f.location.zipCode();
  return { street: f.location.street().replace(/\d+/g, '').trim(), num: int(2, 9880), unit, city: f.location.city(), state, zip, zipSpoken: spellAlnum(zip, 'zero') };
}
function streetParts(p: Place, style: Style): Part[] {
  if (style === 'written') return [V('ADDRESS', `${p.num} ${p.street}${p.unit}`)];
  const unit = asr(p.unit).trim().replace(/#/, 'number ').replace(/\bapt\b/, 'apartment');
  const u = unit.replace(/\b([a-z])$/, ' $1').replace(/(\d)([a-z])$/, '$1 $2');
  return [V('ADDRESS', `${speakHouseNumber(p.num)} ${stripDiacritics(p.street).toLowerCase().replace(/[.,'’-]/g, ' ').replace(/\s+/g, ' ').trim()}${u ? ' ' + speakNumbersInText(u) : ''}`)];
}
const spokenName = (s: string): string => stripDiacritics(s).toLowerCase().replace(/-/g, ' ');

interface Ctx {
  style: Style;
  patient: Person; caller?: Person; rel: string; staff: Person; doc: Person; doc2: Person; relative: Person; elder: Person;
  dob: Ymd; phone: Phone; phone2: Phone; fax: Phone; mrn: string; place: Place; dbl: boolean; zero: 'oh' | 'zero';
}
function nameParts(ctx: Ctx, s: string): Part[] { return [V('NAME', ctx.style === 'spoken' ? spokenName(s) : s)]; }

function fillSlot(ctx: Ctx, slot: string): Part[] {
  const st = ctx.style; const sp = st === 'spoken';
  if (TRAP_SLOTS.has(slot)) return [{ s: trap(slot, st) }];
  switch (slot) {
    case 'PNAME': return nameParts(ctx, `${ctx.patient.first} ${ctx.patient.last}`);
    case 'PFIRST': return nameParts(ctx, ctx.patient.first);
    case 'PLAST': return nameParts(ctx, ctx.patient.last);
    case 'CNAME': return nameParts(ctx, `${ctx.caller!.first} ${ctx.caller!.last}`);
    case 'CFIRST': return nameParts(ctx, ctx.caller!.first);
    case 'STAFF': return nameParts(ctx, ctx.staff.first);
    case 'DOC': return nameParts(ctx, ctx.doc.last);
    case 'DOC2': return nameParts(ctx, ctx.doc2.last);
    case 'RFIRST': return nameParts(ctx, ctx.relative.first);
    case 'RNAME': return nameParts(ctx, `${ctx.relative.first} ${ctx.relative.last}`);
    case 'ELDER': return nameParts(ctx, `${ctx.elder.first} ${ctx.elder.last}`);
    case 'SPELL': {
      const w = stripDiacritics(ctx.patient.last).replace(/[^A-Za-z]/g, '');
      return [V('NAME', sp ? w.toLowerCase().split('').join(' ') : w.toUpperCase().split('').join('-'))];
    }
    case 'DOB': return dateParts(ctx.dob, st, true);
    case 'VISIT': return dateParts({ y: 2026, m: int(1, 12), d: int(1, 28) }, st, chance(0.4));
    case 'PHONE': return phoneParts(ctx.phone, st, 'PHONE', ctx.dbl);
    case 'PHONE2': return chance(0.3) ? ukMobileParts(st) : phoneParts(ctx.phone2, st, 'PHONE', ctx.dbl);
    case 'FAX': return phoneParts(ctx.fax, st, 'FAX', false);
    case 'EMAIL': return emailParts(chance(0.8) ? ctx.patient : ctx.caller ?? ctx.patient, st);
    case 'SSN': return ssnParts(st);
    case 'MRN': return idParts('MRN', ctx.mrn, mrnWritten(ctx.mrn), st, ctx.zero);
    case 'PLAN': { const r = letters(3) + digits(9); return idParts('HEALTH_PLAN_ID', r, chance(0.5) ? r : `${r.slice(0, 3)} ${r.slice(3, 6)} ${r.slice(6)}`, st); }
    case 'GROUP': { const r = digits(6); return idParts('HEALTH_PLAN_ID', r, r, st, 'oh'); }
    case 'MBI': { const r = `${int(1, 9)}${letters(1)}${letters(1)}${int(0, 9)}${letters(1)}${letters(1)}${int(0, 9)}${letters(2)}${digits(2)}`; return idParts('HEALTH_PLAN_ID', r, `${r.slice(0, 4)}-${r.slice(4, 7)}-${r.slice(7)}`, st); }
    case 'ACCT': { const r = digits(10); return idParts('ACCOUNT', r, chance(0.5) ? r : `${r.slice(0, 4)} ${r.slice(4, 8)} ${r.slice(8)}`, st, 'oh'); }
    case 'ACCT2': { const r = 'G' + digits(7); return idParts('ACCOUNT', r, r, st); }
    case 'DL': { const r = letters(1) + digits(7) + (chance(0.3) ? digits(5) : ''); return idParts('LICENSE', r, r.length > 8 ? `${r.slice(0, 5)}-${r.slice(5, 10)}-${r.slice(10)}` : r, st); }
    case 'RNLIC': { const r = digits(6); return idParts('LICENSE', r, r, st); }
    case 'NPI': { const r = String(int(1, 2)) + digits(9); return idParts('LICENSE', r, r, st); }
    case 'STREET': return streetParts(ctx.place, st);
    case 'CITY': return [V('ADDRESS', sp ? spokenName(ctx.place.city) : ctx.place.city)];
    case 'STATE': return [{ s: ctx.place.state ? (sp ? spellAlnum(ctx.place.state) : ctx.place.state) : '', raw: true }];
    case 'ZIP': return [V('ADDRESS', sp ? ctx.place.zipSpoken : ctx.place.zip)];
    case 'POBOX': { const n = int(12, 9800); return [V('ADDRESS', sp ? `p o box ${n2w(n)}` : pick([`P.O. Box ${n}`, `PO Box ${n}`]))]; }
    case 'URL': {
      const f = stripDiacritics(ctx.patient.first).toLowerCase().replace(/[^a-z]/g, ''); const l = stripDiacritics(ctx.patient.last).toLowerCase().replace(/[^a-z]/g, '');
      const k = int(0, 3);
      if (!sp) return [V('URL', [`https://www.gofundme.com/f/help-${f}-${l}`, `www.${f}${l}.net/foodlog`, `https://photos.app.goo.gl/${letters(4)}${digits(3)}x`, `${l}-family.blogspot.com`][k]!)];
      return [V('URL', [`gofundme dot com slash f slash help dash ${f} dash ${l}`, `w w w dot ${f} ${l} dot net slash food log`, `photos dot app dot goo dot gl slash ${spellAlnum(letters(3) + digits(2))}`, `${l} family dot blogspot dot com`][k]!)];
    }
    case 'IP': {
      const o = [int(24, 223), int(0, 255), int(0, 255), int(1, 254)];
      return [V('IP', sp ? o.map((x) => (chance(0.5) ? n2w(x) : speakDigits(String(x), 'oh'))).join(' dot ') : o.join('.'))];
    }
    case 'PLATE': { const r = chance(0.5) ? `${int(1, 9)}${letters(3)}${digits(3)}` : `${letters(2)}${digits(2)} ${letters(3)}`; return idParts('VEHICLE', r, r, st, 'oh'); }
    case 'VIN': { const r = vinRaw(); return idParts('VEHICLE', r, r, st); }
    case 'SERIAL': {
      const r = chance(0.5) ? digits(int(8, 10)) : `${letters(2)}${digits(7)}`;
      return sp ? [L(pick(['s n ', 'serial s n ', 'the s n is '])), V('DEVICE', spellAlnum(r))] : [L(pick(['SN ', 'S/N ', 'SN: '])), V('DEVICE', r)];
    }
    case 'PASSPORT': { const r = letters(2) + digits(7); return idParts('OTHER_ID', r, r, st); }
    case 'EMPID': { const r = 'E' + digits(6); return idParts('OTHER_ID', r, chance(0.5) ? r : `E-${r.slice(1)}`, st); }
    case 'CASE': { const r = `2026${digits(6)}`; return idParts('OTHER_ID', r, `2026-${r.slice(4)}`, st, 'oh'); }
    case 'CLAIM': { const r = `CLM${digits(8)}`; return idParts('OTHER_ID', r, `CLM-${r.slice(3, 8)}-${r.slice(8)}`, st); }
    case 'STUDENT': { const r = digits(8); return idParts('OTHER_ID', r, r, st, 'oh'); }
    case 'AGE90': { const a = int(90, 104); return [V('AGE', sp ? n2w(a) : String(a))]; }
    default: throw new Error(`unknown slot ${slot}`);
  }
}

// ---------------------------------------------------------------- call sections: [speaker, template][]
type Turn = [speaker: 'A' | 'C', template: string];
type Section = Turn[];
const GREET: Section[] = [
  [['A', 'Good morning, {CLINIC}, you\'re speaking with {STAFF}. How can I help you today?']],
  [['A', '{CLINIC} patient line, this is {STAFF}, what can I do for you?']],
  [['A', 'Thanks for holding, {STAFF} at {CLINIC}.']],
  [['A', 'You\'ve reached the nurse desk at {CLINIC}, my name is {STAFF}. What\'s going on today?']],
];
const INTRO_SELF: Section[] = [
  [['C', 'Hello, yes, my name is {PNAME} and I\'m a patient of Dr. {DOC}.']],
  [['C', 'Hi there, it\'s {PNAME}, I was in to see you folks not long ago.']],
  [['C', 'Yeah hi, {PNAME} here. I\'ve been with Dr. {DOC} for a while now.']],
  [['C', 'Hi, good morning. I\'m calling about myself, the name is {PNAME}.']],
];
const INTRO_PROXY: Section[] = [
  [['C', 'Hi, I\'m calling on behalf of my {REL}, {PNAME}. My name is {CNAME}.']],
  [['C', 'Hello, this is {CNAME}. I look after my {REL}, {PNAME}, and I\'m on the consent form.']],
  [['C', 'Hi, so I\'m {CNAME}, I help my {REL} {PFIRST} with appointments. The full name is {PNAME}.']],
];
const VERIFY: Section[] = [
  [['A', 'Can I get the date of birth so I can pull up the chart?'], ['C', 'Sure, it\'s {DOB}.']],
  [['A', 'And what birthday do we have on file?'], ['C', 'Born {DOB}.']],
  [['A', 'Just to verify, full name and date of birth please.'], ['C', '{PNAME}, {DOB}.']],
  [['A', 'Date of birth?'], ['C', 'Oh, {DOB}. Sorry, I always have to think about it.']],
];
const SPELLING: Section[] = [
  [['A', 'How do you spell the last name?'], ['C', 'It\'s {SPELL}.']],
  [['A', 'Can you spell that surname for me?'], ['C', 'Yes, {SPELL}. People always get it wrong.']],
];
const CLOSE: Section[] = [
  [['A', 'Alright, I\'ll send a message over to Dr. {DOC} and someone will get back to you by the end of the day.'], ['C', 'Thank you so much.']],
  [['A', 'Okay {PFIRST}, you\'re all set. Anything else I can help with?'], ['C', 'No, that\'s everything, thanks.']],
  [['A', 'I\'ve noted all of that. If it gets worse, please don\'t wait, just go to urgent care.'], ['C', 'Will do, bye now.']],
  [['A', 'Great, I\'ll pass it to {STAFF2}, she handles those. Have a good afternoon.'], ['C', 'You too, bye.']],
];
const CALLBACK: Section[] = [
  [['A', 'What\'s the best number to reach you?'], ['C', '{PHONE}, that\'s my cell.']],
  [['C', 'You can call me back on {PHONE}, it\'s a mobile so text is fine too.']],
  [['A', 'Is {PHONE} still a good number for you?'], ['C', 'Yes, that one\'s right.']],
  [['C', 'My number\'s {PHONE}. If I don\'t pick up, try my {REL}\'s phone, {PHONE2}.']],
];
/** Keyed by the PHI type the section exists to exercise. */
const PHI_SECTIONS: Partial<Record<PhiType, Section[]>> = {
  MRN: [
    [['A', 'Do you have the medical record number handy? It\'s on the visit summary.'], ['C', 'Yeah, hang on. It\'s {MRN}.']],
    [['C', 'The MRN on my hospital bracelet was {MRN}, if that helps.']],
    [['A', 'I found two charts with that name. What\'s the chart number on your card?'], ['C', 'It says {MRN}.']],
  ],
  FAX: [
    [['C', 'The disability office wants it faxed, their fax is {FAX}, attention {RNAME}.']],
    [['A', 'I\'ll fax the request to the number you gave me, {FAX}, is that right?'], ['C', 'That\'s the one.']],
    [['C', 'Our fax over at the {CLINIC2} is {FAX}, the old one doesn\'t work anymore.']],
  ],
  EMAIL: [
    [['C', 'Could you email the form instead? My address is {EMAIL}.']],
    [['A', 'I have {EMAIL} on file for the portal, is that still good?'], ['C', 'Yes, that\'s current.']],
    [['C', 'Send the invoice to {EMAIL}, I check that one more often.']],
  ],
  SSN: [
    [['C', 'The lady from the insurance asked for my social, it\'s {SSN}. Do you have that on file?']],
    [['A', 'For the financial assistance form I\'ll need the social security number.'], ['C', 'Okay, {SSN}.']],
  ],
  HEALTH_PLAN_ID: [
    [['C', 'My member ID is {PLAN} and the group number is {GROUP}.']],
    [['C', 'I switched to a new plan in {MONTH}, the new policy number is {PLAN}.']],
    [['C', 'Her Medicare number is {MBI}, it\'s on the red white and blue card.']],
  ],
  ACCOUNT: [
    [['C', 'I got a bill, the account number on the statement is {ACCT} and it says I owe {MONEY}.']],
    [['A', 'I see a balance on guarantor account {ACCT2} from the visit on {VISIT}.'], ['C', 'I thought that was paid.']],
  ],
  LICENSE: [
    [['C', 'They want ID for the controlled prescription, my driver\'s license number is {DL}.']],
    [['C', 'This is {CNAME}, I\'m the home care nurse, my nursing license number is {RNLIC} if you need it.']],
    [['C', 'The pharmacy said the prescriber NPI on the script was {NPI} and it didn\'t match.']],
  ],
  ADDRESS: [
    [['C', 'We moved, so the new address is {STREET}, {CITY}, {STATE} {ZIP}.']],
    [['A', 'Is the mailing address still {STREET}?'], ['C', 'No, we use a post office box now, {POBOX}, in {CITY}, zip code {ZIP}.']],
    [['C', 'Please send the kit to my {REL}\'s place, {STREET} in {CITY}.']],
  ],
  URL: [
    [['C', 'I\'ve been keeping my food log on my blog, {URL}, the dietitian said to share it.']],
    [['C', 'My daughter put the photos of the rash at {URL} if the doctor wants to look.']],
  ],
  IP: [
    [['C', 'The portal locked me out, and the message says there was a suspicious login from {IP}.']],
    [['A', 'IT says the login attempt came from the address {IP}, is that your home internet?'], ['C', 'I have no idea, honestly.']],
  ],
  VEHICLE: [
    [['C', 'I got a ticket in your parking garage, my plate is {PLATE}, I was in the waiting room the whole time.']],
    [['C', 'For the accident claim they need the VIN on the form, it\'s {VIN}.']],
    [['C', 'The disabled parking permit is for the car with plate {PLATE}.']],
  ],
  DEVICE: [
    [['C', 'My insulin pump keeps alarming, the label on the back says {SERIAL}.']],
    [['C', 'The CPAP supplier needs the serial before they ship a new mask, it\'s {SERIAL}.']],
    [['C', 'The pacemaker clinic asked for the device number, it reads {SERIAL}.']],
    [['C', 'My sensor, the CGM, failed again. The transmitter has {SERIAL} on it.']],
  ],
  OTHER_ID: [
    [['C', 'I\'m flying next week and the vaccine letter needs my passport number, {PASSPORT}.']],
    [['C', 'My work wants the note to show my employee ID, which is {EMPID}.']],
    [['C', 'The workers\' comp adjuster gave me a case number, {CASE}.']],
    [['C', 'The claim reference on the denial letter is {CLAIM}.']],
    [['C', 'The college asked for my student number on the form, {STUDENT}.']],
  ],
  AGE: [
    [['C', 'My grandmother {ELDER} is {AGE90} and she lives with us now.']],
    [['C', 'It\'s for my great uncle, he\'s {AGE90} years old and very hard of hearing.']],
    [['A', 'And how old is she now?'], ['C', 'She turned {AGE90} in {MONTH}.']],
  ],
  DATE: [
    [['A', 'I have you down for {VISIT} at {TIME}.'], ['C', 'Perfect.']],
    [['C', 'The last time I was in was {VISIT}, Dr. {DOC2} saw me that day.']],
  ],
  NAME: [
    [['C', 'My son {RFIRST} usually drives me, so mornings are hard.']],
    [['A', 'I\'ll have {STAFF2} from the referral team reach out.'], ['C', 'Okay.']],
    [['C', 'Dr. {DOC2} at the hospital said to follow up with you.']],
  ],
};
const RARE: PhiType[] = ['FAX', 'EMAIL', 'SSN', 'HEALTH_PLAN_ID', 'ACCOUNT', 'LICENSE', 'URL', 'IP', 'VEHICLE', 'DEVICE', 'OTHER_ID', 'AGE'];
const COMMON: PhiType[] = ['MRN', 'ADDRESS', 'DATE', 'NAME'];

const REASONS: Section[] = [
  [['C', 'I\'m calling because I need a refill on my {DRUG}, I take {DOSE} {FREQ} and I\'m down to {COUNT}.']],
  [['C', 'I had a fever last night, it was {TEMP} at about {TIME}, and this morning it\'s still up.']],
  [['C', 'My blood pressure at the pharmacy machine was {BP}, which is high for me.']],
  [['C', 'I want to go over my lab results, the portal says they came back {DAYS} days ago.']],
  [['C', 'I\'ve had this cough on and off since {YEAR}, but it\'s worse this winter.']],
  [['C', 'The pharmacy said the {DRUG} needs a new script for a {SUPPLY}.']],
  [['C', 'My {REL} is {AGEOK} and she\'s been more tired than usual, so I wanted to book her in.']],
  [['C', 'My neighbour is {AGEOK} and even she has never needed a prior authorization, so I\'m confused.']],
  [['C', 'I need a form filled out for work, they gave me {DAYS} days to get it back.']],
];
const WORD_TRAPS: Section[] = [
  [['C', 'I will be home after {TIME}, so any time after that is fine.']],
  [['C', 'May I ask if the doctor is in on Fridays?']],
  [['C', 'I already paid my bill online, so that part\'s done.']],
  [['C', 'There\'s a red mark on my arm where the needle went in.']],
  [['C', 'Is there a grace period on the copay, or do I pay at the door?']],
  [['C', 'They told me to come back in April for the next round.']],
  [['C', 'I hope that\'s not too much trouble.']],
  [['C', 'I got scratched by a rose bush and now it\'s puffy.']],
  [['C', 'To be frank, I\'m a bit worried about it.']],
  [['C', 'It\'s sunny out so I\'ll walk over if I need to.']],
  [['C', 'I can\'t jack up the car with my back like this.']],
  [['C', 'The page wouldn\'t load when I tried to pay.']],
  [['C', 'Can you chase up the pharmacy for me?']],
  [['C', 'I had surgery back in {YEAR}, but nothing since.']],
];

// ---------------------------------------------------------------- PHI calls
interface PhiCall { id: string; style: Style; text: string; patient?: { name: string; birthDate: string; phones: string[]; mrn: string }; spans: Span[] }
function wordCount(t: string): number { return t.split(/\s+/).filter(Boolean).length; }

function buildCall(i: number): PhiCall {
  const style: Style = i % 3 === 2 ? 'written' : 'spoken';
  for (let attempt = 0; attempt < 50; attempt++) {
    const src = i % N_SOURCES;
    const patient = fromSource(src);
    const proxy = chance(0.35);
    const staff = anyPerson(); const staff2 = anyPerson();
    const ctx: Ctx = {
      style, patient, caller: proxy ? fromSource(src) : undefined, rel: pick(RELS), staff, doc: anyPerson(), doc2: anyPerson(), relative: fromSource(src), elder: fromSource(src),
      dob: randDate(1936, 2008), phone: newPhone(), phone2: newPhone(), fax: newPhone(), mrn: mrnRaw(), place: newPlace(), dbl: src === 0 && chance(0.6), zero: pick(['oh', 'zero'] as const),
    };
    if (!proxy) ctx.caller = anyPerson();
    const b = new Builder(style);
    const fill = (slot: string): Part[] => (slot === 'STAFF2' ? nameParts(ctx, staff2.first) : fillSlot(ctx, slot));
    const run = (sec: Section): void => sec.forEach(([spk, t]) => { b.newTurn(spk === 'A' ? 'Agent' : 'Caller'); b.tpl(t, fill); });

    const body: Section[] = [];
    body.push(pick(REASONS));
    const rare = [RARE[Math.floor(i / 3) % RARE.length]!, RARE[(i * 5 + 3) % RARE.length]!];
    if (chance(0.5)) rare.push(pick(RARE));
    for (const t of new Set(rare)) body.push(pick(PHI_SECTIONS[t]!));
    const nCommon = int(0, 3);
    for (let k = 0; k < nCommon; k++) body.push(pick(PHI_SECTIONS[pick(COMMON)]!));
    const nTraps = i % 7 === 3 ? 0 : int(1, 4);
    for (let k = 0; k < nTraps; k++) body.push(chance(0.5) ? pick(WORD_TRAPS) : pick(REASONS));
    if (i % 5 === 0) for (let k = 0; k < int(3, 8); k++) body.push(pick([...REASONS, ...WORD_TRAPS, ...PHI_SECTIONS.NAME!, ...PHI_SECTIONS.DATE!]));
    const shuffled = faker.helpers.shuffle(body);

    run(pick(GREET));
    run(proxy ? pick(INTRO_PROXY) : pick(INTRO_SELF));
    run(pick(VERIFY));
    if (i % 7 !== 3 && chance(0.4)) run(pick(SPELLING));
    shuffled.forEach(run);
    run(pick(CALLBACK));
    run(pick(CLOSE));
    if (b.style === 'written') b.text = b.text.replace(/ +\n/g, '\n');
    const text = b.text.replace(/\s+$/, '');
    const wc = wordCount(text);
    if (wc < 80 || wc > 400) continue;
    const id = `hc-phi-${pad(i + 1, 3)}`;
    verify(id, text, b.spans);
    const call: PhiCall = { id, style, text, spans: b.spans };
    if (i % 2 === 0) call.patient = { name: `${patient.first} ${patient.last}`, birthDate: iso(ctx.dob), phones: [e164(ctx.phone)], mrn: ctx.mrn };
    return call;
  }
  throw new Error(`call ${i}: could not reach 80-400 words`);
}

// ---------------------------------------------------------------- request types
type RT = RequestTypeCode;
type RtItem = [text: string, codes: RT[]];
const RT_POOLS: Record<RT, RtItem[]> = {
  prescription_refill: [
    ['I need a refill on my {DRUG}, I\'m down to my last few pills.', ['prescription_refill']],
    ['Could you send a new script for {DRUG} to {PHARM}?', ['prescription_refill']],
    ['My {DRUG} ran out yesterday and the pharmacy says there are no refills left on it.', ['prescription_refill']],
    ['Can Dr. {DOC} renew the {DRUG}? The bottle says zero refills remaining.', ['prescription_refill']],
    ['I\'m going abroad for a month and need an early fill of my {DRUG} before I leave.', ['prescription_refill']],
    ['We changed pharmacies, please send my {DRUG} to {PHARM} from now on.', ['prescription_refill']],
    ['I\'m almost out of my inhaler, can you call in another one?', ['prescription_refill']],
    ['I need my ninety day supply of {DRUG} reordered through the mail order pharmacy.', ['prescription_refill']],
    ['My mom needs her {DRUG} topped up, she only has two days left.', ['prescription_refill']],
    ['I dropped my pills down the sink, I need a replacement prescription for {DRUG}.', ['prescription_refill']],
    ['The {DRUG} is finished and I still need it, can the doctor okay more?', ['prescription_refill']],
    ['I\'ve been out of my {DRUG} for three days and my ankles are swelling again, can I get more sent today?', ['prescription_refill', 'symptom_report']],
  ],
  appointment: [
    ['I\'d like to book a physical with Dr. {DOC} sometime next month.', ['appointment']],
    ['I need to reschedule my appointment on Thursday, something came up at work.', ['appointment']],
    ['Can I get in to see someone this week for a follow-up visit?', ['appointment']],
    ['I have to cancel tomorrow\'s visit, my ride fell through.', ['appointment']],
    ['Are you taking new patients? I just moved to the area and need a family doctor.', ['appointment']],
    ['Can I move my son\'s checkup to a morning slot?', ['appointment']],
    ['I\'d rather do a video visit than come in, can we switch it?', ['appointment']],
    ['Put me on the cancellation list if anything earlier opens up with Dr. {DOC}.', ['appointment']],
    ['When is my next appointment? I lost the little card.', ['appointment']],
    ['I want to schedule my yearly mammogram.', ['appointment']],
    ['I\'m running twenty minutes late for my quarter past two, will I still be seen?', ['appointment']],
    ['I\'ve had an earache since the weekend, can I be seen today?', ['appointment', 'symptom_report']],
  ],
  symptom_report: [
    ['I\'ve had a sore throat and a low fever for three days now.', ['symptom_report']],
    ['My knee keeps swelling up since I started jogging again.', ['symptom_report']],
    ['I\'ve got a rash on both arms that itches like crazy.', ['symptom_report']],
    ['The cough is still there after the antibiotics and now I\'m bringing up green stuff.', ['symptom_report']],
    ['Since starting the {DRUG} I\'ve been dizzy every morning.', ['symptom_report']],
    ['My daughter has had diarrhea since yesterday but she\'s drinking okay.', ['symptom_report']],
    ['My back pain is worse and it\'s shooting down my left leg now.', ['symptom_report']],
    ['I keep getting heartburn every night after dinner.', ['symptom_report']],
    ['There\'s a lump on my neck that I noticed in the shower.', ['symptom_report']],
    ['My ankle is still bruised and sore a week after I twisted it.', ['symptom_report']],
    ['His eyes are red and crusty every morning and he keeps rubbing them.', ['symptom_report']],
    ['I\'ve been peeing a lot more and it burns, I think it\'s another bladder infection.', ['symptom_report']],
  ],
  test_results: [
    ['I had bloodwork done on Monday, are the results back yet?', ['test_results']],
    ['I got a notification that my MRI report is in the portal, can someone explain it?', ['test_results']],
    ['I\'m calling to find out my cholesterol numbers from last week.', ['test_results']],
    ['Did my biopsy come back?', ['test_results']],
    ['Has anyone looked at the urine culture from Friday?', ['test_results']],
    ['My A1c shows up flagged high in the app, what does that mean?', ['test_results']],
    ['Can the nurse go over my x-ray findings with me?', ['test_results']],
    ['I\'m still waiting on my strep swab, I need the result before I go back to work.', ['test_results']],
    ['Were my pap smear results normal?', ['test_results']],
    ['Is the sleep study report back yet?', ['test_results']],
    ['Has Dr. {DOC} reviewed my thyroid levels?', ['test_results']],
    ['Somebody left a voicemail about my lab work, can they call me back?', ['test_results', 'callback_request']],
  ],
  referral: [
    ['I need a referral to a dermatologist for a mole check.', ['referral']],
    ['My insurance needs a referral on file before I can see the {SPEC}.', ['referral']],
    ['Can Dr. {DOC} refer me to physical therapy for my shoulder?', ['referral']],
    ['The {SPEC}\'s office says they never got the referral, can you resend it?', ['referral']],
    ['I\'d like to be referred to a counsellor, I think talking to someone would help.', ['referral']],
    ['Could you put in a referral for my son to see an allergist?', ['referral']],
    ['The orthopedic referral expired, I need a new one.', ['referral']],
    ['The sleep clinic won\'t book me without a referral from you.', ['referral']],
    ['Can you send the referral to a different {SPEC}? The one you picked isn\'t taking anyone new.', ['referral']],
    ['The cardiology office says they need the referral number before my visit.', ['referral']],
  ],
  billing_insurance: [
    ['I got a bill for a visit my insurance should have covered.', ['billing_insurance']],
    ['Why was I charged a copay for my annual physical?', ['billing_insurance']],
    ['I have new insurance as of this month, can I give you the details?', ['billing_insurance']],
    ['Can I set up a payment plan for what I owe?', ['billing_insurance']],
    ['There\'s a charge on my statement I don\'t recognize.', ['billing_insurance']],
    ['My explanation of benefits says the claim was denied for a coding error, can you resubmit it?', ['billing_insurance']],
    ['Do you take Blue Cross? I\'m switching plans in January.', ['billing_insurance']],
    ['I was billed twice for the same blood draw.', ['billing_insurance']],
    ['I need an itemized receipt for my health spending account.', ['billing_insurance']],
    ['My card got declined on the website, can I pay the balance over the phone?', ['billing_insurance']],
  ],
  prior_authorization: [
    ['The pharmacy says my {DRUG} needs a prior authorization from the doctor.', ['prior_authorization']],
    ['My insurance wants a prior auth before they\'ll approve the MRI.', ['prior_authorization']],
    ['Has the PA for my {DRUG} gone through yet? It\'s been a week.', ['prior_authorization']],
    ['The insurance denied the pre-authorization for my knee surgery, can you appeal it?', ['prior_authorization']],
    ['My plan needs Dr. {DOC} to fill out a coverage determination for {DRUG}.', ['prior_authorization']],
    ['I was told the sleep study has to be pre-approved by my insurer, can you start that?', ['prior_authorization']],
    ['Can you send the step therapy paperwork so the plan will cover the {DRUG}?', ['prior_authorization']],
    ['The authorization for my CGM sensors expired and now the supplier won\'t ship them.', ['prior_authorization']],
    ['The insurer approved the injections last year but says the approval has to be renewed.', ['prior_authorization']],
  ],
  medical_records: [
    ['I need a copy of my medical records sent to my new doctor.', ['medical_records']],
    ['Can I get my son\'s immunization record? The school is asking.', ['medical_records']],
    ['Please transfer my whole chart to {CLINIC}, I\'m moving out of province.', ['medical_records']],
    ['I need the radiology report from my CT scan for my lawyer.', ['medical_records']],
    ['How do I request my old records from before {YEAR}?', ['medical_records']],
    ['Could you send my last two visit notes to the specialist?', ['medical_records']],
    ['I want a disc of my MRI images for a second opinion.', ['medical_records']],
    ['My life insurance company needs my records, I already signed the release.', ['medical_records']],
    ['I need proof of my tetanus shot for a new job.', ['medical_records']],
    ['Can I get a printout of my allergy list and problem list to take overseas?', ['medical_records']],
  ],
  callback_request: [
    ['Can Dr. {DOC} give me a call back when she has a minute?', ['callback_request']],
    ['Please have the nurse call me, I\'ll be home all afternoon.', ['callback_request']],
    ['I missed a call from your office, can someone call me back?', ['callback_request']],
    ['I left a message yesterday and nobody got back to me, can someone ring me today?', ['callback_request']],
    ['Just have somebody phone me, I\'d rather talk it through.', ['callback_request']],
    ['Could the care coordinator return my call? My number hasn\'t changed.', ['callback_request']],
    ['I need a callback from the doctor before Friday please.', ['callback_request']],
    ['Have the nurse call me back about my {DRUG}, I have a question about when to take it.', ['callback_request']],
  ],
  urgent_emergency: [
    ['My husband is having crushing chest pain and he\'s sweating right now.', ['urgent_emergency', 'symptom_report']],
    ['I think I\'m having an allergic reaction, my lips and tongue are swelling up.', ['urgent_emergency', 'symptom_report']],
    ['My dad\'s face is drooping on one side and he can\'t get his words out.', ['urgent_emergency', 'symptom_report']],
    ['She fell and hit her head and now she keeps throwing up.', ['urgent_emergency', 'symptom_report']],
    ['My son swallowed a whole bottle of Tylenol about an hour ago.', ['urgent_emergency', 'symptom_report']],
    ['I can\'t catch my breath even sitting still, and my lips look blue.', ['urgent_emergency', 'symptom_report']],
    ['My wife passed out in the kitchen and she\'s barely responding.', ['urgent_emergency', 'symptom_report']],
    ['I cut my hand badly and the bleeding won\'t stop, there\'s blood everywhere.', ['urgent_emergency', 'symptom_report']],
    ['I\'m thirty four weeks pregnant and I\'m bleeding a lot.', ['urgent_emergency', 'symptom_report']],
    ['My baby is five weeks old and has a fever of one oh one.', ['urgent_emergency', 'symptom_report']],
    ['My brother is shaking all over and not responding, I think it\'s a seizure.', ['urgent_emergency', 'symptom_report']],
  ],
  administrative: [
    ['I need a work note for the days I was off sick last week.', ['administrative']],
    ['Can the doctor fill out my FMLA paperwork?', ['administrative']],
    ['I can\'t log in to the patient portal, it says my account is locked.', ['administrative']],
    ['What are your hours on Saturday?', ['administrative']],
    ['I changed my phone number and address, can you update my file?', ['administrative']],
    ['I need the sports form signed so my daughter can play soccer.', ['administrative']],
    ['Where do I park for the new building?', ['administrative']],
    ['Can you update my last name? I just got married.', ['administrative']],
    ['I need a letter for my landlord about my service dog.', ['administrative']],
    ['Is the clinic open on the holiday Monday?', ['administrative']],
    ['How do I get to your new location from the highway?', ['administrative']],
  ],
  provider_to_provider: [
    ['Hi, this is {PHARM} calling, we\'re requesting a refill authorization for a mutual patient on {DRUG}.', ['provider_to_provider', 'prescription_refill']],
    ['This is the lab at {HOSP} with a critical potassium result for one of Dr. {DOC}\'s patients.', ['provider_to_provider', 'test_results']],
    ['I\'m a nurse in the emergency department at {HOSP}, we need the patient\'s medication list and recent notes faxed over.', ['provider_to_provider', 'medical_records']],
    ['Calling from Dr. {DOC}\'s office, we got your referral but it\'s missing the insurance information.', ['provider_to_provider', 'referral']],
    ['This is the discharge planner at {HOSP}, the patient needs a follow-up visit booked within seven days.', ['provider_to_provider', 'appointment']],
    ['Hi, this is {PHARM}, the insurance is rejecting the {DRUG} and needs a prior auth from your office.', ['provider_to_provider', 'prior_authorization']],
    ['This is Dr. {DOC} from the cardiology group, I\'d like to speak with the physician about a shared patient, please have her call me back.', ['provider_to_provider', 'callback_request']],
    ['This is the home health agency, we need the plan of care signed by the doctor.', ['provider_to_provider', 'administrative']],
    ['Pharmacist at {PHARM} here, the {DRUG} dose on the new script looks high, can the prescriber call us?', ['provider_to_provider', 'callback_request']],
    ['Hi, it\'s the records department at {HOSP}, we\'re requesting the patient\'s last three visit notes.', ['provider_to_provider', 'medical_records']],
    ['This is the imaging center, we need an updated order with the correct diagnosis code before the patient\'s scan.', ['provider_to_provider', 'administrative']],
  ],
};
const RT_OPEN = ['Hi, good morning.', 'Hello there.', 'Yes hi, it\'s me again.', 'Sorry to bother you.', 'Hi, quick question.', '', '', 'Okay so', 'Hello, I was on hold for a while.'];
const RT_CLOSE = ['Thanks.', 'Appreciate it.', 'Have a good one.', '', '', 'Thank you so much.', 'Sorry again.'];

function fillSimple(t: string, style: Style): string {
  return t.replace(/\{([A-Z0-9]+)\}/g, (_m, s: string) => (s === 'DOC' ? anyPerson().last : trap(s, style)));
}
function asrSentence(t: string): string {
  return asr(t).trim().replace(/\s+/g, ' ');
}
function buildRequestTypes(): { id: string; text: string; types: RT[] }[] {
  const out: { id: string; text: string; types: RT[] }[] = [];
  const secondaryCodes: RT[] = ['prescription_refill', 'appointment', 'symptom_report', 'test_results', 'referral', 'billing_insurance', 'medical_records', 'callback_request', 'administrative'];
  let n = 0;
  for (const code of requestTypeCodes) {
    const pool = faker.helpers.shuffle([...RT_POOLS[code]]);
    for (let k = 0; k < 15; k++) {
      const [t, codes] = pool[k % pool.length]!;
      const types = new Set<RT>(codes);
      const parts = [pick(RT_OPEN), t];
      if (code !== 'urgent_emergency' && code !== 'provider_to_provider' && (k >= pool.length || chance(0.3))) {
        const c2 = pick(secondaryCodes.filter((c) => c !== code));
        const [t2, codes2] = pick(RT_POOLS[c2].filter(([, cs]) => cs.length === 1));
        parts.push((chance(0.5) ? 'Also, ' : 'And while I have you, ') + (/^I\b/.test(t2) ? t2 : t2[0]!.toLowerCase() + t2.slice(1)));
        codes2.forEach((c) => types.add(c));
      }
      parts.push(pick(RT_CLOSE));
      const style: Style = chance(0.4) ? 'spoken' : 'written';
      let text = fillSimple(parts.filter(Boolean).join(' '), style);
      if (style === 'spoken') text = asrSentence(text);
      n++;
      out.push({ id: `hc-rt-${pad(n, 3)}`, text, types: requestTypeCodes.filter((c) => types.has(c)) });
    }
  }
  return out;
}

// ---------------------------------------------------------------- red flags
const RF_POS: Record<RedFlagCode, string[]> = {
  chest_pain: ['I\'ve got this crushing pressure in my chest right now and it\'s going down my left arm.', 'My husband is clutching his chest, he says it feels like an elephant sitting on it.',
    'having chess pain since like an hour ago and im all sweaty', 'My chest is tight and hurting, it started while I was shoveling.', 'my dad says his chest hurts real bad and he looks grey',
    'There\'s a sharp pain in the middle of my chest that won\'t let up.', 'she keeps saying her chest is squeezing and her jaw aches', 'I have chest pains right now, it comes in waves.',
    'pain in my chess spreading to my back started twenty minutes ago', 'My mother is complaining of heavy chest pain and feels sick.'],
  breathing_difficulty: ['I can\'t breathe properly, I\'m gasping even sitting down.', 'my son is wheezing so hard his ribs are sucking in', 'cant breed i cant get air in',
    'She\'s struggling to breathe and can only say a couple of words at a time.', 'I\'m really short of breath right now and my lips feel numb.', 'im having shortness of breast since this morning and its getting worse',
    'My grandpa is breathing really fast and shallow and he\'s turning blue around the mouth.', 'The inhaler isn\'t helping, I still can\'t catch my breath.', 'he keeps gasping for air and cant finish a sentence',
    'I feel like I\'m suffocating, I can\'t get a full breath.'],
  stroke_signs: ['My mom\'s face is drooping on one side and her speech is slurred.', 'i suddenly cant lift my right arm and my face feels numb', 'My husband is talking gibberish and can\'t raise his left arm.',
    'her mouth is crooked all of a sudden and she cant find her words', 'I woke up and half my face won\'t move and my words come out wrong.', 'my dad is slurring and dragging his leg it started ten minutes ago',
    'She can\'t see out of one eye all of a sudden and her arm went weak.', 'he looks like hes having a stroke his face is all droopy', 'My left side went numb out of nowhere and I can\'t hold my cup.',
    'my wife cant smile on the right side and her speech is all mumbled'],
  suicidal_ideation: ['I don\'t want to be alive anymore and I\'ve been thinking about how to end it.', 'my son told me he wants to kill himself', 'im thinking about killing myself tonight',
    'I\'ve been having thoughts of ending my life and I have the pills right here.', 'My sister texted that she\'s going to hurt herself and everyone would be better off.', 'honestly i just want to die i keep thinking about suicide',
    'I feel like taking my own life, I can\'t do this anymore.', 'my husband said hes got a plan to end it all and i dont know what to do', 'I keep thinking I should just kill myself.',
    'she says she doesnt want to wake up tomorrow and shes been giving her stuff away'],
  severe_bleeding: ['I cut my hand on a knife and it\'s bleeding through every towel, it won\'t stop.', 'my dad is on blood thinners and his nose has been gushing blood for forty minutes', 'theres blood everywhere he cut his leg on the saw',
    'I\'m throwing up blood, a lot of it, bright red.', 'She\'s bleeding really heavily from the wound and it\'s soaking through the bandage.', 'im pooping out a lot of blood and i feel faint',
    'My son fell through the glass door and it\'s spurting blood.', 'the cut keeps pumping blood even with pressure on it', 'I\'m bleeding heavily after my procedure and I\'ve gone through pads every half hour.',
    'his arm wont stop bleeding its been twenty minutes'],
  anaphylaxis: ['My throat is closing up after I ate shrimp and my lips are swelling.', 'my daughter got stung by a bee and her face is swelling and she cant breathe right', 'i think im having anna flaxis my tongue is huge',
    'He used his EpiPen but his throat still feels tight and he\'s covered in hives.', 'After the new antibiotic my tongue swelled up and I can barely swallow.', 'she ate peanuts by accident and now shes wheezing and puffy all over',
    'I\'m having an allergic reaction, my whole face is swollen and my throat is tight.', 'his lips went all big and his voice is hoarse after the cashews', 'Right after the shot my skin broke out in welts and I feel like I\'m choking.',
    'im having anaphylactic shock i think my throats swelling'],
  loss_of_consciousness: ['My husband just passed out in the kitchen and he\'s not answering me.', 'she fainted and we cant wake her up properly', 'I blacked out on the stairs a few minutes ago and I\'m still woozy.',
    'my mom collapsed and was out cold for a minute', 'He keeps fainting, he\'s gone down twice this morning.', 'my grandma is unresponsive shes breathing but wont open her eyes',
    'I just fainted at work and came to on the floor.', 'he passed out cold in the shower', 'My daughter went limp and unconscious for a bit, she\'s waking up now.',
    'i keep blacking out when i stand up today'],
  seizure: ['My son is having a seizure right now, he\'s jerking all over.', 'she just had a fit and wont wake up properly', 'My wife is convulsing on the floor and foaming at the mouth.',
    'i think my dad is having a seizer his whole body is shaking', 'He\'s been seizing for over five minutes.', 'my baby went stiff and started twitching and her eyes rolled back',
    'I just had a seizure in the shower and bit my tongue.', 'my brother had two seizures back to back this morning and isnt himself', 'She\'s having convulsions and isn\'t responding.',
    'hes having a grand mal right now what do i do'],
  overdose_poisoning: ['My son swallowed a handful of my sleeping pills about an hour ago.', 'i took way too many of my pain pills i think i overdosed', 'My toddler drank some of the bleach under the sink.',
    'she took the whole bottle of tylenol this afternoon', 'My husband mixed his pills with a lot of alcohol and now he\'s really drowsy.', 'my daughter ate a bunch of grandmas heart pills',
    'I accidentally took a double dose, actually four doses, of my insulin.', 'he overdosed on his oxy and is barely breathing', 'The kids got into the dishwasher pods and one of them bit into it.',
    'i think i poisoned myself with the weed killer'],
  severe_headache: ['I have the worst headache of my life, it came on all of a sudden like a thunderclap.', 'my moms got a sudden splitting headache and shes throwing up', 'This headache is the worst I\'ve ever had and my neck is stiff.',
    'out of nowhere i got this explosive pain in my head', 'He says his head is pounding like never before and the light hurts his eyes.', 'worst head ache ever started when i was lifting weights',
    'I\'ve got a blinding headache that hit me in seconds and I\'m seeing double.', 'she grabbed her head and said its the worst pain shes ever felt', 'My headache is unbearable and came on like being hit with a bat.',
    'the worst headache ive ever had with a stiff neck and fever'],
  infant_fever: ['My baby is six weeks old and her temperature is one hundred point eight.', 'my newborn has a fever of thirty eight point two hes only ten days old', 'Our two month old feels hot and the thermometer says 101.',
    'the baby is three weeks old and running a temp', 'My seven week old son has a fever and won\'t feed.', 'my infant is eight weeks and has a fever of a hundred and one',
    'She\'s only 5 weeks old and she\'s burning up, 100.6 rectal.', 'newborn with a temp of 38.5 and really sleepy', 'My one month old has a fever and is crying nonstop.',
    'our baby is nine days old and feels feverish 100.9'],
  pregnancy_emergency: ['I\'m thirty two weeks pregnant and I\'m bleeding heavily.', 'my wife is pregnant and her water broke at thirty weeks', 'I\'m 28 weeks and the baby hasn\'t moved all day.',
    'im pregnant and having really bad cramps and bleeding', 'She\'s thirty five weeks along with a pounding headache and her vision is blurry.', 'im six weeks pregnant with sharp pain on one side and i feel faint',
    'My daughter is pregnant and having contractions at twenty nine weeks.', 'I\'m pregnant and my face and hands swelled up suddenly with spots in my eyes.', 'im thirty four weeks and theres fluid leaking and the baby is quiet',
    'she is eight months pregnant and bleeding bright red'],
  severe_abdominal_pain: ['I have the worst stomach pain, I can\'t stand up straight.', 'my belly is killing me on the right side and its rock hard', 'My son has severe pain in his lower right abdomen and is vomiting.',
    'the pain in my gut is unbearable ten out of ten', 'She\'s doubled over with stomach pain and can\'t move.', 'excruciating pain in my abdomen since last night and i cant keep anything down',
    'My husband\'s stomach pain is so bad he\'s rolling on the floor.', 'i have a really really bad tummy pain and my stomach is swollen', 'I\'ve got a stabbing pain in my belly that goes through to my back.',
    'her abdomen is super tender and she screams when i touch it'],
  head_injury: ['My son fell off the monkey bars and hit his head, now he\'s really confused.', 'i banged my head hard on the car door and now i feel sick and dizzy', 'My mom fell down the stairs and hit her head, she\'s on blood thinners.',
    'he got hit in the head with a bat and hes vomiting', 'She slipped on the ice and cracked her head on the pavement, there\'s a big lump.', 'my daughter took a hard hit to the head at soccer and keeps asking the same questions',
    'I hit my head in a car accident this morning and my vision is blurry.', 'grandpa fell and smacked his head on the counter and hes acting weird', 'My husband fell off a ladder and landed on his head.',
    'i think i have a concussion i hit my head and have a terrible headache now'],
  sepsis_signs: ['I have a high fever, my heart is racing and I\'m shaking and confused.', 'my dad has a fever and is confused and his skin is blotchy', 'Since the surgery my wound is red and I\'ve got a fever and chills, my heart\'s pounding.',
    'she has a fever and is breathing fast and her hands are ice cold and mottled', 'I feel like I\'m dying, fever of 103, can\'t stop shivering and I\'m barely peeing.', 'my mom has a uti and now shes burning up and not making sense',
    'He\'s got a fever with a racing heart and his lips are pale, he\'s really out of it.', 'high temp rigors and my heart is going like crazy after my chemo', 'The infection in her leg is spreading and she\'s feverish and drowsy.',
    'i think i have sepsis fever clammy skin and my blood pressure is really low'],
};
const RF_NP: Record<RedFlagCode, string[]> = {
  chest_pain: ['chest pain', 'chess pain', 'pressure in the chest'],
  breathing_difficulty: ['trouble breathing', 'shortness of breath', 'difficulty breathing'],
  stroke_signs: ['a stroke', 'slurred speech or face drooping', 'weakness on one side'],
  suicidal_ideation: ['suicidal thoughts', 'thoughts of suicide'],
  severe_bleeding: ['heavy bleeding', 'bleeding that wouldn\'t stop'],
  anaphylaxis: ['anaphylaxis', 'throat swelling from an allergy', 'an anaphylactic reaction'],
  loss_of_consciousness: ['fainting', 'passing out', 'blackouts'],
  seizure: ['seizures', 'a seizure', 'convulsions'],
  overdose_poisoning: ['an overdose', 'a poisoning'],
  severe_headache: ['the worst headache of my life', 'a thunderclap headache', 'a sudden severe headache'],
  infant_fever: [], pregnancy_emergency: [],
  severe_abdominal_pain: ['severe stomach pain', 'really bad belly pain', 'severe abdominal pain'],
  head_injury: ['a head injury', 'a concussion'],
  sepsis_signs: ['sepsis', 'a blood infection'],
};
type NegKind = 'negated' | 'historical' | 'hypothetical' | 'family-history' | 'mimic';
const NEG_FRAMES: Record<Exclude<NegKind, 'mimic'>, string[]> = {
  negated: ['No {np} or anything like that, I just need my usual {DRUG}.', 'He\'s not having any {np}, the nurse asked me already.', 'I don\'t have {np}, it\'s just a bit of a cold.',
    'She denies {np}, she only wants her form signed.', 'There\'s been no {np} at all, I\'m calling about my bill.', 'no {np} today just want to book the physical'],
  historical: ['I had {np} back in {YEAR} and it\'s been fine ever since.', 'Years ago my husband had {np}, nothing recent, the form just asks.', 'I was treated for {np} in {YEAR}, all resolved.',
    'she had {np} as a teenager but not since', 'The chart probably mentions {np} from {YEAR}, that\'s long over.'],
  hypothetical: ['What should I do if he has {np} again?', 'The discharge papers say to call 911 if I get {np}, is that right?', 'In case she ever has {np}, which hospital should we go to?',
    'if i ever get {np} do i go to urgent care or the er', 'I\'m just asking in general, what counts as {np}?'],
  'family-history': ['My mom has a history of {np}.', 'My father had {np} when he was in his fifties.', 'There\'s {np} on my dad\'s side, the new patient form asks about it.',
    'my grandmother had {np} so the doctor wanted to know', 'My late grandfather had {np}, it\'s on my family history form.'],
};
const NEG_WHOLE: Partial<Record<RedFlagCode, Partial<Record<NegKind, string[]>>>> = {
  infant_fever: {
    negated: ['The baby is three weeks old and has no fever, her temp is 98.4, I just want to check on feeding.', 'my newborn doesnt have a fever he just has a bit of a stuffy nose'],
    historical: ['When she was two weeks old she had a fever and was admitted, she\'s four now and fine.', 'our son had a fever as a newborn back in {YEAR} the records office needs those notes'],
    hypothetical: ['What temperature counts as a fever for a six week old? I want to know when to call.', 'if the baby gets a fever after the two month shots what should we do'],
    'family-history': ['My sister\'s babies all had fevers after shots, is that something that runs in families?'],
  },
  pregnancy_emergency: {
    negated: ['I\'m twenty weeks pregnant, no bleeding, no cramping, just calling to book my ultrasound.', 'shes pregnant and feeling fine no pain no bleeding just needs her prenatal vitamins'],
    historical: ['In my last pregnancy in {YEAR} I had preeclampsia, this time everything\'s been normal.', 'i had bleeding in my first pregnancy years ago but this one is fine'],
    hypothetical: ['What should I do if my water breaks early?', 'if i start bleeding during the pregnancy do i call you or go straight to labour and delivery'],
    'family-history': ['My mother had preeclampsia with all her pregnancies, should the midwife know?', 'my sister had a placental abruption so im nervous'],
  },
};
const MIMICS: [RedFlagCode, string][] = [
  ['seizure', 'I need a refill on my seizure medication, the Keppra, I\'m almost out.'], ['seizure', 'the neurologist wants to adjust my anti seizure meds can you send the notes'],
  ['severe_headache', 'I\'ve had a mild headache from staring at screens, Tylenol takes care of it.'], ['severe_headache', 'just a normal tension headache nothing unusual can i take ibuprofen with my other meds'],
  ['chest_pain', 'My chest is a bit congested from this cold, just a wet cough.'], ['chest_pain', 'i pulled a muscle in my chest wall at the gym it hurts when i press on it'],
  ['breathing_difficulty', 'My nose is stuffed up so I\'m breathing through my mouth at night.'], ['breathing_difficulty', 'im a little winded after climbing three flights which is normal for me'],
  ['severe_bleeding', 'I had a small nosebleed this morning and it stopped after five minutes.'], ['severe_bleeding', 'my gums bleed a little when i floss should i see a dentist'],
  ['anaphylaxis', 'My seasonal allergies are acting up, itchy eyes and sneezing.'], ['anaphylaxis', 'i need my epipen prescription renewed it expired last month'],
  ['loss_of_consciousness', 'I felt a bit lightheaded when I stood up too fast but I was fine after a second.'], ['loss_of_consciousness', 'he sleeps through his alarm every day can we talk about his sleep'],
  ['overdose_poisoning', 'I forgot whether I took my vitamin this morning, is it okay to take another?'], ['overdose_poisoning', 'the poison control magnet fell off the fridge do you have another one'],
  ['stroke_signs', 'My foot fell asleep from sitting cross-legged and it tingled for a minute.'], ['stroke_signs', 'my dad needs a refill on his blood thinner from his stroke clinic'],
  ['suicidal_ideation', 'This tax form is killing me, I need the doctor\'s signature on page two.'], ['suicidal_ideation', 'im dying to know if my results are in'],
  ['infant_fever', 'My six year old has a low fever of 99.8 and is playing normally.'], ['infant_fever', 'the baby is fever free and eating well we just need her two month shots booked'],
  ['pregnancy_emergency', 'I\'m pregnant and need a note for work saying I can\'t lift heavy boxes.'], ['pregnancy_emergency', 'im twelve weeks pregnant with some morning sickness totally normal just wanted to check'],
  ['severe_abdominal_pain', 'I\'ve got a bit of a stomach ache after too much pizza.'], ['severe_abdominal_pain', 'mild cramps with my period as usual can i get a refill on the naproxen'],
  ['head_injury', 'I bumped my head on the cupboard, no lump, no dizziness, feel completely normal.'], ['head_injury', 'he needs a helmet form signed for hockey'],
  ['sepsis_signs', 'I\'ve got a little cold with a temp of 99, otherwise I feel okay.'], ['sepsis_signs', 'the cut on my finger is healing fine no redness no fever'],
];
const RF_OPEN = ['Hi, I\'m calling because', 'Hello,', 'Um okay so', 'Sorry, hi,', '', '', 'Yes hello,', 'Please help,'];
const RF_CLOSE = ['What should I do?', 'Can someone help?', '', '', 'I didn\'t know who else to call.', 'Thanks.'];

function buildRedFlags(): { id: string; text: string; redFlags: RedFlagCode[]; kind?: NegKind }[] {
  const out: { id: string; text: string; redFlags: RedFlagCode[]; kind?: NegKind }[] = [];
  let n = 0;
  const finish = (raw: string, asrP: number): string => {
    const style: Style = chance(asrP) ? 'spoken' : 'written';
    const t = fillSimple(raw, style);
    return style === 'spoken' ? asrSentence(t) : t.replace(/\s+/g, ' ').trim();
  };
  for (const code of redFlagCodes) {
    for (const clause of RF_POS[code]) {
      const open = pick(RF_OPEN); const close = pick(RF_CLOSE);
      const garbled = clause === clause.toLowerCase();
      const text = finish([open, clause, close].filter(Boolean).join(' '), garbled ? 1 : 0.35);
      out.push({ id: `hc-rf-${pad(++n, 3)}`, text, redFlags: [code] });
    }
  }
  const kinds: Exclude<NegKind, 'mimic'>[] = ['negated', 'historical', 'hypothetical', 'family-history'];
  for (const kind of kinds) {
    let made = 0; let j = 0;
    while (made < 30) {
      const code = redFlagCodes[j++ % redFlagCodes.length]!;
      let raw: string | undefined;
      const whole = NEG_WHOLE[code]?.[kind];
      if (whole) raw = whole[Math.floor(j / redFlagCodes.length) % whole.length];
      else if (RF_NP[code].length && !(kind === 'family-history' && code === 'head_injury')) raw = pick(NEG_FRAMES[kind]).replace('{np}', pick(RF_NP[code]));
      if (!raw) continue;
      const text = finish(raw, 0.45);
      out.push({ id: `hc-rf-${pad(++n, 3)}`, text, redFlags: [], kind });
      made++;
    }
  }
  for (const [, raw] of MIMICS) out.push({ id: `hc-rf-${pad(++n, 3)}`, text: finish(raw, raw === raw.toLowerCase() ? 1 : 0.3), redFlags: [], kind: 'mimic' });
  return out;
}

// ---------------------------------------------------------------- main
function main(): void {
  const calls = Array.from({ length: 150 }, (_v, i) => buildCall(i));
  const counts: Record<string, { spoken: number; written: number }> = {};
  for (const c of calls) for (const s of c.spans) { (counts[s.type] ??= { spoken: 0, written: 0 })[c.style]++; }
  for (const t of phiTypes) {
    const c = counts[t];
    if (!c || c.spoken + c.written < 8 || !c.spoken || !c.written) throw new Error(`PHI type ${t} under-represented: ${JSON.stringify(c)}`);
  }
  // re-verify from the serialised form
  for (const c of calls) {
    const back = JSON.parse(JSON.stringify(c)) as PhiCall;
    verify(back.id, back.text, back.spans, c.spans.map((s) => c.text.slice(s.start, s.end)));
    const wc = wordCount(back.text);
    if (wc < 80 || wc > 400) throw new Error(`${c.id}: ${wc} words`);
  }
  const rts = buildRequestTypes();
  for (const code of requestTypeCodes) if (rts.filter((r) => r.types.includes(code)).length < 15) throw new Error(`request type ${code} < 15`);
  for (const r of rts) if (r.types.includes('urgent_emergency') && !r.types.includes('symptom_report')) throw new Error(`${r.id}: emergency without symptom_report`);
  const rfs = buildRedFlags();
  for (const code of redFlagCodes) if (rfs.filter((r) => r.redFlags.includes(code)).length !== 10) throw new Error(`red flag ${code} != 10`);
  if (rfs.filter((r) => r.kind).length !== 150) throw new Error('negatives != 150');
  const texts = new Set<string>();
  for (const t of [...calls.map((c) => c.text), ...rts.map((r) => r.text), ...rfs.map((r) => r.text)]) {
    if (!t.trim()) throw new Error('empty text');
    texts.add(t);
  }

  mkdirSync(OUT, { recursive: true });
  const jsonl = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  writeFileSync(join(OUT, 'phi-calls.jsonl'), jsonl(calls));
  writeFileSync(join(OUT, 'request-types.jsonl'), jsonl(rts));
  writeFileSync(join(OUT, 'red-flags.jsonl'), jsonl(rfs));

  const words = calls.map((c) => wordCount(c.text));
  const nSpans = calls.reduce((a, c) => a + c.spans.length, 0);
  process.stdout.write(`phi-calls: ${calls.length} (${calls.filter((c) => c.style === 'spoken').length} spoken), ${nSpans} spans, ${Math.min(...words)}-${Math.max(...words)} words, ` +
    `${calls.filter((c) => c.patient).length} with patient\n`);
  process.stdout.write(`per type: ${phiTypes.map((t) => `${t} ${counts[t]!.spoken}/${counts[t]!.written}`).join(', ')}\n`);
  process.stdout.write(`request-types: ${rts.length}; per code: ${requestTypeCodes.map((c) => `${c} ${rts.filter((r) => r.types.includes(c)).length}`).join(', ')}\n`);
  process.stdout.write(`red-flags: ${rfs.length} (${rfs.filter((r) => r.redFlags.length).length} positive, ${rfs.filter((r) => r.kind).length} negative); distinct texts ${texts.size}\n`);
}
main();
