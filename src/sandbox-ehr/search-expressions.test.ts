import { describe, expect, it } from 'vitest';
import { specializeSearchExpression, splitUnion } from './search-expressions.ts';

describe('splitUnion', () => {
  it('splits on top-level bars only', () => {
    expect(splitUnion("A.b | (C.d as E) | F.g.where(h = 'x|y')")).toEqual(['A.b', '(C.d as E)', "F.g.where(h = 'x|y')"]);
  });
});

describe('specializeSearchExpression', () => {
  it('keeps only branches rooted at the searched type', () => {
    const patient = 'AllergyIntolerance.patient | CarePlan.subject | Condition.subject.where(resolve() is Patient) | Encounter.subject';
    expect(specializeSearchExpression(patient, 'Condition')).toBe('Condition.subject.where(resolve() is Patient)');
    expect(specializeSearchExpression("Patient.telecom.where(system='phone') | Person.telecom.where(system='phone')", 'Patient')).toBe("Patient.telecom.where(system='phone')");
    expect(specializeSearchExpression('(Observation.value as Quantity) | (Observation.value as SampledData)', 'Observation')).toBe('(Observation.value as Quantity) | (Observation.value as SampledData)');
  });

  it('leaves an expression alone when no branch is clearly rooted at the type', () => {
    expect(specializeSearchExpression('Foo.x | Bar.y', 'Patient')).toBe('Foo.x | Bar.y');
    expect(specializeSearchExpression('Resource.id', 'Patient')).toBe('Resource.id');
  });
});
