import { describe, expect, it } from 'vitest';
import { callTurns, hasClinicTurns, turnAt } from './call-turns.ts';

// Every transcript here is synthetic, written for these tests.

describe('callTurns', () => {
  it('splits a diarized call into clinic and caller turns, without the labels', () => {
    const text = 'Agent: Lakeview Clinic, this is Jo.\nCaller: Hi Jo, I need to move my visit.\nAgent: Sure.';
    const turns = callTurns(text);
    expect(turns.map((turn) => [turn.speaker, text.slice(turn.start, turn.end)])).toEqual([
      ['clinic', 'Lakeview Clinic, this is Jo.'],
      ['caller', 'Hi Jo, I need to move my visit.'],
      ['clinic', 'Sure.'],
    ]);
    expect(hasClinicTurns(turns)).toBe(true);
  });

  it('reads nurse and receptionist labels as the clinic, any other label as the caller', () => {
    const text = 'Nurse: Any fever?\nMom: No, just the cough.\nReceptionist: Okay.';
    expect(callTurns(text).map((turn) => turn.speaker)).toEqual(['clinic', 'caller', 'clinic']);
  });

  it('a line without a label continues the turn before it', () => {
    const text = 'Agent: Hello.\nCaller: I have two things.\nFirst, my refill.';
    const turns = callTurns(text);
    expect(turns).toHaveLength(2);
    expect(text.slice(turns[1]!.start, turns[1]!.end)).toBe('I have two things.\nFirst, my refill.');
  });

  it('a voicemail, an ASR stream or a message with one "Subject:" line is one caller turn', () => {
    expect(callTurns('hi this is dana um i need my refill')).toEqual([{ speaker: 'caller', start: 0, end: 35 }]);
    const message = 'Subject: refill\nPlease renew my lisinopril.';
    expect(callTurns(message)).toEqual([{ speaker: 'caller', start: 0, end: message.length }]);
  });

  it('turnAt finds the turn holding an offset, -1 on a label', () => {
    const text = 'Agent: Hello.\nCaller: Hi.';
    const turns = callTurns(text);
    expect(turnAt(turns, text.indexOf('Hello'))).toBe(0);
    expect(turnAt(turns, text.indexOf('Hi.'))).toBe(1);
    expect(turnAt(turns, text.indexOf('Caller'))).toBe(-1);
  });
});
