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

// A clinic turn offering a time, and a caller turn taking it.
const slotOffer = /\b(i have|i've got|i can (do|get you|put you|book|fit)|we have|there's|how about|would .{1,40} work|opening|available|book you|schedule you|(can|could) (see|fit|get) you)\b|\?\s*$/i;
// A slot is a clock time ("at 3:40", "10 am", "at nine fifteen"), not just a day.
const slotTime = /\b(\d{1,2}:\d{2}|\d{1,2} ?(am|pm|a\.m\.|p\.m\.)|at (one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)( (o'clock|fifteen|thirty|forty[ -]five|twenty|forty|fifty))?)\b/i;
const acceptance = /\b(yes|yeah|yep|sure|ok|okay|perfect|great|that works|works|that's fine|fine|sounds good|i'll take it|book it|let's do|please do|that'll work|good)\b|^\W*the \d{1,2}(st|nd|rd|th)\b/i;
const declining = /\b(no|not|can't|cannot|won't|doesn't work|don't)\b/i;

/** The offset lies in the turn's first sentence, and that sentence agrees ("Yes, please do…"). */
export function inAgreementSentence(text: string, turnStart: number, offset: number): boolean {
  const before = text.slice(turnStart, offset);
  if (/[.!?]/.test(before)) return false;
  return acceptance.test(text.slice(turnStart, turnStart + 40));
}

// "Wednesday the 9th at 11:40 with Dr. Obuya": a turn that opens with a day is offering it.
const opensWithDay = /^\W*(monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|next|january|february|march|april|may|june|july|august|september|october|november|december)\b/i;

/** The clinic's turn offers a visit at a clock time. */
export function offersSlot(said: string): boolean {
  return (slotOffer.test(said) || opensWithDay.test(said)) && slotTime.test(said);
}

/** The caller's turn takes what the clinic offered ("Yes, I'll take it"), without a "no" in that sentence. */
export function acceptsOffer(said: string): boolean {
  // The first of the opening sentences that says yes, and no "no" in that sentence.
  const sentences = said.slice(0, 80).split(/(?<=[.!?])\s+/);
  const agreeing = sentences.find((sentence) => acceptance.test(sentence));
  return agreeing !== undefined && !declining.test(agreeing);
}
