import type { Db } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import { findCall, type CallRecord } from '../calls/calls.repository.ts';
import { decideForCall } from '../consent/call-policy.service.ts';
import type { QueuePolicyStore } from '../consent/queue-policy.service.ts';
import type { CallPolicyDecision } from '../consent/call-policy.ts';
import { CallchartError } from '../lib/errors.ts';
import { loadVersions, type ReviewVersion } from '../review/review.repository.ts';
import type { ClaimedItem } from './outbox.repository.ts';

export interface ApprovedRecord {
  call: CallRecord;
  /** Every version of the review item, oldest first. */
  versions: ReviewVersion[];
  /** The version the outbox item was queued for. */
  version: ReviewVersion;
  /** The policy asked again at send time (a consent withdrawn since approval still holds). */
  decision: CallPolicyDecision;
}

/** What every write-back sender starts from: the call, the approved version, and the policy's answer now. */
export async function loadApprovedRecord(db: Db, cipher: ContentKeyring, policies: QueuePolicyStore, item: ClaimedItem): Promise<ApprovedRecord> {
  const call = item.callId ? await findCall(db, item.callId) : null;
  if (!call || !item.reviewId || item.reviewVersion === null) throw new CallchartError('NOT_FOUND', 'write-back item without its call or review version', { writeBackItem: item.id });
  const versions = await loadVersions(db, cipher, item.reviewId);
  const version = versions.find((entry) => entry.version === item.reviewVersion);
  if (!version) throw new CallchartError('NOT_FOUND', 'approved version missing', { writeBackItem: item.id });
  const decision = await db.transaction((tx) => decideForCall(tx, policies, call, 'write-back'));
  return { call, versions, version, decision };
}
