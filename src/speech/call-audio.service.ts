/**
 * Keeping a streamed call's audio per policy (issue 17, TR-3): the `keepAudio` hook of
 * CallTranscriptService. At the stream's end it reads the record consent as it stands then, and
 * either stores the audio sealed (`audio.kept`) or stores nothing and audits why (`audio.discarded`,
 * NO_RECORD_CONSENT / AUDIO_NOT_KEPT). Ids, codes and counts only: never the audio.
 */
import type { AuditEventInput } from '../audit/audit-chain.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { listConsents } from '../calls/calls.repository.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import type { CallAudio } from '../pbx/twilio-media.routes.ts';
import type { Db } from '../store/db.ts';
import { audioKeepDecision } from './call-audio.ts';
import { storeCallAudio, type KeptCallAudio } from './call-audio.repository.ts';
import type { SpeechSettings } from './speech.settings.ts';

export interface CallAudioKeeperDeps {
  db: Db;
  cipher: ContentKeyring;
  settings: SpeechSettings['audio'];
  now?: () => Date;
  audit?: (event: AuditEventInput) => Promise<void>;
}

export type KeepCallAudio = (call: { callId: string; callSid: string; consents: Record<string, { status: string }> }, audio: CallAudio) => Promise<KeptCallAudio | null>;

/** The hook: stores the audio when policy and consent allow, else audits the discard. */
export function callAudioKeeper(deps: CallAudioKeeperDeps): KeepCallAudio {
  const now = deps.now ?? (() => new Date());
  const audit = deps.audit ?? ((event: AuditEventInput) => recordAuditEvent(deps.db, event));
  return async (call, audio) => {
    // The answer at the end of the call counts: consent may have changed since the stream started.
    const consents = { ...call.consents, ...(await listConsents(deps.db, call.callId)) };
    const at = now();
    const decision = audioKeepDecision(deps.settings, consents, audio.bytes.byteLength, at);
    if (!decision.keep) {
      await audit({
        actor: 'speech', action: 'audio.discarded', objectType: 'call', objectId: call.callId, outcome: 'success', reason: decision.reason,
        consentStatus: `record:${consents.record?.status ?? 'not-captured'}`, detail: { bytes: audio.bytes.byteLength },
      });
      return null;
    }
    return storeCallAudio(deps.db, deps.cipher, { callId: call.callId, format: audio.format, bytes: audio.bytes, truncated: audio.truncated, expiresAt: decision.expiresAt }, at);
  };
}
