import { consentScopes, type CallReason, type ConsentScope, type IvrProfile } from './ivr-settings.schema.ts';
import { phrasesFor } from './ivr-phrases.ts';

/**
 * The IVR as a pure state machine (ING-2, CO-1, ID-2): disclosure, consents, reason menu, date of
 * birth. The adapter renders prompts as TwiML and feeds back keypad input (or `null` on timeout).
 * Invalid input or a timeout repeats the question once, then falls through to a person: the caller
 * is never stuck in a menu.
 */
export type ConsentStatus = 'granted' | 'declined' | 'not-captured';
export type ConsentSource = 'ivr' | 'agent' | 'standing-preference' | 'jurisdiction';

export interface ConsentRecord {
  status: ConsentStatus;
  source: ConsentSource;
  at: string;
}

export type IvrStep = { kind: 'language' } | { kind: 'consent'; scope: ConsentScope } | { kind: 'reason' } | { kind: 'dob' };

export interface IvrSession {
  language: string;
  steps: IvrStep[];
  index: number;
  retries: number;
  consents: Partial<Record<ConsentScope, ConsentRecord>>;
  reason: CallReason | null;
  urgent: boolean;
  dob: 'not-asked' | 'verified' | 'not-verified' | 'skipped';
  /** Set once the IVR hands the call on. */
  finished: null | 'completed' | 'fell-through' | 'urgent';
}

export type IvrPrompt =
  | { kind: 'gather'; step: string; say: string[]; language: string; numDigits: number; finishOnKey: string; timeoutSeconds: number }
  | { kind: 'route'; say: string[]; language: string; finished: NonNullable<IvrSession['finished']> };

export type IvrEffect =
  | { type: 'consent'; scope: ConsentScope; status: ConsentStatus; source: ConsentSource }
  | { type: 'reason'; reason: CallReason; urgent: boolean }
  | { type: 'dob'; verified: boolean }
  | { type: 'language'; language: string }
  | { type: 'no-input'; step: string; finalAttempt: boolean };

export function stepKey(step: IvrStep): string {
  return step.kind === 'consent' ? `consent-${step.scope}` : step.kind;
}

/** The steps this profile asks, in order. The DOB step is planned; the service may skip it. */
export function planIvr(profile: IvrProfile): IvrStep[] {
  const steps: IvrStep[] = [];
  if (profile.alternateLanguage) steps.push({ kind: 'language' });
  const asked = new Set<ConsentScope>(profile.askConsent);
  // All-party consent states: the caller must agree before anything is recorded or transcribed.
  if (profile.jurisdiction === 'two-party') {
    asked.add('record');
    asked.add('transcribe');
  }
  for (const scope of consentScopes) if (asked.has(scope)) steps.push({ kind: 'consent', scope });
  if (profile.reasonMenu) steps.push({ kind: 'reason' });
  if (profile.dobStepUp !== 'never') steps.push({ kind: 'dob' });
  return steps;
}

export function startIvr(profile: IvrProfile, now: Date): { session: IvrSession; effects: IvrEffect[] } {
  const session: IvrSession = {
    language: profile.language,
    steps: planIvr(profile),
    index: 0,
    retries: 0,
    consents: {},
    reason: null,
    urgent: false,
    dob: 'not-asked',
    finished: null,
  };
  const effects: IvrEffect[] = [];
  if (profile.jurisdiction === 'one-party') {
    // One-party states: the clinic is a party and consents; the disclosure is the caller's notice.
    for (const scope of ['record', 'transcribe'] as const) {
      if (!profile.askConsent.includes(scope)) {
        session.consents[scope] = { status: 'granted', source: 'jurisdiction', at: now.toISOString() };
        effects.push({ type: 'consent', scope, status: 'granted', source: 'jurisdiction' });
      }
    }
  }
  return { session, effects };
}

/** The prompt for the current step, or the hand-off when the IVR is done. */
export function currentPrompt(profile: IvrProfile, session: IvrSession, options: { firstTurn?: boolean; retry?: 'did-not-catch' | 'dob-mismatch' } = {}): IvrPrompt {
  const phrases = phrasesFor(session.language);
  if (session.finished) {
    const say = session.finished === 'urgent' ? [phrases.urgent] : session.finished === 'fell-through' ? [phrases.connectingToStaff] : [phrases.connecting];
    return { kind: 'route', say, language: session.language, finished: session.finished };
  }
  const step = session.steps[session.index]!;
  const say: string[] = [];
  if (options.firstTurn) say.push(profile.disclosure[session.language] ?? profile.disclosure[profile.language] ?? Object.values(profile.disclosure)[0] ?? '');
  if (options.retry === 'did-not-catch') say.push(phrases.didNotCatch);
  if (options.retry === 'dob-mismatch') say.push(phrases.dobRetry);
  const gather = (text: string, numDigits: number, finishOnKey = ''): IvrPrompt => ({
    kind: 'gather', step: stepKey(step), say: [...say, text], language: session.language, numDigits, finishOnKey, timeoutSeconds: profile.gatherTimeoutSeconds,
  });
  switch (step.kind) {
    case 'language':
      return gather(phrases.languageOffer, 1);
    case 'consent':
      return gather(phrases.consent[step.scope], 1);
    case 'reason':
      return gather(phrases.reasonMenu, 1);
    case 'dob':
      return gather(phrases.dob, 8, '#');
  }
}

const reasonDigits: Record<string, { reason: CallReason; urgent: boolean }> = {
  '1': { reason: 'appointment', urgent: false },
  '2': { reason: 'refill', urgent: false },
  '3': { reason: 'clinical', urgent: false },
  '4': { reason: 'billing', urgent: false },
  '5': { reason: 'clinical', urgent: true },
  '0': { reason: 'other', urgent: false },
};

export interface IvrTurn {
  session: IvrSession;
  prompt: IvrPrompt;
  effects: IvrEffect[];
}

/**
 * Applies one answer. `digits` is null on a timeout. For the DOB step the service checks the
 * digits against the EHR and passes `dobVerified`; `skipDob` says the step is not needed (e.g. the
 * number is unique and the policy asks only when ambiguous).
 */
export function answerIvr(
  profile: IvrProfile,
  previous: IvrSession,
  input: { step: string; digits: string | null; dobVerified?: boolean; skipDob?: boolean },
  now: Date,
): IvrTurn {
  const session: IvrSession = { ...previous, consents: { ...previous.consents } };
  const effects: IvrEffect[] = [];
  const step = session.steps[session.index];
  // A stale or replayed answer for another step: repeat the current question, change nothing.
  if (!step || session.finished || input.step !== stepKey(step)) {
    return { session, prompt: currentPrompt(profile, session), effects };
  }
  const advance = () => {
    session.index += 1;
    session.retries = 0;
    const next = session.steps[session.index];
    if (next?.kind === 'dob' && input.skipDob) {
      session.dob = 'skipped';
      session.index += 1;
    }
    if (session.index >= session.steps.length) session.finished = 'completed';
  };
  const retryOrFallThrough = (reason: 'did-not-catch' | 'dob-mismatch'): IvrTurn => {
    const finalAttempt = session.retries >= 1;
    effects.push({ type: 'no-input', step: input.step, finalAttempt });
    if (finalAttempt) {
      if (step.kind === 'consent') {
        session.consents[step.scope] = { status: 'not-captured', source: 'ivr', at: now.toISOString() };
        effects.push({ type: 'consent', scope: step.scope, status: 'not-captured', source: 'ivr' });
      }
      if (step.kind === 'dob') {
        session.dob = 'not-verified';
        effects.push({ type: 'dob', verified: false });
      }
      session.finished = 'fell-through';
      return { session, prompt: currentPrompt(profile, session), effects };
    }
    session.retries += 1;
    return { session, prompt: currentPrompt(profile, session, { retry: reason }), effects };
  };

  const digits = input.digits?.replace(/[^0-9*#]/g, '') ?? null;
  switch (step.kind) {
    case 'language': {
      if (digits === '9' && profile.alternateLanguage) {
        session.language = profile.alternateLanguage;
        effects.push({ type: 'language', language: session.language });
      }
      advance();
      break;
    }
    case 'consent': {
      if (digits !== '1' && digits !== '2') return retryOrFallThrough('did-not-catch');
      const status: ConsentStatus = digits === '1' ? 'granted' : 'declined';
      session.consents[step.scope] = { status, source: 'ivr', at: now.toISOString() };
      effects.push({ type: 'consent', scope: step.scope, status, source: 'ivr' });
      advance();
      break;
    }
    case 'reason': {
      const choice = digits ? reasonDigits[digits] : undefined;
      if (!choice) return retryOrFallThrough('did-not-catch');
      session.reason = choice.reason;
      session.urgent = choice.urgent;
      effects.push({ type: 'reason', reason: choice.reason, urgent: choice.urgent });
      if (choice.urgent) {
        // Urgent callers go straight to the nurse: no more questions.
        session.finished = 'urgent';
        return { session, prompt: currentPrompt(profile, session), effects };
      }
      advance();
      break;
    }
    case 'dob': {
      if (!digits || !/^\d{8}$/.test(digits)) return retryOrFallThrough('did-not-catch');
      if (!input.dobVerified) return retryOrFallThrough('dob-mismatch');
      session.dob = 'verified';
      effects.push({ type: 'dob', verified: true });
      advance();
      break;
    }
  }
  return { session, prompt: currentPrompt(profile, session), effects };
}

/** Keypad date of birth (MMDDYYYY) → ISO date, or null when it is not a real date. */
export function parseKeypadDob(digits: string): string | null {
  if (!/^\d{8}$/.test(digits)) return null;
  const month = Number(digits.slice(0, 2));
  const day = Number(digits.slice(2, 4));
  const year = Number(digits.slice(4));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${digits.slice(4)}-${digits.slice(0, 2)}-${digits.slice(2, 4)}`;
}
