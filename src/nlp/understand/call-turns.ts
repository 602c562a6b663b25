/**
 * Who is speaking where: a diarized transcript ("Agent: …" / "Caller: …" lines) is split into
 * turns so the request detectors read only what the caller said. The clinic's side asks questions
 * and makes offers ("any chest pain?", "we'll call you back"); neither is something the caller
 * asked for. An undiarized transcript (a voicemail, an ASR stream) is one caller turn.
 */

export type Speaker = 'clinic' | 'caller';

export interface Turn {
  speaker: Speaker;
  /** Offsets of the words after the label, end exclusive. */
  start: number;
  end: number;
}

// Labels the clinic's side uses in transcripts; any other label ("Caller", "Patient", "Mom",
// "Speaker 2") is taken as the caller, so an unknown label never silences a request.
const clinicLabels = new Set([
  'agent', 'receptionist', 'operator', 'staff', 'scheduler', 'representative', 'rep', 'office', 'clinic',
  'front desk', 'nurse', 'triage', 'triage nurse', 'ma', 'medical assistant', 'clinician', 'provider', 'ivr', 'system',
]);

const labelPattern = /^[ \t]*([A-Za-z][A-Za-z .'-]{0,24}?)[ \t]*:[ \t]*/;

/**
 * The transcript's turns, in order. A text without speaker labels is a single caller turn.
 * Lines without a label continue the previous speaker's turn.
 */
export function callTurns(text: string): Turn[] {
  const turns: Turn[] = [];
  let labelled = 0;
  let offset = 0;
  for (const line of text.split('\n')) {
    const match = labelPattern.exec(line);
    const label = match?.[1]?.trim().toLowerCase();
    // Only short labels on their own line start count ("Note: …" in a portal message is one label, so
    // we need two or more labelled lines before trusting them; checked below).
    if (match && label && label.split(' ').length <= 3) {
      labelled++;
      const speaker: Speaker = clinicLabels.has(label) ? 'clinic' : 'caller';
      turns.push({ speaker, start: offset + match[0].length, end: offset + line.length });
    } else if (turns.length > 0) {
      turns[turns.length - 1]!.end = offset + line.length;
    } else {
      turns.push({ speaker: 'caller', start: offset, end: offset + line.length });
    }
    offset += line.length + 1;
  }
  if (labelled < 2) return [{ speaker: 'caller', start: 0, end: text.length }];
  return turns;
}

/** True when the transcript has the clinic's side in it (a diarized call). */
export function hasClinicTurns(turns: readonly Turn[]): boolean {
  return turns.some((turn) => turn.speaker === 'clinic');
}

/** The index of the turn holding `offset`, or -1 (a speaker label, or outside the text). */
export function turnAt(turns: readonly Turn[], offset: number): number {
  let low = 0;
  let high = turns.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const turn = turns[middle]!;
    if (offset < turn.start) high = middle - 1;
    else if (offset >= turn.end) low = middle + 1;
    else return middle;
  }
  return -1;
}
