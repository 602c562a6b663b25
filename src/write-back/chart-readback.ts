import type { Communication, DocumentReference, Provenance, Resource, Task } from '@medplum/fhirtypes';
import { callTaskIdentifierSystem } from '../ehr/fhir-task.mapper.ts';
import { callIdentifierSystem, callNoteIdentifierSystem } from './chart-record.mapper.ts';
import { eventTaskIdentifierSystem } from './event-task.mapper.ts';

/**
 * Reading back what Callchart wrote to the chart (issue 12, defect 9): every Task, Communication,
 * DocumentReference and Provenance, grouped by the call (or follow-up event) it came from, as a
 * person checking the chart would read them. Pure: the resources come in, lines go out; the CLI
 * (`callchart chart`) does the reading with a read-only SMART client.
 */

/** The business identifier systems Callchart writes, by resource type: what the read-back searches for. */
export const writtenIdentifierSystems = [
  { resourceType: 'Task', system: callTaskIdentifierSystem },
  { resourceType: 'Task', system: eventTaskIdentifierSystem },
  { resourceType: 'Communication', system: callIdentifierSystem },
  { resourceType: 'DocumentReference', system: callNoteIdentifierSystem },
] as const;

/** The SMART scopes the read-back needs, read and search only. */
export const chartReaderScopes: readonly string[] = ['system/Task.rs', 'system/Communication.rs', 'system/DocumentReference.rs', 'system/Provenance.rs'];

export interface WrittenRecords {
  tasks: Task[];
  communications: Communication[];
  documents: DocumentReference[];
  provenance: Provenance[];
}

/** One call's (or one follow-up event's) resources in the chart. */
export interface ChartRecordGroup {
  /** `call provider/providerCallId` or `event <identifier>`. */
  key: string;
  /** The patient the resources are filed on, if any (Task.for, else a subject). */
  patient: string | null;
  tasks: Task[];
  communications: Communication[];
  documents: DocumentReference[];
  provenance: Provenance[];
  /** Newest `meta.lastUpdated` in the group, for ordering. */
  lastUpdated: string;
}

function identifierValue(resource: { identifier?: { system?: string; value?: string }[] }, system: string): string | undefined {
  return resource.identifier?.find((identifier) => identifier.system === system)?.value;
}

function referenceOf(resource: Resource): string {
  return `${resource.resourceType}/${resource.id ?? '?'}`;
}

/** `  Task               <what>  (Task/<id>)`: the type first, so a column reads down the chart. */
function line(resource: Resource, what: string): string {
  return `  ${resource.resourceType.padEnd(18)} ${what}  (${referenceOf(resource)})`;
}

/**
 * Groups the resources by call: a Task and a Communication carry `provider/call`, a note carries
 * `provider/call/v<n>`; an event Task is its own group; Provenance joins the group of a resource it
 * targets. Newest group first.
 */
export function groupChartRecords(records: WrittenRecords): ChartRecordGroup[] {
  const groups = new Map<string, ChartRecordGroup>();
  const owner = new Map<string, ChartRecordGroup>();
  const groupFor = (key: string) => {
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, patient: null, tasks: [], communications: [], documents: [], provenance: [], lastUpdated: '' }));
    return group;
  };
  const add = <T extends Resource>(key: string, resource: T, into: (group: ChartRecordGroup) => T[]) => {
    const group = groupFor(key);
    into(group).push(resource);
    owner.set(referenceOf(resource), group);
    group.lastUpdated = [group.lastUpdated, resource.meta?.lastUpdated ?? ''].sort().at(-1)!;
  };
  for (const task of records.tasks) {
    const call = identifierValue(task, callTaskIdentifierSystem);
    const event = identifierValue(task, eventTaskIdentifierSystem);
    add(call ? `call ${call}` : event ? `event ${event}` : `Task/${task.id}`, task, (group) => group.tasks);
  }
  for (const communication of records.communications) {
    add(`call ${identifierValue(communication, callIdentifierSystem) ?? communication.id}`, communication, (group) => group.communications);
  }
  for (const document of records.documents) {
    const value = identifierValue(document, callNoteIdentifierSystem) ?? document.id ?? '?';
    add(`call ${value.replace(/\/v\d+$/, '')}`, document, (group) => group.documents);
  }
  for (const provenance of records.provenance) {
    const target = provenance.target.map((reference) => owner.get(reference.reference ?? '')).find(Boolean);
    if (target) {
      target.provenance.push(provenance);
      target.lastUpdated = [target.lastUpdated, provenance.meta?.lastUpdated ?? ''].sort().at(-1)!;
    }
  }
  for (const group of groups.values()) {
    group.patient =
      group.tasks.find((task) => task.for?.reference)?.for?.reference ??
      group.communications.find((communication) => communication.subject?.reference)?.subject?.reference ??
      group.documents.find((document) => document.subject?.reference)?.subject?.reference ??
      null;
  }
  return [...groups.values()].sort((a, b) => b.lastUpdated.localeCompare(a.lastUpdated) || a.key.localeCompare(b.key));
}

/** Only the groups filed on this patient (`Patient/<id>` or the bare id). */
export function onPatient(groups: readonly ChartRecordGroup[], patient: string): ChartRecordGroup[] {
  const reference = patient.includes('/') ? patient : `Patient/${patient}`;
  return groups.filter((group) => group.patient === reference);
}

function tags(resource: Resource): string {
  const tagged = resource.meta?.tag?.map((tag) => tag.display ?? tag.code).filter(Boolean) ?? [];
  return tagged.length ? ` · ${tagged.join('; ')}` : '';
}

function indented(text: string | undefined): string[] {
  return (text ?? '').split('\n').filter((row) => row.trim()).map((row) => `      ${row}`);
}

function staffOrDisplay(who: { identifier?: { value?: string }; display?: string; reference?: string } | undefined): string {
  return who?.identifier?.value ? `staff ${who.identifier.value}` : (who?.display ?? who?.reference ?? 'unknown');
}

/** A group as the lines a person reads: each resource, its status and tags, and the text it carries. */
export function describeChartRecordGroup(group: ChartRecordGroup): string[] {
  const lines = [`${group.key}  (${group.patient ?? 'no patient linked'})`];
  for (const task of group.tasks) {
    const what = task.code?.text ?? task.code?.coding?.[0]?.display ?? task.code?.coding?.[0]?.code ?? 'Task';
    lines.push(line(task, `${task.status}${task.priority ? ` · ${task.priority}` : ''} · ${what}${task.for?.reference ? ` · for ${task.for.reference}` : ''}${tags(task)}`));
    lines.push(...indented(task.description), ...(task.note ?? []).flatMap((note) => indented(note.text)));
  }
  for (const communication of group.communications) {
    lines.push(line(communication, `${communication.status}${communication.sent ? ` · ${communication.sent}` : ''}${tags(communication)}`));
    for (const payload of communication.payload ?? []) lines.push(...indented(payload.contentString));
  }
  for (const document of group.documents) {
    const approvedBy = document.authenticator?.identifier?.value ? ` · approved by staff ${document.authenticator.identifier.value}` : '';
    const replaces = document.relatesTo?.find((relation) => relation.code === 'replaces') ? ' · replaces an earlier version' : '';
    lines.push(line(document, `${document.status}${document.docStatus ? `/${document.docStatus}` : ''}${approvedBy}${replaces}${tags(document)}`));
    for (const content of document.content) {
      const data = content.attachment.data;
      lines.push(...indented(data ? Buffer.from(data, 'base64').toString('utf8') : content.attachment.url));
    }
  }
  for (const provenance of group.provenance) {
    const agents = provenance.agent.map((agent) => `${agent.type?.text ?? agent.type?.coding?.[0]?.code ?? 'agent'}: ${staffOrDisplay(agent.who)}`);
    lines.push(line(provenance, `${provenance.recorded} · ${agents.join('; ')}`));
  }
  return lines;
}

/** How many of each type, for the heading. */
export function countChartRecords(groups: readonly ChartRecordGroup[]): Record<'Task' | 'Communication' | 'DocumentReference' | 'Provenance', number> {
  const sum = (pick: (group: ChartRecordGroup) => unknown[]) => groups.reduce((total, group) => total + pick(group).length, 0);
  return {
    Task: sum((group) => group.tasks),
    Communication: sum((group) => group.communications),
    DocumentReference: sum((group) => group.documents),
    Provenance: sum((group) => group.provenance),
  };
}
