import { OperationOutcomeError } from '@medplum/core';
import type { Task } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFhirR4Definitions } from './fhir-definitions.loader.ts';
import { ValidatingRepository, validateWrite } from './validating-repository.ts';
import type { RequiredCodeIndex } from './required-codes.ts';

describe('validateWrite', () => {
  let requiredCodes: RequiredCodeIndex;
  beforeAll(() => {
    requiredCodes = loadFhirR4Definitions().requiredCodes;
  });

  it('accepts a well-formed Task', () => {
    expect(validateWrite({ resourceType: 'Task', status: 'requested', intent: 'order' }, requiredCodes)).toEqual([]);
  });

  it('rejects codes outside required value sets, which validateResource lets through, naming the path', () => {
    const issues = validateWrite({ resourceType: 'Task', status: 'bogus' as Task['status'], intent: 'wish' as Task['intent'] }, requiredCodes);
    expect(issues.map((i) => i.expression?.[0])).toEqual(['Task.status', 'Task.intent']);
    const patient = validateWrite({ resourceType: 'Patient', gender: 'x' as 'male', telecom: [{ system: 'phone', value: '+16175550100', use: 'cell' as 'mobile' }] }, requiredCodes);
    expect(patient.map((i) => i.expression?.[0])).toEqual(['Patient.gender', 'Patient.telecom[0].use']);
  });

  it('reports structural errors from the core validator', () => {
    const issues = validateWrite({ resourceType: 'Task', status: 'requested', intent: 'order', colour: 'red' } as Task, requiredCodes);
    expect(issues[0]?.expression).toEqual(['Task.colour']);
  });
});

describe('ValidatingRepository', () => {
  it('refuses invalid writes and types it does not serve, stores valid ones', async () => {
    const { requiredCodes } = loadFhirR4Definitions();
    const repo = new ValidatingRepository({ requiredCodes, resourceTypes: new Set(['Task']) });
    await expect(repo.createResource({ resourceType: 'Task', status: 'bogus' as Task['status'], intent: 'order' })).rejects.toBeInstanceOf(OperationOutcomeError);
    await expect(repo.createResource({ resourceType: 'Basic', code: { text: 'x' } })).rejects.toBeInstanceOf(OperationOutcomeError);
    const task = await repo.createResource<Task>({ resourceType: 'Task', status: 'requested', intent: 'order' });
    await expect(repo.updateResource({ ...task, status: 'nope' as Task['status'] })).rejects.toBeInstanceOf(OperationOutcomeError);
    expect((await repo.readResource<Task>('Task', task.id)).status).toBe('requested');
  });
});
