/**
 * A streamed call's final transcript (issue 17, item 4): at stream end the engine's whole
 * `Transcription` (text, engine, quality, reasons, segments with words) becomes a
 * `transcript.available` event, only with the caller's transcribe consent. With `fallback: http`,
 * a local transcript that is not `ok` (phone-band audio through a wideband model, say) sends the
 * call's audio, held in memory for the call only, to the http engine, whose transcript is ingested
 * too (source 'http'); the after-call pipeline keeps the best one. With `fallback: pbx` nothing
 * more happens here: the PBX's own transcript arrives by its webhook and wins on quality.
 *
 * Transcript text and audio are PHI: never logged or audited (ids, codes and counts only).
 */
import { mulawToPcm } from './audio/mulaw.ts';
import type { AuditEventInput } from '../audit/audit-chain.ts';
import { recordAuditEvent } from '../audit/audit.repository.ts';
import { callEventSchema, type CallEvent } from '../calls/call-event.schema.ts';
import { findCallByProvider, listConsents } from '../calls/calls.repository.ts';
import type { Logger } from '../lib/logger.ts';
import type { CallAudio } from '../pbx/twilio-media.routes.ts';
import type { Db } from '../store/db.ts';
import type { PcmAudio, SpeechEngine, SpeechResult, Transcription } from './speech-engine.ts';
import type { SpeechSettings } from './speech.settings.ts';

export interface CallTranscriptDeps {
  db: Db;
  ingest: { accept(event: CallEvent): Promise<unknown> };
  logger: Logger;
  fallbackMode: SpeechSettings['fallback'];
  /** The http engine, when `fallback: http` and `speech.http` are set. */
  fallback?: SpeechEngine;
  /** Why a call's live transcript was stopped (consent withdrawn), if it was: then nothing is kept. */
  stopReason?: (callSid: string) => string | undefined;
  /** Keeps the call's audio when policy and consent allow (speech.audio.keep + record consent). */
  keepAudio?: (call: { callId: string; callSid: string; consents: Record<string, { status: string }> }, audio: CallAudio) => Promise<unknown>;
  audit?: (event: AuditEventInput) => Promise<void>;
  now?: () => Date;
  provider?: string;
}

/** Decodes a call's held audio to PCM for an engine's `transcribe` (pure). */
export function callAudioPcm(audio: CallAudio): PcmAudio {
  if (audio.format.encoding === 'mulaw') return { samples: mulawToPcm(audio.bytes), sampleRate: audio.format.sampleRate };
  const samples = new Int16Array(audio.bytes.buffer.slice(audio.bytes.byteOffset, audio.bytes.byteOffset + (audio.bytes.byteLength & ~1)));
  return { samples, sampleRate: audio.format.sampleRate };
}

/**
 * The `transcript.available` event for a transcription (pure): final segments only, cut to the
 * event schema's bounds. Null when there is no text to carry (the schema needs some).
 */
export function transcriptEvent(callSid: string, transcription: Transcription, source: string, occurredAt: Date, provider = 'twilio'): CallEvent | null {
  const text = transcription.text.trim().slice(0, 100_000);
  if (!text) return null;
  const segments = transcription.segments
    .filter((segment) => segment.final)
    .slice(0, 2_000)
    .map((segment) => ({
      start: segment.start, end: Math.max(segment.start, segment.end), text: segment.text.slice(0, 20_000), quality: segment.quality, qualityReasons: [...new Set(segment.qualityReasons)],
      words: segment.words.slice(0, 5_000).filter((word) => word.word.trim().length > 0).map((word) => ({
        word: word.word.slice(0, 100), start: word.start, end: Math.max(word.start, word.end), confidence: Math.min(1, Math.max(0, word.confidence)),
      })),
      final: true,
    }));
  const parsed = callEventSchema.safeParse({
    id: `${callSid}:speech:${source}`, provider, type: 'transcript.available', occurredAt: occurredAt.toISOString(),
    call: { id: callSid, ani: '', direction: 'inbound' },
    data: { transcript: { text, source, quality: transcription.quality, qualityReasons: [...new Set(transcription.qualityReasons)], segments } },
  });
  return parsed.success ? parsed.data : null;
}

export class CallTranscriptService {
  private readonly audit: (event: AuditEventInput) => Promise<void>;
  private readonly now: () => Date;

  constructor(private readonly deps: CallTranscriptDeps) {
    this.audit = deps.audit ?? ((event) => recordAuditEvent(deps.db, event));
    this.now = deps.now ?? (() => new Date());
  }

  /** The media route's `onTranscript`: ingest the engine's transcript, then the fallback's when needed. */
  async streamEnded(callSid: string, result: SpeechResult, audio?: CallAudio): Promise<void> {
    const provider = this.deps.provider ?? 'twilio';
    const call = await findCallByProvider(this.deps.db, provider, callSid);
    const consents = call ? await listConsents(this.deps.db, call.id) : {};
    const stopped = this.deps.stopReason?.(callSid);
    if (!call || consents.transcribe?.status !== 'granted' || stopped) {
      // No transcript without transcribe consent (invariant 1), nor after it was withdrawn mid-call.
      await this.audit({
        actor: 'speech', action: 'transcript.discarded', objectType: 'call', objectId: call?.id ?? null, outcome: 'rejected',
        reason: stopped ? 'CONSENT_WITHDRAWN' : 'NO_TRANSCRIBE_CONSENT', consentStatus: `transcribe:${consents.transcribe?.status ?? 'not-captured'}`,
      });
      // Held audio of a call that may not be transcribed is not kept either (said, ids only).
      if (audio && this.deps.keepAudio) {
        await this.audit({
          actor: 'speech', action: 'audio.discarded', objectType: 'call', objectId: call?.id ?? null, outcome: 'success',
          reason: stopped ? 'CONSENT_WITHDRAWN' : 'NO_TRANSCRIBE_CONSENT', detail: { bytes: audio.bytes.byteLength },
        });
      }
      return;
    }
    const transcription: Transcription | null = result.transcription
      ?? (result.text ? { text: result.text, sampleRate: audio?.format.sampleRate ?? 8_000, engine: result.engine, quality: 'low', qualityReasons: ['no-confidence-reported'], segments: [] } : null);
    const local = transcription ? await this.ingestTranscription(call.id, callSid, transcription, result.engine) : null;
    const quality = transcription?.quality ?? 'unusable';

    if (audio && this.deps.keepAudio) {
      try {
        await this.deps.keepAudio({ callId: call.id, callSid, consents }, audio);
      } catch (error) {
        this.deps.logger.error({ err: errorCode(error) }, 'call audio could not be kept');
      }
    }

    if (quality === 'ok' || this.deps.fallbackMode !== 'http') return;
    const fallback = this.deps.fallback;
    if (!fallback?.transcribe || !audio) {
      await this.audit({
        actor: 'speech', action: 'transcript.fallback', objectType: 'call', objectId: call.id, outcome: 'failure', reason: fallback ? 'NO_AUDIO_HELD' : 'NO_FALLBACK_ENGINE',
        detail: { localQuality: quality, localIngested: local !== null },
      });
      return;
    }
    try {
      const heard = await fallback.transcribe(callAudioPcm(audio));
      const ingested = await this.ingestTranscription(call.id, callSid, heard, 'http');
      await this.audit({
        actor: 'speech', action: 'transcript.fallback', objectType: 'call', objectId: call.id, outcome: 'success',
        detail: { engine: fallback.name, localQuality: quality, quality: heard.quality, qualityReasons: heard.qualityReasons, segments: heard.segments.length, ingested: ingested !== null, audioTruncated: audio.truncated },
      });
    } catch (error) {
      const code = errorCode(error).code ?? 'SPEECH_FALLBACK_FAILED';
      this.deps.logger.warn({ err: errorCode(error), engine: fallback.name }, 'fallback transcription failed');
      await this.audit({ actor: 'speech', action: 'transcript.fallback', objectType: 'call', objectId: call.id, outcome: 'failure', reason: code, detail: { engine: fallback.name, localQuality: quality } });
    }
  }

  /** Ingests one transcription; null when it had no text (audited as such). */
  private async ingestTranscription(callId: string, callSid: string, transcription: Transcription, source: string): Promise<CallEvent | null> {
    const event = transcriptEvent(callSid, transcription, source, this.now(), this.deps.provider ?? 'twilio');
    if (!event) {
      await this.audit({
        actor: 'speech', action: 'transcript.empty', objectType: 'call', objectId: callId, outcome: 'failure', reason: transcription.quality === 'ok' ? 'NO_TEXT' : 'TRANSCRIPT_UNUSABLE',
        detail: { engine: source, quality: transcription.quality, qualityReasons: transcription.qualityReasons, segments: transcription.segments.length },
      });
      return null;
    }
    await this.deps.ingest.accept(event);
    return event;
  }
}

function errorCode(error: unknown): { name: string; code: string | null } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, code: typeof code === 'string' ? code : null };
  }
  return { name: typeof error, code: null };
}
