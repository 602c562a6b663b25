import { OperationOutcomeError, parseSearchRequest } from '@medplum/core';
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

describe('ValidatingRepository identifier searches', () => {
  const system = 'https://callchart.dev/fhir/call-task';
  const taskWith = (value: string, status: Task['status'] = 'requested'): Task => ({ resourceType: 'Task', status, intent: 'order', identifier: [{ system, value }] });
  const found = async (repo: ValidatingRepository, query: string) =>
    (await repo.search(parseSearchRequest<Task>(`Task?${query}`))).entry?.map((entry) => entry.resource!.identifier![0]!.value).sort() ?? [];

  it('answers from the index exactly what a scan answers: alternatives, updates, deletes, other filters, rolled-back writes', async () => {
    const { requiredCodes } = loadFhirR4Definitions();
    const repo = new ValidatingRepository({ requiredCodes, resourceTypes: new Set(['Task']) });
    const written = await Promise.all(['call/1', 'call/2', 'call/3'].map((value) => repo.createResource(taskWith(value))));
    expect(await found(repo, `identifier=${system}|call/2`)).toEqual(['call/2']);
    expect(await found(repo, `identifier=${system}|call/1,${system}|call/3,${system}|call/9`)).toEqual(['call/1', 'call/3']);
    expect(await found(repo, `identifier=other|call/2`)).toEqual([]);
    // A changed identifier: the old value finds nothing, the new one finds it.
    await repo.updateResource({ ...written[1]!, identifier: [{ system, value: 'call/2b' }] });
    expect(await found(repo, `identifier=${system}|call/2`)).toEqual([]);
    expect(await found(repo, `identifier=${system}|call/2b`)).toEqual(['call/2b']);
    await repo.deleteResource('Task', written[0]!.id);
    expect(await found(repo, `identifier=${system}|call/1`)).toEqual([]);
    // Not only an identifier (here a status too): the scan answers, the same way.
    expect(await found(repo, `identifier=${system}|call/3&status=completed`)).toEqual([]);
    // A transaction that failed leaves nothing findable.
    await expect(repo.withTransaction(async () => {
      await repo.createResource(taskWith('call/4'));
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    expect(await found(repo, `identifier=${system}|call/4`)).toEqual([]);
    expect((await repo.search(parseSearchRequest<Task>(`Task?identifier=${system}|call/3`))).total).toBe(1);
  });
});
