/**
 * Held-out set B for call understanding: an independent, from-scratch synthetic evaluation set.
 * Written without reading the detectors (src/nlp/*) or the other eval sets; only the label contract
 * (src/nlp/analysis.types.ts) and the labelling conventions in bench/eval/README.md were used.
 *
 *   npx tsx bench/eval/heldout-b/generate.ts
 *
 * Writes bench/eval/data/heldout-b/{phi-calls,request-types,red-flags}.jsonl, where the benchmark reads
 * splits (`--split heldout-b`). Deterministic (faker.seed). NEVER use this set for tuning.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Faker, faker, es_MX, vi, pl, nl, de, fr, en_IN, en_AU, af_ZA, hr, sk, nb_NO, id_ID, zu_ZA, en, base } from '@faker-js/faker';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT_DIRS = [path.join(here, '..', 'data', 'heldout-b')];

faker.seed(20261123);

// ------------------------------------------------------------------ randomness helpers (all via the seeded faker)
const rnd = (): number => faker.number.float({ min: 0, max: 1 });
const int = (min: number, max: number): number => faker.number.int({ min, max });
const pick = <T>(a: readonly T[]): T => a[int(0, a.length - 1)]!;
const chance = (p: number): boolean => rnd() < p;
const shuffle = <T>(a: T[]): T[] => faker.helpers.shuffle(a);

// ------------------------------------------------------------------ names
const LOCALES = [es_MX, vi, pl, nl, de, fr, en_IN, en_AU, af_ZA, hr, sk, nb_NO, id_ID, zu_ZA];
const LOCALE_FAKERS = LOCALES.map((l, i) => { const f = new Faker({ locale: [l, en, base] }); f.seed(7000 + i * 31); return f; });
const KO_FIRST = ['Minjun', 'Seoyeon', 'Jiwoo', 'Hyunwoo', 'Yejin', 'Dohyun', 'Eunji', 'Sungmin', 'Haeun', 'Jaehyuk', 'Soojin', 'Taeyang'];
const KO_LAST = ['Kim', 'Park', 'Choi', 'Jung', 'Kang', 'Yoon', 'Jang', 'Lim', 'Shin', 'Hwang', 'Seo', 'Kwon'];
const ZH_FIRST = ['Wei', 'Xiaoling', 'Jianguo', 'Meiling', 'Haoran', 'Yuting', 'Zhiwei', 'Lihua', 'Qiang', 'Xinyi', 'Zihan', 'Junjie'];
const ZH_LAST = ['Zhang', 'Wang', 'Liu', 'Chen', 'Huang', 'Zhao', 'Zhou', 'Xu', 'Guo', 'Luo', 'Zheng', 'Tang'];
/** Words that are also names: never used as a person's name here (they appear as plain words in traps). */
const NAME_STOP = new Set(['will', 'may', 'bill', 'mark', 'april', 'grace', 'hope', 'rose', 'june', 'joy', 'dawn', 'faith', 'sunny', 'summer',
  'autumn', 'page', 'pat', 'art', 'sue', 'jack', 'frank', 'august', 'miles', 'rich', 'penny', 'ruby', 'amber', 'crystal', 'iris', 'lily',
  'daisy', 'ivy', 'holly', 'violet', 'olive', 'sky', 'rain', 'river', 'stone', 'hill', 'do', 'an', 'ha', 'la', 'le', 'de', 'van', 'von',
  'del', 'king', 'young', 'white', 'black', 'green', 'brown', 'long', 'little', 'bird', 'fox', 'wolf', 'mai', 'lan', 'hoa', 'may', 'sun',
  'nice', 'say', 'die', 'care', 'doctor', 'nurse', 'pain', 'mercy', 'chase', 'hunter', 'cash', 'gay', 'major', 'price', 'low', 'best']);
const stripMarks = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/ł/g, 'l').replace(/Ł/g, 'L').replace(/ø/g, 'o').replace(/ß/g, 'ss');
function okName(n: string): boolean {
  if (!/^[\p{L}][\p{L}'’-]*( [\p{L}][\p{L}'’-]*)*$/u.test(n)) return false;
  return n.split(/[ -]/).every((t) => t.length >= 3 && !NAME_STOP.has(stripMarks(t).toLowerCase()));
}
function personName(): { first: string; last: string } {
  for (;;) {
    const r = int(0, LOCALE_FAKERS.length + 1);
    let first: string; let last: string;
    if (r === LOCALE_FAKERS.length) { first = pick(KO_FIRST); last = pick(KO_LAST); }
    else if (r === LOCALE_FAKERS.length + 1) { first = pick(ZH_FIRST); last = pick(ZH_LAST); }
    else { const f = LOCALE_FAKERS[r]!; first = f.person.firstName().split(' ')[0]!; last = f.person.lastName(); }
    if (okName(first) && okName(last) && first !== last) return { first, last };
  }
}

// ------------------------------------------------------------------ spoken numbers
const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen',
  'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
function card(n: number): string {
  if (n < 20) return ONES[n]!;
  if (n < 100) return TENS[Math.floor(n / 10)]! + (n % 10 ? ' ' + ONES[n % 10] : '');
  if (n < 1000) return ONES[Math.floor(n / 100)] + ' hundred' + (n % 100 ? (chance(0.5) ? ' and ' : ' ') + card(n % 100) : '');
  return card(Math.floor(n / 1000)) + ' thousand' + (n % 1000 ? ' ' + card(n % 1000) : '');
}
const ORD: Record<number, string> = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', 5: 'fifth', 6: 'sixth', 7: 'seventh', 8: 'eighth', 9: 'ninth', 10: 'tenth',
  11: 'eleventh', 12: 'twelfth', 13: 'thirteenth', 14: 'fourteenth', 15: 'fifteenth', 16: 'sixteenth', 17: 'seventeenth', 18: 'eighteenth', 19: 'nineteenth', 20: 'twentieth', 30: 'thirtieth' };
const ordW = (n: number): string => ORD[n] ?? `${TENS[Math.floor(n / 10)]} ${ORD[n % 10]}`;
const ordSuffix = (n: number): string => `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;
const digitW = (d: string, ohP = 0.75): string => (d === '0' ? (chance(ohP) ? 'oh' : 'zero') : ONES[Number(d)]!);
/** Digits one by one; sometimes "double five" for a repeated pair. */
function digitsW(ds: string, ohP = 0.75): string {
  const out: string[] = [];
  for (let i = 0; i < ds.length; i++) {
    if (i + 1 < ds.length && ds[i] === ds[i + 1] && chance(0.3)) { out.push('double ' + digitW(ds[i]!, ohP)); i++; } else out.push(digitW(ds[i]!, ohP));
  }
  return out.join(' ');
}
function yearW(y: number): string {
  if (y >= 2000 && y < 2010) return 'two thousand' + (y % 10 ? ' ' + ONES[y % 10] : '');
  if (y >= 2010) return chance(0.7) ? 'twenty ' + card(y % 100) : 'two thousand ' + card(y % 100);
  const hi = card(Math.floor(y / 100)); const lo = y % 100;
  return `${hi} ${lo === 0 ? 'hundred' : lo < 10 ? 'oh ' + ONES[lo] : card(lo)}`;
}
/** House numbers the way people say them: 1482 "fourteen eighty two", 305 "three oh five". */
function houseW(n: number): string {
  if (n < 100) return card(n);
  if (n < 1000) { const r = n % 100; return ONES[Math.floor(n / 100)] + ' ' + (r === 0 ? 'hundred' : r < 10 ? 'oh ' + ONES[r] : card(r)); }
  const hi = Math.floor(n / 100); const lo = n % 100;
  if (n % 1000 === 0) return card(n / 1000) + ' thousand';
  return `${card(hi)} ${lo === 0 ? 'hundred' : lo < 10 ? 'oh ' + ONES[lo] : card(lo)}`;
}
const LETTER_NATO: Record<string, string> = { b: 'b as in boy', d: 'd as in david', m: 'm as in mary', n: 'n as in nancy', p: 'p as in peter', t: 't as in tom', f: 'f as in frank', s: 's as in sam' };
/** Alphanumeric code spoken char by char; dashes dropped or said. */
function alnumW(code: string): string {
  const out: string[] = [];
  for (const ch of code) {
    if (/\d/.test(ch)) out.push(digitW(ch));
    else if (/[a-z]/i.test(ch)) { const l = ch.toLowerCase(); out.push(LETTER_NATO[l] && chance(0.15) ? LETTER_NATO[l]! : l); }
    else if (ch === '-' && chance(0.4)) out.push('dash');
  }
  return out.join(' ');
}
const L = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const letter = (): string => L[int(0, L.length - 1)]!;
const digits = (n: number): string => Array.from({ length: n }, () => String(int(0, 9))).join('');

// ------------------------------------------------------------------ text builder with spans
interface Span { start: number; end: number; type: string }
/** No "er": it reads as ER (emergency room). */
const FILLERS = ['um', 'uh', 'you know', 'like', 'so', 'uh huh', 'i mean', 'hmm'];
function asrLit(s: string, fillerP = 0.05): string {
  let t = s.replace(/\bDr\.\s*/g, 'doctor ').replace(/\bMs\.\s*/g, 'miss ').replace(/\bMr\.\s*/g, 'mister ').replace(/\bMrs\.\s*/g, 'missus ');
  t = t.toLowerCase().replace(/[.,?!;:"()]/g, ' ').replace(/ - /g, ' ').replace(/\s+/g, ' ');
  return t.split(' ').map((w) => (w && chance(fillerP) ? `${pick(FILLERS)} ${w}` : w)).join(' ');
}
class Builder {
  text = '';
  spans: Span[] = [];
  /** The exact value inserted for each span, kept to verify offsets at the end. */
  values: string[] = [];
  constructor(readonly spoken: boolean) {}
  lit(s: string): void {
    let t = this.spoken ? asrLit(s) : s;
    if (this.spoken && (this.text === '' || this.text.endsWith(' ') || this.text.endsWith('\n'))) t = t.replace(/^ +/, '');
    this.text += t;
  }
  /** A value with no label (trap values, states). */
  plain(v: string): void { this.sep(); this.text += v; }
  slot(v: string, type: string): void {
    this.sep();
    const start = this.text.length; this.text += v; const end = this.text.length;
    this.spans.push({ start, end, type }); this.values.push(v);
  }
  private sep(): void { if (this.spoken && this.text !== '' && !/[ \n]$/.test(this.text)) this.text += ' '; }
  turn(who: 'Agent' | 'Caller'): void {
    if (this.spoken) { if (this.text !== '' && !this.text.endsWith(' ')) this.text += ' '; } else this.text += (this.text === '' ? '' : '\n') + who + ': ';
  }
  finish(): string { this.text = this.text.replace(/ +$/, ''); return this.text; }
}

// ------------------------------------------------------------------ PHI value makers (written or spoken)
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
interface Ymd { y: number; m: number; d: number }
function dateW(x: Ymd, withYear = true): string {
  const M = MONTHS[x.m - 1]!;
  if (!withYear) return pick([`${M} ${x.d}`, `${M} ${ordSuffix(x.d)}`, `the ${ordSuffix(x.d)} of ${M}`, `${x.m}/${x.d}`]);
  return pick([`${M} ${x.d}, ${x.y}`, `${pad(x.m)}/${pad(x.d)}/${x.y}`, `${x.m}/${x.d}/${pad(x.y % 100)}`, `${x.d} ${M} ${x.y}`,
    `${x.y}-${pad(x.m)}-${pad(x.d)}`, `${M.slice(0, 3)}. ${ordSuffix(x.d)}, ${x.y}`, `${x.m}-${x.d}-${x.y}`]);
}
function dateS(x: Ymd, withYear = true): string {
  const M = MONTHS[x.m - 1]!.toLowerCase();
  if (!withYear) return pick([`${M} ${ordW(x.d)}`, `the ${ordW(x.d)} of ${M}`, `${M} ${card(x.d)}`]);
  return pick([`the ${ordW(x.d)} of ${M} ${yearW(x.y)}`, `${M} ${ordW(x.d)} ${yearW(x.y)}`, `${M} ${card(x.d)} ${yearW(x.y)}`,
    `${card(x.m)} ${card(x.d)} ${x.y % 100 < 10 ? 'oh ' + digitW(String(x.y % 10), 1) : card(x.y % 100)}`, `${M} the ${ordW(x.d)} ${yearW(x.y)}`]);
}
function phoneDigits(): string { return `${int(2, 9)}${int(0, 8)}${int(0, 9)}${int(2, 9)}${digits(2)}${digits(4)}`; }
function phoneW(d: string): string {
  const a = d.slice(0, 3); const b = d.slice(3, 6); const c = d.slice(6);
  return pick([`(${a}) ${b}-${c}`, `${a}-${b}-${c}`, `${a}.${b}.${c}`, `+1 ${a} ${b} ${c}`, `1-${a}-${b}-${c}`, `${a} ${b} ${c}`]);
}
function phoneS(d: string): string {
  const a = d.slice(0, 3); const b = d.slice(3, 6); const c = d.slice(6);
  const last = chance(0.25) && c[0] !== '0' && c[2] !== '0' ? `${card(Number(c.slice(0, 2)))} ${card(Number(c.slice(2)))}` : digitsW(c);
  return `${chance(0.1) ? 'one ' : ''}${digitsW(a)} ${digitsW(b)} ${last}`;
}
const STREETS = ['Quarry Ridge', 'Tamarack', 'Bellwether', 'Sycamore Bend', 'Old Mill', 'Heron Point', 'Kestrel', 'Juniper Hollow', 'Foxglove', 'Larkspur',
  'Copper Canyon', 'Saddle Brook', 'Ironwood', 'Marigold', 'Wexford', 'Alder Glen', 'Bramblewood', 'Pinecrest', 'Harbor View', 'Cobblestone', 'Windmere',
  'Thistle', 'Meadowlark', 'Chestnut Ridge', 'Cranberry', 'Stillwater', 'Sagebrush', 'Overlook', 'Buckeye', 'Prairie Wind', 'Camino Alto', 'Via Linda',
  'Mesquite', 'Osprey', 'Tulip Tree', 'Granite Falls', 'Lantern Hill', 'Ridgeback', 'Hollyhock', 'Silver Maple'];
const SUFFIX: [string, string][] = [['Street', 'street'], ['St', 'street'], ['Avenue', 'avenue'], ['Ave', 'avenue'], ['Road', 'road'], ['Rd', 'road'],
  ['Lane', 'lane'], ['Drive', 'drive'], ['Dr', 'drive'], ['Court', 'court'], ['Way', 'way'], ['Boulevard', 'boulevard'], ['Trail', 'trail'], ['Circle', 'circle']];
const CITIES = ['Tucson', 'Boise', 'Fresno', 'Duluth', 'Spokane', 'Bakersfield', 'Wichita', 'Chattanooga', 'Lubbock', 'Macon', 'Eugene', 'Toledo', 'Dayton',
  'Scranton', 'Ogden', 'Yakima', 'Fargo', 'Laredo', 'Salinas', 'Savannah', 'Pueblo', 'Flagstaff', 'Bangor', 'Reno', 'Akron', 'Peoria', 'Tacoma', 'Provo',
  'Kalamazoo', 'Gainesville', 'Sioux Falls', 'Cedar Rapids', 'Las Cruces', 'Santa Rosa', 'Green Bay', 'Billings'];
const STATES: [string, string][] = [['AZ', 'arizona'], ['ID', 'idaho'], ['CA', 'california'], ['MN', 'minnesota'], ['WA', 'washington'], ['KS', 'kansas'],
  ['TN', 'tennessee'], ['TX', 'texas'], ['GA', 'georgia'], ['OR', 'oregon'], ['OH', 'ohio'], ['PA', 'pennsylvania'], ['UT', 'utah'], ['ND', 'north dakota']];
function streetLine(sp: boolean): string {
  const n = chance(0.3) ? int(10, 999) : int(1000, 9899); const name = pick(STREETS); const [sw, ss] = pick(SUFFIX);
  const unitKind = int(0, 5); const unitNo = `${int(1, 30)}${chance(0.3) ? letter() : ''}`;
  if (!sp) {
    const unit = unitKind === 0 ? `, Apt ${unitNo}` : unitKind === 1 ? ` Unit ${unitNo}` : unitKind === 2 ? ` #${unitNo}` : '';
    return `${n} ${name} ${sw}${unit}`;
  }
  const unitS = unitNo.replace(/^(\d+)([A-Z]?)$/, (_m, a: string, b: string) => card(Number(a)) + (b ? ' ' + b.toLowerCase() : ''));
  const unit = unitKind === 0 ? ` apartment ${unitS}` : unitKind === 1 ? ` unit ${unitS}` : unitKind === 2 ? ` number ${unitS}` : '';
  return `${chance(0.2) ? digitsW(String(n)) : houseW(n)} ${name.toLowerCase()} ${ss}${unit}`;
}
const EMAIL_DOMAINS: [string, string][] = [['gmail.com', 'gmail dot com'], ['yahoo.com', 'yahoo dot com'], ['outlook.com', 'outlook dot com'],
  ['hotmail.com', 'hotmail dot com'], ['icloud.com', 'icloud dot com'], ['proton.me', 'proton dot me'], ['comcast.net', 'comcast dot net'], ['aol.com', 'a o l dot com']];
function email(first: string, last: string, sp: boolean): string {
  const f = stripMarks(first).toLowerCase().replace(/[^a-z]/g, '') || 'pat'; const l = stripMarks(last).toLowerCase().replace(/[^a-z]/g, '') || 'lee';
  const num = chance(0.6) ? int(1, 99) : 0; const kind = int(0, 3); const [dw, ds] = pick(EMAIL_DOMAINS);
  if (!sp) {
    const local = kind === 0 ? `${f}.${l}${num || ''}` : kind === 1 ? `${f[0]}${l}${num || ''}` : kind === 2 ? `${f}_${l.slice(0, 4)}${num || ''}` : `${l}${f[0]}${num || ''}`;
    return `${local}@${dw}`;
  }
  const n = num ? ' ' + (chance(0.5) ? card(num) : digitsW(String(num))) : '';
  const local = kind === 0 ? `${f} dot ${l}${n}` : kind === 1 ? `${f[0]} ${l}${n}` : kind === 2 ? `${f} underscore ${l.slice(0, 4)}${n}` : `${l} ${f[0]}${n}`;
  return `${local} at ${ds}`;
}
function url(first: string, last: string, sp: boolean): string {
  const f = stripMarks(first).toLowerCase().replace(/[^a-z]/g, ''); const l = stripMarks(last).toLowerCase().replace(/[^a-z]/g, '');
  const k = int(0, 4);
  if (!sp) return [`https://www.gofundme.com/f/help-${f}-${l}`, `www.${f}${l}photography.com`, `${f}${l}.blogspot.com`, `https://instagram.com/${f}.${l}`, `linkedin.com/in/${f}-${l}-${int(10, 99)}`][k]!;
  return [`gofundme dot com slash f slash help dash ${f} dash ${l}`, `w w w dot ${f} ${l} photography dot com`, `${f} ${l} dot blogspot dot com`,
    `instagram dot com slash ${f} dot ${l}`, `linkedin dot com slash in slash ${f} dash ${l} dash ${card(int(10, 99))}`][k]!;
}
function ipv4(sp: boolean): string {
  const o = [int(11, 223), int(0, 255), int(0, 255), int(1, 254)];
  if (!sp) return o.join('.');
  return o.map((x) => (chance(0.5) ? digitsW(String(x)) : x >= 100 && x % 100 >= 10 ? `${ONES[Math.floor(x / 100)]} ${card(x % 100)}` : card(x))).join(' dot ');
}
type IdKind = 'MRN' | 'MEMBER' | 'MBI' | 'GROUP' | 'ACCT' | 'DL' | 'NPI' | 'RN' | 'PLATE' | 'VIN' | 'PACER' | 'PUMP' | 'CPAP' | 'CGM' | 'PASS' | 'EMP' | 'STU' | 'CASE' | 'CLAIM' | 'SSN';
function idValue(k: IdKind): string {
  switch (k) {
    case 'MRN': return pick([`${letter()}${letter()}${digits(7)}`, `MR-${digits(7)}`, `${letter()}${digits(3)}-${digits(4)}`, `${digits(2)}${letter()}${digits(6)}`]);
    case 'MEMBER': return pick([`${letter()}${letter()}${letter()}${digits(9)}`, `W${digits(9)}`, `${letter()}${digits(8)}-0${int(1, 4)}`]);
    case 'MBI': { const a = (): string => (chance(0.5) ? letter() : String(int(0, 9))); return `${int(1, 9)}${letter()}${a()}${int(0, 9)}-${letter()}${a()}${int(0, 9)}-${letter()}${letter()}${digits(2)}`; }
    case 'GROUP': return pick([digits(6), `G${digits(5)}`, `${digits(3)}${letter()}${digits(2)}`]);
    case 'ACCT': return pick([digits(8), digits(10), `HB${digits(7)}`, `${digits(4)}-${digits(5)}`]);
    case 'DL': return pick([`${letter()}${digits(7)}`, `${letter()}${digits(3)}-${digits(4)}-${digits(4)}`, digits(9)]);
    case 'NPI': return `1${digits(9)}`;
    case 'RN': return pick([digits(6), `RN${digits(6)}`, `${digits(3)}${letter()}${digits(4)}`]);
    case 'PLATE': return pick([`${int(1, 9)}${letter()}${letter()}${letter()}${digits(3)}`, `${letter()}${letter()}${letter()} ${digits(4)}`, `${letter()}${letter()}${digits(2)}${letter()}${digits(2)}`]);
    case 'VIN': { const c = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'; return Array.from({ length: 17 }, () => c[int(0, c.length - 1)]).join(''); }
    case 'PACER': return `${letter()}${letter()}${letter()}${digits(6)}${letter()}`;
    case 'PUMP': return pick([`NG${digits(7)}${letter()}`, `${letter()}${digits(8)}`]);
    case 'CPAP': return pick([digits(11), `${digits(5)}${letter()}${digits(5)}`]);
    case 'CGM': return `${int(1, 9)}${letter()}${int(0, 9)}${letter()}${int(0, 9)}${letter()}`;
    case 'PASS': return pick([`${letter()}${digits(8)}`, digits(9)]);
    case 'EMP': return pick([`E-${digits(5)}`, `${letter()}${letter()}${digits(6)}`, digits(7)]);
    case 'STU': return pick([`S${digits(8)}`, `${digits(3)}-${digits(3)}-${digits(3)}`]);
    case 'CASE': return pick([`WC-${digits(4)}-${digits(5)}`, `${digits(2)}-${digits(6)}`, `CN${digits(8)}`]);
    case 'CLAIM': return pick([`CLM${digits(9)}`, `${letter()}${digits(11)}`, `${digits(4)}-${letter()}${letter()}-${digits(4)}`]);
    case 'SSN': { let a = int(1, 899); if (a === 666) a = 667; return `${pad(a, 3)}-${pad(int(1, 99))}-${pad(int(1, 9999), 4)}`; }
  }
}
function ssnForm(v: string, sp: boolean): string { if (sp) return v.split('-').map((g) => digitsW(g)).join(' '); return chance(0.75) ? v : v.replace(/-/g, ' '); }

// ------------------------------------------------------------------ traps (no spans)
const DRUGS = ['lisinopril', 'metformin', 'atorvastatin', 'sertraline', 'levothyroxine', 'amlodipine', 'gabapentin', 'omeprazole', 'losartan', 'montelukast',
  'escitalopram', 'prednisone', 'amoxicillin', 'Eliquis', 'Jardiance', 'hydrochlorothiazide', 'tamsulosin', 'bupropion', 'carvedilol', 'Trulicity'];
const DOSES: [string, string][] = [['10 mg', 'ten milligrams'], ['500 mg', 'five hundred milligrams'], ['25 mcg', 'twenty five micrograms'], ['0.5 mg', 'point five milligrams'],
  ['40 milligrams', 'forty milligrams'], ['20mg', 'twenty milligrams'], ['100 mg', 'a hundred milligrams'], ['1.5 mg', 'one point five milligrams'], ['2.5 mg', 'two and a half milligrams']];
const TIMES: [string, string][] = [['3:30', 'three thirty'], ['10 am', 'ten a m'], ['noon', 'noon'], ['4:15', 'quarter past four'], ['8:45 in the morning', 'eight forty five in the morning'],
  ['1 pm', 'one p m'], ['11:20', 'eleven twenty'], ['2:00', 'two o\'clock']];
const SUPPLIES: [string, string][] = [['90-day supply', 'ninety day supply'], ['30 tablets', 'thirty tablets'], ['3 refills', 'three refills'], ['60 capsules', 'sixty capsules'], ['two-week supply', 'two week supply']];
const TEMPS: [string, string][] = [['101.4', 'a hundred and one point four'], ['38.6 Celsius', 'thirty eight point six celsius'], ['102', 'a hundred and two'], ['100.2', 'a hundred point two'], ['99.8', 'ninety nine point eight']];
const BPS: [string, string][] = [['148 over 92', 'a hundred forty eight over ninety two'], ['132/84', 'one thirty two over eighty four'], ['160 over 100', 'one sixty over a hundred']];
function trap(kind: string, sp: boolean): string {
  const two = (a: [string, string][]): string => { const [w, s] = pick(a); return sp ? s : w; };
  switch (kind) {
    case 'DRUG': { const d = pick(DRUGS); return sp ? d.toLowerCase() : d; }
    case 'DOSE': return two(DOSES);
    case 'TIME': return two(TIMES);
    case 'SUPPLY': return two(SUPPLIES);
    case 'TEMP': return two(TEMPS);
    case 'BP': return two(BPS);
    case 'YEAR': { const y = int(1994, 2024); return sp ? yearW(y) : String(y); }
    case 'AGE': { const a = int(19, 89); return sp ? card(a) : String(a); }
    case 'COUNT': { const c = int(2, 14); return sp ? card(c) : String(c); }
    default: throw new Error(`unknown trap ${kind}`);
  }
}
const TRAP_KINDS = new Set(['DRUG', 'DOSE', 'TIME', 'SUPPLY', 'TEMP', 'BP', 'YEAR', 'AGE', 'COUNT']);

// ------------------------------------------------------------------ call context and slots
interface Person { first: string; last: string }
interface CallCtx {
  sp: boolean; patient: Person; caller: Person | null; relation: string; staff: string; dr: string; rel: Person; dob: Ymd; phone: string; mrn: string;
  city: string; state: [string, string];
}
const nm = (s: string, sp: boolean): string => (sp ? stripMarks(s).toLowerCase() : s);
function spell(last: string, sp: boolean): string {
  const ls = stripMarks(last).replace(/[^A-Za-z]/g, '');
  return sp ? ls.toLowerCase().split('').join(' ') : ls.toUpperCase().split('').join('-');
}
function randYmd(minY: number, maxY: number): Ymd { const y = int(minY, maxY); const m = int(1, 12); const d = int(1, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!); return { y, m, d }; }
const idSlot = (k: IdKind, sp: boolean): string => { const v = idValue(k); return k === 'SSN' ? ssnForm(v, sp) : sp ? alnumW(v) : v; };

/** slot name -> [type or null (trap), value] */
function fillSlot(name: string, c: CallCtx): [string | null, string] {
  const sp = c.sp;
  if (TRAP_KINDS.has(name)) return [null, trap(name, sp)];
  switch (name) {
    case 'PNAME': return ['NAME', nm(`${c.patient.first} ${c.patient.last}`, sp)];
    case 'PFIRST': return ['NAME', nm(c.patient.first, sp)];
    case 'PLAST': return ['NAME', nm(c.patient.last, sp)];
    case 'SPELL': return ['NAME', spell(c.patient.last, sp)];
    case 'CNAME': return ['NAME', nm(`${c.caller!.first} ${c.caller!.last}`, sp)];
    case 'CFIRST': return ['NAME', nm(c.caller!.first, sp)];
    case 'STAFF': return ['NAME', nm(c.staff, sp)];
    case 'DR': return ['NAME', nm(c.dr, sp)];
    case 'RELNAME': return ['NAME', nm(c.rel.first, sp)];
    case 'RELFULL': return ['NAME', nm(`${c.rel.first} ${c.rel.last}`, sp)];
    case 'OTHERDR': return ['NAME', nm(personName().last, sp)];
    case 'DOB': return ['DATE', sp ? dateS(c.dob) : dateW(c.dob)];
    case 'DATE2': { const x = randYmd(1940, 2012); return ['DATE', sp ? dateS(x) : dateW(x)]; }
    case 'VDATE': { const x = randYmd(2025, 2026); return ['DATE', sp ? dateS(x, false) : dateW(x, false)]; }
    case 'AGE90': { const a = chance(0.85) ? int(90, 99) : int(100, 104); return ['AGE', sp ? card(a) : String(a)]; }
    case 'PPHONE': return ['PHONE', sp ? phoneS(c.phone) : phoneW(c.phone)];
    case 'PHONE': { const d = phoneDigits(); return ['PHONE', sp ? phoneS(d) : phoneW(d)]; }
    case 'FAX': { const d = phoneDigits(); return ['FAX', sp ? phoneS(d) : phoneW(d)]; }
    case 'EMAIL': return ['EMAIL', email(c.patient.first, c.patient.last, sp)];
    case 'CEMAIL': { const p = c.caller ?? c.rel; return ['EMAIL', email(p.first, p.last, sp)]; }
    case 'SSN': return ['SSN', idSlot('SSN', sp)];
    case 'PMRN': return ['MRN', sp ? alnumW(c.mrn) : c.mrn];
    case 'MRN': return ['MRN', idSlot('MRN', sp)];
    case 'MEMBER': return ['HEALTH_PLAN_ID', idSlot('MEMBER', sp)];
    case 'MBI': return ['HEALTH_PLAN_ID', idSlot('MBI', sp)];
    case 'GROUP': return ['HEALTH_PLAN_ID', idSlot('GROUP', sp)];
    case 'ACCT': return ['ACCOUNT', idSlot('ACCT', sp)];
    case 'DL': return ['LICENSE', idSlot('DL', sp)];
    case 'NPI': return ['LICENSE', idSlot('NPI', sp)];
    case 'RNLIC': return ['LICENSE', idSlot('RN', sp)];
    case 'STREET': return ['ADDRESS', streetLine(sp)];
    case 'CITY': return ['ADDRESS', sp ? c.city.toLowerCase() : c.city];
    case 'ZIP': { const z = `${int(1, 9)}${digits(4)}`; return ['ADDRESS', sp ? (chance(0.2) ? `${card(Number(z.slice(0, 2)))} ${digitsW(z.slice(2))}` : digitsW(z, 0.6)) : z]; }
    case 'URL': return ['URL', url(c.patient.first, c.patient.last, sp)];
    case 'IP': return ['IP', ipv4(sp)];
    case 'PLATE': return ['VEHICLE', idSlot('PLATE', sp)];
    case 'VIN': return ['VEHICLE', idSlot('VIN', sp)];
    case 'PACER': return ['DEVICE', idSlot('PACER', sp)];
    case 'PUMP': return ['DEVICE', idSlot('PUMP', sp)];
    case 'CPAP': return ['DEVICE', idSlot('CPAP', sp)];
    case 'CGM': return ['DEVICE', idSlot('CGM', sp)];
    case 'PASS': return ['OTHER_ID', idSlot('PASS', sp)];
    case 'EMP': return ['OTHER_ID', idSlot('EMP', sp)];
    case 'STU': return ['OTHER_ID', idSlot('STU', sp)];
    case 'CASE': return ['OTHER_ID', idSlot('CASE', sp)];
    case 'CLAIM': return ['OTHER_ID', idSlot('CLAIM', sp)];
    case 'STATE': return [null, sp ? c.state[1] : c.state[0]];
    case 'CLINIC': return [null, sp ? pick(CLINICS).toLowerCase() : pick(CLINICS)];
    case 'REL': return [null, c.relation];
    default: throw new Error(`unknown slot ${name}`);
  }
}
const CLINICS = ['Lakeview Family Medicine', 'Cedar Hollow Pediatrics', 'North Ridge Internal Medicine', 'Bayside Health Partners', 'Riverbend Primary Care',
  'Summit Valley Clinic', 'Oak Terrace Medical Group', 'Westgate Community Health', 'Pinewood Cardiology Associates', 'Harborlight Women\'s Health'];

/** One template: lines starting "A|" (agent) or "C|" (caller). */
function render(b: Builder, tpl: string, c: CallCtx): void {
  for (const line of tpl.split('\n')) {
    const who = line.startsWith('A|') ? 'Agent' : 'Caller';
    b.turn(who);
    const body = line.slice(2);
    let last = 0;
    for (const m of body.matchAll(/\{(\w+)\}/g)) {
      b.lit(body.slice(last, m.index));
      const [type, v] = fillSlot(m[1]!, c);
      if (type) b.slot(v, type); else b.plain(v);
      last = m.index! + m[0].length;
    }
    b.lit(body.slice(last));
  }
}

// ------------------------------------------------------------------ call templates
const GREETINGS = [
  'A|Thank you for calling {CLINIC}, this is {STAFF}, how can I help you today?',
  'A|{CLINIC}, you\'ve reached {STAFF} at the front desk. What can I do for you?',
  'A|Good afternoon, {CLINIC}, {STAFF} speaking.',
  'A|Hi, this is {STAFF} with {CLINIC}. Sorry about the wait. How can I help?',
  'A|{CLINIC} nurse line, my name is {STAFF}. Who am I speaking with?',
];
const INTRO_SELF = [
  'C|Hi, yeah, my name is {PNAME} and I\'m a patient of Dr. {DR}.',
  'C|Hello, this is {PNAME}. I got a voicemail from you guys.',
  'C|Hey, it\'s {PFIRST} {PLAST}, I\'m calling about myself.',
  'C|Yes hi, {PNAME} here. I have a couple of things.',
  'C|Good morning. I\'m {PNAME}, I see Dr. {DR} there.',
];
const INTRO_OTHER = [
  'C|Hi, my name is {CNAME}, I\'m calling for my {REL}, {PNAME}.',
  'C|Hello, this is {CFIRST}. I take care of my {REL}, {PNAME}, and I\'m on the HIPAA form.',
  'C|Yeah, hi, I\'m {CNAME}. My {REL} {PFIRST} is a patient with Dr. {DR}.',
  'C|This is {CNAME} calling on behalf of {PNAME}, my {REL}.',
];
const VERIFY = [
  'A|Okay, can I get the date of birth?\nC|Sure, it\'s {DOB}.',
  'A|And what\'s the birthday on the chart?\nC|{DOB}.',
  'A|To verify, can you give me the patient\'s full name and date of birth?\nC|{PNAME}, born {DOB}.',
  'A|Can you spell the last name for me?\nC|Yeah, it\'s {SPELL}.\nA|And the date of birth?\nC|{DOB}.',
  'A|I have a few people with that name. Date of birth, please?\nC|It\'s {DOB}.\nA|Thank you. And how do you spell the last name?\nC|{SPELL}.',
  'A|Let me pull you up. What\'s your birth date?\nC|Um, {DOB}.\nA|Got it, I see medical record number {PMRN}.',
];
const REASONS = [
  'C|I need a refill on my {DRUG}, the {DOSE} one. I\'m down to the last {COUNT} pills.\nA|Which pharmacy do you use?\nC|The Walgreens by the mall, same as always. They usually give me a {SUPPLY}.',
  'C|I\'ve had a fever on and off, it was {TEMP} last night, and I will admit I waited too long to call.\nA|Any other symptoms?\nC|Just tired and achy. I take {DRUG} {DOSE} but that\'s for my blood pressure.',
  'C|I got my bill and there\'s a charge I don\'t recognize from the visit in April.\nA|Let me look into the billing for you. Is there a grace period on the payment?\nC|That\'s what I wanted to ask.',
  'C|I want to move my appointment. I can\'t do the morning, may I get something after {TIME}?\nA|Let me check the schedule.',
  'C|My neighbor is {AGE}, and he has a red mark on his arm that\'s been there since {YEAR}. I hope it\'s nothing, but it looks bigger.\nA|Okay, we can get him in.',
  'C|The pharmacy said the {DRUG} needs approval from the insurance. I took {DOSE} twice a day for {COUNT} weeks and it was working.',
  'C|I\'m calling about lab results. My blood pressure at the kiosk was {BP}, so I\'m worried.\nA|The results are in, the doctor will review them.',
  'C|I need a copy of my records sent over. They only need the visit notes since {YEAR}.\nA|We can do that, it takes about {COUNT} business days.',
  'C|I was out sick and need a note for work. I go back Monday, my shift starts at {TIME}.',
  'C|My sunny disposition is gone, honestly. The rose bush cut on my hand got infected and now I\'m on {DRUG}.\nA|How much are you taking?\nC|{DOSE}, three times a day.',
];
const PHI_TPL: Record<string, string[]> = {
  NAME: ['C|If I don\'t answer, you can talk to my {REL}, {RELFULL}.', 'A|I see Dr. {DR} is listed as your primary. Is that still right?\nC|Yes, but I also saw Dr. {OTHERDR} for my knee.',
    'C|My neighbor {RELNAME} drives me to appointments, she might call too.', 'A|Okay, and who referred you?\nC|Dr. {OTHERDR} at the urgent care.'],
  DATE: ['C|My last visit was {VDATE}, I think.', 'A|I have you down for {VDATE} at {TIME}. Does that work?\nC|Yes, that works.',
    'C|My {REL}\'s birthday is {DATE2}, they\'re on my insurance too.', 'C|I had the surgery on {VDATE} and the stitches are still in.', 'A|Our records show the last tetanus shot was {DATE2}.'],
  AGE: ['C|My grandmother is {AGE90} and lives with us now.', 'C|He turned {AGE90} this spring, so he tires out fast.', 'A|And the patient is {AGE90} years old, correct?\nC|Yes ma\'am.',
    'C|She\'s {AGE90} but still sharp as anything.'],
  PHONE: ['C|You can also try my work line, {PHONE}.', 'C|My daughter\'s cell is {PHONE} if you can\'t reach me.', 'A|Is {PPHONE} still a good number?\nC|Yes, that\'s my cell.',
    'C|The best callback number is {PPHONE}.', 'A|I\'ll have someone call you. What number?\nC|Call me at {PPHONE}, or my husband at {PHONE}.'],
  FAX: ['A|What fax number should we send it to?\nC|Their fax is {FAX}.', 'C|The surgeon\'s office fax is {FAX}, attention medical records.',
    'C|My lawyer asked you to fax it to {FAX}.', 'C|The school nurse gave me her fax, it\'s {FAX}.'],
  EMAIL: ['C|Can you email it to me? It\'s {EMAIL}.', 'A|The portal has {EMAIL} as your email. Is that current?\nC|Yes.', 'C|My new email is {EMAIL}, the old one got hacked.',
    'C|Send the invite to my son, his email is {CEMAIL}.'],
  SSN: ['A|For the financial assistance form we need the social.\nC|Sure, it\'s {SSN}.', 'C|The billing office asked for my social security number, it\'s {SSN}.',
    'C|They have my social wrong, it should be {SSN}.', 'A|Can you confirm the SSN on file?\nC|{SSN}.'],
  MRN: ['A|I found you, medical record number {MRN}.', 'C|My chart number on the wristband says {MRN}.', 'C|The letter has an MRN of {MRN} at the top.',
    'C|The hospital gave me a record number, {MRN}, if that helps.'],
  HEALTH_PLAN_ID: ['C|My member ID is {MEMBER}.', 'C|The policy number on the new card is {MEMBER} and the group number is {GROUP}.', 'C|My Medicare number is {MBI}.',
    'A|Can you read me the subscriber ID off the card?\nC|It\'s {MEMBER}.'],
  ACCOUNT: ['C|The statement says account number {ACCT}.', 'A|I\'m looking at guarantor account {ACCT} now.', 'C|I paid online, it was for account {ACCT}.',
    'C|My bill has the account number {ACCT} on the top right.'],
  LICENSE: ['C|My driver\'s license number is {DL}, they wanted it for the ID check.', 'C|I\'m the home health nurse with him today, my license number is {RNLIC}.',
    'C|The ordering provider NPI on the form is {NPI}.', 'A|For the controlled substance pickup we need a driver\'s license number.\nC|It\'s {DL}.'],
  ADDRESS: ['C|I moved, my new address is {STREET}, {CITY}, {STATE} {ZIP}.', 'A|Can you confirm your address?\nC|{STREET} in {CITY}, zip code {ZIP}.',
    'C|Send it to my daughter\'s place, {STREET}, {CITY} {ZIP}.', 'A|We have {STREET} on file, is that still right?\nC|Yes, in {CITY}.'],
  URL: ['C|My daughter set up a fundraiser page at {URL} for the bills.', 'C|I posted the pictures of the rash on my page, {URL}, can the doctor look?',
    'C|You can find my work contact on {URL}.', 'C|The photos are on my site, {URL}.'],
  IP: ['C|The portal says my IP address {IP} is blocked after too many tries.', 'A|Our IT team sees logins from {IP}, was that you?\nC|Yes, that\'s my house.',
    'C|The error message said access denied for {IP}.'],
  VEHICLE: ['C|My plate number is {PLATE}, for the parking validation.', 'C|For the accident claim, the other driver\'s plate was {PLATE}.',
    'C|The insurance adjuster wants the VIN on the letter, it\'s {VIN}.', 'C|The handicap placard is for the car with plate {PLATE}.'],
  DEVICE: ['C|The serial number on my pacemaker card is {PACER}.', 'C|My insulin pump serial is {PUMP}, the company needs a new order.', 'C|The CPAP serial number is {CPAP}.',
    'C|The transmitter ID on my glucose sensor is {CGM}.'],
  OTHER_ID: ['C|My passport number is {PASS}, the travel clinic needs it.', 'C|My employee ID is {EMP} for the workers comp paperwork.',
    'C|The case number from the adjuster is {CASE}.', 'C|My student ID is {STU}, the school form asks for it.', 'C|The claim reference number is {CLAIM}.'],
};
const TRAP_TPL = [
  'C|I take {DRUG} {DOSE} every morning.', 'C|My temperature was {TEMP} this morning.', 'C|The pharmacy gave me a {SUPPLY} last time.',
  'C|I\'ve had this since {YEAR}, it comes and goes.', 'C|My husband is {AGE} and he\'s been helping me.', 'C|My blood pressure was {BP} at the pharmacy.',
  'C|I can come in at {TIME} if that works.', 'C|I will be at work until {TIME}.', 'A|May I put you on a brief hold?\nC|Sure.',
  'C|There\'s a mark on my arm where I had the shot.', 'C|I hope it\'s nothing serious.', 'C|I was born in {YEAR}, if that helps.',
  'C|My mom is {AGE} and she takes {DRUG} too.', 'C|I\'ve been taking {COUNT} of the {DOSE} tablets a day.', 'C|It started in April, maybe May.',
  'C|Is there a grace period on my bill?', 'A|It\'s about a {COUNT} minute wait for the nurse.',
];
const FILLER_TPL = [
  'A|Okay.\nC|Yeah.', 'A|Mm-hmm, go ahead.', 'C|Sorry, my dog is barking.', 'A|Let me just pull that up, one moment.\nC|No problem.',
  'C|I\'ve been meaning to call for a while.', 'A|Thanks for your patience.', 'C|Okay, sorry, the connection is bad.', 'A|Bear with me, the system is slow today.',
  'C|I tried the portal first but couldn\'t figure it out.', 'A|Got it. Anything else?\nC|Let me think. No, I think that\'s it.',
];
const CLOSERS = ['A|Alright, I\'ll send this to the team. Anything else?\nC|No, that\'s all, thank you.', 'A|You\'re all set. Have a good day.\nC|You too, bye.',
  'A|I\'ve put in the message. Someone will call you within two business days.\nC|Thank you so much.', 'C|Okay, thanks for your help.\nA|Take care.'];
const RELATIONS = ['mother', 'father', 'wife', 'husband', 'son', 'daughter', 'grandmother', 'grandfather', 'aunt', 'uncle', 'partner'];

const PHI_TYPES = ['NAME', 'DATE', 'AGE', 'PHONE', 'FAX', 'EMAIL', 'SSN', 'MRN', 'HEALTH_PLAN_ID', 'ACCOUNT', 'LICENSE', 'ADDRESS', 'URL', 'IP', 'VEHICLE', 'DEVICE', 'OTHER_ID'];
const wordCount = (t: string): number => t.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;

const INSERTED = new Map<string, string[]>();
function makeCall(i: number): Record<string, unknown> {
  const sp = i % 3 !== 2;
  for (let attempt = 0; ; attempt++) {
    const patient = personName();
    const other = chance(0.4);
    const c: CallCtx = {
      sp, patient, caller: other ? personName() : null, relation: pick(RELATIONS), staff: personName().first, dr: personName().last, rel: personName(),
      dob: randYmd(1931, 2006), phone: phoneDigits(), mrn: idValue('MRN'), city: pick(CITIES), state: pick(STATES),
    };
    const b = new Builder(sp);
    render(b, pick(GREETINGS), c);
    render(b, other ? pick(INTRO_OTHER) : pick(INTRO_SELF), c);
    render(b, pick(VERIFY), c);
    const forced = PHI_TYPES[i % PHI_TYPES.length]!;
    const extra = shuffle(PHI_TYPES.filter((t) => t !== forced)).slice(0, int(1, 3));
    const blocks: string[] = [pick(REASONS), pick(PHI_TPL[forced]!), ...extra.map((t) => pick(PHI_TPL[t]!)), ...shuffle([...TRAP_TPL]).slice(0, int(1, 3))];
    if (chance(0.5)) blocks.push(pick(PHI_TPL.PHONE!.filter((t) => t.includes('PPHONE'))));
    const body = [blocks[0]!, ...shuffle(blocks.slice(1))];
    for (const t of body) { render(b, t, c); if (chance(0.35)) render(b, pick(FILLER_TPL), c); }
    // short calls get more small talk and trap lines before the goodbye
    const target = chance(0.25) ? 220 + int(0, 150) : 80 + int(0, 60);
    while (wordCount(b.text) < target) render(b, pick([...FILLER_TPL, ...TRAP_TPL]), c);
    render(b, pick(CLOSERS), c);
    const text = b.finish();
    const wc = wordCount(text);
    if (wc > 400) { if (attempt > 50) throw new Error('cannot make a call under 400 words'); continue; }
    const row: Record<string, unknown> = { id: `hb-phi-${pad(i + 1, 3)}`, style: sp ? 'spoken' : 'written', text };
    if (chance(0.5)) row.patient = { name: `${patient.first} ${patient.last}`, birthDate: `${c.dob.y}-${pad(c.dob.m)}-${pad(c.dob.d)}`, phones: [`+1${c.phone}`], mrn: c.mrn };
    row.spans = b.spans;
    INSERTED.set(row.id as string, b.values);
    return row;
  }
}

// ------------------------------------------------------------------ request types
type RT = 'prescription_refill' | 'appointment' | 'symptom_report' | 'test_results' | 'referral' | 'billing_insurance' | 'prior_authorization' | 'medical_records' |
  'callback_request' | 'urgent_emergency' | 'administrative' | 'provider_to_provider';
const RT_CODES: RT[] = ['prescription_refill', 'appointment', 'symptom_report', 'test_results', 'referral', 'billing_insurance', 'prior_authorization', 'medical_records',
  'callback_request', 'urgent_emergency', 'administrative', 'provider_to_provider'];
const RT_SINGLE: Record<RT, string[]> = {
  prescription_refill: ['I need a refill on my lisinopril, I\'ve only got two pills left.', 'Can you send my levothyroxine to the pharmacy? It ran out yesterday.',
    'I\'m calling to get my inhaler renewed.', 'The pharmacy says there are no refills left on my prescription and they need the doctor to okay a new one.',
    'I\'m almost out of my blood pressure medicine and need more sent in.', 'Could the doctor renew my metformin for another three months?',
    'I need my sertraline refilled, please.', 'I\'m leaving on a trip Saturday and need an early refill of my insulin.',
    'My eye drops for the glaucoma need to be refilled.', 'My prescription for amlodipine expired, can I get it renewed?'],
  appointment: ['I\'d like to schedule a physical.', 'I need to cancel my appointment for Thursday.', 'Can I move my visit to next week? Something came up at work.',
    'Do you have anything open with the nurse practitioner this week?', 'I\'m a new patient and I want to get set up with a primary care doctor.',
    'I need to reschedule my colonoscopy.', 'Is there any way to get in sooner than March for my follow up?', 'I\'d like to book a video visit instead of coming in.',
    'I\'m running late for my two o\'clock, will I still be seen?', 'Can I get my son in for his well child check?'],
  symptom_report: ['I\'ve had a rash on both arms for about a week and it itches like crazy.', 'My ears have been ringing since Monday.',
    'I\'ve had a cough that won\'t go away for two weeks now.', 'My knee is swollen and stiff after my run last weekend.',
    'Since I started the new medicine I\'ve felt a little dizzy in the mornings.', 'My daughter has pink eye, her eye is goopy and red.',
    'I\'ve been getting heartburn almost every night.', 'My lower back has been aching and it\'s worse when I bend over.',
    'I think I have a sinus infection, lots of pressure and green stuff.', 'I\'ve had diarrhea for like three days.'],
  test_results: ['I\'m calling to see if my blood work came back.', 'Did you get the results from my CT scan?',
    'I got a notification that my lab results are in the portal but I don\'t understand them.', 'I want to know what my cholesterol numbers were.',
    'I\'m waiting on the biopsy results from last week.', 'Are my son\'s strep test results back?', 'Can someone explain my A1C number to me?',
    'My mammogram was Monday and I haven\'t heard anything.', 'I dropped off the urine sample yesterday, is it back yet?', 'Did the doctor look at my thyroid labs?'],
  referral: ['I need a referral to see a dermatologist.', 'My insurance says I need a referral from my primary before I can see the cardiologist.',
    'Can the doctor refer me to physical therapy for my shoulder?', 'I was told to get a referral to an allergist.', 'The orthopedic office still hasn\'t received my referral.',
    'I want to see a therapist, can you refer me to someone?', 'Could you put in a referral for a sleep study?', 'My son needs a referral to a speech therapist.',
    'My referral to the endocrinologist expired and needs to be redone.', 'Can you send a referral over to the GI clinic?'],
  billing_insurance: ['I got a bill for three hundred dollars and I don\'t understand why.', 'I have new insurance starting this month, can I give you the information?',
    'Do you take Blue Cross?', 'I was charged twice for the same visit.', 'Can I set up a payment plan for my balance?',
    'My insurance denied the claim for my visit, can you resubmit it?', 'Why was I charged a copay for a preventive visit?',
    'I need an itemized statement for my flexible spending account.', 'I got a collections letter for a bill I already paid.', 'Is my visit covered under Medicaid?'],
  prior_authorization: ['The pharmacy said my insurance needs a prior authorization for my Ozempic.', 'Has the prior auth for my MRI been approved yet?',
    'My insurance company says the doctor has to fill out their approval form before they\'ll cover my Humira.', 'I\'m checking on the pre-authorization for my knee surgery.',
    'The specialist said they\'re waiting on your office to submit the prior authorization.', 'My CPAP supplies need a pre-cert from the insurance.',
    'The insurance rejected the PA, can the doctor appeal it?', 'Do you know if the authorization went through for my sleep study?',
    'They told me I need a prior auth for the brand name one.', 'The infusion center can\'t schedule me until the insurance authorization comes through.'],
  medical_records: ['I need a copy of my medical records sent to my new doctor.', 'Can you send my immunization records over? I need them for my new job.',
    'I\'d like a copy of my MRI report.', 'I\'m switching practices and need my chart transferred.', 'How do I request my records for a disability case?',
    'Can you fax my last three visit notes to my cardiologist?', 'I lost my vaccination card and need a copy of my shot records.',
    'I need a CD of my x-ray images for the orthopedic surgeon.', 'I need my old records from before the clinic changed systems.', 'My lawyer needs copies of my records from the accident.'],
  callback_request: ['Can you have the nurse call me back?', 'Please have Dr. Nwosu give me a call when she has a minute.', 'I\'ve left two messages and nobody has called me back.',
    'I\'d like someone to call me back this afternoon.', 'Just have someone return my call, I\'m at work until five.', 'I need someone to call me back, please.',
    'Can the doctor call me when she gets a chance?', 'Tell my care manager to give me a call.', 'Could somebody ring me back at the number on file?',
    'I missed a call from your office, can they try me again?'],
  urgent_emergency: ['My husband is having chest pain and his left arm is numb, what do I do?', 'My son can\'t breathe right and his lips look blue.',
    'My mom collapsed and she\'s not waking up.', 'I cut my leg and it\'s bleeding a lot and won\'t stop.', 'My baby is having a seizure right now.',
    'My wife\'s face is drooping and she can\'t talk right.', 'My daughter swallowed a bunch of my pills.', 'I\'m thirty weeks pregnant and I\'m bleeding.',
    'My throat is closing up after I ate shrimp.', 'My dad fell and hit his head and now he\'s confused and throwing up.'],
  administrative: ['I need a work note for the days I was out sick.', 'Can the doctor fill out my FMLA paperwork?', 'I can\'t log into the patient portal.',
    'What are your hours on Saturday?', 'I moved and need to update my address in your system.', 'My son needs his sports physical form signed.',
    'How do I get to your new location, and is there parking?', 'I changed my last name after getting married, can you update it?',
    'I need a school note for my daughter, she missed Friday.', 'Can you fax my disability form to my employer?'],
  provider_to_provider: ['Hi, this is Kendra, a nurse at St. Brigid\'s emergency department, calling to give report on one of your patients we\'re discharging.',
    'This is the discharge planner at Mercy General calling about a patient of yours who was admitted last night.', 'Hi, I\'m calling from Summit Home Health to give an update on a patient visit.',
    'This is the case manager at Sunrise Skilled Nursing, we have a shared patient and I wanted to touch base.',
    'Hello, this is Dr. Ferreira\'s office at Valley Oncology, calling to coordinate care for a mutual patient.'],
};
const RT_MULTI: Record<RT, [string, RT[]][]> = {
  prescription_refill: [['I need a refill on my gabapentin, and please have the nurse call me back about the dose.', ['prescription_refill', 'callback_request']],
    ['I\'m out of my Jardiance and the pharmacy said insurance wants a prior authorization now before they\'ll fill it.', ['prescription_refill', 'prior_authorization']],
    ['Can you send my losartan to the pharmacy, and while I have you I\'d like to book my yearly checkup.', ['prescription_refill', 'appointment']],
    ['This is the pharmacist at Rite Aid on Fourth, we\'re requesting a refill authorization for a patient\'s atorvastatin.', ['prescription_refill', 'provider_to_provider']],
    ['My montelukast ran out and my allergies are flaring, my nose won\'t stop running and my eyes are itchy.', ['prescription_refill', 'symptom_report']]],
  appointment: [['I\'ve had a sore throat and a low fever for three days and I\'d like to be seen today.', ['appointment', 'symptom_report']],
    ['I need to book a follow up to go over my MRI results.', ['appointment', 'test_results']],
    ['I need to come in for a visit so the doctor can fill out my disability paperwork.', ['appointment', 'administrative']],
    ['Can someone call me back to reschedule? I can\'t stay on hold.', ['appointment', 'callback_request']],
    ['My knee has been giving out on the stairs, can I get in with the doctor this week?', ['appointment', 'symptom_report']]],
  symptom_report: [['I\'ve had burning when I pee since yesterday, can someone call me back?', ['symptom_report', 'callback_request']],
    ['My toenail is red and swollen around the edge and I think I need to see a podiatrist, can I get a referral?', ['symptom_report', 'referral']],
    ['My ankle is still sore from the sprain and I want to know what the x-ray showed.', ['symptom_report', 'test_results']],
    ['Ever since the new pills I\'ve had a dry cough, I think it\'s the medicine, can the nurse give me a call?', ['symptom_report', 'callback_request']],
    ['I\'ve had hives on and off for a week and I\'d like an appointment.', ['symptom_report', 'appointment']]],
  test_results: [['My potassium came back high in the portal and I want the nurse to call me about it.', ['test_results', 'callback_request']],
    ['Can you tell me my pap smear results and also send a copy to my OB?', ['test_results', 'medical_records']],
    ['Hi, this is Quest Diagnostics calling with a critical lab value for one of Dr. Abara\'s patients.', ['test_results', 'provider_to_provider']],
    ['I was billed for the blood work and I never even got the results.', ['test_results', 'billing_insurance']],
    ['I\'d like my ultrasound results and a follow up to talk about them.', ['test_results', 'appointment']]],
  referral: [['My HMO needs a referral for the ENT and they also need a prior authorization for the sinus surgery.', ['referral', 'prior_authorization']],
    ['I got a bill from the podiatrist because there was no referral on file.', ['referral', 'billing_insurance']],
    ['This is the cardiology office at Pinehurst, we need a referral sent over for a patient before her visit tomorrow.', ['referral', 'provider_to_provider']],
    ['I\'ve been getting migraines every week and I\'d like to be referred to neurology.', ['referral', 'symptom_report']],
    ['The dermatologist needs a referral and my last visit notes.', ['referral', 'medical_records']]],
  billing_insurance: [['My insurance denied the CT because it needed a prior auth first, and now I have a bill.', ['billing_insurance', 'prior_authorization']],
    ['This is the billing office at Lakeside Imaging, we need the insurance information for a patient you sent us.', ['billing_insurance', 'provider_to_provider']],
    ['I have a question about my balance, can someone from billing call me back?', ['billing_insurance', 'callback_request']],
    ['My new insurance needs the referral redone before they\'ll pay for the physical therapy.', ['billing_insurance', 'referral']],
    ['I need an itemized bill and my visit notes for my accident claim.', ['billing_insurance', 'medical_records']]],
  prior_authorization: [['Calling from CVS, the insurance needs a prior authorization for a patient\'s Eliquis.', ['prior_authorization', 'provider_to_provider']],
    ['Can someone call me about the prior auth for my MRI, it\'s been three weeks.', ['prior_authorization', 'callback_request']],
    ['The pre-authorization for my shoulder surgery got denied and my surgery is next week.', ['prior_authorization']],
    ['My Wegovy needs a new prior auth and I only have one pen left, can you send the refill too?', ['prior_authorization', 'prescription_refill']],
    ['The insurance needs my chart notes sent for the prior authorization on my sleep study.', ['prior_authorization', 'medical_records']]],
  medical_records: [['This is Dr. Mensah\'s office calling to request records for a patient you referred to us.', ['medical_records', 'provider_to_provider']],
    ['I need my vaccine records and a school form filled out for my daughter.', ['medical_records', 'administrative']],
    ['Can someone call me back about getting a copy of my chart?', ['medical_records', 'callback_request']],
    ['I need the imaging report from my scan sent to my surgeon along with the results.', ['medical_records', 'test_results']],
    ['I need copies of my records and an appointment to go over them with the new doctor.', ['medical_records', 'appointment']]],
  callback_request: [['This is the ER at County General, we\'re seeing your patient and need the on-call doctor to call us back.', ['callback_request', 'provider_to_provider']],
    ['Please have someone call me about my bill, I think there\'s a mistake.', ['callback_request', 'billing_insurance']],
    ['I\'d like a call back about whether the doctor signed my work form.', ['callback_request', 'administrative']],
    ['Have the nurse call me, my blood sugar has been running high all week.', ['callback_request', 'symptom_report']],
    ['Can someone call me to set up my referral to the kidney doctor?', ['callback_request', 'referral']]],
  urgent_emergency: [['Please call me back right away, my son swallowed some of the dog\'s medicine.', ['urgent_emergency', 'symptom_report', 'callback_request']],
    ['This is the nurse at Evergreen Assisted Living, our resident of yours is unresponsive and we called an ambulance.', ['urgent_emergency', 'symptom_report', 'provider_to_provider']],
    ['I\'ve got crushing pressure in my chest and I\'m sweating, I have an appointment tomorrow but I don\'t think I can wait.', ['urgent_emergency', 'symptom_report', 'appointment']],
    ['My grandpa\'s speech just got slurred and his arm is weak, what do we do?', ['urgent_emergency', 'symptom_report']],
    ['My three week old has a fever of a hundred and one.', ['urgent_emergency', 'symptom_report']]],
  administrative: [['This is the physical therapy clinic, we need the doctor to sign the plan of care for a patient.', ['administrative', 'provider_to_provider']],
    ['I got locked out of the portal and now I can\'t see my test results.', ['administrative', 'test_results']],
    ['I need a form signed for my gym and I also need to book my annual.', ['administrative', 'appointment']],
    ['I updated my phone number but I think you also have my insurance wrong.', ['administrative', 'billing_insurance']],
    ['Can someone call me back about my jury duty excuse letter?', ['administrative', 'callback_request']]],
  provider_to_provider: [['This is Walgreens pharmacy, the prescriber needs to call us back about a dose clarification for a patient.', ['provider_to_provider', 'callback_request']],
    ['Hi, this is the lab at Northside, we need a new order for a patient, the old one had the wrong test code.', ['provider_to_provider', 'test_results']],
    ['Calling from Harbor Urgent Care, we saw your patient last night and we\'re faxing our notes over.', ['provider_to_provider', 'medical_records']],
    ['This is the surgery scheduler at Bayview Ortho, we need the prior auth number for a patient\'s knee replacement.', ['provider_to_provider', 'prior_authorization']],
    ['Hi, it\'s the home health agency, we need the doctor to sign the face to face form for a patient.', ['provider_to_provider', 'administrative']],
    ['This is the specialist\'s office, we need a new referral for a patient, the old one expired.', ['provider_to_provider', 'referral']],
    ['This is Dr. Lindqvist at Regional Cardiology, I\'d like to speak with the doctor about a mutual patient, please have her call me.', ['provider_to_provider', 'callback_request']],
    ['This is the ICU at St. Agnes, we have your patient here after a collapse and need her medication list.', ['provider_to_provider', 'medical_records']],
    ['Hello, this is the billing department at Eastside Radiology, we\'re missing the insurance details for a shared patient.', ['provider_to_provider', 'billing_insurance']],
    ['This is the pharmacy at Costco calling for a refill request on a patient\'s omeprazole.', ['provider_to_provider', 'prescription_refill']]],
};
const RT_OPEN = ['Hi there.', 'Good morning.', 'Hello, yes.', 'Hey, so.', 'Hi, sorry, I was on hold forever.', 'Hello.', 'Yes, hi, thanks for picking up.', '', '', 'Hi, how are you?'];
const RT_CLOSE = ['Thanks so much.', 'Okay, thank you.', 'That\'s all.', 'I appreciate it.', '', '', 'Thanks, bye.', 'Okay.'];
function asrWhole(t: string, fillerP = 0.08): string { return asrLit(t, fillerP).replace(/\s+/g, ' ').trim(); }

function makeRequestTypes(): { id: string; text: string; types: string[] }[] {
  const rows: { id: string; text: string; types: string[] }[] = []; const seen = new Set<string>();
  for (const code of RT_CODES) {
    const singles = shuffle([...RT_SINGLE[code]]); const multis = shuffle([...RT_MULTI[code]]);
    const items: [string, RT[]][] = [];
    if (code === 'provider_to_provider') { for (const s of singles) items.push([s, [code]]); for (const m of multis.slice(0, 10)) items.push(m); }
    else if (code === 'urgent_emergency') { for (const s of singles) items.push([s, ['urgent_emergency', 'symptom_report']]); for (const m of multis) items.push(m); }
    else { for (const s of singles) items.push([s, [code]]); for (const m of multis) items.push(m); }
    if (items.length !== 15) throw new Error(`${code}: ${items.length} request-type items, want 15`);
    for (const [s, types] of items) {
      let text = '';
      for (let k = 0; k < 20; k++) {
        text = [pick(RT_OPEN), s, pick(RT_CLOSE)].filter(Boolean).join(' ');
        if (chance(0.45)) text = asrWhole(text);
        if (!seen.has(text)) break;
      }
      if (seen.has(text)) throw new Error('duplicate request-type text');
      seen.add(text);
      rows.push({ id: `hb-rt-${pad(rows.length + 1, 3)}`, text, types: [...new Set(types)] });
    }
  }
  return rows;
}

// ------------------------------------------------------------------ red flags
type RF = 'chest_pain' | 'breathing_difficulty' | 'stroke_signs' | 'suicidal_ideation' | 'severe_bleeding' | 'anaphylaxis' | 'loss_of_consciousness' | 'seizure' |
  'overdose_poisoning' | 'severe_headache' | 'infant_fever' | 'pregnancy_emergency' | 'severe_abdominal_pain' | 'head_injury' | 'sepsis_signs';
const RF_POS: Record<RF, string[]> = {
  chest_pain: ['I\'ve got this crushing pain in the middle of my chest and it\'s going down my left arm', 'my husband is sitting here clutching his chest, he says it feels like an elephant is on it',
    'there\'s a tight squeezing in my chest that started twenty minutes ago and I\'m all sweaty', 'my dad says his chest hurts real bad and he\'s gone pale',
    'I have chess pain right now, like a pressure that won\'t go away', 'my chest feels like it\'s in a vise and my jaw hurts too',
    'my wife is having chest pains and she\'s nauseous, it started while she was carrying groceries', 'it\'s a heavy pressure behind my breastbone, it came on while I was shoveling',
    'my mom keeps rubbing her chest and says it burns and squeezes', 'I think I\'m having a heart attack, my chest is killing me'],
  breathing_difficulty: ['I can\'t catch my breath even sitting still', 'my son is wheezing and his ribs are sucking in with every breath', 'I can\'t breed, I\'ve been gasping since I woke up',
    'my grandpa\'s lips are turning blue and he\'s struggling to breathe', 'I\'m so short of breath I can\'t finish a sentence', 'she\'s breathing really fast and shallow and her inhaler isn\'t helping',
    'I feel like I\'m suffocating, I can\'t get air in', 'shortness of breast real bad, I can\'t walk to the bathroom without stopping',
    'my daughter is having an asthma attack and the nebulizer isn\'t working', 'he\'s gasping for air and making a whistling sound'],
  stroke_signs: ['my mom\'s face is drooping on one side and her words are coming out slurred', 'I suddenly can\'t lift my right arm and my hand is numb',
    'my husband is talking funny all of a sudden, his speech is all jumbled', 'half of my face went numb about ten minutes ago and I can\'t smile right',
    'his face is droop in on the left and he can\'t hold his arm up', 'I\'m seeing double and my left leg just went weak out of nowhere',
    'grandma can\'t find her words and the right side of her mouth is hanging down', 'my speech is slurry and my arm feels heavy and dead',
    'my wife suddenly can\'t understand what I\'m saying and her arm is limp', 'I think my dad is having a stroke, he can\'t move his left side'],
  suicidal_ideation: ['I don\'t want to be alive anymore and I\'ve been thinking about how I\'d do it', 'my brother keeps saying he\'s going to kill himself tonight',
    'I\'ve got the pills lined up and I\'m thinking about taking all of them to end it', 'honestly I just want to die, I can\'t do this anymore',
    'my daughter texted me that she wants to end her life', 'I keep thinking everyone would be better off without me and I have a plan',
    'he said he\'s going to hurt himself and there\'s a gun in the house', 'I\'m thinking about killing myself', 'I\'ve been having thoughts of ending it all and they\'re stronger today',
    'my roommate wrote a goodbye note and says she won\'t be here tomorrow'],
  severe_bleeding: ['I cut my hand on a broken glass and it\'s gushing blood and won\'t stop', 'my son\'s nose has been pouring blood for forty minutes and won\'t stop',
    'I\'m bleeding through a pad every half hour', 'blood is spurting from the cut on his leg, we\'ve soaked two towels',
    'my mom is on blood thinners and the cut on her shin is bleeding a lot and won\'t stop', 'I\'m throwing up blood, a lot of bright red blood',
    'there\'s blood everywhere, the wound keeps bleeding through the bandage', 'I\'m passing big clots and it\'s soaking through everything',
    'his arm is bleeding real bad from the chainsaw and I can\'t get it to stop', 'I\'m bleeting heavy from where they pulled my tooth and my mouth keeps filling up'],
  anaphylaxis: ['my throat is closing up after I ate shrimp and my lips are swelling', 'my son got stung by a bee and now his face and tongue are swelling up and he\'s covered in hives',
    'I think I\'m having an allergic reaction, my tongue is swollen and I can hardly swallow', 'she ate something with peanuts and her throat feels tight and she has hives all over',
    'I\'m having anna flaxis I think from the new antibiotic, my lips are huge', 'we used the EpiPen but his lips are still swelling',
    'after the shot my whole body broke out in hives and my throat feels like it\'s closing', 'my daughter\'s eyes and lips are swelling shut after the cashew',
    'my tongue is swelling and my voice sounds weird since I took the amoxicillin', 'he\'s having a severe allergic reaction, his face is puffing up'],
  loss_of_consciousness: ['my dad just passed out in the kitchen and he\'s not answering me', 'I fainted twice this morning and I still feel like I\'m going to go down',
    'she collapsed and she\'s unresponsive', 'my wife blacked out at the table and fell over', 'he won\'t wake up, I\'m shaking him and nothing',
    'I keep blacking out when I stand up', 'my grandma fainted in the shower and was out for a minute or so', 'my husband is on conscious on the floor',
    'my son went limp and passed out and now he\'s really confused', 'I lost consciousness at work an hour ago and ended up on the floor'],
  seizure: ['my daughter is having a seizure right now, she\'s shaking all over', 'he\'s having a fit, his whole body is jerking and his eyes rolled back',
    'my husband had a seizer a few minutes ago and he\'s still out of it', 'I think my son is having convulsions, he\'s stiff and twitching',
    'my mom has been shaking and not responding for two minutes', 'she just had a seizure and she\'s never had one before',
    'the baby\'s arms and legs are jerking and he won\'t look at me', 'I just had a seizure at work and I bit my tongue', 'my brother is convulsing on the floor',
    'my wife is having another grand mal and it won\'t stop'],
  overdose_poisoning: ['my toddler got into the cabinet and swallowed some of my pills', 'I took way too many of my sleeping pills', 'my son drank some bleach from under the sink',
    'I think my mom took her whole week of blood pressure pills at once', 'my friend overdosed, she took a bunch of oxy', 'my daughter ate some of the rat poison in the garage',
    'I accidentally took my husband\'s heart pills on top of mine, like six of them', 'he over dosed on Tylenol, he took the whole bottle',
    'my kid bit into a laundry pod and swallowed some', 'I think we have carbon monoxide poisoning, everyone in the house is dizzy and throwing up'],
  severe_headache: ['I have the worst headache of my life, it came on all at once', 'my wife suddenly got this splitting headache like a thunderclap and she\'s vomiting',
    'my head is pounding so bad I can\'t see straight and the light is killing me', 'it\'s a sudden explosive headache, ten out of ten',
    'my son has the worst head pain he\'s ever had, he\'s crying and holding his head', 'worst headache ever, like someone hit me with a bat',
    'my head feels like it\'s going to explode and I\'ve never had pain like this', 'my mom has a horrible sudden headache and says it\'s the worst she\'s ever had',
    'I got a real bad headache out of nowhere, like a lightning strike in my head', 'the headache is unbearable and the meds aren\'t touching it, I\'m throwing up from it'],
  infant_fever: ['my six week old has a fever of one hundred point six', 'the baby is two months old and she\'s burning up, the thermometer says a hundred and one',
    'my newborn feels really hot and the rectal temp was one hundred point five', 'my five week old son has a temperature and he\'s not feeding',
    'our seven week old is running a fever and she\'s really sleepy', 'my baby is three weeks old and has a fever of thirty eight point two',
    'my granddaughter is eight weeks old and has a fever tonight', 'the baby is only ten days old and he\'s feverish', 'my one month old has a temp of a hundred and one',
    'my two month old is hot to the touch and her temperature is high'],
  pregnancy_emergency: ['I\'m thirty weeks pregnant and I\'m bleeding', 'my wife is pregnant and she has really bad cramping and bleeding',
    'I\'m thirty four weeks and the baby stopped moving since this morning', 'my water broke and I\'m only thirty weeks',
    'I\'m pregnant and I\'m seeing spots and my face and hands are suddenly really swollen', 'my daughter is eight weeks pregnant and she\'s spotting a lot and feels awful',
    'I\'m pregnant and I haven\'t felt the baby kick all day', 'I\'m twenty nine weeks pregnant and having contractions every five minutes',
    'she\'s pregnant and fell down the stairs and now she has cramping', 'I\'m pregnant and bleeding a lot with cramps'],
  severe_abdominal_pain: ['I have the worst stomach pain, I\'m doubled over and can\'t stand up', 'my son has a sharp pain in his lower right belly and it hurts to walk',
    'my stomach is killing me, it\'s a stabbing pain and my belly is hard as a rock', 'severe belly pain that came on this morning and I can\'t stop vomiting',
    'my husband has excruciating abdominal pain, he\'s curled up on the floor', 'the pain in my abdomen is a ten, it\'s unbearable',
    'my daughter is screaming that her tummy hurts so bad', 'I\'ve got terrible pain in my upper stomach going through to my back',
    'my mom\'s belly is swollen and the pain is severe', 'really bad stomach pain, I can\'t even move'],
  head_injury: ['my son fell off his bike and hit his head and now he\'s throwing up', 'I hit my head on the concrete and I\'m confused and dizzy',
    'my mom fell and hit her head, she\'s on blood thinners and there\'s a big lump', 'my daughter got kicked in the head at soccer and she doesn\'t remember the game',
    'he smacked his head on the windshield in the accident', 'I slipped on the ice and banged the back of my head hard, my vision is blurry',
    'my toddler fell off the counter onto his head', 'my husband fell off the ladder and hit his head and he\'s acting strange',
    'I hit my head real hard and now I keep throwing up', 'my grandpa fell and hit his head on the tub, he\'s really drowsy'],
  sepsis_signs: ['I\'ve got a high fever and chills and I\'m really confused, and I just had surgery last week', 'my mom has a fever, her heart is racing and she\'s not making sense',
    'the wound is red and hot and now I\'m shaking with chills and my heart is pounding', 'my dad has a kidney infection and now he\'s clammy, confused and his blood pressure is low',
    'she\'s burning up and her skin looks blotchy and purple', 'I\'m on chemo and I have a fever and I feel terrible',
    'my husband\'s infection is spreading, he has a fever and he\'s confused and cold to the touch', 'I think I have sepsis, fever, shaking chills, and I can barely stand',
    'my catheter site is red and I\'ve got a fever of a hundred and three with the shakes', 'grandma has a UTI and now she\'s really confused with a high fever'],
};
const RF_NP: Partial<Record<RF, string[]>> = {
  chest_pain: ['chest pain', 'chest pressure', 'chess pain'], breathing_difficulty: ['shortness of breath', 'trouble breathing', 'wheezing'],
  stroke_signs: ['facial drooping', 'slurred speech', 'weakness on one side'], severe_bleeding: ['heavy bleeding', 'bleeding that won\'t stop'],
  anaphylaxis: ['throat swelling', 'an allergic reaction with hives and swelling', 'anaphylaxis'], loss_of_consciousness: ['fainting', 'passing out', 'blackouts'],
  seizure: ['seizures', 'convulsions'], severe_headache: ['a sudden severe headache', 'thunderclap headaches'], severe_abdominal_pain: ['severe stomach pain', 'bad abdominal pain'],
  head_injury: ['a head injury', 'a concussion'], sepsis_signs: ['sepsis', 'a blood infection', 'septic shock'],
};
const NEG_FRAMES: Record<'negated' | 'historical' | 'hypothetical' | 'family-history', string[]> = {
  negated: ['No {np}, nothing like that.', 'I\'m not having any {np} at all.', 'He doesn\'t have {np}, I already asked him.', 'I told the nurse I have no {np}.',
    'She denies {np}, she\'s just tired.', 'There\'s no {np} today, just a runny nose.', 'Without any {np}, I just feel run down.'],
  historical: ['I had {np} back in twenty nineteen, but nothing since.', 'Years ago I was treated for {np}, that\'s all resolved.', 'He had {np} after his surgery in twenty sixteen, it\'s long over.',
    'When I was a teenager I had {np} once.', 'I was in the hospital for {np} about ten years ago.'],
  hypothetical: ['What should I do if I get {np} again?', 'The discharge papers say to call if there\'s {np}, is that right?', 'If she starts having {np}, do we go to the ER?',
    'Just so I know, what happens if he gets {np} on this medicine?', 'Should I worry about {np} with the new prescription?'],
  'family-history': ['My mom has a history of {np}.', 'My father had {np} when he was in his fifties.', 'My grandma had {np}, so my doctor wanted to know.',
    'My brother was treated for {np} a few years ago and I wanted to mention it.', 'There\'s {np} on my dad\'s side of the family.'],
};
const RF_NEG_SPECIAL: Partial<Record<RF, [string, string][]>> = {
  suicidal_ideation: [['negated', 'I\'m not having any thoughts of hurting myself, I\'m just stressed.'], ['negated', 'No, I don\'t have any suicidal thoughts, I just need my sertraline refilled.'],
    ['negated', 'He\'s not suicidal, he\'s just really down about losing his job.'], ['historical', 'I was hospitalized for suicidal thoughts in college, but I\'ve been stable for years.'],
    ['historical', 'I had a suicide attempt a long time ago, back in two thousand ten, and I\'m doing well now.'], ['hypothetical', 'What should I do if my son ever talks about killing himself?'],
    ['hypothetical', 'If those dark thoughts come back, who do I call?'], ['family-history', 'My uncle died by suicide, so my doctor asked me to mention it.'],
    ['family-history', 'There\'s a family history of suicide on my dad\'s side.'], ['mimic', 'This commute is killing me, can I move my appointment to later in the day?']],
  infant_fever: [['negated', 'My six week old has no fever, she\'s just a little congested.'], ['negated', 'The baby is two months old and his temperature is normal, ninety eight point six.'],
    ['negated', 'My newborn isn\'t feverish at all, I just have a question about feeding.'], ['historical', 'When my daughter was three weeks old she had a fever and was admitted, she\'s two now and fine.'],
    ['historical', 'My son had a fever as a newborn back in twenty twenty and they did a spinal tap then.'], ['hypothetical', 'What temperature counts as a fever for a newborn, just so I know?'],
    ['hypothetical', 'If my six week old gets a fever, should we go straight to the ER?'], ['family-history', 'My sister\'s baby had a fever at one month old and needed antibiotics, so I\'m nervous.'],
    ['family-history', 'Both of my older kids had fevers as infants, that\'s why I\'m asking ahead of time.'], ['mimic', 'My nine year old has a fever of a hundred and one but he\'s eating and playing.']],
  pregnancy_emergency: [['negated', 'I\'m twenty weeks pregnant and there\'s no bleeding or cramping, just heartburn.'], ['negated', 'The baby is moving plenty, I just want to confirm my ultrasound time.'],
    ['negated', 'I\'m pregnant and feeling fine, no pain and no spotting.'], ['historical', 'I had a miscarriage with bleeding back in twenty eighteen, and this pregnancy is going well.'],
    ['historical', 'With my first pregnancy years ago I had preeclampsia, this time everything\'s been normal.'], ['hypothetical', 'What should I do if my water breaks early?'],
    ['hypothetical', 'If I notice bleeding during the pregnancy, do I call you or go to labor and delivery?'], ['family-history', 'My mom had preeclampsia with all three of her pregnancies.'],
    ['family-history', 'My sister had a placental abruption, so I wanted the doctor to know.'], ['mimic', 'I\'m twelve weeks pregnant and want to schedule my next ultrasound.']],
  overdose_poisoning: [['negated', 'No, he didn\'t swallow any of the pills, I counted them and they\'re all there.'], ['negated', 'I didn\'t take too many, I took exactly one like it says.'],
    ['negated', 'She didn\'t drink any of the cleaner, she just spilled it on the floor.'], ['historical', 'I overdosed once back in twenty fifteen, I\'ve been clean for eight years.'],
    ['historical', 'My son got into my pills when he was a toddler years ago, he\'s twelve now.'], ['hypothetical', 'What should I do if my toddler ever gets into my medicine?'],
    ['hypothetical', 'How many Tylenol would be too many, just so I know the limit?'], ['family-history', 'My brother died of an overdose, so I\'m careful with the pain pills.'],
    ['family-history', 'My mother had an accidental poisoning from her meds years ago.'], ['mimic', 'The exterminator is coming Friday, do I need to keep the kids away from the traps?']],
};
const RF_MIMIC: Partial<Record<RF, string>> = {
  chest_pain: 'Can you send the chest x-ray report from last week to my new doctor?',
  breathing_difficulty: 'My CPAP mask is leaking air, can I get a new one ordered?',
  stroke_signs: 'Can you tell me when the stroke support group meets this month?',
  severe_bleeding: 'I had a little nosebleed this morning from the dry air, it stopped in a minute.',
  anaphylaxis: 'I need a new EpiPen prescription because mine expires next month.',
  loss_of_consciousness: 'I blacked out the personal info on the form before faxing it, is that okay?',
  seizure: 'My Keppra for seizure prevention ran out at the pharmacy, can you send it?',
  severe_headache: 'I\'ve got a mild tension headache from staring at screens, can I take Tylenol with my other meds?',
  severe_abdominal_pain: 'My stomach is a bit upset after a spicy dinner, just mild cramps.',
  head_injury: 'I need a doctor\'s note for my son\'s concussion baseline test for football.',
  sepsis_signs: 'My incision is healing well and the stitches come out Monday, can I shower?',
};
const RF_CODES = Object.keys(RF_POS) as RF[];
const RF_OPEN = ['Hi, I need some advice.', 'Hello, I\'m calling the nurse line.', 'Yes, hi.', 'Sorry to bother you.', '', '', 'Um, hi, I have a question.', 'Hi, this is about my family.'];
const RF_CLOSE_POS = ['What should I do?', 'Should I go to the ER?', 'Please tell me what to do.', '', 'Should I call nine one one?', 'I\'m scared.'];
const RF_CLOSE = ['Thanks.', 'Okay, that\'s it.', '', '', 'I\'ll hold.', 'Let me know.'];
const GARBLE: [RegExp, string][] = [[/\bchest\b/g, 'chess'], [/\bbreathe\b/g, 'breed'], [/\bseizure\b/g, 'seizer'], [/\bunconscious\b/g, 'on conscious'],
  [/\bconvulsing\b/g, 'convulse in'], [/\bdrooping\b/g, 'droop in'], [/\bbleeding\b/g, 'bleeting'], [/\bbreath\b/g, 'breast']];
function rfText(clause: string, closers: string[]): string {
  const c = clause.charAt(0).toUpperCase() + clause.slice(1);
  let t = [pick(RF_OPEN), /[.?!]$/.test(c) ? c : c + '.', pick(closers)].filter(Boolean).join(' ');
  if (chance(0.45)) { t = asrWhole(t); if (chance(0.4)) for (const [re, s] of GARBLE) if (chance(0.5)) t = t.replace(re, s); }
  return t;
}
function makeRedFlags(): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = []; const seen = new Set<string>();
  const add = (text: string, redFlags: string[], kind?: string): void => {
    if (seen.has(text)) throw new Error(`duplicate red-flag text: ${text}`);
    seen.add(text); rows.push({ id: `hb-rf-${pad(rows.length + 1, 3)}`, text, redFlags, ...(kind ? { kind } : {}) });
  };
  for (const code of RF_CODES) {
    if (RF_POS[code].length !== 10) throw new Error(`${code}: ${RF_POS[code].length} positives`);
    for (const cl of RF_POS[code]) add(rfText(cl, chance(0.6) ? RF_CLOSE_POS : RF_CLOSE), [code]);
  }
  for (const code of RF_CODES) {
    let items: [string, string][];
    if (RF_NEG_SPECIAL[code]) items = RF_NEG_SPECIAL[code]!;
    else {
      const nps = RF_NP[code]!; items = [];
      const plan: [keyof typeof NEG_FRAMES, number][] = [['negated', 3], ['historical', 2], ['hypothetical', 2], ['family-history', 2]];
      for (const [kind, n] of plan) {
        const frames = shuffle([...NEG_FRAMES[kind]]).slice(0, n);
        for (const f of frames) { const np = pick(nps); const s = f.replace('{np}', kind === 'negated' ? np.replace(/^(a|an) /, '') : np); items.push([kind, s.charAt(0).toUpperCase() + s.slice(1)]); }
      }
      items.push(['mimic', RF_MIMIC[code]!]);
    }
    if (items.length !== 10) throw new Error(`${code}: ${items.length} negatives`);
    for (const [kind, s] of items) {
      let t = '';
      for (let k = 0; k < 20 && (t === '' || seen.has(t)); k++) t = rfText(s, RF_CLOSE);
      add(t, [], kind);
    }
  }
  return rows;
}

// ------------------------------------------------------------------ main
function verifyPhi(rows: Record<string, unknown>[], values: Map<string, string[]>): void {
  for (const r of rows) {
    const text = r.text as string; const spans = r.spans as Span[]; const vals = values.get(r.id as string)!;
    spans.forEach((s, k) => {
      if (text.slice(s.start, s.end) !== vals[k]) throw new Error(`${r.id}: span ${k} ${JSON.stringify(text.slice(s.start, s.end))} != inserted ${JSON.stringify(vals[k])}`);
      if (!PHI_TYPES.includes(s.type)) throw new Error(`${r.id}: bad type ${s.type}`);
      if (s.start >= s.end || /^\s|\s$/.test(vals[k]!)) throw new Error(`${r.id}: empty or padded span ${k}`);
    });
    for (let k = 1; k < spans.length; k++) if (spans[k]!.start < spans[k - 1]!.end) throw new Error(`${r.id}: overlapping spans`);
    const wc = wordCount(text);
    if (wc < 80 || wc > 400) throw new Error(`${r.id}: ${wc} words`);
  }
}

function main(): void {
  const phi: Record<string, unknown>[] = [];
  for (let i = 0; i < 150; i++) phi.push(makeCall(i));
  const values = INSERTED;
  verifyPhi(phi, values);
  const counts: Record<string, { n: number; spoken: number; written: number }> = {};
  for (const t of PHI_TYPES) counts[t] = { n: 0, spoken: 0, written: 0 };
  for (const r of phi) for (const s of r.spans as Span[]) { const c = counts[s.type]!; c.n++; if (r.style === 'spoken') c.spoken++; else c.written++; }
  for (const [t, c] of Object.entries(counts)) if (c.n < 8 || c.spoken < 1 || c.written < 1) throw new Error(`PHI type ${t}: ${JSON.stringify(c)}`);

  const rt = makeRequestTypes();
  const rtCounts: Record<string, number> = {}; for (const r of rt) for (const t of r.types) rtCounts[t] = (rtCounts[t] ?? 0) + 1;
  for (const c of RT_CODES) if ((rtCounts[c] ?? 0) < 15) throw new Error(`request type ${c}: ${rtCounts[c]}`);
  const rf = makeRedFlags();

  const jsonl = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  for (const dir of OUT_DIRS) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'phi-calls.jsonl'), jsonl(phi));
    writeFileSync(path.join(dir, 'request-types.jsonl'), jsonl(rt));
    writeFileSync(path.join(dir, 'red-flags.jsonl'), jsonl(rf));
  }
  const wcs = phi.map((r) => wordCount(r.text as string));
  const spanTotal = phi.reduce((a, r) => a + (r.spans as Span[]).length, 0);
  console.log(`phi-calls: ${phi.length} calls (${phi.filter((r) => r.style === 'spoken').length} spoken), ${spanTotal} spans, ${Math.min(...wcs)}-${Math.max(...wcs)} words, mean ${Math.round(wcs.reduce((a, b) => a + b, 0) / wcs.length)}, with patient context ${phi.filter((r) => r.patient).length}`);
  console.log('PHI per type:', Object.entries(counts).map(([t, c]) => `${t}=${c.n}(${c.spoken}s/${c.written}w)`).join(' '));
  console.log(`request-types: ${rt.length} texts; per code:`, RT_CODES.map((c) => `${c}=${rtCounts[c]}`).join(' '));
  const kinds: Record<string, number> = {}; for (const r of rf) { const k = (r.kind as string) ?? 'positive'; kinds[k] = (kinds[k] ?? 0) + 1; }
  console.log(`red-flags: ${rf.length} texts;`, JSON.stringify(kinds));
  console.log('wrote', OUT_DIRS.map((d) => path.relative(process.cwd(), d)).join(' and '));
}
main();
