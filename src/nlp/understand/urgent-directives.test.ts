import { describe, expect, it } from 'vitest';
import { analyzeCall } from '../analyze-call.ts';
import { findUrgentDirectives } from './urgent-directives.ts';

/** A clinician's decision that the patient needs emergency care now makes the call urgent (issue 15). */

const cues = (text: string) => findUrgentDirectives(text).map((d) => d.cue);

describe('findUrgentDirectives', () => {
  it.each([
    ['Nurse: With that much pain I need you to head to the emergency room right away.', 'sent-to-emergency-care'],
    ['Agent: Please hang up and call 911.', 'sent-to-emergency-care'],
    ["Caller: This is the night nurse at Pine Court, we're calling an ambulance for him.", 'emergency-services-called'],
    ['the paramedics are on their way now', 'emergency-services-called'],
    ['Nurse: this is an emergency, please call 911 now.', 'sent-to-emergency-care'],
    ['This is the hospital lab with a critical sodium on your patient.', 'critical-result'],
    ["Caller: it's the dialysis unit, his potassium came back at 6.9 and we're sending him to the ER now.", 'critical-result'],
    ["Caller: it's the dialysis unit, his potassium came back at 6.9 and we're sending him to the ER now.", 'sent-to-emergency-care'],
    ["my little one is throwing up everything and there's been no wet diaper since this morning", 'infant-dehydration'],
    ["my glucose meter just says HI and I've been throwing up all morning", 'very-high-sugar'],
    ['his sugar was 487 and he is kind of confused', 'very-high-sugar'],
  ])('%s → %s', (text, cue) => {
    expect(cues(text)).toContain(cue);
  });

  it.each([
    'Agent: If the swelling spreads or you get a fever, go to the ER.',
    'Agent: Should that happen overnight, call 911 — otherwise we will see you Thursday.',
    'last spring they took her to the ER by ambulance and she was fine',
    'Caller: should I go to the ER right now or wait for you?',
    "Caller: It's nothing critical, just a question about my labs.",
    'the poster says the signs of a stroke mean call 911 right away',
    "You've reached the clinic. For emergencies, please hang up and call 911. Leave a message after the tone.",
    'Thank you for calling. In a medical emergency please hang up and dial 911.',
    'her potassium was 4.4 and the sodium 138, so nothing to change',
    'my sugar was 412 after the holiday dinner but no vomiting and I feel okay',
    'the baby spits up a little after feeds but has lots of wet diapers',
    'if the baby cannot keep anything down or has no wet diapers by tonight, call us back',
  ])('%s → none', (text) => {
    expect(cues(text)).toEqual([]);
  });

  it('makes a call urgent with urgent_emergency even when no red flag is named', () => {
    const text = 'Agent: Clinic, this is Pat.\nCaller: Hi, this is Sam from imaging. I have a critical finding on a chest CT for one of your patients, a large pleural effusion.\nAgent: I will get the nurse.';
    const analysis = analyzeCall(text, { now: new Date('2026-12-07T12:00:00Z') });
    expect(analysis.urgent).toBe(true);
    expect(analysis.requestTypes.map((score) => score.type)).toContain('urgent_emergency');
  });
});
