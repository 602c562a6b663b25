import { randomBytes } from 'node:crypto';
import { validateResource } from '@medplum/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFhirR4Definitions } from '../sandbox-ehr/fhir-definitions.loader.ts';
import type { RequiredCodeIndex } from '../sandbox-ehr/required-codes.ts';
import { validateWrite } from '../sandbox-ehr/validating-repository.ts';
import { chainAuditEvent, type AuditEvent, type AuditEventInput } from './audit-chain.ts';
import { auditActorSystem, SignedAuditExport, toFhirAuditEvent, verifySignedAuditExport } from './audit-export.ts';
import { deriveAuditKey } from './audit-key.ts';

// Synthetic audit events: ids and codes only, as in production.
const key = deriveAuditKey(randomBytes(32));
const inputs: AuditEventInput[] = [
  { actor: 'pbx:synthetic-pbx', action: 'call.event.accepted', objectType: 'call', objectId: 'call-syn-0001', outcome: 'success', consentStatus: 'granted', detail: { eventType: 'call.ringing' } },
  { actor: 'system', action: 'webhook.rejected', objectType: 'webhook', outcome: 'rejected', reason: 'SIGNATURE_INVALID' },
  { actor: 'staff:nurse-7', action: 'review.approved', objectType: 'review-item', objectId: 'rev-12', outcome: 'success', detail: { version: 3, fields: ['summary', 'requestType'], auto: false } },
  { actor: 'worker:write-task', action: 'ehr.task.written', objectType: 'call', objectId: 'call-syn-0001', outcome: 'failure', reason: 'EHR_TIMEOUT', detail: { attempt: 2, target: null } },
  { actor: 'pbx:twilio', action: 'call.event.duplicate', objectType: 'call', objectId: 'call-syn-0002', outcome: 'duplicate' },
];
const events: AuditEvent[] = [];
for (const [index, input] of inputs.entries()) events.push(chainAuditEvent(input, events.at(-1) ?? null, new Date(Date.UTC(2026, 0, 5, 14, 0, index)), key));

function signedExport(list = events): string {
  const exporter = new SignedAuditExport(key, { from: new Date('2026-01-05T00:00:00Z'), to: new Date('2026-01-06T00:00:00Z') }, new Date('2026-01-07T09:00:00Z'));
  return [...list.map((event) => exporter.line(event)), exporter.trailer()].join('\n') + '\n';
}

describe('signed audit export (JSON lines)', () => {
  it('holds each event with its chain hash, then a trailer with count, first/last seq, period and key id', () => {
    const lines = signedExport().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatchObject({ type: 'audit-event', seq: 1, hash: events[0]!.hash, prevHash: events[0]!.prevHash, keyId: key.id });
    expect(lines[5]).toMatchObject({
      type: 'trailer', format: 'callchart-audit-export/1', count: 5, firstSeq: 1, lastSeq: 5,
      from: '2026-01-05T00:00:00.000Z', to: '2026-01-06T00:00:00.000Z', keyId: key.id,
    });
    expect(lines[5]!.mac).toMatch(/^[0-9a-f]{64}$/);
    expect(verifySignedAuditExport(key, signedExport())).toEqual({ ok: true, count: 5, firstSeq: 1, lastSeq: 5, unverifiedLinks: 0 });
  });

  it('an empty period still has a signed trailer', () => {
    expect(verifySignedAuditExport(key, signedExport([]))).toMatchObject({ ok: true, count: 0, firstSeq: null, lastSeq: null });
  });

  it.each([
    ['a line dropped', (lines: string[]) => lines.filter((_, index) => index !== 2)],
    ['a line edited', (lines: string[]) => lines.map((line, index) => (index === 1 ? line.replace('SIGNATURE_INVALID', 'PAYLOAD_INVALID') : line))],
    ['a line added', (lines: string[]) => [lines[0]!, ...lines]],
    ['the trailer count changed', (lines: string[]) => lines.map((line) => line.replace('"count":5', '"count":4'))],
  ])('is refused with %s', (_change, change) => {
    const lines = signedExport().trim().split('\n');
    expect(verifySignedAuditExport(key, change(lines).join('\n'))).toMatchObject({ ok: false });
  });

  it('is refused under another key', () => {
    expect(verifySignedAuditExport(deriveAuditKey(randomBytes(32)), signedExport())).toMatchObject({ ok: false, reason: expect.stringContaining('another audit key') });
  });
});

describe('FHIR R4 AuditEvent export', () => {
  let requiredCodes: RequiredCodeIndex;
  beforeAll(() => {
    requiredCodes = loadFhirR4Definitions().requiredCodes;
  });

  it.each(events.map((event) => [event.action, event] as const))('%s is a valid R4 AuditEvent', (_action, event) => {
    const resource = toFhirAuditEvent(event);
    const issues = validateResource(resource);
    expect(issues.filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')).toEqual([]);
    // Required value-set bindings (outcome, action), which validateResource does not check.
    expect(validateWrite(resource, requiredCodes)).toEqual([]);
  });

  it('names who acted and what it acted on by identifiers only, and carries the chain hash', () => {
    const resource = toFhirAuditEvent(events[2]!);
    expect(resource.recorded).toBe(events[2]!.at);
    expect(resource.subtype).toEqual([{ system: 'urn:callchart:audit-action', code: 'review.approved' }]);
    expect(resource.agent).toEqual([{ who: { identifier: { system: auditActorSystem, value: 'staff:nurse-7' } }, requestor: true }]);
    expect(resource.entity![0]!.what).toEqual({ identifier: { system: 'urn:callchart:review-item', value: 'rev-12' } });
    expect(resource.entity![0]!.detail).toContainEqual({ type: 'fields', valueString: 'summary,requestType' });
    expect(resource.entity![1]!.detail).toContainEqual({ type: 'chain-hash', valueString: events[2]!.hash });
    for (const entity of resource.entity!) expect(Object.keys(entity.what ?? {})).not.toContain('display');
  });

  it('maps outcomes to the R4 codes (0 success, 4 minor failure, 8 serious failure) with the reason code', () => {
    expect(events.map((event) => toFhirAuditEvent(event).outcome)).toEqual(['0', '4', '0', '8', '0']);
    expect(toFhirAuditEvent(events[1]!).outcomeDesc).toBe('SIGNATURE_INVALID');
  });
});
