/**
 * Builds a whole-call evaluation set from its hand-written source: strips the PHI markup, records
 * each span's UTF-16 offsets, checks every label against the contract and the conventions
 * (docs/guides/labelling-calls.md), and writes `bench/eval/data/calls-<set>/calls.jsonl`.
 *
 *   npx tsx bench/eval/calls/build.ts <set>          # reads bench/eval/calls/<set>/source.txt
 *
 * Source format, one block per call:
 *
 *   ### <id>
 *   style: asr | diarized | written
 *   patient: {"name": "…", "birthDate": "YYYY-MM-DD", "phones": ["+1…"], "mrn": null}   (optional line)
 *   primary: <request type code>
 *   secondary: <code>, <code>            (or: none)
 *   urgent: yes | no
 *   redFlags: <red flag code>, …         (or: none)
 *   ---
 *   The transcript. PHI is marked [[TYPE:value]], e.g. [[NAME:maria lopez]], [[PHONE:four one five …]].
 *   Lines are kept as written (joined with "\n").
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { phiTypes, redFlagCodes, requestTypeCodes, type PhiType, type RedFlagCode, type RequestTypeCode } from '../../../src/nlp/analysis.types.ts';

export interface CallLabels {
  primary: RequestTypeCode;
  requestTypes: RequestTypeCode[];
  urgent: boolean;
  redFlags: RedFlagCode[];
  phi: { start: number; end: number; type: PhiType }[];
}
export interface LabelledCall {
  id: string;
  style: 'asr' | 'diarized' | 'written';
  text: string;
  patient?: { name?: string | null; birthDate?: string | null; phones?: string[] | null; mrn?: string | null };
  labels: CallLabels;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const callSetDir = (set: string) => path.join(here, '..', 'data', `calls-${set}`);

/** Reads a built set (`calls-<set>/calls.jsonl`). */
export function readCallSet(set: string): LabelledCall[] {
  return readFileSync(path.join(callSetDir(set), 'calls.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as LabelledCall);
}

const codeList = <T extends string>(value: string, allowed: readonly T[], what: string, where: string): T[] => {
  if (/^none$/i.test(value.trim()) || value.trim() === '') return [];
  return value.split(',').map((item) => {
    const code = item.trim() as T;
    if (!allowed.includes(code)) throw new Error(`${where}: unknown ${what} "${item.trim()}"`);
    return code;
  });
};

/** Parses one source file into labelled calls; throws with the call id and the reason on any defect. */
export function parseCallSource(source: string): LabelledCall[] {
  const blocks = source.split(/^### /m).slice(1);
  const calls: LabelledCall[] = [];
  const ids = new Set<string>();
  for (const block of blocks) {
    const [head = '', ...rest] = block.split(/^---\s*$/m);
    const body = rest.join('---').replace(/^\n+|\s+$/g, '');
    const headLines = head.split('\n');
    const id = headLines[0]!.trim();
    const where = `call ${id}`;
    if (!id || ids.has(id)) throw new Error(`${where}: missing or repeated id`);
    ids.add(id);
    const fields = new Map<string, string>();
    for (const line of headLines.slice(1)) {
      if (!line.trim()) continue;
      const colon = line.indexOf(':');
      if (colon < 0) throw new Error(`${where}: header line without "name:" — ${line.slice(0, 40)}`);
      fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    const style = fields.get('style');
    if (style !== 'asr' && style !== 'diarized' && style !== 'written') throw new Error(`${where}: style must be asr, diarized or written`);
    const primary = codeList(fields.get('primary') ?? '', requestTypeCodes, 'request type', where);
    if (primary.length !== 1) throw new Error(`${where}: exactly one primary code`);
    const secondary = codeList(fields.get('secondary') ?? 'none', requestTypeCodes, 'request type', where);
    if (secondary.includes(primary[0]!)) throw new Error(`${where}: the primary code is repeated as secondary`);
    const urgentWord = fields.get('urgent');
    if (urgentWord !== 'yes' && urgentWord !== 'no') throw new Error(`${where}: urgent must be yes or no`);
    const redFlags = codeList(fields.get('redFlags') ?? 'none', redFlagCodes, 'red flag', where);
    const requestTypes = [primary[0]!, ...secondary];
    if (redFlags.length > 0 && urgentWord !== 'yes') throw new Error(`${where}: a call with a red flag is urgent`);
    if (redFlags.length > 0 && primary[0] !== 'urgent_emergency') throw new Error(`${where}: a call with a red flag has primary urgent_emergency`);
    if (urgentWord === 'yes' && !requestTypes.includes('urgent_emergency')) throw new Error(`${where}: an urgent call carries urgent_emergency`);
    if (requestTypes.includes('urgent_emergency') && urgentWord !== 'yes') throw new Error(`${where}: urgent_emergency on a call that is not urgent`);
    let patient: LabelledCall['patient'];
    if (fields.has('patient')) {
      try {
        patient = JSON.parse(fields.get('patient')!) as LabelledCall['patient'];
      } catch {
        throw new Error(`${where}: patient is not JSON`);
      }
    }
    if (!body) throw new Error(`${where}: no transcript`);

    let text = '';
    const phi: CallLabels['phi'] = [];
    const markup = /\[\[([A-Z_]+):([^\]]*)\]\]/g;
    let last = 0;
    for (const match of body.matchAll(markup)) {
      text += body.slice(last, match.index);
      const type = match[1] as PhiType;
      const value = match[2]!;
      if (!phiTypes.includes(type)) throw new Error(`${where}: unknown PHI type ${type}`);
      if (value !== value.trim() || value === '') throw new Error(`${where}: PHI value with spaces at its edges or empty: "${value}"`);
      phi.push({ start: text.length, end: text.length + value.length, type });
      text += value;
      last = match.index + match[0].length;
    }
    text += body.slice(last);
    if (/\[\[|\]\]/.test(text)) throw new Error(`${where}: broken PHI markup`);
    calls.push({ id, style, text, ...(patient ? { patient } : {}), labels: { primary: primary[0]!, requestTypes, urgent: urgentWord === 'yes', redFlags, phi } });
  }
  return calls;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const set = process.argv[2];
  if (!set || !/^[a-z0-9-]+$/.test(set)) {
    console.error('usage: npx tsx bench/eval/calls/build.ts <set>');
    process.exit(2);
  }
  const calls = parseCallSource(readFileSync(path.join(here, set, 'source.txt'), 'utf8'));
  mkdirSync(callSetDir(set), { recursive: true });
  writeFileSync(path.join(callSetDir(set), 'calls.jsonl'), calls.map((call) => JSON.stringify(call)).join('\n') + '\n');
  const count = (predicate: (call: LabelledCall) => boolean) => calls.filter(predicate).length;
  const types = calls.reduce((sum, call) => sum + call.labels.requestTypes.length, 0);
  console.log(`calls-${set}: ${calls.length} calls (${count((c) => c.style === 'asr')} asr, ${count((c) => c.style === 'diarized')} diarized, ${count((c) => c.style === 'written')} written), ${(types / calls.length).toFixed(2)} types per call, ${count((c) => c.labels.urgent)} urgent, ${calls.reduce((s, c) => s + c.labels.phi.length, 0)} PHI spans`);
}
