/**
 * Public doctor–patient dialogues (MTS-Dialog test-1, PriMock57) labelled by the call-labelling
 * conventions (docs/guides/labelling-calls.md). The public text is NOT stored in the repository:
 * labels.jsonl refers to it by file and row / consultation id, and this loader rebuilds each text
 * from /work/shared/data (override with CALLCHART_PUBLIC_DATA). See README.md for the rules.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PhiSpan, RedFlagCode, RequestTypeCode } from '../../../src/nlp/analysis.types.ts';

export interface PublicDialogueLabels {
  primary: RequestTypeCode;
  requestTypes: RequestTypeCode[];
  urgent: boolean;
  redFlags: RedFlagCode[];
  /** Not labelled for the public sets (red flags and request types only). */
  phi: PhiSpan[];
  /** History-taking with nothing asked of the clinic: scored for urgency and red flags, not request types. */
  noRequest?: boolean;
}

export interface PublicDialogue {
  id: string;
  style: 'diarized';
  text: string;
  labels: PublicDialogueLabels;
}

interface MtsLabelLine {
  source: 'mts-dialog';
  file: string;
  row: number;
  noRequest?: boolean;
  primary: RequestTypeCode;
  requestTypes: RequestTypeCode[];
  urgent: boolean;
  redFlags: RedFlagCode[];
}

interface PrimockLabelLine {
  source: 'primock57';
  consultation: string;
  primary: RequestTypeCode;
  requestTypes: RequestTypeCode[];
  urgent: boolean;
  redFlags: RedFlagCode[];
}

type LabelLine = MtsLabelLine | PrimockLabelLine;

const HERE = dirname(fileURLToPath(import.meta.url));
const DEFAULT_DATA_ROOT = '/work/shared/data';

/** RFC 4180 CSV: quoted fields may hold commas, newlines and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  for (; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        field += c;
      }
    } else if (c === '"') {
      inQuotes = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      // CRLF record separator: handled at the '\n'.
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** MTS-Dialog: ID -> dialogue column, verbatim. */
export function readMtsDialogues(path: string): Map<number, string> {
  const rows = parseCsv(readFileSync(path, 'utf8'));
  const header = rows[0] ?? [];
  const idCol = header.indexOf('ID');
  const dialogueCol = header.indexOf('dialogue');
  if (idCol < 0 || dialogueCol < 0) throw new Error(`${path}: no ID/dialogue columns`);
  const out = new Map<number, string>();
  for (const r of rows.slice(1)) {
    const id = r[idCol];
    const dialogue = r[dialogueCol];
    if (id === undefined || dialogue === undefined || id.trim() === '') continue;
    out.set(Number(id), dialogue);
  }
  return out;
}

interface Utterance {
  speaker: 'Doctor' | 'Patient';
  xmin: number;
  text: string;
}

/** Removes PriMock57 transcription tags: <UNSURE>…</UNSURE> keep their words; <UNIN/>, <INAUDIBLE_SPEECH/> go. */
export function cleanPrimockText(raw: string): string {
  return raw
    .replace(/<\/?UNSURE>/g, '')
    .replace(/<[A-Z_]+\/>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The non-empty intervals of a one-tier Praat TextGrid (long text format). */
export function readTextGrid(path: string, speaker: Utterance['speaker']): Utterance[] {
  const src = readFileSync(path, 'utf8');
  const out: Utterance[] = [];
  const re = /intervals \[\d+\]:\s*xmin = ([0-9.eE+-]+)\s*xmax = ([0-9.eE+-]+)\s*text = "((?:[^"]|"")*)"/g;
  for (let m = re.exec(src); m !== null; m = re.exec(src)) {
    const text = cleanPrimockText((m[3] ?? '').replace(/""/g, '"'));
    if (text === '') continue;
    out.push({ speaker, xmin: Number(m[1]), text });
  }
  return out;
}

/**
 * The PriMock57 joining rule: both channels' non-empty (after tag removal) intervals, ordered by
 * start time (xmin; on a tie the doctor first, then file order); consecutive intervals of the same
 * speaker are joined with one space; each turn is one `Doctor: …` or `Patient: …` line; lines are
 * joined with `\n`.
 */
export function joinPrimock(dir: string, consultation: string): string {
  const doctor = readTextGrid(join(dir, `${consultation}_doctor.TextGrid`), 'Doctor');
  const patient = readTextGrid(join(dir, `${consultation}_patient.TextGrid`), 'Patient');
  const all = [...doctor.map((u, i) => ({ u, k: 0, i })), ...patient.map((u, i) => ({ u, k: 1, i }))];
  all.sort((a, b) => a.u.xmin - b.u.xmin || a.k - b.k || a.i - b.i);
  const turns: { speaker: string; parts: string[] }[] = [];
  for (const { u } of all) {
    const last = turns[turns.length - 1];
    if (last && last.speaker === u.speaker) last.parts.push(u.text);
    else turns.push({ speaker: u.speaker, parts: [u.text] });
  }
  return turns.map((t) => `${t.speaker}: ${t.parts.join(' ')}`).join('\n');
}

export function readPublicLabels(path = join(HERE, 'labels.jsonl')): LabelLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LabelLine);
}

export function loadPublicDialogues(dataRoot = process.env.CALLCHART_PUBLIC_DATA ?? DEFAULT_DATA_ROOT): PublicDialogue[] {
  const mtsCache = new Map<string, Map<number, string>>();
  const out: PublicDialogue[] = [];
  for (const l of readPublicLabels()) {
    const labels: PublicDialogueLabels = {
      primary: l.primary,
      requestTypes: l.requestTypes,
      urgent: l.urgent,
      redFlags: l.redFlags,
      phi: [],
      ...(l.source === 'mts-dialog' && l.noRequest ? { noRequest: true } : {}),
    };
    if (l.source === 'mts-dialog') {
      let rows = mtsCache.get(l.file);
      if (!rows) {
        rows = readMtsDialogues(join(dataRoot, 'mts-dialog', l.file));
        mtsCache.set(l.file, rows);
      }
      const text = rows.get(l.row);
      if (text === undefined) throw new Error(`mts-dialog ${l.file}: no row ${l.row}`);
      out.push({ id: `mts-dialog:${l.row}`, style: 'diarized', text, labels });
    } else {
      const text = joinPrimock(join(dataRoot, 'primock57', 'transcripts'), l.consultation);
      out.push({ id: `primock57:${l.consultation}`, style: 'diarized', text, labels });
    }
  }
  return out;
}
