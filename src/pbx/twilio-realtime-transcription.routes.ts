import type { FastifyInstance } from 'fastify';
import type { Db } from '../store/db.ts';
import type { ContentKeyring } from '../keys/keyring.service.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import type { CallIngestService } from '../calls/call-ingest.service.ts';
import { findCallByProvider, listConsents } from '../calls/calls.repository.ts';
import { saveRealtimeUtterance } from '../calls/transcript.repository.ts';
import type { TwilioWebhookGuard } from './twilio-webhook-guard.routes.ts';
import { twilioProvider } from './twilio-events.ts';
import { parseTranscriptionData, twilioRealtimeParamsSchema, twilioRealtimeSource, utteranceSegment } from './twilio-realtime-transcription.ts';
import type { RealtimeTranscriptAssembler} from './twilio-realtime-transcription.service.ts';
import { type LiveSegmentSink } from './twilio-realtime-transcription.service.ts';

/** Where Twilio posts real-time transcription status callbacks (the TwiML names it). */
export const twilioRealtimeTranscriptionPath = '/webhooks/twilio/realtime-transcription';

/** `speech.twilioRealtime` with what the route needs to store and hand on utterances. */
export interface TwilioRealtimeTranscriptionOptions {
  enabled: boolean;
  partialResults: boolean;
  languageCode: string;
  /** `speech.lowConfidence`. */
  lowConfidence: number;
  cipher: ContentKeyring;
  /** The live screen's door (partials and finals as they come); absent: nothing live. */
  onLiveSegment?: LiveSegmentSink;
}

const xml = 'text/xml; charset=utf-8';
const emptyTwiml = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * Twilio real-time transcription status callbacks (issue 17 item 1), behind the Twilio gate (forms,
 * signature, audited refusals). A final utterance is made durable (sealed, once per SequenceId)
 * before the 200; a partial is never stored, only handed to the live path; on transcription-stopped
 * or -error the finals become one transcript through the ingest. No transcribe consent: nothing is
 * stored or shown, and the discard is audited.
 */
export function registerRealtimeTranscriptionRoute(
  app: FastifyInstance,
  guard: TwilioWebhookGuard,
  options: { db: Db; ingest: CallIngestService; realtime: TwilioRealtimeTranscriptionOptions; assembler: RealtimeTranscriptAssembler },
): void {
  const { db, realtime, assembler } = options;
  app.post(twilioRealtimeTranscriptionPath, async (request, reply) => {
    const parsed = guard.parse(twilioRealtimeParamsSchema, request);
    if (!parsed.ok) return guard.reject(request, reply, 400, 'PAYLOAD_INVALID', 'not a Twilio real-time transcription callback', parsed.paths);
    const params = parsed.value;
    const content = params.TranscriptionEvent === 'transcription-content' ? parseTranscriptionData(params.TranscriptionData!) : null;
    if (content && !content.ok) return guard.reject(request, reply, 400, 'PAYLOAD_INVALID', 'TranscriptionData is not {"transcript": string, "confidence"?: number 0..1}', ['TranscriptionData']);

    const call = await findCallByProvider(db, twilioProvider, params.CallSid);
    if (params.TranscriptionEvent === 'transcription-started') return reply.type(xml).send(emptyTwiml);
    const consents = call ? await listConsents(db, call.id) : {};
    if (!call || consents.transcribe?.status !== 'granted') {
      // No transcript without transcribe consent (invariant 1): the words are dropped unread.
      if (params.TranscriptionEvent === 'transcription-content') {
        await recordAuditEvent(db, {
          actor: 'pbx:twilio', action: 'transcript.discarded', objectType: 'call', objectId: call?.id ?? null, outcome: 'rejected',
          reason: call ? 'NO_TRANSCRIBE_CONSENT' : 'UNKNOWN_CALL', consentStatus: `transcribe:${consents.transcribe?.status ?? 'not-captured'}`,
          detail: { source: twilioRealtimeSource, final: params.Final ?? null },
        });
      }
      return reply.type(xml).send(emptyTwiml);
    }
    // We asked for the caller's track only; another track is not the patient's account.
    if (params.Track && params.Track !== 'inbound_track') return reply.type(xml).send(emptyTwiml);

    if (params.TranscriptionEvent === 'transcription-content' && content?.ok) {
      if (params.Final) {
        // Durable before the 200: a retry of the same SequenceId stores nothing more.
        await db.transaction((tx) => saveRealtimeUtterance(tx, realtime.cipher, {
          callId: call.id, transcriptionSid: params.TranscriptionSid, sequenceId: params.SequenceId!, confidence: content.confidence, text: content.transcript,
        }));
      }
      await handOn(request.log, realtime.onLiveSegment, params.CallSid, utteranceSegment(
        { text: content.transcript, confidence: content.confidence }, { start: 0, end: 0 }, { lowConfidence: realtime.lowConfidence, final: params.Final === true },
      ));
      return reply.type(xml).send(emptyTwiml);
    }
    const failed = params.TranscriptionEvent === 'transcription-error';
    await assembler.assemble({ callId: call.id, callSid: params.CallSid, transcriptionSid: params.TranscriptionSid, failed, languageCode: params.LanguageCode, trigger: failed ? 'error' : 'stopped' });
    return reply.type(xml).send(emptyTwiml);
  });
}

/** The live path must never fail Twilio's callback: its errors are logged (codes only) and dropped. */
async function handOn(log: { warn(object: object, message: string): void }, sink: LiveSegmentSink | undefined, callSid: string, segment: Parameters<LiveSegmentSink>[0]['segment']): Promise<void> {
  if (!sink || !segment.text) return;
  try {
    await sink({ callSid, source: twilioRealtimeSource, segment });
  } catch (error) {
    log.warn({ err: { name: (error as Error).name, code: (error as { code?: unknown }).code } }, 'live transcript segment not shown');
  }
}
