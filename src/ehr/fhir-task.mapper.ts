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
  /** From the request type's workflow (UN-1); a red flag makes it `stat`. */
  priority?: 'routine' | 'urgent' | 'asap' | 'stat';
  /** Work queue and owning role from the workflow. */
  queue?: string;
  ownerRole?: string;
  dueAt?: Date | null;
  /** The other request types found in the call, after the main one. */
  otherRequestTypes?: readonly string[];
  /** Red flag codes (codes only): a human looks at these first. */
  redFlags?: readonly string[];
}

export const requestTypeCodeSystem = 'https://callchart.dev/fhir/CodeSystem/request-type';
export const redFlagCodeSystem = 'https://callchart.dev/fhir/CodeSystem/red-flag';

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
    priority: input.redFlags?.length ? 'stat' : (input.priority ?? 'routine'),
    code: {
      coding: [{ system: requestTypeCodeSystem, code: input.requestType, display: input.requestTypeLabel }],
      text: input.requestTypeLabel,
    },
    description: `${input.redFlags?.length ? 'RED FLAG: ' : ''}Phone call: ${input.requestTypeLabel}${input.callStatus === 'missed' ? ' (missed call)' : ''}`,
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
  if (input.dueAt) task.restriction = { period: { end: input.dueAt.toISOString() } };
  if (input.ownerRole) task.performerType = [{ text: input.ownerRole }];
  if (input.queue) task.input!.push({ type: { text: 'work-queue' }, valueString: input.queue });
  for (const code of input.otherRequestTypes ?? []) {
    task.input!.push({ type: { text: 'also-requested' }, valueCodeableConcept: { coding: [{ system: requestTypeCodeSystem, code }] } });
  }
  for (const code of input.redFlags ?? []) {
    task.input!.push({ type: { text: 'red-flag' }, valueCodeableConcept: { coding: [{ system: redFlagCodeSystem, code }], text: code.replace(/_/g, ' ') } });
  }
  if (unique && verified) task.for = { reference: `Patient/${unique.patientId}` };
  if (unique && !verified) {
    task.input!.push({ type: { text: 'suggested-patient-unverified' }, valueReference: { reference: `Patient/${unique.patientId}` } });
  }
  if (unique?.relatedPersonId && verified) task.requester = { reference: `RelatedPerson/${unique.relatedPersonId}` };
  return task;
}

/**
 * A Task written before the caller's identity was verified (the date of birth came in late, or
 * staff verified it), or filed on a chart staff replaced with another, is linked to the chart in
 * place, never duplicated: the verified subject and its requester, the new confidence, and the
 * suggestion dropped. Null when the Task already says what `built` says.
 */
export function relinkCallTask(existing: Task, built: Task): Task | null {
  const wanted = built.for?.reference;
  if (!wanted || existing.for?.reference === wanted) return null;
  const keep = (existing.input ?? []).filter(
    (input) => !['caller-identity-confidence', 'caller-match-outcome', 'suggested-patient-unverified'].includes(input.type.text ?? ''),
  );
  const identityInputs = (built.input ?? []).filter((input) => ['caller-identity-confidence', 'caller-match-outcome'].includes(input.type.text ?? ''));
  // A caregiver of the chart it was on is not the requester for another chart (a staff link moves it).
  const { requester: _previousRequester, ...rest } = existing;
  return {
    ...rest,
    for: built.for,
    ...(built.requester ? { requester: built.requester } : {}),
    input: [...identityInputs, ...keep],
  };
}
