/**
 * Held-out D: an independent fourth evaluation set for call understanding (synthetic).
 *
 *   npx tsx bench/eval/heldout-d/generate.ts     # rewrites bench/eval/data/heldout-d/ (deterministic)
 *
 * Written without looking at the detectors (src/nlp/, apart from the label contract), the other
 * splits' data, or their generators. Labels come from construction: every PHI value is inserted as
 * its own segment and its UTF-16 offsets are recorded when the text is assembled. Everything is
 * checked before anything is written, and the script throws on any failure. See README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Faker, base, de, en, en_AU, en_US, es_MX, fr, nl, pl, vi } from '@faker-js/faker';
import { phiTypes, redFlagCodes, requestTypeCodes } from '../../../src/nlp/analysis.types.ts';
import type { PatientContext, PhiType, RedFlagCode, RequestTypeCode } from '../../../src/nlp/analysis.types.ts';

const SEED = 11_232_026;
const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, '..', 'data', 'heldout-d');

// ------------------------------------------------------------------ random

class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }
  pick<T>(xs: readonly T[]): T { if (!xs.length) throw new Error('pick from empty list'); return xs[Math.floor(this.next() * xs.length)]!; }
  chance(p: number): boolean { return this.next() < p; }
  shuffle<T>(xs: readonly T[]): T[] {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(this.next() * (i + 1)); [a[i], a[j]] = [a[j]!, a[i]!]; }
    return a;
  }
  digits(n: number, firstMin = 0): string {
    let s = String(this.int(firstMin, 9));
    for (let i = 1; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
  letters(n: number, alphabet = 'ABCDEFGHJKLMNPRSTUVWXYZ'): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(0, alphabet.length - 1)]!;
    return s;
  }
}

// ------------------------------------------------------------------ number words

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen',
  'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORD_ONES = ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh',
  'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth'];
const ORD_TENS = ['', '', 'twentieth', 'thirtieth'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MON3 = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function two(n: number): string {
  if (n < 20) return ONES[n]!;
  return TENS[Math.floor(n / 10)]! + (n % 10 ? ' ' + ONES[n % 10]! : '');
}
function intWords(n: number, and = false): string {
  if (n < 100) return two(n);
  if (n < 1000) {
    const rest = n % 100;
    return ONES[Math.floor(n / 100)]! + ' hundred' + (rest ? (and ? ' and ' : ' ') + two(rest) : '');
  }
  if (n < 1_000_000) {
    const rest = n % 1000;
    return intWords(Math.floor(n / 1000), and) + ' thousand' + (rest ? (rest < 100 && and ? ' and ' : ' ') + intWords(rest, and) : '');
  }
  return String(n).split('').map((d) => ONES[Number(d)]!).join(' ');
}
/** Numbers as people say them in passing: "a hundred and two", "one oh one", "one fifty". */
function casualInt(n: number, r: Rng): string {
  if (n >= 100 && n < 200 && r.chance(0.4)) return 'a hundred' + (n % 100 ? (r.chance(0.6) ? ' and ' : ' ') + two(n % 100) : '');
  if (n >= 100 && n < 1000 && n % 100 !== 0 && r.chance(0.3)) {
    const rest = n % 100;
    return ONES[Math.floor(n / 100)]! + ' ' + (rest < 10 ? 'oh ' + ONES[rest]! : two(rest));
  }
  if (n >= 1100 && n < 2000 && n % 100 === 0 && r.chance(0.5)) return two(n / 100) + ' hundred';
  return intWords(n, r.chance(0.5));
}
function ordWords(n: number): string {
  if (n < 20) return ORD_ONES[n]!;
  if (n % 10 === 0) return ORD_TENS[n / 10]!;
  return TENS[Math.floor(n / 10)]! + ' ' + ORD_ONES[n % 10]!;
}
function ordSuffix(n: number): string {
  const t = n % 100;
  if (t >= 11 && t <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}
function yearWords(y: number, r: Rng): string {
  if (y >= 1900 && y < 2000) {
    const yy = y % 100;
    if (yy === 0) return 'nineteen hundred';
    if (yy < 10) return 'nineteen oh ' + ONES[yy]!;
    return 'nineteen ' + two(yy);
  }
  if (y >= 2000 && y < 2010) {
    if (y === 2000) return 'two thousand';
    return r.pick(['two thousand ', 'two thousand and ', 'two thousand ', 'twenty oh ']) + ONES[y - 2000]!;
  }
  if (y >= 2010 && y < 2100) return r.pick(['twenty ', 'twenty ', 'two thousand ', 'two thousand and ']) + two(y - 2000);
  return intWords(y);
}
/** Digits one by one, zero as "oh" or "zero", with "double"/"triple" for runs. */
function digitsSpoken(s: string, r: Rng, opts: { zero?: string; runs?: boolean } = {}): string {
  const zero = opts.zero ?? r.pick(['oh', 'oh', 'zero']);
  const runs = opts.runs ?? r.chance(0.4);
  const out: string[] = [];
  for (let i = 0; i < s.length;) {
    const ch = s[i]!;
    if (!/\d/.test(ch)) { out.push(ch.toLowerCase()); i++; continue; }
    const w = ch === '0' ? zero : ONES[Number(ch)]!;
    let run = 1;
    while (s[i + run] === ch) run++;
    if (runs && run >= 3) { out.push('triple ' + w); i += 3; continue; }
    if (runs && run >= 2) { out.push('double ' + w); i += 2; continue; }
    out.push(w); i++;
  }
  return out.join(' ');
}
/** A group of 2-4 digits the way people group them: "six seventeen", "eighteen ninety", "forty two hundred". */
function groupSpoken(g: string, r: Rng, zero: string): string {
  const n = Number(g);
  const style = r.next();
  if (g.length === 4) {
    if (g.endsWith('000') && g[0] !== '0' && style < 0.7) return ONES[Number(g[0])]! + ' thousand';
    if (g.endsWith('00') && g[0] !== '0' && style < 0.7) return two(Number(g.slice(0, 2))) + ' hundred';
    if (style < 0.45) {
      const a = g.slice(0, 2), b = g.slice(2);
      const half = (x: string) => (x[0] === '0' ? zero + ' ' + (x[1] === '0' ? zero : ONES[Number(x[1])]!) : two(Number(x)));
      return half(a) + ' ' + half(b);
    }
    return digitsSpoken(g, r, { zero });
  }
  if (g.length === 3) {
    if (g.endsWith('00') && g[0] !== '0' && style < 0.7) return ONES[Number(g[0])]! + ' hundred';
    if (g[1] !== '0' && g[0] !== '0' && style < 0.3) return ONES[Number(g[0])]! + ' ' + two(Number(g.slice(1)));
    return digitsSpoken(g, r, { zero });
  }
  if (g.length === 2 && g[0] !== '0' && style < 0.5) return two(n);
  return digitsSpoken(g, r, { zero });
}
/** Letters and digits one by one: "a b seven seven". */
function alnumSpoken(s: string, r: Rng, zero?: string): string {
  const z = zero ?? r.pick(['oh', 'zero']);
  const parts: string[] = [];
  let buf = '';
  const flush = () => { if (buf) { parts.push(digitsSpoken(buf, r, { zero: z })); buf = ''; } };
  for (const ch of s) {
    if (/\d/.test(ch)) buf += ch;
    else { flush(); if (/[a-z]/i.test(ch)) parts.push(ch.toLowerCase()); }
  }
  flush();
  return parts.join(' ');
}

// ------------------------------------------------------------------ text helpers

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ł/g, 'l').replace(/Ł/g, 'L').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/ø/g, 'o');
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const wordCount = (s: string) => s.split(/\s+/).filter(Boolean).length;

// ------------------------------------------------------------------ names

/**
 * Words that also occur as ordinary words in this set (traps, chatter, cues). No generated person has
 * a name token in this list, and a check at the end rejects any name token that occurs as a
 * literal word anywhere in the set.
 */
const BANNED_NAME_TOKENS = new Set(`will may bill mark april june august grace hope rose frank sunny jack page chase ivy pat dawn summer
penny joy faith art rich sue carol lane brook sandy ginger olive hazel pearl ruby robin jay bud don guy ray max amber holly iris daisy
crystal destiny heather lily violet sage river sky autumn winter spring storm king prince young long love lovely star do ho her moon song
gay way hill wood brown white black green gray grey price bell cash chance miles norm drew gene cliff dale glen wade rod patience justice
honor mercy hunter baker cook carter fisher an le la de du van von der den del da di al el son me my mi so no go be by ok us lee mae
dot sugar honey candy jade opal jewel misty stormy forrest woody jasmine rosemary basil saffron cole kit nick rob bob peg lance sterling
grant marshall earnest rusty dusty rocky buck reed bay banks hall street field park ward page case major judge mason tanner booth
bishop dean chin chu duc lo ha hang mai ho do vu thanh bao long xee cash nurse doctor happy merry harmony hale north south west east
march may ma pa ana ann anne sol mina mac les tim tom sam al ed hi hey yo you tu it is ja na ne ni nu vo can hand stone walker bartell meijer waters hermann vincent mercy baptist costco kroger publix walgreens lindqvist larry little hills to at on in or as if up we he she the and but for with from this that then than there they them what who why how when all any one two oh yes not`.split(/\s+/).filter(Boolean));

interface Person { first: string; last: string; origin: string; sex: Sex }
type Sex = 'f' | 'm';

/** Hand-written lists: given names by sex, family names (lastF/lastM where the form depends on sex). */
const HAND_NAMES: Record<string, { f: string[]; m: string[]; last: string[]; lastF?: string[]; lastM?: string[] }> = {
  nigerian: {
    f: ['Folasade', 'Temitope', 'Ngozi', 'Ifeoma', 'Adaeze', 'Funmilayo', 'Chiamaka', 'Yetunde', 'Ebere', 'Oluwakemi', 'Titilayo'],
    m: ['Adebayo', 'Oluwaseun', 'Chukwuemeka', 'Chinonso', 'Obinna', 'Babatunde', 'Kelechi', 'Nnamdi', 'Olamide', 'Ayodele', 'Chidubem'],
    last: ['Okonkwo', 'Adeyemi', 'Nwosu', 'Oladipo', 'Okafor', 'Adebanjo', 'Ogunleye', 'Nwachukwu', 'Akinola', 'Uzor', 'Afolabi',
      'Ibekwe', 'Onyeka', 'Oyelaran', 'Ezeudu', 'Adegoke', 'Anyanwu', 'Olatunji', 'Nnadi', 'Ogbonna'],
  },
  vietnamese: {
    f: ['Thuy', 'Huong', 'Linh', 'Phuong', 'Ngoc', 'Hoa', 'Nhung', 'Thao', 'Trang', 'Diep'],
    m: ['Minh', 'Quang', 'Tuan', 'Khanh', 'Hieu', 'Trung', 'Dung', 'Vinh', 'Phuc', 'Cuong'],
    last: ['Nguyen', 'Tran', 'Pham', 'Hoang', 'Huynh', 'Phan', 'Dang', 'Bui', 'Ngo', 'Duong', 'Truong', 'Dinh', 'Luong', 'Trinh'],
  },
  punjabi: {
    f: ['Manpreet', 'Jaswinder', 'Harpreet', 'Amandeep', 'Jasleen', 'Gurleen', 'Simranjit', 'Rupinder'],
    m: ['Gurpreet', 'Harjit', 'Balwinder', 'Kulwant', 'Rajinder', 'Navdeep', 'Paramjit', 'Sukhwinder', 'Harbhajan'],
    last: ['Sandhu', 'Gill', 'Dhillon', 'Grewal', 'Sidhu', 'Brar', 'Bains', 'Cheema', 'Randhawa', 'Virk', 'Toor', 'Sekhon', 'Bhullar', 'Aulakh'],
  },
  polish: {
    f: ['Agnieszka', 'Małgorzata', 'Zofia', 'Jadwiga', 'Katarzyna', 'Halina', 'Bożena', 'Wiesława'],
    m: ['Wojciech', 'Grzegorz', 'Krzysztof', 'Bartłomiej', 'Przemysław', 'Zbigniew', 'Jarosław', 'Radosław'],
    last: ['Kowalczyk', 'Kaczmarek', 'Wróbel', 'Pawlak', 'Michalak', 'Sikora'],
    lastF: ['Wiśniewska', 'Wróblewska', 'Szczepańska', 'Zielińska', 'Dąbrowska', 'Jankowska', 'Kowalska', 'Szymańska', 'Chmielewska'],
    lastM: ['Wiśniewski', 'Szczepański', 'Zieliński', 'Grabowski', 'Pawłowski', 'Przybylski', 'Chmielewski', 'Kowalski', 'Wojciechowski'],
  },
  haitian: {
    f: ['Wisline', 'Fabiola', 'Rodeline', 'Jocelyne', 'Guerline', 'Nadège', 'Kerline', 'Roselaure', 'Marie-Carmelle'],
    m: ['Dieudonné', 'Wilner', 'Frantz', 'Mackenson', 'Woodley', 'Jeanty', 'Wilbens', 'Ronald-Pierre'],
    last: ['Pierre-Louis', 'Desrosiers', 'Louissaint', 'Dorvilus', 'Celestin', 'Toussaint', 'Jean-Charles', 'Augustin', 'Fleurimond',
      'Etienne', 'Bazile', 'Exantus', 'Dorsainvil', 'Saintil', 'Jean-Baptiste', 'Pierrelus'],
  },
  navajo: {
    f: ['Shandiin', 'Nizhoni', 'Darlene', 'Loretta', 'Verna', 'Rolanda', 'Dezbah', 'Lorena', 'Bernadine'],
    m: ['Kee', 'Delbert', 'Marlon', 'Ahiga', 'Wilfred', 'Leland', 'Harrison'],
    last: ['Begay', 'Yazzie', 'Tsosie', 'Benally', 'Nez', 'Etsitty', 'Manygoats', 'Bitsui', 'Chee', 'Peshlakai', 'Bedonie', 'Clah', 'Tsinajinnie', 'Yellowhair', 'Attakai'],
  },
  hmong: {
    f: ['Pa Nhia', 'Nou', 'Yer', 'Blia', 'Shoua', 'Zoua', 'Youa', 'Kia', 'Mai Nou'],
    m: ['Kou', 'Tou', 'Pheng', 'Chue', 'Neng', 'Teng', 'Cher', 'Nhia', 'Fue'],
    last: ['Vang', 'Xiong', 'Yang', 'Thao', 'Moua', 'Lor', 'Vue', 'Khang', 'Chang', 'Kue', 'Cha', 'Thor'],
  },
  korean: {
    f: ['Seoyeon', 'Eunji', 'Jiyeon', 'Yejin', 'Soojin', 'Hyejin', 'Minseo'],
    m: ['Minjun', 'Hyunwoo', 'Sungmin', 'Dongwook', 'Taehyung', 'Jaehyun', 'Sangwoo', 'Jiwoo'],
    last: ['Kim', 'Park', 'Choi', 'Jung', 'Kang', 'Cho', 'Yoon', 'Jang', 'Lim', 'Shin', 'Seo', 'Kwon', 'Hwang', 'Ahn', 'Yoo', 'Jeon', 'Baek'],
  },
  irish: {
    f: ['Siobhán', 'Niamh', 'Aoife', 'Caoimhe', 'Róisín', 'Sadhbh', 'Gráinne', 'Fionnuala'],
    m: ['Ciarán', 'Pádraig', 'Oisín', 'Eoin', 'Tadhg', 'Cathal', 'Donnacha'],
    last: ["O'Donoghue", 'Fitzgerald', 'Brennan', 'Kavanagh', 'Geraghty', 'Moynihan', 'Mulcahy', 'Breathnach', "O'Sullivan", 'McGuinness', 'Cullinane', 'Hennessy'],
  },
};

const fakers: Record<string, Faker> = {
  en_US: new Faker({ locale: [en_US, en, base] }), en_AU: new Faker({ locale: [en_AU, en, base] }), es_MX: new Faker({ locale: [es_MX, en, base] }),
  fr: new Faker({ locale: [fr, en, base] }), de: new Faker({ locale: [de, en, base] }), nl: new Faker({ locale: [nl, en, base] }),
  pl: new Faker({ locale: [pl, en, base] }), vi: new Faker({ locale: [vi, en, base] }),
};
Object.values(fakers).forEach((f, i) => f.seed(SEED + 17 * (i + 1)));

const NAME_SOURCES: [string, number][] = [
  ['en_US', 4], ['en_AU', 2], ['es_MX', 2], ['fr', 1], ['de', 1], ['nl', 1], ['pl', 1], ['vi', 1],
  ['nigerian', 2], ['vietnamese', 2], ['punjabi', 2], ['polish', 1], ['haitian', 2], ['navajo', 2], ['hmong', 2], ['korean', 2], ['irish', 2],
];
const nameTokens = (s: string) => fold(s).toLowerCase().split(/[\s'-]+/).filter(Boolean);
const nameOk = (s: string) => s.length >= 2 && nameTokens(s).every((t) => t.length >= 2 && !BANNED_NAME_TOKENS.has(t)) && /^[\p{L}' -]+$/u.test(s);

function makePerson(r: Rng, origin?: string, sex?: Sex): Person {
  const src = origin ?? (() => {
    const total = NAME_SOURCES.reduce((a, [, w]) => a + w, 0);
    let x = r.next() * total;
    for (const [k, w] of NAME_SOURCES) { if ((x -= w) < 0) return k; }
    return 'en_US';
  })();
  const sx: Sex = sex ?? (r.chance(0.5) ? 'f' : 'm');
  for (let tries = 0; tries < 200; tries++) {
    let first: string, last: string;
    const hand = HAND_NAMES[src];
    if (hand) {
      first = r.pick(hand[sx]);
      const lastPool = [...hand.last, ...((sx === 'f' ? hand.lastF : hand.lastM) ?? [])];
      last = r.pick(lastPool);
    } else { const f = fakers[src]!; first = f.person.firstName(sx === 'f' ? 'female' : 'male'); last = f.person.lastName(sx === 'f' ? 'female' : 'male'); }
    if (nameOk(first) && nameOk(last)) return { first, last, origin: src, sex: sx };
  }
  throw new Error(`no acceptable name from ${src}`);
}

// ------------------------------------------------------------------ segments and assembly

type Style = 'spoken' | 'written';
interface Seg { t: string; phi?: PhiType; canon?: string }
const lit = (t: string): Seg => ({ t });
const phi = (type: PhiType, t: string, canon?: string): Seg => ({ t, phi: type, canon });
type Piece = Seg | Seg[] | string;
/** Tagged template: literal text plus segments. `S\`My cell is ${phone}.\`` */
function S(strings: TemplateStringsArray, ...vals: Piece[]): Seg[] {
  const out: Seg[] = [];
  strings.forEach((s, i) => {
    if (s) out.push(lit(s));
    if (i < vals.length) {
      const v = vals[i]!;
      if (typeof v === 'string') out.push(lit(v)); else if (Array.isArray(v)) out.push(...v); else out.push(v);
    }
  });
  return out;
}
interface Turn { who: 'Agent' | 'Caller'; segs: Seg[] }
interface Span { start: number; end: number; type: PhiType }

/** Literal numbers and symbols as a speech recogniser writes them out (used for spoken style only). */
function speakNumbers(t: string, r: Rng): string {
  return t
    .replace(/\$(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?/g, (_m, d: string, c?: string) => {
      const n = Number(d.replace(/,/g, ''));
      const dollars = (n >= 1100 && n < 2000 && r.chance(0.5) ? two(Math.floor(n / 100)) + ' hundred' + (n % 100 ? ' ' + two(n % 100) : '') : casualInt(n, r));
      if (c && c !== '00') return r.chance(0.5) ? `${dollars} dollars and ${two(Number(c))} cents` : `${dollars} ${two(Number(c))}`;
      return `${dollars} ${r.pick(['dollars', 'dollars', 'bucks'])}`;
    })
    .replace(/\b(\d{1,2}):(\d{2})\s*(a\.m\.|p\.m\.)?/g, (_m, h: string, mm: string, ap?: string) => {
      const hw = two(Number(h));
      const mw = mm === '00' ? r.pick(['', " o'clock"]) : mm.startsWith('0') ? ' oh ' + ONES[Number(mm[1])]! : ' ' + two(Number(mm));
      return hw + mw + (ap ? (ap.startsWith('a') ? ' a m' : ' p m') : '');
    })
    .replace(/\b(\d{1,2})\s?(a\.m\.|p\.m\.)/g, (_m, h: string, ap: string) => two(Number(h)) + (ap.startsWith('a') ? ' a m' : ' p m'))
    .replace(/\b(\d{2,3})\/(\d{2,3})\b/g, (_m, a: string, b: string) => `${casualInt(Number(a), r)} over ${casualInt(Number(b), r)}`)
    .replace(/\b(\d+)\.(\d+)\b/g, (_m, a: string, b: string) => `${casualInt(Number(a), r)} point ${b.split('').map((d) => ONES[Number(d)]!).join(' ')}`)
    .replace(/\b(\d+)(st|nd|rd|th)\b/g, (_m, a: string) => ordWords(Number(a)))
    .replace(/\b(19\d\d|20\d\d)\b/g, (_m, y: string) => yearWords(Number(y), r))
    .replace(/\b\d{1,3}(?:,\d{3})+\b/g, (m) => intWords(Number(m.replace(/,/g, '')), r.chance(0.5)))
    .replace(/\b\d+\b/g, (m) => casualInt(Number(m), r))
    .replace(/(\d|\b)\s?mg\b/g, '$1 milligrams').replace(/\bmcg\b/g, 'micrograms').replace(/\bmL\b/g, 'mils')
    .replace(/\s?°[FC]?/g, ' degrees').replace(/%/g, ' percent').replace(/#/g, ' number ').replace(/&/g, ' and ');
}
function spokenLiteral(t: string, r: Rng): string {
  let s = t.replace(/\bDr\. /g, () => (r.chance(0.6) ? 'doctor ' : 'dr ')).replace(/\bSt\. /g, 'saint ').replace(/\bMr\. /g, 'mister ')
    .replace(/\bMrs\. /g, 'missus ').replace(/\bMs\. /g, 'miz ').replace(/\bER\b/g, 'e r').replace(/\bGP\b/g, 'g p').replace(/\bMRI\b/g, 'm r i')
    .replace(/\bCT\b/g, 'c t').replace(/\bCPAP\b/g, 'see pap').replace(/\bDOB\b/g, 'd o b').replace(/\bID\b/g, 'i d').replace(/\bIP\b/g, 'i p')
    .replace(/\bMRN\b/g, 'm r n').replace(/\bNPI\b/g, 'n p i').replace(/\bDEA\b/g, 'd e a').replace(/\bVIN\b/g, 'v i n').replace(/\bSSN\b/g, 's s n')
    .replace(/\bBP\b/g, 'b p').replace(/\bA1C\b/g, 'a one c').replace(/\bPO\b/g, 'p o');
  s = speakNumbers(s, r);
  s = fold(s).toLowerCase().replace(/[’‘]/g, "'").replace(/[-–—/]/g, ' ').replace(/[.,?!;:"()[\]]/g, ' ').replace(/\s'|'\s/g, ' ');
  return s.replace(/[ \t]+/g, ' ');
}
const FILLERS = ['um', 'uh', 'um', 'uh', 'like', 'you know', 'i mean', 'so', 'erm', 'ah', 'okay', 'yeah', 'sort of', 'kind of'];
const REPEATABLE = new Set(['i', 'my', 'the', 'she', 'he', 'it', "it's", 'we', 'is', 'and', 'so', 'can', 'you', 'her', 'his', 'to', 'a', 'that', "i'm", "she's", "he's", 'was']);
/** Fillers, repeated words and false starts inside one literal stretch of spoken text. */
function disfluent(s: string, r: Rng, rate: number): string {
  const lead = s.startsWith(' ') ? ' ' : '', trail = s.endsWith(' ') ? ' ' : '';
  const words = s.trim().split(' ').filter(Boolean);
  if (!words.length) return s;
  const out: string[] = [];
  words.forEach((w, i) => {
    if (i > 0 && r.chance(rate)) out.push(r.pick(FILLERS));
    out.push(w);
    if (REPEATABLE.has(w) && r.chance(rate * 0.7)) out.push(w);
    if (i > 0 && i < words.length - 2 && r.chance(rate * 0.18)) out.push(...words.slice(Math.max(0, i - 1), i + 1)); // false start: "can you can you"
  });
  if (trail && r.chance(rate * 0.8)) out.push(r.pick(FILLERS));
  return lead + out.join(' ') + trail;
}

function assemble(turns: Turn[], style: Style, r: Rng): { text: string; spans: Span[]; canon: (string | undefined)[]; values: string[] } {
  const rate = r.pick([0.05, 0.08, 0.1, 0.14]);
  const segs: Seg[] = [];
  turns.forEach((turn, ti) => {
    if (style === 'written') {
      if (ti > 0) segs.push(lit('\n'));
      segs.push(lit(`${turn.who}: `));
      segs.push(...turn.segs);
    } else {
      if (ti > 0) segs.push(lit(' '));
      if (turn.who === 'Caller' && r.chance(0.35)) segs.push(lit(r.pick(['um ', 'uh ', 'yeah ', 'okay so ', 'right ', 'yes ', 'oh ', 'yeah no ']) + ' '));
      for (const s of turn.segs) segs.push(s.phi ? s : lit(disfluent(spokenLiteral(s.t, r), r, rate)));
    }
  });
  let text = '';
  const spans: Span[] = [];
  const canon: (string | undefined)[] = [];
  const values: string[] = [];
  for (const s of segs) {
    if (s.phi) {
      spans.push({ start: text.length, end: text.length + s.t.length, type: s.phi });
      canon.push(s.canon);
      values.push(s.t);
      text += s.t;
    } else if (s.t === '\n') {
      text = text.replace(/ +$/, '') + '\n';
    } else {
      let t = s.t.replace(/[ \t]+/g, ' ');
      if (text === '' || /[ \n]$/.test(text)) t = t.replace(/^ +/, '');
      text += t;
    }
  }
  text = text.replace(/\s+$/, '');
  return { text, spans, canon, values };
}

// ------------------------------------------------------------------ PHI values: written and spoken forms

interface Ctx { style: Style; r: Rng; region: Region; zero: string }
type Region = 'southern' | 'aussie' | 'irish' | 'indian' | 'general' | 'midwest';
const spoken = (c: Ctx) => c.style === 'spoken';

/** A name as it appears: spoken = folded lowercase; written = as recorded (sometimes without diacritics, as many EHRs store it). */
function nm(c: Ctx, s: string): string { return spoken(c) ? fold(s).toLowerCase().replace(/-/g, ' ') : c.r.chance(0.3) ? fold(s) : s; }
const NAME = (c: Ctx, s: string): Seg => phi('NAME', nm(c, s), s);
function fullName(c: Ctx, p: Person, reversible = false): Seg[] {
  if (reversible && !spoken(c) && c.r.chance(0.2)) return [NAME(c, p.last), lit(', '), NAME(c, p.first)];
  return [phi('NAME', `${nm(c, p.first)} ${nm(c, p.last)}`, `${p.first} ${p.last}`)];
}
function spelled(c: Ctx, s: string): Seg {
  const letters = fold(s).replace(/[^A-Za-z]/g, '').split('');
  if (spoken(c)) return phi('NAME', letters.map((l) => l.toLowerCase()).join(' '), s);
  return phi('NAME', letters.map((l) => l.toUpperCase()).join(c.r.pick(['-', ' ', '-'])), s);
}

interface PhoneVal { digits: string; e164: string; kind: 'us' | 'au' | 'ie' }
function newPhone(r: Rng, kind: 'us' | 'au' | 'ie' = 'us'): PhoneVal {
  if (kind === 'au') { const d = '04' + r.digits(8); return { digits: d, e164: '+61' + d.slice(1), kind }; }
  if (kind === 'ie') { const d = '08' + r.pick(['3', '5', '6', '7', '9']) + r.digits(7); return { digits: d, e164: '+353' + d.slice(1), kind }; }
  let area: string;
  do { area = r.digits(3, 2); } while (/^(.)\1\1$/.test(area) || area[1] === '9' || area.endsWith('11'));
  let exch: string;
  do { exch = r.digits(3, 2); } while (exch.endsWith('11') || exch === '555');
  // some line numbers are round, the way offices pick them: 4200, 3000
  const line = r.chance(0.12) ? r.digits(2, 1) + '00' : r.chance(0.04) ? r.digits(1, 1) + '000' : r.digits(4);
  const d = area + exch + line;
  return { digits: d, e164: '+1' + d, kind };
}
function renderPhone(c: Ctx, v: PhoneVal, type: 'PHONE' | 'FAX' = 'PHONE'): Seg[] {
  const d = v.digits, r = c.r;
  if (spoken(c)) {
    const groups = v.kind === 'au' ? [d.slice(0, 4), d.slice(4, 7), d.slice(7)] : [d.slice(0, 3), d.slice(3, 6), d.slice(6)];
    const x = r.next();
    if (x < 0.1) return [phi(type, groups.join(' '), v.e164)];
    if (x < 0.14) return [phi(type, d, v.e164)];
    const words = groups.map((g) => groupSpoken(g, r, c.zero));
    let body = words[0]!;
    for (let i = 1; i < words.length; i++) body += r.chance(0.08) ? ' then ' + words[i] : r.chance(0.05) ? ' uh ' + words[i] : ' ' + words[i];
    const cue = v.kind === 'us' && r.chance(0.3) ? [lit('area code ')] : [];
    return [...cue, phi(type, body, v.e164)];
  }
  const [a, b, e] = v.kind === 'au' ? [d.slice(0, 4), d.slice(4, 7), d.slice(7)] : [d.slice(0, 3), d.slice(3, 6), d.slice(6)];
  if (v.kind === 'au') return [phi(type, r.pick([`${a} ${b} ${e}`, `+61 ${d.slice(1, 4)} ${b} ${e}`, `${a}${b}${e}`]), v.e164)];
  if (v.kind === 'ie') return [phi(type, r.pick([`${a} ${b} ${e}`, `+353 ${d.slice(1, 3)} ${b} ${e}`, `(${a}) ${b}${e}`]), v.e164)];
  return [phi(type, r.pick([`(${a}) ${b}-${e}`, `${a}-${b}-${e}`, `${a}.${b}.${e}`, `${a} ${b} ${e}`, `+1 ${a}-${b}-${e}`, `1-${a}-${b}-${e}`,
    `${a}${b}${e}`, `(${a})${b}-${e}`, `+1 (${a}) ${b} ${e}`]), v.e164)];
}

interface DateVal { y: number; m: number; d: number }
const iso = (v: DateVal) => `${v.y}-${String(v.m).padStart(2, '0')}-${String(v.d).padStart(2, '0')}`;
const DAYS_IN = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function newDate(r: Rng, yLo: number, yHi: number): DateVal {
  const y = r.int(yLo, yHi), m = r.int(1, 12);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return { y, m, d: r.int(1, m === 2 && leap ? 29 : DAYS_IN[m - 1]!) };
}
function weekday(v: DateVal): string { return WEEKDAYS[new Date(Date.UTC(v.y, v.m - 1, v.d)).getUTCDay()]!; }
/** Day-first forms are used by Irish, Australian and Indian-English callers and some agents. */
function renderDate(c: Ctx, v: DateVal, withYear = true): Seg[] {
  const r = c.r, M = MONTHS[v.m - 1]!, mo = M.toLowerCase();
  const dayFirst = c.region === 'irish' || c.region === 'aussie' || c.region === 'indian';
  const canon = iso(v);
  if (spoken(c)) {
    const yw = withYear ? ' ' + (r.chance(0.2) && v.y < 2000 ? two(v.y % 100) : yearWords(v.y, r)) : '';
    const opts: (() => Seg[])[] = [
      () => [phi('DATE', `${mo} ${ordWords(v.d)}${yw}`, canon)],
      () => [lit('the '), phi('DATE', `${ordWords(v.d)} of ${mo}${yw}`, canon)],
      () => [lit('the '), phi('DATE', `${ordSuffix(v.d)} of ${mo}${yw}`, canon)],
      () => [phi('DATE', `${mo} the ${ordWords(v.d)}${yw}`, canon)],
      () => [phi('DATE', `${mo} ${two(v.d)}${yw}`, canon)],
      () => [phi('DATE', `${mo} ${ordSuffix(v.d)}${withYear ? ' ' + v.y : ''}`, canon)],
    ];
    if (withYear) {
      const mm = String(v.m).padStart(2, '0'), dd = String(v.d).padStart(2, '0'), yy = String(v.y % 100).padStart(2, '0');
      opts.push(
        () => [phi('DATE', `${groupSpoken(mm, r, c.zero)} ${groupSpoken(dd, r, c.zero)} ${r.chance(0.5) ? groupSpoken(yy, r, c.zero) : yearWords(v.y, r)}`, canon)],
        () => [phi('DATE', `${digitsSpoken(mm + dd, r, { zero: c.zero, runs: false })} ${yearWords(v.y, r)}`, canon)],
        () => [phi('DATE', `${v.m} ${v.d} ${r.chance(0.5) ? v.y : yy}`, canon)],
      );
      if (dayFirst) opts.push(() => [lit('the '), phi('DATE', `${ordWords(v.d)} of the ${ordWords(v.m)} ${yearWords(v.y, r)}`, canon)],
        () => [phi('DATE', `${two(v.d)} ${mo} ${yearWords(v.y, r)}`, canon)]);
    }
    if (dayFirst) opts.push(() => [lit('the '), phi('DATE', `${ordWords(v.d)} of ${mo}${yw}`, canon)]);
    return r.pick(opts)();
  }
  const mm = String(v.m).padStart(2, '0'), dd = String(v.d).padStart(2, '0'), yy = String(v.y % 100).padStart(2, '0');
  const f: string[] = withYear
    ? (dayFirst
      ? [`${v.d} ${M} ${v.y}`, `${dd}/${mm}/${v.y}`, `${ordSuffix(v.d)} of ${M} ${v.y}`, `${v.d}-${MON3[v.m - 1]}-${v.y}`, `${dd}.${mm}.${v.y}`, `${M} ${v.d}, ${v.y}`]
      : [`${mm}/${dd}/${v.y}`, `${v.m}/${v.d}/${yy}`, `${M} ${v.d}, ${v.y}`, `${MON3[v.m - 1]}. ${v.d}, ${v.y}`, `${v.y}-${mm}-${dd}`, `${v.m}-${v.d}-${v.y}`,
        `${M} ${ordSuffix(v.d)}, ${v.y}`, `${mm}${dd}${v.y}`])
    : (dayFirst ? [`${v.d} ${M}`, `${ordSuffix(v.d)} of ${M}`, `${v.d}/${v.m}`] : [`${M} ${v.d}`, `${M} ${ordSuffix(v.d)}`, `${MON3[v.m - 1]}. ${v.d}`, `${v.m}/${v.d}`]);
  const t = r.pick(f);
  if (t.startsWith(`${ordSuffix(v.d)} of`) && r.chance(0.5)) return [lit('the '), phi('DATE', t, canon)];
  return [phi('DATE', t, canon)];
}
/** Age over 89: the number only. */
function renderAge(c: Ctx, age: number): Seg {
  const r = c.r;
  if (spoken(c)) {
    if (age >= 100) return phi('AGE', r.pick([`a hundred${age > 100 ? ' and ' + ONES[age - 100] : ''}`, intWords(age, true), `one hundred${age > 100 ? ' ' + ONES[age - 100] : ''}`]), String(age));
    return phi('AGE', two(age), String(age));
  }
  return phi('AGE', r.chance(0.7) ? String(age) : (age < 100 ? two(age).replace(' ', '-') : intWords(age, true)), String(age));
}

// Identifiers: value generators and renderers. The cue stays outside the span.
function idSpoken(c: Ctx, v: string): string {
  // digits grouped the way the writer groups them (dashes/spaces), letters one by one
  const parts = v.split(/[-\s]+/).filter(Boolean);
  return parts.map((p) => (/^\d+$/.test(p) && p.length <= 4 && c.r.chance(0.35) ? groupSpoken(p, c.r, c.zero) : alnumSpoken(p, c.r, c.zero))).join(' ');
}
function idSeg(c: Ctx, type: PhiType, written: string, spokenForm?: string): Seg {
  return phi(type, spoken(c) ? (spokenForm ?? (c.r.chance(0.12) ? written.replace(/[-.]/g, ' ').toLowerCase() : idSpoken(c, written))) : written, written);
}
function newSsn(r: Rng): string {
  let a: number;
  do { a = r.int(1, 899); } while (a === 666);
  return `${String(a).padStart(3, '0')}-${String(r.int(1, 99)).padStart(2, '0')}-${String(r.int(1, 9999)).padStart(4, '0')}`;
}
function ssnSeg(c: Ctx): Seg {
  const v = newSsn(c.r);
  if (spoken(c)) return idSeg(c, 'SSN', v);
  return phi('SSN', c.r.pick([v, v.replace(/-/g, ' '), v.replace(/-/g, '')]), v);
}
function newMrn(r: Rng): string {
  return r.pick([() => '00' + r.digits(6), () => r.letters(2) + r.digits(6), () => r.digits(7, 1), () => 'M' + r.digits(7), () => r.digits(4, 1) + '-' + r.digits(4)])();
}
const MBI_L = 'ACDEFGHJKMNPQRTUVWXY';
function newMbi(r: Rng): string {
  const a = () => (r.chance(0.5) ? r.letters(1, MBI_L) : r.digits(1));
  return `${r.int(1, 9)}${r.letters(1, MBI_L)}${a()}${r.digits(1)}-${r.letters(1, MBI_L)}${a()}${r.digits(1)}-${r.letters(2, MBI_L)}${r.digits(2)}`;
}
function planId(r: Rng): { label: string; v: string } {
  return r.pick([
    () => ({ label: 'member ID', v: r.letters(3) + r.digits(9) }),
    () => ({ label: 'member number', v: r.letters(1) + r.digits(8) }),
    () => ({ label: 'policy number', v: r.digits(3, 1) + '-' + r.digits(4) + '-' + r.digits(3) }),
    () => ({ label: 'group number', v: r.digits(6) }),
    () => ({ label: 'Medicare number', v: newMbi(r) }),
    () => ({ label: 'Medicaid ID', v: r.letters(2) + r.digits(5) + r.letters(1) }),
    () => ({ label: 'subscriber ID', v: r.digits(11, 1) }),
  ])();
}
function newVin(r: Rng): string { return r.letters(17, 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789').replace(/^./, String(r.int(1, 5))); }
function newPlate(r: Rng): string {
  return r.pick([() => `${r.int(1, 9)}${r.letters(3)}${r.digits(3)}`, () => `${r.letters(3)}-${r.digits(4)}`, () => `${r.letters(3)} ${r.digits(3)}`, () => `${r.digits(3)} ${r.letters(3)}`, () => `${r.letters(2)}${r.digits(2)}${r.letters(2)}`])();
}

// Addresses: street line (with unit), city and ZIP are separate spans; the state is never labelled.
const STATES: [string, string][] = [['TX', 'Texas'], ['GA', 'Georgia'], ['LA', 'Louisiana'], ['MN', 'Minnesota'], ['AZ', 'Arizona'], ['NM', 'New Mexico'],
  ['WI', 'Wisconsin'], ['NC', 'North Carolina'], ['AL', 'Alabama'], ['IL', 'Illinois'], ['MA', 'Massachusetts'], ['CA', 'California'], ['FL', 'Florida']];
interface AddrVal { num: string; street: string; unit?: string; pobox?: string; city: string; state: [string, string]; zip: string; zip4?: string }
function newAddress(r: Rng): AddrVal {
  const f = fakers.en_US!;
  let street = f.location.street();
  for (let i = 0; i < 20 && !/^[A-Za-z' ]+$/.test(street); i++) street = f.location.street();
  let city = f.location.city();
  for (let i = 0; i < 20 && !/^[A-Za-z' ]+$/.test(city); i++) city = f.location.city();
  const a: AddrVal = { num: String(r.pick([r.int(2, 99), r.int(100, 999), r.int(1000, 9999), r.int(10000, 29999)])), street, city, state: r.pick(STATES), zip: r.digits(5, 1) };
  const u = r.next();
  if (u < 0.45) a.unit = r.pick([`Apt ${r.int(1, 40)}${r.pick(['', 'B', 'C', ''])}`, `Apartment ${r.int(1, 9)}${r.pick(['A', 'D', ''])}`, `Unit ${r.int(1, 300)}`,
    `Suite ${r.int(1, 6)}${r.digits(2)}`, `#${r.int(2, 120)}`, `Lot ${r.int(1, 90)}`, `Trailer ${r.int(1, 40)}`]);
  else if (u < 0.58) a.pobox = String(r.int(10, 99999));
  if (r.chance(0.15)) a.zip4 = r.digits(4);
  return a;
}
function houseNumSpoken(c: Ctx, n: string): string {
  const r = c.r, v = Number(n);
  if (n.length === 4 && r.chance(0.6)) return groupSpoken(n, r, c.zero);
  if (n.length === 3 && r.chance(0.5)) return ONES[Number(n[0])]! + ' ' + (n[1] === '0' ? c.zero + ' ' + ONES[Number(n[2])]! : two(Number(n.slice(1))));
  if (n.length <= 2) return two(v);
  return r.chance(0.5) ? digitsSpoken(n, r, { zero: c.zero }) : n;
}
function unitSpoken(c: Ctx, unit: string): string {
  return unit.replace(/^Apt /, c.r.pick(['apartment ', 'apt ', 'apartment number '])).replace(/^#/, 'number ').toLowerCase()
    .replace(/(\d+)([a-z]?)$/, (_m, d: string, l: string) => (c.r.chance(0.7) ? (d.length === 3 ? groupSpoken(d, c.r, c.zero) : casualInt(Number(d), c.r)) : d) + (l ? ' ' + l : ''));
}
function renderAddress(c: Ctx, a: AddrVal, withZip = true): Seg[] {
  const r = c.r;
  const [abbr, full] = a.state;
  if (spoken(c)) {
    const line = a.pobox
      ? `${r.pick(['p o box', 'po box', 'post office box', 'p o box'])} ${a.pobox.length <= 3 ? casualInt(Number(a.pobox), r) : groupSpokenLong(c, a.pobox)}`
      : `${houseNumSpoken(c, a.num)} ${a.street.toLowerCase()}${a.unit ? ' ' + unitSpoken(c, a.unit) : ''}`;
    const segs: Seg[] = [phi('ADDRESS', line, 'street'), lit(r.pick([' in ', ' ', ' that is in '])), phi('ADDRESS', a.city.toLowerCase(), 'city')];
    if (r.chance(0.7)) segs.push(lit(' ' + (r.chance(0.75) ? full.toLowerCase() : abbr.toLowerCase().split('').join(' '))));
    if (withZip) {
      const z = r.next() < 0.55 ? digitsSpoken(a.zip, r, { zero: c.zero }) : r.next() < 0.6 ? `${groupSpoken(a.zip.slice(0, 3), r, c.zero)} ${groupSpoken(a.zip.slice(3), r, c.zero)}` : a.zip;
      segs.push(lit(r.pick([' zip code ', ' zip ', ' ', ' and the zip is '])), phi('ADDRESS', z, 'zip'));
    }
    return segs;
  }
  const line = a.pobox ? `${r.pick(['P.O. Box', 'PO Box', 'P O Box', 'Post Office Box'])} ${a.pobox}` : `${a.num} ${a.street}${a.unit ? r.pick([', ', ' ']) + a.unit : ''}`;
  if (line.includes(', ')) {
    // "12 Oak St, Apt 4" keeps the unit in the street span
  }
  const segs: Seg[] = [phi('ADDRESS', line, 'street'), lit(', '), phi('ADDRESS', a.city, 'city'), lit(r.pick([', ', ' ']) + (r.chance(0.8) ? abbr : full))];
  if (withZip) segs.push(lit(' '), phi('ADDRESS', a.zip + (a.zip4 ? '-' + a.zip4 : ''), 'zip'));
  return segs;
}
function groupSpokenLong(c: Ctx, s: string): string {
  if (s.length === 4) return groupSpoken(s, c.r, c.zero);
  if (s.length === 5) return c.r.chance(0.5) ? digitsSpoken(s, c.r, { zero: c.zero }) : `${groupSpoken(s.slice(0, 2), c.r, c.zero)} ${groupSpoken(s.slice(2), c.r, c.zero)}`;
  return digitsSpoken(s, c.r, { zero: c.zero });
}

const DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'aol.com', 'comcast.net', 'att.net', 'bigpond.com', 'eircom.net',
  'protonmail.com', 'live.com', 'sbcglobal.net', 'optusnet.com.au', 'rediffmail.com', 'bellsouth.net'];
function newEmail(r: Rng, p: Person): string {
  const f = fold(p.first).toLowerCase().replace(/[^a-z]/g, ''), l = fold(p.last).toLowerCase().replace(/[^a-z]/g, '');
  const user = r.pick([`${f}.${l}`, `${f[0]}${l}${r.int(1, 99)}`, `${f}_${l[0]}`, `${l}${f[0]}${r.int(50, 99)}`, `${f}${r.int(1955, 2010)}`, `${f}-${l}`, `${l}.${f}${r.int(1, 9)}`]);
  return `${user}@${r.pick(DOMAINS)}`;
}
function emailSpoken(c: Ctx, e: string): string {
  const [user, dom] = e.split('@') as [string, string];
  const u = user.replace(/\./g, ' dot ').replace(/_/g, ' underscore ').replace(/-/g, ' dash ')
    .replace(/\d+/g, (d) => ' ' + (d.length === 4 && d.startsWith('19') ? yearWords(Number(d), c.r) : d.length === 2 && c.r.chance(0.6) ? two(Number(d)) : digitsSpoken(d, c.r, { zero: c.zero })) + ' ');
  return `${u} at ${dom.replace(/\./g, ' dot ')}`.replace(/\s+/g, ' ').trim();
}
function newUrl(r: Rng, p: Person): string {
  const f = fold(p.first).toLowerCase().replace(/[^a-z]/g, ''), l = fold(p.last).toLowerCase().replace(/[^a-z]/g, '');
  return r.pick([
    `https://www.caringbridge.org/visit/${f}${l}`, `gofundme.com/f/help-${f}-${l}-recover`, `https://photos.app.goo.gl/${r.letters(5, 'abcdefghkmnpqrstuvwxyzABCDEFGH')}${r.digits(3)}`,
    `www.facebook.com/${f}.${l}.${r.int(1, 99)}`, `https://${f}${l}.blogspot.com`, `dropbox.com/s/${r.letters(6, 'abcdefghkmnpqrstuvwxyz0123456789')}/rash.jpg`,
    `https://www.mealtrain.com/trains/${r.letters(6, 'abcdefghkmnpqrstuvwxyz0123456789')}`, `instagram.com/${f}_${l}`, `https://linktr.ee/${f}${l[0]}`,
  ]);
}
function urlSpoken(c: Ctx, u: string): string {
  return u.replace(/^https:\/\//, c.r.chance(0.3) ? 'h t t p s colon slash slash ' : '').replace(/^www\./, 'w w w dot ').replace(/www\./, 'w w w dot ')
    .replace(/\.com/g, ' dot com').replace(/\.org/g, ' dot org').replace(/\.ee/g, ' dot e e').replace(/\.gl/g, ' dot g l').replace(/\.jpg/g, ' dot j p g')
    .replace(/\./g, ' dot ').replace(/\//g, ' slash ').replace(/-/g, ' dash ').replace(/_/g, ' underscore ')
    .replace(/([a-z]*\d[a-z0-9]*)/gi, (m) => (m.length <= 8 && /[a-z]/i.test(m) && /\d/.test(m) ? alnumSpoken(m, c.r, c.zero) : /^\d+$/.test(m) ? digitsSpoken(m, c.r, { zero: c.zero }) : m))
    .toLowerCase().replace(/\s+/g, ' ').trim();
}
function newIp(r: Rng): string {
  return r.pick([() => `${r.pick([24, 67, 73, 98, 99, 108, 174, 203, 49, 110])}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`, () => `192.168.${r.int(0, 5)}.${r.int(2, 254)}`,
    () => `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`])();
}
function ipSpoken(c: Ctx, ip: string): string {
  const sep = c.r.pick([' dot ', ' dot ', ' point ']);
  return ip.split('.').map((o) => (o.length === 3 && c.r.chance(0.5) ? groupSpoken(o, c.r, c.zero) : o.length === 2 && c.r.chance(0.6) ? two(Number(o)) : digitsSpoken(o, c.r, { zero: c.zero }))).join(sep);
}
function newIpv6(r: Rng): string {
  const h = () => r.letters(r.int(1, 4), '0123456789abcdef').replace(/^0+(?=.)/, '');
  return `2601:${h()}:${h()}:${h()}::${h()}`;
}

// ------------------------------------------------------------------ traps (never labelled)

const DRUGS: [string, string, string][] = [
  ['metformin', '500 mg', 'twice a day'], ['Eliquis', '5 mg', 'twice daily'], ['levothyroxine', '75 mcg', 'every morning'], ['amlodipine', '10 mg', 'once a day'],
  ['gabapentin', '300 mg', 'three times a day'], ['sertraline', '50 mg', 'at night'], ['Ventolin', 'two puffs', 'when needed'], ['Panadol', '1000 mg', 'every six hours'],
  ['furosemide', '40 mg', 'in the morning'], ['prednisone', '20 mg', 'for five days'], ['Jardiance', '10 mg', 'daily'], ['insulin glargine', '22 units', 'at bedtime'],
  ['warfarin', '2.5 mg', 'Monday to Friday'], ['losartan', '50 mg', 'every day'], ['pantoprazole', '40 mg', 'before breakfast'], ['Nurofen', '400 mg', 'with food'],
  ['doxycycline', '100 mg', 'twice a day'], ['montelukast', '10 mg', 'at night'], ['tamsulosin', '0.4 mg', 'after supper'], ['Ozempic', '0.5 mg', 'once a week'],
  ['carvedilol', '12.5 mg', 'twice a day'], ['Keppra', '750 mg', 'morning and night'], ['hydrochlorothiazide', '25 mg', 'daily'], ['Symbicort', 'two puffs', 'morning and evening'],
];
const CLINICS = ['Magnolia Bend Family Practice', 'Southern Cross Medical Centre', 'Cedar Ridge Primary Care', 'Riverside Internal Medicine', 'Pinecrest Family Health',
  'Bluebonnet Community Clinic', 'Harbourview GP Clinic', 'Prairie Sky Health Center', 'Canyon Mesa Family Medicine', 'Lakeshore Primary Care Associates'];
const PHARMACIES = ['Walgreens', 'CVS', 'Chemist Warehouse', 'Kroger Pharmacy', 'Hy-Vee Pharmacy', 'the Costco pharmacy', 'Publix', 'H-E-B Pharmacy', 'Walmart Pharmacy',
  'Meijer Pharmacy', 'Boots', 'Rite Aid', 'Sav-On', 'the Bartell Drugs'];
const AGENCIES = ['Sunbelt Home Health', 'Bluebonnet Home Care', 'Coastal Visiting Nurses', 'Heartland Home Health', 'Desert Bloom Home Care'];
const HOSPITALS = ['Memorial Hermann', 'St. Vincent Medical Center', 'Mercy General', 'Baptist Health', 'the VA hospital', 'University Hospital'];

function drug(r: Rng, withFreq = true): string { const [n, d, f] = r.pick(DRUGS); return withFreq && r.chance(0.7) ? `${n} ${d} ${f}` : `${n} ${d}`; }
function trap(key: string, r: Rng): string {
  switch (key) {
    case 'DRUG': return drug(r);
    case 'DRUGN': return r.pick(DRUGS)[0];
    case 'TIME': return r.pick(['10:30', '9:15 a.m.', '4 p.m.', 'quarter past nine', 'half two', 'about 3', 'noon', '7:45', 'after lunch', '11 a.m.', '2:40', 'ten to five']);
    case 'SUPPLY': return r.pick(['90 tablets', 'a 30 day supply', '3 refills left', '60 capsules', 'a box of 100 test strips', 'two inhalers', '28 days', 'twelve patches', 'one refill']);
    case 'TEMP': return r.pick(['101.4', '102', '38.6 degrees', '99.8', '100.9', '39.1 degrees', '103', '37.9']);
    case 'MONEY': return r.pick(['$45', '$120.50', '$1,240.18', '$15', '$300', '$62', '$85', '$1,900']);
    case 'YEAR': return r.pick(['2019', '2008', '1997', '2021', '2015', '1986', '2012', '2003', '1974']);
    case 'TRAPAGE': return String(r.int(19, 89));
    case 'BP': return r.pick(['150/95', '132/84', '168/101', '118/76', '141/88']);
    case 'SUGAR': return r.pick(['280', '64', '310', '145', '97']);
    case 'WEIGHT': return r.pick(['185 pounds', 'eleven stone', '72 kilos', '140 pounds', 'nine and a half stone']);
    case 'CLINIC': return r.pick(CLINICS);
    case 'PHARM': return r.pick(PHARMACIES);
    case 'HOSP': return r.pick(HOSPITALS);
    case 'COUNT': return String(r.int(2, 14));
    case 'SATS': return `${r.int(91, 99)}%`;
    case 'MONTH': return r.pick(['April', 'June', 'August', 'March', 'October', 'January']);
    case 'OLDYEAR': return String(r.int(1901, 1909));
    default: throw new Error(`unknown trap ${key}`);
  }
}
const fillTraps = (t: string, r: Rng) => t.replace(/\{([A-Z]+)\}/g, (_m, k: string) => trap(k, r));

// PHI-free chatter (40-80 words per call), by region and by who is calling. {SLOTS} are traps.
const CHATTER: Record<string, string[]> = {
  general: [
    'Sorry, the dog is going mad at the mailman, give me one second.',
    'I have been taking the {DRUG} like the doctor said, no missed doses.',
    'The copay last time was {MONEY}, which is a lot for us right now.',
    'The same thing happened back in {YEAR} and it cleared up on its own.',
    'I will say the front desk people have always been good to us.',
    'May I ask how long the wait usually is these days?',
    'My bill from last month still has not come in the mail.',
    'The thermometer said {TEMP} this morning but it came down after breakfast.',
    'We usually pick everything up from {PHARM} because it is close.',
    'They drew blood at the lab and said it looked okay.',
    'I put some ginger ale and crackers by the bed for now.',
    'The rash looks like poison ivy but it does not itch at all.',
    'I take the first pill at {TIME} with my coffee.',
    'The label on the bottle says {SUPPLY}, if that helps.',
    'The cuff at the grocery store read {BP}, but those machines are never right.',
    'The sugar reading rose to {SUGAR} after the birthday cake, so that is on us.',
    'Any chance the nurse could look at it before the weekend?',
    'I drove forty miles for the last visit, so I would rather sort it by phone.',
    'There has been a bit of weight loss too, about {WEIGHT} now.',
    'We were told to pat it dry and keep it covered, and we have.',
    'Honestly I hope it is nothing, but better safe than sorry.',
    'It started in {MONTH}, on and off, nothing dramatic.',
    'The art class at the senior center is the only outing these days.',
    'I tried honey and lemon and it helped a little.',
    'The house is old, built in {OLDYEAR}, so the stairs are steep for us.',
  ],
  southern: [
    'Well, bless her heart, my sister has been fixing to call y\'all all week.',
    'I reckon it is the pollen, everything is coated yellow down here.',
    'Yes ma\'am, I can hold, take your time.',
    'My sister-in-law swears by apple cider vinegar but I told her I would ask y\'all first.',
    'It has been hotter than blazes, ninety eight degrees on the porch by noon.',
    'We might could come in after church if there is an opening.',
    'Y\'all were so sweet to us last time, I told everybody at Bible study.',
    'Mama always said not to bother the doctor over little things, but here I am.',
  ],
  aussie: [
    'G\'day, sorry, bit of a racket here with the kids home.',
    'No worries if the doctor is flat out, I can wait till the arvo.',
    'The chemist reckoned it would be fine, but I wanted to check with the GP.',
    'We are only over here visiting family for a few weeks.',
    'Temp was {TEMP} last night, which had us a bit worried.',
    'I paid {MONEY} at the walk-in place, which is heaps more than back home.',
    'A bit crook since Tuesday, nothing major.',
    'Fair dinkum, I have been on hold with the insurance mob for an hour.',
    'Cheers for that, you have been a legend.',
  ],
  irish: [
    'I am after ringing the out-of-hours line already, but they said to try yourselves.',
    'Sure look, it is grand, it is only a small thing really.',
    'There was a lot of giving out about the tablets, they are the size of a horse pill.',
    'The tablets are in the press in the kitchen, I will grab them now.',
    'It is fierce cold here, so nobody is going out much at all.',
    'Half two is the earliest I could get over to you, if that suits.',
    'A bit under the weather, nothing to write home about.',
    'Thanks a million, you are very good.',
  ],
  indian: [
    'Kindly do the needful, I am having this problem since two days only.',
    'The {DRUGN} is being taken itself, no change in the dose.',
    'I am telling you the same thing I told to the other lady this morning.',
    'What is the procedure for this, please revert at the earliest.',
    'We are staying at my cousin brother\'s place for now.',
    'My mother-in-law is very particular about the timings of her tablets.',
    'I have already paid {MONEY}, kindly check the system.',
  ],
  midwest: [
    'Oh, for Pete\'s sake, the snow is coming down sideways out here.',
    'Ope, sorry, let me just sneak past the kids and find a pen.',
    'We are about an hour out of town so I try to bundle errands together.',
    'You betcha, I can do that, no trouble at all.',
    'We do not like to make a fuss, so if we are calling it is real.',
  ],
  older: [
    'Hold on, dear, let me find my glasses.',
    'I do not hear so well on this telephone, you will have to speak up for me.',
    'My grandson set up this new phone and I cannot work all the buttons.',
    'I have been a patient there since {YEAR}, back when the old doctor had the practice.',
    'My neighbour is {TRAPAGE} and she still drives, but not me.',
    'The print on these pill bottles is so small I need a magnifying glass.',
  ],
  teen: [
    'Like, my mom is right here but her English is not great so I am doing the talking.',
    'Sorry, I literally have to leave for school at {TIME}.',
    'Okay, thank you, that is what we needed to know.',
    'I am sixteen, is that okay for me to call?',
    'Hang on, they are saying something, okay, it is worse at night apparently.',
  ],
  interpreter: [
    'I am the interpreter on the line, I will relay everything word for word.',
    'The patient says the pain is better in the morning and worse after work.',
    'The patient is asking if the {DRUGN} can be taken with food.',
    'One moment please, I am interpreting for the patient now.',
    'The patient is saying she understands and agrees.',
  ],
  pharmacist: [
    'We have the script here but the quantity reads {SUPPLY}.',
    'Insurance is showing a reject code, so I wanted to check before we fill anything.',
    'Our tech already faxed over once but nothing came back.',
    'I am showing a potential interaction with the {DRUGN} the patient is already on.',
    'We are open till nine tonight if that helps.',
    'The patient is waiting in the drive-through, so no rush, but soon would be great.',
    'We can do a partial fill of {SUPPLY} to tide things over.',
    'The last fill was back in {MONTH}, so the timing looks right.',
    'Cash price without insurance would be {MONEY}, which is not going to work.',
    'Our system flagged the dose as higher than usual, so I am just double checking.',
    'I tried your e-prescribing line first but it kept dropping.',
  ],
  nurse: [
    'I am out at the home visit right now.',
    'Vitals today were BP {BP}, temp {TEMP}, sats {SATS} on room air.',
    'The wound is looking cleaner, less drainage than on Monday.',
    'Family is doing a good job with the {DRUGN} and the dressing changes.',
    'The patient is using the walker and the bathroom grab bars are in.',
    'Blood sugar this morning was {SUGAR} before breakfast.',
    'Pain is about a four out of ten, manageable with the {DRUGN}.',
    'Lungs sound clear, a little swelling in both ankles.',
    'I will be back out on Thursday for the next visit.',
    'The dressing supplies should last {COUNT} more days.',
  ],
  pro: [
    'Sorry, it is a bit noisy on my end.',
    'I have a couple of other calls to make after this, so thanks for picking up.',
    'I will note the time of this call at {TIME} in our chart.',
    'Your hold music is very cheerful, I will give you that.',
  ],
};
const AGENT_SMALL = ['No problem, take your time.', 'I understand, that sounds frustrating.', 'Okay, I am just making a note of that.',
  'Alright, bear with me while the system loads.', 'Got it, thank you for explaining.', 'Mm-hm, go on.', 'Okay, no rush at all.'];

// ------------------------------------------------------------------ calls

type CallerKind = 'self' | 'older' | 'teen' | 'adultchild' | 'spouse' | 'interpreter' | 'pharmacist' | 'nurse';
interface Call {
  c: Ctx; kind: CallerKind; patient: Person; dob: DateVal; age?: number; pPhone: PhoneVal; mrn: string;
  caller?: Person; rel: string; she: boolean; staff: Person; doc: Person; clinic: string; org: string; language: string;
  phonesSaid: Set<string>; mrnSaid: boolean; chatterWords: number; needPatientPhone: boolean;
}
const A = (...segs: Seg[][]): Turn => ({ who: 'Agent', segs: segs.flat() });
const C = (...segs: Seg[][]): Turn => ({ who: 'Caller', segs: segs.flat() });
const L = (t: string): Seg[] => [lit(t)];
const self = (k: Call) => k.kind === 'self' || k.kind === 'older';
const poss = (k: Call) => (self(k) ? 'my' : k.she ? 'her' : 'his');
const subj = (k: Call) => (self(k) ? 'I' : k.she ? 'she' : 'he');
const obj = (k: Call) => (self(k) ? 'me' : k.she ? 'her' : 'him');
const isPro = (k: Call) => k.kind === 'pharmacist' || k.kind === 'nurse';
/** A trap-filled sentence; counted as chatter when it comes from the chatter pools. */
const T = (k: Call, t: string): Seg[] => [lit(fillTraps(t, k.c.r))];

function callbackTurns(k: Call): Turn[] {
  const { c } = k, r = c.r;
  const turns: Turn[] = [];
  const ask = r.pick(['What is the best number to reach you on?', 'And a good callback number?', 'What number should the nurse call back on?',
    'Can I confirm the phone number?', 'Is there a number we can get you at today?']);
  turns.push(A(L(ask)));
  const callerPhone = isPro(k) || !self(k) ? newPhone(r, c.region === 'aussie' && r.chance(0.4) ? 'au' : c.region === 'irish' && r.chance(0.4) ? 'ie' : 'us') : k.pPhone;
  const ph = renderPhone(c, callerPhone);
  k.phonesSaid.add(callerPhone.e164);
  const line = r.pick([
    () => S`Yeah, it is ${ph}.`, () => S`You can reach me at ${ph}.`, () => S`My cell is ${ph}, that is the best one.`,
    () => S`Best to ring me on ${ph}.`, () => S`${ph}, and if I do not pick up just leave a message.`, () => S`Call ${ph} any time after ${trap('TIME', r)}.`,
    () => S`The number is ${ph}.`, () => S`It's ${ph}, that's my mobile.`,
  ])();
  turns.push(C(line));
  if (!self(k) && (k.needPatientPhone || r.chance(0.5))) {
    const pp = renderPhone(c, k.pPhone);
    k.phonesSaid.add(k.pPhone.e164);
    turns.push(C(r.pick([() => S`${cap(poss(k))} own number on file is ${pp}, but call me first.`, () => S`And the patient's home phone is ${pp}.`,
      () => S`${cap(poss(k))} house phone is ${pp} if you cannot get me.`])()));
  }
  if (r.chance(0.55)) {
    const again = renderPhone(c, callerPhone);
    turns.push(A(r.pick([() => S`Let me read that back: ${again}.`, () => S`So that is ${again}?`, () => S`Okay, I have ${again}.`])()));
    turns.push(C(L(r.pick(['That is right.', 'Yep.', 'Correct.', 'Spot on.', 'Yes, that is it.']))));
  }
  return turns;
}

function verifyTurns(k: Call): Turn[] {
  const { c } = k, r = c.r, p = k.patient;
  const ask = r.pick(['Can I get the patient\'s full name and date of birth?', 'What is the name and birthday on the chart?',
    'Okay, who are we talking about today? Name and date of birth, please.', 'Could you verify the name and date of birth for me?',
    'Just to pull up the chart, name and DOB?']);
  const dob = renderDate(c, k.dob, true);
  const nameSegs: Seg[] = r.chance(0.2)
    ? S`first name ${NAME(c, p.first)}, last name ${NAME(c, p.last)}`
    : fullName(c, p, true);
  const sp: Seg[] = r.chance(0.4) ? S`, that is ${spelled(c, p.last)},` : [];
  let line: Seg[];
  switch (k.kind) {
    case 'self': line = r.pick([() => S`Yeah, it is ${nameSegs}${sp} ${dob}.`, () => S`Sure, ${nameSegs}${sp} and my date of birth is ${dob}.`,
      () => S`It's ${nameSegs}${sp} born ${dob}.`, () => S`${nameSegs}${sp} D O B ${dob}.`])(); break;
    case 'older': line = r.pick([() => S`It is ${nameSegs}, dear${sp} and I was born ${dob}.`, () => S`This is ${nameSegs}${sp} my birthday is ${dob}.`])(); break;
    case 'interpreter': line = r.pick([() => S`She says her name is ${nameSegs}${sp} and she was born on ${dob}.`, () => S`The patient says ${nameSegs}${sp} date of birth ${dob}.`])(); break;
    case 'pharmacist': case 'nurse': line = r.pick([() => S`Patient is ${nameSegs}${sp} DOB ${dob}.`, () => S`Sure, patient name ${nameSegs}${sp} date of birth ${dob}.`])(); break;
    default: line = r.pick([() => S`${cap(poss(k))} name is ${nameSegs}${sp} and ${poss(k)} birthday is ${dob}.`, () => S`It is under ${nameSegs}${sp} born ${dob}.`,
      () => S`${nameSegs}${sp} date of birth ${dob}.`])();
  }
  return [A(L(ask)), C(line)];
}

function introTurns(k: Call): Turn[] {
  const { c } = k, r = c.r;
  const staff = NAME(c, k.staff.first);
  const greet = r.pick([() => S`Thank you for calling ${k.clinic}, this is ${staff}, how can I help?`, () => S`${k.clinic}, ${staff} speaking.`,
    () => S`Good morning, ${k.clinic}, you are speaking with ${staff}.`, () => S`Hi, ${k.clinic} front desk, ${staff} here.`,
    () => S`Thanks for holding, this is ${staff}.`])();
  const cp = k.caller!;
  let intro: Seg[];
  switch (k.kind) {
    case 'self': intro = r.pick([() => S`Hi, this is ${fullName(c, cp)}.`, () => S`Hey there, my name's ${NAME(c, cp.first)}.`, () => S`Hiya, it's ${fullName(c, cp)} here.`,
      () => S`Hello, yes, hi.`])(); break;
    case 'older': intro = r.pick([() => S`Hello? Yes, hello dear, this is ${fullName(c, cp)} calling.`, () => S`Is this the doctor's office? Good. It is ${NAME(c, cp.first)}.`])(); break;
    case 'teen': intro = r.pick([() => S`Hi, um, I'm calling for my ${k.rel}, ${fullName(c, k.patient)}. I'm ${NAME(c, cp.first)}.`,
      () => S`Hey, so my ${k.rel} asked me to call, I'm ${NAME(c, cp.first)}.`])(); break;
    case 'adultchild': intro = r.pick([() => S`Hi, this is ${NAME(c, cp.first)}, I am calling about my ${k.rel}, ${fullName(c, k.patient)}.`,
      () => S`Hello, ${fullName(c, cp)} here, calling on behalf of my ${k.rel}.`])(); break;
    case 'spouse': intro = r.pick([() => S`Hi, it's ${fullName(c, cp)}, I'm calling for my ${k.rel} ${NAME(c, k.patient.first)}.`,
      () => S`Good afternoon, this is ${NAME(c, cp.first)}, my ${k.rel} is a patient of Dr. ${NAME(c, k.doc.last)}.`])(); break;
    case 'interpreter': intro = r.pick([() => S`Hello, this is ${fullName(c, cp)}, ${k.language} interpreter, I have the patient on the line with me.`,
      () => S`Hi, I'm a ${k.language} interpreter, my name is ${NAME(c, cp.first)}, and I'm calling with a patient.`])(); break;
    case 'pharmacist': intro = r.pick([() => S`Hi, this is ${NAME(c, cp.first)}, pharmacist at ${k.org}, calling about a mutual patient.`,
      () => S`Hi there, ${NAME(c, cp.first)} ${NAME(c, cp.last)} from ${k.org}, I need to check on a prescription.`])(); break;
    case 'nurse': intro = r.pick([() => S`Hi, this is ${fullName(c, cp)}, I'm a home health nurse with ${k.org}, seeing one of your patients.`,
      () => S`Hello, ${NAME(c, cp.first)} calling from ${k.org}, I'm the visiting nurse for one of Dr. ${NAME(c, k.doc.last)}'s patients.`])(); break;
  }
  return [A(greet), C(intro)];
}

function reasonTurn(k: Call): Turn {
  const { c } = k, r = c.r, doc = NAME(c, k.doc.last);
  const byKind: Record<CallerKind, (() => Seg[])[]> = {
    self: [() => T(k, 'I am calling because I am nearly out of my {DRUG}.'), () => S`Dr. ${doc} told me to ring if the cough was not better, and it is not.`,
      () => T(k, 'I need a note for work, I have been off sick since Monday.'), () => T(k, 'My bill came and it is way more than I expected, {MONEY}.'),
      () => S`I had my bloods done for Dr. ${doc} and I have not heard anything.`],
    older: [() => T(k, 'The pharmacy says I need a new prescription for my {DRUG}.'), () => S`I have been dizzy when I stand up and Dr. ${doc} said to call.`,
      () => T(k, 'I need somebody to fill in the form for my walker.')],
    teen: [() => T(k, `${cap(subj(k))} needs to, like, refill ${poss(k)} {DRUGN}, ${subj(k)} has {COUNT} left.`), () => S`${cap(subj(k))} wants to move ${poss(k)} appointment with Dr. ${doc}.`,
      () => T(k, `${cap(subj(k))} got a letter from the insurance and we do not get it.`)],
    adultchild: [() => S`My ${k.rel} has been more confused this week and I wanted Dr. ${doc} to know.`, () => T(k, `${cap(subj(k))} fell on Sunday, nothing broken, but ${subj(k)} is sore.`),
      () => T(k, `We need a copy of ${poss(k)} records for the new care home.`)],
    spouse: [() => T(k, 'The swelling in the ankles is back and the {DRUGN} is not touching it.'), () => S`Dr. ${doc} wanted an update on the blood sugars.`,
      () => T(k, 'We got a letter about a referral and we are not sure what to do.')],
    interpreter: [() => T(k, `The patient is saying ${subj(k)} has had pain in the knee for two weeks.`), () => T(k, `${cap(subj(k))} says ${subj(k)} finished the {DRUGN} and still has the cough.`),
      () => T(k, `${cap(subj(k))} is asking about the forms for ${poss(k)} disability claim.`)],
    pharmacist: [() => S`We got a script from Dr. ${doc} for ${drug(r)} and the quantity does not match.`, () => T(k, 'We need a refill authorization for {DRUG}.'),
      () => T(k, 'The plan wants a prior authorization on the {DRUGN}.')],
    nurse: [() => S`I am doing the start of care visit and need orders signed by Dr. ${doc}.`, () => T(k, 'The patient\'s weight is up {COUNT} pounds in three days.'),
      () => T(k, 'I need to update you on the wound and get the dressing orders renewed.')],
  };
  return C(r.pick(byKind[k.kind])());
}

type ModName = 'fax' | 'email' | 'ssn' | 'mrn' | 'plan' | 'account' | 'license' | 'address' | 'url' | 'ip' | 'vehicle' | 'device' | 'otherid' | 'age' | 'visit' | 'relative';
const MODS: ModName[] = ['fax', 'email', 'ssn', 'mrn', 'plan', 'account', 'license', 'address', 'url', 'ip', 'vehicle', 'device', 'otherid', 'age', 'visit', 'relative'];

function modTurns(k: Call, m: ModName): Turn[] {
  const { c } = k, r = c.r, P = cap(poss(k)), pz = poss(k);
  switch (m) {
    case 'fax': {
      const f = renderPhone(c, newPhone(r, 'us'), 'FAX');
      if (isPro(k)) return [C(r.pick([() => S`Our fax is ${f}, attention ${k.kind === 'nurse' ? 'intake' : 'pharmacy'}.`, () => S`You can fax it back to ${f}.`,
        () => S`Fax number here is ${f}.`])())];
      return [A(L(r.pick(['Where would you like us to send it?', 'How do you want the paperwork sent?']))),
        C(r.pick([() => S`Fax is fine, ${f}.`, () => S`Can you fax it to ${f}? That is the fax at work.`, () => S`The fax at the care home is ${f}.`,
          () => S`Send it by fax, the number is ${f}.`])())];
    }
    case 'email': {
      const who = !self(k) && !isPro(k) && r.chance(0.5) ? k.caller! : k.patient;
      const e = newEmail(r, who);
      const seg = phi('EMAIL', spoken(c) ? emailSpoken(c, e) : e, e);
      return [A(L(r.pick(['What email should we use?', 'Do you want that sent through email?', 'Is there an email on the account?']))),
        C(r.pick([() => S`Yes, email it to ${seg}.`, () => S`It is ${seg}.`, () => S`The portal login is ${seg}, all lowercase.`, () => S`Use ${seg}, I check that one every day.`])())];
    }
    case 'ssn': {
      const s = ssnSeg(c);
      return [A(L(r.pick(['For the disability paperwork I need the social security number.', 'The form needs a social, do you have it?']))),
        C(r.pick([() => S`It is ${s}.`, () => S`${P} social is ${s}.`, () => S`Social security number ${s}.`, () => S`Okay, ${s}.`])())];
    }
    case 'mrn': {
      k.mrnSaid = true;
      const s = idSeg(c, 'MRN', k.mrn);
      if (isPro(k)) return [C(r.pick([() => S`We have ${pz} MRN as ${s}.`, () => S`The medical record number on the referral is ${s}.`])())];
      return [A(L(r.pick(['Do you have the MRN handy, from the bracelet or a letter?', 'Is there a chart number on any of the paperwork?']))),
        C(r.pick([() => S`Yes, MRN ${s}.`, () => S`${P} chart number is ${s}.`, () => S`The medical record number is ${s}, it is on the letter.`, () => S`Hang on, MRN is ${s}.`])())];
    }
    case 'plan': {
      const { label, v } = planId(r);
      const s = idSeg(c, 'HEALTH_PLAN_ID', v);
      return [A(L(r.pick(['And can you read me the insurance card?', 'Do you have the insurance information?', 'Which plan is it under now?']))),
        C(r.pick([() => S`${P} ${label} is ${s}.`, () => S`Sure, ${label} ${s}.`, () => S`On the card the ${label} says ${s}.`])())];
    }
    case 'account': {
      const v = r.pick([() => r.digits(8, 1), () => 'A' + r.digits(7), () => `${r.digits(4, 1)}-${r.digits(4)}-${r.digits(2)}`, () => r.digits(10, 1), () => `${r.digits(6, 1)}-${r.digits(2)}`])();
      const s = idSeg(c, 'ACCOUNT', v);
      return [A(L(r.pick(['Do you have the account number from the statement?', 'Which account is the bill under?']))),
        C(r.pick([() => S`The statement says account number ${s}.`, () => S`Yeah, account ${s}.`, () => S`Guarantor account ${s}, it is in my name.`,
          () => S`It is account ${s}, and the balance is ${trap('MONEY', r)}.`])())];
    }
    case 'license': {
      if (k.kind === 'pharmacist') {
        const npi = r.pick(['1', '2']) + r.digits(9);
        const dea = r.pick(['A', 'B', 'F', 'M']) + r.letters(1) + r.digits(7);
        return [C(r.pick([() => S`My NPI is ${idSeg(c, 'LICENSE', npi)} if you need it.`, () => S`The prescriber DEA on the script reads ${idSeg(c, 'LICENSE', dea)}, which does not match what we have.`,
          () => S`For the record, pharmacy NPI ${idSeg(c, 'LICENSE', npi)}.`])())];
      }
      if (k.kind === 'nurse') return [C(r.pick([() => S`My nursing license number is ${idSeg(c, 'LICENSE', r.digits(7, 1))}, if you need it for the orders.`,
        () => S`You can put my R N license on it, ${idSeg(c, 'LICENSE', r.digits(6, 1))}.`])())];
      const dl = r.pick([() => r.letters(1) + r.digits(7), () => `${r.digits(3)}-${r.digits(3)}-${r.digits(3)}`, () => `${r.letters(1)}${r.digits(3)}-${r.digits(4)}-${r.digits(4)}`, () => r.digits(8, 1)])();
      return [A(L('For the form we need a photo ID number.')), C(r.pick([() => S`${P} driver's license number is ${idSeg(c, 'LICENSE', dl)}.`,
        () => S`Driver license ${idSeg(c, 'LICENSE', dl)}.`, () => S`The license says ${idSeg(c, 'LICENSE', dl)}.`])())];
    }
    case 'address': {
      const a = newAddress(r);
      if (k.kind === 'nurse') return [C(S`I am at the home at ${renderAddress(c, a, r.chance(0.5))}.`)];
      return [A(L(r.pick(['Is the mailing address still current?', 'What address should it go to?', 'Can I confirm the address?']))),
        C(r.pick([() => S`We moved, it is ${renderAddress(c, a)} now.`, () => S`Send it to ${renderAddress(c, a)}.`, () => S`It is ${renderAddress(c, a)}.`,
          () => S`No, it changed, ${renderAddress(c, a)}.`])())];
    }
    case 'url': {
      const u = newUrl(r, r.chance(0.7) ? k.patient : (k.caller ?? k.patient));
      const s = phi('URL', spoken(c) ? urlSpoken(c, u) : u, u);
      return [C(r.pick([() => S`I put pictures of the rash up at ${s} so the doctor can have a look.`, () => S`We have been posting updates on ${s}.`,
        () => S`The billing lady asked for the fundraiser page, it is ${s}.`, () => S`There is a video of the tremor at ${s}.`])())];
    }
    case 'ip': {
      const ip = !spoken(c) && r.chance(0.25) ? newIpv6(r) : newIp(r);
      const s = phi('IP', spoken(c) ? ipSpoken(c, ip) : ip, ip);
      return [C(L('I cannot get into the patient portal at all.')), A(r.pick([() => S`It looks like the logins came from IP address ${s}, is that your computer?`,
        () => S`The system blocked the address ${s} after too many tries.`])()),
      C(r.pick([() => S`The error page says my IP is ${s}.`, () => L('Yes, that is the home computer.'), () => L('That would be my laptop, yeah.')])())];
    }
    case 'vehicle': {
      const plate = newPlate(r), vin = newVin(r);
      return [C(r.pick([() => S`${P} car got towed from your lot, the plate is ${idSeg(c, 'VEHICLE', plate)}.`,
        () => S`For the accident paperwork they want the VIN, it is ${idSeg(c, 'VEHICLE', vin)}.`, () => S`The disabled parking form needs the plate number, ${idSeg(c, 'VEHICLE', plate)}.`,
        () => S`The van with the ramp is plate ${idSeg(c, 'VEHICLE', plate)}, if security asks.`])())];
    }
    case 'device': {
      const v = r.pick([() => r.letters(3) + r.digits(6), () => r.digits(11, 1), () => `${r.letters(2)}${r.digits(7)}${r.letters(1)}`, () => r.letters(2) + r.digits(1) + r.letters(2) + r.digits(1), () => `${r.digits(4, 1)}-${r.digits(4)}`])();
      const s = idSeg(c, 'DEVICE', v);
      return [C(r.pick([() => S`The pacemaker card says serial ${s}.`, () => S`${P} insulin pump serial is ${s}, it keeps alarming.`,
        () => S`The CPAP is beeping, the serial number on the bottom is ${s}.`, () => S`The CGM transmitter ID is ${s}.`, () => S`${P} hearing aid is SN ${s}.`,
        () => S`The oxygen concentrator has serial ${s} on the sticker.`])())];
    }
    case 'otherid': {
      return [C(r.pick([
        () => S`The travel letter needs ${pz} passport number, ${idSeg(c, 'OTHER_ID', r.letters(1) + r.digits(8))}.`,
        () => S`${P} employee ID for the work note is ${idSeg(c, 'OTHER_ID', 'E' + r.digits(5))}.`,
        () => S`The student ID for the school form is ${idSeg(c, 'OTHER_ID', 'S' + r.digits(8))}.`,
        () => S`The county caseworker gave us case number ${idSeg(c, 'OTHER_ID', `CS-${r.digits(6, 1)}`)}.`,
        () => S`The workers comp claim reference is ${idSeg(c, 'OTHER_ID', `WC${r.digits(2)}-${r.digits(6)}`)}.`,
        () => S`${P} USCIS number is ${idSeg(c, 'OTHER_ID', 'A' + r.digits(9))}.`,
      ])())];
    }
    case 'age': {
      const a = renderAge(c, k.age!);
      if (k.kind === 'older') return [C(r.pick([() => S`I am ${a}, dear, so forgive me if I am slow.`, () => S`I turned ${a} this year, can you believe it.`])())];
      if (k.kind === 'nurse') return [C(r.pick([() => spoken(c) ? S`patient is ${a} years old and lives alone.` : S`Patient is a ${a}-year-old, lives alone.`, () => S`${cap(subj(k))} is ${a} and still very independent.`])())];
      return [C(r.pick([() => S`${cap(subj(k))} is ${a} now and still sharp as a tack.`, () => S`${cap(subj(k))} is ${a} years old, so we worry.`, () => S`Keep in mind ${subj(k)} is ${a}.`])())];
    }
    case 'visit': {
      const v = { y: 2026, m: r.int(9, 12), d: 0 };
      v.d = r.int(1, DAYS_IN[v.m - 1]!);
      const d = renderDate(c, v, r.chance(0.3));
      const wd = weekday(v);
      return [C(r.pick([() => S`${cap(subj(k))} was last seen on ${d}.`, () => S`The surgery is booked for ${wd}, ${d}.`, () => S`${P} follow-up got moved to ${d}.`,
        () => S`We were in the ER on ${d} and they said to follow up with you.`, () => S`The scan was done ${wd} ${d}.`])())];
    }
    case 'relative': {
      const rp = makePerson(r, r.chance(0.5) ? k.patient.origin : undefined, 'f'), rm = makePerson(r, r.chance(0.5) ? k.patient.origin : undefined, 'm');
      if (k.kind === 'teen') return [C(r.pick([() => S`My aunt ${NAME(c, rp.first)} can talk to you too if I am at school.`, () => S`My uncle is ${fullName(c, rm)}, he is the emergency contact.`])())];
      return [C(r.pick([() => S`${P} daughter ${NAME(c, rp.first)} usually does the driving.`, () => S`You can also talk to ${pz} son, ${fullName(c, rm)}.`,
        () => S`The neighbour, ${NAME(c, rp.first)}, checks in on ${obj(k)} most days.`, () => S`If I am not there ask for ${fullName(c, rp)}, that is ${pz} partner.`])())];
    }
  }
}

const LANGUAGES: [string, string][] = [['Vietnamese', 'vietnamese'], ['Punjabi', 'punjabi'], ['Hmong', 'hmong'], ['Haitian Creole', 'haitian'], ['Navajo', 'navajo'],
  ['Polish', 'polish'], ['Yoruba', 'nigerian'], ['Korean', 'korean'], ['Spanish', 'es_MX']];
const REGION_ORIGINS: Record<Region, string[]> = {
  southern: ['en_US', 'en_US', 'haitian', 'vietnamese', 'es_MX', 'nigerian'], aussie: ['en_AU', 'en_AU', 'vietnamese', 'korean', 'irish'],
  irish: ['irish', 'irish', 'polish', 'nigerian', 'en_US'], indian: ['punjabi', 'punjabi', 'en_US'], general: ['en_US', 'fr', 'de', 'nl', 'pl', 'vi', 'korean', 'haitian', 'hmong'],
  midwest: ['en_US', 'hmong', 'navajo', 'de', 'nl', 'polish'],
};

interface PhiRow { id: string; style: Style; text: string; patient?: PatientContext; spans: Span[] }

interface Built { row: PhiRow; canon: (string | undefined)[]; values: string[]; chatterWords: number; dobIso: string }
function buildCall(idx: number, style: Style, withContext: boolean, r: Rng, maxMods = 5): Built {
  const region: Region = r.pick(['southern', 'aussie', 'irish', 'indian', 'general', 'midwest', 'southern', 'general']);
  const c: Ctx = { style, r, region, zero: r.pick(['oh', 'oh', 'zero']) };
  const kind: CallerKind = r.pick(['self', 'self', 'self', 'older', 'teen', 'adultchild', 'spouse', 'interpreter', 'pharmacist', 'nurse']);
  const lang = r.pick(LANGUAGES);
  const origin = kind === 'interpreter' ? lang[1] : r.chance(0.6) ? r.pick(REGION_ORIGINS[region]) : undefined;
  const rel = kind === 'teen' ? r.pick(['mom', 'dad', 'grandma', 'mum']) : kind === 'adultchild' ? r.pick(['mother', 'father', 'mum', 'dad', 'mom'])
    : kind === 'spouse' ? r.pick(['wife', 'husband', 'partner']) : '';
  const she = ['mom', 'mum', 'grandma', 'mother', 'wife'].includes(rel) ? true : ['dad', 'father', 'husband'].includes(rel) ? false : r.chance(0.55);
  const patient = makePerson(r, origin, she ? 'f' : 'm');
  const caller = self({ kind } as Call) ? patient : makePerson(r, kind === 'teen' || kind === 'spouse' ? patient.origin : undefined);
  let doc = makePerson(r), staff = makePerson(r);
  while (doc.last === patient.last) doc = makePerson(r);
  while (staff.first === patient.first) staff = makePerson(r);

  // optional modules: two forced by rotation (so every type shows up in both styles), the rest random
  const allowAge = ['older', 'adultchild', 'spouse', 'interpreter', 'nurse'].includes(kind);
  const proOk: Partial<Record<CallerKind, ModName[]>> = {
    pharmacist: ['fax', 'mrn', 'plan', 'license', 'address', 'otherid', 'visit'],
    nurse: ['fax', 'mrn', 'plan', 'license', 'address', 'device', 'age', 'visit', 'relative', 'otherid'],
  };
  const pool = MODS.filter((m) => (m !== 'age' || allowAge) && (proOk[kind]?.includes(m) ?? true));
  const forced = [MODS[idx % MODS.length]!, MODS[(idx * 7 + 3) % MODS.length]!].filter((m) => pool.includes(m));
  const want = Math.min(r.int(3, 5), maxMods);
  const mods = new Set<ModName>(forced);
  if (kind === 'pharmacist' || kind === 'nurse') mods.add('license');
  if (kind === 'older' && r.chance(0.6)) mods.add('age');
  for (const m of r.shuffle(pool)) { if (mods.size >= want) break; mods.add(m); }

  const age = mods.has('age') ? r.int(90, 104) : undefined;
  let dob: DateVal;
  if (age !== undefined) {
    dob = newDate(r, 1900, 1940);
    dob.y = 2026 - age - ((dob.m > 11 || (dob.m === 11 && dob.d > 23)) ? 1 : 0);
    if (dob.m === 2 && dob.d === 29) dob.d = 28;
  } else {
    const yr: Record<CallerKind, [number, number]> = { self: [1950, 2007], older: [1934, 1950], teen: [1958, 1992], adultchild: [1928, 1962], spouse: [1940, 1996],
      interpreter: [1936, 2006], pharmacist: [1935, 2008], nurse: [1928, 1975] };
    dob = newDate(r, ...yr[kind]);
  }

  const k: Call = {
    c, kind, patient, dob, age, pPhone: newPhone(r, region === 'aussie' && r.chance(0.25) ? 'au' : region === 'irish' && r.chance(0.25) ? 'ie' : 'us'), mrn: newMrn(r),
    caller, rel, she, staff, doc, clinic: r.pick(CLINICS), org: kind === 'pharmacist' ? r.pick(PHARMACIES) : r.pick(AGENCIES), language: lang[0],
    phonesSaid: new Set(), mrnSaid: false, chatterWords: 0, needPatientPhone: withContext,
  };

  // chatter: 40-80 words of PHI-free talk from the region, the caller kind and the general pool
  const target = r.int(40, 80);
  const k0 = { kind } as Call;
  const chatterPools = isPro(k0) ? [CHATTER[kind]!, CHATTER[kind]!, CHATTER.pro!]
    : [CHATTER[region] ?? [], CHATTER.general!, CHATTER[kind === 'adultchild' || kind === 'spouse' || kind === 'self' ? 'general' : kind] ?? CHATTER.general!];
  const chatter: string[] = [];
  const used = new Set<string>();
  for (let tries = 0; tries < 400 && k.chatterWords < target; tries++) {
    const t = r.pick(r.pick(chatterPools));
    if (used.has(t)) continue;
    const filled = fillTraps(t, r);
    if (k.chatterWords + wordCount(filled) > 80) continue;
    used.add(t); chatter.push(filled); k.chatterWords += wordCount(filled);
  }

  const body: Turn[][] = [[reasonTurn(k)], ...[...mods].map((m) => modTurns(k, m)), callbackTurns(k)];
  // chatter goes into new caller turns or onto the end of caller turns, spread through the body
  for (const ch of chatter) {
    const at = r.int(0, body.length - 1);
    const grp = body[at]!;
    const last = grp[grp.length - 1]!;
    if (last.who === 'Caller' && r.chance(0.6)) last.segs.push(lit(' ' + ch));
    else { grp.push(C(L(ch))); if (r.chance(0.3)) grp.push(A(L(r.pick(AGENT_SMALL)))); }
  }
  const doc2 = NAME(c, k.doc.last);
  const closerA = r.pick([() => S`Okay, I will send this over to Dr. ${doc2} and someone will get back to you.`, () => S`Alright, I have put a message in for Dr. ${doc2}'s nurse.`,
    () => S`I will flag it for ${NAME(c, makePerson(r, undefined, 'f').first)} on Dr. ${doc2}'s team, she handles these.`, () => S`Thanks, I will pass it to Dr. ${doc2} today.`]);
  const closerC = r.pick(['Thanks so much, bye now.', 'Cheers, bye.', 'Thank you kindly.', 'Thanks a million, bye bye.', 'Okay, thank you, bye.', 'Alright, thank you dear.', 'Perfect, thanks.']);
  const turns: Turn[] = [...introTurns(k), ...verifyTurns(k), ...body.flat(), A(closerA()), C(L(closerC))];

  const { text, spans, canon, values } = assemble(turns, style, r);
  const row: PhiRow = { id: `hd-phi-${String(idx + 1).padStart(3, '0')}`, style, text, spans };
  if (withContext) {
    const phones = [...k.phonesSaid].filter((p) => p === k.pPhone.e164);
    row.patient = { name: `${fold(patient.first)} ${fold(patient.last)}`, birthDate: iso(dob), phones, mrn: k.mrn };
    const { spans: sp, ...rest } = row;
    return { row: { ...rest, spans: sp }, canon, values, chatterWords: k.chatterWords, dobIso: iso(dob) };
  }
  return { row, canon, values, chatterWords: k.chatterWords, dobIso: iso(dob) };
}

// ------------------------------------------------------------------ request types

/** Primary sentences, 15 per code. Provider-to-provider entries carry what the caller asks for. */
const RT_PRIMARY: Record<RequestTypeCode, (string | [string, RequestTypeCode])[]> = {
  prescription_refill: [
    'I am down to my last two blood pressure pills and need the prescription renewed.',
    'Can the doctor send more of my thyroid tablets to the chemist?',
    'My inhaler is empty and the pharmacy says there are no refills left on it.',
    'I need a new script for my metformin, the old one ran out.',
    'Could you put through a repeat of my cholesterol tablets, please?',
    'She has run out of her seizure tablets and needs a refill sent today.',
    'The mail order pharmacy needs a new prescription for my insulin pens.',
    'I am going overseas for a month and need an extra supply of my medication before I go.',
    'Can I get my antidepressant refilled, I have three left.',
    'My eye drops are finished and the bottle says to contact the prescriber.',
    'I need the water pill renewed, the pharmacy said it expired.',
    'Please send my ADHD medication to the new pharmacy on Main, the old one closed.',
    'Is it possible to get the nausea tablets refilled, they really helped.',
    'My dad needs his pain patches renewed before the weekend.',
    'I would like the prescription for my birth control continued for another year.',
  ],
  appointment: [
    'I need to move my Thursday appointment to sometime next week.',
    'Can I book in for a physical before the end of the year?',
    'I would like to see the doctor about my knee, what is the first opening?',
    'I have to cancel tomorrow morning, something came up at work.',
    'Is there any chance of a same-week slot with the nurse practitioner?',
    'My son needs his sports physical booked before the season starts.',
    'Could you schedule a telehealth visit instead of coming in?',
    'I want to set up a follow-up visit for my blood pressure.',
    'Do you have anything on a Saturday for a new patient visit?',
    'I missed my appointment yesterday and need to rebook.',
    'Can I get my mother in for her annual wellness visit?',
    'I would like to come in for the flu shot, when can I come?',
    'Please put me on the cancellation list for an earlier time.',
    'I need to reschedule the pap smear, I will be travelling that week.',
    'Could we book a longer slot so we can go over everything with the doctor?',
  ],
  symptom_report: [
    'I have had a sore throat and a low fever for four days now.',
    'My ankle is still swollen a week after I rolled it.',
    'The rash on my arm is spreading a little and it is itchy.',
    'I have been getting heartburn every night after dinner.',
    'My daughter has had a runny nose and a cough since the weekend.',
    'I keep getting dizzy for a second when I stand up too fast.',
    'My ears have been ringing on and off for about two weeks.',
    'The new tablets are giving me an upset stomach in the mornings.',
    'I have a bit of a dry cough that will not go away.',
    'My lower back has been aching since I moved house.',
    'There is a small lump on my neck that I just noticed.',
    'I have been really tired and thirsty all the time lately.',
    'His eczema is flaring up again behind the knees.',
    'My wife has had diarrhoea on and off for three days.',
    'I have some burning when I pee since yesterday.',
  ],
  test_results: [
    'I had blood work last week and wanted to know if the results are back.',
    'Are my scan results in yet from the hospital?',
    'I am calling to find out what my cholesterol numbers were.',
    'Did the biopsy come back yet, I am a bit anxious about it.',
    'I got a notification that my lab results are ready, what do they mean?',
    'Can someone go over my urine test results with me?',
    'I did the sleep study two weeks ago and have not heard the outcome.',
    'What did the X-ray on my wrist show?',
    'I want to know if my A1C went down since last time.',
    'Were the strep swab results positive or negative?',
    'My mum had a bone density scan and we are waiting on the report.',
    'Is the Covid test back for my son yet?',
    'The ultrasound was done Monday, has the doctor looked at it?',
    'I need my thyroid results explained, the portal just shows numbers.',
    'Could you tell me whether my pap smear was normal?',
  ],
  referral: [
    'I need a referral to a dermatologist for a mole.',
    'The physio says I need a referral from my doctor before they can see me.',
    'Can the doctor refer me to a cardiologist like we talked about?',
    'I would like to be referred to a specialist for my migraines.',
    'My son needs a referral to an allergist.',
    'The orthopaedic office says they never got the referral.',
    'Could you send a referral to a counsellor for my anxiety?',
    'I need to see a gastroenterologist and they want a referral first.',
    'Can you refer my mother to a memory clinic?',
    'I am asking for a referral to an ENT about my hearing.',
    'The eye doctor wants a referral letter from you.',
    'I need a new referral because the old one expired.',
    'Please refer me to a podiatrist for my diabetic foot checks.',
    'Could I be referred to a dietitian to help with my weight?',
    'My daughter needs to be referred to speech therapy.',
  ],
  billing_insurance: [
    'I got a bill for a visit that my insurance should have covered.',
    'I was charged twice for the same day, can you check it?',
    'My insurance changed on the first and I need to give you the new details.',
    'Why was I charged for a preventive visit?',
    'Can I set up a payment plan for the balance I owe?',
    'The explanation of benefits says the claim was denied for coding.',
    'I have a question about the amount on my statement.',
    'Do you take Medicaid, or do I need to pay out of pocket?',
    'The lab sent me to collections and I never got a bill.',
    'My deductible should have been met by now, why is there a charge?',
    'Can you resubmit the claim with the correct insurance?',
    'I need an itemised receipt for my health savings account.',
    'I think my copay was entered wrong on the last statement.',
    'Is the travel insurance from home something you can bill directly?',
    'Who do I talk to about a refund for an overpayment?',
  ],
  prior_authorization: [
    'The pharmacy says my Ozempic needs a prior authorization before they can fill it.',
    'My insurance will not approve the MRI until the doctor sends a prior auth.',
    'Has the prior authorization for my knee injection been submitted yet?',
    'They told me the new inhaler needs pre-approval from my plan.',
    'Can you check on the status of the prior auth for my sleep study?',
    'The specialist said my surgery is waiting on authorization from the insurance.',
    'The plan denied the prior authorization, can the doctor appeal it?',
    'My CPAP supplies need a new authorization for this year.',
    'The insurance wants the doctor to fill out a prior approval form for my migraine shots.',
    'Is there an update on the authorization for my physical therapy visits?',
    'I was told the prior auth for my Humira expired and needs to be redone.',
    'The imaging center will not book the scan without the authorization number.',
    'My son\'s ADHD medication needs a prior authorization every year and it has lapsed.',
    'The infusion center says they are still waiting on the prior authorization.',
    'Can the doctor do a peer to peer with the insurance to get the authorization through?',
  ],
  medical_records: [
    'I need a copy of my medical records sent to my new GP.',
    'Can you send my immunisation record so I can enrol in college?',
    'I would like all my records transferred to a clinic in another state.',
    'How do I get a copy of my MRI report for my own files?',
    'The specialist needs my last three years of notes from your office.',
    'I need my child\'s vaccination history for daycare.',
    'Could you release my records to my lawyer, I signed the form?',
    'I want a printed copy of my chart before I move overseas.',
    'The surgeon asked for my recent office notes and lab history.',
    'Can I get my X-ray images put on a disc?',
    'I need proof of my tetanus shot for work, the record from your office.',
    'Please send a copy of the discharge summary to my cardiologist.',
    'I am requesting my full medical history for a disability application.',
    'Could you forward my allergy testing results to the allergist?',
    'My new doctor says they never received my chart, can you resend it?',
  ],
  callback_request: [
    'I missed a call from this number and I am just returning it.',
    'Could the nurse give me a ring when she has a minute?',
    'Please have the doctor call me back, I would rather talk to her directly.',
    'Someone left me a voicemail but did not say what it was about.',
    'I would like a call back from the office manager.',
    'Can somebody ring me back after four, I am at work until then.',
    'The nurse said she would call me yesterday and I never heard back.',
    'I need to speak to someone in person, can you have them phone me?',
    'Can the care coordinator call me back this afternoon?',
    'I got a missed call and a text saying to phone the clinic.',
    'Please ask Dr. Lindqvist\'s assistant to return my call.',
    'Just leave a message with whoever can ring me back today.',
    'I have been waiting for a call back since Monday.',
    'Could the pharmacist on your team call me when she is free?',
    'My husband will not be home till late, so please call me on the mobile instead.',
  ],
  urgent_emergency: [
    'My husband is having crushing chest pain right now and he is grey and sweaty.',
    'My little boy cannot breathe properly, his lips are going blue.',
    'My mum\'s face has dropped on one side and she cannot lift her arm.',
    'He took a whole bottle of his sleeping tablets about an hour ago.',
    'She has been fitting for five minutes and it will not stop.',
    'I cut my leg on the chainsaw and the blood is pouring out.',
    'My throat is closing up after the bee sting and I feel faint.',
    'My dad collapsed and we cannot wake him.',
    'I am thirty weeks pregnant and bleeding heavily.',
    'My daughter hit her head off the concrete and keeps vomiting.',
    'I have the worst headache of my life and it came on all at once.',
    'My newborn is burning up with a temperature of 101.',
    'He is saying he is going to kill himself and he has a gun.',
    'The pain in my belly is unbearable and my stomach is rock hard.',
    'She is confused, shaking with chills and her heart is racing after the surgery.',
  ],
  administrative: [
    'I need the doctor to fill out a form for my child\'s school.',
    'Can I get a sick note for work for yesterday and today?',
    'I am locked out of the patient portal and the reset link does not work.',
    'What time do you open on Saturdays?',
    'I just moved and need to update my address and phone number on file.',
    'Where do I park when I come to the new building?',
    'I need a letter saying I am fit to fly.',
    'Can you update my last name, I recently got married?',
    'My employer needs a return-to-work form signed.',
    'How do I add my husband as someone you can talk to about my care?',
    'Are you open on the public holiday next week?',
    'I need the FMLA paperwork completed for my leave.',
    'Can you change my preferred pharmacy in the system?',
    'My son needs a camp form signed by the doctor.',
    'What are the directions from the highway, the GPS keeps sending me wrong?',
  ],
  provider_to_provider: [
    ['This is the pharmacist at Hy-Vee, we need a refill authorization on lisinopril for a mutual patient.', 'prescription_refill'],
    ['Hi, it is the lab at Quest, we have a critical potassium result for one of your patients.', 'test_results'],
    ['This is the emergency department at Mercy General, we need the patient\'s recent notes faxed over.', 'medical_records'],
    ['Calling from Heartland Home Health, we need the plan of care signed and sent back.', 'administrative'],
    ['This is the cardiology office, the referral order expired and we need a new one sent.', 'referral'],
    ['I am the discharge planner at University Hospital, the patient needs a follow-up visit within seven days.', 'appointment'],
    ['Walgreens pharmacy here, the insurance rejected the claim and needs a prior authorization from the prescriber.', 'prior_authorization'],
    ['This is the hospice nurse, the patient\'s pain has gone up and I wanted to update the doctor.', 'symptom_report'],
    ['Radiology at the imaging center calling with the CT report for your patient.', 'test_results'],
    ['This is the billing office at Baptist Health, we need the correct insurance for a shared patient.', 'billing_insurance'],
    ['Nursing home calling about one of your residents, can the doctor call the charge nurse back when she is free?', 'callback_request'],
    ['Hi, this is CVS, the prescription came through with no strength on it, can you clarify the dose?', 'prescription_refill'],
    ['This is the orthopaedic surgeon\'s office, we need the patient\'s last X-ray and clinic notes.', 'medical_records'],
    ['Calling from the physiotherapy clinic, we need a signed referral before the next session.', 'referral'],
    ['Sleep lab calling, the study results are ready and we are sending them over for review.', 'test_results'],
  ],
};
/** Secondary sentences that add one more code. */
const RT_SECONDARY: Partial<Record<RequestTypeCode, string[]>> = {
  prescription_refill: ['Also, I am nearly out of my reflux tablets if the doctor could renew those.', 'Oh, and my inhaler needs refilling too.'],
  appointment: ['Also, can I book my next check-up while I have you?', 'And while I have you, I need to move my physio slot on Friday.'],
  symptom_report: ['Also, the cough I mentioned last time is still hanging around.', 'One more thing, my ankles have been a bit puffy.'],
  test_results: ['Also, are the urine results from last week back?', 'Oh, and did my blood sugar results come through?'],
  referral: ['Also, I still need that referral to the skin specialist.', 'And could you refer me to the foot doctor as well?'],
  billing_insurance: ['Also, my insurance card has a new member number.', 'One more thing, I got a bill I do not understand.'],
  prior_authorization: ['Also, the pharmacy said the cream needs a prior authorization.', 'And the scan is still waiting on authorization from the plan.'],
  medical_records: ['Also, could you send a copy of my vaccination record?', 'Oh, and I need my records forwarded to the new specialist.'],
  callback_request: ['Also, please have someone call me back this afternoon.', 'And can the nurse ring me back when she gets a chance?'],
  administrative: ['Also, I need to update my address on file.', 'One more thing, I still cannot log into the portal.'],
};
const RT_OPENERS = ['Hi there.', 'Good morning.', 'Hello, yes.', 'Hiya.', 'G\'day.', 'Hi, sorry to bother you.', 'Yes hello, good afternoon.', 'Hey.', 'Morning.',
  'Hello, how are you.', 'Hi, hope you are well.', 'Good evening.'];
const RT_CLOSERS = ['Thanks so much.', 'Cheers.', 'Thank you kindly.', 'Appreciate it.', 'Bye now.', 'Ta.', 'That is all.', 'Thanks a million.', 'Thank you.'];

/** Short texts (request types, red flags) in ASR style: spoken forms, lowercase, no punctuation, fillers. */
function asrShort(t: string, r: Rng): string {
  return disfluent(spokenLiteral(t, r), r, r.pick([0.06, 0.1, 0.14])).replace(/\s+/g, ' ').trim();
}

interface RtRow { id: string; text: string; types: RequestTypeCode[] }
function buildRequestTypes(r: Rng): { rows: RtRow[]; primaryOf: Map<string, RequestTypeCode> } {
  const rows: RtRow[] = [];
  const primaryOf = new Map<string, RequestTypeCode>();
  const order: [RequestTypeCode, string | [string, RequestTypeCode]][] = [];
  for (const code of requestTypeCodes) {
    const pool = RT_PRIMARY[code];
    if (pool.length !== 15) throw new Error(`RT_PRIMARY.${code} has ${pool.length} sentences, want 15`);
    for (const s of pool) order.push([code, s]);
  }
  r.shuffle(order).forEach(([code, entry], i) => {
    const [sentence, extra] = typeof entry === 'string' ? [entry, undefined] : entry;
    const types = new Set<RequestTypeCode>([code]);
    if (code === 'urgent_emergency') types.add('symptom_report');
    if (extra) types.add(extra);
    const parts: string[] = [];
    if (r.chance(0.55)) parts.push(r.pick(RT_OPENERS));
    parts.push(sentence);
    if (code !== 'urgent_emergency' && r.chance(0.35)) {
      const cands = (Object.keys(RT_SECONDARY) as RequestTypeCode[]).filter((x) => !types.has(x) && (code !== 'provider_to_provider' || x === 'callback_request'));
      if (cands.length) { const sc = r.pick(cands); parts.push(r.pick(RT_SECONDARY[sc]!)); types.add(sc); }
    }
    if (r.chance(0.45)) parts.push(r.pick(RT_CLOSERS));
    const written = parts.join(' ');
    const text = r.chance(0.4) ? asrShort(written, r) : written;
    const id = `hd-rt-${String(i + 1).padStart(3, '0')}`;
    rows.push({ id, text, types: requestTypeCodes.filter((x) => types.has(x)) });
    primaryOf.set(id, code);
  });
  return { rows, primaryOf };
}

// ------------------------------------------------------------------ red flags

/** Ten clauses per flag, each the event happening now; first and third person; lay and garbled wording. */
const RF_POS: Record<RedFlagCode, string[]> = {
  chest_pain: [
    'I have got this heavy pressure in my chest like somebody is sitting on it.',
    'My dad is clutching his chest and says it is going down his left arm.',
    'I am having chess pains that go right up into my jaw.',
    'There is a crushing feeling in the middle of my chest and I am sweating buckets.',
    'She says her chest is tight and aching and it will not ease off.',
    'I have had a squeezing pain in my chest for the last twenty minutes.',
    'Me husband has a terrible pain in his chest, he is after going very pale.',
    'My chest is killing me, it is like a band around it.',
    'He has got chest paying and he is sick to his stomach.',
    'I am getting a sharp stabbing pain in my chest every time I breathe in, and it is getting worse.',
  ],
  breathing_difficulty: [
    'I cannot get my breath, I am gasping even sitting down.',
    'My son is wheezing so bad he cannot get a sentence out.',
    'She is struggling to breathe and her lips look a bit blue.',
    'I am so short of breath I cannot walk to the bathroom.',
    'He is breathing really fast and sucking in under his ribs.',
    'My asthma is really bad, the puffer is not helping and I can barely breathe.',
    'Mum is puffing and panting and cannot catch her breath at all.',
    'I feel like I am drowning, I cannot get enough air in.',
    'The baby is grunting with every breath and working really hard to breathe.',
    'I got shortness of breast and it keeps getting worse.',
  ],
  stroke_signs: [
    'My mum\'s face has gone droopy on one side all of a sudden.',
    'He cannot lift his right arm and his speech is slurred.',
    'My words are coming out all jumbled and my hand feels dead.',
    'She suddenly cannot see out of one eye and her leg went weak.',
    'My husband is talking gibberish and his smile is lopsided.',
    'Half my face feels numb and my arm went heavy just now.',
    'Grandad cannot grip his cup and his mouth is pulling to one side.',
    'I think he is having a stroak, he cannot get his words out.',
    'Her left side has gone floppy and she is not making sense.',
    'I suddenly lost my balance and I cannot feel my left leg.',
  ],
  suicidal_ideation: [
    'I do not want to be here anymore and I have been thinking about ending it.',
    'My son says he is going to kill himself tonight.',
    'I have got the pills lined up and I am thinking of taking them all to end it.',
    'She keeps saying everyone would be better off if she was dead.',
    'I am having thoughts of hurting myself and I am scared I will act on them.',
    'He texted me a goodbye message and said he wants to end his life.',
    'I want to die, I cannot do this anymore.',
    'My daughter is talking about suicide and she has been cutting tonight.',
    'I keep thinking about jumping off the bridge.',
    'He says he has a plan to kill himself and he has the rope.',
  ],
  severe_bleeding: [
    'I sliced my hand on the mandoline and it will not stop bleeding.',
    'Blood is soaking right through the towel on his leg.',
    'She has a nosebleed that has been pouring for forty five minutes.',
    'He is on blood thinners and the cut on his arm is spurting blood.',
    'I am bleeding really heavily and I have gone through five pads in an hour.',
    'The dog bit her arm and it is gushing blood everywhere.',
    'My dad is throwing up blood, a lot of it.',
    'There is blood everywhere from the gash on my leg, I cannot stop it.',
    'He is passing loads of bright red blood from his back passage.',
    'The wound from the surgery opened up and it is bleeding heavy.',
  ],
  anaphylaxis: [
    'My tongue and lips are swelling up after the peanut sauce.',
    'She got stung by a bee and now she has hives all over and her face is swelling.',
    'I think I am having an anna fill axis reaction to the new antibiotic.',
    'His throat feels like it is closing after he ate the shrimp.',
    'I used my EpiPen ten minutes ago and my face is still swelling.',
    'The baby broke out in hives and her lips are puffing up after the egg.',
    'My eyes and lips have blown up like balloons since the injection.',
    'He is having a bad allergic reaction, he is covered in welts and his voice is hoarse.',
    'I am allergic to penicillin and I just took it by mistake and my throat is itchy and tight.',
    'Her whole face is swollen and her eyes are puffing shut after the wasp sting.',
  ],
  loss_of_consciousness: [
    'My husband just passed out on the kitchen floor.',
    'She fainted and we cannot get her to wake up properly.',
    'He blacked out in the shower and is only half awake now.',
    'Mum keeps going unconscious on and off.',
    'I keep feinting every time I stand up today.',
    'Grandpa went limp in his chair and will not respond to us.',
    'She collapsed at the bus stop and was out cold for a couple of minutes.',
    'My son passed doubt at football practice just now.',
    'He is unresponsive, his eyes are open but nobody is home.',
    'I just came to on the bathroom floor, I must have fainted.',
  ],
  seizure: [
    'My son is having a fit right now, his whole body is jerking.',
    'She is seizing and foaming at the mouth.',
    'He is having a seizer and it has been going on for a few minutes.',
    'My wife is shaking all over on the floor and her eyes are rolled back.',
    'The baby is twitching and stiff and will not stop.',
    'I think my daughter is having a convulsion, her arms are jerking.',
    'He had one fit and now he is starting another one.',
    'My brother is having a grand mal right now.',
    'Her arm keeps jerking and she is staring and not answering me.',
    'He is having a sees your and bit his tongue.',
  ],
  overdose_poisoning: [
    'He took a whole bottle of Tylenol about an hour ago.',
    'My toddler got into the dishwasher pods and swallowed one.',
    'I think my sister overdosed, she is really drowsy and there are empty packets.',
    'My son drank some of the bleach under the sink.',
    'She swallowed a handful of her mum\'s heart tablets.',
    'I accidentally took my insulin twice and now I am shaky and sweating.',
    'He has taken way too much of his pain medicine, he is very sleepy and his pupils are tiny.',
    'My little girl ate some of the rat poison pellets in the shed.',
    'I think he has had an over dose, there are needles beside him and he is snoring strangely.',
    'The kids got into grandma\'s pill organiser and we think they ate some.',
  ],
  severe_headache: [
    'I have got the worst headache of my life and it came on like a thunderclap.',
    'She has a splitting headache and her neck is stiff and the light hurts.',
    'My head is pounding worse than ever and I have been throwing up.',
    'It is the worse headache I have ever had, out of nowhere.',
    'He suddenly grabbed his head and said it felt like it exploded.',
    'I have a blinding headache and my vision has gone blurry.',
    'My headache is so bad I cannot lift my head off the pillow.',
    'The pain in my head came on in a second and it is unbearable.',
    'Mum says her head is about to split open, she has never had one like it.',
    'I have a savage headache and I am getting confused.',
  ],
  infant_fever: [
    'My five week old has a temperature of 100.8.',
    'The baby is only two months and she is burning up with a fever.',
    'My newborn feels really hot and the thermometer says 38.4.',
    'Our six week old has a fever and will not feed.',
    'My three week old son is running a temp of 101.',
    'The baby is seven weeks old and has a high temperature tonight.',
    'My eight week old feels hot to touch and is very sleepy.',
    'Our little one is just one month and has a fever of 100.6.',
    'The baby is ten days old and her temp is 38.2.',
    'My six week old granddaughter is feverish and floppy.',
  ],
  pregnancy_emergency: [
    'I am thirty two weeks pregnant and the baby has stopped moving.',
    'I am pregnant and bleeding a lot and having cramps.',
    'My waters just broke and I am only thirty weeks.',
    'She is eight months pregnant with a pounding headache and seeing spots.',
    'I am twelve weeks pregnant and I have really bad pain on one side and I feel faint.',
    'I am thirty five weeks and I have not felt the baby kick all day.',
    'I am thirty six weeks pregnant and I can feel the cord hanging down.',
    'I am twenty eight weeks and I am having contractions every five minutes.',
    'I am thirty one weeks and my waters are leaking and they are green.',
    'The pregnant lady here is gushing fluid and she is only at twenty nine weeks.',
  ],
  severe_abdominal_pain: [
    'The pain in my stomach is so bad I cannot stand up straight.',
    'His belly is rock hard and he is screaming in pain.',
    'I have an awful pain low on the right side and it is getting worse.',
    'My tummy pain is ten out of ten and I keep throwing up.',
    'She is doubled over with stomach pain and cannot get comfortable.',
    'I have got agonising cramps in my gut that will not let up.',
    'My abdomen is swollen and hurts like crazy when I touch it.',
    'The pain in my belly is unbearable, worse than childbirth.',
    'He is rolling around on the floor holding his stomach.',
    'I have a stabbing pain in my upper belly going through to my back.',
  ],
  head_injury: [
    'My son fell off the trampoline and hit his head and now he keeps vomiting.',
    'She banged her head on the concrete and is acting really drowsy.',
    'Grandma fell and hit her head, she is on warfarin and there is a big lump.',
    'He took a hit to the head at rugby and now he is confused.',
    'My daughter hit her head on the table and one pupil looks bigger.',
    'I fell off the ladder and hit my head and I keep being sick.',
    'The baby rolled off the bed and bumped her head and is not herself.',
    'He was in a car accident and hit his head on the window and he is not making sense.',
    'She whacked her head on the cupboard and now there is clear fluid from her nose.',
    'My husband slipped on the ice and cracked his head, there is a big egg and he is dizzy.',
  ],
  sepsis_signs: [
    'She is burning up, shaking with chills and really confused since the surgery.',
    'He has a fever, his heart is racing and his skin is blotchy and cold.',
    'The cut on my leg has red streaks going up it and I have a high fever and shivers.',
    'Mum has a urine infection and now she is confused and breathing fast with a fever.',
    'My husband is on chemo, he has a temperature of 101 and he is shivering.',
    'I feel like I am dying, I have a fever and rigors and my pee has stopped.',
    'His wound is oozing pus and he is hot, clammy and not making sense.',
    'She has mottled skin, a fever and she can barely stay awake.',
    'I think he has sepsis, he is shaking, feverish and his blood pressure is really low.',
    'Since the catheter went in she has had a fever, chills and is really out of it.',
  ],
};
/** Hard negatives: two per flag for each kind (30 per kind). */
const RF_NEG: Record<'negated' | 'historical' | 'hypothetical' | 'family-history' | 'mimic', string[]> = {
  negated: [
    'He says there is no chest pain at all, just a bit of a cough.', 'I have not had any chest pressure since the stent.',
    'She is breathing fine, no wheeze or trouble getting air.', 'I am not short of breath, just tired.',
    'There is no weakness in his face or arms, he is talking normally.', 'I checked and her smile is even and her speech is fine.',
    'I am not having any thoughts of harming myself, I just need the forms.', 'He has no suicidal thoughts, the counsellor asked him yesterday.',
    'The cut stopped bleeding once I pressed on it.', 'There was no blood in the vomit, just what she ate.',
    'No swelling of the lips or tongue, only a small itchy patch.', 'He is not wheezy and his throat is fine after the shot.',
    'She did not pass out, she just sat down because she felt wobbly.', 'He never lost consciousness, he was talking the whole time.',
    'There has been no seizure activity since they changed the dose.', 'She is not fitting, she just has the shivers.',
    'He did not take any extra tablets, I counted them.', 'Nobody swallowed anything, the cap was still on the bottle.',
    'The headache is mild, nothing like the bad ones.', 'It is not the worst headache, just the usual tension one.',
    'The baby does not have a fever, her temp is 98.6.', 'My two month old is feeding well and has no temperature.',
    'I am pregnant and there is no bleeding or cramping, everything feels normal.', 'The baby is kicking away fine, no problems.',
    'No stomach pain at all, just a bit bloated.', 'His tummy is soft and not sore.',
    'He bumped his head but there was no vomiting or drowsiness.', 'She did not hit her head when she fell, she landed on her bottom.',
    'No fever or chills, the wound looks clean.', 'He is not confused and his temperature is normal.',
  ],
  historical: [
    'He had a heart attack back in 2016 and has been fine since.', 'I had chest pains years ago but the tests were all clear.',
    'She had an asthma attack when she was a child and had to be admitted.', 'I was on oxygen for pneumonia two winters ago.',
    'My dad had a mini stroke in 2019 and made a full recovery.', 'She had a stroke three years ago and the doctor wants the yearly bloods.',
    'I tried to take my own life when I was a teenager, but I am in a good place now.', 'He was suicidal after the divorce years ago, he is doing well now.',
    'I had a big bleed after my tonsils came out as a kid.', 'She needed a transfusion after the birth of her first child in 2010.',
    'I had anaphylaxis to prawns back in 2012 so I carry an EpiPen.', 'He had a reaction to penicillin when he was small.',
    'I fainted once at a blood test last year.', 'She blacked out in the heat on holiday two summers ago.',
    'He had seizures as a child but grew out of them.', 'I had one seizure in 2018 and I have been off driving since then.',
    'She overdosed years ago and has been in recovery for a long time.', 'My son swallowed a coin when he was two, it passed fine.',
    'I used to get terrible migraines in my twenties.', 'She had a brain bleed in 2014 and needed surgery.',
    'He had a fever when he was a newborn and they kept him in for tests.', 'Our first baby had a temperature at three weeks old, years ago now.',
    'I lost a pregnancy in 2020 and I am nervous this time round.', 'I had preeclampsia with my last pregnancy.',
    'He had his appendix out in 1999 after bad stomach pain.', 'I had terrible stomach pain with gallstones back in 2017.',
    'She had a concussion from a car accident in 2011.', 'I hit my head playing hurling as a young lad.',
    'He had sepsis after his bowel surgery in 2015.', 'I was in intensive care with a blood infection a few years back.',
  ],
  hypothetical: [
    'What should I do if the chest pain comes back?', 'If he gets chest pressure again, do we go straight to the hospital?',
    'What if she starts struggling to breathe in the night?', 'Should I call an ambulance if his breathing gets worse?',
    'What are the warning signs of a stroke I should watch for?', 'If his face starts drooping what should I do?',
    'The form asks whether I have ever had thoughts of self-harm, how do I answer that?', 'What number do I ring if someone is feeling suicidal?',
    'If the wound starts bleeding again, should I come in?', 'How much bleeding is too much after the procedure?',
    'What do I do if she has an allergic reaction to the new tablets?', 'Should I use the EpiPen if his lips swell?',
    'What happens if she faints while on the new blood pressure pill?', 'If he passes out again, should I call 911?',
    'What should we do if he has a seizure at school?', 'If she starts fitting, do I put her on her side?',
    'What happens if I accidentally take a double dose?', 'If the kids swallow a battery what do I do?',
    'How bad does a headache need to be before I come in?', 'If I get a sudden severe headache should I go to emergency?',
    'What temperature is too high for a newborn?', 'If the baby gets a fever, do we bring her straight in?',
    'What should I do if my waters break early?', 'If the baby stops moving, who do I call?',
    'If the stomach pain gets worse over the weekend, where do I go?', 'What signs of appendicitis should I look out for?',
    'If he bumps his head again, what should we watch for?', 'Do I need to wake her up at night if she hits her head?',
    'What are the signs of sepsis after surgery?', 'If she gets a fever and chills with the catheter, should we call?',
  ],
  'family-history': [
    'My father died of a heart attack at fifty two.', 'Heart disease runs in my family, my brothers all had chest pain young.',
    'My mum has bad asthma and COPD.', 'My sister was on a ventilator with breathing problems last year.',
    'My grandfather had a stroke at sixty.', 'There is a history of strokes on my mother\'s side.',
    'My uncle died by suicide, so I worry about the kids.', 'There is a family history of depression and suicide attempts.',
    'My brother has a bleeding disorder, haemophilia.', 'My aunt bled a lot after her surgeries, it runs in the family.',
    'My sister carries an EpiPen for her peanut allergy.', 'My dad had anaphylaxis to bee stings.',
    'My mother used to faint a lot when she was younger.', 'My cousin has a heart condition that makes her pass out.',
    'Epilepsy runs in my husband\'s family.', 'My nephew has seizures and takes medication for them.',
    'My brother died of an overdose a few years ago.', 'My aunt had a drug overdose in her twenties.',
    'My mum gets terrible migraines, and so did her mum.', 'My grandmother had a brain aneurysm.',
    'My sister\'s baby had a fever at two weeks and was in the hospital.', 'My cousin\'s newborn was admitted with a temperature.',
    'My mum had preeclampsia with all of us.', 'My sister had a placental abruption with her second baby.',
    'My dad had a burst appendix when he was young.', 'Gallbladder problems run in my family.',
    'My brother had a bad concussion playing football.', 'My father had a skull fracture from a fall.',
    'My grandmother died of sepsis.', 'My aunt had a blood infection after her surgery.',
  ],
  mimic: [
    'I get a bit of heartburn after a big dinner.', 'My chest is sore from coughing with this cold, it is a bit achy.',
    'I get a bit breathless walking up hills, same as always.', 'My nose is stuffy so I am mouth breathing at night.',
    'The doctor wants to see me about my stroke prevention tablets.', 'I need a refill of my cholesterol tablets.',
    'This bill is killing me, it is more than my rent.', 'I am dying to know my results.',
    'I need more gauze for my dressing changes.', 'I have a paper cut that bled a little.',
    'My hay fever is bad this week with sneezing and itchy eyes.', 'I got a few mosquito bites that are itchy.',
    'I am dead tired after night shifts.', 'I feel a bit light-headed when I skip breakfast.',
    'I need a refill on my seizure medication before Friday.', 'My leg twitches a bit when I am falling asleep.',
    'I need a new prescription for my sleeping tablets.', 'I want to get rid of some old medications safely.',
    'I have a mild headache from staring at screens all day.', 'I need the migraine tablets renewed, I have not had one in months.',
    'My four year old has a slight temperature but is running around playing.', 'The baby is due for her two month shots next week.',
    'I got a positive pregnancy test and want to book my first scan.', 'I am twenty weeks pregnant and want to change my due date appointment.',
    'My tummy is a bit unsettled after the takeaway last night.', 'I have some mild period cramps, nothing unusual.',
    'My son has a small bruise on his forehead from the playground, he is happy as Larry.', 'I need a helmet exemption form for my son.',
    'I need my flu shot, I do not want to get sick this winter.', 'I have a cold sore on my lip.',
  ],
};
const RF_OPENERS = ['Hi, I need some advice.', 'Hello?', 'Yes, hi.', 'Sorry, I am a bit flustered.', 'Hi, it is about my family.', 'Hello, is this the nurse line?',
  'Hi there.', 'Okay, so.', 'Right, hello.'];
const RF_POS_CLOSERS = ['What should I do?', 'Please tell me what to do.', 'Is somebody there?', 'I am here with him now.', 'Can someone help?', 'It is happening right now.', 'Please hurry.'];
const RF_NEG_CLOSERS = ['Thanks.', 'Just wanted to check.', 'That is all for now.', 'Thank you.', 'I just thought I would mention it.'];

interface RfRow { id: string; text: string; redFlags: RedFlagCode[]; kind?: string }
function buildRedFlags(r: Rng): RfRow[] {
  const items: { text: string; flags: RedFlagCode[]; kind?: string }[] = [];
  for (const code of redFlagCodes) {
    const pool = RF_POS[code];
    if (pool.length !== 10) throw new Error(`RF_POS.${code} has ${pool.length} clauses, want 10`);
    for (const clause of pool) items.push({ text: clause, flags: [code] });
  }
  for (const [kind, pool] of Object.entries(RF_NEG)) {
    if (pool.length !== 30) throw new Error(`RF_NEG.${kind} has ${pool.length} sentences, want 30`);
    for (const s of pool) items.push({ text: s, flags: [], kind });
  }
  return r.shuffle(items).map((it, i) => {
    const parts: string[] = [];
    if (r.chance(0.5)) parts.push(r.pick(RF_OPENERS));
    parts.push(it.text);
    if (r.chance(0.45)) parts.push(r.pick(it.flags.length ? RF_POS_CLOSERS : RF_NEG_CLOSERS));
    const written = parts.join(' ');
    const text = r.chance(0.4) ? asrShort(written, r) : written;
    const row: RfRow = { id: `hd-rf-${String(i + 1).padStart(3, '0')}`, text, redFlags: it.flags };
    if (it.kind) row.kind = it.kind;
    return row;
  });
}

// ------------------------------------------------------------------ checks (throw on any failure)

const fail = (msg: string): never => { throw new Error(`heldout-d check failed: ${msg}`); };
const phiTypeSet = new Set<string>(phiTypes);

function checkPhi(built: Built[]): void {
  const ids = new Set<string>();
  for (const b of built) {
    const { row } = b;
    if (ids.has(row.id)) fail(`duplicate id ${row.id}`);
    ids.add(row.id);
    const wc = wordCount(row.text);
    if (wc < 80 || wc > 400) fail(`${row.id}: ${wc} words, want 80-400`);
    if (b.chatterWords < 40 || b.chatterWords > 80) fail(`${row.id}: ${b.chatterWords} chatter words, want 40-80`);
    if (row.style === 'spoken' && !/^[a-z0-9' ]+$/.test(row.text)) fail(`${row.id}: spoken text has characters outside [a-z0-9' ]: ${JSON.stringify(row.text.match(/[^a-z0-9' ]/g)?.slice(0, 5))}`);
    if (row.style === 'written' && !row.text.split('\n').every((l) => /^(Agent|Caller): \S/.test(l))) fail(`${row.id}: a written line lacks its speaker label`);
    const round = JSON.parse(JSON.stringify(row)) as PhiRow;
    if (round.text !== row.text || round.spans.length !== row.spans.length) fail(`${row.id}: JSON round trip changed the row`);
    row.spans.forEach((s, i) => {
      const rs = round.spans[i]!;
      if (!Number.isInteger(s.start) || !Number.isInteger(s.end) || s.start < 0 || s.end > row.text.length || s.start >= s.end) fail(`${row.id}: bad offsets ${s.start}-${s.end}`);
      if (row.text.slice(s.start, s.end) !== b.values[i]) fail(`${row.id}: slice ${JSON.stringify(row.text.slice(s.start, s.end))} != value ${JSON.stringify(b.values[i])}`);
      if (round.text.slice(rs.start, rs.end) !== b.values[i] || rs.type !== s.type) fail(`${row.id}: slice differs after JSON round trip`);
      if (/^\s|\s$/.test(b.values[i]!)) fail(`${row.id}: whitespace at the edge of ${JSON.stringify(b.values[i])}`);
      if (!phiTypeSet.has(s.type)) fail(`${row.id}: type ${s.type} not in the contract`);
      if (Object.keys(s).join() !== 'start,end,type') fail(`${row.id}: span keys ${Object.keys(s).join()}`);
      const next = row.spans[i + 1];
      if (next && next.start <= s.end) fail(`${row.id}: spans ${i} and ${i + 1} overlap or touch`);
      const canon = b.canon[i];
      if (s.type === 'AGE' && !(Number(canon) > 89)) fail(`${row.id}: AGE span for ${canon}`);
      if (s.type === 'DATE' && !/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(canon ?? '')) fail(`${row.id}: DATE canon ${canon}`);
      if ((s.type === 'PHONE' || s.type === 'FAX') && !/^\+\d{10,13}$/.test(canon ?? '')) fail(`${row.id}: phone canon ${canon}`);
    });
    if (row.patient) {
      const p = row.patient;
      if (Object.keys(row).join() !== 'id,style,text,patient,spans') fail(`${row.id}: key order ${Object.keys(row).join()}`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(p.birthDate ?? '') || !row.spans.some((s, i) => s.type === 'DATE' && b.canon[i] === p.birthDate)) fail(`${row.id}: patient birthDate not said in the call`);
      if (!p.phones?.length || !p.phones.every((ph) => /^\+\d{10,13}$/.test(ph) && row.spans.some((s, i) => s.type === 'PHONE' && b.canon[i] === ph))) fail(`${row.id}: patient phone not said in the call`);
      const folded = fold(row.text).toLowerCase();
      if (!p.name || !nameTokens(p.name).every((t) => folded.includes(t))) fail(`${row.id}: patient name not in the call`);
      if (!p.mrn) fail(`${row.id}: patient context without mrn`);
    } else if (Object.keys(row).join() !== 'id,style,text,spans') fail(`${row.id}: key order ${Object.keys(row).join()}`);
  }
  for (const style of ['spoken', 'written'] as const) {
    for (const t of phiTypes) {
      if (!built.some((b) => b.row.style === style && b.row.spans.some((s) => s.type === t))) fail(`type ${t} never occurs in ${style} calls`);
    }
  }
}
function checkRt(rows: RtRow[], primaryOf: Map<string, RequestTypeCode>): void {
  if (rows.length !== 180) fail(`request-types has ${rows.length} rows`);
  const codes = new Set<string>(requestTypeCodes);
  for (const code of requestTypeCodes) {
    const n = rows.filter((x) => primaryOf.get(x.id) === code).length;
    if (n !== 15) fail(`request type ${code} is primary in ${n} texts`);
  }
  for (const x of rows) {
    if (!x.types.length || new Set(x.types).size !== x.types.length || !x.types.every((t) => codes.has(t))) fail(`${x.id}: bad types ${x.types.join()}`);
    if (x.types.includes('urgent_emergency') && !x.types.includes('symptom_report')) fail(`${x.id}: emergency without symptom_report`);
    if (x.types.includes('provider_to_provider') && x.types.length < 2) fail(`${x.id}: provider call without what it asks`);
    if (Object.keys(x).join() !== 'id,text,types') fail(`${x.id}: key order`);
    if (x.text !== x.text.trim() || !x.text) fail(`${x.id}: empty or untrimmed text`);
  }
}
function checkRf(rows: RfRow[]): void {
  if (rows.length !== 300) fail(`red-flags has ${rows.length} rows`);
  const codes = new Set<string>(redFlagCodes);
  for (const code of redFlagCodes) {
    const n = rows.filter((x) => x.redFlags.includes(code)).length;
    if (n !== 10) fail(`red flag ${code} has ${n} positives`);
  }
  for (const kind of ['negated', 'historical', 'hypothetical', 'family-history', 'mimic']) {
    const n = rows.filter((x) => x.kind === kind).length;
    if (n !== 30) fail(`negative kind ${kind} has ${n} texts`);
  }
  for (const x of rows) {
    if (!x.redFlags.every((c) => codes.has(c))) fail(`${x.id}: bad flag`);
    if (x.redFlags.length ? x.kind !== undefined : !x.kind) fail(`${x.id}: kind must be set on negatives only`);
    if (x.redFlags.length > 1) fail(`${x.id}: more than one flag`);
    if (x.text !== x.text.trim() || !x.text) fail(`${x.id}: empty or untrimmed text`);
  }
}
/** No person's name token may also occur as an ordinary (unlabelled) word anywhere in the set. */
function checkNameWords(built: Built[], rt: RtRow[], rf: RfRow[]): string[] {
  const tokens = new Map<string, string>();
  for (const b of built) b.row.spans.forEach((s, i) => { if (s.type === 'NAME') for (const t of nameTokens(b.canon[i] ?? '')) tokens.set(t, b.row.id); });
  const literal = new Set<string>();
  const addWords = (t: string) => { for (const w of fold(t).toLowerCase().split(/[^a-z']+/)) if (w) literal.add(w.replace(/^'+|'+$/g, '')).add(w.replace(/'s$/, '')); };
  for (const b of built) {
    let t = b.row.text;
    for (const s of [...b.row.spans].reverse()) t = t.slice(0, s.start) + ' '.repeat(s.end - s.start) + t.slice(s.end);
    addWords(t);
  }
  rt.forEach((x) => addWords(x.text));
  rf.forEach((x) => addWords(x.text));
  return [...tokens.keys()].filter((t) => literal.has(t)).sort();
}

// ------------------------------------------------------------------ main

function main(): void {
  const rPhi = new Rng(SEED), rRt = new Rng(SEED + 1), rRf = new Rng(SEED + 2);
  const built: Built[] = [];
  for (let i = 0; i < 150; i++) {
    // a call that comes out longer than 380 words is rebuilt with fewer optional PHI topics
    let b = buildCall(i, i % 3 === 2 ? 'written' : 'spoken', i % 2 === 0, rPhi);
    for (let max = 4; wordCount(b.row.text) > 380 && max >= 2; max--) b = buildCall(i, b.row.style, i % 2 === 0, rPhi, max);
    built.push(b);
  }
  checkPhi(built);
  const { rows: rt, primaryOf } = buildRequestTypes(rRt);
  checkRt(rt, primaryOf);
  const rf = buildRedFlags(rRf);
  checkRf(rf);
  const clash = checkNameWords(built, rt, rf);
  if (clash.length) fail(`name tokens that also occur as ordinary words: ${clash.join(', ')}`);
  const allTexts = [...built.map((b) => b.row.text), ...rt.map((x) => x.text), ...rf.map((x) => x.text)];
  if (new Set(allTexts).size !== allTexts.length) fail('duplicate texts');

  mkdirSync(outDir, { recursive: true });
  const jsonl = (rows: object[]) => rows.map((x) => JSON.stringify(x)).join('\n') + '\n';
  writeFileSync(path.join(outDir, 'phi-calls.jsonl'), jsonl(built.map((b) => b.row)));
  writeFileSync(path.join(outDir, 'request-types.jsonl'), jsonl(rt));
  writeFileSync(path.join(outDir, 'red-flags.jsonl'), jsonl(rf));

  // summary (counts only)
  const out: string[] = [];
  const spokenN = built.filter((b) => b.row.style === 'spoken').length;
  const words = built.map((b) => wordCount(b.row.text));
  const nSpans = built.reduce((a, b) => a + b.row.spans.length, 0);
  out.push(`phi-calls.jsonl: ${built.length} calls (${spokenN} spoken, ${built.length - spokenN} written), ${nSpans} spans, ${Math.min(...words)}-${Math.max(...words)} words (mean ${Math.round(words.reduce((a, x) => a + x, 0) / words.length)}), ${built.filter((b) => b.row.patient).length} with patient context`);
  out.push('  spans by type (spoken/written): ' + phiTypes.map((t) => {
    const n = (st: Style) => built.filter((b) => b.row.style === st).reduce((a, b) => a + b.row.spans.filter((s) => s.type === t).length, 0);
    return `${t} ${n('spoken')}/${n('written')}`;
  }).join(', '));
  const cw = built.map((b) => b.chatterWords);
  out.push(`  PHI-free chatter per call: ${Math.min(...cw)}-${Math.max(...cw)} words`);
  const asr = (xs: { text: string }[]) => xs.filter((x) => /^[a-z0-9' ]+$/.test(x.text)).length;
  const perCode = requestTypeCodes.map((c) => `${c} ${rt.filter((x) => x.types.includes(c)).length}`).join(', ');
  out.push(`request-types.jsonl: ${rt.length} texts, 15 primary per code, ${rt.filter((x) => x.types.length > 1).length} with more than one label, ${asr(rt)} ASR style`);
  out.push(`  labels per code: ${perCode}`);
  out.push(`red-flags.jsonl: ${rf.length} texts, ${rf.filter((x) => x.redFlags.length).length} positives (10 per flag), ${rf.filter((x) => !x.redFlags.length).length} negatives (30 per kind), ${asr(rf)} ASR style`);
  out.push(`name tokens shared with ordinary words: ${clash.length}; duplicate texts: 0`);
  process.stdout.write(out.join('\n') + '\n');
}

main();
