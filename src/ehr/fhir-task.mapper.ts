import type { Task } from '@medplum/fhirtypes';
import type { CallerMatch } from './patient-match.ts';
import { isIdentityVerified } from './identity-step-up.ts';

/** Business identifier system for the one Task each call produces (exactly-once in the chart). */
export const callTaskIdentifierSystem = 'https://callchart.dev/fhir/sid/call-task';
export const callchartTagSystem = 'https://callchart.dev/fhir/tags';

/** `provider/providerCallId`: stable across replays, restarts and a rebuilt Callchart database. */
export function callTaskIdentifierValue(provider: string, providerCallId: string): string {
  return `${provider}/${providerCallId}`;
}

/** The FHIR search that makes the create conditional (`If-None-Exist`). */
export function callTaskIfNoneExist(provider: string, providerCallId: string): string {
  return `identifier=${encodeURIComponent(`${callTaskIdentifierSystem}|${escapeSearchValue(callTaskIdentifierValue(provider, providerCallId))}`)}`;
}

/** FHIR search escaping: `,` means "or", `|` separates system and code, `$` composites; `\\` escapes. */
export function escapeSearchValue(value: string): string {
  return value.replace(/[\\,|$]/g, (character) => `\\${character}`);
}

export interface CallTaskInput {
  provider: string;
  providerCallId: string;
  callStatus: string;
  match: CallerMatch | null;
  requestType: string;
  requestTypeLabel: string;
  startedAt: string | null;
  authoredAt: Date;
}

/**
 * The work item a call leaves in the chart. Minimum necessary: request type and call metadata,
 * no transcript (content goes in only with EHR consent, in a later stage). Linked to the patient
 * only when identity was verified (caller ID plus date of birth, or staff): on caller ID alone the
 * chart is only suggested, for staff to confirm (ID-2). The automated classification is tagged as
 * unreviewed until a person approves it.
 */
export function buildCallTask(input: CallTaskInput): Task {
  const unique = input.match?.outcome === 'unique' ? input.match.candidates[0] : undefined;
  const verified = isIdentityVerified(input.match);
  const task: Task = {
    resourceType: 'Task',
    meta: {
      tag: [
        { system: callchartTagSystem, code: 'automated-unreviewed', display: 'Created by Callchart; not yet reviewed by staff' },
      ],
    },
    identifier: [{ system: callTaskIdentifierSystem, value: callTaskIdentifierValue(input.provider, input.providerCallId) }],
    status: 'requested',
    intent: 'order',
    priority: 'routine',
    code: {
      coding: [{ system: 'https://callchart.dev/fhir/CodeSystem/request-type', code: input.requestType, display: input.requestTypeLabel }],
      text: input.requestTypeLabel,
    },
    description: `Phone call: ${input.requestTypeLabel}${input.callStatus === 'missed' ? ' (missed call)' : ''}`,
    authoredOn: input.authoredAt.toISOString(),
    input: [
      {
        type: { text: 'caller-identity-confidence' },
        valueString: input.match?.confidence ?? 'none',
      },
      {
        type: { text: 'caller-match-outcome' },
        valueString: input.match?.outcome ?? 'none',
      },
    ],
  };
  if (input.startedAt) task.executionPeriod = { start: input.startedAt };
  if (unique && verified) task.for = { reference: `Patient/${unique.patientId}` };
  if (unique && !verified) {
    task.input!.push({ type: { text: 'suggested-patient-unverified' }, valueReference: { reference: `Patient/${unique.patientId}` } });
  }
  if (unique?.relatedPersonId && verified) task.requester = { reference: `RelatedPerson/${unique.relatedPersonId}` };
  return task;
}

/**
 * A Task written before the caller's identity was verified (the date of birth came in late, or
 * staff verified it) is linked to the chart in place, never duplicated: the verified subject, the
 * new confidence, and the suggestion dropped. Null when the Task already says what `built` says.
 */
export function relinkCallTask(existing: Task, built: Task): Task | null {
  const wanted = built.for?.reference;
  if (!wanted || existing.for?.reference === wanted) return null;
  const keep = (existing.input ?? []).filter(
    (input) => !['caller-identity-confidence', 'caller-match-outcome', 'suggested-patient-unverified'].includes(input.type.text ?? ''),
  );
  const identityInputs = (built.input ?? []).filter((input) => ['caller-identity-confidence', 'caller-match-outcome'].includes(input.type.text ?? ''));
  return {
    ...existing,
    for: built.for,
    ...(built.requester ? { requester: built.requester } : {}),
    input: [...identityInputs, ...keep],
  };
}
