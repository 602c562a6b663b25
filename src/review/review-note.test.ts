import { describe, expect, it } from 'vitest';
import { applyEdit, changedFields, checkApproval, composeChartNote, draftNote, noteDisagreements, reviewEditSchema, type ReviewNote } from './review-note.ts';
import type { CallSummary } from '../nlp/analysis.types.ts';

const note: ReviewNote = {
  reasonForCall: 'prescription_refill', details: 'Needs lisinopril', actionRequested: 'Refill', nextStep: 'Send refill',
  owner: 'nurse', followUpDue: null, urgency: 'routine', note: 'Refill request.',
};
const yes = { patientIdentifiedCorrectly: true, actionAppropriate: true, noUnnecessaryPhi: true, neutralFactualTone: true };
const pending = { status: 'pending' as const, currentVersion: 2, redFlags: [] };

describe('review edits', () => {
  it('an edit makes a new note and names exactly the fields that changed', () => {
    const result = applyEdit(pending, note, { baseVersion: 2, changes: { details: 'Needs lisinopril 10 mg', nextStep: 'Send refill' } }, 'nurse');
    expect(result.changed).toEqual(['details']);
    expect(result.note.details).toBe('Needs lisinopril 10 mg');
    expect(result.reopened).toBe(false);
  });

  it('an edit against an older version is refused rather than merged', () => {
    expect(() => applyEdit(pending, note, { baseVersion: 1, changes: { details: 'x' } }, 'nurse')).toThrow(expect.objectContaining({ code: 'REVIEW_VERSION_STALE' }));
  });

  it('an edit to an approved note reopens it', () => {
    expect(applyEdit({ ...pending, status: 'approved' }, note, { baseVersion: 2, changes: { details: 'y' } }, 'clinician').reopened).toBe(true);
  });

  it('front desk and analysts cannot edit', () => {
    expect(() => applyEdit(pending, note, { baseVersion: 2, changes: { details: 'x' } }, 'intake')).toThrow(expect.objectContaining({ code: 'ROLE_FORBIDDEN' }));
    expect(() => applyEdit(pending, note, { baseVersion: 2, changes: { details: 'x' } }, 'analyst')).toThrow(expect.objectContaining({ code: 'ROLE_FORBIDDEN' }));
  });

  it('lowering the urgency of a red-flag call needs a stated reason', () => {
    const flagged = { ...pending, redFlags: ['chest_pain'] };
    const emergency = { ...note, urgency: 'emergency' as const };
    expect(() => applyEdit(flagged, emergency, { baseVersion: 2, changes: { urgency: 'routine' } }, 'nurse')).toThrow(/needs a reason/);
    expect(applyEdit(flagged, emergency, { baseVersion: 2, changes: { urgency: 'urgent' }, redFlagDowngrade: 'clinician-assessed' }, 'clinician').downgraded).toBe(true);
  });

  it('changedFields compares every field', () => {
    expect(changedFields(note, { ...note, followUpDue: '2026-11-24T10:00:00.000Z', urgency: 'urgent' })).toEqual(['followUpDue', 'urgency']);
  });
});

describe('approval', () => {
  it('needs every checklist answer yes, and names the ones that are not', () => {
    expect(() => checkApproval(pending, { role: 'nurse', baseVersion: 2, checklist: { ...yes, noUnnecessaryPhi: false }, identityVerified: true }))
      .toThrow(expect.objectContaining({ code: 'REVIEW_CHECKLIST_INCOMPLETE', detail: { unanswered: ['noUnnecessaryPhi'] } }));
  });

  it('needs a verified identity', () => {
    expect(() => checkApproval(pending, { role: 'nurse', baseVersion: 2, checklist: yes, identityVerified: false })).toThrow(expect.objectContaining({ code: 'IDENTITY_UNVERIFIED' }));
  });

  it('only a pending item, only the current version, only a reviewer', () => {
    expect(() => checkApproval({ ...pending, status: 'approved' }, { role: 'nurse', baseVersion: 2, checklist: yes, identityVerified: true })).toThrow(expect.objectContaining({ code: 'REVIEW_NOT_PENDING' }));
    expect(() => checkApproval(pending, { role: 'nurse', baseVersion: 1, checklist: yes, identityVerified: true })).toThrow(expect.objectContaining({ code: 'REVIEW_VERSION_STALE' }));
    expect(() => checkApproval(pending, { role: 'intake', baseVersion: 2, checklist: yes, identityVerified: true })).toThrow(expect.objectContaining({ code: 'ROLE_FORBIDDEN' }));
    expect(() => checkApproval(pending, { role: 'supervisor', baseVersion: 2, checklist: yes, identityVerified: true })).not.toThrow();
  });
});

describe('the first draft', () => {
  const summary: CallSummary = {
    reasonForCall: 'symptom_report', details: 'cough for a week', actionRequested: 'advice', nextStep: 'Nurse triage call back', owner: 'nurse',
    followUpDue: '2026-11-23T16:00:00.000Z', urgency: 'routine', evidence: {}, generatedBy: 'callchart-rules', reviewed: false,
  };
  it('never starts below the urgency the call showed (a red flag, the caller pressing urgent)', () => {
    expect(draftNote({ requestType: 'symptom_report', summary, urgency: 'emergency', ownerLabel: 'nurse', nextStep: 'x', followUpDue: null }).note.urgency).toBe('emergency');
  });
  it('without an AI summary is blank for a person to write, keeping the workflow fields', () => {
    const blank = draftNote({ requestType: 'referral', summary: null, urgency: 'routine', ownerLabel: 'intake', nextStep: 'Check the referral', followUpDue: null });
    expect(blank.note).toMatchObject({ reasonForCall: 'referral', details: '', nextStep: 'Check the referral', owner: 'intake' });
    // The note is composed from the fields, so what a person types into them reaches the note.
    expect(blank.note.note).toBe('Next step: Check the referral');
    expect(blank.evidence).toBeUndefined();
  });
});

describe('one approved record: the chart note and the fields agree (issue 12, defect 1)', () => {
  const draft = draftNote({
    requestType: 'test_results', urgency: 'routine', ownerLabel: 'nurse', nextStep: 'x', followUpDue: null,
    summary: {
      reasonForCall: 'test_results', details: 'Asked whether the blood test results are back', actionRequested: 'Results', nextStep: 'Review the result with the ordering clinician and call back',
      owner: 'nurse', followUpDue: '2026-12-09T10:00:00.000Z', urgency: 'routine', evidence: {}, generatedBy: 'callchart-rules', reviewed: false,
    },
  }).note;
  const state = { status: 'pending' as const, currentVersion: 1, redFlags: [] };

  it('the draft note is composed from the fields', () => {
    expect(draft.note).toBe(composeChartNote(draft));
    expect(draft.note).toBe('Asked whether the blood test results are back\nRequested: Results\nNext step: Review the result with the ordering clinician and call back');
  });

  it('follows edited fields while nobody has written the note by hand', () => {
    const edited = applyEdit(state, draft, { baseVersion: 1, changes: { nextStep: 'None - closed', details: 'Lipid panel is back and normal' } }, 'nurse');
    expect(edited.note.note).toBe('Lipid panel is back and normal\nRequested: Results\nNext step: None - closed');
    expect(edited.changed).toEqual(['details', 'nextStep', 'note']);
    expect(noteDisagreements(edited.note, [draft])).toEqual([]);
  });

  it('keeps a hand-written note, and names the fields it then contradicts', () => {
    const handWritten = applyEdit(state, draft, { baseVersion: 1, changes: { note: `Results question.\nNext step: ${draft.nextStep}` } }, 'nurse').note;
    const fieldChanged = applyEdit({ ...state, currentVersion: 2 }, handWritten, { baseVersion: 2, changes: { nextStep: 'Clinician calls today' } }, 'nurse').note;
    expect(fieldChanged.note).toBe(handWritten.note);
    expect(noteDisagreements(fieldChanged, [draft, handWritten])).toEqual(['nextStep']);
    expect(() => checkApproval({ ...state, currentVersion: 3 }, { role: 'nurse', baseVersion: 3, checklist: yes, identityVerified: true, disagreements: noteDisagreements(fieldChanged, [draft, handWritten]) }))
      .toThrow(expect.objectContaining({ code: 'REVIEW_PARTS_DISAGREE', detail: { fields: ['nextStep'] } }));
    const rebuilt = applyEdit({ ...state, currentVersion: 3 }, fieldChanged, { baseVersion: 3, changes: {}, rebuildNote: true }, 'nurse').note;
    expect(rebuilt.note).toContain('Next step: Clinician calls today');
    expect(noteDisagreements(rebuilt, [draft, handWritten, fieldChanged])).toEqual([]);
  });

  it('finds the draft\'s words left in a note whose field was changed, even without a label', () => {
    const stale: ReviewNote = { ...draft, details: 'Caller wants the x-ray report', note: 'Asked whether the blood test results are back. Will call.' };
    expect(noteDisagreements(stale, [draft])).toEqual(['details']);
  });

  it('leaving a field out of a hand-written note is not a disagreement; short common values are not stale text', () => {
    expect(noteDisagreements({ ...draft, note: 'Results question; see fields.' }, [draft])).toEqual([]);
    expect(noteDisagreements({ ...draft, actionRequested: 'Call', note: 'Results. Next step: Review the result with the ordering clinician and call back' }, [draft])).toEqual([]);
  });

  it('an edit must change something or rebuild the note', () => {
    expect(reviewEditSchema.safeParse({ baseVersion: 1, changes: {} }).success).toBe(false);
    expect(reviewEditSchema.safeParse({ baseVersion: 1, changes: {}, rebuildNote: true }).success).toBe(true);
  });
});
