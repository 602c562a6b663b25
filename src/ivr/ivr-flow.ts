import { consentScopes, type CallReason, type ConsentScope, type IvrProfile } from './ivr-settings.schema.ts';
import { phrasesFor, spokenList } from './ivr-phrases.ts';

/**
 * The IVR as a pure state machine (ING-2, CO-1, ID-2, PX-1). The caller's path, in order:
 *
 * 1. greeting: the emergency message and the urgent option first, then the disclosure (and the
 *    alternate-language offer). The urgent key ends the IVR at once: straight to a person, nothing
 *    more asked, every consent left `not-captured` (treated as not given). Silence goes on.
 * 2. reason menu.
 * 3. date of birth, only when the adapter says identity is not already established (`skipDob`).
 * 4. consents: a placeholder (`consent-plan`) until the adapter knows the call's queue and which
 *    consents it can use (`planConsents`); then one combined question where the clinic allows it,
 *    else one question per consent.
 *
 * The adapter renders prompts as TwiML and feeds back keypad input (or `null` on timeout). Invalid
 * input or a timeout repeats the question once, then falls through to a person: the caller is
 * never stuck in a menu.
 */
export type ConsentStatus = 'granted' | 'declined' | 'not-captured';
export type ConsentSource = 'ivr' | 'agent' | 'standing-preference' | 'jurisdiction';

export interface ConsentRecord {
  status: ConsentStatus;
  source: ConsentSource;
  at: string;
}

export type IvrStep =
  | { kind: 'greeting' }
  | { kind: 'reason' }
  | { kind: 'dob' }
  /** Replaced by the consent questions once the call's queue is known (`planConsents`); never asked. */
  | { kind: 'consent-plan' }
  /** Several consents in one question (1 yes, 2 no, 3 one at a time). */
  | { kind: 'consents'; scopes: ConsentScope[] }
  | { kind: 'consent'; scope: ConsentScope };

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

/** The steps this profile asks, in order; the DOB step may be skipped and the consent plan is filled in later. */
export function planIvr(profile: IvrProfile): IvrStep[] {
  const steps: IvrStep[] = [{ kind: 'greeting' }];
  if (profile.reasonMenu) steps.push({ kind: 'reason' });
  if (profile.dobStepUp !== 'never') steps.push({ kind: 'dob' });
  steps.push({ kind: 'consent-plan' });
  return steps;
}

/** The consents this profile asks for at most (jurisdiction may add record and transcribe), in the usual order. */
export function consentsToAsk(profile: IvrProfile): ConsentScope[] {
  const asked = new Set<ConsentScope>(profile.askConsent);
  // All-party consent states: the caller must agree before anything is recorded or transcribed.
  if (profile.jurisdiction === 'two-party') {
    asked.add('record');
    asked.add('transcribe');
  }
  return consentScopes.filter((scope) => asked.has(scope));
}

export function startIvr(profile: IvrProfile, _now: Date): { session: IvrSession; effects: IvrEffect[] } {
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
  // Nothing is granted yet: a one-party state's consent rests on the disclosure, which the caller
  // hears only after the urgent option (see the greeting in answerIvr).
  return { session, effects: [] };
}

/** Whether the IVR waits for `planConsents` (the adapter must find the call's queue first). */
export function needsConsentPlan(session: IvrSession): boolean {
  return !session.finished && session.steps[session.index]?.kind === 'consent-plan';
}

/**
 * Fills in the consent questions once the call's queue is known: of the consents the profile asks
 * (`consentsToAsk`), only those the queue can use (`needed`, from consent/consent-needs.ts), asked
 * together where the profile allows (`consentQuestion: combined`), else one at a time. Nothing left
 * to ask: the IVR is done.
 */
export function planConsents(profile: IvrProfile, previous: IvrSession, needed: readonly ConsentScope[]): IvrSession {
  if (!needsConsentPlan(previous)) return previous;
  const scopes = consentsToAsk(profile).filter((scope) => needed.includes(scope));
  const questions: IvrStep[] =
    scopes.length > 1 && profile.consentQuestion === 'combined'
      ? [{ kind: 'consents', scopes }]
      : scopes.map((scope) => ({ kind: 'consent', scope }));
  const steps = [...previous.steps.slice(0, previous.index), ...questions, ...previous.steps.slice(previous.index + 1)];
  const session: IvrSession = { ...previous, steps, retries: 0 };
  if (session.index >= steps.length) session.finished = 'completed';
  return session;
}

/** The prompt for the current step, or the hand-off when the IVR is done. */
export function currentPrompt(profile: IvrProfile, session: IvrSession, options: { retry?: 'did-not-catch' | 'dob-mismatch' } = {}): IvrPrompt {
  const phrases = phrasesFor(session.language);
  if (session.finished) {
    const say = session.finished === 'urgent' ? [phrases.urgent] : session.finished === 'fell-through' ? [phrases.connectingToStaff] : [phrases.connecting];
    return { kind: 'route', say, language: session.language, finished: session.finished };
  }
  const step = session.steps[session.index]!;
  const say: string[] = [];
  if (options.retry === 'did-not-catch') say.push(phrases.didNotCatch);
  if (options.retry === 'dob-mismatch') say.push(phrases.dobRetry);
  const gather = (texts: string[], numDigits: number, finishOnKey = '', timeoutSeconds = profile.gatherTimeoutSeconds): IvrPrompt => ({
    kind: 'gather', step: stepKey(step), say: [...say, ...texts], language: session.language, numDigits, finishOnKey, timeoutSeconds,
  });
  const inLanguage = (texts: Record<string, string>) => texts[session.language] ?? texts[profile.language] ?? Object.values(texts)[0] ?? '';
  switch (step.kind) {
    case 'greeting': {
      // One <Say> for the emergency message and the urgent option: nothing comes before them.
      const first = `${inLanguage(profile.emergencyMessage)} ${phrases.urgentOffer.replace('{key}', spokenKey(profile.urgentKey))}`;
      const texts = [first, inLanguage(profile.disclosure)];
      if (profile.alternateLanguage) texts.push(phrases.languageOffer);
      return gather(texts, 1, '', profile.greetingTimeoutSeconds);
    }
    case 'consent':
      return gather([phrases.consent[step.scope]], 1);
    case 'consents':
      return gather([phrases.consentCombined.replace('{list}', spokenList(phrases, step.scopes.map((scope) => phrases.consentClause[scope])))], 1);
    case 'reason':
      return gather([phrases.reasonMenu], 1);
    case 'dob':
      return gather([phrases.dob], 8, '#');
    case 'consent-plan':
      // Never asked: the adapter plans the consents first. Should it not, a person takes the call.
      return { kind: 'route', say: [phrases.connectingToStaff], language: session.language, finished: 'fell-through' };
  }
  // A step this version does not know (a call that was in the IVR across an upgrade): a person takes it.
  return { kind: 'route', say: [phrases.connectingToStaff], language: session.language, finished: 'fell-through' };
}

/** The urgent key as said aloud ("star" rather than "*"). */
function spokenKey(key: string): string {
  return key === '*' ? 'star' : key;
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
 * digits against the EHR and passes `dobVerified`; `skipDob` says the step is not needed (identity
 * is already established, or there is nothing to check it against).
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
  const capture = (scope: ConsentScope, status: ConsentStatus, source: ConsentSource) => {
    session.consents[scope] = { status, source, at: now.toISOString() };
    effects.push({ type: 'consent', scope, status, source });
  };
  const retryOrFallThrough = (reason: 'did-not-catch' | 'dob-mismatch'): IvrTurn => {
    const finalAttempt = session.retries >= 1;
    effects.push({ type: 'no-input', step: input.step, finalAttempt });
    if (finalAttempt) {
      if (step.kind === 'consent') capture(step.scope, 'not-captured', 'ivr');
      if (step.kind === 'consents') for (const scope of step.scopes) capture(scope, 'not-captured', 'ivr');
      if (step.kind === 'dob') {
        // An identity that could not be checked does not cost the caller their say on consent.
        session.dob = 'not-verified';
        effects.push({ type: 'dob', verified: false });
        advance();
        return { session, prompt: currentPrompt(profile, session), effects };
      }
      session.finished = 'fell-through';
      return { session, prompt: currentPrompt(profile, session), effects };
    }
    session.retries += 1;
    return { session, prompt: currentPrompt(profile, session, { retry: reason }), effects };
  };

  const digits = input.digits?.replace(/[^0-9*#]/g, '') ?? null;
  switch (step.kind) {
    case 'greeting': {
      if (digits === profile.urgentKey) {
        // Urgent callers go straight to a person: no more questions. Nothing was asked, so nothing
        // is granted (not even a one-party state's consent, whose notice came after the offer).
        session.reason = 'clinical';
        session.urgent = true;
        effects.push({ type: 'reason', reason: 'clinical', urgent: true });
        session.finished = 'urgent';
        return { session, prompt: currentPrompt(profile, session), effects };
      }
      if (digits === '9' && profile.alternateLanguage) {
        session.language = profile.alternateLanguage;
        effects.push({ type: 'language', language: session.language });
      }
      if (profile.jurisdiction === 'one-party') {
        // One-party states: the clinic is a party and consents; the disclosure, now heard, is the
        // caller's notice.
        for (const scope of ['record', 'transcribe'] as const) {
          if (!profile.askConsent.includes(scope)) capture(scope, 'granted', 'jurisdiction');
        }
      }
      advance();
      break;
    }
    case 'consent': {
      if (digits !== '1' && digits !== '2') return retryOrFallThrough('did-not-catch');
      capture(step.scope, digits === '1' ? 'granted' : 'declined', 'ivr');
      advance();
      break;
    }
    case 'consents': {
      if (digits === '3') {
        // The caller wants to choose: the same consents, one question each.
        session.steps = [...session.steps.slice(0, session.index), ...step.scopes.map((scope): IvrStep => ({ kind: 'consent', scope })), ...session.steps.slice(session.index + 1)];
        session.retries = 0;
        break;
      }
      if (digits !== '1' && digits !== '2') return retryOrFallThrough('did-not-catch');
      // Asked together, still captured per kind: the rest of the system sees four answers.
      for (const scope of step.scopes) capture(scope, digits === '1' ? 'granted' : 'declined', 'ivr');
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
    case 'consent-plan':
      return { session, prompt: currentPrompt(profile, session), effects };
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
