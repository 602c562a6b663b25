import type { Db } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import type { CallIngestService } from '../calls/call-ingest.service.ts';
import { findCall } from '../calls/calls.repository.ts';
import { loadRealtimeUtterances, markRealtimeAssembled, unassembledTranscriptions } from '../calls/transcript.repository.ts';
import { appendAuditEvent } from '../audit/audit.repository.ts';
import type { TranscriptSegment } from '../speech/speech-engine.ts';
import { realtimeTranscriptEvent } from './twilio-realtime-transcription.ts';

/** The live path's door (issue17-live implements it: redaction, live screen). Must not throw; errors are logged and ignored. */
export type LiveSegmentSink = (input: { callSid: string; source: 'twilio-realtime'; segment: TranscriptSegment }) => Promise<void>;

export interface RealtimeTranscriptionDeps {
  db: Db;
  cipher: ContentKeyring;
  ingest: CallIngestService;
  /** `speech.lowConfidence`: an utterance below it is `low`, below half of it `unusable`. */
  lowConfidence: number;
  now?: () => Date;
}

/**
 * Turns a real-time transcription's stored final utterances into ONE transcript of the call, through
 * the ordinary ingest (where consent is checked, as for every transcript). Called on
 * transcription-stopped, transcription-error and when the call ends, whichever comes first; running
 * it again does nothing (the event id is the transcription's, and assembled utterances hold no text).
 */
export class RealtimeTranscriptAssembler {
  constructor(private readonly deps: RealtimeTranscriptionDeps) {}

  async assemble(input: { callId: string; callSid: string; transcriptionSid: string; failed: boolean; languageCode?: string | undefined; trigger: 'stopped' | 'error' | 'call-ended' }): Promise<{ stored: boolean; utterances: number }> {
    const { db, cipher, ingest } = this.deps;
    const utterances = await loadRealtimeUtterances(db, input.callId, input.transcriptionSid, cipher);
    const call = await findCall(db, input.callId);
    const event = realtimeTranscriptEvent({
      callSid: input.callSid, transcriptionSid: input.transcriptionSid, utterances, failed: input.failed, lowConfidence: this.deps.lowConfidence,
      languageCode: input.languageCode, dnis: call?.dnis ?? null, now: this.deps.now?.() ?? new Date(),
    });
    const result = event ? await ingest.accept(event) : null;
    const quality = event?.type === 'transcript.available' ? event.data.transcript.quality ?? null : null;
    await db.transaction(async (tx) => {
      await markRealtimeAssembled(tx, input.callId, input.transcriptionSid);
      await appendAuditEvent(tx, {
        actor: 'pbx:twilio', action: 'transcript.realtime.assembled', objectType: 'call', objectId: input.callId, outcome: result?.status === 'duplicate' ? 'duplicate' : 'success',
        // Ids, codes and counts only.
        detail: { transcriptionSid: input.transcriptionSid, trigger: input.trigger, utterances: utterances.length, quality, stored: result?.status === 'accepted' },
      });
    });
    return { stored: result?.status === 'accepted', utterances: utterances.length };
  }

  /** At the call's end: every transcription of the call that was not stopped yet. */
  async assembleOpen(callId: string, callSid: string): Promise<number> {
    const open = await unassembledTranscriptions(this.deps.db, callId);
    for (const transcriptionSid of open) await this.assemble({ callId, callSid, transcriptionSid, failed: false, trigger: 'call-ended' });
    return open.length;
  }
}
