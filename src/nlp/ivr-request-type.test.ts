import { describe, expect, it } from 'vitest';
import { requestTypesFromIvr } from './ivr-request-type.ts';

describe('request types from the IVR menu', () => {
  it('maps each menu choice to a request type, urgent first', () => {
    expect(requestTypesFromIvr('refill', false).map((score) => score.type)).toEqual(['prescription_refill']);
    expect(requestTypesFromIvr('clinical', true).map((score) => score.type)).toEqual(['urgent_emergency', 'symptom_report']);
    expect(requestTypesFromIvr(null, false)).toEqual([]);
    expect(requestTypesFromIvr('unheard-of', false)).toEqual([]);
  });
});
