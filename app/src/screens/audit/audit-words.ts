import type { AuditOutcome, People, TrailEvent } from './audit-types';

/**
 * The audit trail in people's words: actions, outcomes, reasons, objects and actors. The trail
 * stores codes (`call.red-flag.acknowledged`, `ROLE_FORBIDDEN`); an auditor reads sentences. A code
 * not listed here is still shown in words (its parts, spelled out), never as a bare code alone.
 */

interface ActionGroup {
  group: string;
  items: Record<string, string>;
}

export const actionGroups: readonly ActionGroup[] = [
  {
    group: 'Calls',
    items: {
      'call.event.accepted': 'Phone system event received',
      'call.event.duplicate': 'Repeated phone system event ignored',
      'call.caller.identified': 'Caller identified',
      'call.identity.step-up': "Caller's birth date checked",
      'call.identity.linked': 'Call linked to a chart',
      'call.identity.staff-verified': "Caller's identity confirmed by staff",
      'call.identity.link.refused': 'Chart link refused',
      'call.consent.captured': 'Consent captured',
      'call.consent.standing-read': 'Standing consent applied',
      'call.routed': 'Call routed',
      'call.understood': 'Call understood (AI analysis)',
      'call.red-flag.acknowledged': 'Red flag acknowledged',
      'policy.decided': 'Consent and policy decision',
      'transcript.discarded': 'Transcript discarded',
      'transcript.purged': 'Transcript deleted',
      'ivr.unknown-call': 'Phone menu input for an unknown call',
      'ivr.consents.planned': 'Consent questions chosen for the call',
    },
  },
  {
    group: 'Review and chart',
    items: {
      'review.created': 'Sent to review',
      'review.assigned': 'Review assigned',
      'review.edited': 'Chart note edited',
      'review.approved': 'Chart note approved',
      'review.rejected': 'Chart note rejected',
      'ehr.write-back.queued': 'Chart write queued',
      'ehr.write-back.delivered': 'Written to the chart',
      'ehr.write-back.failed': 'Chart write failed',
      'ehr.write-back.retrying': 'Chart write being retried',
      'ehr.write-back.requeued': 'Chart write queued again',
      'ehr.task.written': 'Task written to the chart',
      'ehr.task.linked': 'Chart task linked to the patient',
      'ehr.patient.searched': 'Chart search',
      'ehr.patient.changed': 'Chart changed in the EHR',
    },
  },
  {
    group: 'Access',
    items: {
      'phi.viewed': 'Patient information viewed',
      'staff.signed-in': 'Signed in',
      'staff.sign-in.failed': 'Sign-in failed',
      'staff.signed-out': 'Signed out',
      'staff.stepped-up': 'Confirmed it was them (step-up)',
      'staff.locked-out': 'Account locked after failed sign-ins',
      'staff.api.rejected': 'Request refused',
      'staff.live.connected': 'Live screen connected',
      'staff.live.dropped': 'Live screen disconnected',
      'webhook.rejected': 'Webhook refused',
      'request.rate-limited': 'Too many requests refused',
    },
  },
  {
    group: 'Settings and people',
    items: {
      'policy.queue.activated': 'Settings changed: queue policy',
      'policy.queue.refused': 'Settings change refused: queue policy',
      'retention.policy.changed': 'Settings changed: retention',
      'routing.rules.activated': 'Settings changed: routing rules',
      'routing.rules.rejected': 'Settings change refused: routing rules',
      'staff.user.created': 'Staff account created',
      'staff.user.changed': 'Staff account changed',
      'staff.user.disabled': 'Staff account disabled',
      'staff.user.enabled': 'Staff account enabled',
      'staff.user.deleted': 'Staff account deleted',
      'staff.sessions.revoked': 'Signed out everywhere',
      'staff.password.changed': 'Password changed',
      'staff.mfa.enrolled': 'Authenticator app set up',
      'staff.token.issued': 'Service token issued',
      'staff.token.revoked': 'Service token revoked',
    },
  },
  {
    group: 'Governance',
    items: {
      'retention.hold.set': 'Legal hold set',
      'retention.hold.released': 'Legal hold released',
      'retention.purged': 'Deleted on schedule (retention)',
      'retention.deleted-outside-policy': 'Deleted outside the retention policy',
      'retention.run.finished': 'Retention run finished',
      'retention.report.viewed': 'Retention report viewed',
      'alert.raised': 'Alert raised',
      'alert.acknowledged': 'Alert acknowledged',
      'alert.delivery.failed': 'Alert could not be delivered',
      'incident.opened': 'Incident opened',
      'incident.updated': 'Incident updated',
      'audit.verified': 'Audit trail verified',
      'audit.checkpoint.failed': 'Audit checkpoint could not be written',
      'audit.checkpoint.recovered': 'Audit checkpoints written again',
      'keys.kek.rotated': 'Key-encryption key rotated',
      'keys.kek.retired': 'Key-encryption key retired',
      'keys.data-keys.rotated': 'Data keys rotated',
      'keys.data-key.created': 'Data key created',
      'keys.data-key.destroyed': 'Data key destroyed',
      'engine.started': 'Callchart started',
    },
  },
];

const actionWordsByCode: Record<string, string> = Object.assign({}, ...actionGroups.map((group) => group.items));

/** Spells out a code nobody listed: `pipeline.summarize.failed` → "Pipeline summarize failed". */
function spelledOut(code: string): string {
  const words = code.replace(/[._:-]+/g, ' ').trim().toLowerCase();
  return words ? `${words[0]!.toUpperCase()}${words.slice(1)}` : code;
}

export function actionWords(action: string): string {
  return actionWordsByCode[action] ?? spelledOut(action);
}

/** The Select's options, grouped. */
export const actionOptions = actionGroups.map((group) => ({ group: group.group, items: Object.entries(group.items).map(([value, label]) => ({ value, label })) }));

const outcomeWordsByCode: Record<AuditOutcome, string> = {
  success: 'Done',
  failure: 'Failed',
  rejected: 'Refused',
  duplicate: 'Already done (repeat)',
  deferred: 'Deferred',
};

export function outcomeWords(outcome: string): string {
  return outcomeWordsByCode[outcome as AuditOutcome] ?? spelledOut(outcome);
}

/** Dark shades: the badge's text keeps 4.5:1 contrast on light backgrounds (axe color-contrast). */
export function outcomeColor(outcome: string): string {
  // Dark shades on the light theme, light ones on the dark theme: 4.5:1 on both backgrounds.
  return outcome === 'success' || outcome === 'duplicate' ? 'light-dark(var(--mantine-color-teal-9), var(--mantine-color-teal-3))' : outcome === 'deferred' ? 'light-dark(var(--mantine-color-dark-6), var(--mantine-color-gray-4))' : 'light-dark(var(--mantine-color-red-9), var(--mantine-color-red-3))';
}

const reasonWordsByCode: Record<string, string> = {
  ROLE_FORBIDDEN: 'their role may not do this',
  QUEUE_FORBIDDEN: 'not one of their queues',
  STAFF_TOKEN_MISSING: 'not signed in',
  STAFF_TOKEN_INVALID: 'sign-in not valid',
  STAFF_TOKEN_IN_URL: 'a sign-in token was put in a web address',
  SESSION_EXPIRED: 'the session had ended',
  SESSION_INVALID: 'not signed in',
  CSRF_TOKEN_INVALID: 'the page was out of date',
  STEP_UP_REQUIRED: 'they had not confirmed it was them',
  STEP_UP_UNAVAILABLE: 'a service token cannot confirm who uses it',
  STEP_UP_FAILED: 'wrong password or code',
  SIGNATURE_INVALID: 'the signature did not match',
  PAYLOAD_INVALID: 'the request was not valid',
  POLICY_INVALID: 'the settings were not valid',
  NOT_FOUND: 'not found',
  NO_TRANSCRIBE_CONSENT: 'the caller did not consent to a transcript',
  CONSENT_FORBIDS: 'the caller\'s consent does not allow it',
  POLICY_NOT_ASKED: 'the policy was not consulted',
  RATE_LIMITED: 'too many attempts',
  SINK_UNREACHABLE: 'the checkpoint store was not reachable',
  EHR_UNAVAILABLE: 'the EHR did not answer',
  PATIENT_NOT_FOUND: 'the EHR has no such chart',
};

/**
 * A reason in words. Reasons are codes (`ROLE_FORBIDDEN`), except where a person wrote why (a
 * settings change): that text is shown as they wrote it.
 */
export function reasonWords(reason: string | null): string | null {
  if (!reason) return null;
  if (reasonWordsByCode[reason]) return reasonWordsByCode[reason]!;
  if (/^[A-Z0-9_]+$/.test(reason)) return spelledOut(reason);
  return reason;
}

const objectWordsByType: Record<string, string> = {
  call: 'Call',
  'review-item': 'Review item',
  'write-back-item': 'Chart write',
  'queue-policy': 'Queue policy',
  'staff-user': 'Staff account',
  'staff-token': 'Service token',
  route: 'Request',
  'audit-export': 'Audit export',
  'audit-log': 'Audit trail',
  patient: 'Chart',
  'incident-evidence': 'Incident evidence',
  'chart-readback': 'Chart read-back',
  websocket: 'Live connection',
  job: 'Background job',
  'legal-hold': 'Legal hold',
  alert: 'Alert',
  incident: 'Incident',
  'checkpoint-sink': 'Checkpoint store',
};

export function objectWords(objectType: string): string {
  return objectWordsByType[objectType] ?? spelledOut(objectType);
}

/** The call an event is about, when it names one (its own id for call events, else detail.callId). */
export function callOf(event: TrailEvent): string | null {
  if (event.objectType === 'call' && event.objectId) return event.objectId;
  const fromDetail = event.detail.callId;
  return typeof fromDetail === 'string' ? fromDetail : null;
}

/** Who acted, in words: the staff member's name where known, else what kind of actor and its id. */
export function actorWords(actor: string, people: People): string {
  const person = people[actor];
  if (person) return person.name;
  const [kind, ...rest] = actor.split(':');
  const id = rest.join(':');
  switch (kind) {
    case 'staff':
      return `Staff member ${id}`;
    case 'system':
      return id ? `Callchart (${id})` : 'Callchart';
    case 'pbx':
      return `Phone system (${id})`;
    case 'worker':
      return `Callchart worker (${id})`;
    case 'write-back':
      return id ? `Chart writer (${id})` : 'Chart writer';
    case 'policy':
      return id ? `Consent policy check (${id})` : 'Consent policy check';
    case 'operator':
      return `Operator on the server (${id})`;
    case 'unverified':
      return 'Someone not signed in';
    default:
      return actor;
  }
}

const purposeWords: Record<string, string> = {
  'screen-pop': 'screen pop on a live call',
  'review-opened': 'review item opened',
  'raw-content': 'unredacted content revealed',
  export: 'export',
  'patient-search': 'chart search results',
  'chart-readback': 'chart read back',
  'audit-review': 'audit timeline viewed',
};

const eventTypeWords: Record<string, string> = {
  'call.ringing': 'call arrived (ringing)',
  'call.answered': 'call answered',
  'call.ended': 'call ended',
  'call.transferred': 'call transferred',
  'call.abandoned': 'caller hung up before an answer',
  'consent.captured': 'consent given on the phone menu',
  'ivr.input': 'phone menu input',
  'transcript.available': 'transcript arrived',
  'recording.available': 'recording arrived',
};

const consentScopeWords: Record<string, string> = { record: 'Recording', transcribe: 'Transcript', ai: 'AI analysis', ehr: 'Chart (EHR)' };

const text = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);

/**
 * The headline of an event: the action in words, made specific where the detail says more (which
 * phone system event: the call arrived, was answered, ended; why patient information was viewed).
 */
export function eventTitle(event: TrailEvent): string {
  const eventType = text(event.detail.eventType);
  if (event.action === 'call.event.accepted' && eventType) {
    const words = eventTypeWords[eventType] ?? spelledOut(eventType).toLowerCase();
    return `${words[0]!.toUpperCase()}${words.slice(1)}`;
  }
  const purpose = text(event.detail.purpose);
  if (event.action === 'phi.viewed' && purpose) return `Patient information viewed: ${purposeWords[purpose] ?? spelledOut(purpose).toLowerCase()}`;
  return actionWords(event.action);
}

/** The facts of an event's detail that tell an auditor what happened: ids and codes, in words. */
export function detailWords(event: TrailEvent): string[] {
  const detail = event.detail;
  const facts: string[] = [];
  const eventType = text(detail.eventType);
  if (eventType && event.action !== 'call.event.accepted') facts.push(eventTypeWords[eventType] ?? spelledOut(eventType).toLowerCase());
  const patientId = text(detail.patientId);
  if (patientId) facts.push(`Chart ${patientId}`);
  const scope = text(detail.scope);
  const status = text(detail.status);
  if (event.action.startsWith('call.consent') && scope) facts.push(`${consentScopeWords[scope] ?? spelledOut(scope)}: ${status ?? '—'}`);
  else if (event.consentStatus) facts.push(`Consent: ${event.consentStatus.split(',').map((part) => part.replace(':', ' ')).join(', ')}`);
  const code = text(detail.code);
  if (event.action === 'call.red-flag.acknowledged' && code) {
    const seconds = detail.secondsToAcknowledge;
    facts.push(`Flag ${code.replace(/[-_]/g, ' ')}${typeof seconds === 'number' ? `, ${Math.round(seconds)} s after it was raised` : ''}`);
  }
  const changed = detail.changedFields;
  if (Array.isArray(changed) && changed.length) facts.push(`Changed: ${changed.join(', ')}`);
  if (typeof detail.version === 'number') facts.push(`Version ${detail.version}`);
  const outcome = text(detail.outcome);
  if (event.action === 'call.caller.identified' && outcome) facts.push(`${spelledOut(outcome)}${text(detail.confidence) ? `, ${text(detail.confidence)} confidence` : ''}`);
  const queue = text(detail.queue);
  if (queue) facts.push(`Queue ${queue}`);
  if (typeof detail.count === 'number') facts.push(`${detail.count} events`);
  const fhirTask = text(detail.fhirTaskId);
  if (fhirTask) facts.push(`EHR task ${fhirTask}`);
  return facts;
}
