/**
 * Call-understanding benchmark (not a test): PHI redaction, request types, red flags, throughput.
 *
 *   npx tsx bench/nlp.bench.ts [--split dev|heldout|heldout-b|heldout-c|heldout-d|all]     (default all = dev + heldout)
 *   npm run bench:nlp -- --split dev
 *   npx tsx bench/nlp.bench.ts --split dev --only types,flags --no-peers   (a quick tuning run)
 *
 * Prints tables (metrics only, never PHI) and writes bench/results/nlp-<timestamp>.json and
 * nlp-latest.json. Synthetic sets come from bench/eval/data (see bench/eval/README.md); public sets
 * are read from /work/shared/data at run time and skipped with a message when missing.
 *
 * Span matching (character cover): a gold span is recalled if ONE predicted span of any PHI type
 * covers all of its non-space characters. A token-level recall is also reported (share of gold
 * whitespace-separated tokens inside some predicted span). Precision: a predicted span is correct
 * if it overlaps a gold span (spans overlapping "neutral" gold, e.g. Presidio ORGANIZATION, are
 * not counted either way).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { phiTypes, redFlagCodes, requestTypeCodes } from '../src/nlp/analysis.types.ts';
import type { PatientContext, PhiSpan, RedFlagCode, RedFlagScan, RequestTypeCode, RequestTypeScore } from '../src/nlp/analysis.types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const dataRoot = process.env.CALLCHART_SHARED_DATA ?? '/work/shared/data';
const argSplit = (() => { const i = process.argv.indexOf('--split'); return i >= 0 ? process.argv[i + 1] ?? 'all' : 'all'; })();
// --only phi,types,flags,speed (default: everything); --no-peers skips the peer libraries (faster tuning runs).
const argOnly = (() => { const i = process.argv.indexOf('--only'); return i >= 0 ? (process.argv[i + 1] ?? '').split(',') : null; })();
const want = (section: string) => !argOnly || argOnly.includes(section);
const withPeers = !process.argv.includes('--no-peers');
if (!['dev', 'heldout', 'heldout-b', 'heldout-c', 'heldout-d', 'all'].includes(argSplit)) { console.error('usage: nlp.bench.ts [--split dev|heldout|heldout-b|heldout-c|heldout-d|all]'); process.exit(2); }
const splits = argSplit === 'all' ? ['dev', 'heldout'] : [argSplit];
const notes: string[] = [];
const note = (s: string) => { notes.push(s); console.log(`  · ${s}`); };

// ------------------------------------------------------------------ systems under test

interface Sys { name: string; raw?: (text: string) => unknown; spans(text: string, patient?: PatientContext): { start: number; end: number; type: string }[] }
type DetectPhi = (text: string, opts?: { patient?: PatientContext }) => PhiSpan[];
interface Ours {
  detectPhi?: DetectPhi; redactText?: (text: string, spans: PhiSpan[]) => string;
  classifyRequestTypes?: (text: string, redFlags?: RedFlagScan['redFlags']) => RequestTypeScore[];
  detectRedFlags?: (text: string) => RedFlagScan; assessSentiment?: (text: string) => unknown; extractEntities?: (text: string) => unknown;
}
async function optionalImport(rel: string): Promise<Record<string, unknown> | undefined> {
  const file = path.join(here, '..', rel);
  if (!existsSync(file)) { note(`${rel} not found: skipped`); return undefined; }
  try { return (await import(file)) as Record<string, unknown>; } catch (e) { note(`${rel} failed to load: ${(e as Error).message.split('\n')[0]}`); return undefined; }
}
async function loadOurs(): Promise<Ours> {
  const [phi, red, rt, rf, se, en] = await Promise.all(['src/nlp/phi/detect-phi.ts', 'src/nlp/phi/redact.ts', 'src/nlp/understand/request-types.ts',
    'src/nlp/understand/red-flags.ts', 'src/nlp/understand/sentiment.ts', 'src/nlp/understand/entities.ts'].map(optionalImport));
  return { detectPhi: phi?.detectPhi as Ours['detectPhi'], redactText: red?.redactText as Ours['redactText'],
    classifyRequestTypes: rt?.classifyRequestTypes as Ours['classifyRequestTypes'], detectRedFlags: rf?.detectRedFlags as Ours['detectRedFlags'],
    assessSentiment: se?.assessSentiment as Ours['assessSentiment'], extractEntities: en?.extractEntities as Ours['extractEntities'] };
}

const MARK = '\uE000';
const alignment = { checked: 0, failed: 0 };
/**
 * Offsets from a redactor that only returns text: every redaction is replaced by one private-use
 * marker, and the literal pieces between markers are located in the input in order (earliest
 * place whose gap does not start with a space; a backtracking regex if that fails).
 */
export function alignRedacted(input: string, redacted: string): { start: number; end: number }[] {
  if (!redacted.includes(MARK)) return [];
  const pieces = redacted.split(MARK);
  const out: { start: number; end: number }[] = [];
  let pos = pieces[0]!.length;
  if (!input.startsWith(pieces[0]!)) return viaRegex(input, pieces);
  for (let i = 1; i < pieces.length; i++) {
    const p = pieces[i]!;
    let at = -1;
    if (i === pieces.length - 1) at = input.length - p.length >= pos + 1 && input.endsWith(p) ? input.length - p.length : -1;
    else {
      for (let from = pos + 1; ; from = at + 1) {
        at = p ? input.indexOf(p, from) : from;
        if (at < 0 || !/^\s/.test(input.slice(pos, at))) break;
      }
    }
    if (at < 0) return viaRegex(input, pieces);
    out.push({ start: pos, end: at });
    pos = at + p.length;
  }
  return out;
}
function viaRegex(input: string, pieces: string[]) {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp('^' + pieces.map(esc).join('([\\s\\S]+?)') + '$', 'd').exec(input);
  if (!m?.indices) return [];
  return m.indices.slice(1).filter((x): x is [number, number] => !!x).map(([start, end]) => ({ start, end }));
}
async function loadPeers(): Promise<Sys[]> {
  const require = createRequire(import.meta.url);
  const peers: Sys[] = [];
  try {
    const { SyncRedactor } = require('redact-pii') as { SyncRedactor: new (o: object) => { redact(t: string): string } };
    const r = new SyncRedactor({ globalReplaceWith: MARK });
    peers.push({ name: 'redact-pii@3.4.0', raw: (t) => r.redact(t), spans: (t) => {
      const out = r.redact(t);
      const spans = alignRedacted(t, out);
      // self-check: putting a marker back over every aligned span must give the peer's output
      let rebuilt = '', at = 0;
      for (const s of spans) { rebuilt += t.slice(at, s.start) + MARK; at = s.end; }
      alignment.checked++; if (rebuilt + t.slice(at) !== out) alignment.failed++;
      return spans.map((s) => ({ ...s, type: 'PII' }));
    } });
  } catch (e) { note(`redact-pii not available: ${(e as Error).message.split('\n')[0]}`); }
  try {
    const mod = await import('@openredaction/openredaction');
    const o = new mod.OpenRedaction({ preset: 'hipaa' });
    peers.push({ name: 'openredaction@1.0.4', raw: (t) => o.detect(t), spans: (t) => o.detect(t).detections.map((d) => ({ start: d.position[0], end: d.position[1], type: d.type })) });
  } catch (e) { note(`@openredaction/openredaction not available: ${(e as Error).message.split('\n')[0]}`); }
  return peers;
}

// ------------------------------------------------------------------ PHI scoring

interface Gold { start: number; end: number; type: string; neutral?: boolean }
interface Doc { id: string; text: string; gold: Gold[]; patient?: PatientContext }
interface Count { gold: number; hit: number; tokGold: number; tokHit: number }
interface PhiResult { perType: Record<string, Count & { recall: number; tokenRecall: number }>; overall: { recall: number; tokenRecall: number; precision: number; f1: number; gold: number; predicted: number };
  predictedPrecisionByType: Record<string, { predicted: number; correct: number; precision: number }>; exampleMisses: { doc: string; type: string; text: string }[] }
const r3 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : NaN);

function covers(p: { start: number; end: number }, text: string, g: Gold): boolean {
  let a = g.start, b = g.end;
  while (a < b && /\s/.test(text[a]!)) a++;
  while (b > a && /\s/.test(text[b - 1]!)) b--;
  if (a >= b) return true;
  if (p.start <= a && p.end >= b) return true;
  // non-space characters only: allow a predicted span to skip leading/trailing spaces inside gold
  return false;
}
function tokensOf(text: string, g: Gold): [number, number][] {
  const out: [number, number][] = [];
  const re = /\S+/g; const seg = text.slice(g.start, g.end);
  for (let m = re.exec(seg); m; m = re.exec(seg)) out.push([g.start + m.index, g.start + m.index + m[0].length]);
  return out;
}
function scorePhi(docs: Doc[], predict: (d: Doc) => { start: number; end: number; type: string }[], overallTypes?: Set<string>): PhiResult {
  const perType: Record<string, Count> = {};
  const byPred: Record<string, { predicted: number; correct: number }> = {};
  let predicted = 0, correct = 0;
  const misses: PhiResult['exampleMisses'] = [];
  for (const d of docs) {
    const preds = predict(d);
    for (const g of d.gold) {
      if (g.neutral) continue;
      const c = (perType[g.type] ??= { gold: 0, hit: 0, tokGold: 0, tokHit: 0 });
      c.gold++;
      if (preds.some((p) => covers(p, d.text, g))) c.hit++;
      else if (misses.length < 40) misses.push({ doc: d.id, type: g.type, text: d.text.slice(g.start, g.end) });
      for (const [a, b] of tokensOf(d.text, g)) { c.tokGold++; if (preds.some((p) => p.start <= a && p.end >= b)) c.tokHit++; }
    }
    for (const p of preds) {
      const overlapsAny = d.gold.filter((g) => p.start < g.end && g.start < p.end);
      if (overlapsAny.length && overlapsAny.every((g) => g.neutral)) continue;
      const ok = overlapsAny.length > 0;
      predicted++; if (ok) correct++;
      const b = (byPred[p.type] ??= { predicted: 0, correct: 0 }); b.predicted++; if (ok) b.correct++;
    }
  }
  let gold = 0, hit = 0, tg = 0, th = 0;
  const out: PhiResult['perType'] = {};
  for (const [t, c] of Object.entries(perType)) {
    out[t] = { ...c, recall: r3(c.hit / c.gold), tokenRecall: r3(c.tokHit / c.tokGold) };
    if (!overallTypes || overallTypes.has(t)) { gold += c.gold; hit += c.hit; tg += c.tokGold; th += c.tokHit; }
  }
  const recall = hit / gold, precision = predicted ? correct / predicted : NaN;
  return { perType: out, overall: { recall: r3(recall), tokenRecall: r3(th / tg), precision: r3(precision), f1: r3((2 * precision * recall) / (precision + recall)), gold, predicted },
    predictedPrecisionByType: Object.fromEntries(Object.entries(byPred).map(([k, v]) => [k, { ...v, precision: r3(v.correct / v.predicted) }])), exampleMisses: misses };
}

// ------------------------------------------------------------------ data sets

const readJsonl = <T>(file: string): T[] => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
interface PhiRow { id: string; style: 'spoken' | 'written'; text: string; patient?: PatientContext; spans: Gold[] }
interface RtRow { id: string; text: string; types: RequestTypeCode[] }
interface RfRow { id: string; text: string; redFlags: RedFlagCode[]; kind?: string }
function loadSynthetic<T>(name: string): T[] {
  const rows: T[] = [];
  for (const s of splits) {
    const f = path.join(here, 'eval', 'data', s, name);
    if (existsSync(f)) rows.push(...readJsonl<T>(f)); else note(`${path.relative(process.cwd(), f)} missing (run npx tsx bench/eval/generate-eval-sets.ts)`);
  }
  return rows;
}

/** PhysioNet deid gold: offsets are into the note body after the newline that follows the START line. */
const physionetMap: Record<string, string> = { HCPName: 'NAME', RelativeProxyName: 'NAME', PTName: 'NAME', PTNameInitial: 'NAME', Date: 'DATE',
  DateYear: 'DATE_YEAR', Location: 'LOCATION', Phone: 'PHONE', Age: 'AGE', Other: 'OTHER_ID' };
function loadPhysionet(): Doc[] | undefined {
  const dir = path.join(dataRoot, 'physionet-deid-gold');
  if (!existsSync(path.join(dir, 'id.text'))) { note(`${dir} missing: PhysioNet skipped`); return undefined; }
  const notesById = new Map<string, string>();
  const re = /START_OF_RECORD=(\d+)\|\|\|\|(\d+)\|\|\|\|\n([\s\S]*?)\|\|\|\|END_OF_RECORD/g;
  const raw = readFileSync(path.join(dir, 'id.text'), 'utf8');
  for (let m = re.exec(raw); m; m = re.exec(raw)) notesById.set(`${m[1]}-${m[2]}`, m[3]!);
  const gold = new Map<string, Gold[]>();
  for (const line of readFileSync(path.join(dir, 'id-phi.phrase'), 'utf8').split('\n')) {
    const [p, n, s, e, cat] = line.split(' ');
    if (!cat) continue;
    const type = physionetMap[cat] ?? 'OTHER_ID';
    // DATE_YEAR (a year alone) is not Safe Harbor PHI: scored per type, neutral for precision, out of overall.
    (gold.get(`${p}-${n}`) ?? gold.set(`${p}-${n}`, []).get(`${p}-${n}`)!).push({ start: Number(s), end: Number(e), type });
  }
  return [...notesById].map(([id, text]) => ({ id: `physionet-${id}`, text, gold: gold.get(id) ?? [] }));
}
function loadPresidio(): Doc[] | undefined {
  const f = path.join(dataRoot, 'presidio-research-synth', 'synth_dataset_v2.json');
  if (!existsSync(f)) { note(`${f} missing: Presidio synth skipped`); return undefined; }
  const rows = JSON.parse(readFileSync(f, 'utf8')) as { full_text: string; spans: { entity_type: string; entity_value: string; start_position: number; end_position: number }[] }[];
  const map: Record<string, string> = { PERSON: 'NAME', STREET_ADDRESS: 'ADDRESS', ZIP_CODE: 'ADDRESS', PHONE_NUMBER: 'PHONE', EMAIL_ADDRESS: 'EMAIL', US_SSN: 'SSN',
    IP_ADDRESS: 'IP', US_DRIVER_LICENSE: 'LICENSE', DOMAIN_NAME: 'URL', CREDIT_CARD: 'ACCOUNT', IBAN_CODE: 'ACCOUNT' };
  return rows.map((r, i) => ({ id: `presidio-${i}`, text: r.full_text, gold: r.spans.map((s) => {
    const g: Gold = { start: s.start_position, end: s.end_position, type: map[s.entity_type] ?? s.entity_type };
    if (s.entity_type === 'AGE') { const n = Number(/\d+/.exec(s.entity_value)?.[0]); if (n > 89) g.type = 'AGE'; else g.neutral = true; }
    else if (s.entity_type === 'DATE_TIME') {
      if (/(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*\d|\d\s*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}/i.test(s.entity_value)) g.type = 'DATE';
      else g.neutral = true;
    } else if (!map[s.entity_type]) g.neutral = true;
    return g;
  }) }));
}
interface NameDoc { id: string; text: string; names: { first?: string; last?: string }[] }
function splitCsv(text: string): string[][] {
  const rows: string[][] = []; let row: string[] = []; let cell = ''; let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (q) { if (ch === '"') { if (text[i + 1] === '"') { cell += '"'; i++; } else q = false; } else cell += ch; }
    else if (ch === '"') q = true; else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\n') { row.push(cell.replace(/\r$/, '')); rows.push(row); row = []; cell = ''; } else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
function csvObjects(file: string): Record<string, string>[] {
  const [head, ...rows] = splitCsv(readFileSync(file, 'utf8'));
  return rows.filter((r) => r.length > 1).map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
}
function loadAci(): NameDoc[] | undefined {
  const dir = path.join(dataRoot, 'aci-bench', 'challenge_data');
  if (!existsSync(dir)) { note(`${dir} missing: ACI-Bench skipped`); return undefined; }
  const docs: NameDoc[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.csv') && !x.endsWith('_metadata.csv'))) {
    const meta = new Map(csvObjects(path.join(dir, f.replace('.csv', '_metadata.csv'))).map((m) => [m.encounter_id, m]));
    for (const row of csvObjects(path.join(dir, f))) {
      const m = meta.get(row.encounter_id ?? '');
      if (!m || !row.dialogue) continue;
      docs.push({ id: `aci-${f.replace('.csv', '')}-${row.encounter_id}`, text: row.dialogue, names: [{ first: m.patient_firstname || undefined, last: m.patient_familyname || undefined }] });
    }
  }
  return docs;
}
/** PriMock57 has no name metadata: the patient's name is read from the patient channel ("my name is ..."). */
function loadPrimock(): NameDoc[] | undefined {
  const dir = path.join(dataRoot, 'primock57', 'transcripts');
  if (!existsSync(dir)) { note(`${dir} missing: PriMock57 skipped`); return undefined; }
  const clean = (s: string) => s.replace(/<\/?UNSURE>/g, '').replace(/<[A-Z_]+\/>/g, '').replace(/\s+/g, ' ').trim();
  const tier = (file: string) => {
    const out: { t: number; text: string }[] = [];
    const re = /xmin = ([\d.]+)\s*\n\s*xmax = [\d.]+\s*\n\s*text = "((?:[^"]|"")*)"/g;
    const raw = readFileSync(file, 'utf8');
    for (let m = re.exec(raw); m; m = re.exec(raw)) { const t = clean(m[2]!.replace(/""/g, '"')); if (t) out.push({ t: Number(m[1]), text: t }); }
    return out;
  };
  const docs: NameDoc[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('_patient.TextGrid'))) {
    const base = f.replace('_patient.TextGrid', '');
    const pat = tier(path.join(dir, f)).map((u) => ({ ...u, who: 'Patient' }));
    const doc = existsSync(path.join(dir, `${base}_doctor.TextGrid`)) ? tier(path.join(dir, `${base}_doctor.TextGrid`)).map((u) => ({ ...u, who: 'Doctor' })) : [];
    const text = [...pat, ...doc].sort((a, b) => a.t - b.t).map((u) => `${u.who}: ${u.text}`).join('\n');
    const names: NameDoc['names'] = [];
    for (const u of pat) {
      const m = /\bmy name(?: is|'s)\s+(?:(?:uh|um),?\s+)*([A-Z][a-z]+)(?:\s+([A-Z][a-z]+))?/.exec(u.text);
      if (m && !/^(Doctor|Dr)$/.test(m[1]!)) names.push({ first: m[1], last: m[2] });
    }
    if (names.length) docs.push({ id: `primock-${base}`, text, names: names.slice(0, 1) });
  }
  return docs;
}
function nameRecall(docs: NameDoc[], predict: (d: NameDoc, patient?: PatientContext) => { start: number; end: number }[], withContext: boolean) {
  let names = 0, caught = 0, occ = 0, occHit = 0, absent = 0;
  const misses: { doc: string; occurrencesMissed: number }[] = [];
  for (const d of docs) {
    for (const n of d.names) {
      const full = [n.first, n.last].filter(Boolean).join(' ');
      const preds = predict(d, withContext ? { name: full } : undefined);
      let all = true, missed = 0, found = 0;
      for (const tok of [n.first, n.last].filter((x): x is string => !!x)) {
        const re = new RegExp(`\\b${tok.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'gi');
        for (let m = re.exec(d.text); m; m = re.exec(d.text)) {
          occ++; found++;
          const a = m.index, b = m.index + m[0].length;
          if (preds.some((p) => p.start <= a && p.end >= b)) occHit++; else { all = false; missed++; }
        }
      }
      if (!found) { absent++; continue; } // the name is never said in the dialogue: nothing to redact
      names++; if (all) caught++; else if (misses.length < 20) misses.push({ doc: d.id, occurrencesMissed: missed });
    }
  }
  return { names, caught, namesNeverSaid: absent, nameRecall: r3(caught / names), occurrences: occ, occurrenceRecall: r3(occHit / occ), misses };
}

// ------------------------------------------------------------------ printing

const pad = (s: unknown, n: number) => String(s).padEnd(n);
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  -  ');
function table(title: string, head: string[], rows: (string | number)[][]) {
  console.log(`\n${title}`);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)) + 2);
  console.log(head.map((h, i) => pad(h, w[i]!)).join(''));
  for (const r of rows) console.log(r.map((c, i) => pad(c, w[i]!)).join(''));
}
const goalMark = (ok: boolean) => (ok ? 'MET' : 'not met');

// ------------------------------------------------------------------ main

async function main() {
  console.log(`Callchart NLP benchmark · split=${argSplit} · node ${process.version}`);
  const ours = await loadOurs();
  const peers = withPeers ? await loadPeers() : [];
  const systems: Sys[] = [];
  if (ours.detectPhi && want('phi')) { const f = ours.detectPhi; systems.push({ name: 'callchart', spans: (t, patient) => f(t, patient ? { patient } : {}) }); }
  if (want('phi')) systems.push(...peers);
  const results: Record<string, unknown> = { split: argSplit, startedAt: new Date().toISOString(), node: process.version, matching: 'char-cover recall (one predicted span covers every non-space char of the gold span); token recall secondary; precision = predicted span overlaps gold' };

  // ---- PHI
  const phiRows = loadSynthetic<PhiRow>('phi-calls.jsonl');
  const safeHarbor = new Set<string>(phiTypes);
  const phiSets: { key: string; docs: Doc[]; overall?: Set<string> }[] = [
    { key: 'synthetic-spoken', docs: phiRows.filter((r) => r.style === 'spoken').map((r) => ({ id: r.id, text: r.text, gold: r.spans, patient: r.patient })) },
    { key: 'synthetic-written', docs: phiRows.filter((r) => r.style === 'written').map((r) => ({ id: r.id, text: r.text, gold: r.spans, patient: r.patient })) },
  ];
  const pn = loadPhysionet(); if (pn) phiSets.push({ key: 'physionet-deid', docs: pn, overall: safeHarbor });
  const pr = loadPresidio(); if (pr) phiSets.push({ key: 'presidio-synth', docs: pr, overall: safeHarbor });
  const phi: Record<string, Record<string, PhiResult>> = {};
  for (const set of phiSets) {
    phi[set.key] = {};
    for (const s of systems) phi[set.key]![s.name] = scorePhi(set.docs, (d) => s.spans(d.text, d.patient), set.overall);
    const types = [...new Set(Object.values(phi[set.key]!).flatMap((r) => Object.keys(r.perType)))].sort();
    table(`PHI · ${set.key} (${set.docs.length} docs) · recall per gold type [char-cover / token]`, ['type', 'gold', ...systems.map((s) => s.name)],
      types.map((t) => [t, Object.values(phi[set.key]!)[0]?.perType[t]?.gold ?? 0, ...systems.map((s) => { const x = phi[set.key]![s.name]!.perType[t]; return `${fmt(x?.recall ?? NaN)} / ${fmt(x?.tokenRecall ?? NaN)}`; })]));
    table(`PHI · ${set.key} · overall`, ['system', 'recall', 'token-recall', 'precision', 'F1', 'gold', 'predicted'],
      systems.map((s) => { const o = phi[set.key]![s.name]!.overall; return [s.name, fmt(o.recall), fmt(o.tokenRecall), fmt(o.precision), fmt(o.f1), o.gold, o.predicted]; }));
    const mine = phi[set.key]!.callchart;
    if (mine) table(`PHI · ${set.key} · callchart precision per predicted type`, ['type', 'predicted', 'precision'],
      Object.entries(mine.predictedPrecisionByType).sort().map(([t, v]) => [t, v.predicted, fmt(v.precision)]));
  }
  if (pn) note('PhysioNet overall excludes DATE_YEAR (a year alone is not Safe Harbor PHI) and LOCATION (mostly hospital and facility names, not Safe Harbor geography); both are listed per type.');
  if (pr) note('Presidio: PERSON->NAME, STREET_ADDRESS/ZIP_CODE->ADDRESS, PHONE_NUMBER->PHONE, EMAIL_ADDRESS->EMAIL, US_SSN->SSN, IP_ADDRESS->IP, US_DRIVER_LICENSE->LICENSE, DOMAIN_NAME->URL, CREDIT_CARD/IBAN_CODE->ACCOUNT; DATE_TIME->DATE only with day+month; AGE only if >89; GPE, ORGANIZATION, TITLE, NRP and other ages/times are neutral.');
  results.phi = phi;

  // ---- name redaction on dialogues
  const nameSets: [string, NameDoc[] | undefined][] = [['aci-bench', loadAci()], ['primock57', loadPrimock()]];
  const names: Record<string, Record<string, unknown>> = {};
  const nameRows: (string | number)[][] = [];
  for (const [key, docs] of nameSets) {
    if (!docs?.length) continue;
    names[key] = {};
    for (const s of systems) {
      for (const ctx of s.name === 'callchart' ? [true, false] : [false]) {
        const r = nameRecall(docs, (d, p) => s.spans(d.text, p), ctx);
        const label = `${s.name}${s.name === 'callchart' ? (ctx ? ' +patient' : ' no-context') : ''}`;
        names[key]![label] = r;
        nameRows.push([key, label, r.names, fmt(r.nameRecall), r.occurrences, fmt(r.occurrenceRecall)]);
      }
    }
  }
  if (nameRows.length) table('Name redaction on doctor-patient dialogues (name caught = every occurrence of its tokens inside a predicted span)', ['set', 'system', 'names', 'name-recall', 'occurrences', 'occ-recall'], nameRows);
  note('PriMock57 names: read from the patient channel ("my name is X Y"), first match per consultation; ACI-Bench names: metadata patient_firstname/patient_familyname.');
  results.names = names;

  // ---- request types
  const rtRows = loadSynthetic<RtRow>('request-types.jsonl');
  if (ours.classifyRequestTypes && rtRows.length && want('types')) {
    const per: Record<string, { tp: number; fp: number; fn: number }> = Object.fromEntries(requestTypeCodes.map((c) => [c, { tp: 0, fp: 0, fn: 0 }]));
    let exact = 0;
    const misses: { id: string; gold: string[]; predicted: string[] }[] = [];
    for (const r of rtRows) {
      const flags = ours.detectRedFlags?.(r.text).redFlags;
      const pred = new Set(ours.classifyRequestTypes(r.text, flags).map((x) => x.type));
      const gold = new Set(r.types);
      for (const c of requestTypeCodes) { if (pred.has(c) && gold.has(c)) per[c]!.tp++; else if (pred.has(c)) per[c]!.fp++; else if (gold.has(c)) per[c]!.fn++; }
      if (pred.size === gold.size && [...gold].every((g) => pred.has(g))) exact++; else if (misses.length < 40) misses.push({ id: r.id, gold: [...gold], predicted: [...pred] });
    }
    const rows = requestTypeCodes.map((c) => { const x = per[c]!; const p = x.tp / (x.tp + x.fp), rc = x.tp / (x.tp + x.fn); return { code: c, precision: r3(p), recall: r3(rc), f1: r3(x.tp ? (2 * p * rc) / (p + rc) : 0), support: x.tp + x.fn }; });
    const macroF1 = r3(rows.reduce((a, r) => a + r.f1, 0) / rows.length);
    table(`Request types (${rtRows.length} texts)`, ['code', 'support', 'precision', 'recall', 'F1'], rows.map((r) => [r.code, r.support, fmt(r.precision), fmt(r.recall), fmt(r.f1)]));
    console.log(`macro-F1 ${fmt(macroF1)} · exact-set match ${fmt(exact / rtRows.length)}`);
    results.requestTypes = { perCode: rows, macroF1, exactMatch: r3(exact / rtRows.length), exampleMisses: misses };
  } else note('request types: classifier or data missing, skipped');
  note('Request types on MTS-Dialog/PriMock57: not measured (would need an honest hand-labelled subset; section_header is not an intent label).');

  // ---- red flags
  const rfRows = loadSynthetic<RfRow>('red-flags.jsonl');
  if (ours.detectRedFlags && rfRows.length && want('flags')) {
    const per: Record<string, { pos: number; hit: number; fpOnNeg: number }> = Object.fromEntries(redFlagCodes.map((c) => [c, { pos: 0, hit: 0, fpOnNeg: 0 }]));
    const negKinds: Record<string, { n: number; clean: number }> = {};
    let neg = 0, negClean = 0, extraOnPos = 0;
    const misses: { id: string; gold: string[]; predicted: string[] }[] = [];
    for (const r of rfRows) {
      const got = new Set(ours.detectRedFlags(r.text).redFlags.map((f) => f.code));
      if (r.redFlags.length) {
        for (const c of r.redFlags) { per[c]!.pos++; if (got.has(c)) per[c]!.hit++; else if (misses.length < 40) misses.push({ id: r.id, gold: r.redFlags, predicted: [...got] }); }
        extraOnPos += [...got].filter((c) => !r.redFlags.includes(c)).length;
      } else {
        neg++; const k = (negKinds[r.kind ?? 'negative'] ??= { n: 0, clean: 0 }); k.n++;
        if (!got.size) { negClean++; k.clean++; } else { for (const c of got) per[c]!.fpOnNeg++; if (misses.length < 40) misses.push({ id: r.id, gold: [], predicted: [...got] }); }
      }
    }
    const pos = Object.values(per).reduce((a, x) => a + x.pos, 0), hit = Object.values(per).reduce((a, x) => a + x.hit, 0);
    table(`Red flags (${rfRows.length} texts: ${rfRows.length - neg} positive, ${neg} hard negatives)`, ['code', 'positives', 'recall', 'FP on negatives'],
      redFlagCodes.map((c) => [c, per[c]!.pos, fmt(per[c]!.hit / per[c]!.pos), per[c]!.fpOnNeg]));
    table('Red flags · specificity by negative kind', ['kind', 'n', 'specificity'], Object.entries(negKinds).map(([k, v]) => [k, v.n, fmt(v.clean / v.n)]));
    console.log(`recall ${fmt(hit / pos)} · specificity ${fmt(negClean / neg)} · extra codes on positives ${extraOnPos}`);
    results.redFlags = { recall: r3(hit / pos), specificity: r3(negClean / neg), perCode: Object.fromEntries(redFlagCodes.map((c) => [c, { ...per[c]!, recall: r3(per[c]!.hit / per[c]!.pos) }])),
      byNegativeKind: Object.fromEntries(Object.entries(negKinds).map(([k, v]) => [k, { ...v, specificity: r3(v.clean / v.n) }])), extraCodesOnPositives: extraOnPos, exampleMisses: misses };
  } else note('red flags: detector or data missing, skipped');

  // ---- throughput (single thread = one core)
  const spoken = phiRows.filter((r) => r.style === 'spoken').map((r) => r.text);
  const long: string[] = [];
  for (let i = 0, buf: string[] = []; i < spoken.length * 3 && long.length < 64; i++) {
    buf.push(...spoken[i % spoken.length]!.split(' '));
    if (buf.length >= 450) { long.push(buf.slice(0, 450).join(' ')); buf = []; }
  }
  const bench = (fn: (t: string) => void, minMs = 1500) => {
    for (let i = 0; i < 20; i++) fn(long[i % long.length]!);
    let n = 0; const t0 = performance.now();
    while (performance.now() - t0 < minMs) { fn(long[n % long.length]!); n++; }
    const s = (performance.now() - t0) / 1000;
    return { transcriptsPerSec: Math.round(n / s), wordsPerSec: Math.round((n * 450) / s) };
  };
  const tp: Record<string, { transcriptsPerSec: number; wordsPerSec: number }> = {};
  if (long.length && want('speed')) {
    for (const p of peers) tp[p.name] = bench((t) => void (p.raw ?? p.spans)(t));
    if (ours.detectPhi) tp['callchart detectPhi'] = bench((t) => void ours.detectPhi!(t));
    const full = [ours.detectPhi, ours.redactText, ours.detectRedFlags, ours.classifyRequestTypes, ours.assessSentiment, ours.extractEntities];
    if (full.every(Boolean)) {
      tp['callchart full analysis'] = bench((t) => {
        const spans = ours.detectPhi!(t); ours.redactText!(t, spans); const rf = ours.detectRedFlags!(t);
        ours.classifyRequestTypes!(t, rf.redFlags); ours.assessSentiment!(t); ours.extractEntities!(t);
      });
    }
    // What the pipeline and `callchart analyze` run: all of the above plus the evidence-linked summary.
    const composed = await optionalImport('src/nlp/analyze-call.ts');
    if (composed?.analyzeCall) {
      const analyzeCall = composed.analyzeCall as (text: string) => unknown;
      tp['callchart analyzeCall (as shipped)'] = bench((t) => void analyzeCall(t));
    } else note('full-analysis throughput skipped: not every detector is present');
    table('Throughput on 450-word transcripts (one core)', ['system', 'transcripts/s', 'words/s'], Object.entries(tp).map(([k, v]) => [k, v.transcriptsPerSec, v.wordsPerSec]));
  }
  results.throughput = tp;

  // ---- goals
  const sp = (phi['synthetic-spoken']?.callchart)?.overall;
  const pub = ['physionet-deid', 'presidio-synth'].map((k) => phi[k]?.callchart?.overall.recall ?? NaN);
  const rt = results.requestTypes as { macroF1: number } | undefined;
  const rf = results.redFlags as { recall: number; specificity: number } | undefined;
  const fastestPeer = Math.max(...peers.map((p) => tp[p.name]?.transcriptsPerSec ?? 0));
  const full = tp['callchart full analysis']?.transcriptsPerSec ?? NaN;
  const goals: [string, string, boolean][] = [
    ['PHI recall ≥ 0.995 (spoken synthetic)', fmt(sp?.recall ?? NaN), (sp?.recall ?? 0) >= 0.995],
    ['PHI precision ≥ 0.95 (spoken synthetic)', fmt(sp?.precision ?? NaN), (sp?.precision ?? 0) >= 0.95],
    ['PHI recall ≥ 0.98 (PhysioNet, Presidio)', pub.map(fmt).join(' / '), pub.every((x) => x >= 0.98)],
    ['request-type macro-F1 ≥ 0.92', fmt(rt?.macroF1 ?? NaN), (rt?.macroF1 ?? 0) >= 0.92],
    ['red-flag recall = 1.00', fmt(rf?.recall ?? NaN), rf?.recall === 1],
    ['red-flag specificity ≥ 0.95', fmt(rf?.specificity ?? NaN), (rf?.specificity ?? 0) >= 0.95],
    ['≥ 500 transcripts/s/core (full analysis)', String(full), full >= 500],
    ['≥ 2× faster peer', fastestPeer ? `${(full / fastestPeer).toFixed(2)}×` : '-', full >= 2 * fastestPeer],
  ];
  table('Goals', ['goal', 'measured', 'status'], goals.map(([g, m, ok]) => [g, m, goalMark(ok)]));
  results.goals = goals.map(([goal, measured, met]) => ({ goal, measured, met }));
  if (alignment.checked) note(`redact-pii offset alignment: ${alignment.failed} of ${alignment.checked} texts did not rebuild exactly (those count only their aligned spans)`);
  results.redactPiiAlignment = alignment;
  results.notes = notes;

  const dir = path.join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(path.join(dir, `nlp-${stamp}.json`), JSON.stringify(results, null, 2));
  writeFileSync(path.join(dir, 'nlp-latest.json'), JSON.stringify(results, null, 2));
  console.log(`\nwrote bench/results/nlp-${stamp}.json and nlp-latest.json`);
}

await main();
