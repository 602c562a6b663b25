import type { Db } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import type { QueuePolicyStore } from '../consent/queue-policy.service.ts';
import { CallchartError } from '../lib/errors.ts';
import { loadApprovedRecord } from './approved-record.repository.ts';
import { buildWriteBackMessages, type Hl7Endpoints, type WriteBackMessageType } from '../hl7/mdm-message.mapper.ts';
import type { MllpClient } from '../hl7/mllp.client.ts';
import { noteIdentifierValue } from './chart-record.mapper.ts';
import type { ClaimedItem } from './outbox.repository.ts';
import type { WriteBackSender } from './write-back.worker.ts';

/**
 * Sends the approved note as MDM^T02 over MLLP (WB-2), for EHRs that take HL7 v2. The same outbox
 * guarantees as FHIR: the policy is asked again at send time; the message is byte-identical on
 * every attempt (stable MSH-10 and TXA-12 from the note's business identifier), so a receiver
 * that de-duplicates by either files it once however often an ambiguous attempt is repeated.
 * MLLP has no read-back; the stable identifiers are the check.
 */
export class Hl7MdmSender implements WriteBackSender {
  readonly target = 'hl7' as const;

  constructor(private readonly deps: { db: Db; cipher: ContentKeyring; client: MllpClient; policies: QueuePolicyStore; endpoints: Hl7Endpoints; messageTypes?: readonly WriteBackMessageType[] }) {}

  available(): boolean {
    return true;
  }

  async deliver(item: ClaimedItem): Promise<{ reconciled: boolean; result: Record<string, unknown> }> {
    const { db, cipher, client, policies, endpoints } = this.deps;
    const { call, versions, version, decision } = await loadApprovedRecord(db, cipher, policies, item);
    if (version.kind !== 'approved') throw new CallchartError('NOT_FOUND', 'approved version missing', { writeBackItem: item.id });
    const patientId = call.callerMatch?.outcome === 'unique' ? call.callerMatch.candidates[0]?.patientId : undefined;
    // Consent withdrawn or identity unverified since approval: nothing goes, and a person sees why.
    if (!decision.chart.note) throw new CallchartError('CONSENT_FORBIDS', 'the policy no longer allows this note in the chart', { writeBackItem: item.id, reason: decision.chart.content.reason });
    if (!decision.chart.linkPatient || !patientId) throw new CallchartError('IDENTITY_UNVERIFIED', 'the patient is not verified', { writeBackItem: item.id });
    const messages = buildWriteBackMessages({
      ...endpoints,
      at: new Date(version.createdAt),
      revision: version.version,
      patient: { id: patientId },
      note: {
        documentId: noteIdentifierValue(call.provider, call.providerCallId, version.version),
        title: 'Telephone encounter note',
        text: version.body.note.note,
        authoredBy: versions.find((entry) => entry.kind === 'edit')?.author.replace(/^staff:/, '') ?? 'callchart',
        approvedBy: version.author.replace(/^staff:/, ''),
        approvedAt: new Date(version.createdAt),
        status: 'approved',
      },
    }, this.deps.messageTypes);
    // One after another; a retry resends the ones already acknowledged byte for byte (the receiver de-duplicates).
    const acknowledged: string[] = [];
    for (const { message } of messages) acknowledged.push((await client.send(message)).messageControlId);
    return { reconciled: false, result: { messageControlIds: acknowledged, messageTypes: messages.map((entry) => entry.messageType) } };
  }
}
