import { describe, expect, it } from 'vitest';
import { answerIvr, currentPrompt, needsConsentPlan, planConsents, startIvr, type IvrSession } from './ivr-flow.ts';
import { ivrProfileSchema, type IvrProfile } from './ivr-settings.schema.ts';

const now = new Date('2026-12-07T15:00:00Z');
const twoParty = ivrProfileSchema.parse({});
const all = ['record', 'transcribe', 'ai', 'ehr'] as const;

function answer(profile: IvrProfile, session: IvrSession, step: string, digits: string | null, extra: { skipDob?: boolean; dobVerified?: boolean } = {}) {
  return answerIvr(profile, session, { step, digits, ...extra }, now);
}

/** From the greeting to the consent questions: silence at the greeting, a refill, no DOB. */
function toConsents(profile: IvrProfile, needed: readonly (typeof all)[number][] = all) {
  let session = startIvr(profile, now).session;
  session = answer(profile, session, 'greeting', null).session;
  session = answer(profile, session, 'reason', '2', { skipDob: true }).session;
  expect(needsConsentPlan(session)).toBe(true);
  return planConsents(profile, session, needed);
}

describe('the caller path (PX-1)', () => {
  it('says the emergency message and the urgent key first, in one sentence before any consent question', () => {
    const prompt = currentPrompt(twoParty, startIvr(twoParty, now).session);
    expect(prompt.kind).toBe('gather');
    if (prompt.kind !== 'gather') return;
    expect(prompt.step).toBe('greeting');
    expect(prompt.say[0]).toBe('If this is a medical emergency, hang up and dial 911. If you have urgent symptoms, press 1 now.');
    expect(prompt.say.join(' ')).not.toMatch(/May we|Press 1 for yes/);
    const custom = ivrProfileSchema.parse({ urgentKey: '*', emergencyMessage: { 'en-US': 'For an emergency, call 911 now.' } });
    const customPrompt = currentPrompt(custom, startIvr(custom, now).session);
    expect(customPrompt.say[0]).toBe('For an emergency, call 911 now. If you have urgent symptoms, press star now.');
  });

  it('the urgent key ends the IVR at once, with no consent granted, even in a one-party state', () => {
    for (const jurisdiction of ['two-party', 'one-party'] as const) {
      const profile = ivrProfileSchema.parse({ jurisdiction });
      const turn = answer(profile, startIvr(profile, now).session, 'greeting', '1');
      expect(turn.session.finished).toBe('urgent');
      expect(turn.prompt.kind).toBe('route');
      expect(turn.effects).toEqual([{ type: 'reason', reason: 'clinical', urgent: true }]);
      expect(turn.session.consents).toEqual({});
    }
  });

  it('silence at the greeting goes on to the menu; a one-party state grants recording once the notice is heard', () => {
    const onePartyProfile = ivrProfileSchema.parse({ jurisdiction: 'one-party' });
    const turn = answer(onePartyProfile, startIvr(onePartyProfile, now).session, 'greeting', null);
    expect(turn.prompt.kind === 'gather' && turn.prompt.step).toBe('reason');
    expect(turn.session.consents.record).toMatchObject({ status: 'granted', source: 'jurisdiction' });
    const twoPartyTurn = answer(twoParty, startIvr(twoParty, now).session, 'greeting', null);
    expect(twoPartyTurn.session.consents).toEqual({});
  });

  it('asks the consents one at a time where combined asking is not allowed', () => {
    const session = toConsents(twoParty);
    const steps: string[] = [];
    let current = session;
    for (;;) {
      const prompt = currentPrompt(twoParty, current);
      if (prompt.kind !== 'gather') break;
      steps.push(prompt.step);
      current = answer(twoParty, current, prompt.step, '1').session;
    }
    expect(steps).toEqual(['consent-record', 'consent-transcribe', 'consent-ai', 'consent-ehr']);
    expect(current.finished).toBe('completed');
  });

  it('asks every needed consent in one question where allowed, and captures each kind', () => {
    const profile = ivrProfileSchema.parse({ consentQuestion: 'combined' });
    const session = toConsents(profile);
    const prompt = currentPrompt(profile, session);
    expect(prompt.kind === 'gather' && prompt.step).toBe('consents');
    expect(prompt.say).toEqual([
      'May we record this call, transcribe it for your care team, have an automated assistant summarize it for our staff to review and add a note about it to your medical record? Press 1 for yes, 2 for no, or 3 to answer one at a time.',
    ]);
    const yes = answer(profile, session, 'consents', '1');
    expect(yes.session.finished).toBe('completed');
    expect(yes.effects).toEqual(all.map((scope) => ({ type: 'consent', scope, status: 'granted', source: 'ivr' })));
    const no = answer(profile, session, 'consents', '2');
    expect(no.effects.map((effect) => effect.type === 'consent' && effect.status)).toEqual(['declined', 'declined', 'declined', 'declined']);
  });

  it('a caller may still answer one at a time where combined asking is allowed', () => {
    const profile = ivrProfileSchema.parse({ consentQuestion: 'combined' });
    const split = answer(profile, toConsents(profile), 'consents', '3');
    expect(split.effects).toEqual([]);
    expect(split.prompt.kind === 'gather' && split.prompt.step).toBe('consent-record');
    let session = split.session;
    for (const [step, digits] of [['consent-record', '2'], ['consent-transcribe', '1'], ['consent-ai', '2'], ['consent-ehr', '1']] as const) session = answer(profile, session, step, digits).session;
    expect(Object.fromEntries(Object.entries(session.consents).map(([scope, record]) => [scope, record.status]))).toEqual({ record: 'declined', transcribe: 'granted', ai: 'declined', ehr: 'granted' });
  });

  it('asks only the consents the queue can use', () => {
    const session = toConsents(twoParty, ['transcribe', 'ai', 'ehr']);
    expect(currentPrompt(twoParty, session).kind === 'gather' && (currentPrompt(twoParty, session) as { step: string }).step).toBe('consent-transcribe');
    expect(session.steps.some((step) => step.kind === 'consent' && step.scope === 'record')).toBe(false);
    // One consent left: no "combined" question for a single consent.
    const combined = ivrProfileSchema.parse({ consentQuestion: 'combined', jurisdiction: 'one-party', askConsent: ['ehr'] });
    const single = toConsents(combined, ['record', 'ehr']);
    expect((currentPrompt(combined, single) as { step: string }).step).toBe('consent-ehr');
    // Nothing to ask: straight through.
    expect(toConsents(ivrProfileSchema.parse({ askConsent: [], jurisdiction: 'one-party' })).finished).toBe('completed');
  });

  it('asks the date of birth only when identity is not established, and a failed check still reaches the consents', () => {
    const start = answer(twoParty, startIvr(twoParty, now).session, 'greeting', null).session;
    const known = answer(twoParty, start, 'reason', '2', { skipDob: true });
    expect(known.session.dob).toBe('skipped');
    expect(needsConsentPlan(known.session)).toBe(true);
    const unknown = answer(twoParty, start, 'reason', '2', { skipDob: false });
    expect(unknown.prompt.kind === 'gather' && unknown.prompt.step).toBe('dob');
    const wrong = answer(twoParty, unknown.session, 'dob', '01011990', { dobVerified: false });
    expect(wrong.prompt.say[0]).toBe('That did not match our records. Please try once more.');
    const wrongAgain = answer(twoParty, wrong.session, 'dob', '01011990', { dobVerified: false });
    expect(wrongAgain.session.dob).toBe('not-verified');
    expect(needsConsentPlan(wrongAgain.session)).toBe(true);
  });

  it('a replayed greeting answer changes nothing', () => {
    const after = answer(twoParty, startIvr(twoParty, now).session, 'greeting', null).session;
    const replay = answer(twoParty, after, 'greeting', '1');
    expect(replay.session.finished).toBeNull();
    expect(replay.effects).toEqual([]);
  });

  it('hands a call that was in the IVR across an upgrade (a step it no longer knows) to a person', () => {
    const legacy = { ...startIvr(twoParty, now).session, steps: [{ kind: 'language' }, { kind: 'consent', scope: 'record' }] } as unknown as IvrSession;
    expect(currentPrompt(twoParty, legacy)).toMatchObject({ kind: 'route', finished: 'fell-through' });
    expect(answer(twoParty, legacy, 'language', '9').prompt).toMatchObject({ kind: 'route', finished: 'fell-through' });
  });
});
