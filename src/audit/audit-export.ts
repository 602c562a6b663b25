import { createHmac, type Hmac } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { AuditEvent as FhirAuditEvent, AuditEventEntity } from '@medplum/fhirtypes';
import { hashAuditEvent, hashAuditEventUnkeyed, type AuditEvent } from './audit-chain.ts';
import { sameMac, type AuditKey } from './audit-key.ts';

/**
 * `callchart audit export`: the audit log for a period, for an auditor or a SIEM. Audit rows are ids
 * and codes by construction (no PHI), so the export is too. Two formats:
 * - signed JSON lines: each event with its chain hash, then a trailer whose HMAC (export sub-key)
 *   covers every byte before it, so a dropped, added or edited line is found by anyone with the key;
 * - FHIR R4 AuditEvent NDJSON, for systems that speak FHIR (the chain hash travels as entity detail).
 */
export const auditExportFormat = 'callchart-audit-export/1' as const;

export interface AuditExportTrailer {
  type: 'trailer';
  format: typeof auditExportFormat;
  count: number;
  firstSeq: number | null;
  lastSeq: number | null;
  from: string | null;
  to: string | null;
  exportedAt: string;
  keyId: string;
  mac: string;
}

/** Builds a signed export line by line (constant memory however long the period). */
export class SignedAuditExport {
  private readonly mac: Hmac;
  private count = 0;
  private firstSeq: number | null = null;
  private lastSeq: number | null = null;

  constructor(private readonly key: AuditKey, private readonly range: { from?: Date | undefined; to?: Date | undefined }, private readonly exportedAt: Date) {
    this.mac = createHmac('sha256', key.export);
  }

  /** The line for one event (no newline). */
  line(event: AuditEvent): string {
    const text = JSON.stringify({ type: 'audit-event', ...event });
    this.mac.update(`${text}\n`);
    this.count += 1;
    this.firstSeq ??= event.seq;
    this.lastSeq = event.seq;
    return text;
  }

  /** The last line: what was exported, and the HMAC over all lines before it and its own fields. */
  trailer(): string {
    const fields = {
      type: 'trailer' as const, format: auditExportFormat, count: this.count, firstSeq: this.firstSeq, lastSeq: this.lastSeq,
      from: this.range.from?.toISOString() ?? null, to: this.range.to?.toISOString() ?? null, exportedAt: this.exportedAt.toISOString(), keyId: this.key.id,
    };
    this.mac.update(canonicalize(fields)!);
    return JSON.stringify({ ...fields, mac: this.mac.digest('hex') } satisfies AuditExportTrailer);
  }
}

export type SignedExportCheck =
  | { ok: true; count: number; firstSeq: number | null; lastSeq: number | null; unverifiedLinks: number }
  | { ok: false; reason: string };

/**
 * Checks a signed export with the audit key: the trailer's HMAC over every line, the count, and each
 * event's own chain link (keyed links under the key; unkeyed v1 links recomputed).
 */
export function verifySignedAuditExport(key: AuditKey, text: string): SignedExportCheck {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const last = lines.pop();
  if (last === undefined) return { ok: false, reason: 'empty export (no trailer)' };
  let trailer: AuditExportTrailer;
  try {
    trailer = JSON.parse(last) as AuditExportTrailer;
  } catch {
    return { ok: false, reason: 'the last line is not a trailer' };
  }
  if (trailer.type !== 'trailer' || trailer.format !== auditExportFormat) return { ok: false, reason: 'the last line is not a trailer' };
  if (trailer.keyId !== key.id) return { ok: false, reason: `signed with another audit key (id ${trailer.keyId})` };
  const mac = createHmac('sha256', key.export);
  for (const line of lines) mac.update(`${line}\n`);
  const { mac: claimed, ...fields } = trailer;
  mac.update(canonicalize(fields)!);
  if (!sameMac(mac.digest('hex'), claimed)) return { ok: false, reason: 'the export HMAC does not match: lines were added, removed or changed' };
  if (lines.length !== trailer.count) return { ok: false, reason: `the trailer counts ${trailer.count} events, the export holds ${lines.length}` };
  let unverifiedLinks = 0;
  for (const line of lines) {
    const { type: _type, ...event } = JSON.parse(line) as AuditEvent & { type: string };
    const expected = event.keyId === null ? hashAuditEventUnkeyed(event) : event.keyId === key.id ? hashAuditEvent(event, key) : null;
    if (expected === null) unverifiedLinks += 1;
    else if (!sameMac(expected, event.hash)) return { ok: false, reason: `event #${event.seq} does not match its chain hash` };
  }
  return { ok: true, count: lines.length, firstSeq: trailer.firstSeq, lastSeq: trailer.lastSeq, unverifiedLinks };
}

export const auditActionSystem = 'urn:callchart:audit-action';
export const auditActorSystem = 'urn:callchart:actor';
export const auditChainSystem = 'urn:callchart:audit-event';
export const auditObjectSystem = (objectType: string): string => `urn:callchart:${encodeURIComponent(objectType)}`;

// R4 AuditEvent.outcome: 0 success, 4 minor failure, 8 serious failure, 12 major failure.
const fhirOutcome: Record<AuditEvent['outcome'], NonNullable<FhirAuditEvent['outcome']>> = {
  success: '0', duplicate: '0', deferred: '0', rejected: '4', failure: '8',
};

const detailValue = (value: unknown): string => (Array.isArray(value) ? value.join(',') : String(value));

/**
 * One audit event as a FHIR R4 AuditEvent: who as an identifier only, what as identifiers only,
 * the action as subtype, the chain position and hash as entity detail. Ids and codes only.
 */
export function toFhirAuditEvent(event: AuditEvent): FhirAuditEvent {
  const details = [
    ...(event.reason ? [{ type: 'reason', valueString: event.reason }] : []),
    ...(event.consentStatus ? [{ type: 'consent-status', valueString: event.consentStatus }] : []),
    ...Object.entries(event.detail).filter(([, value]) => value !== null && value !== undefined && value !== '').map(([name, value]) => ({ type: name, valueString: detailValue(value) })),
  ];
  const subject: AuditEventEntity = {
    ...(event.objectId ? { what: { identifier: { system: auditObjectSystem(event.objectType), value: event.objectId } } } : {}),
    type: { system: 'urn:callchart:object-type', code: event.objectType },
    ...(details.length ? { detail: details } : {}),
  };
  const chainLink: AuditEventEntity = {
    what: { identifier: { system: auditChainSystem, value: String(event.seq) } },
    // 2: System Object (the audit log's own record).
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
    detail: [
      { type: 'chain-hash', valueString: event.hash },
      { type: 'prev-hash', valueString: event.prevHash },
      { type: 'key-id', valueString: event.keyId ?? 'unkeyed-v1' },
    ],
  };
  return {
    resourceType: 'AuditEvent',
    id: `callchart-audit-${event.seq}`,
    // DICOM 110100 Application Activity: what an integration engine's events are; the action says which.
    type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110100', display: 'Application Activity' },
    subtype: [{ system: auditActionSystem, code: event.action }],
    recorded: event.at,
    outcome: fhirOutcome[event.outcome],
    ...(event.reason ? { outcomeDesc: event.reason } : {}),
    agent: [{ who: { identifier: { system: auditActorSystem, value: event.actor } }, requestor: event.actor.startsWith('staff:') }],
    source: {
      site: 'callchart',
      observer: { identifier: { system: auditActorSystem, value: 'system' } },
      // 4: Application Server.
      type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
    },
    entity: [subject, chainLink],
  };
}
